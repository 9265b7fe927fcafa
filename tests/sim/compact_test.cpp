// Compact block relay (BIP152, docs/relay.md): timing on a line, worked out by hand from the
// message sizes, and the same chain as announce relay.
#include <map>
#include <memory>
#include <set>
#include <vector>

#include <gtest/gtest.h>

#include "core/compact.h"
#include "core/node.h"
#include "core/wallet.h"
#include "sim/net/network.h"
#include "world_test_util.h"

namespace sim {
namespace {

using core::kMillisecond;
using core::kSecond;

constexpr core::Nanos kLatency = 100 * kMillisecond;
constexpr std::uint64_t kBandwidth = 8'000'000;  // one byte per microsecond

core::Nanos transfer(std::size_t bytes) {
    return static_cast<core::Nanos>(bytes) * core::kMicrosecond;
}

// core::Nodes on a line over sim::Network, without the World: no processing time, and a link
// that comes back does not resync (so a test can keep a transaction from a node).
class Line final : public core::NodeObserver {
  public:
    struct Host final : core::Clock, core::Transport {
        Line* line = nullptr;
        int id = 0;
        core::Nanos now() const override { return line->scheduler.now(); }
        core::TimerId after(core::Nanos delay, std::function<void()> fn) override {
            return core::TimerId{line->scheduler.schedule_after(delay, std::move(fn)).tag};
        }
        void cancel(core::TimerId t) override { (void)line->scheduler.cancel(EventId{t.value}); }
        void send(core::PeerId to, core::MessagePtr m) override {
            ++line->sent[m->kind];
            line->sent_objects[m->kind].insert(m.get());
            const std::uint64_t size = m->wire_size();
            line->network->send(id, to, size, [this, to, m] { line->nodes[to]->on_message(id, *m); });
        }
        std::span<const core::PeerId> peers() const override {
            usable = line->network->usable_neighbors(id);
            return usable;
        }
        mutable std::vector<core::PeerId> usable;
    };

    // `shared_tree`: the nodes share one core::BlockTree, as a World's do.
    Line(int n, core::RelayMode relay, core::CompactConfig compact = {}, bool shared_tree = false) {
        params.pow_bits = 8;
        for (int i = 0; i < 4; ++i) {
            keys.push_back(core::derive_account_key(1, i));
            params.allocations.push_back({keys.back().public_key().address(), 1'000'000});
        }
        genesis = core::make_genesis(params);
        TopologySpec spec;
        spec.kind = TopologyKind::kLine;
        Rng rng(1);
        Topology t = std::move(build_topology(spec, n, rng)).value();
        LatencySpec latency;
        latency.distribution.value = kLatency;
        EXPECT_TRUE(assign_latencies(t, latency, rng).ok());
        LinkParams link;
        link.bandwidth_bps = kBandwidth;
        network = std::make_unique<Network>(scheduler, std::move(t), link, Rng(2));
        hosts.resize(n);
        core::NodeConfig config;
        config.relay = relay;
        config.compact = compact;
        config.unix_time_at_zero = params.genesis_time;
        if (shared_tree) config.chain.tree = std::make_shared<core::BlockTree>(genesis);
        for (int i = 0; i < n; ++i) {
            hosts[i].line = this;
            hosts[i].id = i;
            nodes.push_back(std::make_unique<core::Node>(i, params, genesis, config, hosts[i],
                                                         hosts[i], this));
        }
    }

    void on_block_accepted(int node, const core::BlockRef& block, core::PeerId) override {
        accepted[block->hash()].resize(nodes.size(), -1);
        accepted[block->hash()][node] = scheduler.now();
    }
    void on_compact_block(int, const core::Hash256&, std::uint64_t missing, bool whole) override {
        if (whole) {
            ++whole_blocks;
        } else if (missing == 0) {
            ++rebuilt;
        } else {
            ++round_trips;
        }
    }

    core::TransactionRef transfer_tx(int account, std::uint64_t nonce) {
        return core::Transaction::sign_transfer(keys[account], keys[(account + 1) % 4].public_key().address(),
                                                10, 1, nonce);
    }
    // Node 0 mines a block now and we run until everything settles.
    core::BlockRef mine() {
        core::BlockRef block = nodes[0]->solve_block();
        EXPECT_TRUE(nodes[0]->submit_block(block).status != core::AcceptResult::Status::kInvalid);
        scheduler.run();
        return block;
    }
    // Per-hop delays of `block`, node k-1 to node k.
    std::vector<core::Nanos> hops(const core::BlockRef& block) {
        const std::vector<core::Nanos>& at = accepted.at(block->hash());
        std::vector<core::Nanos> result;
        for (std::size_t k = 1; k < at.size(); ++k)
            result.push_back(at[k] - at[k - 1]);
        return result;
    }

    core::ConsensusParams params;
    std::vector<core::PrivateKey> keys;
    core::BlockRef genesis;
    Scheduler scheduler;
    std::unique_ptr<Network> network;
    std::vector<Host> hosts;
    std::vector<std::unique_ptr<core::Node>> nodes;
    std::map<core::Hash256, std::vector<core::Nanos>> accepted;
    std::map<core::Message::Kind, int> sent;
    std::map<core::Message::Kind, std::set<const core::Message*>> sent_objects;  // distinct ones
    int rebuilt = 0;
    int round_trips = 0;
    int whole_blocks = 0;
};

std::size_t compact_size(const core::Block& block, std::uint64_t padding = 0) {
    return core::Message::compact_block(block, 0, padding, 500)->wire_size();
}

TEST(CompactRelay, SipHashMatchesTheReferenceVector) {
    // SipHash-2-4 reference vector 32 (Aumasson and Bernstein's test vectors; also Bitcoin
    // Core's SipHashUint256 test): key 00..0f, message 00..1f.
    core::Hash256 message;
    for (int i = 0; i < 32; ++i)
        message.bytes[i] = static_cast<std::uint8_t>(i);
    EXPECT_EQ(core::siphash24(0x0706050403020100ULL, 0x0F0E0D0C0B0A0908ULL, message),
              0x7127512f72f27cceULL);
}

TEST(CompactRelay, CompactBlockIsHeaderCoinbaseAndSixBytesPerTransaction) {
    Line line(2, core::RelayMode::kCompact);
    for (int a = 0; a < 4; ++a)
        ASSERT_TRUE(line.nodes[0]->submit_transaction(line.transfer_tx(a, 0)).ok());
    line.scheduler.run();
    const core::BlockRef block = line.nodes[0]->solve_block();
    ASSERT_EQ(block->txs().size(), 5u);
    // 24 envelope + 80 header + 8 nonce + 1 count + 4 * 6 ids + 1 count + 1 index + coinbase.
    EXPECT_EQ(compact_size(*block), 24u + 80 + 8 + 1 + 24 + 1 + 1 + core::Transaction::kCoinbaseSize);
    EXPECT_LT(compact_size(*block), core::Message::block_message(block)->wire_size());
    // Padding counts 6 bytes per virtual transaction (3 bytes of count from 253 up).
    EXPECT_EQ(compact_size(*block, 1000), compact_size(*block) + 6000 + 2);
}

TEST(CompactRelay, WithThePoolPropagatedAHopCostsOneLatencyPlusTheCompactBlock) {
    Line line(5, core::RelayMode::kCompact);
    // Block 1 goes low-bandwidth: announce, get-compact, compact block. Receiving it, each
    // node picks its upstream neighbour as a high-bandwidth peer (sendcmpct).
    const core::BlockRef first = line.mine();
    const core::Nanos announce = transfer(core::Message::announce(first->hash(), 1, {})->wire_size());
    const core::Nanos ask = transfer(core::Message::get_compact(first->hash())->wire_size());
    for (core::Nanos hop : line.hops(first))
        EXPECT_EQ(hop, 3 * kLatency + announce + ask + transfer(compact_size(*first)));
    EXPECT_EQ(line.sent[core::Message::Kind::kSendCompact], 4);

    // Transactions reach every mempool first; then block 2 is pushed compact and rebuilt at
    // once: one latency plus the compact block per hop.
    for (int a = 0; a < 4; ++a)
        ASSERT_TRUE(line.nodes[0]->submit_transaction(line.transfer_tx(a, 0)).ok());
    line.scheduler.run();
    const core::BlockRef second = line.mine();
    ASSERT_EQ(second->txs().size(), 5u);
    for (core::Nanos hop : line.hops(second))
        EXPECT_EQ(hop, kLatency + transfer(compact_size(*second)));
    EXPECT_EQ(line.rebuilt, 8);  // 4 receivers x 2 blocks
    EXPECT_EQ(line.round_trips, 0);
    EXPECT_EQ(line.sent[core::Message::Kind::kBlock], 0);
    for (const auto& node : line.nodes)
        EXPECT_EQ(node->chain().tip()->hash(), second->hash());
}

TEST(CompactRelay, AMissingTransactionCostsOneMoreRoundTrip) {
    Line line(4, core::RelayMode::kCompact);
    (void)line.mine();  // sets up high-bandwidth mode along the line
    for (int a = 0; a < 3; ++a)
        ASSERT_TRUE(line.nodes[0]->submit_transaction(line.transfer_tx(a, 0)).ok());
    line.scheduler.run();
    // One more transaction that only node 0 holds: its relay is cut, and restoring the link
    // here does not resync pools.
    ASSERT_TRUE(line.network->cut(0, 1).ok());
    const core::TransactionRef hidden = line.transfer_tx(3, 0);
    ASSERT_TRUE(line.nodes[0]->submit_transaction(hidden).ok());
    line.scheduler.run();
    ASSERT_TRUE(line.network->restore(0, 1).ok());
    ASSERT_FALSE(line.nodes[1]->mempool().contains(hidden->txid()));

    const core::BlockRef block = line.mine();
    ASSERT_EQ(block->txs().size(), 5u);
    std::uint32_t hidden_index = 0;
    for (std::uint32_t i = 0; i < block->txs().size(); ++i)
        if (block->txs()[i]->txid() == hidden->txid()) hidden_index = i;
    const core::Nanos get_txn =
        transfer(core::Message::get_block_txn(block->hash(), {hidden_index}, 0)->wire_size());
    const core::Nanos block_txn =
        transfer(core::Message::block_txn(block->hash(), {hidden}, 0, 500)->wire_size());
    // Every receiver lacks it (nobody's pool has it): getblocktxn and blocktxn at every hop.
    for (core::Nanos hop : line.hops(block))
        EXPECT_EQ(hop, kLatency + transfer(compact_size(*block)) + kLatency + get_txn + kLatency +
                           block_txn);
    EXPECT_EQ(line.round_trips, 3);
}

TEST(CompactRelay, MissingPaddingIsBinomialAndCostsARoundTrip) {
    // The draw is a pure function of (block, node), with mean n * p and variance n p (1 - p).
    const std::uint64_t n = 2000;
    const double p = 0.05;
    double sum = 0;
    double sum_sq = 0;
    const int draws = 4000;
    for (int i = 0; i < draws; ++i) {
        core::Hash256 block = core::sha256("block " + std::to_string(i));
        const auto k = static_cast<double>(core::missing_padding(block, i % 7, n, p));
        EXPECT_EQ(core::missing_padding(block, i % 7, n, p), static_cast<std::uint64_t>(k));
        sum += k;
        sum_sq += k * k;
    }
    const double mean = sum / draws;
    const double var = sum_sq / draws - mean * mean;
    const double expected_var = n * p * (1 - p);
    EXPECT_NEAR(mean, n * p, 4 * std::sqrt(expected_var / draws));
    EXPECT_NEAR(var, expected_var, 4 * expected_var * std::sqrt(2.0 / draws));
    EXPECT_EQ(core::missing_padding(core::sha256("x"), 1, n, 0.0), 0u);
    EXPECT_EQ(core::missing_padding(core::sha256("x"), 1, n, 1.0), n);

    // A padded block with every receiver lacking all its padding: one round trip per hop
    // carrying padding * 500 bytes.
    core::CompactConfig config;
    config.block_size = 100'000;
    config.miss_rate = 1.0;
    Line line(3, core::RelayMode::kCompact, config);
    (void)line.mine();
    const core::BlockRef block = line.mine();
    const std::uint64_t padding = (100'000 - block->serialized_size()) / 500;
    const core::Nanos get_txn =
        transfer(core::Message::get_block_txn(block->hash(), {}, padding)->wire_size());
    const core::Nanos block_txn =
        transfer(core::Message::block_txn(block->hash(), {}, padding, 500)->wire_size());
    for (core::Nanos hop : line.hops(block))
        EXPECT_EQ(hop, 3 * kLatency + transfer(compact_size(*block, padding)) + get_txn + block_txn);
    EXPECT_EQ(line.rebuilt, 0);
}

// A block's announce and block message are made once per BlockTree (BlockIndex's cache): nodes
// that share the tree all send the same objects; nodes with trees of their own make their own.
TEST(AnnounceRelay, NodesSharingATreeSendOneAnnounceAndOneBlockMessagePerBlock) {
    for (bool shared : {true, false}) {
        SCOPED_TRACE(shared ? "shared tree" : "a tree per node");
        Line line(4, core::RelayMode::kAnnounce, {}, shared);
        const core::BlockRef block = line.mine();
        for (int i = 0; i < 4; ++i)
            ASSERT_EQ(line.nodes[i]->chain().tip()->hash(), block->hash()) << "node " << i;
        // On a line 0-1-2-3 nodes 0, 1 and 2 announce the block and serve it once each.
        EXPECT_EQ(line.sent[core::Message::Kind::kAnnounce], 3);
        EXPECT_EQ(line.sent[core::Message::Kind::kBlock], 3);
        const std::size_t objects = shared ? 1 : 3;
        EXPECT_EQ(line.sent_objects[core::Message::Kind::kAnnounce].size(), objects);
        EXPECT_EQ(line.sent_objects[core::Message::Kind::kBlock].size(), objects);
        for (const core::Message* m : line.sent_objects[core::Message::Kind::kAnnounce]) {
            EXPECT_EQ(m->hash, block->hash());
            EXPECT_EQ(m->height, 1u);
        }
    }
}

// The same seed mines the same blocks under announce and compact relay when nothing about the
// blocks depends on propagation timing: one miner, unlimited bandwidth, no processing.
TEST(CompactRelay, MinesTheSameChainAndStateAsAnnounceRelay) {
    auto yaml = [](const char* relay) {
        return std::string(R"(
name: compact-vs-announce
duration: 2h
consensus: {block_interval: 2m, pow_bits: 8}
network:
  nodes: 6
  topology: line
  latency: 80ms
  relay: )") + relay + R"(
mining:
  - {nodes: "0", share: 1}
workload: {accounts: 20, tx_rate: 0.5/s}
)";
    };
    testing::Ran announce = testing::run_world(yaml("announce"), 11);
    testing::Ran compact = testing::run_world(yaml("compact"), 11);
    ASSERT_TRUE(announce.world && compact.world);
    const auto chain = testing::active_chain(announce.world->node(0));
    ASSERT_GT(chain.size(), 30u);
    std::size_t with_txs = 0;
    for (const auto& b : chain)
        if (b->txs().size() > 1) ++with_txs;
    EXPECT_GT(with_txs, 20u);
    for (int i = 0; i < 6; ++i) {
        const auto a = testing::active_chain(announce.world->node(i));
        const auto c = testing::active_chain(compact.world->node(i));
        ASSERT_EQ(a.size(), c.size()) << "node " << i;
        for (std::size_t h = 0; h < a.size(); ++h)
            EXPECT_EQ(a[h]->hash(), c[h]->hash()) << "node " << i << " height " << h + 1;
        EXPECT_TRUE(announce.world->node(i).chain().state() == compact.world->node(i).chain().state());
    }
    EXPECT_GT(compact.result.compact.received, 0u);
    EXPECT_GT(compact.result.compact.rebuilt_without_round_trip, 0u);
}

}  // namespace
}  // namespace sim

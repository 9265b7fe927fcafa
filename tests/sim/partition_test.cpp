// Partitions: two halves mine two chains; after the heal every node converges to the
// most-work tip, every node's ledger state is the same (and is the state of that chain),
// and each node of the losing half reorganises by exactly the blocks its half mined.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <vector>

#include "core/ledger.h"
#include "world_test_util.h"

namespace sim {
namespace {

using core::kMinute;
using testing::active_chain;

constexpr core::Nanos kSplit = 30 * kMinute;
constexpr core::Nanos kHeal = 180 * kMinute;

// Mining stops at the heal, so the branches are final when they meet. Transactions keep
// flowing, so the ledger states carry transfers as well as coinbases.
constexpr std::string_view kPartition = R"(
name: partition
duration: 4h
consensus: {block_interval: 5m, pow_bits: 8}
network:
  nodes: 8
  topology: {kind: ring}
  latency: {dist: constant, value: 50ms}
mining:
  - {nodes: "0-3", share: 0.6}
  - {nodes: "4-7", share: 0.4}
workload: {accounts: 10, tx_rate: 0.1/s}
events:
  - {at: 30m, partition: ["0-3", "4-7"]}
  - {at: 3h, hashrate: {nodes: all, share: 0}}
  - {at: 3h, heal: all}
)";

int side(int node) {
    return node < 4 ? 0 : 1;
}

// The ledger state of a chain, computed here from its blocks.
core::LedgerState replay_state(const core::Node& node) {
    core::LedgerState state;
    core::apply_genesis(state, *node.chain().genesis()->block);
    std::uint64_t height = 0;
    for (const core::BlockRef& block : active_chain(node)) {
        const core::ValidationResult r =
            core::apply_block(state, *block, ++height, node.chain().params());
        EXPECT_TRUE(r.ok()) << r.message;
    }
    return state;
}

TEST(Partition, TwoChainsThenConvergenceToTheMostWorkTip) {
    const std::uint64_t seed = 2;
    testing::Ran ran = testing::run_world(kPartition, seed);
    ASSERT_TRUE(ran.world);
    const World& world = *ran.world;
    const reports::Recorder& recorder = world.recorder();
    SCOPED_TRACE("seed " + std::to_string(seed));

    // Blocks each half mined while apart, in the order found.
    std::vector<const reports::BlockRecord*> mined[2];
    for (const reports::BlockRecord& b : recorder.blocks()) {
        EXPECT_LT(b.found, kHeal) << "mining was stopped at the heal";
        if (b.found > kSplit) mined[side(b.miner)].push_back(&b);
    }
    ASSERT_GE(mined[0].size(), 3u);
    ASSERT_GE(mined[1].size(), 3u);
    ASSERT_NE(mined[0].size(), mined[1].size()) << "equal branches never converge; pick a seed";

    // Two chains: each half's blocks extend one another from a common fork point (what
    // both halves held at the split).
    const core::Hash256 fork_point = mined[0].front()->parent;
    for (int s = 0; s < 2; ++s) {
        core::Hash256 parent = fork_point;
        for (const reports::BlockRecord* b : mined[s]) {
            EXPECT_EQ(b->parent, parent) << "half " << s << " forked internally";
            parent = b->hash;
        }
    }
    bool two_tips_seen = false;
    for (const reports::TipSample& sample : recorder.samples()) {
        if (sample.at > kSplit && sample.at < kHeal && sample.distinct_tips == 2) {
            two_tips_seen = true;
        }
    }
    EXPECT_TRUE(two_tips_seen);

    const int winner = mined[0].size() > mined[1].size() ? 0 : 1;
    const int loser = 1 - winner;
    std::printf("seed %llu: halves mined %zu and %zu blocks while apart\n",
                static_cast<unsigned long long>(seed), mined[0].size(), mined[1].size());
    const core::Hash256 winning_tip = mined[winner].back()->hash;
    const core::Hash256 losing_tip = mined[loser].back()->hash;

    // The winner is the most-work tip: a losing node has both branches in its tree.
    const core::Node& a_loser = world.node(loser == 0 ? 0 : 4);
    ASSERT_NE(a_loser.chain().find(winning_tip), nullptr);
    ASSERT_NE(a_loser.chain().find(losing_tip), nullptr);
    EXPECT_GT(a_loser.chain().find(winning_tip)->chain_work,
              a_loser.chain().find(losing_tip)->chain_work);

    // Everyone ends on it, with one and the same ledger state: the state of that chain.
    const core::Hash256 expected_state = replay_state(world.node(0)).digest();
    for (int i = 0; i < world.node_count(); ++i) {
        EXPECT_EQ(world.node(i).chain().tip()->hash(), winning_tip) << "node " << i;
        EXPECT_EQ(world.node(i).chain().state().digest(), expected_state) << "node " << i;
    }
    ASSERT_EQ(recorder.convergence().size(), 1u);
    EXPECT_TRUE(recorder.convergence()[0].converged_at.has_value());

    // Reorgs after the heal: one per losing node, as deep as its half's branch; none on the
    // winning side.
    std::map<int, std::vector<std::size_t>> depths;
    for (const reports::ReorgRecord& r : recorder.reorgs()) {
        if (r.at >= kHeal) depths[r.node].push_back(r.depth);
    }
    for (int i = 0; i < world.node_count(); ++i) {
        if (side(i) == winner) {
            EXPECT_TRUE(depths[i].empty()) << "node " << i;
        } else {
            EXPECT_EQ(depths[i], std::vector<std::size_t>{mined[loser].size()}) << "node " << i;
        }
    }
}

// Mining goes on through the heal: the halves still agree on one tip by the end (mining
// stops an hour after the heal), with identical ledger states.
TEST(Partition, ConvergesWhileMiningContinues) {
    const std::uint64_t seed = 9;
    testing::Ran ran = testing::run_world(R"(
name: partition-busy
duration: 5h
consensus: {block_interval: 2m, pow_bits: 8}
network:
  nodes: 10
  topology: {kind: random-regular, degree: 3}
  latency: {dist: lognormal, median: 200ms, sigma: 0.5}
workload: {accounts: 10, tx_rate: 0.1/s}
events:
  - {at: 1h, partition: ["0-4", "5-9"]}
  - {at: 3h, heal: all}
  - {at: 4h, hashrate: {nodes: all, share: 0}}
)",
                                          seed);
    ASSERT_TRUE(ran.world);
    const World& world = *ran.world;
    SCOPED_TRACE("seed " + std::to_string(seed));
    std::size_t deepest = 0;
    for (const reports::ReorgRecord& r : world.recorder().reorgs())
        deepest = std::max(deepest, r.depth);
    EXPECT_GE(deepest, 5u) << "the heal reorganised one half";
    const core::Hash256 tip = world.node(0).chain().tip()->hash();
    const core::Hash256 state = world.node(0).chain().state().digest();
    EXPECT_EQ(state, replay_state(world.node(0)).digest());
    for (int i = 0; i < world.node_count(); ++i) {
        EXPECT_EQ(world.node(i).chain().tip()->hash(), tip) << "node " << i;
        EXPECT_EQ(world.node(i).chain().state().digest(), state) << "node " << i;
    }
    ASSERT_FALSE(world.recorder().convergence().empty());
    EXPECT_TRUE(world.recorder().convergence()[0].converged_at.has_value());
}

}  // namespace
}  // namespace sim

// Randomized property test: random block trees (random parents, real signed transfers,
// some blocks invalid) delivered in random orders, orphans and duplicates included, to
// several Chains. Every chain must end on the same most-work tip with the same ledger, and
// after every single delivery its state must be exactly the state of its tip.
//
// The expected outcome comes from an independent model kept by the generator (balances and
// nonces per account index), not from core's ledger.
//
// Reproduce a failure with CHAINSIM_PROPERTY_SEED=<seed> test_core
// --gtest_filter='ChainProperty.*'.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "core/chain.h"
#include "test_util.h"

namespace {

using core::BlockRef;
using core::Transaction;
using testutil::SplitMix64;

constexpr std::size_t kAccounts = 6;  // 0..3 funded, 4 and 5 start empty
constexpr std::size_t kFunded = 4;
constexpr std::uint64_t kBalance = 1000;

struct ModelAccount {
    std::uint64_t balance = 0;
    std::uint64_t next_nonce = 0;
};
using ModelState = std::vector<ModelAccount>;  // by account index

struct ModelBlock {
    BlockRef block;
    int parent = -1;  // index in the tree; -1 for genesis
    std::uint64_t height = 0;
    bool valid = true;  // this block and all its ancestors apply
    ModelState state;   // the ledger after this block (the parent's, if invalid)
};

struct Tree {
    testutil::TestNet net{kFunded, kBalance};
    std::vector<ModelBlock> blocks;
    int best = 0;  // the unique most-work valid block
};

// Builds a random tree of `n` blocks plus one block that makes the best tip unique.
Tree make_tree(std::uint64_t seed, int n) {
    SplitMix64 rng(seed);
    Tree tree;
    const auto& net = tree.net;
    ModelState genesis_state(kAccounts);
    for (std::size_t i = 0; i < kFunded; ++i)
        genesis_state[i].balance = kBalance;
    tree.blocks.push_back({net.genesis, -1, 0, true, genesis_state});

    auto add_block = [&](int parent, bool allow_txs) {
        const ModelBlock& p = tree.blocks[static_cast<std::size_t>(parent)];
        ModelState state = p.state;
        bool valid = p.valid;
        std::vector<core::TransactionRef> txs;
        std::uint64_t fees = 0;
        const int tx_count = allow_txs && rng.chance(60) ? 1 + static_cast<int>(rng.below(3)) : 0;
        for (int k = 0; k < tx_count; ++k) {
            const std::size_t from = rng.below(kAccounts);
            const std::size_t to = rng.below(kAccounts);
            ModelAccount& s = state[from];
            std::uint64_t amount, fee = rng.below(3), nonce = s.next_nonce;
            bool tx_valid = true;
            if (rng.chance(4)) {  // an overspend
                amount = s.balance + 1 + rng.below(50);
                tx_valid = false;
            } else if (rng.chance(3)) {  // a nonce from the future
                amount = 1;
                nonce += 1 + rng.below(3);
                tx_valid = false;
            } else if (s.balance >= 2) {
                amount = 1 + rng.below(s.balance / 2);
                fee = std::min(fee, s.balance - amount);
            } else {
                continue;  // nothing to send
            }
            txs.push_back(Transaction::sign_transfer(
                testutil::account_key(from), testutil::account_address(to), amount, fee, nonce));
            fees += fee;
            if (!tx_valid) {
                valid = false;
                break;  // nothing after it matters, and no txid can repeat
            }
            // Tracked even under an invalid parent, so nonces (and txids) stay distinct.
            s.balance -= amount + fee;
            s.next_nonce += 1;
            state[to].balance += amount;
        }
        const std::size_t miner = rng.below(kAccounts);
        const std::uint32_t time =
            p.block->header().time + 1 + static_cast<std::uint32_t>(rng.below(1200));
        BlockRef b = testutil::BlockBuilder(net.params, p.block, p.height)
                         .txs(txs)
                         .time(time)
                         .miner(testutil::account_address(miner))
                         .build();
        if (valid) {
            state[miner].balance += net.params.block_reward + fees;
        } else {
            state = p.state;  // an invalid block changes nothing
        }
        tree.blocks.push_back({b, parent, p.height + 1, valid, std::move(state)});
    };

    for (int i = 0; i < n; ++i) {
        const int size = static_cast<int>(tree.blocks.size());
        // Mostly extend one of the newest blocks (long branches), sometimes any block.
        int parent = rng.chance(70) ? size - 1 - static_cast<int>(rng.below(std::min(size, 6)))
                                    : static_cast<int>(rng.below(static_cast<std::uint64_t>(size)));
        // Building on an invalid block is allowed but rarer, so valid branches grow long.
        if (!tree.blocks[static_cast<std::size_t>(parent)].valid && rng.chance(75)) {
            parent = tree.blocks[static_cast<std::size_t>(parent)].parent;
            while (!tree.blocks[static_cast<std::size_t>(parent)].valid)
                parent = tree.blocks[static_cast<std::size_t>(parent)].parent;
        }
        add_block(parent, true);
    }
    // One more block on the first valid block of greatest height makes the best unique.
    int top = 0;
    for (int i = 0; i < static_cast<int>(tree.blocks.size()); ++i) {
        const auto& b = tree.blocks[static_cast<std::size_t>(i)];
        if (b.valid && b.height > tree.blocks[static_cast<std::size_t>(top)].height) top = i;
    }
    add_block(top, false);
    tree.best = static_cast<int>(tree.blocks.size()) - 1;
    return tree;
}

// The chain's ledger equals the model's state for `expected` (every account, and no others).
void expect_state(const core::Chain& chain, const ModelState& expected, const char* when) {
    std::size_t nonempty = 0;
    for (std::size_t i = 0; i < kAccounts; ++i) {
        const core::Account& got = chain.state().account(testutil::account_address(i));
        EXPECT_EQ(got.balance, expected[i].balance) << when << ": account " << i;
        EXPECT_EQ(got.next_nonce, expected[i].next_nonce) << when << ": account " << i;
        if (expected[i].balance != 0 || expected[i].next_nonce != 0) ++nonempty;
    }
    EXPECT_EQ(chain.state().size(), nonempty) << when;
}

int model_index(const Tree& tree, const core::Hash256& hash) {
    for (std::size_t i = 0; i < tree.blocks.size(); ++i) {
        if (tree.blocks[i].block->hash() == hash) return static_cast<int>(i);
    }
    return -1;
}

// Delivers the tree to one chain in a random order with duplicates, re-sending everything
// not yet in the tree (as a node fetching missing parents would) until all is known.
// Checks the invariants after every delivery. Returns how many deliveries were orphans.
int deliver(const Tree& tree, core::Chain& chain, SplitMix64& rng) {
    int orphans = 0;
    std::vector<int> order;
    for (int i = 1; i < static_cast<int>(tree.blocks.size()); ++i)
        order.push_back(i);
    for (int round = 0; round < 10; ++round) {
        std::vector<int> pending;
        for (int i : order) {
            if (chain.find(tree.blocks[static_cast<std::size_t>(i)].block->hash()) == nullptr) {
                pending.push_back(i);
            }
        }
        if (pending.empty()) return orphans;
        rng.shuffle(pending);
        for (std::size_t k = 0; k < pending.size(); ++k) {
            const int i = pending[k];
            const auto& mb = tree.blocks[static_cast<std::size_t>(i)];
            core::AcceptResult r = chain.accept(mb.block, testutil::kNow);
            SCOPED_TRACE("delivered model block " + std::to_string(i));
            if (r.status == core::AcceptResult::Status::kOrphan) ++orphans;
            if (r.status == core::AcceptResult::Status::kInvalid) {
                EXPECT_FALSE(mb.valid) << "a valid block was rejected: " << r.result.message;
            }
            if (rng.chance(10)) {  // a duplicate delivery of something already sent
                const int j = pending[rng.below(k + 1)];
                (void)chain.accept(tree.blocks[static_cast<std::size_t>(j)].block, testutil::kNow);
            }
            // The tip is valid, its ledger is exactly its model state, and no valid block
            // in the chain's tree has more work than it.
            const int tip = model_index(tree, chain.tip()->hash());
            if (tip < 0) {
                ADD_FAILURE() << "the tip is not a block of the tree";
                return orphans;
            }
            const auto& tip_block = tree.blocks[static_cast<std::size_t>(tip)];
            EXPECT_TRUE(tip_block.valid) << "the tip is an invalid block";
            expect_state(chain, tip_block.state, "after a delivery");
            for (const auto& other : tree.blocks) {
                const core::BlockIndex* index = chain.find(other.block->hash());
                if (index == nullptr) continue;
                if (other.valid) {
                    EXPECT_LE(other.height, tip_block.height) << "a heavier valid block waits";
                    EXPECT_FALSE(chain.invalid(index)) << "a valid block was marked invalid";
                } else {
                    EXPECT_NE(chain.status(index), core::BlockIndex::Status::kValid)
                        << "an invalid block was connected";
                }
            }
            if (testing::Test::HasFatalFailure()) return orphans;
        }
    }
    ADD_FAILURE() << "blocks still unknown after 10 delivery rounds";
    return orphans;
}

std::vector<std::uint64_t> seeds() {
    if (const char* env = std::getenv("CHAINSIM_PROPERTY_SEED")) {
        return {std::strtoull(env, nullptr, 0)};
    }
    std::vector<std::uint64_t> out;
    SplitMix64 root(20240601);
    for (int i = 0; i < 12; ++i)
        out.push_back(root.next());
    return out;
}

TEST(ChainProperty, RandomTreesInRandomOrdersConverge) {
    for (std::uint64_t seed : seeds()) {
        SCOPED_TRACE("seed " + std::to_string(seed) +
                     " (rerun with CHAINSIM_PROPERTY_SEED=" + std::to_string(seed) + ")");
        const Tree tree = make_tree(seed, 50);
        const ModelBlock& best = tree.blocks[static_cast<std::size_t>(tree.best)];
        ASSERT_TRUE(best.valid);
        const auto invalid = std::count_if(tree.blocks.begin(), tree.blocks.end(),
                                           [](const ModelBlock& b) { return !b.valid; });
        std::cout << "[ seed     ] " << seed << ": " << tree.blocks.size() << " blocks, " << invalid
                  << " invalid, best height " << best.height << ", orphans seen:";

        // The model's winning branch, genesis excluded.
        std::vector<BlockRef> branch;
        for (int i = tree.best; i > 0; i = tree.blocks[static_cast<std::size_t>(i)].parent)
            branch.insert(branch.begin(), tree.blocks[static_cast<std::size_t>(i)].block);
        const core::LedgerState replayed = testutil::replay(tree.net, branch);

        SplitMix64 rng(seed ^ 0x5eed);
        std::vector<core::Hash256> digests;
        for (int c = 0; c < 4; ++c) {
            SCOPED_TRACE("chain " + std::to_string(c));
            core::ChainOptions options;
            options.shared_validation = c % 2 == 0;
            if (c == 3) options.max_orphans = 3;  // orphans get dropped and re-fetched
            core::Chain chain(tree.net.params, tree.net.genesis, options);
            std::cout << " " << deliver(tree, chain, rng);
            if (HasFatalFailure()) return;
            EXPECT_EQ(chain.tip()->hash(), best.block->hash());
            EXPECT_EQ(chain.height(), best.height);
            EXPECT_EQ(chain.state().digest(), replayed.digest());
            expect_state(chain, best.state, "at the end");
            for (std::uint64_t h = 0; h <= chain.height(); ++h) {
                ASSERT_NE(chain.at_height(h), nullptr);
                EXPECT_EQ(chain.at_height(h)->hash(),
                          h == 0 ? tree.net.genesis->hash() : branch[h - 1]->hash());
            }
            EXPECT_EQ(chain.orphan_count(), 0u);
            digests.push_back(chain.state().digest());
        }
        std::cout << "\n";
        for (const auto& d : digests)
            EXPECT_EQ(d, digests.front());
    }
}

// Chains sharing one BlockTree share ledger states: the first to connect a block publishes
// the state after it, later ones adopt it, and a chain stepping back to a state nobody holds
// rebuilds it by undoing. Every chain, fed in its own order, must end on the replayed state,
// and the invariants hold after every delivery; the last chain keeps at most 3 orphans, so
// it re-fetches and takes other paths through the shared states.
TEST(ChainProperty, ChainsSharingATreeShareLedgerStatesExactly) {
    for (std::uint64_t seed : seeds()) {
        SCOPED_TRACE("seed " + std::to_string(seed) +
                     " (rerun with CHAINSIM_PROPERTY_SEED=" + std::to_string(seed) + ")");
        const Tree tree = make_tree(seed, 50);
        const ModelBlock& best = tree.blocks[static_cast<std::size_t>(tree.best)];
        std::vector<BlockRef> branch;
        for (int i = tree.best; i > 0; i = tree.blocks[static_cast<std::size_t>(i)].parent)
            branch.insert(branch.begin(), tree.blocks[static_cast<std::size_t>(i)].block);
        const core::Hash256 replayed = testutil::replay(tree.net, branch).digest();

        SplitMix64 rng(seed ^ 0x5a4ed);
        auto shared_tree = std::make_shared<core::BlockTree>(tree.net.genesis);
        std::vector<std::unique_ptr<core::Chain>> chains;
        for (int c = 0; c < 4; ++c) {
            SCOPED_TRACE("chain " + std::to_string(c));
            core::ChainOptions options;
            options.tree = shared_tree;
            if (c == 3) options.max_orphans = 3;
            chains.push_back(
                std::make_unique<core::Chain>(tree.net.params, tree.net.genesis, options));
            (void)deliver(tree, *chains.back(), rng);
            if (HasFatalFailure()) return;
            if (c == 1) chains.front().reset();  // its states go; chain 2 recomputes them
        }
        for (const auto& chain : chains) {
            if (!chain) continue;
            EXPECT_EQ(chain->tip()->hash(), best.block->hash());
            EXPECT_EQ(chain->state().digest(), replayed);
        }
    }
}

}  // namespace

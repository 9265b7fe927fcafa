// Chain: most-work fork choice, reorgs checked against from-scratch replays, invalid
// branches, orphans, header rules in context (bits, time, height) and retargeting.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "core/chain.h"
#include "core/mempool.h"
#include "test_util.h"

namespace {

using core::AcceptResult;
using core::BlockIndex;
using core::BlockRef;
using core::Reject;
using core::Transaction;
using core::TransactionRef;
using testutil::BlockBuilder;

using Status = AcceptResult::Status;

constexpr std::uint64_t kMiner = 6;  // an unfunded account that collects the rewards

class ChainTest : public testing::Test {
  protected:
    testutil::TestNet net{4, 1000};
    core::Chain chain{net.params, net.genesis};

    AcceptResult accept(const BlockRef& b) { return chain.accept(b, testutil::kNow); }

    TransactionRef pay(std::uint64_t from, std::uint64_t to, std::uint64_t amount,
                       std::uint64_t fee, std::uint64_t nonce) const {
        return Transaction::sign_transfer(net.key(from), net.addr(to), amount, fee, nonce);
    }

    // A mined child of `parent` (at parent_height) carrying `txs`; `time_step` seconds later.
    BlockRef block_on(const BlockRef& parent, std::uint64_t parent_height,
                      std::vector<TransactionRef> txs = {}, std::uint32_t time_step = 600,
                      std::uint64_t miner = kMiner) const {
        return BlockBuilder(net.params, parent, parent_height)
            .txs(txs)
            .time(parent->header().time + time_step)
            .miner(net.addr(miner))
            .build();
    }

    // A linear branch of `n` coinbase-only blocks on `parent`; `salt` picks the miner so
    // two branches from the same parent differ.
    std::vector<BlockRef> branch(const BlockRef& parent, std::uint64_t parent_height, int n,
                                 std::uint64_t salt) const {
        std::vector<BlockRef> out;
        BlockRef p = parent;
        for (int i = 0; i < n; ++i) {
            p = block_on(p, parent_height + i, {}, 600, 10 + salt);
            out.push_back(p);
        }
        return out;
    }

    void expect_accepted(const BlockRef& b) {
        AcceptResult r = accept(b);
        EXPECT_EQ(r.status, Status::kAccepted) << r.result.message;
    }

    void expect_rejected(const BlockRef& b, Reject reason) {
        const core::Hash256 tip = chain.tip()->hash();
        const core::Hash256 digest = chain.state().digest();
        AcceptResult r = accept(b);
        EXPECT_EQ(r.status, Status::kInvalid);
        EXPECT_EQ(r.result.reason, reason) << r.result.message;
        EXPECT_FALSE(r.result.message.empty());
        EXPECT_FALSE(r.tip_change.has_value());
        EXPECT_EQ(chain.tip()->hash(), tip);
        EXPECT_EQ(chain.state().digest(), digest);
    }

    std::set<core::Hash256> txids(const std::vector<TransactionRef>& txs) const {
        std::set<core::Hash256> out;
        for (const auto& t : txs)
            out.insert(t->txid());
        return out;
    }
};

TEST_F(ChainTest, StartsAtGenesisWithAllocations) {
    EXPECT_EQ(chain.height(), 0u);
    EXPECT_EQ(chain.tip()->hash(), net.genesis->hash());
    EXPECT_EQ(chain.genesis(), chain.tip());
    EXPECT_EQ(chain.state(), testutil::replay(net, {}));
    EXPECT_EQ(chain.tip()->chain_work, core::block_work(net.genesis->header().bits));
    EXPECT_EQ(accept(net.genesis).status, Status::kDuplicate);
}

TEST_F(ChainTest, ExtendsLinearly) {
    BlockRef b1 = block_on(net.genesis, 0, {pay(0, 1, 100, 1, 0)});
    BlockRef b2 = block_on(b1, 1, {pay(1, 2, 50, 2, 0)});
    AcceptResult r1 = accept(b1);
    ASSERT_EQ(r1.status, Status::kAccepted) << r1.result.message;
    ASSERT_TRUE(r1.tip_change.has_value());
    EXPECT_EQ(r1.tip_change->reorg_depth(), 0u);
    EXPECT_EQ(r1.tip_change->connected, std::vector<BlockRef>{b1});
    EXPECT_EQ(r1.tip_change->fork_point, chain.genesis());
    EXPECT_EQ(r1.added, std::vector<BlockRef>{b1});
    expect_accepted(b2);
    EXPECT_EQ(chain.height(), 2u);
    EXPECT_EQ(chain.at_height(1)->hash(), b1->hash());
    EXPECT_EQ(chain.at_height(2)->hash(), b2->hash());
    EXPECT_EQ(chain.at_height(3), nullptr);
    EXPECT_EQ(chain.status(chain.find(b2->hash())), BlockIndex::Status::kValid);
    EXPECT_EQ(chain.find(b2->hash())->parent, chain.find(b1->hash()));
    EXPECT_EQ(chain.state(), testutil::replay(net, {b1, b2}));
    EXPECT_EQ(chain.state().account(net.addr(kMiner)).balance, 2 * 50 + 3);
    EXPECT_EQ(accept(b2).status, Status::kDuplicate);
    EXPECT_EQ(accept(b2).result.reason, Reject::kDuplicateBlock);
}

TEST_F(ChainTest, ReorgMatchesReplayAndMempoolKeepsStillValidTransactions) {
    // Accounts: 0..3 funded, 4 and 5 start empty.
    BlockRef b1 = block_on(net.genesis, 0, {pay(0, 1, 100, 0, 0)});
    // Branch X (seen first).
    TransactionRef t_b = pay(1, 2, 50, 0, 0);   // also confirmed on Y
    TransactionRef t_ae = pay(0, 4, 20, 0, 1);  // conflicts with t_ac on Y (A's nonce 1)
    TransactionRef t_ef = pay(4, 5, 5, 1, 0);   // funded only by t_ae
    TransactionRef t_cd = pay(2, 3, 7, 0, 0);   // still valid on Y
    BlockRef x2 = block_on(b1, 1, {t_b, t_ae});
    BlockRef x3 = block_on(x2, 2, {t_ef, t_cd});
    // Branch Y (longer in the end).
    TransactionRef t_ac = pay(0, 2, 300, 0, 1);
    TransactionRef t_da = pay(3, 0, 1, 0, 0);
    BlockRef y2 = block_on(b1, 1, {t_ac}, 601);
    BlockRef y3 = block_on(y2, 2, {t_b});
    BlockRef y4 = block_on(y3, 3, {t_da});

    expect_accepted(b1);
    expect_accepted(x2);
    expect_accepted(x3);
    ASSERT_EQ(chain.tip()->hash(), x3->hash());

    // Pending on X: P conflicts with Y's t_da (D's nonce 0); Q builds on t_cd (C's nonce 1).
    core::Mempool mempool;
    TransactionRef p = pay(3, 1, 3, 0, 0);
    TransactionRef q = pay(2, 1, 4, 0, 1);
    ASSERT_TRUE(mempool.accept(p, chain.state()).ok());
    ASSERT_TRUE(mempool.accept(q, chain.state()).ok());

    expect_accepted(y2);
    AcceptResult tie = accept(y3);  // equal work: the first-seen tip stays
    EXPECT_EQ(tie.status, Status::kAccepted);
    EXPECT_FALSE(tie.tip_change.has_value());
    EXPECT_EQ(chain.tip()->hash(), x3->hash());
    EXPECT_EQ(chain.status(chain.find(y3->hash())), BlockIndex::Status::kHeaderValid);

    AcceptResult r = accept(y4);
    ASSERT_EQ(r.status, Status::kAccepted) << r.result.message;
    ASSERT_TRUE(r.tip_change.has_value());
    const core::TipChange& change = *r.tip_change;
    EXPECT_EQ(change.old_tip->hash(), x3->hash());
    EXPECT_EQ(change.new_tip->hash(), y4->hash());
    EXPECT_EQ(change.fork_point->hash(), b1->hash());
    EXPECT_EQ(change.reorg_depth(), 2u);
    EXPECT_EQ(change.disconnected, (std::vector<BlockRef>{x3, x2}));
    EXPECT_EQ(change.connected, (std::vector<BlockRef>{y2, y3, y4}));
    EXPECT_EQ(chain.tip()->hash(), y4->hash());
    EXPECT_FALSE(chain.on_active_chain(chain.find(x3->hash())));
    EXPECT_EQ(chain.fork_point(chain.find(x3->hash()))->hash(), b1->hash());

    // The state equals a replay of the winning branch, by apply_block and by a fresh chain.
    EXPECT_EQ(chain.state(), testutil::replay(net, {b1, y2, y3, y4}));
    core::Chain fresh(net.params, net.genesis);
    for (const auto& b : {b1, y2, y3, y4})
        ASSERT_EQ(fresh.accept(b, testutil::kNow).status, Status::kAccepted);
    EXPECT_EQ(fresh.state().digest(), chain.state().digest());
    EXPECT_EQ(fresh.tip()->hash(), chain.tip()->hash());
    // And by hand.
    EXPECT_EQ(chain.state().account(net.addr(0)), (core::Account{1000 - 100 - 300 + 1, 2}));
    EXPECT_EQ(chain.state().account(net.addr(1)), (core::Account{1000 + 100 - 50, 1}));
    EXPECT_EQ(chain.state().account(net.addr(2)), (core::Account{1000 + 300 + 50, 0}));
    EXPECT_EQ(chain.state().account(net.addr(3)), (core::Account{999, 1}));
    EXPECT_EQ(chain.state().account(net.addr(4)), (core::Account{}));
    EXPECT_EQ(chain.state().account(net.addr(kMiner)).balance, 4 * 50u);

    // The mempool keeps exactly the disconnected or pending transactions still valid on Y:
    // t_cd (back from x3) and q (C's nonce 1 after it). t_b is confirmed in y3; t_ae
    // replays A's nonce 1; t_ef has no funds without t_ae; p replays D's nonce 0.
    mempool.update_for_tip_change(change.disconnected, change.connected, chain.state());
    EXPECT_EQ(txids(mempool.sorted()), txids({t_cd, q}));
    // What the pool would mine applies cleanly on the new tip.
    auto selected = mempool.select(chain.state(), 100);
    EXPECT_EQ(selected.size(), 2u);
    core::LedgerState after = chain.state();
    BlockRef mined = block_on(y4, 4, selected);
    core::ValidationResult applied = core::apply_block(after, *mined, 5, net.params);
    EXPECT_TRUE(applied.ok()) << applied.message;

    // X grows past Y: the chain switches back, and the pool follows again.
    BlockRef x4 = block_on(x3, 3);
    BlockRef x5 = block_on(x4, 4);
    expect_accepted(x4);
    EXPECT_EQ(chain.tip()->hash(), y4->hash());  // tie again
    AcceptResult back = accept(x5);
    ASSERT_TRUE(back.tip_change.has_value());
    EXPECT_EQ(back.tip_change->disconnected, (std::vector<BlockRef>{y4, y3, y2}));
    EXPECT_EQ(back.tip_change->connected, (std::vector<BlockRef>{x2, x3, x4, x5}));
    EXPECT_EQ(chain.state(), testutil::replay(net, {b1, x2, x3, x4, x5}));
    mempool.update_for_tip_change(back.tip_change->disconnected, back.tip_change->connected,
                                  chain.state());
    // t_cd is confirmed in x3, q still follows it; t_da (D's nonce 0) is valid again on X;
    // t_ac replays A's nonce 1 (used by t_ae); t_b is confirmed in x2.
    EXPECT_EQ(txids(mempool.sorted()), txids({q, t_da}));
}

TEST_F(ChainTest, EqualWorkTieKeepsTheFirstSeenTip) {
    BlockRef a = block_on(net.genesis, 0, {}, 600, 10);
    BlockRef b = block_on(net.genesis, 0, {}, 600, 11);
    ASSERT_NE(a->hash(), b->hash());
    expect_accepted(a);
    AcceptResult r = accept(b);
    EXPECT_EQ(r.status, Status::kAccepted);
    EXPECT_FALSE(r.tip_change.has_value());
    EXPECT_EQ(chain.tip()->hash(), a->hash());
    EXPECT_EQ(chain.find(a->hash())->chain_work, chain.find(b->hash())->chain_work);
    // The other arrival order keeps the other block.
    core::Chain other(net.params, net.genesis);
    ASSERT_EQ(other.accept(b, testutil::kNow).status, Status::kAccepted);
    ASSERT_EQ(other.accept(a, testutil::kNow).status, Status::kAccepted);
    EXPECT_EQ(other.tip()->hash(), b->hash());
    // One more block on b settles it for both.
    BlockRef c = block_on(b, 1);
    expect_accepted(c);
    ASSERT_EQ(other.accept(c, testutil::kNow).status, Status::kAccepted);
    EXPECT_EQ(chain.tip()->hash(), c->hash());
    EXPECT_EQ(other.tip()->hash(), c->hash());
    EXPECT_EQ(chain.state().digest(), other.state().digest());
}

TEST_F(ChainTest, InvalidBranchIsMarkedWithDescendantsAndChainStaysOnBestValidTip) {
    BlockRef b1 = block_on(net.genesis, 0);
    auto x = branch(b1, 1, 2, 1);  // x2, x3
    for (const auto& b : {b1, x[0], x[1]})
        expect_accepted(b);
    const core::Hash256 digest_x = chain.state().digest();

    // Z: z2 valid, z3 overspends, z4 and z5 build on it.
    BlockRef z2 = block_on(b1, 1, {pay(0, 1, 10, 0, 0)}, 601);
    BlockRef z3 = block_on(z2, 2, {pay(2, 1, 5000, 0, 0)});
    BlockRef z4 = block_on(z3, 3);
    BlockRef z5 = block_on(z4, 4);
    expect_accepted(z2);
    expect_accepted(z3);  // equal work: not connected yet, so not known to be invalid
    EXPECT_EQ(chain.status(chain.find(z3->hash())), BlockIndex::Status::kHeaderValid);

    AcceptResult r = accept(z4);
    EXPECT_EQ(r.status, Status::kInvalid);
    EXPECT_EQ(r.result.reason, Reject::kInvalidParent) << r.result.message;
    EXPECT_FALSE(r.tip_change.has_value());  // net, the tip did not move
    EXPECT_EQ(std::set<core::Hash256>(r.invalidated.begin(), r.invalidated.end()),
              (std::set<core::Hash256>{z3->hash(), z4->hash()}));
    EXPECT_EQ(chain.status(chain.find(z3->hash())), BlockIndex::Status::kInvalid);
    EXPECT_EQ(chain.status(chain.find(z4->hash())), BlockIndex::Status::kInvalidParent);
    EXPECT_EQ(chain.status(chain.find(z2->hash())), BlockIndex::Status::kValid);  // was connected
    EXPECT_EQ(chain.tip()->hash(), x[1]->hash());
    EXPECT_EQ(chain.state().digest(), digest_x);
    EXPECT_EQ(chain.state(), testutil::replay(net, {b1, x[0], x[1]}));

    // A later descendant is rejected at once and recorded as such.
    AcceptResult r5 = accept(z5);
    EXPECT_EQ(r5.status, Status::kInvalid);
    EXPECT_EQ(r5.result.reason, Reject::kInvalidParent);
    EXPECT_TRUE(chain.knows(z5->hash()));
    EXPECT_EQ(chain.status(chain.find(z5->hash())), BlockIndex::Status::kInvalidParent);
    EXPECT_EQ(accept(z5).status, Status::kDuplicate);

    // The valid part of Z can still win with a valid extension.
    auto z_valid = branch(z2, 2, 3, 2);
    for (const auto& b : z_valid)
        accept(b);
    EXPECT_EQ(chain.tip()->hash(), z_valid.back()->hash());
    EXPECT_EQ(chain.state(), testutil::replay(net, {b1, z2, z_valid[0], z_valid[1], z_valid[2]}));
}

TEST_F(ChainTest, FailedReorgReturnsToTheFirstSeenTipOnEqualWork) {
    // X: b1 x2 x3 (first seen). W: b1 w2 w3 valid, w4 overspends. Trying W connects w2, w3
    // then fails at w4; w3 ties x3 in work, and ties go to the block seen first: x3.
    BlockRef b1 = block_on(net.genesis, 0);
    auto x = branch(b1, 1, 2, 1);
    auto w = branch(b1, 1, 2, 2);
    BlockRef w4 = block_on(w[1], 3, {pay(0, 1, 5000, 0, 0)});
    for (const auto& b : {b1, x[0], x[1], w[0], w[1]})
        expect_accepted(b);
    ASSERT_EQ(chain.tip()->hash(), x[1]->hash());
    AcceptResult r = accept(w4);
    EXPECT_EQ(r.status, Status::kInvalid);
    EXPECT_EQ(r.result.reason, Reject::kInsufficientFunds) << r.result.message;
    EXPECT_EQ(chain.tip()->hash(), x[1]->hash());
    EXPECT_FALSE(r.tip_change.has_value());
    EXPECT_EQ(chain.state(), testutil::replay(net, {b1, x[0], x[1]}));
}

TEST_F(ChainTest, InvalidTransactionsInBlocksByReason) {
    BlockRef b1 = block_on(net.genesis, 0, {pay(0, 1, 100, 0, 0)});
    expect_accepted(b1);
    const auto good = pay(1, 2, 10, 1, 0);
    struct Case {
        const char* what;
        TransactionRef tx;
        Reject reason;
    };
    const std::vector<Case> cases = {
        {"bad signature",
         Transaction::transfer(*good->sender(), net.addr(2), 11, 1, 0, good->signature()),
         Reject::kBadSignature},
        {"high-S",
         Transaction::transfer(*good->sender(), net.addr(2), 10, 1, 0,
                               testutil::high_s_twin(good->signature())),
         Reject::kHighS},
        {"nonce ahead", pay(1, 2, 10, 1, 1), Reject::kBadNonce},
        {"replay of A's nonce 0", pay(0, 2, 10, 0, 0), Reject::kReplay},
        {"overspend", pay(1, 2, 1100, 1, 0), Reject::kInsufficientFunds},
        {"amount + fee overflow", pay(1, 2, std::numeric_limits<std::uint64_t>::max(), 1, 0),
         Reject::kAmountOverflow},
        {"zero amount", pay(1, 2, 0, 1, 0), Reject::kZeroAmount},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.what);
        expect_rejected(block_on(b1, 1, {c.tx}), c.reason);
    }
    // The replayed transaction itself (same txid as in b1) is also rejected.
    expect_rejected(block_on(b1, 1, {b1->txs()[1]}), Reject::kReplay);
    expect_accepted(block_on(b1, 1, {good}));
}

TEST_F(ChainTest, BlockRuleRejections) {
    BlockRef b1 = block_on(net.genesis, 0);
    expect_accepted(b1);
    const std::uint32_t t = b1->header().time;
    auto child = [&] { return BlockBuilder(net.params, b1, 1).time(t + 600); };

    expect_rejected(child().build_with_bad_pow(), Reject::kBadPow);
    {
        auto builder = child().tx(pay(0, 1, 1, 0, 0));
        auto body = builder.committed_txs();
        body.pop_back();
        expect_rejected(builder.body_override(body).build(), Reject::kBadMerkle);
    }
    // Harder bits than the rule asks for are still wrong bits.
    expect_rejected(child().bits(0x1f00ffff).build(), Reject::kBadBits);
    // Time at or before the median of the last 11 blocks (here: of genesis and b1).
    expect_rejected(child().time(t - 600).build(), Reject::kTimeTooOld);
    expect_rejected(child().time(net.genesis->header().time).build(), Reject::kTimeTooOld);
    // Coinbase committing to the wrong height.
    expect_rejected(child().coinbase_height(5).build(), Reject::kBadCoinbase);
    // A foreign genesis.
    core::ConsensusParams foreign = net.params;
    foreign.allocations.clear();
    expect_rejected(core::make_genesis(foreign), Reject::kBadGenesis);
    // None of these entered the tree.
    EXPECT_EQ(chain.block_count(), 2u);
    // A coinbase paying more than reward + fees passes every header check, so it enters
    // the tree and fails when connected.
    BlockRef greedy = child().coinbase_amount(51).build();
    expect_rejected(greedy, Reject::kBadCoinbase);
    EXPECT_EQ(chain.status(chain.find(greedy->hash())), BlockIndex::Status::kInvalid);
    expect_accepted(child().build());
}

TEST_F(ChainTest, TimeTooFarInTheFuture) {
    const std::int64_t now = net.params.genesis_time + 1000;
    const std::uint32_t limit =
        static_cast<std::uint32_t>(now) + net.params.max_future_block_time_s;
    BlockRef too_new = BlockBuilder(net.params, net.genesis, 0).time(limit + 1).build();
    AcceptResult r = chain.accept(too_new, now);
    EXPECT_EQ(r.status, Status::kInvalid);
    EXPECT_EQ(r.result.reason, Reject::kTimeTooNew) << r.result.message;
    EXPECT_FALSE(chain.knows(too_new->hash()));
    // Later, once the clock has caught up, the same block is fine.
    EXPECT_EQ(chain.accept(too_new, now + 1).status, Status::kAccepted);
    BlockRef at_limit = BlockBuilder(net.params, too_new, 1).time(limit + 2).build();
    EXPECT_EQ(chain.accept(at_limit, now + 2).status, Status::kAccepted);
}

TEST_F(ChainTest, MutatedBlockIsRejectedAndTheHonestTwinStillAccepted) {
    BlockRef honest = block_on(net.genesis, 0, {pay(0, 1, 5, 0, 0), pay(1, 2, 5, 0, 0)});
    auto txs = honest->txs();
    txs.push_back(txs.back());
    BlockRef mutated = core::Block::make(honest->header(), txs);
    ASSERT_EQ(mutated->hash(), honest->hash());
    expect_rejected(mutated, Reject::kDuplicateTxid);
    EXPECT_FALSE(chain.knows(honest->hash()));  // the hash is not blacklisted
    expect_accepted(honest);
    EXPECT_EQ(chain.tip()->hash(), honest->hash());
    // And once the honest block is known, the mutated one is just a duplicate.
    EXPECT_EQ(accept(mutated).status, Status::kDuplicate);
}

TEST_F(ChainTest, OrphansResolveWhenTheParentArrives) {
    auto c = branch(net.genesis, 0, 5, 0);  // c[0] is height 1
    AcceptResult r3 = accept(c[2]);
    EXPECT_EQ(r3.status, Status::kOrphan);
    EXPECT_EQ(r3.result.reason, Reject::kOrphan);
    EXPECT_EQ(r3.missing_parent, c[1]->hash());
    EXPECT_TRUE(chain.is_orphan(c[2]->hash()));
    EXPECT_TRUE(chain.knows(c[2]->hash()));
    EXPECT_EQ(chain.find(c[2]->hash()), nullptr);
    EXPECT_EQ(accept(c[2]).status, Status::kDuplicate);

    EXPECT_EQ(accept(c[4]).missing_parent, c[3]->hash());
    // c[3]'s parent c[2] is itself an orphan: the block to fetch is c[1].
    AcceptResult r4 = accept(c[3]);
    EXPECT_EQ(r4.status, Status::kOrphan);
    EXPECT_EQ(r4.missing_parent, c[1]->hash());
    EXPECT_EQ(accept(c[1]).missing_parent, c[0]->hash());
    EXPECT_EQ(chain.orphan_count(), 4u);
    EXPECT_EQ(chain.height(), 0u);

    AcceptResult r1 = accept(c[0]);
    ASSERT_EQ(r1.status, Status::kAccepted) << r1.result.message;
    EXPECT_EQ(r1.added, c);
    ASSERT_TRUE(r1.tip_change.has_value());
    EXPECT_EQ(r1.tip_change->connected, c);
    EXPECT_EQ(chain.orphan_count(), 0u);
    EXPECT_EQ(chain.tip()->hash(), c[4]->hash());
    EXPECT_EQ(chain.state(), testutil::replay(net, c));
    EXPECT_FALSE(chain.is_orphan(c[2]->hash()));
}

TEST_F(ChainTest, OrphanPoolIsBoundedAndDropsTheOldest) {
    core::ChainOptions options;
    options.max_orphans = 3;
    core::Chain small(net.params, net.genesis, options);
    auto c = branch(net.genesis, 0, 5, 0);
    for (int i = 4; i >= 1; --i) {
        EXPECT_EQ(small.accept(c[i], testutil::kNow).status, Status::kOrphan);
        EXPECT_LE(small.orphan_count(), 3u);
    }
    EXPECT_EQ(small.orphan_count(), 3u);
    EXPECT_FALSE(small.knows(c[4]->hash()));  // the oldest went first
    EXPECT_TRUE(small.knows(c[1]->hash()));
    AcceptResult r = small.accept(c[0], testutil::kNow);
    EXPECT_EQ(r.status, Status::kAccepted);
    EXPECT_EQ(r.added, (std::vector<BlockRef>{c[0], c[1], c[2], c[3]}));
    EXPECT_EQ(small.tip()->hash(), c[3]->hash());
    EXPECT_EQ(small.orphan_count(), 0u);
    // The dropped block is simply new again.
    EXPECT_EQ(small.accept(c[4], testutil::kNow).status, Status::kAccepted);
    EXPECT_EQ(small.tip()->hash(), c[4]->hash());
}

TEST_F(ChainTest, OrphanPoolIsBoundedInBytes) {
    // Room for two of these blocks' bytes, though the count would allow hundreds: big
    // orphans cannot fill memory (issue 12: ~335 MB from anyone).
    auto c = branch(net.genesis, 0, 6, 0);
    core::ChainOptions options;
    options.max_orphan_bytes = 2 * c[1]->serialized_size() + c[1]->serialized_size() / 2;
    core::Chain small(net.params, net.genesis, options);
    for (int i = 5; i >= 1; --i) {
        EXPECT_EQ(small.accept(c[i], testutil::kNow).status, Status::kOrphan);
        EXPECT_LE(small.orphan_bytes(), options.max_orphan_bytes);
    }
    EXPECT_EQ(small.orphan_count(), 2u);
    EXPECT_TRUE(small.knows(c[1]->hash()));  // the newest stay
    EXPECT_TRUE(small.knows(c[2]->hash()));
    EXPECT_EQ(small.accept(c[0], testutil::kNow).status, Status::kAccepted);
    EXPECT_EQ(small.orphan_bytes(), 0u);
    EXPECT_EQ(small.tip()->hash(), c[2]->hash());
}

TEST_F(ChainTest, OrphanThatBreaksAHeaderRuleIsDroppedOnResolution) {
    BlockRef b1 = block_on(net.genesis, 0);
    // A child of b1 whose time is not after the median time past.
    BlockRef stale = BlockBuilder(net.params, b1, 1).time(net.genesis->header().time).build();
    EXPECT_EQ(accept(stale).status, Status::kOrphan);
    expect_accepted(b1);
    EXPECT_FALSE(chain.knows(stale->hash()));
    EXPECT_EQ(chain.tip()->hash(), b1->hash());
}

TEST_F(ChainTest, InvalidOrphanIsReportedWhenItsParentConnects) {
    BlockRef b1 = block_on(net.genesis, 0);
    BlockRef bad = block_on(b1, 1, {pay(1, 2, 5000, 0, 0)});
    EXPECT_EQ(accept(bad).status, Status::kOrphan);
    AcceptResult r = accept(b1);
    EXPECT_EQ(r.status, Status::kAccepted);  // b1 itself is fine
    EXPECT_EQ(r.invalidated, std::vector<core::Hash256>{bad->hash()});
    EXPECT_EQ(chain.tip()->hash(), b1->hash());
    EXPECT_EQ(chain.status(chain.find(bad->hash())), BlockIndex::Status::kInvalid);
}

TEST_F(ChainTest, OrphansOfAnInvalidBranchLeaveThePoolAsInvalid) {
    BlockRef b1 = block_on(net.genesis, 0);
    BlockRef bad = block_on(b1, 1, {pay(1, 2, 5000, 0, 0)});
    BlockRef c3 = block_on(bad, 2);
    BlockRef c4 = block_on(c3, 3);
    BlockRef c5 = block_on(c4, 4);
    expect_accepted(b1);
    EXPECT_EQ(accept(bad).result.reason, Reject::kInsufficientFunds);
    EXPECT_EQ(accept(c4).status, Status::kOrphan);
    // c3 descends from an invalid block; c4, waiting on it, is now known to be invalid too.
    EXPECT_EQ(accept(c3).result.reason, Reject::kInvalidParent);
    EXPECT_FALSE(chain.is_orphan(c4->hash()));
    EXPECT_EQ(chain.orphan_count(), 0u);
    ASSERT_NE(chain.find(c4->hash()), nullptr);
    EXPECT_EQ(chain.status(chain.find(c4->hash())), BlockIndex::Status::kInvalidParent);
    // So its child is rejected outright instead of waiting for a parent already known.
    AcceptResult r5 = accept(c5);
    EXPECT_EQ(r5.status, Status::kInvalid);
    EXPECT_EQ(r5.result.reason, Reject::kInvalidParent);
    EXPECT_EQ(chain.tip()->hash(), b1->hash());
}

TEST_F(ChainTest, MedianTimePastOfElevenBlocks) {
    // Times jump back and forth (each still after the median), past the 11-block window.
    std::vector<std::uint32_t> times = {net.genesis->header().time};
    const std::int32_t steps[] = {900, 700, -100, 50,  300, -200, 1200, 10, -150,
                                  400, 30,  800,  -50, 500, -400, 20,   1};
    auto expected_mtp = [&] {
        std::vector<std::uint32_t> last(times.end() - std::min<std::size_t>(11, times.size()),
                                        times.end());
        std::sort(last.begin(), last.end());
        return static_cast<std::int64_t>(last[last.size() / 2]);
    };
    BlockRef parent = net.genesis;
    for (std::size_t i = 0; i < std::size(steps); ++i) {
        EXPECT_EQ(chain.median_time_past(chain.tip()), expected_mtp()) << "height " << i;
        const std::uint32_t t = static_cast<std::uint32_t>(parent->header().time + steps[i]);
        ASSERT_GT(t, expected_mtp()) << "the test's own schedule must be valid";
        BlockRef b = BlockBuilder(net.params, parent, i).time(t).build();
        AcceptResult r = accept(b);
        ASSERT_EQ(r.status, Status::kAccepted) << r.result.message;
        times.push_back(t);
        parent = b;
    }
    const std::int64_t mtp = expected_mtp();
    EXPECT_EQ(chain.median_time_past(chain.tip()), mtp);
    const std::uint64_t h = chain.height();
    const auto at = [&](std::int64_t t) {
        return BlockBuilder(net.params, parent, h).time(static_cast<std::uint32_t>(t)).build();
    };
    expect_rejected(at(mtp), Reject::kTimeTooOld);
    expect_accepted(at(mtp + 1));
}

TEST_F(ChainTest, SharedValidationOffGivesTheSameResult) {
    core::ChainOptions off;
    off.shared_validation = false;
    core::Chain a(net.params, net.genesis);
    core::Chain b(net.params, net.genesis, off);
    BlockRef b1 = block_on(net.genesis, 0, {pay(0, 1, 10, 1, 0)});
    BlockRef bad = block_on(b1, 1,
                            {Transaction::transfer(*b1->txs()[1]->sender(), net.addr(1), 11, 1, 1,
                                                   b1->txs()[1]->signature())});
    for (const auto& blk : {b1, bad}) {
        AcceptResult ra = a.accept(blk, testutil::kNow);
        AcceptResult rb = b.accept(blk, testutil::kNow);
        EXPECT_EQ(ra.status, rb.status);
        EXPECT_EQ(ra.result.reason, rb.result.reason);
    }
    EXPECT_EQ(a.tip()->hash(), b.tip()->hash());
    EXPECT_EQ(a.state().digest(), b.state().digest());
}

// Retargeting in a chain: window 4 at 600 s spacing, so a 2400 s timespan.
class RetargetChainTest : public testing::Test {
  protected:
    testutil::TestNet net{2, 1000, 8, 4};
    core::Chain chain{net.params, net.genesis};
    const std::uint32_t initial_bits = net.params.initial_bits();

    BlockRef on(const BlockRef& parent, std::uint64_t parent_height, std::uint32_t step,
                std::uint32_t bits, std::uint64_t miner = 6) const {
        return BlockBuilder(net.params, parent, parent_height)
            .time(parent->header().time + step)
            .bits(bits)
            .miner(testutil::account_address(miner))
            .build();
    }
    AcceptResult accept(const BlockRef& b) { return chain.accept(b, testutil::kNow); }
};

TEST_F(RetargetChainTest, BoundaryBlocksMustCarryTheRetargetedBits) {
    ASSERT_EQ(initial_bits, 0x2000ffffu);  // pow_bits 8: 2^248 - 1 rounds to 0xffff << 232
    // Heights 1..3 come four times too fast (150 s apart).
    std::vector<BlockRef> blocks = {net.genesis};
    for (std::uint64_t h = 1; h <= 3; ++h) {
        blocks.push_back(on(blocks.back(), h - 1, 150, initial_bits));
        ASSERT_EQ(accept(blocks.back()).status, Status::kAccepted);
    }
    // Height 4 closes the window: span 450 s clamps to 2400 / 4, so the target quarters:
    // 0xffff << 232 / 4 = 0x3fffc0 << 224, compact 0x1f3fffc0.
    const BlockIndex* h3 = chain.tip();
    EXPECT_EQ(chain.next_bits(h3), 0x1f3fffc0u);
    EXPECT_EQ(chain.next_bits(h3),
              core::calculate_next_bits(initial_bits, blocks[0]->header().time,
                                        blocks[3]->header().time, 2400, net.params.pow_limit()));
    AcceptResult stale = accept(on(blocks[3], 3, 150, initial_bits));
    EXPECT_EQ(stale.result.reason, Reject::kBadBits) << stale.result.message;
    BlockRef h4 = on(blocks[3], 3, 150, 0x1f3fffc0);
    ASSERT_EQ(accept(h4).status, Status::kAccepted);
    // Four times the work: 2^256 / (0x3fffc0 << 224 + 1) = 1024 vs 256 at the initial bits.
    EXPECT_EQ(chain.tip()->chain_work - h3->chain_work, core::U256(1024));
    EXPECT_EQ(h3->chain_work - chain.find(blocks[2]->hash())->chain_work, core::U256(256));
    blocks.push_back(h4);

    // Inside the window the bits stay: a block at the old bits is wrong now.
    EXPECT_EQ(accept(on(h4, 4, 600, initial_bits)).result.reason, Reject::kBadBits);
    // Heights 5..7 come very slowly; height 8 then eases by the 4x clamp: back to the
    // initial target exactly (0x3fffc0 * 4 = 0xffff00).
    for (std::uint64_t h = 5; h <= 7; ++h) {
        blocks.push_back(on(blocks.back(), h - 1, 100'000, 0x1f3fffc0));
        ASSERT_EQ(accept(blocks.back()).status, Status::kAccepted) << h;
    }
    EXPECT_EQ(chain.next_bits(chain.tip()), initial_bits);
    EXPECT_EQ(accept(on(blocks.back(), 7, 600, 0x1f3fffc0)).result.reason, Reject::kBadBits);
    ASSERT_EQ(accept(on(blocks.back(), 7, 600, initial_bits)).status, Status::kAccepted);
    EXPECT_EQ(chain.height(), 8u);
}

TEST_F(RetargetChainTest, DifficultyFallsBelowTheInitialOneButNotPastThePowLimit) {
    // pow_bits 8: the initial target is 2^248 - 1, the pow limit 2^8 times easier, 2^256 - 1
    // (compact 0x2100ffff: 0xffff << 240).
    ASSERT_EQ(net.params.pow_limit_bits(), 0x2100ffffu);
    ASSERT_EQ(net.params.pow_limit(), ~core::U256());
    // A slow window (timespan 3 * 1600 s = 4800 s, twice 2400 s): the target doubles,
    // 0xffff << 232 * 2 = 0x01fffe << 232, compact 0x2001fffe.
    std::vector<BlockRef> blocks = {net.genesis};
    for (std::uint64_t h = 1; h <= 3; ++h) {
        blocks.push_back(on(blocks.back(), h - 1, 1600, initial_bits));
        ASSERT_EQ(accept(blocks.back()).status, Status::kAccepted);
    }
    std::uint32_t bits = chain.next_bits(chain.tip());
    EXPECT_EQ(bits, 0x2001fffeu);
    blocks.push_back(on(blocks.back(), 3, 1600, bits));
    ASSERT_EQ(accept(blocks.back()).status, Status::kAccepted);
    // Half the work of the initial difficulty: 2^256 / (0x1fffe << 232 + 1) = 128.
    EXPECT_EQ(chain.tip()->chain_work - chain.find(blocks[3]->hash())->chain_work,
              core::U256(128));
    // Very slow windows then ease by the 4x clamp each, until the pow limit caps them:
    // 0x07fff8, 0x1fffe0, 0x7fff80 (<< 232), then 0x1fffe00 << 232 > 2^256 - 1.
    const std::uint32_t eased[] = {0x2007fff8u, 0x201fffe0u, 0x207fff80u, 0x2100ffffu};
    for (std::uint32_t expected : eased) {
        const std::uint64_t first = blocks.size() - 1;  // the window's first block
        for (int i = 0; i < 3; ++i) {
            blocks.push_back(on(blocks.back(), blocks.size() - 1, 100'000, bits));
            ASSERT_EQ(accept(blocks.back()).status, Status::kAccepted) << blocks.size();
        }
        const std::uint32_t next = chain.next_bits(chain.tip());
        EXPECT_EQ(next, expected);
        EXPECT_EQ(next, core::calculate_next_bits(bits, blocks[first]->header().time,
                                                  blocks.back()->header().time, 2400,
                                                  net.params.pow_limit()));
        bits = next;
        blocks.push_back(on(blocks.back(), blocks.size() - 1, 100'000, bits));
        ASSERT_EQ(accept(blocks.back()).status, Status::kAccepted) << blocks.size();
    }
    EXPECT_EQ(bits, net.params.pow_limit_bits());
    // A block claiming an easier target than the limit fails the proof of work check.
    EXPECT_FALSE(core::target_from_bits(0x2101fffe, net.params.pow_limit()).has_value());
}

TEST_F(RetargetChainTest, MostWorkBeatsLongest) {
    // Slow branch: 800 s apart, so each window spans exactly 2400 s and bits never change.
    std::vector<BlockRef> slow = {net.genesis};
    for (std::uint64_t h = 1; h <= 8; ++h)
        slow.push_back(on(slow.back(), h - 1, 800, initial_bits, 7));
    // Fast branch: 150 s apart; its height-4 block carries four times the work.
    std::vector<BlockRef> fast = {net.genesis};
    for (std::uint64_t h = 1; h <= 3; ++h)
        fast.push_back(on(fast.back(), h - 1, 150, initial_bits, 8));
    fast.push_back(on(fast.back(), 3, 150, 0x1f3fffc0, 8));

    for (std::uint64_t h = 1; h <= 6; ++h)
        ASSERT_EQ(accept(slow[h]).status, Status::kAccepted);
    ASSERT_EQ(chain.height(), 6u);
    // Fast heights 1..3 carry less work than slow 6; its height 4 has 3*256 + 1024 = 1792 >
    // 6 * 256 = 1536 (genesis work is common).
    for (std::uint64_t h = 1; h <= 4; ++h)
        ASSERT_EQ(accept(fast[h]).status, Status::kAccepted);
    EXPECT_EQ(chain.tip()->hash(), fast[4]->hash());
    EXPECT_EQ(chain.height(), 4u);
    // Slow 7 ties (7 * 256 = 1792): the first-seen fast tip stays. Slow 8 wins.
    ASSERT_EQ(accept(slow[7]).status, Status::kAccepted);
    EXPECT_EQ(chain.tip()->hash(), fast[4]->hash());
    ASSERT_EQ(accept(slow[8]).status, Status::kAccepted);
    EXPECT_EQ(chain.tip()->hash(), slow[8]->hash());
    EXPECT_EQ(chain.height(), 8u);
}

}  // namespace

namespace core_tie_break {

// TieBreak::kRandom: the tip among equal-work blocks is the one the chain's seeded rank
// prefers, whatever the arrival order; different seeds choose independently, so over many
// seeds each of two tied blocks wins about half the time (Eyal & Sirer's fix, FC 2014 §6).
TEST(ChainTieBreak, RandomPicksBySeedNotArrivalOrder) {
    testutil::TestNet net;
    const core::BlockRef a = testutil::BlockBuilder(net.params, net.genesis, 0).miner(net.addr(10)).build();
    const core::BlockRef b = testutil::BlockBuilder(net.params, net.genesis, 0).miner(net.addr(11)).build();
    ASSERT_NE(a->hash(), b->hash());
    int a_wins = 0;
    constexpr int kSeeds = 400;
    for (int seed = 0; seed < kSeeds; ++seed) {
        core::ChainOptions options;
        options.tie_break = core::TieBreak::kRandom;
        options.tie_seed = static_cast<std::uint64_t>(seed) * 7919 + 1;
        core::Chain ab(net.params, net.genesis, options);
        core::Chain ba(net.params, net.genesis, options);
        ASSERT_EQ(ab.accept(a, testutil::kNow).status, core::AcceptResult::Status::kAccepted);
        const core::AcceptResult second = ab.accept(b, testutil::kNow);
        ASSERT_EQ(second.status, core::AcceptResult::Status::kAccepted);
        ASSERT_EQ(ba.accept(b, testutil::kNow).status, core::AcceptResult::Status::kAccepted);
        ASSERT_EQ(ba.accept(a, testutil::kNow).status, core::AcceptResult::Status::kAccepted);
        // The same seed gives the same choice in either order.
        EXPECT_EQ(ab.tip()->hash(), ba.tip()->hash()) << seed;
        // Switching to the later block is a reorg of one.
        if (ab.tip()->hash() == b->hash()) {
            ASSERT_TRUE(second.tip_change.has_value());
            EXPECT_EQ(second.tip_change->reorg_depth(), 1u);
        }
        a_wins += ab.tip()->hash() == a->hash();
        // More work still wins outright.
        const core::BlockRef c =
            testutil::BlockBuilder(net.params, ab.tip()->hash() == a->hash() ? b : a, 1).build();
        ASSERT_EQ(ab.accept(c, testutil::kNow).status, core::AcceptResult::Status::kAccepted);
        EXPECT_EQ(ab.tip()->hash(), c->hash());
    }
    // Binomial(400, 1/2): standard deviation 10; allow 4 of them.
    EXPECT_NEAR(a_wins, kSeeds / 2, 40);
}

}  // namespace core_tie_break

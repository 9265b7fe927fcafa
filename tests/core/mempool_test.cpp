// Mempool: admission and each rejection by reason, selection for a block, and the update
// after the tip moves.
#include <gtest/gtest.h>

#include <limits>
#include <set>

#include "core/mempool.h"
#include "test_util.h"

namespace {

using core::Reject;
using core::Transaction;
using core::TransactionRef;
using testutil::BlockBuilder;

class MempoolTest : public testing::Test {
  protected:
    testutil::TestNet net{4, 1000};
    core::LedgerState state = testutil::replay(net, {});
    core::Mempool pool;

    TransactionRef pay(std::uint64_t from, std::uint64_t to, std::uint64_t amount,
                       std::uint64_t fee, std::uint64_t nonce) const {
        return Transaction::sign_transfer(net.key(from), net.addr(to), amount, fee, nonce);
    }
    void expect_rejected(core::Mempool& m, const TransactionRef& tx, Reject reason) {
        const auto before = m.sorted();
        core::ValidationResult r = m.accept(tx, state);
        EXPECT_EQ(r.reason, reason) << r.message;
        EXPECT_FALSE(r.message.empty());
        EXPECT_EQ(m.sorted(), before) << "a rejected transaction changed the pool";
    }
    std::set<core::Hash256> ids(const std::vector<TransactionRef>& txs) const {
        std::set<core::Hash256> out;
        for (const auto& t : txs)
            out.insert(t->txid());
        return out;
    }
};

TEST_F(MempoolTest, AcceptsAValidTransfer) {
    auto tx = pay(0, 1, 100, 2, 0);
    core::ValidationResult r = pool.accept(tx, state);
    ASSERT_TRUE(r.ok()) << r.message;
    EXPECT_TRUE(pool.contains(tx->txid()));
    EXPECT_EQ(pool.get(tx->txid()), tx);
    EXPECT_EQ(pool.get(core::sha256("nope")), nullptr);
    EXPECT_EQ(pool.size(), 1u);
    EXPECT_FALSE(pool.empty());
    pool.clear();
    EXPECT_TRUE(pool.empty());
}

TEST_F(MempoolTest, RejectionsByReason) {
    auto good = pay(0, 1, 100, 2, 0);
    ASSERT_TRUE(pool.accept(good, state).ok());

    auto base = pay(1, 2, 10, 1, 0);
    expect_rejected(
        pool, Transaction::transfer(*base->sender(), net.addr(2), 11, 1, 0, base->signature()),
        Reject::kBadSignature);
    expect_rejected(pool,
                    Transaction::transfer(*base->sender(), net.addr(2), 10, 1, 0,
                                          testutil::high_s_twin(base->signature())),
                    Reject::kHighS);
    expect_rejected(pool, pay(1, 2, 0, 1, 0), Reject::kZeroAmount);
    expect_rejected(pool, pay(1, 2, std::numeric_limits<std::uint64_t>::max(), 1, 0),
                    Reject::kAmountOverflow);
    expect_rejected(pool, good, Reject::kDuplicateTx);
    expect_rejected(pool, pay(0, 2, 5, 0, 0), Reject::kNonceConflict);
    expect_rejected(pool, pay(1, 2, 1000, 1, 0), Reject::kInsufficientFunds);
    // The pending 102 counts against the sender's 1000.
    expect_rejected(pool, pay(0, 2, 898, 1, 1), Reject::kInsufficientFunds);
    expect_rejected(pool, pay(9, 2, 1, 0, 0), Reject::kInsufficientFunds);  // unfunded
    expect_rejected(pool, core::Transaction::coinbase(net.addr(1), 50, 1),
                    Reject::kUnexpectedCoinbase);
    EXPECT_TRUE(pool.accept(pay(0, 2, 897, 1, 1), state).ok());  // exactly covered
    EXPECT_EQ(pool.size(), 2u);
}

TEST_F(MempoolTest, ReplayAndNonceGap) {
    // Account 0 has already used nonces 0 and 1 on chain.
    auto b1 = BlockBuilder(net.params, net.genesis, 0)
                  .tx(pay(0, 1, 10, 0, 0))
                  .tx(pay(0, 1, 10, 0, 1))
                  .build();
    ASSERT_TRUE(core::apply_block(state, *b1, 1, net.params).ok());
    core::MempoolOptions options;
    options.max_nonce_gap = 2;
    core::Mempool m(options);
    expect_rejected(m, pay(0, 1, 5, 0, 0), Reject::kReplay);
    expect_rejected(m, pay(0, 1, 5, 0, 1), Reject::kReplay);
    expect_rejected(m, b1->txs()[1], Reject::kReplay);          // the confirmed transaction itself
    expect_rejected(m, pay(0, 1, 5, 0, 5), Reject::kBadNonce);  // 3 ahead of next nonce 2
    EXPECT_TRUE(m.accept(pay(0, 1, 5, 0, 4), state).ok());      // 2 ahead: waits
    EXPECT_TRUE(m.accept(pay(0, 1, 5, 0, 2), state).ok());
    // Only the unbroken run from the next nonce is minable.
    auto selected = m.select(state, 10);
    ASSERT_EQ(selected.size(), 1u);
    EXPECT_EQ(selected[0]->nonce(), 2u);
    EXPECT_TRUE(m.accept(pay(0, 1, 5, 0, 3), state).ok());
    EXPECT_EQ(m.select(state, 10).size(), 3u);
}

TEST_F(MempoolTest, FullPoolRejects) {
    core::MempoolOptions options;
    options.max_txs = 2;
    core::Mempool m(options);
    ASSERT_TRUE(m.accept(pay(0, 1, 1, 1, 0), state).ok());
    ASSERT_TRUE(m.accept(pay(1, 2, 1, 1, 0), state).ok());
    expect_rejected(m, pay(2, 3, 1, 1, 0), Reject::kMempoolFull);
}

TEST_F(MempoolTest, SelectOrdersByFeeKeepsNonceOrderAndApplies) {
    // Sender 0: fees 1, 9 (nonce order forces the 1 first). Sender 1: fee 5. Sender 2: fee 5.
    auto a0 = pay(0, 3, 10, 1, 0);
    auto a1 = pay(0, 3, 10, 9, 1);
    auto b0 = pay(1, 3, 10, 5, 0);
    auto c0 = pay(2, 3, 10, 5, 0);
    for (const auto& t : {a1, c0, a0, b0})
        ASSERT_TRUE(pool.accept(t, state).ok());
    auto selected = pool.select(state, 10);
    ASSERT_EQ(selected.size(), 4u);
    // b0 and c0 (fee 5) beat a0 (fee 1); among equal fees the lower txid goes first.
    const auto& first5 = b0->txid() < c0->txid() ? b0 : c0;
    const auto& second5 = b0->txid() < c0->txid() ? c0 : b0;
    EXPECT_EQ(selected, (std::vector<TransactionRef>{first5, second5, a0, a1}));
    // Each sender's transactions stay in nonce order, and the block applies.
    auto block = BlockBuilder(net.params, net.genesis, 0).txs(selected).build();
    core::LedgerState after = state;
    core::ValidationResult r = core::apply_block(after, *block, 1, net.params);
    EXPECT_TRUE(r.ok()) << r.message;
    EXPECT_EQ(after.account(net.addr(3)).balance, 1000u + 40);
    // max_txs caps the selection, keeping the best.
    EXPECT_EQ(pool.select(state, 2), (std::vector<TransactionRef>{first5, second5}));
    EXPECT_TRUE(pool.select(state, 0).empty());
}

TEST_F(MempoolTest, SelectStopsWhereTheBalanceRunsOut) {
    // Both fit the pool's view of the balance... until the chain state shrinks it.
    ASSERT_TRUE(pool.accept(pay(0, 1, 400, 0, 0), state).ok());
    ASSERT_TRUE(pool.accept(pay(0, 1, 400, 0, 1), state).ok());
    core::LedgerState poorer = state;
    poorer.set(net.addr(0), {500, 0});
    auto selected = pool.select(poorer, 10);
    ASSERT_EQ(selected.size(), 1u);
    EXPECT_EQ(selected[0]->nonce(), 0u);
}

TEST_F(MempoolTest, SortedIsBySenderThenNonce) {
    for (std::uint64_t n : {2, 0, 1})
        ASSERT_TRUE(pool.accept(pay(1, 0, 1, 0, n), state).ok());
    for (std::uint64_t n : {1, 0})
        ASSERT_TRUE(pool.accept(pay(2, 0, 1, 0, n), state).ok());
    auto sorted = pool.sorted();
    ASSERT_EQ(sorted.size(), 5u);
    for (std::size_t i = 1; i < sorted.size(); ++i) {
        const auto& a = *sorted[i - 1];
        const auto& b = *sorted[i];
        EXPECT_TRUE(a.sender_address() < b.sender_address() ||
                    (a.sender_address() == b.sender_address() && a.nonce() < b.nonce()));
    }
}

TEST_F(MempoolTest, UpdateForTipChange) {
    auto a0 = pay(0, 1, 100, 1, 0);
    auto a1 = pay(0, 1, 100, 1, 1);
    auto b0 = pay(1, 2, 100, 1, 0);
    auto c0 = pay(2, 3, 100, 1, 0);
    for (const auto& t : {a0, a1, b0, c0})
        ASSERT_TRUE(pool.accept(t, state).ok());

    // A block confirms a0 and a conflicting spend of C's nonce 0.
    auto c0_other = pay(2, 1, 7, 0, 0);
    auto block = BlockBuilder(net.params, net.genesis, 0).tx(a0).tx(c0_other).build();
    core::LedgerState tip_state = state;
    ASSERT_TRUE(core::apply_block(tip_state, *block, 1, net.params).ok());
    pool.update_for_tip_change({}, {block}, tip_state);
    EXPECT_EQ(ids(pool.sorted()), ids({a1, b0}));  // a0 confirmed, c0 now a replay

    // The block is disconnected again: a0 and c0_other come back, c0 is gone for good
    // (it left the pool), and everything still fits the old state.
    pool.update_for_tip_change({block}, {}, state);
    EXPECT_EQ(ids(pool.sorted()), ids({a0, a1, b0, c0_other}));
    EXPECT_FALSE(pool.contains(block->txs()[0]->txid()));  // coinbases never enter
}

TEST_F(MempoolTest, UpdateDropsTransactionsWhoseFundingDisappeared) {
    // Account 5 is funded only by a transfer in a block; its own spend is pending.
    auto fund = pay(0, 5, 50, 0, 0);
    auto block = BlockBuilder(net.params, net.genesis, 0).tx(fund).build();
    core::LedgerState funded = state;
    ASSERT_TRUE(core::apply_block(funded, *block, 1, net.params).ok());
    auto spend = Transaction::sign_transfer(testutil::account_key(5), net.addr(1), 40, 0, 0);
    ASSERT_TRUE(pool.accept(spend, funded).ok());
    // Disconnect the funding block onto a state where 0 spent its nonce 0 elsewhere.
    core::LedgerState other = state;
    auto rival =
        BlockBuilder(net.params, net.genesis, 0).tx(pay(0, 2, 1, 0, 0)).miner(net.addr(7)).build();
    ASSERT_TRUE(core::apply_block(other, *rival, 1, net.params).ok());
    pool.update_for_tip_change({block}, {rival}, other);
    EXPECT_TRUE(pool.empty()) << pool.size();
}

TEST_F(MempoolTest, SharedValidationOffStillChecksSignatures) {
    core::MempoolOptions options;
    options.shared_validation = false;
    core::Mempool m(options);
    auto good = pay(0, 1, 10, 0, 0);
    EXPECT_TRUE(m.accept(good, state).ok());
    auto bad = Transaction::transfer(*good->sender(), net.addr(1), 10, 0, 1, good->signature());
    expect_rejected(m, bad, Reject::kBadSignature);
}

}  // namespace

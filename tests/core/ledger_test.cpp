// Ledger: apply and undo of blocks, the rejections of apply_block by reason, and the
// atomicity of a failing block.
#include <gtest/gtest.h>

#include <limits>

#include "core/ledger.h"
#include "test_util.h"

namespace {

using core::Account;
using core::Reject;
using core::Transaction;
using testutil::BlockBuilder;

constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();

class LedgerTest : public testing::Test {
  protected:
    testutil::TestNet net{4, 1000};
    core::LedgerState state = testutil::replay(net, {});

    BlockBuilder child() const { return BlockBuilder(net.params, net.genesis, 0); }
    core::TransactionRef pay(std::uint64_t from, std::uint64_t to, std::uint64_t amount,
                             std::uint64_t fee, std::uint64_t nonce) const {
        return Transaction::sign_transfer(net.key(from), net.addr(to), amount, fee, nonce);
    }
    core::ValidationResult apply(const core::BlockRef& b, std::uint64_t height = 1) {
        return core::apply_block(state, *b, height, net.params);
    }
    // Applies then undoes `b`, expecting success and the exact prior digest afterwards.
    void round_trip(const core::BlockRef& b) {
        const core::Hash256 before = state.digest();
        const auto accounts_before = state.sorted_accounts();
        core::ValidationResult r = apply(b);
        ASSERT_TRUE(r.ok()) << r.message;
        EXPECT_NE(state.digest(), before);
        core::undo_block(state, *b);
        EXPECT_EQ(state.digest(), before);
        EXPECT_EQ(state.sorted_accounts(), accounts_before);
    }
};

TEST_F(LedgerTest, GenesisCreditsAllocations) {
    for (std::uint64_t i = 0; i < 4; ++i) {
        EXPECT_EQ(state.account(net.addr(i)), (Account{1000, 0}));
    }
    EXPECT_EQ(state.account(net.addr(9)), (Account{0, 0}));
    EXPECT_EQ(state.size(), 4u);
}

TEST_F(LedgerTest, ApplyMovesFundsFeesAndNonces) {
    auto b = child()
                 .tx(pay(0, 1, 100, 2, 0))
                 .tx(pay(0, 2, 50, 1, 1))
                 .tx(pay(1, 3, 1100, 0, 0))
                 .miner(net.addr(5))
                 .build();
    core::ValidationResult r = apply(b);
    ASSERT_TRUE(r.ok()) << r.message;
    EXPECT_EQ(state.account(net.addr(0)), (Account{1000 - 102 - 51, 2}));
    EXPECT_EQ(state.account(net.addr(1)), (Account{1000 + 100 - 1100, 1}));
    EXPECT_EQ(state.account(net.addr(2)), (Account{1050, 0}));
    EXPECT_EQ(state.account(net.addr(3)), (Account{2100, 0}));
    EXPECT_EQ(state.account(net.addr(5)), (Account{50 + 3, 0}));
}

TEST_F(LedgerTest, ApplyThenUndoRestoresTheDigest) {
    round_trip(
        child().tx(pay(0, 1, 100, 2, 0)).tx(pay(1, 2, 1050, 3, 0)).miner(net.addr(7)).build());
}

TEST_F(LedgerTest, UndoSelfTransfer) {
    auto b = child().tx(pay(2, 2, 400, 5, 0)).tx(pay(2, 2, 595, 0, 1)).miner(net.addr(8)).build();
    ASSERT_TRUE(apply(b).ok());
    EXPECT_EQ(state.account(net.addr(2)), (Account{1000 - 5, 2}));
    core::undo_block(state, *b);
    EXPECT_EQ(state, testutil::replay(net, {}));
    round_trip(b);
}

TEST_F(LedgerTest, UndoWhenMinerIsSender) {
    // The miner spends and collects its own fee in the same block.
    auto b = child().tx(pay(1, 0, 990, 10, 0)).tx(pay(0, 1, 1990, 0, 0)).miner(net.addr(1)).build();
    ASSERT_TRUE(apply(b).ok());
    EXPECT_EQ(state.account(net.addr(1)), (Account{1000 - 1000 + 1990 + 60, 1}));
    EXPECT_EQ(state.account(net.addr(0)), (Account{0, 1}));
    core::undo_block(state, *b);
    EXPECT_EQ(state, testutil::replay(net, {}));
    round_trip(b);
}

TEST_F(LedgerTest, UndoCoinbaseOnlyBlockToFreshAccount) {
    auto b = child().miner(net.addr(9)).build();
    round_trip(b);
    EXPECT_EQ(state.size(), 4u);  // the miner's emptied account is gone again
}

TEST_F(LedgerTest, ChainOfBlocksUndoneInReverse) {
    std::vector<core::Hash256> digests = {state.digest()};
    std::vector<core::BlockRef> blocks;
    core::BlockRef parent = net.genesis;
    for (std::uint64_t h = 1; h <= 5; ++h) {
        auto b = BlockBuilder(net.params, parent, h - 1)
                     .tx(pay(h % 4, (h + 1) % 4, 10 * h, h, (h - 1) / 4))
                     .miner(net.addr(h % 2))
                     .build();
        ASSERT_TRUE(apply(b, h).ok());
        digests.push_back(state.digest());
        blocks.push_back(b);
        parent = b;
    }
    EXPECT_EQ(state, testutil::replay(net, blocks));
    for (std::size_t i = blocks.size(); i-- > 0;) {
        core::undo_block(state, *blocks[i]);
        EXPECT_EQ(state.digest(), digests[i]) << "after undoing height " << i + 1;
    }
}

TEST_F(LedgerTest, RejectionsByReason) {
    struct Case {
        const char* what;
        core::BlockRef block;
        Reject reason;
    };
    const std::vector<Case> cases = {
        {"nonce ahead", child().tx(pay(0, 1, 1, 0, 1)).build(), Reject::kBadNonce},
        {"nonce gap inside the block",
         child().tx(pay(0, 1, 1, 0, 0)).tx(pay(0, 1, 1, 0, 2)).build(), Reject::kBadNonce},
        {"replay in the same block", child().tx(pay(0, 1, 1, 0, 0)).tx(pay(0, 1, 2, 0, 0)).build(),
         Reject::kReplay},
        {"overspend", child().tx(pay(0, 1, 1000, 1, 0)).build(), Reject::kInsufficientFunds},
        {"overspend by a later tx",
         child().tx(pay(0, 1, 600, 0, 0)).tx(pay(0, 2, 401, 0, 1)).build(),
         Reject::kInsufficientFunds},
        {"unfunded sender", child().tx(pay(9, 1, 1, 0, 0)).build(), Reject::kInsufficientFunds},
        {"amount + fee overflow", child().tx(pay(0, 1, kMax, 1, 0)).coinbase_amount(0).build(),
         Reject::kAmountOverflow},
        {"coinbase overpays", child().tx(pay(0, 1, 5, 3, 0)).coinbase_amount(54).build(),
         Reject::kBadCoinbase},
        {"coinbase wrong height", child().coinbase_height(2).build(), Reject::kBadCoinbase},
    };
    const core::Hash256 before = state.digest();
    for (const auto& c : cases) {
        SCOPED_TRACE(c.what);
        core::ValidationResult r = apply(c.block);
        EXPECT_EQ(r.reason, c.reason) << r.message;
        EXPECT_FALSE(r.message.empty());
        EXPECT_EQ(state.digest(), before) << "a failing block changed the state";
    }
}

TEST_F(LedgerTest, ReplayAcrossBlocks) {
    auto t = pay(0, 1, 10, 0, 0);
    auto b1 = child().tx(t).build();
    ASSERT_TRUE(apply(b1).ok());
    auto b2 = BlockBuilder(net.params, b1, 1).tx(t).build();
    EXPECT_EQ(apply(b2, 2).reason, Reject::kReplay);
    EXPECT_EQ(state, testutil::replay(net, {b1}));
}

TEST_F(LedgerTest, CoinbaseMayPayLessThanAllowed) {
    auto b = child().tx(pay(0, 1, 5, 3, 0)).coinbase_amount(10).miner(net.addr(6)).build();
    ASSERT_TRUE(apply(b).ok());
    EXPECT_EQ(state.account(net.addr(6)).balance, 10u);
    round_trip(child().tx(pay(1, 0, 5, 3, 0)).coinbase_amount(53).build());
}

TEST(LedgerOverflow, RecipientAndMinerBalancesAreChecked) {
    // A recipient already near 2^64 cannot be credited past it.
    testutil::TestNet net(2, kMax - 10);
    core::LedgerState state = testutil::replay(net, {});
    const core::Hash256 before = state.digest();
    auto to_rich = BlockBuilder(net.params, net.genesis, 0)
                       .tx(Transaction::sign_transfer(net.key(0), net.addr(1), 11, 0, 0))
                       .build();
    core::ValidationResult r = core::apply_block(state, *to_rich, 1, net.params);
    EXPECT_EQ(r.reason, Reject::kAmountOverflow) << r.message;
    EXPECT_EQ(state.digest(), before);
    auto to_rich_miner = BlockBuilder(net.params, net.genesis, 0).miner(net.addr(1)).build();
    r = core::apply_block(state, *to_rich_miner, 1, net.params);
    EXPECT_EQ(r.reason, Reject::kAmountOverflow) << r.message;
    EXPECT_EQ(state.digest(), before);
    // Fees summing past 2^64 across transactions.
    auto fees = BlockBuilder(net.params, net.genesis, 0)
                    .tx(Transaction::sign_transfer(net.key(0), net.addr(5), 1, kMax - 20, 0))
                    .tx(Transaction::sign_transfer(net.key(1), net.addr(5), 1, kMax - 20, 0))
                    .coinbase_amount(0)
                    .build();
    r = core::apply_block(state, *fees, 1, net.params);
    EXPECT_EQ(r.reason, Reject::kAmountOverflow) << r.message;
    EXPECT_EQ(state.digest(), before);
}

TEST(LedgerState, DigestIsOrderIndependentAndIgnoresEmptyAccounts) {
    core::LedgerState a, b;
    for (std::uint64_t i = 0; i < 20; ++i)
        a.set(testutil::account_address(i), {i + 1, i});
    for (std::uint64_t i = 20; i-- > 0;)
        b.set(testutil::account_address(i), {i + 1, i});
    EXPECT_EQ(a.digest(), b.digest());
    b.set(testutil::account_address(100), {});  // an empty account is no account
    EXPECT_EQ(a.digest(), b.digest());
    EXPECT_EQ(a.size(), b.size());
    b.set(testutil::account_address(3), {4, 4});  // next_nonce differs
    EXPECT_NE(a.digest(), b.digest());
    b.set(testutil::account_address(3), {4, 3});
    EXPECT_EQ(a.digest(), b.digest());
    // A zero balance with a used nonce is still an account.
    b.set(testutil::account_address(3), {0, 3});
    EXPECT_EQ(b.size(), 20u);
    auto sorted = b.sorted_accounts();
    for (std::size_t i = 1; i < sorted.size(); ++i)
        EXPECT_LT(sorted[i - 1].first, sorted[i].first);
    EXPECT_EQ(core::LedgerState{}.digest(), core::sha256(std::string_view("")));
}

TEST(CheckAgainstAccount, OrderOfChecks) {
    auto tx = Transaction::sign_transfer(testutil::account_key(0), testutil::account_address(1), 10,
                                         1, 5);
    EXPECT_EQ(core::check_against_account(*tx, {100, 6}, 6).reason, Reject::kReplay);
    EXPECT_EQ(core::check_against_account(*tx, {100, 4}, 4).reason, Reject::kBadNonce);
    EXPECT_EQ(core::check_against_account(*tx, {10, 5}, 5).reason, Reject::kInsufficientFunds);
    EXPECT_TRUE(core::check_against_account(*tx, {11, 5}, 5).ok());
}

}  // namespace

// Merkle roots (Bitcoin's algorithm, computed independently here), the context-free block
// check and each of its rejections, and the genesis block.
#include <gtest/gtest.h>

#include <cstring>
#include <limits>

#include "core/block.h"
#include "core/merkle.h"
#include "test_util.h"

namespace {

using core::Reject;
using core::Transaction;
using testutil::BlockBuilder;

core::Hash256 pair_hash(const core::Hash256& a, const core::Hash256& b) {
    std::uint8_t buf[64];
    std::memcpy(buf, a.data(), 32);
    std::memcpy(buf + 32, b.data(), 32);
    return core::sha256d(buf);
}

core::Hash256 leaf(int i) {
    return core::sha256("leaf " + std::to_string(i));
}

TEST(Merkle, SmallTreesByHand) {
    EXPECT_TRUE(core::merkle_root({}).is_zero());
    const auto a = leaf(0), b = leaf(1), c = leaf(2), d = leaf(3), e = leaf(4);
    EXPECT_EQ(core::merkle_root({a}), a);
    EXPECT_EQ(core::merkle_root({a, b}), pair_hash(a, b));
    EXPECT_EQ(core::merkle_root({a, b, c}), pair_hash(pair_hash(a, b), pair_hash(c, c)));
    EXPECT_EQ(core::merkle_root({a, b, c, d}), pair_hash(pair_hash(a, b), pair_hash(c, d)));
    const auto left = pair_hash(pair_hash(a, b), pair_hash(c, d));
    const auto right = pair_hash(pair_hash(e, e), pair_hash(e, e));
    EXPECT_EQ(core::merkle_root({a, b, c, d, e}), pair_hash(left, right));
}

TEST(Merkle, BitcoinGenesisSingleTransaction) {
    // With one transaction the root is its txid: Bitcoin's genesis merkle root.
    auto txid = core::Hash256::from_display_hex(
        "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b");
    ASSERT_TRUE(txid);
    EXPECT_EQ(core::merkle_root({*txid}), *txid);
}

TEST(Merkle, Cve2012_2459MutationKeepsTheRootButIsFlagged) {
    const auto a = leaf(0), b = leaf(1), c = leaf(2);
    bool mutated = true;
    const auto root = core::merkle_root({a, b, c}, &mutated);
    EXPECT_FALSE(mutated);
    EXPECT_EQ(core::merkle_root({a, b, c, c}, &mutated), root);
    EXPECT_TRUE(mutated);
    // Six leaves duplicated as 5 + its last, deeper: [a..e, e] vs [a..e].
    const auto d = leaf(3), e = leaf(4);
    const auto five = core::merkle_root({a, b, c, d, e}, &mutated);
    EXPECT_FALSE(mutated);
    EXPECT_EQ(core::merkle_root({a, b, c, d, e, e}, &mutated), five);
    EXPECT_TRUE(mutated);
    core::merkle_root({a, a}, &mutated);
    EXPECT_TRUE(mutated);
}

class BlockCheckTest : public testing::Test {
  protected:
    testutil::TestNet net;
    core::TransactionRef t1 = Transaction::sign_transfer(net.key(0), net.addr(1), 100, 2, 0);
    core::TransactionRef t2 = Transaction::sign_transfer(net.key(1), net.addr(2), 30, 1, 0);

    BlockBuilder child() const { return BlockBuilder(net.params, net.genesis, 0); }
    core::Reject check(const core::BlockRef& b) const { return b->check(net.params, false).reason; }
};

TEST_F(BlockCheckTest, ValidBlock) {
    auto b = child().tx(t1).tx(t2).miner(net.addr(3)).build();
    core::ValidationResult r = b->check(net.params, false);
    EXPECT_TRUE(r.ok()) << r.message;
    EXPECT_TRUE(b->check(net.params, true).ok());
    EXPECT_TRUE(b->check(net.params, true).ok());  // memoised
    EXPECT_EQ(b->height(), 1u);
    EXPECT_EQ(b->total_fees(), 3u);
    EXPECT_EQ(b->txs()[0]->amount(), net.params.block_reward + 3);
    EXPECT_EQ(b->hash(), b->header().hash());
    EXPECT_EQ(b->prev(), net.genesis->hash());
    EXPECT_EQ(b->header().merkle_root, core::compute_merkle_root(b->txs()));
}

TEST_F(BlockCheckTest, BadPow) {
    EXPECT_EQ(check(child().tx(t1).build_with_bad_pow()), Reject::kBadPow);
    // bits easier than the pow limit: even a lucky hash does not count. (At pow_bits 8 the
    // limit is every hash; at 16 it is 2^248 - 1, and 0x207fffff is about 2^255.)
    core::ConsensusParams hard = net.params;
    hard.pow_bits = 16;
    const core::BlockRef easy = BlockBuilder(hard, net.genesis, 0).bits(0x207fffff).build();
    EXPECT_EQ(easy->check(hard, false).reason, Reject::kBadPow);
    EXPECT_EQ(check(child().bits(0x207fffff).build()), Reject::kNone);
    // Negative and overflowing bits.
    EXPECT_EQ(check(child().bits(0x04923456).build_with_bad_pow()), Reject::kBadPow);
    EXPECT_EQ(check(child().bits(0xff123456).build_with_bad_pow()), Reject::kBadPow);
}

TEST_F(BlockCheckTest, BadMerkle) {
    // Header commits to [coinbase, t1, t2]; the body drops t2.
    auto builder = child().tx(t1).tx(t2);
    auto committed = builder.committed_txs();
    auto body = committed;
    body.pop_back();
    EXPECT_EQ(check(builder.body_override(body).build()), Reject::kBadMerkle);
    // Reordered body.
    auto swapped = committed;
    std::swap(swapped[1], swapped[2]);
    EXPECT_EQ(check(child().tx(t1).tx(t2).body_override(swapped).build()), Reject::kBadMerkle);
}

TEST_F(BlockCheckTest, DuplicateTxidDirect) {
    // The same transaction twice in a committed list (an even count: no mutation flag
    // needed, the txid set itself has a duplicate).
    auto b = child().tx(t1).tx(t1).tx(t2).build();
    EXPECT_EQ(check(b), Reject::kDuplicateTxid);
}

TEST_F(BlockCheckTest, DuplicateTxidCve2012_2459) {
    // [coinbase, t1, t2] is odd; appending a second t2 gives the same merkle root and thus
    // the same header and block hash, but the block must be rejected.
    auto valid = child().tx(t1).tx(t2).build();
    ASSERT_TRUE(valid->check(net.params, false).ok());
    auto txs = valid->txs();
    txs.push_back(txs.back());
    auto mutated = core::Block::make(valid->header(), txs);
    EXPECT_EQ(core::compute_merkle_root(txs), valid->header().merkle_root);
    EXPECT_EQ(mutated->hash(), valid->hash());
    EXPECT_EQ(check(mutated), Reject::kDuplicateTxid);
    EXPECT_EQ(mutated->check(net.params, true).reason, Reject::kDuplicateTxid);
    // The honest block is unaffected by the mutated twin having been checked.
    EXPECT_TRUE(valid->check(net.params, true).ok());
}

TEST_F(BlockCheckTest, CoinbasePlacement) {
    auto builder = child().tx(t1);
    auto committed = builder.committed_txs();
    // No coinbase at all.
    std::vector<core::TransactionRef> no_coinbase = {t1};
    core::BlockHeader h = builder.header();
    h.merkle_root = core::compute_merkle_root(no_coinbase);
    EXPECT_EQ(check(testutil::mine(h, no_coinbase)), Reject::kBadCoinbase);
    // Empty block.
    h.merkle_root = core::Hash256{};
    EXPECT_EQ(check(testutil::mine(h, {})), Reject::kBadCoinbase);
    // A second coinbase later in the block.
    std::vector<core::TransactionRef> two = {committed[0], t1,
                                             Transaction::coinbase(net.addr(1), 5, 1)};
    h.merkle_root = core::compute_merkle_root(two);
    EXPECT_EQ(check(testutil::mine(h, two)), Reject::kUnexpectedCoinbase);
}

TEST_F(BlockCheckTest, TooManyTransactions) {
    core::ConsensusParams small = net.params;
    small.max_block_txs = 1;
    auto b = child().tx(t1).tx(t2).build();
    EXPECT_EQ(b->check(small, false).reason, Reject::kTooManyTxs);
    small.max_block_txs = 2;
    EXPECT_TRUE(b->check(small, false).ok());
}

TEST_F(BlockCheckTest, TransactionFailuresByReason) {
    auto good = Transaction::sign_transfer(net.key(0), net.addr(1), 10, 1, 0);
    auto bad_sig = Transaction::transfer(*good->sender(), net.addr(1), 11, 1, 0, good->signature());
    auto high_s = Transaction::transfer(*good->sender(), net.addr(1), 10, 1, 0,
                                        testutil::high_s_twin(good->signature()));
    auto overflow = Transaction::sign_transfer(net.key(0), net.addr(1),
                                               std::numeric_limits<std::uint64_t>::max(), 1, 0);
    auto zero = Transaction::sign_transfer(net.key(0), net.addr(1), 0, 1, 0);
    EXPECT_EQ(check(child().tx(bad_sig).build()), Reject::kBadSignature);
    EXPECT_EQ(check(child().tx(t2).tx(high_s).build()), Reject::kHighS);
    EXPECT_EQ(check(child().tx(overflow).build()), Reject::kAmountOverflow);
    EXPECT_EQ(check(child().tx(zero).build()), Reject::kZeroAmount);
}

TEST_F(BlockCheckTest, SerializedSizeAndFees) {
    auto b = child().tx(t1).tx(t2).build();
    EXPECT_EQ(b->serialized_size(), b->serialize().size());
    EXPECT_EQ(b->serialized_size(), core::BlockHeader::kSize + 4 + Transaction::kCoinbaseSize +
                                        2 * Transaction::kTransferSize);
    auto huge_fee = Transaction::sign_transfer(net.key(2), net.addr(1), 1,
                                               std::numeric_limits<std::uint64_t>::max() - 1, 0);
    auto saturated = child().tx(t1).tx(huge_fee).coinbase_amount(1).build();
    EXPECT_EQ(saturated->total_fees(), std::numeric_limits<std::uint64_t>::max());
}

TEST(Genesis, DeterministicAndCarriesValidPow) {
    testutil::TestNet a(3, 500);
    testutil::TestNet b(3, 500);
    EXPECT_EQ(a.genesis->hash(), b.genesis->hash());
    EXPECT_TRUE(a.genesis->prev().is_zero());
    EXPECT_EQ(a.genesis->header().time, a.params.genesis_time);
    EXPECT_EQ(a.genesis->header().bits, a.params.initial_bits());
    EXPECT_TRUE(core::check_proof_of_work(a.genesis->hash(), a.genesis->header().bits,
                                          a.params.pow_limit()));
    ASSERT_EQ(a.genesis->txs().size(), 3u);
    for (std::size_t i = 0; i < 3; ++i) {
        EXPECT_TRUE(a.genesis->txs()[i]->is_coinbase());
        EXPECT_EQ(a.genesis->txs()[i]->recipient(), testutil::account_address(i));
        EXPECT_EQ(a.genesis->txs()[i]->amount(), 500u);
        EXPECT_EQ(a.genesis->txs()[i]->nonce(), i);
    }
    EXPECT_EQ(a.genesis->header().merkle_root, core::compute_merkle_root(a.genesis->txs()));

    // Different allocations or times give a different genesis.
    testutil::TestNet c(3, 501);
    EXPECT_NE(c.genesis->hash(), a.genesis->hash());
    core::ConsensusParams later = a.params;
    later.genesis_time += 1;
    EXPECT_NE(core::make_genesis(later)->hash(), a.genesis->hash());

    // No allocations: one coinbase of the block reward to the zero address.
    core::ConsensusParams empty;
    empty.pow_bits = 8;
    auto g = core::make_genesis(empty);
    ASSERT_EQ(g->txs().size(), 1u);
    EXPECT_EQ(g->txs()[0]->recipient(), core::Address{});
    EXPECT_EQ(g->txs()[0]->amount(), empty.block_reward);
}

TEST(PowLimitBits, CompactOfTheLimitIsAValidTarget) {
    for (unsigned bits : {1u, 8u, 12u, 16u, 20u}) {
        core::ConsensusParams p;
        p.pow_bits = bits;
        const auto target = core::target_from_bits(p.pow_limit_bits(), p.pow_limit());
        ASSERT_TRUE(target.has_value()) << bits;
        EXPECT_LE(*target, p.pow_limit());
        // Compact rounding loses at most the low bits below the 16- or 24-bit mantissa.
        EXPECT_GE(*target, p.pow_limit() - (p.pow_limit() >> 15));
    }
}

}  // namespace

// Transactions: signing, txid stability, the context-free check and its rejections,
// and the binary encoding.
#include <gtest/gtest.h>

#include <limits>
#include <set>

#include "core/codec.h"
#include "core/transaction.h"
#include "test_util.h"

namespace {

using core::Reject;
using core::Transaction;

constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();

class TransactionTest : public testing::Test {
  protected:
    core::PrivateKey alice = testutil::account_key(0);
    core::Address bob = testutil::account_address(1);
};

TEST_F(TransactionTest, SignedTransferVerifies) {
    auto tx = Transaction::sign_transfer(alice, bob, 250, 3, 7);
    EXPECT_FALSE(tx->is_coinbase());
    EXPECT_EQ(*tx->sender(), alice.public_key());
    EXPECT_EQ(tx->sender_address(), alice.public_key().address());
    EXPECT_EQ(tx->recipient(), bob);
    EXPECT_EQ(tx->amount(), 250u);
    EXPECT_EQ(tx->fee(), 3u);
    EXPECT_EQ(tx->nonce(), 7u);
    EXPECT_TRUE(tx->check(false).ok()) << tx->check(false).message;
    EXPECT_TRUE(tx->check(true).ok());
    EXPECT_TRUE(tx->check(true).ok());  // memoised path
    EXPECT_EQ(core::verify_signature(*tx->sender(), tx->txid(), tx->signature()),
              core::SignatureCheck::kValid);
}

TEST_F(TransactionTest, TxidIsTheSigningDigestAndStable) {
    auto tx = Transaction::sign_transfer(alice, bob, 250, 3, 7);
    EXPECT_EQ(tx->txid(), Transaction::signing_digest(alice.public_key(), bob, 250, 3, 7));
    // The same fields give the same txid however the object is made.
    auto again = Transaction::transfer(alice.public_key(), bob, 250, 3, 7, tx->signature());
    EXPECT_EQ(again->txid(), tx->txid());
    EXPECT_EQ(Transaction::sign_transfer(alice, bob, 250, 3, 7)->txid(), tx->txid());

    // Every signed field changes it.
    std::set<core::Hash256> txids = {tx->txid()};
    txids.insert(Transaction::sign_transfer(testutil::account_key(5), bob, 250, 3, 7)->txid());
    txids.insert(
        Transaction::sign_transfer(alice, testutil::account_address(2), 250, 3, 7)->txid());
    txids.insert(Transaction::sign_transfer(alice, bob, 251, 3, 7)->txid());
    txids.insert(Transaction::sign_transfer(alice, bob, 250, 4, 7)->txid());
    txids.insert(Transaction::sign_transfer(alice, bob, 250, 3, 8)->txid());
    txids.insert(Transaction::coinbase(bob, 250, 7)->txid());
    EXPECT_EQ(txids.size(), 7u);
}

TEST_F(TransactionTest, TxidIsDomainSeparated) {
    // The digest is not a bare hash of the binary encoding's fields: it starts with the
    // domain tag, so a signature over it cannot be replayed in another protocol.
    auto tx = Transaction::sign_transfer(alice, bob, 1, 0, 0);
    const auto bytes = tx->serialize();
    const std::vector<std::uint8_t> unsigned_part(bytes.begin(),
                                                  bytes.end() - 64);  // without the signature
    EXPECT_NE(tx->txid(), core::sha256(unsigned_part));
    core::Sha256 h;
    h.write(std::string_view("chainsim/tx/v1")).write(unsigned_part);
    EXPECT_EQ(tx->txid(), h.finish());
}

TEST_F(TransactionTest, CoinbaseTxidsDifferByHeight) {
    auto a = Transaction::coinbase(bob, 50, 1);
    auto b = Transaction::coinbase(bob, 50, 2);
    EXPECT_TRUE(a->is_coinbase());
    EXPECT_EQ(a->sender_address(), core::Address{});
    EXPECT_NE(a->txid(), b->txid());
    EXPECT_TRUE(a->check(false).ok());
}

TEST_F(TransactionTest, TamperedFieldBreaksTheSignature) {
    auto tx = Transaction::sign_transfer(alice, bob, 250, 3, 7);
    auto more = Transaction::transfer(alice.public_key(), bob, 2500, 3, 7, tx->signature());
    EXPECT_EQ(more->check(false).reason, Reject::kBadSignature);
    auto redirected = Transaction::transfer(alice.public_key(), testutil::account_address(9), 250,
                                            3, 7, tx->signature());
    EXPECT_EQ(redirected->check(false).reason, Reject::kBadSignature);
    // Claiming to be someone else with alice's signature.
    auto impostor = Transaction::transfer(testutil::account_key(4).public_key(), bob, 250, 3, 7,
                                          tx->signature());
    EXPECT_EQ(impostor->check(false).reason, Reject::kBadSignature);
}

TEST_F(TransactionTest, CheckRejectsByReason) {
    auto good = Transaction::sign_transfer(alice, bob, 10, 1, 0);

    auto high_s = Transaction::transfer(alice.public_key(), bob, 10, 1, 0,
                                        testutil::high_s_twin(good->signature()));
    EXPECT_EQ(high_s->check(false).reason, Reject::kHighS);
    EXPECT_EQ(high_s->check(true).reason, Reject::kHighS);

    core::Signature r_zero = good->signature();
    std::fill(r_zero.bytes.begin(), r_zero.bytes.begin() + 32, 0);
    EXPECT_EQ(Transaction::transfer(alice.public_key(), bob, 10, 1, 0, r_zero)->check(false).reason,
              Reject::kBadSignature);
    core::Signature s_big = good->signature();
    std::fill(s_big.bytes.begin() + 32, s_big.bytes.end(), 0xff);
    EXPECT_EQ(Transaction::transfer(alice.public_key(), bob, 10, 1, 0, s_big)->check(false).reason,
              Reject::kBadSignature);

    EXPECT_EQ(Transaction::sign_transfer(alice, bob, 0, 1, 0)->check(false).reason,
              Reject::kZeroAmount);
    EXPECT_EQ(Transaction::sign_transfer(alice, bob, kMax, 1, 0)->check(false).reason,
              Reject::kAmountOverflow);
    EXPECT_EQ(Transaction::sign_transfer(alice, bob, 1, kMax, 0)->check(false).reason,
              Reject::kAmountOverflow);
    EXPECT_TRUE(Transaction::sign_transfer(alice, bob, kMax - 5, 5, 0)->check(false).ok());
    EXPECT_EQ(Transaction::coinbase(bob, 0, 3)->check(false).reason, Reject::kZeroAmount);
}

TEST_F(TransactionTest, FailedCheckIsNotMemoised) {
    auto good = Transaction::sign_transfer(alice, bob, 10, 1, 0);
    auto bad = Transaction::transfer(alice.public_key(), bob, 11, 1, 0, good->signature());
    EXPECT_FALSE(bad->check(true).ok());
    EXPECT_FALSE(bad->check(true).ok());
    EXPECT_FALSE(bad->check(false).ok());
}

TEST_F(TransactionTest, BinaryRoundTrip) {
    const std::vector<core::TransactionRef> txs = {
        Transaction::sign_transfer(alice, bob, 250, 3, 7),
        Transaction::sign_transfer(alice, bob, kMax - 1, 1, kMax),
        Transaction::coinbase(bob, 50, 12),
    };
    for (const auto& tx : txs) {
        const auto bytes = tx->serialize();
        EXPECT_EQ(bytes.size(), tx->serialized_size());
        EXPECT_EQ(bytes.size(),
                  tx->is_coinbase() ? Transaction::kCoinbaseSize : Transaction::kTransferSize);
        core::TransactionRef back;
        core::ValidationResult r = core::tx_from_bytes(bytes, back);
        ASSERT_TRUE(r.ok()) << r.message;
        EXPECT_EQ(back->txid(), tx->txid());
        EXPECT_EQ(back->serialize(), bytes);
        EXPECT_EQ(back->signature(), tx->signature());
        EXPECT_EQ(back->is_coinbase(), tx->is_coinbase());
        EXPECT_EQ(back->check(false).reason, tx->check(false).reason);
    }
}

TEST_F(TransactionTest, BinaryLayout) {
    auto tx = Transaction::sign_transfer(alice, bob, 0x0102030405060708ULL, 9, 10);
    const auto b = tx->serialize();
    ASSERT_EQ(b.size(), Transaction::kTransferSize);
    EXPECT_EQ(b[0], 1);
    EXPECT_TRUE(std::equal(b.begin() + 1, b.begin() + 34, alice.public_key().bytes().begin()));
    EXPECT_TRUE(std::equal(b.begin() + 34, b.begin() + 54, bob.bytes.begin()));
    EXPECT_EQ(b[54], 0x08);  // amount, little-endian
    EXPECT_EQ(b[61], 0x01);
    EXPECT_EQ(b[62], 9);   // fee
    EXPECT_EQ(b[70], 10);  // nonce
    EXPECT_TRUE(std::equal(b.begin() + 78, b.end(), tx->signature().bytes.begin()));
}

}  // namespace

// JSON and binary codecs: round trips, and strict decoding that never throws and names
// the offending field.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/codec.h"
#include "test_util.h"

namespace {

using core::Reject;
using core::Transaction;
using nlohmann::json;

class TxJsonTest : public testing::Test {
  protected:
    core::PrivateKey alice = testutil::account_key(0);
    core::TransactionRef tx =
        Transaction::sign_transfer(alice, testutil::account_address(1), 250, 3, 7);
    json good = core::tx_to_json(*tx);

    // Decodes `j` (never throwing) and expects kMalformed with `field` in the message.
    void expect_malformed(const json& j, const std::string& field, bool allow_coinbase = false) {
        SCOPED_TRACE(j.dump());
        core::TransactionRef out;
        core::ValidationResult r;
        EXPECT_NO_THROW(r = core::tx_from_json(j, allow_coinbase, out));
        EXPECT_EQ(r.reason, Reject::kMalformed);
        EXPECT_NE(r.message.find(field), std::string::npos)
            << "message '" << r.message << "' does not name '" << field << "'";
    }
    json with(const std::string& field, const json& value) const {
        json j = good;
        j[field] = value;
        return j;
    }
};

TEST_F(TxJsonTest, FieldsUsePyChainNames) {
    EXPECT_EQ(good["sender"], alice.public_key().hex());
    EXPECT_EQ(good["recipient"], testutil::account_address(1).hex());
    EXPECT_EQ(good["amount"], 250);
    EXPECT_EQ(good["fee"], 3);
    EXPECT_EQ(good["nonce"], 7);
    EXPECT_EQ(good["signature"], tx->signature().hex());
    EXPECT_EQ(good["txid"], tx->txid().display_hex());
    EXPECT_TRUE(good["amount"].is_number_integer());
    EXPECT_EQ(good.size(), 7u);
}

TEST_F(TxJsonTest, RoundTripThroughText) {
    core::TransactionRef back;
    core::ValidationResult r = core::tx_from_json(json::parse(good.dump()), false, back);
    ASSERT_TRUE(r.ok()) << r.message;
    EXPECT_EQ(back->txid(), tx->txid());
    EXPECT_EQ(back->serialize(), tx->serialize());
    EXPECT_TRUE(back->check(false).ok());
}

TEST_F(TxJsonTest, RoundTripOfTheJsonObjectItself) {
    core::TransactionRef back;
    core::ValidationResult r = core::tx_from_json(good, false, back);
    ASSERT_TRUE(r.ok()) << r.message;
    EXPECT_EQ(back->txid(), tx->txid());
}

TEST_F(TxJsonTest, AcceptsIntegersBuiltInCode) {
    // json built in C++ from int literals holds signed integers; non-negative ones are
    // valid amounts just like parsed text.
    json j = good;
    j["amount"] = 250;
    j["fee"] = 3;
    j["nonce"] = 7;
    ASSERT_TRUE(j["amount"].is_number_integer() && !j["amount"].is_number_unsigned());
    core::TransactionRef back;
    core::ValidationResult r = core::tx_from_json(j, false, back);
    ASSERT_TRUE(r.ok()) << r.message;
    EXPECT_EQ(back->txid(), tx->txid());
}

TEST_F(TxJsonTest, FeeDefaultsToZeroAndTxidIsOptional) {
    auto zero_fee = Transaction::sign_transfer(alice, testutil::account_address(1), 5, 0, 0);
    json j = core::tx_to_json(*zero_fee);
    j.erase("fee");
    j.erase("txid");
    core::TransactionRef back;
    core::ValidationResult r = core::tx_from_json(j, false, back);
    ASSERT_TRUE(r.ok()) << r.message;
    EXPECT_EQ(back->fee(), 0u);
    EXPECT_EQ(back->txid(), zero_fee->txid());
}

TEST_F(TxJsonTest, WrongTypes) {
    expect_malformed(with("sender", 5), "sender");
    expect_malformed(with("sender", nullptr), "sender");
    expect_malformed(with("recipient", json::array()), "recipient");
    expect_malformed(with("amount", "250"), "amount");
    expect_malformed(with("amount", true), "amount");
    expect_malformed(with("amount", json::object()), "amount");
    expect_malformed(with("fee", "3"), "fee");
    expect_malformed(with("nonce", nullptr), "nonce");
    expect_malformed(with("signature", 12), "signature");
    expect_malformed(with("txid", 1), "txid");
}

TEST_F(TxJsonTest, NegativeFractionalAndTooLargeNumbers) {
    expect_malformed(with("amount", -1), "amount");
    expect_malformed(with("fee", -3), "fee");
    expect_malformed(with("nonce", -7), "nonce");
    expect_malformed(with("amount", 2.5), "amount");
    expect_malformed(with("amount", 250.0), "amount");  // a float, even if whole
    expect_malformed(with("fee", 0.5), "fee");
    // 2^64 does not fit: the parser makes it a float.
    json too_big = good;
    too_big["amount"] = json::parse("18446744073709551616");
    expect_malformed(too_big, "amount");
    json huge = good;
    huge["nonce"] = json::parse("1e30");
    expect_malformed(huge, "nonce");
    // 2^64 - 1 itself is fine (it fails the signature, not the decoding).
    json max = good;
    max["amount"] = json::parse("18446744073709551615");
    max.erase("txid");
    core::TransactionRef out;
    core::ValidationResult r = core::tx_from_json(max, false, out);
    EXPECT_NE(r.reason, Reject::kMalformed) << r.message;
}

TEST_F(TxJsonTest, BadHexAndWrongLengths) {
    const std::string sender = good["sender"];
    const std::string sig = good["signature"];
    const std::string txid = good["txid"];
    expect_malformed(with("sender", sender.substr(0, 64)), "sender");
    expect_malformed(with("sender", sender + "00"), "sender");
    expect_malformed(with("sender", "zz" + sender.substr(2)), "sender");
    expect_malformed(with("sender", "04" + sender.substr(2)), "sender");  // not compressed
    expect_malformed(with("sender", ""), "sender");
    expect_malformed(with("recipient", std::string(38, 'a')), "recipient");
    expect_malformed(with("recipient", std::string(39, 'a') + "g"), "recipient");
    expect_malformed(with("signature", sig.substr(2)), "signature");
    expect_malformed(with("signature", sig + "00"), "signature");
    expect_malformed(with("signature", "x" + sig.substr(1)), "signature");
    expect_malformed(with("txid", txid.substr(2)), "txid");
    expect_malformed(with("txid", "g" + txid.substr(1)), "txid");
}

TEST_F(TxJsonTest, UnknownMissingAndMismatchedFields) {
    expect_malformed(with("memo", "hi"), "memo");
    expect_malformed(with("Amount", 250), "Amount");
    for (const char* field : {"sender", "recipient", "amount", "nonce", "signature"}) {
        json j = good;
        j.erase(field);
        expect_malformed(j, field);
    }
    // A txid that is valid hex but not this transaction's.
    expect_malformed(with("txid", core::sha256("other").display_hex()), "txid");
    // The internal-order txid is not the display-order one.
    expect_malformed(with("txid", tx->txid().hex()), "txid");
}

TEST_F(TxJsonTest, NotAnObject) {
    for (const json& j : {json::array(), json("tx"), json(5), json(nullptr)}) {
        core::TransactionRef out;
        core::ValidationResult r;
        EXPECT_NO_THROW(r = core::tx_from_json(j, false, out));
        EXPECT_EQ(r.reason, Reject::kMalformed);
    }
}

TEST_F(TxJsonTest, CoinbaseOnlyWhereAllowed) {
    auto cb = Transaction::coinbase(testutil::account_address(1), 50, 4);
    json j = core::tx_to_json(*cb);
    EXPECT_EQ(j["sender"], "0");
    EXPECT_EQ(j["signature"], "");
    expect_malformed(j, "sender", /*allow_coinbase=*/false);
    core::TransactionRef back;
    core::ValidationResult r = core::tx_from_json(j, true, back);
    ASSERT_TRUE(r.ok()) << r.message;
    EXPECT_TRUE(back->is_coinbase());
    EXPECT_EQ(back->txid(), cb->txid());
    json with_fee = j;
    with_fee["fee"] = 1;
    expect_malformed(with_fee, "fee", true);
}

// Found by the tx_json fuzzer: a coinbase with a signature was accepted and written back with
// an empty one, so the JSON did not round-trip.
TEST_F(TxJsonTest, ACoinbaseWithASignatureIsRefused) {
    auto cb = Transaction::coinbase(testutil::account_address(1), 50, 4);
    json j = core::tx_to_json(*cb);
    j["signature"] = "W";
    expect_malformed(j, "signature", true);
    j.erase("signature");
    core::TransactionRef back;
    EXPECT_TRUE(core::tx_from_json(j, true, back).ok());
}

class BlockCodecTest : public testing::Test {
  protected:
    testutil::TestNet net;
    core::BlockRef block = testutil::BlockBuilder(net.params, net.genesis, 0)
                               .tx(Transaction::sign_transfer(net.key(0), net.addr(1), 100, 2, 0))
                               .tx(Transaction::sign_transfer(net.key(1), net.addr(2), 30, 1, 0))
                               .miner(net.addr(3))
                               .build();

    void expect_block_malformed(const json& j, const std::string& field) {
        SCOPED_TRACE(j.dump());
        core::BlockRef out;
        core::ValidationResult r;
        EXPECT_NO_THROW(r = core::block_from_json(j, out));
        EXPECT_EQ(r.reason, Reject::kMalformed);
        EXPECT_NE(r.message.find(field), std::string::npos)
            << "message '" << r.message << "' does not name '" << field << "'";
    }
};

TEST_F(BlockCodecTest, JsonFields) {
    const json j = core::block_to_json(*block);
    EXPECT_EQ(block->height(), 1u);
    EXPECT_EQ(j["index"], 2);  // PyChain's count: genesis is block 1
    EXPECT_EQ(j["height"], 1);
    EXPECT_EQ(j["hash"], block->hash().display_hex());
    EXPECT_EQ(j["previous_hash"], net.genesis->hash().display_hex());
    EXPECT_EQ(j["timestamp"], block->header().time);
    EXPECT_EQ(j["proof"], block->header().nonce);
    EXPECT_EQ(j["nonce"], block->header().nonce);
    EXPECT_EQ(j["merkle_root"], block->header().merkle_root.display_hex());
    EXPECT_EQ(j["transactions"].size(), 3u);
    EXPECT_EQ(j["transactions"][0]["sender"], "0");
}

TEST_F(BlockCodecTest, JsonRoundTripThroughText) {
    core::BlockRef back;
    core::ValidationResult r =
        core::block_from_json(json::parse(core::block_to_json(*block).dump()), back);
    ASSERT_TRUE(r.ok()) << r.message;
    EXPECT_EQ(back->hash(), block->hash());
    EXPECT_EQ(back->serialize(), block->serialize());
    EXPECT_TRUE(back->check(net.params, false).ok());
}

TEST_F(BlockCodecTest, JsonRoundTripOfTheJsonObjectItself) {
    core::BlockRef back;
    core::ValidationResult r = core::block_from_json(core::block_to_json(*block), back);
    ASSERT_TRUE(r.ok()) << r.message;
    EXPECT_EQ(back->hash(), block->hash());
}

// Found by the block_json fuzz target (tests/fuzz/corpus/block_json/
// regress-version-above-int32-max): "version" is read as 0..2^32-1, but a version of 2^31
// or more was written back as a negative number, which the decoder then refused.
TEST_F(BlockCodecTest, JsonRoundTripOfAVersionAboveInt32Max) {
    for (const std::uint32_t version : {0x80000000u, 0xffffffffu}) {
        json j = core::block_to_json(*block);
        j.erase("hash");
        j["version"] = version;
        core::BlockRef decoded;
        ASSERT_TRUE(core::block_from_json(j, decoded).ok());
        const json written = core::block_to_json(*decoded);
        EXPECT_EQ(written["version"], version);
        core::BlockRef again;
        const core::ValidationResult r = core::block_from_json(written, again);
        ASSERT_TRUE(r.ok()) << r.message;
        EXPECT_EQ(again->hash(), decoded->hash());
    }
}

TEST_F(BlockCodecTest, JsonStrictness) {
    const json good = json::parse(core::block_to_json(*block).dump());
    auto with = [&](const std::string& field, const json& v) {
        json j = good;
        j[field] = v;
        return j;
    };
    expect_block_malformed(with("hash", core::sha256("x").display_hex()), "hash");
    expect_block_malformed(with("index", 1), "index");  // the height, not PyChain's count
    expect_block_malformed(with("index", 3), "index");
    expect_block_malformed(with("height", 2), "height");
    expect_block_malformed(with("height", -1), "height");
    expect_block_malformed(with("proof", good["nonce"].get<std::uint32_t>() + 1), "proof");
    expect_block_malformed(with("bits", "2000fff"), "bits");
    expect_block_malformed(with("bits", "2000fffg"), "bits");
    expect_block_malformed(with("bits", 0x2000ffff), "bits");
    expect_block_malformed(with("timestamp", -1), "timestamp");
    expect_block_malformed(with("timestamp", 4294967296ULL), "timestamp");
    expect_block_malformed(with("nonce", 1.5), "nonce");
    expect_block_malformed(with("previous_hash", "00"), "previous_hash");
    expect_block_malformed(with("merkle_root", 7), "merkle_root");
    expect_block_malformed(with("transactions", json::object()), "transactions");
    expect_block_malformed(with("extra", 1), "extra");
    json bad_tx = good;
    bad_tx["transactions"][1]["amount"] = -5;
    expect_block_malformed(bad_tx, "transactions[1]");
    expect_block_malformed(bad_tx, "amount");
    json coinbase_late = good;
    std::swap(coinbase_late["transactions"][0], coinbase_late["transactions"][1]);
    expect_block_malformed(coinbase_late, "transactions[1]");
    core::BlockRef out;
    EXPECT_EQ(core::block_from_json(json::array(), out).reason, Reject::kMalformed);
}

TEST_F(BlockCodecTest, BinaryRoundTrip) {
    const auto bytes = block->serialize();
    EXPECT_EQ(bytes.size(), block->serialized_size());
    EXPECT_EQ(bytes.size(), 80 + 4 + Transaction::kCoinbaseSize + 2 * Transaction::kTransferSize);
    core::BlockRef back;
    core::ValidationResult r = core::block_from_bytes(bytes, back);
    ASSERT_TRUE(r.ok()) << r.message;
    EXPECT_EQ(back->hash(), block->hash());
    EXPECT_EQ(back->serialize(), bytes);
    EXPECT_EQ(back->txs().size(), 3u);
    EXPECT_TRUE(back->check(net.params, false).ok());
}

TEST_F(BlockCodecTest, EveryTruncationAndExtensionIsMalformed) {
    const auto bytes = block->serialize();
    for (std::size_t len = 0; len < bytes.size(); ++len) {
        core::BlockRef out;
        core::ValidationResult r;
        ASSERT_NO_THROW(r = core::block_from_bytes(std::span(bytes).first(len), out));
        ASSERT_EQ(r.reason, Reject::kMalformed) << "length " << len;
    }
    auto longer = bytes;
    longer.push_back(0);
    core::BlockRef out;
    EXPECT_EQ(core::block_from_bytes(longer, out).reason, Reject::kMalformed);

    const auto tx_bytes = block->txs()[1]->serialize();
    for (std::size_t len = 0; len < tx_bytes.size(); ++len) {
        core::TransactionRef tx;
        ASSERT_EQ(core::tx_from_bytes(std::span(tx_bytes).first(len), tx).reason,
                  Reject::kMalformed)
            << "length " << len;
    }
}

TEST_F(BlockCodecTest, CorruptBinaryNeverThrows) {
    const auto bytes = block->serialize();
    testutil::SplitMix64 rng(0xbadb10c);
    for (int i = 0; i < 3000; ++i) {
        auto mutated = bytes;
        const int flips = 1 + static_cast<int>(rng.below(4));
        for (int k = 0; k < flips; ++k) {
            mutated[rng.below(mutated.size())] ^= static_cast<std::uint8_t>(1 + rng.below(255));
        }
        core::BlockRef out;
        core::ValidationResult r;
        ASSERT_NO_THROW(r = core::block_from_bytes(mutated, out));
        if (r.ok()) {
            // Decodable is not valid: the block must still be checked.
            ASSERT_NO_THROW((void)out->check(net.params, false));
        } else {
            ASSERT_EQ(r.reason, Reject::kMalformed);
        }
    }
}

TEST_F(BlockCodecTest, BinarySpecificErrors) {
    auto bytes = block->serialize();
    core::BlockRef out;
    auto huge_count = bytes;
    huge_count[80] = huge_count[81] = huge_count[82] = huge_count[83] = 0xff;
    EXPECT_EQ(core::block_from_bytes(huge_count, out).reason, Reject::kMalformed);

    auto tx = block->txs()[1]->serialize();
    core::TransactionRef t;
    auto bad_kind = tx;
    bad_kind[0] = 2;
    EXPECT_EQ(core::tx_from_bytes(bad_kind, t).reason, Reject::kMalformed);
    auto bad_key = tx;
    bad_key[1] = 0x05;  // not a compressed-key prefix
    EXPECT_EQ(core::tx_from_bytes(bad_key, t).reason, Reject::kMalformed);
    auto cb = block->txs()[0]->serialize();
    cb[21 + 8] = 1;  // coinbase fee byte
    EXPECT_EQ(core::tx_from_bytes(cb, t).reason, Reject::kMalformed);
}

}  // namespace

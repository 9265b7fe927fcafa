// The transfer-signing test vector of docs/pychain.md ("Signing"), kept in
// tests/vectors/tx_signing_v1.json and checked by the Python client's tests too: core's
// digest, signature (libsecp256k1, RFC 6979, low-S), txid and JSON must match it byte for
// byte, so a client in any language can test itself against the same numbers.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/codec.h"
#include "core/hex.h"
#include "core/transaction.h"

namespace {

nlohmann::json vector_file() {
    std::ifstream in(std::string(CHAINSIM_SOURCE_DIR) + "/tests/vectors/tx_signing_v1.json");
    std::stringstream text;
    text << in.rdbuf();
    return nlohmann::json::parse(text.str());
}

void put_u64le(std::vector<std::uint8_t>& out, std::uint64_t v) {
    for (int i = 0; i < 8; ++i)
        out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

TEST(TxSigningVector, CoreMatchesThePublishedVector) {
    const nlohmann::json v = vector_file();
    const auto key = core::PrivateKey::from_hex(v["private_key"].get<std::string>());
    ASSERT_TRUE(key);
    const core::PublicKey pub = key->public_key();
    EXPECT_EQ(pub.hex(), v["public_key"]);
    EXPECT_EQ(pub.address().hex(), v["sender_address"]);
    const auto recipient = core::Address::from_hex(v["recipient"].get<std::string>());
    ASSERT_TRUE(recipient);
    const std::uint64_t amount = v["amount"], fee = v["fee"], nonce = v["nonce"];

    // The preimage as docs/pychain.md lays it out, byte by byte.
    std::vector<std::uint8_t> preimage;
    for (char c : std::string("chainsim/tx/v1"))
        preimage.push_back(static_cast<std::uint8_t>(c));
    preimage.push_back(0x01);
    preimage.insert(preimage.end(), pub.bytes().begin(), pub.bytes().end());
    preimage.insert(preimage.end(), recipient->bytes.begin(), recipient->bytes.end());
    put_u64le(preimage, amount);
    put_u64le(preimage, fee);
    put_u64le(preimage, nonce);
    ASSERT_EQ(preimage.size(), 92u);
    EXPECT_EQ(core::to_hex(preimage), v["preimage"]);

    const core::Hash256 digest =
        core::Transaction::signing_digest(pub, *recipient, amount, fee, nonce);
    EXPECT_EQ(digest, core::sha256(preimage));
    EXPECT_EQ(digest.hex(), v["digest"]);
    EXPECT_EQ(key->sign(digest).hex(), v["signature"]);

    const auto tx = core::Transaction::sign_transfer(*key, *recipient, amount, fee, nonce);
    EXPECT_EQ(tx->txid().display_hex(), v["txid"]);
    EXPECT_EQ(core::tx_to_json(*tx), v["transaction"]);
    EXPECT_TRUE(tx->check(false).ok());
}

}  // namespace

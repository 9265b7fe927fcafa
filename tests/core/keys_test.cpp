// secp256k1 keys against SEC 2 points, addresses, and ECDSA signature verification
// including every rejection the header promises.
#include <gtest/gtest.h>

#include <string>

#include "core/hex.h"
#include "core/keys.h"
#include "test_util.h"

namespace {

using core::SignatureCheck;

const std::string kOrderHex = testutil::kCurveOrderHex;

std::string key_hex(std::uint64_t k) {
    char buf[65];
    std::snprintf(buf, sizeof buf, "%064llx", static_cast<unsigned long long>(k));
    return buf;
}

TEST(PrivateKey, Sec2PublicKeys) {
    struct Case {
        std::string secret;
        const char* public_key;
    };
    const Case cases[] = {
        {key_hex(1), "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"},
        {key_hex(2), "02c6047f9441ed7d6d3045406e95c07cd85c778e4b8cef3ca7abac09b95c709ee5"},
        {(testutil::u256(kOrderHex) - core::U256(1)).hex(),
         "0379be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.secret);
        auto key = core::PrivateKey::from_hex(c.secret);
        ASSERT_TRUE(key.has_value());
        EXPECT_EQ(key->hex(), c.secret);
        EXPECT_EQ(key->public_key().hex(), c.public_key);
        auto parsed = core::PublicKey::from_hex(c.public_key);
        ASSERT_TRUE(parsed.has_value());
        EXPECT_EQ(*parsed, key->public_key());
    }
}

TEST(PrivateKey, RangeIsOneToOrderMinusOne) {
    EXPECT_FALSE(core::PrivateKey::from_hex(key_hex(0)).has_value());
    EXPECT_FALSE(core::PrivateKey::from_hex(kOrderHex).has_value());
    EXPECT_FALSE(
        core::PrivateKey::from_hex((testutil::u256(kOrderHex) + core::U256(1)).hex()).has_value());
    EXPECT_FALSE(core::PrivateKey::from_hex(std::string(64, 'f')).has_value());
    EXPECT_FALSE(core::PrivateKey::from_hex(key_hex(1).substr(2)).has_value());  // 31 bytes
    EXPECT_FALSE(core::PrivateKey::from_hex(key_hex(1) + "00").has_value());     // 33 bytes
    EXPECT_FALSE(core::PrivateKey::from_hex(std::string(63, '0') + "g").has_value());
    const std::uint8_t short_bytes[31] = {1};
    EXPECT_FALSE(core::PrivateKey::from_bytes(short_bytes).has_value());
}

TEST(PublicKey, ParseRejectsNonPoints) {
    const std::string g = "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798";
    EXPECT_TRUE(core::PublicKey::from_hex(g).has_value());
    EXPECT_FALSE(core::PublicKey::from_hex("04" + g.substr(2)).has_value());  // bad prefix
    EXPECT_FALSE(core::PublicKey::from_hex("00" + g.substr(2)).has_value());
    EXPECT_FALSE(core::PublicKey::from_hex(g.substr(0, 64)).has_value());  // 32 bytes
    EXPECT_FALSE(core::PublicKey::from_hex(g + "00").has_value());         // 34 bytes
    // x = 5 is not the x coordinate of any curve point (5^3 + 7 = 132 is not a square mod p).
    EXPECT_FALSE(core::PublicKey::from_hex("02" + key_hex(5)).has_value());
    // x = p (the field size) is out of range.
    EXPECT_FALSE(core::PublicKey::from_hex(
                     "02fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f")
                     .has_value());
    // An uncompressed 65-byte key is not accepted even if valid.
    std::vector<std::uint8_t> uncompressed(65, 0);
    uncompressed[0] = 4;
    EXPECT_FALSE(core::PublicKey::parse(uncompressed).has_value());
}

TEST(Address, FirstTwentyBytesOfSha256OfCompressedKey) {
    for (std::uint64_t i = 0; i < 5; ++i) {
        const core::PublicKey pub = testutil::account_key(i).public_key();
        const core::Hash256 h = core::sha256(pub.bytes());
        EXPECT_EQ(pub.address().hex(), h.hex().substr(0, 40));
        auto parsed = core::Address::from_hex(pub.address().hex());
        ASSERT_TRUE(parsed.has_value());
        EXPECT_EQ(*parsed, pub.address());
    }
    // Generator point: sha256 of its compressed encoding, checked by two routes.
    auto g = core::PublicKey::from_hex(
        "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798");
    ASSERT_TRUE(g);
    auto raw = core::from_hex("0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798");
    ASSERT_TRUE(raw);
    EXPECT_EQ(g->address().hex(), core::sha256(*raw).hex().substr(0, 40));

    EXPECT_FALSE(core::Address::from_hex(std::string(38, 'a')).has_value());
    EXPECT_FALSE(core::Address::from_hex(std::string(42, 'a')).has_value());
    EXPECT_FALSE(core::Address::from_hex(std::string(39, 'a') + "z").has_value());
}

class SignatureTest : public testing::Test {
  protected:
    core::PrivateKey key = testutil::account_key(1);
    core::PublicKey pub = key.public_key();
    core::Hash256 digest = core::sha256("a message to sign");
    core::Signature sig = key.sign(digest);

    core::Signature with_r(const std::string& r_hex) const {
        core::Signature s = sig;
        EXPECT_TRUE(core::from_hex_exact(r_hex, std::span(s.bytes).first<32>()));
        return s;
    }
    core::Signature with_s(const std::string& s_hex) const {
        core::Signature s = sig;
        EXPECT_TRUE(core::from_hex_exact(s_hex, std::span(s.bytes).last<32>()));
        return s;
    }
};

TEST_F(SignatureTest, SignVerifyRoundTripIsDeterministicAndLowS) {
    EXPECT_EQ(core::verify_signature(pub, digest, sig), SignatureCheck::kValid);
    EXPECT_EQ(key.sign(digest), sig);  // RFC 6979: same key and digest, same signature
    EXPECT_NE(key.sign(core::sha256("another")), sig);
    // Low-S: s <= n / 2 for many signatures.
    const core::U256 half = testutil::u256(kOrderHex) >> 1;
    for (int i = 0; i < 50; ++i) {
        const core::Signature s = key.sign(core::sha256(std::to_string(i)));
        EXPECT_LE(testutil::u256(s.s_hex()), half);
        EXPECT_EQ(core::verify_signature(pub, core::sha256(std::to_string(i)), s),
                  SignatureCheck::kValid);
    }
    EXPECT_EQ(sig.r_hex() + sig.s_hex(), sig.hex());
    auto parsed = core::Signature::from_hex(sig.hex());
    ASSERT_TRUE(parsed);
    EXPECT_EQ(*parsed, sig);
    EXPECT_FALSE(core::Signature::from_hex(sig.hex().substr(2)).has_value());
}

TEST_F(SignatureTest, RZeroOrSZeroIsInvalid) {
    EXPECT_EQ(core::verify_signature(pub, digest, with_r(key_hex(0))), SignatureCheck::kInvalid);
    EXPECT_EQ(core::verify_signature(pub, digest, with_s(key_hex(0))), SignatureCheck::kInvalid);
    core::Signature zero;
    EXPECT_EQ(core::verify_signature(pub, digest, zero), SignatureCheck::kInvalid);
}

TEST_F(SignatureTest, ROrSAtOrAboveOrderIsMalformed) {
    const std::string n_plus_1 = (testutil::u256(kOrderHex) + core::U256(1)).hex();
    EXPECT_EQ(core::verify_signature(pub, digest, with_r(kOrderHex)), SignatureCheck::kMalformed);
    EXPECT_EQ(core::verify_signature(pub, digest, with_r(n_plus_1)), SignatureCheck::kMalformed);
    EXPECT_EQ(core::verify_signature(pub, digest, with_r(std::string(64, 'f'))),
              SignatureCheck::kMalformed);
    EXPECT_EQ(core::verify_signature(pub, digest, with_s(kOrderHex)), SignatureCheck::kMalformed);
    EXPECT_EQ(core::verify_signature(pub, digest, with_s(std::string(64, 'f'))),
              SignatureCheck::kMalformed);
}

TEST_F(SignatureTest, HighSTwinOfAValidSignatureIsHighS) {
    const core::Signature twin = testutil::high_s_twin(sig);
    ASSERT_NE(twin, sig);
    EXPECT_EQ(twin.r_hex(), sig.r_hex());
    EXPECT_GT(testutil::u256(twin.s_hex()), testutil::u256(kOrderHex) >> 1);
    EXPECT_EQ(core::verify_signature(pub, digest, twin), SignatureCheck::kHighS);
    // The twin of the twin is the original again.
    EXPECT_EQ(testutil::high_s_twin(twin), sig);
}

TEST_F(SignatureTest, WrongKeyOrWrongDigestIsInvalid) {
    const core::PublicKey other = testutil::account_key(2).public_key();
    EXPECT_EQ(core::verify_signature(other, digest, sig), SignatureCheck::kInvalid);
    core::Hash256 flipped = digest;
    flipped.bytes[0] ^= 1;
    EXPECT_EQ(core::verify_signature(pub, flipped, sig), SignatureCheck::kInvalid);
    core::Signature corrupted = sig;
    corrupted.bytes[40] ^= 0x10;
    EXPECT_NE(core::verify_signature(pub, digest, corrupted), SignatureCheck::kValid);
}

TEST(RandomizeSigningContext, SignaturesDoNotDependOnIt) {
    const core::PrivateKey key = testutil::account_key(3);
    const core::Hash256 digest = core::sha256("blinding");
    const core::Signature before = key.sign(digest);
    std::array<std::uint8_t, 32> seed{};
    seed[0] = 42;
    core::randomize_signing_context(seed);
    EXPECT_EQ(key.sign(digest), before);
    EXPECT_EQ(core::verify_signature(key.public_key(), digest, before), SignatureCheck::kValid);
}

}  // namespace

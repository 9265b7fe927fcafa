// Wallet helpers: the key file JSON and deterministic account keys.
#include <gtest/gtest.h>

#include <set>

#include "core/wallet.h"
#include "test_util.h"

namespace {

using core::Reject;
using nlohmann::json;

TEST(KeyFile, RoundTrip) {
    const core::PrivateKey key = testutil::account_key(3);
    const json j = core::key_file_json(key);
    EXPECT_EQ(j["private_key"], key.hex());
    EXPECT_EQ(j["public_key"], key.public_key().hex());
    EXPECT_EQ(j["address"], key.public_key().address().hex());
    std::optional<core::PrivateKey> back;
    core::ValidationResult r = core::key_from_file_json(json::parse(j.dump()), back);
    ASSERT_TRUE(r.ok()) << r.message;
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(back->bytes(), key.bytes());
    // Public key and address are optional.
    json only_private = {{"private_key", key.hex()}};
    back.reset();
    ASSERT_TRUE(core::key_from_file_json(only_private, back).ok());
    EXPECT_EQ(back->bytes(), key.bytes());
}

TEST(KeyFile, ConsistencyAndFormatErrors) {
    const core::PrivateKey key = testutil::account_key(3);
    const core::PrivateKey other = testutil::account_key(4);
    const json good = core::key_file_json(key);
    struct Case {
        const char* what;
        json j;
        const char* field;
    };
    auto with = [&](const char* field, const json& v) {
        json j = good;
        j[field] = v;
        return j;
    };
    json missing = good;
    missing.erase("private_key");
    const std::vector<Case> cases = {
        {"public key of another key", with("public_key", other.public_key().hex()), "public_key"},
        {"address of another key", with("address", other.public_key().address().hex()), "address"},
        {"public key not a string", with("public_key", 5), "public_key"},
        {"address upper-case is a different string", with("address", std::string(40, 'A')),
         "address"},
        {"missing private key", missing, "private_key"},
        {"private key not a string", with("private_key", 1), "private_key"},
        {"private key bad hex", with("private_key", std::string(63, '0') + "g"), "private_key"},
        {"private key too short", with("private_key", key.hex().substr(2)), "private_key"},
        {"private key zero", with("private_key", std::string(64, '0')), "private_key"},
        {"private key >= n", with("private_key", std::string(64, 'f')), "private_key"},
        {"not an object", json::array({key.hex()}), "object"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.what);
        std::optional<core::PrivateKey> out;
        core::ValidationResult r;
        EXPECT_NO_THROW(r = core::key_from_file_json(c.j, out));
        EXPECT_EQ(r.reason, Reject::kMalformed);
        EXPECT_NE(r.message.find(c.field), std::string::npos) << r.message;
        EXPECT_FALSE(out.has_value()) << "a rejected key file must not yield a key";
    }
}

TEST(DeriveAccountKey, DeterministicAndDistinct) {
    EXPECT_EQ(core::derive_account_key(1, 0).bytes(), core::derive_account_key(1, 0).bytes());
    std::set<std::string> keys;
    for (std::uint64_t seed = 0; seed < 5; ++seed) {
        for (std::uint64_t index = 0; index < 20; ++index) {
            keys.insert(core::derive_account_key(seed, index).hex());
        }
    }
    EXPECT_EQ(keys.size(), 100u);
    // A pure function of (seed, index): SHA-256 of the domain tag and both values,
    // little-endian, is the key (valid with overwhelming probability).
    core::Sha256 h;
    h.write(std::string_view("chainsim/account-key/v1")).write_u64le(7).write_u64le(9);
    EXPECT_EQ(core::derive_account_key(7, 9).hex(), h.finish().hex());
}

TEST(KeyFromEntropy, ValidBytesAreUsedAsIsElseRehashed) {
    std::array<std::uint8_t, 32> entropy{};
    entropy[31] = 1;
    EXPECT_EQ(core::key_from_entropy(entropy).hex(), std::string(63, '0') + "1");
    // Zero is not a valid key: its SHA-256 is used instead.
    std::array<std::uint8_t, 32> zero{};
    EXPECT_EQ(core::key_from_entropy(zero).hex(), core::sha256(zero).hex());
    // n itself is not valid either.
    std::array<std::uint8_t, 32> n{};
    ASSERT_TRUE(core::from_hex_exact(testutil::kCurveOrderHex, n));
    EXPECT_EQ(core::key_from_entropy(n).hex(), core::sha256(n).hex());
}

}  // namespace

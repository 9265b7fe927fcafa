// SHA-256 and double SHA-256 against FIPS 180-4 vectors, hex codecs, Hash256 display order.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/hash.h"
#include "core/hex.h"

namespace {

std::span<const std::uint8_t> bytes_of(std::string_view s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

struct ShaVector {
    std::string input;
    const char* digest;
};

TEST(Sha256, Fips180Vectors) {
    const std::vector<ShaVector> vectors = {
        {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
        {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
        {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
        {std::string(1'000'000, 'a'),
         "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"},
    };
    for (const auto& v : vectors) {
        SCOPED_TRACE("input length " + std::to_string(v.input.size()));
        EXPECT_EQ(core::sha256(v.input).hex(), v.digest);
        EXPECT_EQ(core::sha256(bytes_of(v.input)).hex(), v.digest);
    }
}

TEST(Sha256, IncrementalMatchesOneShot) {
    // A million "a" written in uneven pieces through one reused context, twice: the
    // context must reset after finish().
    core::Sha256 hasher;
    for (int round = 0; round < 2; ++round) {
        const std::string chunk(997, 'a');
        std::size_t written = 0;
        while (written + chunk.size() <= 1'000'000) {
            hasher.write(chunk);
            written += chunk.size();
        }
        hasher.write(std::string(1'000'000 - written, 'a'));
        EXPECT_EQ(hasher.finish().hex(),
                  "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    }
}

TEST(Sha256, IntegerWritersAreLittleEndian) {
    core::Sha256 a;
    const std::uint8_t expected[] = {0x7f, 0x04, 0x03, 0x02, 0x01, 0x08, 0x07,
                                     0x06, 0x05, 0x04, 0x03, 0x02, 0x01, 0xff,
                                     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    a.write_u8(0x7f).write_u32le(0x01020304).write_u64le(0x0102030405060708ULL).write_i64le(-1);
    EXPECT_EQ(a.finish(), core::sha256(expected));
}

TEST(Sha256d, HelloVector) {
    EXPECT_EQ(core::sha256d(bytes_of("hello")).hex(),
              "9595c9df90075148eb06860365df33584b75bff782a510c6cd4883a419833d50");
}

TEST(Sha256d, SecondRoundHashesRawBytesNotHex) {
    const core::Hash256 first = core::sha256("hello");
    EXPECT_EQ(core::sha256d(bytes_of("hello")), core::sha256(first.bytes));
    EXPECT_NE(core::sha256d(bytes_of("hello")), core::sha256(first.hex()));
}

TEST(Hash256, DisplayOrderIsReversed) {
    auto h =
        core::Hash256::from_hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    ASSERT_TRUE(h.has_value());
    EXPECT_EQ(h->bytes[0], 0x00);
    EXPECT_EQ(h->bytes[31], 0x1f);
    EXPECT_EQ(h->display_hex(), "1f1e1d1c1b1a191817161514131211100f0e0d0c0b0a09080706050403020100");
    auto back = core::Hash256::from_display_hex(h->display_hex());
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(*back, *h);
    EXPECT_FALSE(h->is_zero());
    EXPECT_TRUE(core::Hash256{}.is_zero());
}

TEST(Hash256, ParsingIsStrict) {
    const std::string good(64, 'a');
    EXPECT_TRUE(core::Hash256::from_hex(good).has_value());
    EXPECT_TRUE(core::Hash256::from_hex(std::string(64, 'F')).has_value());
    EXPECT_FALSE(core::Hash256::from_hex(std::string(62, 'a')).has_value());
    EXPECT_FALSE(core::Hash256::from_hex(std::string(66, 'a')).has_value());
    EXPECT_FALSE(core::Hash256::from_hex(std::string(63, 'a') + "g").has_value());
    EXPECT_FALSE(core::Hash256::from_display_hex(" " + std::string(63, 'a')).has_value());
    EXPECT_FALSE(core::Hash256::from_display_hex("").has_value());
}

TEST(Hex, RoundTripAndStrictness) {
    const std::vector<std::uint8_t> data = {0x00, 0x01, 0x7f, 0x80, 0xab, 0xff};
    EXPECT_EQ(core::to_hex(data), "00017f80abff");
    auto back = core::from_hex("00017F80abFF");
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(*back, data);
    EXPECT_TRUE(core::from_hex("").has_value());
    EXPECT_TRUE(core::from_hex("")->empty());
    EXPECT_FALSE(core::from_hex("abc").has_value());                       // odd length
    EXPECT_FALSE(core::from_hex("0x00").has_value());                      // prefix
    EXPECT_FALSE(core::from_hex("zz").has_value());                        // not hex
    EXPECT_FALSE(core::from_hex("0 ").has_value());                        // whitespace
    EXPECT_FALSE(core::from_hex(std::string_view("a\0", 2)).has_value());  // embedded NUL

    std::uint8_t out[2];
    EXPECT_TRUE(core::from_hex_exact("beef", out));
    EXPECT_EQ(out[0], 0xbe);
    EXPECT_EQ(out[1], 0xef);
    EXPECT_FALSE(core::from_hex_exact("bee", out));
    EXPECT_FALSE(core::from_hex_exact("beefee", out));
    EXPECT_FALSE(core::from_hex_exact("bexf", out));
}

}  // namespace

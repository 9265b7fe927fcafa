// U256: compact bits (Bitcoin Core's SetCompact / GetCompact vectors), arithmetic checked
// against the compiler's 128-bit integers, and chain work computed independently.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "core/pow.h"
#include "core/uint256.h"
#include "test_util.h"

namespace {

using core::U256;
using testutil::u256;
using u128 = unsigned __int128;

U256 from_u128(u128 v) {
    return (U256(static_cast<std::uint64_t>(v >> 64)) << 64) + U256(static_cast<std::uint64_t>(v));
}

u128 to_u128(const U256& v) {
    EXPECT_LE(v.bits(), 128u);
    return static_cast<u128>((v >> 64).low64()) << 64 | v.low64();
}

u128 random_u128(testutil::SplitMix64& rng) {
    // Random widths too, so small and large operands both occur.
    u128 v = static_cast<u128>(rng.next()) << 64 | rng.next();
    return v >> rng.below(128);
}

struct CompactCase {
    std::uint32_t bits;
    const char* target;  // 64 hex digits, most significant first
    bool negative;
    bool overflow;
    std::uint32_t round_trip;  // GetCompact(target, negative)
};

TEST(Compact, SetCompactVectors) {
    const std::string zero(64, '0');
    // From Bitcoin Core's arith_uint256_tests, test case "bignum_SetCompact".
    const std::vector<CompactCase> cases = {
        {0x00000000, zero.c_str(), false, false, 0},
        {0x00123456, zero.c_str(), false, false, 0},
        {0x01003456, zero.c_str(), false, false, 0},
        {0x02000056, zero.c_str(), false, false, 0},
        {0x03000000, zero.c_str(), false, false, 0},
        {0x04000000, zero.c_str(), false, false, 0},
        {0x00923456, zero.c_str(), false, false, 0},
        {0x01803456, zero.c_str(), false, false, 0},
        {0x02800056, zero.c_str(), false, false, 0},
        {0x03800000, zero.c_str(), false, false, 0},
        {0x04800000, zero.c_str(), false, false, 0},
        {0x01123456, "0000000000000000000000000000000000000000000000000000000000000012", false,
         false, 0x01120000},
        {0x01fedcba, "000000000000000000000000000000000000000000000000000000000000007e", true,
         false, 0x01fe0000},
        {0x02123456, "0000000000000000000000000000000000000000000000000000000000001234", false,
         false, 0x02123400},
        {0x03123456, "0000000000000000000000000000000000000000000000000000000000123456", false,
         false, 0x03123456},
        {0x04123456, "0000000000000000000000000000000000000000000000000000000012345600", false,
         false, 0x04123456},
        {0x04923456, "0000000000000000000000000000000000000000000000000000000012345600", true,
         false, 0x04923456},
        {0x05009234, "0000000000000000000000000000000000000000000000000000000092340000", false,
         false, 0x05009234},
        {0x20123456, "1234560000000000000000000000000000000000000000000000000000000000", false,
         false, 0x20123456},
        {0x1d00ffff, "00000000ffff0000000000000000000000000000000000000000000000000000", false,
         false, 0x1d00ffff},
        {0x1b0404cb, "00000000000404cb000000000000000000000000000000000000000000000000", false,
         false, 0x1b0404cb},
        {0x207fffff, "7fffff0000000000000000000000000000000000000000000000000000000000", false,
         false, 0x207fffff},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(testing::Message() << "bits 0x" << std::hex << c.bits);
        bool negative = !c.negative;
        bool overflow = !c.overflow;
        const U256 target = U256::from_compact(c.bits, &negative, &overflow);
        EXPECT_EQ(target.hex(), c.target);
        EXPECT_EQ(negative, c.negative);
        EXPECT_EQ(overflow, c.overflow);
        EXPECT_EQ(target.to_compact(negative), c.round_trip);
    }
}

TEST(Compact, OverflowBoundaries) {
    struct Case {
        std::uint32_t bits;
        bool overflow;
    };
    // A mantissa of k significant bytes fits when size <= 32 + (3 - k).
    const std::vector<Case> cases = {
        {0xff123456, true},  {0x23000001, true},  {0x22000100, true},  {0x220000ff, false},
        {0x21010000, true},  {0x2100ffff, false}, {0x207fffff, false}, {0x22000000, false},
        {0xff000000, false},  // zero mantissa never overflows
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(testing::Message() << "bits 0x" << std::hex << c.bits);
        bool overflow = !c.overflow;
        bool negative = true;
        (void)U256::from_compact(c.bits, &negative, &overflow);
        EXPECT_EQ(overflow, c.overflow);
        EXPECT_FALSE(negative);
    }
    EXPECT_EQ(U256::from_compact(0x220000ff).hex(),
              "ff00000000000000000000000000000000000000000000000000000000000000");
    EXPECT_EQ(U256::from_compact(0x2100ffff).hex(),
              "ffff000000000000000000000000000000000000000000000000000000000000");
}

TEST(Compact, GetCompactNeverSetsTheMantissaTopBit) {
    EXPECT_EQ(U256(0x80).to_compact(), 0x02008000u);
    EXPECT_EQ(U256(0x80).to_compact(true), 0x02808000u);
    EXPECT_EQ(U256(0).to_compact(), 0u);
    EXPECT_EQ(U256(0).to_compact(true), 0u);  // zero is never negative
    EXPECT_EQ(U256(0x7f).to_compact(), 0x017f0000u);
    EXPECT_EQ(U256(0x123456).to_compact(), 0x03123456u);
    EXPECT_EQ(U256(0x800000).to_compact(), 0x04008000u);
    EXPECT_EQ((~U256()).to_compact(), 0x2100ffffu);
}

TEST(Compact, RoundTripsOfNormalizedValues) {
    // Any value whose significant bytes fit the 23-bit mantissa survives a round trip.
    testutil::SplitMix64 rng(0xc0ffee);
    for (int i = 0; i < 2000; ++i) {
        const std::uint32_t mantissa = static_cast<std::uint32_t>(rng.below(0x7fffff)) + 1;
        const std::uint32_t size = static_cast<std::uint32_t>(3 + rng.below(30));  // 3..32
        std::uint32_t bits = size << 24 | mantissa;
        U256 value = U256::from_compact(bits);
        // Re-derive the canonical compact form, then check decode(encode(v)) == v.
        const std::uint32_t canonical = value.to_compact();
        ASSERT_EQ(U256::from_compact(canonical), value) << std::hex << bits;
        ASSERT_EQ(U256::from_compact(canonical).to_compact(), canonical);
        ASSERT_EQ(canonical & 0x00800000u, 0u);
    }
}

TEST(Difficulty, MatchesBitcoinCore) {
    EXPECT_DOUBLE_EQ(core::difficulty_from_bits(0x1d00ffff), 1.0);
    EXPECT_NEAR(core::difficulty_from_bits(0x1b0404cb), 16307.420938523983, 1e-9);
    EXPECT_DOUBLE_EQ(core::difficulty_from_bits(0x1c00ffff), 256.0);
    EXPECT_DOUBLE_EQ(core::difficulty_from_bits(0x1e00ffff), 1.0 / 256.0);
    EXPECT_EQ(core::difficulty_from_bits(0x1d000000), 0.0);
}

TEST(U256Arithmetic, AddSubMulMatch128BitReference) {
    testutil::SplitMix64 rng(1);
    for (int i = 0; i < 5000; ++i) {
        const u128 a = random_u128(rng) >> 1;
        const u128 b = random_u128(rng) >> 1;
        ASSERT_EQ(to_u128(from_u128(a) + from_u128(b)), a + b);
        const u128 big = a > b ? a : b;
        const u128 small = a > b ? b : a;
        ASSERT_EQ(to_u128(from_u128(big) - from_u128(small)), big - small);
        const std::uint64_t x = rng.next();
        const std::uint64_t y = rng.next();
        ASSERT_EQ(to_u128(U256(x) * U256(y)), static_cast<u128>(x) * y);
        const std::uint32_t z = static_cast<std::uint32_t>(rng.next());
        U256 m(x);
        m *= z;
        ASSERT_EQ(to_u128(m), static_cast<u128>(x) * z);
    }
}

TEST(U256Arithmetic, WrapsModulo2To256) {
    const U256 max = ~U256();
    EXPECT_EQ(max + U256(1), U256());
    EXPECT_EQ(U256() - U256(1), max);
    EXPECT_EQ(max * max, U256(1));  // (-1)^2
    EXPECT_EQ((U256(1) << 255) * U256(2), U256());
}

TEST(U256Arithmetic, DivisionMatches128BitReference) {
    testutil::SplitMix64 rng(2);
    for (int i = 0; i < 5000; ++i) {
        const u128 a = random_u128(rng);
        u128 b = random_u128(rng);
        if (b == 0) b = 1;
        ASSERT_EQ(to_u128(from_u128(a) / from_u128(b)), a / b)
            << "a=" << static_cast<std::uint64_t>(a) << " b=" << static_cast<std::uint64_t>(b);
    }
}

TEST(U256Arithmetic, DivisionOfFullWidthValues) {
    // n = q * d + r with r < d, built across the whole 256-bit range; n / d must give q.
    testutil::SplitMix64 rng(3);
    for (int i = 0; i < 3000; ++i) {
        const u128 d128 = random_u128(rng) | 1;
        const u128 r128 = random_u128(rng) % d128;
        const U256 d = from_u128(d128);
        const U256 q = from_u128(random_u128(rng)) << static_cast<unsigned>(rng.below(129));
        if (q.bits() + d.bits() > 255) continue;  // keep q * d + r below 2^256
        const U256 n = q * d + from_u128(r128);
        ASSERT_EQ(n / d, q) << n.hex() << " / " << d.hex();
        ASSERT_EQ(n - (n / d) * d, from_u128(r128));
    }
    EXPECT_EQ(U256(7) / U256(8), U256());
    EXPECT_EQ((~U256()) / (~U256()), U256(1));
    EXPECT_EQ((~U256()) / U256(1), ~U256());
    EXPECT_EQ(((U256(1) << 255) / (U256(1) << 128)), U256(1) << 127);
}

TEST(U256Arithmetic, Shifts) {
    for (unsigned k = 0; k < 256; ++k) {
        const U256 bit = U256(1) << k;
        ASSERT_EQ(bit.bits(), k + 1);
        ASSERT_EQ(bit >> k, U256(1));
        ASSERT_EQ(bit >> (k + 1), U256());
        ASSERT_EQ(U256::low_mask(k) + U256(1), bit);
    }
    EXPECT_EQ(U256(1) << 256, U256());
    EXPECT_EQ((~U256()) >> 256, U256());
    EXPECT_EQ(U256::low_mask(256), ~U256());
    EXPECT_EQ(U256::low_mask(0), U256());

    testutil::SplitMix64 rng(4);
    for (int i = 0; i < 2000; ++i) {
        const std::uint64_t v = rng.next();
        const unsigned k = static_cast<unsigned>(rng.below(64));
        ASSERT_EQ(to_u128(U256(v) << k), static_cast<u128>(v) << k);
        const u128 w = random_u128(rng);
        const unsigned s = static_cast<unsigned>(rng.below(128));
        ASSERT_EQ(to_u128(from_u128(w) >> s), w >> s);
    }
    EXPECT_EQ(u256("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef") << 4,
              u256("123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0"));
    EXPECT_EQ(u256("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef") >> 36,
              u256("0000000000123456789abcdef0123456789abcdef0123456789abcdef0123456"));
}

TEST(U256Arithmetic, ComparisonIsNumeric) {
    EXPECT_LT(U256(1), U256(2));
    EXPECT_LT(U256(0xffffffffffffffffULL), U256(1) << 64);
    EXPECT_GT(U256(1) << 255, ~U256() >> 1);
    EXPECT_EQ(u256("00000000ffff0000000000000000000000000000000000000000000000000000"), U256(0xffff)
                                                                                            << 208);
}

TEST(U256Conversions, HashAndHexAndDouble) {
    const auto h = core::Hash256::from_display_hex(
        "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f");
    ASSERT_TRUE(h);
    const U256 v = U256::from_hash(*h);
    EXPECT_EQ(v.hex(), "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f");
    EXPECT_EQ(v.to_hash(), *h);
    EXPECT_EQ(v.bits(), 256u - 43u);  // ten zero nibbles, then 0x1 = 0b0001
    U256 parsed;
    EXPECT_FALSE(U256::from_hex("123", parsed));
    EXPECT_FALSE(U256::from_hex(std::string(63, '0') + "x", parsed));
    EXPECT_TRUE(U256::from_hex(std::string(64, 'F'), parsed));
    EXPECT_EQ(parsed, ~U256());
    EXPECT_EQ((U256(1) << 200).to_double(), std::ldexp(1.0, 200));
    EXPECT_EQ(U256(12345).to_double(), 12345.0);
}

TEST(Work, KnownValues) {
    // Difficulty 1: 2^256 / (0xffff * 2^208 + 1) = 0x100010001, Bitcoin's genesis chainwork.
    EXPECT_EQ(core::block_work(0x1d00ffff), U256(0x100010001ULL));
    // Regtest's 0x207fffff: target 2^255 - 2^232, so 2^256 / (target + 1) = 2 (just over).
    EXPECT_EQ(core::block_work(0x207fffff), U256(2));
    // 0x20010000: target 2^248, and 2^256 / (2^248 + 1) is just under 256.
    EXPECT_EQ(core::block_work(0x20010000), U256(255));
    // The hardest target, 1: 2^256 / 2 = 2^255.
    EXPECT_EQ(core::block_work(0x01010000), U256(1) << 255);
    // Invalid bits carry no work.
    EXPECT_EQ(core::block_work(0), U256());
    EXPECT_EQ(core::block_work(0x04923456), U256());  // negative
    EXPECT_EQ(core::block_work(0xff123456), U256());  // overflow
}

TEST(Work, MatchesIndependentQuotient) {
    // target = c * 2^s with c odd and > 1. Let q = floor(2^(256-s) / c), so
    // 2^(256-s) = q*c + r with 1 <= r < c. Then q * (target + 1) = 2^256 - r*2^s + q <= 2^256
    // because q < 2^s (s >= 136 makes q < 2^120), and (q + 1) * (target + 1) > 2^256.
    // So the work is exactly q, which fits the compiler's 128-bit integers.
    testutil::SplitMix64 rng(5);
    for (int i = 0; i < 500; ++i) {
        const std::uint32_t size = static_cast<std::uint32_t>(20 + rng.below(13));  // 20..32
        const std::uint32_t c = static_cast<std::uint32_t>(rng.below(0x7fffff) | 1);
        if (c == 1) continue;
        const unsigned s = 8 * (size - 3);
        const u128 numerator_shift = static_cast<u128>(1) << (256 - s);
        const u128 expected = numerator_shift / c;
        ASSERT_EQ(core::block_work(size << 24 | c), from_u128(expected))
            << std::hex << (size << 24 | c);
    }
}

TEST(Work, PowLimitForBits) {
    for (unsigned b : {1u, 8u, 12u, 20u, 32u, 200u}) {
        const U256 limit = core::pow_limit_for_bits(b);
        EXPECT_EQ(limit, (U256(1) << (256 - b)) - U256(1));
        EXPECT_EQ(limit.bits(), 256 - b);
    }
    EXPECT_EQ(core::pow_limit_for_bits(0), ~U256());
}

}  // namespace

// Proof of work: bits -> target validity, the PoW check, and Bitcoin's retarget rule
// against Bitcoin Core's pow_tests (real mainnet blocks).
#include <gtest/gtest.h>

#include <vector>

#include "core/pow.h"
#include "test_util.h"

namespace {

using core::U256;

constexpr std::int64_t kTwoWeeks = 14 * 24 * 60 * 60;  // 1209600 s, window 2016 x 600 s

U256 mainnet_limit() {
    return U256::from_compact(0x1d00ffff);
}

TEST(TargetFromBits, RejectsNegativeZeroOverflowAndTooEasy) {
    const U256 limit = mainnet_limit();
    ASSERT_TRUE(core::target_from_bits(0x1d00ffff, limit).has_value());
    EXPECT_EQ(*core::target_from_bits(0x1d00ffff, limit), limit);
    EXPECT_EQ(*core::target_from_bits(0x1b0404cb, limit), U256(0x0404cb) << (8 * 24));
    EXPECT_FALSE(core::target_from_bits(0x04923456, limit).has_value());  // negative
    EXPECT_FALSE(core::target_from_bits(0x00000000, limit).has_value());  // zero
    EXPECT_FALSE(core::target_from_bits(0x03000000, limit).has_value());  // zero mantissa
    EXPECT_FALSE(core::target_from_bits(0xff123456, limit).has_value());  // overflow
    EXPECT_FALSE(core::target_from_bits(0x1d010000, limit).has_value());  // above the limit
    EXPECT_FALSE(core::target_from_bits(0x207fffff, limit).has_value());
    EXPECT_TRUE(core::target_from_bits(0x207fffff, core::pow_limit_for_bits(1)).has_value());
}

TEST(CheckProofOfWork, HashComparedAsLittleEndianNumber) {
    const U256 limit = core::pow_limit_for_bits(8);
    const std::uint32_t bits = 0x2000ffff;  // target 0xffff << 232, below that limit
    const U256 target = U256::from_compact(bits);
    EXPECT_TRUE(core::check_proof_of_work(target.to_hash(), bits, limit));  // equal passes
    EXPECT_FALSE(core::check_proof_of_work((target + U256(1)).to_hash(), bits, limit));
    EXPECT_TRUE(core::check_proof_of_work(core::Hash256{}, bits, limit));

    // The most significant byte of the number is the hash's last raw byte.
    core::Hash256 h{};
    h.bytes[31] = 0x01;
    EXPECT_FALSE(core::check_proof_of_work(h, bits, limit));
    core::Hash256 low{};
    low.bytes[0] = 0xff;
    EXPECT_TRUE(core::check_proof_of_work(low, bits, limit));
}

TEST(CheckProofOfWork, InvalidBitsNeverPass) {
    const U256 limit = core::pow_limit_for_bits(8);
    const core::Hash256 zero{};
    EXPECT_FALSE(core::check_proof_of_work(zero, 0x04923456, limit));
    EXPECT_FALSE(core::check_proof_of_work(zero, 0, limit));
    EXPECT_FALSE(core::check_proof_of_work(zero, 0xff123456, limit));
    EXPECT_FALSE(core::check_proof_of_work(zero, 0x207fffff, limit));  // easier than the limit
}

struct RetargetCase {
    std::uint32_t last_bits;
    std::int64_t first_time;
    std::int64_t last_time;
    std::uint32_t expected;
    const char* what;
};

TEST(Retarget, BitcoinCoreMainnetVectors) {
    const std::vector<RetargetCase> cases = {
        {0x1d00ffff, 1261130161, 1262152739, 0x1d00d86a, "ordinary retarget"},
        {0x1d00ffff, 1231006505, 1233061996, 0x1d00ffff, "capped at the pow limit"},
        {0x1c05a3f4, 1279008237, 1279297671, 0x1c0168fd, "span clamped up to a quarter"},
        {0x1c387f6f, 1263163443, 1269211443, 0x1d00e1fd, "span clamped down to four times"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.what);
        EXPECT_EQ(core::calculate_next_bits(c.last_bits, c.first_time, c.last_time, kTwoWeeks,
                                            mainnet_limit()),
                  c.expected);
        // Bitcoin Core's real mainnet powLimit (2^224 - 1) gives the same compact bits.
        EXPECT_EQ(core::calculate_next_bits(c.last_bits, c.first_time, c.last_time, kTwoWeeks,
                                            (U256(1) << 224) - U256(1)),
                  c.expected);
    }
}

TEST(Retarget, ClampIsFourInBothDirections) {
    const std::uint32_t bits = 0x1c05a3f4;
    const U256 target = U256::from_compact(bits);
    // Any span at or below a quarter gives the same result, including a negative one.
    const std::uint32_t quarter =
        core::calculate_next_bits(bits, 0, kTwoWeeks / 4, kTwoWeeks, mainnet_limit());
    EXPECT_EQ(core::calculate_next_bits(bits, 0, 1, kTwoWeeks, mainnet_limit()), quarter);
    EXPECT_EQ(core::calculate_next_bits(bits, 1000, 0, kTwoWeeks, mainnet_limit()), quarter);
    EXPECT_EQ(quarter, (target / U256(4)).to_compact());
    // And at or above four times.
    const std::uint32_t four =
        core::calculate_next_bits(bits, 0, 4 * kTwoWeeks, kTwoWeeks, mainnet_limit());
    EXPECT_EQ(core::calculate_next_bits(bits, 0, 400 * kTwoWeeks, kTwoWeeks, mainnet_limit()),
              four);
    EXPECT_EQ(four, (target * U256(4)).to_compact());
    // An exact span keeps the bits.
    EXPECT_EQ(core::calculate_next_bits(bits, 5, 5 + kTwoWeeks, kTwoWeeks, mainnet_limit()), bits);
}

TEST(Retarget, EasySimulationTargetsDoNotOverflow) {
    // At pow_bits 1 the target is ~2^255: multiplying by the span first would overflow
    // 256 bits. Slowing down must cap at the limit, never wrap to a tiny (hard) target.
    const U256 limit = core::pow_limit_for_bits(1);
    const std::uint32_t limit_bits = limit.to_compact();
    EXPECT_EQ(core::calculate_next_bits(limit_bits, 0, 4 * 2400, 2400, limit), limit_bits);
    EXPECT_EQ(core::calculate_next_bits(limit_bits, 0, 3 * 2400, 2400, limit), limit_bits);

    // Speeding up from an easy target divides it by the clamped factor (4 here).
    const U256 start = U256::from_compact(limit_bits);
    EXPECT_EQ(core::calculate_next_bits(limit_bits, 0, 10, 2400, limit),
              (start / U256(4)).to_compact());

    // A half-difficulty step from a target of 2^253, where target * span overflows 256 bits:
    // the result is exactly twice the target, as with unbounded integers.
    const std::uint32_t bits = (U256(1) << 253).to_compact();
    EXPECT_EQ(U256::from_compact(core::calculate_next_bits(bits, 0, 2 * 2400, 2400, limit)),
              U256(1) << 254);
    // Same at pow_bits 8 speeding up by the clamp: 0xffff << 232 quartered is exact.
    const U256 limit8 = core::pow_limit_for_bits(8);
    EXPECT_EQ(core::calculate_next_bits(limit8.to_compact(), 0, 450, 2400, limit8), 0x1f3fffc0u);
    // And an exact span keeps easy bits unchanged.
    EXPECT_EQ(core::calculate_next_bits(limit8.to_compact(), 0, 2400, 2400, limit8),
              limit8.to_compact());
}

TEST(Retarget, TinyTimespanStillProgresses) {
    // A target timespan under 4 s clamps the quarter to 0; the rule keeps it at >= 1 s.
    const U256 limit = core::pow_limit_for_bits(8);
    const std::uint32_t bits = limit.to_compact();
    const std::uint32_t next = core::calculate_next_bits(bits, 100, 100, 2, limit);
    EXPECT_EQ(U256::from_compact(next), U256::from_compact(bits) / U256(2));
}

// The simulation's consensus: pow_bits is the initial difficulty and the pow limit sits
// ConsensusParams::kPowLimitFactorBits (8) bits easier, so a retarget can ease below it.
TEST(PowLimit, EightBitsEasierThanTheInitialTarget) {
    for (unsigned bits : {9u, 12u, 16u, 20u, 32u}) {
        core::ConsensusParams p;
        p.pow_bits = bits;
        EXPECT_EQ(p.initial_target(), core::pow_limit_for_bits(bits)) << bits;
        EXPECT_EQ(p.pow_limit(), (p.initial_target() << 8) + U256(0xff)) << bits;
        EXPECT_EQ(p.initial_bits(), p.initial_target().to_compact()) << bits;
    }
    // At 8 bits and below the limit is every hash, 2^256 - 1.
    for (unsigned bits : {1u, 4u, 8u}) {
        core::ConsensusParams p;
        p.pow_bits = bits;
        EXPECT_EQ(p.pow_limit(), ~U256()) << bits;
        EXPECT_TRUE(core::target_from_bits(p.pow_limit_bits(), p.pow_limit()).has_value());
    }
}

TEST(Retarget, FromTheInitialTargetBothWaysAndCappedAtTheLimit) {
    core::ConsensusParams p;
    p.pow_bits = 16;
    p.retarget_window = 2016;
    const std::int64_t span = p.retarget_timespan_s();
    const U256 initial = U256::from_compact(p.initial_bits());
    // Half the hashrate: twice the span, twice the target (Core: target * actual / span).
    EXPECT_EQ(U256::from_compact(
                  core::calculate_next_bits(p.initial_bits(), 0, 2 * span, span, p.pow_limit())),
              initial * U256(2));
    // Twice the hashrate: half the span, half the target.
    EXPECT_EQ(U256::from_compact(
                  core::calculate_next_bits(p.initial_bits(), 0, span / 2, span, p.pow_limit())),
              initial / U256(2));
    // Clamped at 4x per retarget: 10x slower eases only 4x.
    EXPECT_EQ(U256::from_compact(
                  core::calculate_next_bits(p.initial_bits(), 0, 10 * span, span, p.pow_limit())),
              initial * U256(4));
    // From a target 2^7 times the initial, a 4x ease would pass the limit (2^8): capped.
    const std::uint32_t near_limit = (initial * U256(128)).to_compact();
    EXPECT_EQ(core::calculate_next_bits(near_limit, 0, 4 * span, span, p.pow_limit()),
              p.pow_limit_bits());
    // And 2x from there lands just under it (2^8 * initial < limit): not capped.
    EXPECT_EQ(U256::from_compact(
                  core::calculate_next_bits(near_limit, 0, 2 * span, span, p.pow_limit())),
              initial * U256(256));
}

}  // namespace

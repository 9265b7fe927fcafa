#include "core/pow.h"

#include <algorithm>

namespace core {

U256 pow_limit_for_bits(unsigned pow_bits) {
    return U256::low_mask(256 - pow_bits);
}

std::optional<U256> target_from_bits(std::uint32_t bits, const U256& pow_limit) {
    bool negative = false;
    bool overflow = false;
    U256 target = U256::from_compact(bits, &negative, &overflow);
    if (negative || overflow || target.is_zero() || target > pow_limit) return std::nullopt;
    return target;
}

bool check_proof_of_work(const Hash256& hash, std::uint32_t bits, const U256& pow_limit) {
    auto target = target_from_bits(bits, pow_limit);
    return target && U256::from_hash(hash) <= *target;
}

U256 block_work(std::uint32_t bits) {
    bool negative = false;
    bool overflow = false;
    U256 target = U256::from_compact(bits, &negative, &overflow);
    if (negative || overflow || target.is_zero()) return U256();
    // 2^256 / (target + 1) == ~target / (target + 1) + 1, which fits in 256 bits.
    return (~target / (target + U256(1))) + U256(1);
}

double difficulty_from_bits(std::uint32_t bits) {
    int shift = (bits >> 24) & 0xff;
    const std::uint32_t mantissa = bits & 0x00ffffff;
    if (mantissa == 0) return 0.0;
    double diff = static_cast<double>(0x0000ffff) / static_cast<double>(mantissa);
    while (shift < 29) {
        diff *= 256.0;
        ++shift;
    }
    while (shift > 29) {
        diff /= 256.0;
        --shift;
    }
    return diff;
}

NonceSearchResult search_nonce(const BlockHeader& header, const U256& target,
                               std::uint64_t max_tries) {
    NonceSearchResult result;
    const auto bytes = header.serialize();
    const HeaderHasher hasher(bytes);
    const std::uint64_t last = std::min<std::uint64_t>(
        max_tries, static_cast<std::uint64_t>(UINT32_MAX) - header.nonce + 1);
    for (std::uint64_t i = 0; i < last; ++i) {
        const std::uint32_t nonce = header.nonce + static_cast<std::uint32_t>(i);
        Hash256 h = hasher.hash_with_nonce(nonce);
        if (U256::from_hash(h) <= target) {
            result.found = true;
            result.nonce = nonce;
            result.hash = h;
            result.tries = i + 1;
            return result;
        }
    }
    result.tries = last;
    return result;
}

std::uint32_t calculate_next_bits(std::uint32_t last_bits, std::int64_t first_block_time,
                                  std::int64_t last_block_time, std::int64_t target_timespan,
                                  const U256& pow_limit) {
    std::int64_t actual = last_block_time - first_block_time;
    actual = std::clamp(actual, target_timespan / 4, target_timespan * 4);
    actual = std::max<std::int64_t>(actual, 1);  // a timespan under 4 s would clamp to 0

    // floor(target * actual / timespan), Core's result, without the 512-bit product that
    // easy simulation targets would need: with target = q * timespan + r (r < timespan),
    // it is q * actual + floor(r * actual / timespan), and r * actual < 2^128.
    const U256 target = U256::from_compact(last_bits);
    const U256 actual_u(static_cast<std::uint64_t>(actual));
    const U256 timespan_u(static_cast<std::uint64_t>(target_timespan));
    const U256 q = target / timespan_u;
    const U256 r = target - q * timespan_u;
    const U256 whole = q * actual_u;
    const U256 next = whole + (r * actual_u) / timespan_u;
    const bool overflow = whole / actual_u != q || next < whole;  // beyond 2^256: too easy
    if (overflow || next > pow_limit) return pow_limit.to_compact();
    return next.to_compact();
}

}  // namespace core

// Proof of work: compact bits <-> target, work, the PoW check, the nonce search and
// Bitcoin's retarget rule. Free functions, as in Bitcoin Core's pow.h.
#pragma once

#include <cstdint>
#include <optional>

#include "core/header.h"
#include "core/uint256.h"

namespace core {

// The target at which every hash must start with `pow_bits` zero bits:
// 2^(256 - pow_bits) - 1. REQUIRES: 0 <= pow_bits <= 255.
U256 pow_limit_for_bits(unsigned pow_bits);

// Decodes `bits`; nullopt when it is negative, zero, overflows, or exceeds `pow_limit`.
std::optional<U256> target_from_bits(std::uint32_t bits, const U256& pow_limit);

// True when `hash`, read as a number, is <= the target of `bits`, and `bits` is a valid
// target no easier than `pow_limit` (Bitcoin Core's CheckProofOfWork).
bool check_proof_of_work(const Hash256& hash, std::uint32_t bits, const U256& pow_limit);

// Expected number of hashes to find a block at `bits`: 2^256 / (target + 1).
// Zero for an invalid `bits`.
U256 block_work(std::uint32_t bits);

// Difficulty relative to 0x1d00ffff, as Bitcoin Core's GetDifficulty.
double difficulty_from_bits(std::uint32_t bits);

// Searches nonces header.nonce, header.nonce + 1, ... (at most `max_tries`, wrapping is
// not done) for a header hash <= target. The first 64 header bytes are hashed once.
struct NonceSearchResult {
    bool found = false;
    std::uint32_t nonce = 0;  // the winning nonce when found
    Hash256 hash;             // its block hash when found
    std::uint64_t tries = 0;  // candidates hashed
};
NonceSearchResult search_nonce(const BlockHeader& header, const U256& target,
                               std::uint64_t max_tries);

// Bitcoin's retarget (CalculateNextWorkRequired): scales the last target by
// actual / target timespan, the actual span clamped to [target/4, target*4], and caps
// the result at pow_limit. The result is exactly Core's floor(target * actual / timespan),
// computed without overflowing 256 bits even at the easy targets of a simulation.
std::uint32_t calculate_next_bits(std::uint32_t last_bits, std::int64_t first_block_time,
                                  std::int64_t last_block_time, std::int64_t target_timespan,
                                  const U256& pow_limit);

}  // namespace core

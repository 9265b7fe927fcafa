// ConsensusParams: the rules every node of one network shares, genesis included.
#pragma once

#include <cstdint>
#include <vector>

#include "core/keys.h"
#include "core/uint256.h"

namespace core {

struct GenesisAllocation {
    Address to;            // funded account
    std::uint64_t amount;  // its starting balance
};

struct ConsensusParams {
    // Leading zero bits every block hash needs at the initial difficulty (the genesis block's
    // target, 2^(256 - pow_bits) - 1). The pow limit, the easiest target a retarget may
    // reach, is kPowLimitFactorBits bits easier, so the difficulty can fall below it.
    unsigned pow_bits = 12;
    // Expected seconds between blocks; the retarget aims for it.
    std::int64_t target_spacing_s = 600;
    // Blocks per retarget period; 0 keeps the difficulty fixed at the initial difficulty.
    std::uint32_t retarget_window = 0;
    // New coins paid by each block's coinbase, on top of the fees.
    std::uint64_t block_reward = 50;
    // Most transactions a block may carry, not counting the coinbase.
    std::uint32_t max_block_txs = 2000;
    // How far (seconds) a block's time may run ahead of the validating node's clock.
    std::uint32_t max_future_block_time_s = 2 * 60 * 60;
    // Header time of the genesis block (Unix seconds); simulated time starts here.
    std::uint32_t genesis_time = 1'700'000'000;
    // Balances credited by the genesis block.
    std::vector<GenesisAllocation> allocations;

    // The pow limit is 2^kPowLimitFactorBits times the initial target (capped at 2^256 - 1,
    // every hash, so for pow_bits < 8 it is less than that factor easier).
    static constexpr unsigned kPowLimitFactorBits = 8;

    U256 pow_limit() const;                // 2^(256 - max(pow_bits - 8, 0)) - 1
    std::uint32_t pow_limit_bits() const;  // compact form of pow_limit()
    U256 initial_target() const;           // 2^(256 - pow_bits) - 1
    std::uint32_t initial_bits() const;    // compact form of initial_target(): genesis' bits
    std::int64_t retarget_timespan_s() const { return target_spacing_s * retarget_window; }
};

}  // namespace core

// Ledger invariants of a chain, as `chainsim swarm` checks them on every node (during the run
// at each tip change, and at the end). Each check returns an empty string when it holds, else
// one line saying what is wrong. Pure functions of their arguments; they never throw.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/block.h"
#include "core/chain.h"
#include "core/ledger.h"
#include "core/params.h"

namespace sim {

// The coins the genesis block creates: its allocations (or its one reward), summed exactly.
unsigned __int128 genesis_supply(const core::Block& genesis);

// Checks `state`, the ledger after the block at `height` of a chain whose coinbases pay the
// full reward plus fees (as core::Node's miner does), so fees only move coins and each block
// creates exactly `params.block_reward`:
//   - no balance exceeds the supply (an account that went below zero would wrap round to
//     near 2^64, so this is the check for negative balances);
//   - the balances sum to exactly genesis_supply + height * block_reward.
[[nodiscard]] std::string check_supply(const core::LedgerState& state, std::uint64_t height,
                                       const core::ConsensusParams& params,
                                       unsigned __int128 genesis_supply);

// The blocks of `chain`'s active chain, genesis first.
std::vector<core::BlockRef> active_blocks(const core::Chain& chain);

// The first transaction confirmed twice in `blocks` (an active chain, genesis first).
[[nodiscard]] std::string check_unique_txs(const std::vector<core::BlockRef>& blocks);

// Re-validates `blocks` (genesis first) from scratch: genesis must be make_genesis(params),
// and every block must be accepted in turn by a fresh chain of its own (no shared tree, no
// shared validation: every proof of work, signature and ledger rule checked again) and become
// its tip; the ledger that replay ends with must equal `state`.
[[nodiscard]] std::string revalidate_chain(const core::ConsensusParams& params,
                                           const std::vector<core::BlockRef>& blocks,
                                           const core::LedgerState& state);

}  // namespace sim

// The consensus parameters of one live network and its genesis block. Every node of a
// network must hold the same ones; a data dir records them and refuses to serve another.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <vector>

#include "core/block.h"
#include "core/params.h"

namespace live {

// Header time of every live network's genesis block (Unix seconds), fixed so that nodes
// started apart agree on genesis.
inline constexpr std::uint32_t kLiveGenesisTime = 1'700'000'000;

struct NetworkParams {
    core::ConsensusParams consensus;
    core::BlockRef genesis;  // make_genesis(consensus)

    // {"genesis": hash, "pow_bits", "block_reward", ...}: what a data dir records.
    nlohmann::json describe() const;
};

// `chainsim node` defaults: fixed difficulty at `pow_bits`, reward 50, 2000 transactions
// per block, and `funds` credited by the genesis block (none: coins come from mining).
core::ConsensusParams node_consensus(unsigned pow_bits,
                                     std::vector<core::GenesisAllocation> funds = {});

// Builds the genesis block (a nonce search at pow_bits: do it once per network).
NetworkParams make_network(core::ConsensusParams consensus);

}  // namespace live

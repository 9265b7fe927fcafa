#include "sim/live/network_params.h"

namespace live {

nlohmann::json NetworkParams::describe() const {
    nlohmann::json allocations = nlohmann::json::array();
    for (const auto& a : consensus.allocations)
        allocations.push_back({{"address", a.to.hex()}, {"amount", a.amount}});
    return {{"genesis", genesis->hash().display_hex()},
            {"pow_bits", consensus.pow_bits},
            {"target_spacing_s", consensus.target_spacing_s},
            {"retarget_window", consensus.retarget_window},
            {"block_reward", consensus.block_reward},
            {"max_block_txs", consensus.max_block_txs},
            {"max_future_block_time_s", consensus.max_future_block_time_s},
            {"genesis_time", consensus.genesis_time},
            {"allocations", std::move(allocations)}};
}

core::ConsensusParams node_consensus(unsigned pow_bits,
                                     std::vector<core::GenesisAllocation> funds) {
    core::ConsensusParams p;
    p.pow_bits = pow_bits;
    p.target_spacing_s = 600;
    p.retarget_window = 0;
    p.block_reward = 50;
    p.max_block_txs = 2000;
    p.genesis_time = kLiveGenesisTime;
    p.allocations = std::move(funds);
    return p;
}

NetworkParams make_network(core::ConsensusParams consensus) {
    NetworkParams n;
    n.consensus = std::move(consensus);
    n.genesis = core::make_genesis(n.consensus);
    return n;
}

}  // namespace live

// From the scenario's plain specs (sim/scenario_spec.h) to the engine's types
// (sim/topology.h, sim/latency.h).
#pragma once

#include "core/params.h"
#include "sim/latency.h"
#include "sim/scenario_spec.h"
#include "sim/topology.h"

namespace sim {

GraphSpec to_graph_spec(const TopologySpec& topology);
// The consensus rules of `consensus` (genesis time and allocations left at their defaults).
core::ConsensusParams to_consensus_params(const ConsensusSpec& consensus);
LatencyModel to_latency_model(const LatencySpec& latency);

}  // namespace sim

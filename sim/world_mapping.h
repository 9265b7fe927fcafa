// From the scenario's plain specs (sim/scenario_spec.h) to the engine's types
// (sim/topology.h, sim/latency.h).
#pragma once

#include "sim/latency.h"
#include "sim/scenario_spec.h"
#include "sim/topology.h"

namespace sim {

GraphSpec to_graph_spec(const TopologySpec& topology);
LatencyModel to_latency_model(const LatencySpec& latency);

}  // namespace sim

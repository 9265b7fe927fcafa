// Internal to scenario loading: one reader per YAML section of docs/scenarios.md. Each reads
// a Field into its spec struct, reporting every problem it finds through the Field and
// leaving defaults where a value is absent or malformed. `nodes` is network.nodes, or 0
// when that is missing or invalid; checks that need it are then skipped (the missing
// node count is already reported).
#pragma once

#include <optional>
#include <vector>

#include "sim/scenario/reader.h"
#include "sim/scenario/spec.h"

namespace sim::scenario_internal {

// Sets out.nodes to 0 when the node count is missing or invalid.
void read_network(const Field& field, NetworkSpec& out);
// A latency spec (network.latency, or a latency event). Returns false if malformed.
bool read_latency(const Field& field, int nodes, LatencySpec& out);
void read_mining(const Field& field, int nodes, std::vector<MinerSpec>& out, bool& defaulted);
std::optional<WorkloadSpec> read_workload(const Field& field);
// `duration` bounds event times; 0 means unbounded (the run stops at a height).
void read_events(const Field& field, int nodes, core::Nanos duration, std::vector<EventSpec>& out);
void read_expectations(const Field& field, std::vector<ExpectationSpec>& out);

}  // namespace sim::scenario_internal

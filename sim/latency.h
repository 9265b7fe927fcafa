// Link latency models: a distribution sampled once per link, or a region matrix.
//
// Contract:
//   - assign_latencies() sets every link's latency in link-id order (ascending (a, b)), drawing
//     from the given Rng (the "latency" stream), so the same spec, topology and stream state
//     give the same latencies. It runs when the graph is built and when a scenario event
//     changes the latency model.
//   - Samples are rounded to the nearest nanosecond and clamped to [0, kMaxLatency]: a normal
//     distribution's negative tail becomes 0, a Pareto's far tail becomes kMaxLatency.
//   - Regions: latency(a, b) = matrix[region(a)][region(b)], plus an optional jitter sampled
//     per link (e.g. Uniform{0, 5ms} to spread links between the same two regions), clamped
//     the same way. Nodes in the same region use the diagonal entry.
//   - Bad parameters (negative durations, a non-square or asymmetric matrix, an assignment of
//     the wrong length...) come back as an Error naming them; nothing is changed then.
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/time.h"
#include "sim/rng.h"
#include "sim/status.h"
#include "sim/topology.h"

namespace sim {

struct ConstantLatency {
    core::Nanos value = 0;  // every link gets exactly this
};
struct UniformLatency {
    core::Nanos min = 0;  // inclusive lower bound
    core::Nanos max = 0;  // upper bound, >= min
};
struct NormalLatency {
    core::Nanos mean = 0;    // mean before clamping at 0
    core::Nanos stddev = 0;  // standard deviation, >= 0
};
struct LognormalLatency {
    core::Nanos median = 0;  // exp(mu)
    double sigma = 0.0;      // standard deviation of the logarithm, >= 0
};
struct ParetoLatency {
    core::Nanos scale = 0;  // minimum value x_m, > 0
    double shape = 1.0;     // tail index alpha, > 0 (mean is finite only for shape > 1)
};

using DelayDistribution =
    std::variant<ConstantLatency, UniformLatency, NormalLatency, LognormalLatency, ParetoLatency>;

struct RegionLatency {
    std::vector<std::string> names;                // one per region
    std::vector<std::vector<core::Nanos>> matrix;  // names.size() squared, symmetric, >= 0
    std::vector<int> assignment;                   // region index of each node, one per node
    std::optional<DelayDistribution> jitter;       // added per link when set
};

struct LatencyModel {
    std::variant<DelayDistribution, RegionLatency> model = DelayDistribution{};
};

inline constexpr core::Nanos kMaxLatency = 1'000'000 * core::kSecond;  // about 11.6 days

// Checks the spec against a network of `nodes` nodes.
Status validate(const LatencyModel& spec, int nodes);
Status validate(const DelayDistribution& distribution);

// One sample, rounded and clamped to [0, kMaxLatency]. Constant draws nothing from `rng`.
// REQUIRES: validate(distribution).ok().
core::Nanos sample_latency(const DelayDistribution& distribution, Rng& rng);

// Validates, then sets the latency of every link of `topology`.
Status assign_latencies(Topology& topology, const LatencyModel& spec, Rng& rng);

}  // namespace sim

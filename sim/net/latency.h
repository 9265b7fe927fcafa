// Link latency models: a distribution sampled once per link, or a region matrix.
//
// Contract:
//   - assign_latencies() sets every link's latency in link-id order (ascending (a, b)), drawing
//     from the given Rng (the "latency" stream), so the same spec, topology and stream state
//     give the same latencies. It runs when the graph is built and when a scenario event
//     changes the latency model.
//   - Samples are rounded to the nearest nanosecond and clamped to [0, kMaxLatency]: a normal
//     distribution's negative tail becomes 0, a Pareto's far tail becomes kMaxLatency.
//   - Regions: latency(a, b) = matrix[region(a)][region(b)], the mean of that pair of regions;
//     nodes in the same region use the diagonal entry. With a jitter, each link's latency is
//     that mean times a factor drawn per link whose mean is 1 (Pareto or lognormal; see
//     LatencyJitter), so links between two regions spread around the matrix entry and still
//     average to it. Clamped the same way.
//   - Bad parameters (negative durations, a non-square or asymmetric matrix, an assignment of
//     the wrong length...) come back as an Error naming them; nothing is changed then.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.h"
#include "sim/engine/rng.h"
#include "sim/engine/status.h"
#include "sim/net/topology.h"

namespace sim {

enum class LatencyDist { kConstant, kUniform, kNormal, kLognormal, kPareto };

// A one-way delay distribution. Only the fields of `dist` are used.
struct LatencyDistribution {
    LatencyDist dist = LatencyDist::kConstant;
    core::Nanos value = 50 * core::kMillisecond;  // constant; >= 0
    core::Nanos min = 0;                          // uniform: inclusive lower bound; >= 0
    core::Nanos max = 0;                          // uniform: upper bound; >= min
    core::Nanos mean = 0;                         // normal: mean before clamping at 0
    core::Nanos stddev = 0;                       // normal; >= 0
    core::Nanos median = 0;                       // lognormal: exp(mu); >= 0
    double sigma = 0;                             // lognormal: stddev of ln(delay); >= 0
    core::Nanos scale = 0;                        // pareto: the minimum delay x_m; > 0
    double shape = 0;  // pareto: tail index alpha; > 0 (the mean is finite only above 1)
};

// The per-link spread of a region matrix: latency = mean * X, X drawn once per link with
// E[X] = 1, so the matrix entries stay the means (docs/network.md, "Latency jitter").
struct LatencyJitter {
    enum class Dist { kPareto, kLognormal };
    Dist dist = Dist::kPareto;
    double shape = 2;    // pareto: tail index alpha; > 1 (the mean must be finite). X has
                         // minimum (alpha - 1) / alpha and P(X > x) = (x_min / x)^alpha
    double sigma = 0.5;  // lognormal: stddev of ln X; >= 0. X = exp(N(-sigma^2 / 2, sigma^2))
};

// The YAML name of a jitter distribution ("pareto", "lognormal").
std::string_view jitter_dist_name(LatencyJitter::Dist dist);

// Delay by the regions of a link's two ends.
struct LatencyRegions {
    std::vector<std::string> names;                // one per region, unique
    std::vector<std::vector<core::Nanos>> matrix;  // [from][to]; square, names.size(),
                                                   // symmetric, >= 0; diagonal = within a region
    std::vector<int> node_region;                  // region index of each node, one per node
    std::optional<LatencyJitter> jitter;           // absent: every link gets the mean
};

// The scenario's `network.latency:` (and the `latency` event) as read, and what
// assign_latencies consumes: a distribution or a region matrix.
struct LatencySpec {
    enum class Kind { kDistribution, kRegions };
    Kind kind = Kind::kDistribution;
    LatencyDistribution distribution;  // kDistribution; default constant 50ms
    LatencyRegions regions;            // kRegions
};

// The name the scenario YAML uses for a distribution ("lognormal", ...).
std::string_view latency_dist_name(LatencyDist dist);

inline constexpr core::Nanos kMaxLatency = 1'000'000 * core::kSecond;  // about 11.6 days

// Checks the spec against a network of `nodes` nodes.
Status validate(const LatencySpec& spec, int nodes);
Status validate(const LatencyDistribution& distribution);
Status validate(const LatencyJitter& jitter);

// One sample, rounded and clamped to [0, kMaxLatency]. Constant draws nothing from `rng`.
// REQUIRES: validate(distribution).ok().
core::Nanos sample_latency(const LatencyDistribution& distribution, Rng& rng);

// `mean` times one draw of the jitter's factor, rounded and clamped to [0, kMaxLatency].
// REQUIRES: validate(jitter).ok().
core::Nanos sample_jittered(core::Nanos mean, const LatencyJitter& jitter, Rng& rng);

// Validates, then sets the latency of every link of `topology`.
Status assign_latencies(Topology& topology, const LatencySpec& spec, Rng& rng);

}  // namespace sim

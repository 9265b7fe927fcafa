#include "sim/net/latency.h"

#include <cmath>

namespace sim {
namespace {

std::string ns(core::Nanos t) {
    return std::to_string(t) + "ns";
}

core::Nanos clamp_to_latency(double x) {
    if (!(x > 0.0)) return 0;  // also NaN
    if (x >= static_cast<double>(kMaxLatency)) return kMaxLatency;
    return static_cast<core::Nanos>(std::llround(x));
}

}  // namespace

std::string_view latency_dist_name(LatencyDist dist) {
    switch (dist) {
        case LatencyDist::kConstant:
            return "constant";
        case LatencyDist::kUniform:
            return "uniform";
        case LatencyDist::kNormal:
            return "normal";
        case LatencyDist::kLognormal:
            return "lognormal";
        case LatencyDist::kPareto:
            return "pareto";
    }
    return "unknown";
}

Status validate(const LatencyDistribution& d) {
    switch (d.dist) {
        case LatencyDist::kConstant:
            if (d.value < 0) return Error{"latency constant: value must be >= 0, got " + ns(d.value)};
            return {};
        case LatencyDist::kUniform:
            if (d.min < 0 || d.max < d.min) {
                return Error{"latency uniform: need 0 <= min <= max, got min " + ns(d.min) +
                             ", max " + ns(d.max)};
            }
            return {};
        case LatencyDist::kNormal:
            if (d.stddev < 0) return Error{"latency normal: stddev must be >= 0, got " + ns(d.stddev)};
            return {};
        case LatencyDist::kLognormal:
            if (d.median < 0)
                return Error{"latency lognormal: median must be >= 0, got " + ns(d.median)};
            if (!(d.sigma >= 0.0 && std::isfinite(d.sigma))) {
                return Error{"latency lognormal: sigma must be finite and >= 0, got " +
                             std::to_string(d.sigma)};
            }
            return {};
        case LatencyDist::kPareto:
            if (d.scale <= 0) return Error{"latency pareto: scale must be > 0, got " + ns(d.scale)};
            if (!(d.shape > 0.0 && std::isfinite(d.shape))) {
                return Error{"latency pareto: shape must be finite and > 0, got " +
                             std::to_string(d.shape)};
            }
            return {};
    }
    return Error{"latency: unknown distribution"};
}

std::string_view jitter_dist_name(LatencyJitter::Dist dist) {
    switch (dist) {
        case LatencyJitter::Dist::kPareto:
            return "pareto";
        case LatencyJitter::Dist::kLognormal:
            return "lognormal";
    }
    return "unknown";
}

Status validate(const LatencyJitter& j) {
    switch (j.dist) {
        case LatencyJitter::Dist::kPareto:
            if (!(j.shape > 1.0 && std::isfinite(j.shape))) {
                return Error{"pareto jitter: shape must be finite and above 1 (so that links "
                             "average to the matrix entry), got " +
                                 std::to_string(j.shape),
                             "shape"};
            }
            return {};
        case LatencyJitter::Dist::kLognormal:
            if (!(j.sigma >= 0.0 && std::isfinite(j.sigma))) {
                return Error{"lognormal jitter: sigma must be finite and >= 0, got " +
                                 std::to_string(j.sigma),
                             "sigma"};
            }
            return {};
    }
    return Error{"jitter: unknown distribution", "dist"};
}

Status validate(const LatencySpec& spec, int nodes) {
    if (spec.kind == LatencySpec::Kind::kDistribution) return validate(spec.distribution);
    const LatencyRegions& regions = spec.regions;
    const std::size_t count = regions.names.size();
    if (count == 0) return Error{"latency regions: names must list at least one region"};
    if (regions.matrix.size() != count) {
        return Error{"latency regions: matrix has " + std::to_string(regions.matrix.size()) +
                     " rows, expected one per region (" + std::to_string(count) + ")"};
    }
    for (std::size_t r = 0; r < count; ++r) {
        if (regions.matrix[r].size() != count) {
            return Error{"latency regions: matrix row " + std::to_string(r) + " (" +
                         regions.names[r] + ") has " + std::to_string(regions.matrix[r].size()) +
                         " entries, expected " + std::to_string(count)};
        }
    }
    for (std::size_t r = 0; r < count; ++r) {
        for (std::size_t c = 0; c < count; ++c) {
            const core::Nanos v = regions.matrix[r][c];
            if (v < 0 || v > kMaxLatency) {
                return Error{"latency regions: matrix[" + regions.names[r] + "][" +
                             regions.names[c] + "] must be in [0, " + ns(kMaxLatency) + "], got " +
                             ns(v)};
            }
            if (v != regions.matrix[c][r]) {
                return Error{"latency regions: matrix is not symmetric: [" + regions.names[r] +
                             "][" + regions.names[c] + "] = " + ns(v) + " but [" +
                             regions.names[c] + "][" + regions.names[r] +
                             "] = " + ns(regions.matrix[c][r])};
            }
        }
    }
    if (regions.node_region.size() != static_cast<std::size_t>(nodes)) {
        return Error{"latency regions: assignment has " +
                     std::to_string(regions.node_region.size()) +
                     " entries, expected one per node (" + std::to_string(nodes) + ")"};
    }
    for (std::size_t node = 0; node < regions.node_region.size(); ++node) {
        const int region = regions.node_region[node];
        if (region < 0 || static_cast<std::size_t>(region) >= count) {
            return Error{"latency regions: node " + std::to_string(node) + " is assigned region " +
                         std::to_string(region) + ", expected 0.." + std::to_string(count - 1)};
        }
    }
    if (regions.jitter) {
        if (Status status = validate(*regions.jitter); !status) {
            return Error{"latency regions jitter: " + status.error(), "jitter." + status.field()};
        }
    }
    return {};
}

core::Nanos sample_latency(const LatencyDistribution& d, Rng& rng) {
    switch (d.dist) {
        case LatencyDist::kConstant:
            return clamp_to_latency(static_cast<double>(d.value));
        case LatencyDist::kUniform:
            return clamp_to_latency(rng.uniform_int(d.min, d.max));
        case LatencyDist::kNormal:
            return clamp_to_latency(
                rng.normal(static_cast<double>(d.mean), static_cast<double>(d.stddev)));
        case LatencyDist::kLognormal:
            return clamp_to_latency(rng.lognormal(static_cast<double>(d.median), d.sigma));
        case LatencyDist::kPareto:
            return clamp_to_latency(rng.pareto(static_cast<double>(d.scale), d.shape));
    }
    return 0;
}

core::Nanos sample_jittered(core::Nanos mean, const LatencyJitter& j, Rng& rng) {
    const double m = static_cast<double>(mean);
    switch (j.dist) {
        case LatencyJitter::Dist::kPareto:
            // Pareto I with scale (alpha - 1) / alpha has mean 1.
            return clamp_to_latency(m * rng.pareto((j.shape - 1.0) / j.shape, j.shape));
        case LatencyJitter::Dist::kLognormal:
            // Median exp(-sigma^2 / 2) gives mean exp(-sigma^2 / 2 + sigma^2 / 2) = 1.
            return clamp_to_latency(m * rng.lognormal(std::exp(-0.5 * j.sigma * j.sigma), j.sigma));
    }
    return mean;
}

Status assign_latencies(Topology& topology, const LatencySpec& spec, Rng& rng) {
    if (Status status = validate(spec, topology.node_count()); !status) return status;
    if (spec.kind == LatencySpec::Kind::kDistribution) {
        for (int id = 0; id < topology.edge_count(); ++id) {
            topology.link(id).latency = sample_latency(spec.distribution, rng);
        }
        return {};
    }
    const LatencyRegions& regions = spec.regions;
    for (int id = 0; id < topology.edge_count(); ++id) {
        const auto [a, b] = topology.links()[id];
        core::Nanos latency = regions.matrix[regions.node_region[a]][regions.node_region[b]];
        if (regions.jitter) latency = sample_jittered(latency, *regions.jitter, rng);
        topology.link(id).latency = latency;
    }
    return {};
}

}  // namespace sim

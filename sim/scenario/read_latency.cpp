// Reading latency specs: `network.latency` and the `latency` event. A distribution
// ({dist: lognormal, median: 80ms, sigma: 0.5}), a constant shorthand (`latency: 80ms`), or
// a region matrix ({regions: {names, matrix, assignment, jitter}}).
#include <algorithm>
#include <limits>

#include "sim/scenario/nodeset.h"
#include "sim/scenario/sections.h"
#include "sim/scenario/units.h"

namespace sim::scenario_internal {
namespace {

// A required duration parameter of a latency distribution.
std::optional<core::Nanos> latency_duration(const Field& field, std::string_view example,
                                            bool positive = false) {
    if (!field.require(example)) return std::nullopt;
    return field.read_duration(positive);
}

// A required number parameter of a latency distribution.
std::optional<double> latency_number(const Field& field, std::string_view example, bool positive) {
    if (!field.require(example)) return std::nullopt;
    return field.read_number(0, std::numeric_limits<double>::infinity(), positive);
}

bool read_distribution(const Field& field, LatencyDistribution& out) {
    using D = LatencyDist;
    auto dist =
        read_enum(field["dist"], {D::kConstant, D::kUniform, D::kNormal, D::kLognormal, D::kPareto},
                  latency_dist_name);
    if (!dist) return false;
    out = LatencyDistribution{};
    out.dist = *dist;
    out.value = 0;
    std::string owner = "latency dist " + std::string(latency_dist_name(*dist));
    bool ok = true;
    auto take = [&ok](auto value, auto& target) {
        if (value) {
            target = *value;
        } else {
            ok = false;
        }
    };
    switch (*dist) {
        case D::kConstant:
            ok = field.check_keys({"dist", "value"}, owner);
            take(latency_duration(field["value"], "value: 50ms"), out.value);
            break;
        case D::kUniform:
            ok = field.check_keys({"dist", "min", "max"}, owner);
            take(latency_duration(field["min"], "min: 20ms"), out.min);
            take(latency_duration(field["max"], "max: 100ms"), out.max);
            if (ok && out.max < out.min) {
                field["max"].expected("a max of at least min (" + format_duration(out.min) + ")");
                ok = false;
            }
            break;
        case D::kNormal:
            ok = field.check_keys({"dist", "mean", "stddev"}, owner);
            take(latency_duration(field["mean"], "mean: 80ms"), out.mean);
            take(latency_duration(field["stddev"], "stddev: 20ms"), out.stddev);
            break;
        case D::kLognormal:
            ok = field.check_keys({"dist", "median", "sigma"}, owner);
            take(latency_duration(field["median"], "median: 80ms", true), out.median);
            take(latency_number(field["sigma"], "sigma: 0.5", false), out.sigma);
            break;
        case D::kPareto:
            ok = field.check_keys({"dist", "scale", "shape"}, owner);
            take(latency_duration(field["scale"], "scale: 20ms", true), out.scale);
            take(latency_number(field["shape"], "shape: 2", true), out.shape);
            break;
    }
    return ok;
}

// Region names: unique, non-empty strings. Returns false if any is bad.
bool read_region_names(const Field& field, std::vector<std::string>& names) {
    if (!field.require("names: [us, eu, asia]")) return false;
    if (!field.expect_sequence("a list of region names such as [us, eu, asia]")) return false;
    if (field.size() == 0) {
        field.expected("at least one region name");
        return false;
    }
    bool ok = true;
    for (std::size_t i = 0; i < field.size(); ++i) {
        auto name = field.at(i).read_string();
        if (!name || name->empty()) {
            if (name) field.at(i).expected("a region name");
            ok = false;
            continue;
        }
        if (std::find(names.begin(), names.end(), *name) != names.end()) {
            field.at(i).error("region '" + *name + "' is listed twice");
            ok = false;
        }
        names.push_back(*name);
    }
    return ok;
}

bool read_region_matrix(const Field& field, const std::vector<std::string>& names,
                        std::vector<std::vector<core::Nanos>>& matrix) {
    const std::size_t n = names.size();
    const std::string shape =
        concat(std::to_string(n), " rows of ", std::to_string(n), " durations (one per region)");
    if (!field.require("matrix: [[10ms, 80ms], [80ms, 10ms]]")) return false;
    if (!field.expect_sequence(shape)) return false;
    if (field.size() != n) {
        field.error(concat("expected ", shape, ", got ", std::to_string(field.size()),
                           field.size() == 1 ? " row" : " rows"));
        return false;
    }
    bool ok = true;
    matrix.assign(n, std::vector<core::Nanos>(n, -1));
    for (std::size_t i = 0; i < n; ++i) {
        Field row = field.at(i);
        if (!row.is_sequence() || row.size() != n) {
            row.expected("a row of " + std::to_string(n) + " durations (to " +
                         join_names(std::vector<std::string_view>(names.begin(), names.end())) +
                         ")");
            ok = false;
            continue;
        }
        for (std::size_t j = 0; j < n; ++j) {
            if (auto delay = row.at(j).read_duration()) {
                matrix[i][j] = *delay;
            } else {
                ok = false;
            }
        }
    }
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t j = i + 1; j < n; ++j) {
            if (matrix[i][j] < 0 || matrix[j][i] < 0 || matrix[i][j] == matrix[j][i]) continue;
            field.at(j).at(i).error("the matrix must be symmetric: " + names[j] + " to " +
                                    names[i] + " is " + format_duration(matrix[j][i]) + " but " +
                                    names[i] + " to " + names[j] + " (" + field.path() + "." +
                                    std::to_string(i) + "." + std::to_string(j) + ") is " +
                                    format_duration(matrix[i][j]));
            ok = false;
        }
    }
    return ok;
}

// A region given by name or index.
std::optional<int> region_index(const Field& field, const std::vector<std::string>& names) {
    std::string text = field.scalar();
    auto it = std::find(names.begin(), names.end(), text);
    if (it != names.end()) return static_cast<int>(it - names.begin());
    std::vector<std::string_view> views(names.begin(), names.end());
    std::string message = "expected a region name (" + join_names(views) + ") or index (0-" +
                          std::to_string(names.size() - 1) + "), got " + field.got();
    bool digits =
        !text.empty() && text.size() < 9 &&
        std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (digits && std::stoul(text) < names.size()) return static_cast<int>(std::stoul(text));
    if (std::string guess = did_you_mean(text, views); !guess.empty()) {
        message += " (did you mean '" + guess + "'?)";
    }
    field.error(message);
    return std::nullopt;
}

// Assignment as a list (one region per node) or a map (region -> node set).
bool read_region_assignment(const Field& field, int nodes, const std::vector<std::string>& names,
                            std::vector<int>& node_region) {
    if (!field.require("assignment: {us: \"0-49\", eu: \"50-99\"}")) return false;
    if (nodes < 1) return false;
    node_region.assign(static_cast<std::size_t>(nodes), -1);
    bool ok = true;
    if (field.is_sequence()) {
        if (field.size() != static_cast<std::size_t>(nodes)) {
            field.error(concat("expected one region per node (", std::to_string(nodes),
                               " entries), got ", std::to_string(field.size())));
            return false;
        }
        for (std::size_t node = 0; node < field.size(); ++node) {
            if (auto region = region_index(field.at(node), names)) {
                node_region[node] = *region;
            } else {
                ok = false;
            }
        }
        return ok;
    }
    if (!field.is_map()) {
        field.expected(
            "a map of region to nodes such as {us: \"0-49\", eu: \"50-99\"}, or a "
            "list with one region per node");
        return false;
    }
    for (const MapEntry& entry : field.entries()) {
        auto region = region_index(entry.key_field, names);
        auto members = entry.value.read_node_set(nodes);
        if (!members && !entry.value.present()) entry.value.expected("a node set such as \"0-49\"");
        if (!region || !members) {
            ok = false;
            continue;
        }
        for (int node : *members) {
            int& slot = node_region[static_cast<std::size_t>(node)];
            if (slot >= 0 && slot != *region) {
                entry.value.error("node " + std::to_string(node) + " is already in region " +
                                  names[static_cast<std::size_t>(slot)] +
                                  "; every node belongs to exactly one region");
                ok = false;
                break;
            }
            slot = *region;
        }
    }
    if (!ok) return false;
    std::vector<int> unassigned;
    for (int node = 0; node < nodes; ++node) {
        if (node_region[static_cast<std::size_t>(node)] < 0) unassigned.push_back(node);
    }
    if (!unassigned.empty()) {
        field.error("node" + std::string(unassigned.size() == 1 ? " " : "s ") +
                    format_node_set(unassigned) +
                    " have no region; every node belongs to exactly one region");
        return false;
    }
    return true;
}

// `jitter: {dist: pareto, shape: 2.5}` or `{dist: lognormal, sigma: 0.5}`: each link's
// latency is its pair's matrix entry times a factor of mean 1 (net's LatencyJitter).
bool read_jitter(const Field& field, std::optional<LatencyJitter>& out) {
    if (!field.present()) return true;
    if (!field.expect_map()) return false;
    if (!field["dist"].require("dist: pareto")) return false;
    using D = LatencyJitter::Dist;
    auto dist = read_enum(field["dist"], {D::kPareto, D::kLognormal}, jitter_dist_name);
    if (!dist) return false;
    LatencyJitter jitter;
    jitter.dist = *dist;
    bool ok = true;
    if (*dist == D::kPareto) {
        ok = field.check_keys({"dist", "shape"}, "a pareto jitter");
        if (!field["shape"].require("shape: 2.5")) return false;
        auto shape = field["shape"].read_number(1, std::numeric_limits<double>::infinity(), true,
                                                true);
        if (!shape) return false;
        jitter.shape = *shape;
    } else {
        ok = field.check_keys({"dist", "sigma"}, "a lognormal jitter");
        if (!field["sigma"].require("sigma: 0.5")) return false;
        auto sigma = field["sigma"].read_number(0, std::numeric_limits<double>::infinity(), false,
                                                true);
        if (!sigma) return false;
        jitter.sigma = *sigma;
    }
    out = jitter;
    return ok;
}

bool read_regions(const Field& field, int nodes, LatencyRegions& out) {
    if (!field.expect_map()) return false;
    field.check_keys({"names", "matrix", "assignment", "jitter"}, "latency regions");
    if (!read_region_names(field["names"], out.names)) return false;
    bool matrix_ok = read_region_matrix(field["matrix"], out.names, out.matrix);
    bool assignment_ok =
        read_region_assignment(field["assignment"], nodes, out.names, out.node_region);
    bool jitter_ok = read_jitter(field["jitter"], out.jitter);
    return matrix_ok && assignment_ok && jitter_ok;
}

}  // namespace

bool read_latency(const Field& field, int nodes, LatencySpec& out) {
    if (!field.present()) return true;
    // `latency: 80ms` is short for `latency: {dist: constant, value: 80ms}`.
    if (field.is_scalar()) {
        auto value = field.read_duration();
        if (!value) return false;
        out = LatencySpec{};
        out.distribution.value = *value;
        return true;
    }
    if (!field.expect_map()) return false;
    bool has_dist = field["dist"].present();
    bool has_regions = field["regions"].present();
    if (has_dist && has_regions) {
        field.error("give either dist or regions, not both");
        return false;
    }
    if (has_regions) {
        bool ok = field.check_keys({"regions"}, "latency with regions");
        LatencySpec spec;
        spec.kind = LatencySpec::Kind::kRegions;
        if (!read_regions(field["regions"], nodes, spec.regions) || !ok) return false;
        out = std::move(spec);
        return true;
    }
    if (has_dist) {
        LatencySpec spec;
        if (!read_distribution(field, spec.distribution)) return false;
        out = std::move(spec);
        return true;
    }
    if (field.check_keys({"dist", "regions"}, "latency")) {
        field.expected(
            "a latency such as {dist: lognormal, median: 80ms, sigma: 0.5} or "
            "{regions: {names, matrix, assignment}}");
    }
    return false;
}

}  // namespace sim::scenario_internal

// Reading `network:`: node count, topology, latency (distributions and region matrices),
// relay, bandwidth, loss, block size, processing.
#include <algorithm>
#include <limits>
#include <numeric>
#include <set>

#include "sim/nodeset.h"
#include "sim/scenario_sections.h"
#include "sim/units.h"

namespace sim::scenario_internal {
namespace {

constexpr int kMaxNodes = 100'000;
constexpr int kDefaultDegree = 8;

// Reads a required integer parameter of a topology kind; nullopt when missing or bad.
std::optional<int> topology_int(const Field& field, std::string_view example, std::int64_t min,
                                std::int64_t max) {
    if (!field.require(example)) return std::nullopt;
    auto value = field.read_int(min, max);
    return value ? std::optional<int>(static_cast<int>(*value)) : std::nullopt;
}

// Checks that `edges` link every node, reporting the unreachable ones at `field`.
void check_connected(const Field& field, int nodes, const std::vector<std::pair<int, int>>& edges) {
    std::vector<int> parent(static_cast<std::size_t>(nodes));
    std::iota(parent.begin(), parent.end(), 0);
    auto find = [&](int x) {
        while (parent[static_cast<std::size_t>(x)] != x) {
            x = parent[static_cast<std::size_t>(x)] =
                parent[static_cast<std::size_t>(parent[static_cast<std::size_t>(x)])];
        }
        return x;
    };
    for (auto [a, b] : edges)
        parent[static_cast<std::size_t>(find(a))] = find(b);
    std::vector<int> cut_off;
    for (int node = 0; node < nodes; ++node) {
        if (find(node) != find(0)) cut_off.push_back(node);
    }
    if (!cut_off.empty()) {
        field.error("these edges leave node" + std::string(cut_off.size() == 1 ? " " : "s ") +
                    format_node_set(cut_off) +
                    " unreachable from node 0; the network must be connected (use partition "
                    "events to split it)");
    }
}

void read_explicit_edges(const Field& field, int nodes, TopologySpec& out) {
    if (!field.require("edges: [[0, 1], [1, 2]]")) return;
    if (!field.expect_sequence("a list of node pairs such as [[0, 1], [1, 2]]")) return;
    if (nodes < 1) return;
    std::set<std::pair<int, int>> seen;
    bool complete = true;
    for (std::size_t i = 0; i < field.size(); ++i) {
        Field edge = field.at(i);
        if (!edge.is_sequence() || edge.size() != 2) {
            edge.expected("a pair of nodes such as [0, 1]");
            complete = false;
            continue;
        }
        auto a = edge.at(0).read_node(nodes);
        auto b = edge.at(1).read_node(nodes);
        if (!a || !b) {
            complete = false;
            continue;
        }
        if (*a == *b) {
            edge.error("a node cannot be linked to itself (edge " + std::to_string(*a) + "-" +
                       std::to_string(*b) + ")");
            continue;
        }
        std::pair<int, int> link = std::minmax(*a, *b);
        if (!seen.insert(link).second) {
            edge.error("edge " + std::to_string(link.first) + "-" + std::to_string(link.second) +
                       " is listed twice");
        }
    }
    out.edges.assign(seen.begin(), seen.end());
    if (complete) check_connected(field, nodes, out.edges);
}

void read_topology(const Field& field, int nodes, TopologySpec& out) {
    if (!field.present()) {
        out.defaulted = true;
        if (nodes > kDefaultDegree) {
            out.kind = TopologyKind::kRandomRegular;
            out.degree = kDefaultDegree;
        }
        return;
    }
    // `topology: ring` is short for `topology: {kind: ring}`.
    Field kind_field = field.is_scalar() ? field : field["kind"];
    if (!field.is_scalar() && !field.expect_map()) return;
    if (!kind_field.require("kind: random-regular")) return;
    using K = TopologyKind;
    auto kind = read_enum(kind_field,
                          {K::kFull, K::kRing, K::kLine, K::kStar, K::kRandomRegular,
                           K::kErdosRenyi, K::kSmallWorld, K::kScaleFree, K::kExplicit},
                          topology_name);
    if (!kind) return;
    out.kind = *kind;
    std::string owner = "topology kind " + std::string(topology_name(*kind));

    // Kinds with parameters need enough nodes for any valid value.
    int minimum_nodes = *kind == K::kSmallWorld                                ? 3
                        : *kind == K::kRandomRegular || *kind == K::kScaleFree ? 2
                                                                               : 1;
    if (nodes >= 1 && nodes < minimum_nodes) {
        kind_field.error(owner + " needs at least " + std::to_string(minimum_nodes) +
                         " nodes; this scenario has " + std::to_string(nodes));
        nodes = 0;  // skip the range checks below
    }
    const std::int64_t below_nodes = nodes >= 1 ? nodes - 1 : std::numeric_limits<int>::max();
    switch (*kind) {
        case K::kFull:
        case K::kRing:
        case K::kLine:
        case K::kStar:
            field.check_keys({"kind"}, owner);
            break;
        case K::kRandomRegular:
            field.check_keys({"kind", "degree"}, owner);
            if (auto degree = topology_int(field["degree"], "degree: 8", 1, below_nodes)) {
                out.degree = *degree;
                if (nodes >= 1 && (static_cast<std::int64_t>(nodes) * *degree) % 2 != 0) {
                    field["degree"].error("random-regular needs nodes * degree to be even; " +
                                          std::to_string(nodes) + " * " + std::to_string(*degree) +
                                          " is odd");
                }
            }
            break;
        case K::kErdosRenyi:
            field.check_keys({"kind", "p"}, owner);
            if (field["p"].require("p: 0.1")) {
                if (auto p = field["p"].read_number(0, 1, true, false)) out.p = *p;
            }
            break;
        case K::kSmallWorld:
            field.check_keys({"kind", "k", "beta"}, owner);
            if (auto k = topology_int(field["k"], "k: 4", 2, below_nodes)) {
                out.k = *k;
                if (*k % 2 != 0) field["k"].expected("an even k (k/2 neighbours on each side)");
            }
            if (field["beta"].require("beta: 0.1")) {
                if (auto beta = field["beta"].read_number(0, 1)) out.beta = *beta;
            }
            break;
        case K::kScaleFree:
            field.check_keys({"kind", "m"}, owner);
            if (auto m = topology_int(field["m"], "m: 2", 1, below_nodes)) out.m = *m;
            break;
        case K::kExplicit:
            field.check_keys({"kind", "edges"}, owner);
            read_explicit_edges(field["edges"], nodes, out);
            break;
    }
}

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

bool read_regions(const Field& field, int nodes, LatencyRegions& out) {
    if (!field.expect_map()) return false;
    field.check_keys({"names", "matrix", "assignment"}, "latency regions");
    if (!read_region_names(field["names"], out.names)) return false;
    bool matrix_ok = read_region_matrix(field["matrix"], out.names, out.matrix);
    bool assignment_ok =
        read_region_assignment(field["assignment"], nodes, out.names, out.node_region);
    return matrix_ok && assignment_ok;
}

void read_processing(const Field& field, ProcessingSpec& out) {
    if (!field.present() || !field.expect_map()) return;
    field.check_keys({"per_block", "per_tx"}, "network.processing");
    if (auto t = field["per_block"].read_duration()) out.per_block = *t;
    if (auto t = field["per_tx"].read_duration()) out.per_tx = *t;
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

void read_network(const Field& field, NetworkSpec& out) {
    out.nodes = 0;
    if (!field.expect_map()) return;
    field.check_keys(
        {"nodes", "topology", "latency", "relay", "bandwidth", "loss", "block_size", "processing"},
        "network");
    if (field["nodes"].require("nodes: 100")) {
        if (auto nodes = field["nodes"].read_int(1, kMaxNodes))
            out.nodes = static_cast<int>(*nodes);
    }
    read_topology(field["topology"], out.nodes, out.topology);
    (void)read_latency(field["latency"], out.nodes, out.latency);
    if (auto relay = read_enum(field["relay"], {Relay::kAnnounce, Relay::kPush}, relay_name)) {
        out.relay = *relay;
    }
    if (auto bandwidth = field["bandwidth"].read_bandwidth()) out.bandwidth_bps = *bandwidth;
    if (auto loss = field["loss"].read_number(0, 1, false, true)) out.loss = *loss;
    if (auto size = field["block_size"].read_size()) out.block_size_bytes = *size;
    read_processing(field["processing"], out.processing);
}

}  // namespace sim::scenario_internal

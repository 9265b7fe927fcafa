// Reading `network:`: node count, topology, relay, bandwidth, loss, block size and
// processing. Latency is in scenario_latency.cpp.
#include <algorithm>
#include <limits>
#include <numeric>
#include <set>

#include "sim/scenario/nodeset.h"
#include "sim/scenario/sections.h"

namespace sim::scenario_internal {
namespace {

constexpr int kMaxNodes = 1'000'000;
constexpr int kDefaultDegree = 8;

// Checks that `edges` link every node, reporting the unreachable ones at `field`.
void check_connected(const Field& field, int nodes, const std::vector<std::pair<int, int>>& edges) {
    std::vector<std::size_t> parent(static_cast<std::size_t>(nodes));
    std::iota(parent.begin(), parent.end(), 0);
    auto root = [&parent](std::size_t x) {
        while (parent[x] != x)
            x = parent[x] = parent[parent[x]];
        return x;
    };
    for (auto [a, b] : edges)
        parent[root(a)] = root(b);
    std::vector<int> cut_off;
    for (int node = 0; node < nodes; ++node) {
        if (root(node) != root(0)) cut_off.push_back(node);
    }
    if (!cut_off.empty()) {
        field.error(concat("these edges leave node", cut_off.size() == 1 ? " " : "s ",
                           format_node_set(cut_off),
                           " unreachable from node 0; the network must be connected (use "
                           "partition events to split it)"));
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

// `degrees: [[1, 0.1], [8, 0.6], [40, 0.3]]`: (degree, weight) bins, read for their types;
// validate() checks the values.
bool read_degree_bins(const Field& field, TopologySpec& out) {
    if (!field.require("degrees: [[1, 0.1], [8, 0.9]]")) return false;
    if (!field.expect_sequence("a list of [degree, weight] bins such as [[1, 0.1], [8, 0.9]]"))
        return false;
    bool complete = true;
    out.degrees.clear();
    for (std::size_t i = 0; i < field.size(); ++i) {
        Field bin = field.at(i);
        if (!bin.is_sequence() || bin.size() != 2) {
            bin.expected("a [degree, weight] pair such as [8, 0.5]");
            complete = false;
            continue;
        }
        auto degree = bin.at(0).read_int(std::numeric_limits<int>::min(),
                                         std::numeric_limits<int>::max());
        auto weight = bin.at(1).read_number(-std::numeric_limits<double>::infinity(),
                                            std::numeric_limits<double>::infinity());
        if (!degree || !weight) {
            complete = false;
            continue;
        }
        out.degrees.emplace_back(static_cast<int>(*degree), *weight);
    }
    return complete;
}

// The field a dotted path from validate() names under `field`: "max_inbound", "degrees.2.0";
// where the path leaves the file (a default), the nearest enclosing field. Recursive rather
// than a loop: assigning a Field would assign its YAML::Node, which rebinds the document.
Field field_at_path(const Field& field, std::string_view path) {
    if (path.empty()) return field;
    const std::size_t dot = std::min(path.find('.'), path.size());
    const std::string part(path.substr(0, dot));
    const std::string_view rest = dot < path.size() ? path.substr(dot + 1) : std::string_view();
    const bool index = part.find_first_not_of("0123456789") == std::string::npos && !part.empty();
    if (index && field.is_sequence() && std::stoul(part) < field.size()) {
        return field_at_path(field.at(std::stoul(part)), rest);
    }
    if (field.is_map() && field[part].present()) return field_at_path(field[part], rest);
    return field;
}

void read_topology(const Field& field, int nodes, TopologySpec& out, bool& defaulted) {
    defaulted = !field.present();
    if (defaulted) {
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
                           K::kErdosRenyi, K::kSmallWorld, K::kScaleFree, K::kExplicit,
                           K::kBitcoin, K::kConfiguration},
                          topology_name);
    if (!kind) return;
    out.kind = *kind;
    std::string owner = "topology kind " + std::string(topology_name(*kind));

    // Here the fields are read for their type only; sim::validate (net/topology.h) holds
    // the rules, and its complaint is placed at the field it names.
    constexpr std::int64_t kAnyInt = std::numeric_limits<int>::max();
    bool complete = true;
    auto take_int = [&](const char* name, std::string_view example, int& target) {
        if (!field[name].require(example)) {
            complete = false;
            return;
        }
        if (auto value = field[name].read_int(std::numeric_limits<int>::min(), kAnyInt)) {
            target = static_cast<int>(*value);
        } else {
            complete = false;
        }
    };
    auto take_number = [&](const char* name, std::string_view example, double& target) {
        if (!field[name].require(example)) {
            complete = false;
            return;
        }
        if (auto value = field[name].read_number(-std::numeric_limits<double>::infinity(),
                                                 std::numeric_limits<double>::infinity())) {
            target = *value;
        } else {
            complete = false;
        }
    };
    // `clique`, with every kind: these nodes are also linked pairwise (docs/scenarios.md).
    if (!field.is_scalar() && field["clique"].present()) {
        if (auto clique = field["clique"].read_node_set(nodes)) {
            out.clique = std::move(*clique);
        } else {
            complete = false;
        }
    }
    switch (*kind) {
        case K::kFull:
        case K::kRing:
        case K::kLine:
        case K::kStar:
            field.check_keys({"kind", "clique"}, owner);
            break;
        case K::kRandomRegular:
            field.check_keys({"kind", "degree", "clique"}, owner);
            take_int("degree", "degree: 8", out.degree);
            break;
        case K::kErdosRenyi:
            field.check_keys({"kind", "p", "clique"}, owner);
            take_number("p", "p: 0.1", out.p);
            break;
        case K::kSmallWorld:
            field.check_keys({"kind", "k", "beta", "clique"}, owner);
            take_int("k", "k: 4", out.k);
            take_number("beta", "beta: 0.1", out.beta);
            break;
        case K::kScaleFree:
            field.check_keys({"kind", "m", "clique"}, owner);
            take_int("m", "m: 2", out.m);
            break;
        case K::kExplicit:
            field.check_keys({"kind", "edges", "clique"}, owner);
            read_explicit_edges(field["edges"], nodes, out);
            return;  // the reader checks edges where each one stands
        case K::kBitcoin: {
            // Each has Bitcoin Core's default when absent (docs/network.md).
            field.check_keys({"kind", "outbound", "max_inbound", "reachable", "clique"}, owner);
            auto take_optional_int = [&](const char* name, int& target) {
                if (!field[name].present()) return;
                if (auto value = field[name].read_int(std::numeric_limits<int>::min(), kAnyInt)) {
                    target = static_cast<int>(*value);
                } else {
                    complete = false;
                }
            };
            take_optional_int("outbound", out.outbound);
            take_optional_int("max_inbound", out.max_inbound);
            if (field["reachable"].present()) take_number("reachable", "reachable: 0.1", out.reachable);
            break;
        }
        case K::kConfiguration:
            field.check_keys({"kind", "degrees", "clique"}, owner);
            if (!read_degree_bins(field["degrees"], out)) complete = false;
            break;
    }
    if (!complete || nodes < 1) return;
    if (Status status = validate(out, nodes); !status) {
        const Field at = status.field().empty() || status.field() == "kind"
                             ? kind_field
                             : field_at_path(field, status.field());
        at.error(status.error());
    }
}

void read_processing(const Field& field, ProcessingSpec& out) {
    if (!field.present() || !field.expect_map()) return;
    field.check_keys({"per_block", "per_tx", "per_kb"}, "network.processing");
    if (auto t = field["per_block"].read_duration()) out.per_block = *t;
    if (auto t = field["per_tx"].read_duration()) out.per_tx = *t;
    if (auto t = field["per_kb"].read_duration()) out.per_kb = *t;
}

// One bandwidth distribution: `50Mbps` or {dist: lognormal, median: 6.7Mbps, sigma: 0.5}.
bool read_rate_distribution(const Field& field, RateDistribution& out) {
    out = RateDistribution{};
    if (field.is_scalar()) {
        auto value = field.read_bandwidth();
        if (!value) return false;
        out.value = static_cast<double>(*value);
    } else {
        if (!field.expect_map()) return false;
        if (!field["dist"].require("dist: lognormal")) return false;
        using D = RateDist;
        auto dist = read_enum(field["dist"],
                              {D::kConstant, D::kUniform, D::kNormal, D::kLognormal, D::kPareto},
                              rate_dist_name);
        if (!dist) return false;
        out.dist = *dist;
        const std::string owner = "bandwidth dist " + std::string(rate_dist_name(*dist));
        bool ok = true;
        auto rate = [&](const char* name, std::string_view example, double& target) {
            if (!field[name].require(example)) {
                ok = false;
            } else if (auto v = field[name].read_bandwidth()) {
                target = static_cast<double>(*v);
            } else {
                ok = false;
            }
        };
        auto number = [&](const char* name, std::string_view example, double& target) {
            if (!field[name].require(example)) {
                ok = false;
            } else if (auto v = field[name].read_number(
                           0, std::numeric_limits<double>::infinity(), name == std::string("shape"))) {
                target = *v;
            } else {
                ok = false;
            }
        };
        switch (*dist) {
            case D::kConstant:
                ok = field.check_keys({"dist", "value"}, owner);
                rate("value", "value: 50Mbps", out.value);
                break;
            case D::kUniform:
                ok = field.check_keys({"dist", "min", "max"}, owner);
                rate("min", "min: 10Mbps", out.min);
                rate("max", "max: 100Mbps", out.max);
                break;
            case D::kNormal:
                ok = field.check_keys({"dist", "mean", "stddev"}, owner);
                rate("mean", "mean: 50Mbps", out.mean);
                rate("stddev", "stddev: 10Mbps", out.stddev);
                break;
            case D::kLognormal:
                ok = field.check_keys({"dist", "median", "sigma"}, owner);
                rate("median", "median: 50Mbps", out.median);
                number("sigma", "sigma: 0.5", out.sigma);
                break;
            case D::kPareto:
                ok = field.check_keys({"dist", "scale", "shape"}, owner);
                rate("scale", "scale: 10Mbps", out.scale);
                number("shape", "shape: 2", out.shape);
                break;
        }
        if (!ok) return false;
    }
    if (Status status = validate(out); !status) {
        field.error(status.error());
        return false;
    }
    return true;
}

// One direction of per-node bandwidth: a value, a distribution, or {regions: {name: ...}}.
void read_node_rate(const Field& field, const LatencySpec& latency, NodeRateSpec& out) {
    if (!field.present()) return;
    if (field.is_map() && field["regions"].present()) {
        if (!field.check_keys({"regions"}, "bandwidth by region")) return;
        const Field table = field["regions"];
        if (latency.kind != LatencySpec::Kind::kRegions) {
            table.error("bandwidth by region needs latency regions (network.latency.regions) "
                        "to name them");
            return;
        }
        if (!table.expect_map()) return;
        const std::vector<std::string>& names = latency.regions.names;
        std::vector<RateDistribution> by_region(names.size());
        std::vector<char> given(names.size(), 0);
        bool ok = true;
        for (const MapEntry& entry : table.entries()) {
            const std::string name = entry.key_field.scalar();
            auto it = std::find(names.begin(), names.end(), name);
            if (it == names.end()) {
                std::vector<std::string_view> views(names.begin(), names.end());
                entry.key_field.error(concat("expected a latency region (", join_names(views),
                                             "), got ", entry.key_field.got()));
                ok = false;
                continue;
            }
            const auto index = static_cast<std::size_t>(it - names.begin());
            given[index] = 1;
            if (!read_rate_distribution(entry.value, by_region[index])) ok = false;
        }
        for (std::size_t r = 0; r < names.size() && ok; ++r) {
            if (!given[r]) {
                table.error("region '" + names[r] +
                            "' has no bandwidth; give one for every latency region");
                ok = false;
            }
        }
        if (!ok) return;
        out.kind = NodeRateSpec::Kind::kRegions;
        out.by_region = std::move(by_region);
        return;
    }
    RateDistribution d;
    if (!read_rate_distribution(field, d)) return;
    out.kind = NodeRateSpec::Kind::kDistribution;
    out.distribution = d;
}

// `bandwidth: 20Mbps` (every link) or {upload: ..., download: ..., link: ...} (per node).
void read_bandwidth(const Field& field, NetworkSpec& out) {
    if (!field.present()) return;
    if (field.is_scalar()) {
        if (auto bandwidth = field.read_bandwidth()) out.bandwidth_bps = *bandwidth;
        return;
    }
    if (!field.is_map()) {
        field.expected("a link bandwidth such as 20Mbps, or {upload: 10Mbps, download: 50Mbps}");
        return;
    }
    field.check_keys({"upload", "download", "link"}, "network.bandwidth");
    if (!field["upload"].present() && !field["download"].present()) {
        field.error("give upload, download or both (or a scalar link bandwidth such as 20Mbps)");
        return;
    }
    if (auto link = field["link"].read_bandwidth()) out.bandwidth_bps = *link;
    read_node_rate(field["upload"], out.latency, out.node_bandwidth.upload);
    read_node_rate(field["download"], out.latency, out.node_bandwidth.download);
}

void read_compact(const Field& field, NetworkSpec& out) {
    if (!field.present() || !field.expect_map()) return;
    field.check_keys({"miss_rate", "padding_tx_size", "high_bandwidth_peers"}, "network.compact");
    if (out.relay != Relay::kCompact) {
        field.error("network.compact applies to relay: compact only");
        return;
    }
    if (auto rate = field["miss_rate"].read_number(0, 1)) out.compact.miss_rate = *rate;
    if (auto size = field["padding_tx_size"].read_size()) {
        if (*size == 0 || *size > 1'000'000) {
            field["padding_tx_size"].expected("a size from 1B to 1MB");
        } else {
            out.compact.padding_tx_bytes = static_cast<std::uint32_t>(*size);
        }
    }
    if (auto peers = field["high_bandwidth_peers"].read_int(0, 8)) {
        out.compact.high_bandwidth_peers = static_cast<int>(*peers);
    }
}

}  // namespace

void read_network(const Field& field, NetworkSpec& out) {
    out.nodes = 0;
    if (!field.expect_map()) return;
    field.check_keys(
        {"nodes", "topology", "latency", "relay", "bandwidth", "loss", "block_size", "processing",
         "compact", "block_request_timeout"},
        "network");
    if (field["nodes"].require("nodes: 100")) {
        if (auto nodes = field["nodes"].read_int(1, kMaxNodes))
            out.nodes = static_cast<int>(*nodes);
    }
    read_topology(field["topology"], out.nodes, out.topology, out.topology_defaulted);
    (void)read_latency(field["latency"], out.nodes, out.latency);
    if (auto relay = read_enum(field["relay"], {Relay::kAnnounce, Relay::kPush, Relay::kCompact}, relay_name)) {
        out.relay = *relay;
    }
    read_bandwidth(field["bandwidth"], out);
    if (auto loss = field["loss"].read_number(0, 1, false, true)) out.loss = *loss;
    if (auto size = field["block_size"].read_size()) out.block_size_bytes = *size;
    read_processing(field["processing"], out.processing);
    read_compact(field["compact"], out);
    if (auto t = field["block_request_timeout"].read_duration(true))
        out.block_request_timeout = *t;
}

}  // namespace sim::scenario_internal

#include "sim/net/topology.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/connected_components.hpp>
#include <boost/graph/dijkstra_shortest_paths.hpp>
#include <boost/graph/erdos_renyi_generator.hpp>
#include <boost/graph/small_world_generator.hpp>

namespace sim {
namespace {

using Links = std::vector<std::pair<int, int>>;

// Orders every pair as (low, high), drops self-loops and repeats, sorts ascending.
Links normalized(Links links) {
    for (auto& [a, b] : links) {
        if (a > b) std::swap(a, b);
    }
    std::erase_if(links, [](const auto& link) { return link.first == link.second; });
    std::sort(links.begin(), links.end());
    links.erase(std::unique(links.begin(), links.end()), links.end());
    return links;
}

Links full_links(int n) {
    Links links;
    for (int a = 0; a < n; ++a) {
        for (int b = a + 1; b < n; ++b)
            links.emplace_back(a, b);
    }
    return links;
}

Links ring_links(int n) {
    Links links;
    for (int a = 0; a + 1 < n; ++a)
        links.emplace_back(a, a + 1);
    if (n > 2) links.emplace_back(0, n - 1);
    return links;
}

Links line_links(int n) {
    Links links;
    for (int a = 0; a + 1 < n; ++a)
        links.emplace_back(a, a + 1);
    return links;
}

Links star_links(int n) {
    Links links;
    for (int b = 1; b < n; ++b)
        links.emplace_back(0, b);
    return links;
}

bool adjacent(const std::vector<std::vector<int>>& adj, int a, int b) {
    return std::find(adj[a].begin(), adj[a].end(), b) != adj[a].end();
}

// One attempt at the pairing (configuration) model with local rejection (Steger & Wormald):
// node v has degree[v] link ends; draw two remaining ends at random, keep the pair unless it
// is a self-loop or a repeat. Returns false when the remaining ends admit no valid pair, so
// the caller starts over.
bool try_pairing(const std::vector<int>& degree, Rng& rng, Links& out) {
    std::vector<int> ends;
    const int n = static_cast<int>(degree.size());
    for (int v = 0; v < n; ++v)
        ends.insert(ends.end(), degree[static_cast<std::size_t>(v)], v);
    std::vector<std::vector<int>> adj(n);
    out.clear();
    int failures = 0;
    while (!ends.empty()) {
        const std::size_t i = rng.below(ends.size());
        const std::size_t j = rng.below(ends.size());
        const int a = ends[i];
        const int b = ends[j];
        if (a == b || adjacent(adj, a, b)) {
            // Rare unless we are stuck; after many misses check whether any pair is left.
            if (++failures < 64) continue;
            failures = 0;
            bool any = false;
            for (std::size_t x = 0; x < ends.size() && !any; ++x) {
                for (std::size_t y = x + 1; y < ends.size() && !any; ++y) {
                    any = ends[x] != ends[y] && !adjacent(adj, ends[x], ends[y]);
                }
            }
            if (!any) return false;
            continue;
        }
        failures = 0;
        adj[a].push_back(b);
        adj[b].push_back(a);
        out.emplace_back(a, b);
        // Remove ends i and j (the larger index first, so the smaller stays valid).
        for (std::size_t index : {std::max(i, j), std::min(i, j)}) {
            ends[index] = ends.back();
            ends.pop_back();
        }
    }
    return true;
}

Expected<Links> random_regular_links(int n, int degree, Rng& rng) {
    // A dense regular graph is the complement of a sparse one, which pairs far more easily.
    if (2 * degree > n - 1) {
        Expected<Links> sparse = random_regular_links(n, n - 1 - degree, rng);
        if (!sparse) return sparse;
        const Links chosen = normalized(std::move(sparse).value());
        Links complement;
        for (const auto& link : full_links(n)) {
            if (!std::binary_search(chosen.begin(), chosen.end(), link)) complement.push_back(link);
        }
        return complement;
    }
    constexpr int kAttempts = 1000;
    Links links;
    for (int attempt = 0; attempt < kAttempts; ++attempt) {
        if (try_pairing(std::vector<int>(static_cast<std::size_t>(n), degree), rng, links))
            return links;
    }
    return Error{"topology random-regular: no simple " + std::to_string(degree) +
                 "-regular graph on " + std::to_string(n) + " nodes found after " +
                 std::to_string(kAttempts) + " attempts"};
}

Links erdos_renyi_links(int n, double p, Rng& rng) {
    if (p <= 0.0) return {};
    if (p >= 1.0) return full_links(n);  // Boost's geometric skip needs p < 1
    using Generator = boost::sorted_erdos_renyi_iterator<Rng, Graph>;
    Links links;
    for (Generator it(rng, n, p, /*loops=*/false), end; it != end; ++it) {
        links.emplace_back(static_cast<int>(it->first), static_cast<int>(it->second));
    }
    return links;
}

// Watts-Strogatz. Boost's generator rewires a link to a random node outside the ring
// neighbourhood without checking for an existing link, so a few links may coincide; they
// are merged by normalized().
Links small_world_links(int n, int k, double beta, Rng& rng) {
    using Generator = boost::small_world_iterator<Rng, Graph>;
    Links links;
    for (Generator it(rng, n, k, beta, /*allow_self_loops=*/false), end; it != end; ++it) {
        links.emplace_back(static_cast<int>(it->first), static_cast<int>(it->second));
    }
    return links;
}

// Barabasi-Albert preferential attachment, written here rather than taken from Boost: its
// plod_iterator (power-law out-degree) has no `m` parameter and produces self-loops and
// multi-edges. Start from a clique on m + 1 nodes; each later node links to m distinct existing
// nodes, each chosen with probability proportional to its degree (a uniform pick from the list
// of all link ends).
Links scale_free_links(int n, int m, Rng& rng) {
    Links links = full_links(m + 1);
    std::vector<int> ends;
    for (const auto& [a, b] : links) {
        ends.push_back(a);
        ends.push_back(b);
    }
    std::vector<int> targets;
    for (int v = m + 1; v < n; ++v) {
        targets.clear();
        while (static_cast<int>(targets.size()) < m) {
            const int t = ends[rng.below(ends.size())];
            if (std::find(targets.begin(), targets.end(), t) == targets.end()) targets.push_back(t);
        }
        for (int t : targets) {
            links.emplace_back(t, v);
            ends.push_back(t);
            ends.push_back(v);
        }
    }
    return links;
}

// The configuration model: each node's degree drawn from the weighted bins, then the link
// ends paired into a simple graph (try_pairing). An odd degree sum gets one more end on a
// random node below nodes - 1, so that every end has a partner.
Expected<Links> configuration_links(int n, const std::vector<std::pair<int, double>>& bins,
                                    Rng& rng) {
    double total = 0;
    for (const auto& bin : bins)
        total += bin.second;
    std::vector<int> degree(static_cast<std::size_t>(n));
    long long sum = 0;
    for (int& d : degree) {
        double u = rng.uniform01() * total;
        d = bins.back().first;  // should rounding leave u above every bin
        for (const auto& [value, weight] : bins) {
            if (u < weight) {
                d = value;
                break;
            }
            u -= weight;
        }
        sum += d;
    }
    if (sum % 2 != 0) {
        while (true) {
            int& d = degree[rng.below(static_cast<std::uint64_t>(n))];
            if (d < n - 1) {
                ++d;
                break;
            }
        }
    }
    constexpr int kAttempts = 100;
    Links links;
    for (int attempt = 0; attempt < kAttempts; ++attempt) {
        if (try_pairing(degree, rng, links)) return links;
    }
    return Error{"topology configuration: the degrees drawn admit no simple graph on " +
                 std::to_string(n) + " nodes (" + std::to_string(kAttempts) +
                 " pairings failed); use smaller degrees or more nodes"};
}

}  // namespace

int reachable_count(const TopologySpec& spec, int nodes) {
    const long long count = std::llround(spec.reachable * nodes);
    return static_cast<int>(std::clamp<long long>(count, 1, nodes));
}

Expected<BitcoinConnections> bitcoin_connections(const TopologySpec& spec, int n, Rng& rng) {
    assert(spec.kind == TopologyKind::kBitcoin);
    if (Status status = validate(spec, n); !status) {
        return Error{"topology bitcoin: " + status.field() + ": " + status.error()};
    }
    // The reachable nodes: a uniform sample of reachable_count (a partial Fisher-Yates).
    const int r = reachable_count(spec, n);
    std::vector<int> order(static_cast<std::size_t>(n));
    for (int v = 0; v < n; ++v)
        order[static_cast<std::size_t>(v)] = v;
    for (int i = 0; i < r; ++i) {
        const auto j = static_cast<std::size_t>(i) + rng.below(static_cast<std::uint64_t>(n - i));
        std::swap(order[static_cast<std::size_t>(i)], order[j]);
    }
    std::vector<int> reachable(order.begin(), order.begin() + r);
    std::sort(reachable.begin(), reachable.end());
    BitcoinConnections out;
    out.reachable.assign(static_cast<std::size_t>(n), false);
    for (int v : reachable)
        out.reachable[static_cast<std::size_t>(v)] = true;

    // Nodes open their links in a random order, each to reachable nodes drawn uniformly among
    // those with a free inbound slot that it is not linked to yet. A node left without a
    // candidate (possible only when the slots are nearly all needed) restarts the attempt.
    constexpr int kAttempts = 100;
    for (int attempt = 0; attempt < kAttempts; ++attempt) {
        std::vector<int> slots(static_cast<std::size_t>(n), 0);
        for (int v : reachable)
            slots[static_cast<std::size_t>(v)] = spec.max_inbound;
        std::vector<std::vector<int>> adj(static_cast<std::size_t>(n));
        for (int i = n - 1; i > 0; --i)
            std::swap(order[static_cast<std::size_t>(i)],
                      order[rng.below(static_cast<std::uint64_t>(i) + 1)]);
        out.outbound.clear();
        bool stuck = false;
        for (int from : order) {
            for (int k = 0; k < spec.outbound && !stuck; ++k) {
                auto usable = [&](int to) {
                    return to != from && slots[static_cast<std::size_t>(to)] > 0 &&
                           !adjacent(adj, from, to);
                };
                int to = -1;
                // Rejection from all reachable nodes is uniform over the usable ones; when
                // most are full, list the usable ones instead.
                for (int tries = 0; tries < 32 && to < 0; ++tries) {
                    const int pick = reachable[rng.below(reachable.size())];
                    if (usable(pick)) to = pick;
                }
                if (to < 0) {
                    std::vector<int> usable_nodes;
                    for (int v : reachable) {
                        if (usable(v)) usable_nodes.push_back(v);
                    }
                    if (usable_nodes.empty()) {
                        stuck = true;
                        break;
                    }
                    to = usable_nodes[rng.below(usable_nodes.size())];
                }
                --slots[static_cast<std::size_t>(to)];
                adj[static_cast<std::size_t>(from)].push_back(to);
                adj[static_cast<std::size_t>(to)].push_back(from);
                out.outbound.emplace_back(from, to);
            }
            if (stuck) break;
        }
        if (!stuck) return out;
    }
    return Error{"topology bitcoin: no graph found after " + std::to_string(kAttempts) +
                 " attempts: the " + std::to_string(r) + " reachable nodes' " +
                 std::to_string(spec.max_inbound) + " inbound slots each are too few for " +
                 std::to_string(n) + " nodes opening " + std::to_string(spec.outbound) +
                 " links; raise max_inbound or reachable"};
}

namespace {

// Shortest decimal that reads back as `x`, for messages: 0, 0.25, 1e-09.
std::string number(double x) {
    char buf[32];
    for (int precision = 1; precision <= 17; ++precision) {
        std::snprintf(buf, sizeof buf, "%.*g", precision, x);
        if (std::strtod(buf, nullptr) == x) break;
    }
    return buf;
}

}  // namespace

std::string_view topology_name(TopologyKind kind) {
    switch (kind) {
        case TopologyKind::kFull:
            return "full";
        case TopologyKind::kRing:
            return "ring";
        case TopologyKind::kLine:
            return "line";
        case TopologyKind::kStar:
            return "star";
        case TopologyKind::kRandomRegular:
            return "random-regular";
        case TopologyKind::kErdosRenyi:
            return "erdos-renyi";
        case TopologyKind::kSmallWorld:
            return "small-world";
        case TopologyKind::kScaleFree:
            return "scale-free";
        case TopologyKind::kExplicit:
            return "explicit";
        case TopologyKind::kBitcoin:
            return "bitcoin";
        case TopologyKind::kConfiguration:
            return "configuration";
    }
    return "unknown";
}

std::optional<TopologyKind> topology_kind_from_name(std::string_view name) {
    for (TopologyKind kind :
         {TopologyKind::kFull, TopologyKind::kRing, TopologyKind::kLine, TopologyKind::kStar,
          TopologyKind::kRandomRegular, TopologyKind::kErdosRenyi, TopologyKind::kSmallWorld,
          TopologyKind::kScaleFree, TopologyKind::kExplicit, TopologyKind::kBitcoin,
          TopologyKind::kConfiguration}) {
        if (name == topology_name(kind)) return kind;
    }
    return std::nullopt;
}

Status validate(const TopologySpec& spec, int nodes) {
    const std::string owner = "topology kind " + std::string(topology_name(spec.kind));
    const int minimum_nodes = spec.kind == TopologyKind::kSmallWorld ? 3
                              : spec.kind == TopologyKind::kRandomRegular ||
                                      spec.kind == TopologyKind::kScaleFree ||
                                      spec.kind == TopologyKind::kBitcoin ||
                                      spec.kind == TopologyKind::kConfiguration
                                  ? 2
                                  : 1;
    if (nodes < minimum_nodes) {
        return Error{owner + " needs at least " + std::to_string(minimum_nodes) +
                         " nodes; this scenario has " + std::to_string(nodes),
                     "kind"};
    }
    auto int_range = [](std::string_view field, int value, int min, int max) -> Status {
        if (value >= min && value <= max) return {};
        return Error{"expected an integer from " + std::to_string(min) + " to " +
                         std::to_string(max) + ", got " + std::to_string(value),
                     std::string(field)};
    };
    for (std::size_t i = 0; i < spec.clique.size(); ++i) {
        const int node = spec.clique[i];
        if (node < 0 || node >= nodes) {
            return Error{"expected nodes from 0 to " + std::to_string(nodes - 1) + ", got " +
                             std::to_string(node),
                         "clique"};
        }
        if (i > 0 && node <= spec.clique[i - 1])
            return Error{"expected node indices in ascending order without repeats", "clique"};
    }
    switch (spec.kind) {
        case TopologyKind::kFull:
        case TopologyKind::kRing:
        case TopologyKind::kLine:
        case TopologyKind::kStar:
            return Status::success();
        case TopologyKind::kRandomRegular:
            if (Status s = int_range("degree", spec.degree, 1, nodes - 1); !s) return s;
            if ((static_cast<long long>(nodes) * spec.degree) % 2 != 0) {
                return Error{"random-regular needs nodes * degree to be even; " +
                                 std::to_string(nodes) + " * " + std::to_string(spec.degree) +
                                 " is odd",
                             "degree"};
            }
            return Status::success();
        case TopologyKind::kErdosRenyi:
            if (!(spec.p > 0.0 && spec.p <= 1.0)) {
                return Error{"expected a number above 0 and at most 1, got " + number(spec.p), "p"};
            }
            return Status::success();
        case TopologyKind::kSmallWorld:
            // The ring lattice needs k + 1 < nodes.
            if (Status s = int_range("k", spec.k, 2, nodes - 2); !s) return s;
            if (spec.k % 2 != 0) {
                return Error{"expected an even k (k/2 neighbours on each side), got " +
                                 std::to_string(spec.k),
                             "k"};
            }
            if (!(spec.beta >= 0.0 && spec.beta <= 1.0)) {
                return Error{"expected a number from 0 to 1, got " + number(spec.beta), "beta"};
            }
            return Status::success();
        case TopologyKind::kScaleFree:
            return int_range("m", spec.m, 1, nodes - 1);
        case TopologyKind::kExplicit:
            for (std::size_t i = 0; i < spec.edges.size(); ++i) {
                const auto [a, b] = spec.edges[i];
                if (a < 0 || a >= nodes || b < 0 || b >= nodes) {
                    return Error{owner + ": edge " + std::to_string(i) + " [" + std::to_string(a) +
                                     ", " + std::to_string(b) + "] names a node outside [0, " +
                                     std::to_string(nodes - 1) + "]",
                                 "edges"};
                }
            }
            return Status::success();
        case TopologyKind::kBitcoin: {
            if (Status s = int_range("outbound", spec.outbound, 1, nodes - 1); !s) return s;
            // A cap above nodes - 1 never binds, but is no error (117 on a small network).
            if (spec.max_inbound < 1) {
                return Error{"expected an integer of at least 1, got " +
                                 std::to_string(spec.max_inbound),
                             "max_inbound"};
            }
            if (!(spec.reachable > 0.0 && spec.reachable <= 1.0)) {
                return Error{"expected a number above 0 and at most 1, got " +
                                 number(spec.reachable),
                             "reachable"};
            }
            // A reachable node links to `outbound` other reachable nodes.
            const int r = reachable_count(spec, nodes);
            if (r < spec.outbound + 1) {
                return Error{"round(" + number(spec.reachable) + " * " + std::to_string(nodes) +
                                 ") = " + std::to_string(r) +
                                 " reachable nodes, but each node opens " +
                                 std::to_string(spec.outbound) +
                                 " links to distinct other reachable nodes: need at least " +
                                 std::to_string(spec.outbound + 1),
                             "reachable"};
            }
            if (static_cast<long long>(r) * spec.max_inbound <
                static_cast<long long>(nodes) * spec.outbound) {
                return Error{std::to_string(r) + " reachable nodes with " +
                                 std::to_string(spec.max_inbound) + " inbound slots each hold " +
                                 std::to_string(static_cast<long long>(r) * spec.max_inbound) +
                                 " links, fewer than the " +
                                 std::to_string(static_cast<long long>(nodes) * spec.outbound) +
                                 " that " + std::to_string(nodes) + " nodes opening " +
                                 std::to_string(spec.outbound) + " each need",
                             "max_inbound"};
            }
            return Status::success();
        }
        case TopologyKind::kConfiguration:
            if (spec.degrees.empty()) {
                return Error{"expected at least one [degree, weight] bin", "degrees"};
            }
            for (std::size_t i = 0; i < spec.degrees.size(); ++i) {
                const auto [degree, weight] = spec.degrees[i];
                const std::string bin = "degrees." + std::to_string(i);
                if (degree < 1 || degree > nodes - 1) {
                    return Error{"expected a degree from 1 to " + std::to_string(nodes - 1) +
                                     " (nodes - 1), got " + std::to_string(degree),
                                 bin + ".0"};
                }
                if (!(weight > 0.0 && std::isfinite(weight))) {
                    return Error{"expected a weight above 0, got " + number(weight), bin + ".1"};
                }
            }
            return Status::success();
    }
    return Error{"topology: unknown kind", "kind"};
}

Expected<Topology> build_topology(const TopologySpec& spec, int nodes, Rng& rng) {
        if (Status status = validate(spec, nodes); !status) {
        std::string where = "topology " + std::string(topology_name(spec.kind)) + ": ";
        if (!status.field().empty() && status.field() != "kind") where += status.field() + ": ";
        return Error{where + status.error()};
    }
    Links links;
    switch (spec.kind) {
        case TopologyKind::kFull:
            links = full_links(nodes);
            break;
        case TopologyKind::kRing:
            links = ring_links(nodes);
            break;
        case TopologyKind::kLine:
            links = line_links(nodes);
            break;
        case TopologyKind::kStar:
            links = star_links(nodes);
            break;
        case TopologyKind::kRandomRegular: {
            Expected<Links> made = random_regular_links(nodes, spec.degree, rng);
            if (!made) return Error{made.error()};
            links = std::move(made).value();
            break;
        }
        case TopologyKind::kErdosRenyi:
            links = erdos_renyi_links(nodes, spec.p, rng);
            break;
        case TopologyKind::kSmallWorld:
            links = small_world_links(nodes, spec.k, spec.beta, rng);
            break;
        case TopologyKind::kScaleFree:
            links = scale_free_links(nodes, spec.m, rng);
            break;
        case TopologyKind::kExplicit:
            links = spec.edges;
            break;
        case TopologyKind::kBitcoin: {
            Expected<BitcoinConnections> made = bitcoin_connections(spec, nodes, rng);
            if (!made) return Error{made.error()};
            links = std::move(made).value().outbound;
            break;
        }
        case TopologyKind::kConfiguration: {
            Expected<Links> made = configuration_links(nodes, spec.degrees, rng);
            if (!made) return Error{made.error()};
            links = std::move(made).value();
            break;
        }
    }
    for (std::size_t i = 0; i < spec.clique.size(); ++i) {
        for (std::size_t j = i + 1; j < spec.clique.size(); ++j)
            links.emplace_back(spec.clique[i], spec.clique[j]);
    }
    return Topology(nodes, normalized(std::move(links)));
}

// ---------------------------------------------------------------------------------------------

Topology::Topology(int nodes, const std::vector<std::pair<int, int>>& links)
    : graph_(std::make_unique<Graph>(nodes)),
      links_(links),
      adjacency_(nodes),
      adjacent_link_ids_(nodes) {
    for (std::size_t id = 0; id < links_.size(); ++id) {
        const auto [a, b] = links_[id];
        assert(0 <= a && a < b && b < nodes);
        assert(id == 0 || links_[id - 1] < links_[id]);
        boost::add_edge(a, b, LinkProps{}, *graph_);
        adjacency_[a].push_back(b);
        adjacency_[b].push_back(a);
        adjacent_link_ids_[a].push_back(static_cast<int>(id));
        adjacent_link_ids_[b].push_back(static_cast<int>(id));
    }
    // Links are sorted by (a, b), so each node's list is already ascending except that
    // neighbours below it (where it is `b`) and above it (where it is `a`) interleave; sort
    // both lists together.
    for (int v = 0; v < nodes; ++v) {
        std::vector<std::pair<int, int>> pairs;
        for (std::size_t i = 0; i < adjacency_[v].size(); ++i) {
            pairs.emplace_back(adjacency_[v][i], adjacent_link_ids_[v][i]);
        }
        std::sort(pairs.begin(), pairs.end());
        for (std::size_t i = 0; i < pairs.size(); ++i) {
            adjacency_[v][i] = pairs[i].first;
            adjacent_link_ids_[v][i] = pairs[i].second;
        }
    }
    index_descriptors();
}

Topology::Topology(const Topology& other)
    : graph_(std::make_unique<Graph>(*other.graph_)),
      links_(other.links_),
      adjacency_(other.adjacency_),
      adjacent_link_ids_(other.adjacent_link_ids_) {
    index_descriptors();
}

Topology& Topology::operator=(const Topology& other) {
    if (this != &other) *this = Topology(other);
    return *this;
}

Topology::~Topology() = default;

// Boost keeps edges in insertion order, which is link-id order.
void Topology::index_descriptors() {
    descriptors_.clear();
    descriptors_.reserve(links_.size());
    for (const auto& e : boost::make_iterator_range(boost::edges(*graph_)))
        descriptors_.push_back(e);
    assert(descriptors_.size() == links_.size());
}

int Topology::link_id(int a, int b) const {
    if (a < 0 || a >= node_count() || b < 0 || b >= node_count()) return -1;
    const std::vector<int>& around = adjacency_[a];
    const auto it = std::lower_bound(around.begin(), around.end(), b);
    if (it == around.end() || *it != b) return -1;
    return adjacent_link_ids_[a][it - around.begin()];
}

const LinkProps& Topology::link(int id) const {
    return (*graph_)[descriptors_[id]];
}
LinkProps& Topology::link(int id) {
    return (*graph_)[descriptors_[id]];
}

int Topology::component_count() const {
    if (node_count() == 0) return 0;
    std::vector<int> component(node_count());
    return static_cast<int>(boost::connected_components(*graph_, component.data()));
}

std::vector<int> Topology::hop_distances(int from) const {
    assert(0 <= from && from < node_count());
    std::vector<int> hops(node_count(), -1);
    hops[from] = 0;
    boost::breadth_first_search(*graph_, static_cast<Graph::vertex_descriptor>(from),
                                boost::visitor(boost::make_bfs_visitor(
                                    boost::record_distances(hops.data(), boost::on_tree_edge()))));
    return hops;
}

std::vector<core::Nanos> Topology::latency_distances(int from) const {
    assert(0 <= from && from < node_count());
    constexpr core::Nanos kInfinity = std::numeric_limits<core::Nanos>::max();
    std::vector<core::Nanos> distance(node_count());
    boost::dijkstra_shortest_paths(*graph_, static_cast<Graph::vertex_descriptor>(from),
                                   boost::weight_map(boost::get(&LinkProps::latency, *graph_))
                                       .distance_map(distance.data())
                                       .distance_inf(kInfinity));
    for (core::Nanos& d : distance) {
        if (d == kInfinity) d = -1;
    }
    return distance;
}

}  // namespace sim

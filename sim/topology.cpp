#include "sim/topology.h"

#include <algorithm>
#include <cassert>
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
// draw two remaining link ends at random, keep the pair unless it is a self-loop or a repeat.
// Returns false when the remaining ends admit no valid pair, so the caller starts over.
bool try_random_regular(int n, int degree, Rng& rng, Links& out) {
    std::vector<int> ends;
    ends.reserve(static_cast<std::size_t>(n) * degree);
    for (int v = 0; v < n; ++v)
        ends.insert(ends.end(), degree, v);
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
        if (try_random_regular(n, degree, rng, links)) return links;
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

std::string prefix(GraphSpec::Kind kind) {
    return std::string("topology ") + kind_name(kind) + ": ";
}

}  // namespace

const char* kind_name(GraphSpec::Kind kind) {
    using Kind = GraphSpec::Kind;
    switch (kind) {
        case Kind::Full:
            return "full";
        case Kind::Ring:
            return "ring";
        case Kind::Line:
            return "line";
        case Kind::Star:
            return "star";
        case Kind::RandomRegular:
            return "random-regular";
        case Kind::ErdosRenyi:
            return "erdos-renyi";
        case Kind::SmallWorld:
            return "small-world";
        case Kind::ScaleFree:
            return "scale-free";
        case Kind::Explicit:
            return "explicit";
    }
    return "unknown";
}

std::optional<GraphSpec::Kind> kind_from_name(std::string_view name) {
    using Kind = GraphSpec::Kind;
    for (Kind kind : {Kind::Full, Kind::Ring, Kind::Line, Kind::Star, Kind::RandomRegular,
                      Kind::ErdosRenyi, Kind::SmallWorld, Kind::ScaleFree, Kind::Explicit}) {
        if (name == kind_name(kind)) return kind;
    }
    return std::nullopt;
}

Status validate(const GraphSpec& spec, int nodes) {
    using Kind = GraphSpec::Kind;
    const std::string where = prefix(spec.kind);
    const std::string n = std::to_string(nodes);
    if (nodes < 1) return Error{where + "needs at least 1 node, got " + n};
    switch (spec.kind) {
        case Kind::Full:
        case Kind::Ring:
        case Kind::Line:
        case Kind::Star:
            return Status::success();
        case Kind::RandomRegular:
            if (spec.degree < 0 || spec.degree >= nodes) {
                return Error{where + "degree must be in [0, nodes - 1] = [0, " +
                             std::to_string(nodes - 1) + "], got " + std::to_string(spec.degree)};
            }
            if ((static_cast<long long>(nodes) * spec.degree) % 2 != 0) {
                return Error{where + "nodes * degree must be even (each link has two ends), got " +
                             n + " * " + std::to_string(spec.degree)};
            }
            return Status::success();
        case Kind::ErdosRenyi:
            if (!(spec.p >= 0.0 && spec.p <= 1.0)) {
                return Error{where + "p must be in [0, 1], got " + std::to_string(spec.p)};
            }
            return Status::success();
        case Kind::SmallWorld:
            if (spec.k < 2 || spec.k % 2 != 0 || spec.k + 1 >= nodes) {
                return Error{where + "k must be even, at least 2 and less than nodes - 1 = " +
                             std::to_string(nodes - 1) + ", got " + std::to_string(spec.k)};
            }
            if (!(spec.beta >= 0.0 && spec.beta <= 1.0)) {
                return Error{where + "beta must be in [0, 1], got " + std::to_string(spec.beta)};
            }
            return Status::success();
        case Kind::ScaleFree:
            if (spec.m < 1 || spec.m >= nodes) {
                return Error{where + "m must be in [1, nodes - 1] = [1, " +
                             std::to_string(nodes - 1) + "], got " + std::to_string(spec.m)};
            }
            return Status::success();
        case Kind::Explicit:
            for (std::size_t i = 0; i < spec.edges.size(); ++i) {
                const auto [a, b] = spec.edges[i];
                if (a < 0 || a >= nodes || b < 0 || b >= nodes) {
                    return Error{where + "edge " + std::to_string(i) + " [" + std::to_string(a) +
                                 ", " + std::to_string(b) + "] names a node outside [0, " +
                                 std::to_string(nodes - 1) + "]"};
                }
            }
            return Status::success();
    }
    return Error{"topology: unknown kind"};
}

Expected<Topology> build_topology(const GraphSpec& spec, int nodes, Rng& rng) {
    using Kind = GraphSpec::Kind;
    if (Status status = validate(spec, nodes); !status) return Error{status.error()};
    Links links;
    switch (spec.kind) {
        case Kind::Full:
            links = full_links(nodes);
            break;
        case Kind::Ring:
            links = ring_links(nodes);
            break;
        case Kind::Line:
            links = line_links(nodes);
            break;
        case Kind::Star:
            links = star_links(nodes);
            break;
        case Kind::RandomRegular: {
            Expected<Links> made = random_regular_links(nodes, spec.degree, rng);
            if (!made) return Error{made.error()};
            links = std::move(made).value();
            break;
        }
        case Kind::ErdosRenyi:
            links = erdos_renyi_links(nodes, spec.p, rng);
            break;
        case Kind::SmallWorld:
            links = small_world_links(nodes, spec.k, spec.beta, rng);
            break;
        case Kind::ScaleFree:
            links = scale_free_links(nodes, spec.m, rng);
            break;
        case Kind::Explicit:
            links = spec.edges;
            break;
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

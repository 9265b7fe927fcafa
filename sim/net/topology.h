// The network graph: which nodes are linked, and each link's latency and bandwidth.
//
// Contract:
//   - A Topology is a simple undirected graph on nodes 0..n-1 (no self-loops, no duplicate
//     links), stored as a Boost.Graph adjacency_list whose edge property is LinkProps.
//   - Links are numbered 0..edge_count()-1 in ascending (a, b) order with a < b; every iteration
//     over links follows that order, so anything sampled per link is reproducible.
//   - neighbors(node) is sorted ascending.
//   - build_topology returns an Error naming the bad parameter instead of crashing; the same
//     (spec, nodes, rng state) always gives the same graph.
//   - A Topology is a value (copyable, movable). Not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/graph/adjacency_list.hpp>

#include "core/time.h"
#include "sim/engine/rng.h"
#include "sim/engine/status.h"

namespace sim {

enum class TopologyKind {
    kFull,           // every pair linked
    kRing,           // i - (i+1) mod n
    kLine,           // i - i+1
    kStar,           // node 0 linked to every other node
    kRandomRegular,  // every node has `degree` links, uniformly at random
    kErdosRenyi,     // each pair linked with probability `p`
    kSmallWorld,     // Watts-Strogatz: ring lattice of `k` neighbours, rewired with `beta`
    kScaleFree,      // preferential attachment, `m` links per new node
    kExplicit,       // exactly `edges`
    kBitcoin,        // each node opens `outbound` links to random reachable nodes with a free
                     // inbound slot (at most `max_inbound`); unreachable nodes accept none
    kConfiguration,  // configuration model: each node's degree drawn from `degrees`' bins
};

// Which pairs of nodes are linked: the scenario's `network.topology:` as read, and what
// build_topology consumes. Only the kind's own fields matter; the others keep their defaults.
struct TopologySpec {
    TopologyKind kind = TopologyKind::kFull;
    int degree = 8;     // random-regular: links per node; 1 <= degree < nodes, nodes * degree even
    double p = 0.1;     // erdos-renyi: probability of each possible link; 0 < p <= 1
    int k = 4;          // small-world: ring-lattice links per node; even, 2 <= k, k + 1 < nodes
    double beta = 0.1;  // small-world: probability of rewiring each lattice link; 0..1
    int m = 2;          // scale-free: links each new node makes; 1 <= m < nodes
    std::vector<std::pair<int, int>> edges;  // explicit: undirected, first < second, sorted,
                                             // no repeats
    int outbound = 8;        // bitcoin: links each node opens; >= 1, < the reachable count
    int max_inbound = 117;   // bitcoin: links a reachable node accepts; >= 1, and the
                             // reachable nodes' slots hold every node's outbound links
    double reachable = 0.1;  // bitcoin: share of nodes that accept links, chosen at random
                             // (round(reachable * nodes) of them); 0 < reachable <= 1
    std::vector<std::pair<int, double>> degrees;  // configuration: (degree, weight) bins;
                                                  // non-empty, 1 <= degree < nodes, weight > 0
                                                  // and finite (relative: need not sum to 1)
    std::vector<int> clique;  // any kind: these nodes are also linked pairwise, on top of the
                              // kind's graph (e.g. mining pools' own links); sorted, unique,
                              // each 0..nodes-1; empty = none
};

// The name the scenario YAML uses for a kind ("random-regular", ...).
std::string_view topology_name(TopologyKind kind);
// The kind named `name` (as topology_name spells it), or nullopt.
std::optional<TopologyKind> topology_kind_from_name(std::string_view name);

struct LinkProps {
    core::Nanos latency = 0;          // one-way propagation delay
    std::uint64_t bandwidth_bps = 0;  // bits per second; 0 = unlimited
};

using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS,
                                    boost::no_property, LinkProps>;

class Topology {
  public:
    // An empty graph on `nodes` nodes, then each link of `links` (REQUIRES: 0 <= a < b < nodes,
    // sorted ascending, no repeats).
    Topology(int nodes, const std::vector<std::pair<int, int>>& links);
    Topology(const Topology& other);
    Topology& operator=(const Topology& other);
    Topology(Topology&&) noexcept = default;
    Topology& operator=(Topology&&) noexcept = default;
    ~Topology();

    int node_count() const { return static_cast<int>(adjacency_.size()); }
    int edge_count() const { return static_cast<int>(links_.size()); }

    // Sorted ascending. REQUIRES: 0 <= node < node_count().
    const std::vector<int>& neighbors(int node) const { return adjacency_[node]; }
    // Every link as (a, b), a < b, ascending; a link's index is its link id.
    const std::vector<std::pair<int, int>>& links() const { return links_; }
    // The id of the link between a and b (either order), or -1 if there is none.
    int link_id(int a, int b) const;
    bool has_link(int a, int b) const { return link_id(a, b) >= 0; }

    // Link properties by id. REQUIRES: 0 <= id < edge_count().
    const LinkProps& link(int id) const;
    LinkProps& link(int id);

    int component_count() const;
    bool connected() const { return component_count() <= 1; }
    // Hops from `from` to every node (BFS); -1 for nodes it cannot reach.
    std::vector<int> hop_distances(int from) const;
    // Least total latency from `from` to every node (Dijkstra); -1 for nodes it cannot reach.
    std::vector<core::Nanos> latency_distances(int from) const;

    const Graph& graph() const { return *graph_; }

  private:
    void index_descriptors();

    // Behind a pointer so that moving a Topology keeps the graph, and with it the edge
    // descriptors, in place (adjacency_list has no move constructor).
    std::unique_ptr<Graph> graph_;
    std::vector<std::pair<int, int>> links_;
    std::vector<std::vector<int>> adjacency_;
    std::vector<std::vector<int>> adjacent_link_ids_;  // parallel to adjacency_
    std::vector<Graph::edge_descriptor> descriptors_;  // by link id; rebuilt on copy
};

// Checks the spec's parameters for `nodes` nodes without building anything.
Status validate(const TopologySpec& spec, int nodes);

// Builds the graph, drawing from `rng` (the "topology" stream) for the random kinds. Links start
// with latency 0 and unlimited bandwidth (see latency.h for assigning latencies).
Expected<Topology> build_topology(const TopologySpec& spec, int nodes, Rng& rng);

// The bitcoin kind's connections, directed: (from, to) for each link `from` opened, in the
// order they were made, and which nodes are reachable. build_topology(kBitcoin) makes the same
// draws from `rng` and links exactly these pairs. REQUIRES: spec.kind == kBitcoin.
struct BitcoinConnections {
    std::vector<bool> reachable;                  // per node
    std::vector<std::pair<int, int>> outbound;    // (from, to): to is reachable, from != to
};
Expected<BitcoinConnections> bitcoin_connections(const TopologySpec& spec, int nodes, Rng& rng);

// How many nodes the bitcoin kind makes reachable: round(reachable * nodes), at least 1.
int reachable_count(const TopologySpec& spec, int nodes);

}  // namespace sim

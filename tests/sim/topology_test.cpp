#include "sim/net/topology.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <vector>

#include <gtest/gtest.h>

namespace sim {
namespace {

using Links = std::vector<std::pair<int, int>>;

Topology build(const TopologySpec& spec, int nodes, std::uint64_t seed = 1) {
    Rng rng = Rng::stream(seed, "topology");
    Expected<Topology> topology = build_topology(spec, nodes, rng);
    EXPECT_TRUE(topology.has_value()) << (topology ? "" : topology.error());
    return std::move(topology).value();
}

TopologySpec spec_of(TopologyKind kind) {
    TopologySpec spec;
    spec.kind = kind;
    return spec;
}

std::vector<int> degrees(const Topology& t) {
    std::vector<int> d;
    for (int v = 0; v < t.node_count(); ++v)
        d.push_back(static_cast<int>(t.neighbors(v).size()));
    return d;
}

// The invariants every topology keeps: simple graph, sorted neighbour lists consistent with the
// link list, ids that match.
void expect_well_formed(const Topology& t) {
    std::size_t ends = 0;
    for (int v = 0; v < t.node_count(); ++v) {
        const auto& around = t.neighbors(v);
        EXPECT_TRUE(std::is_sorted(around.begin(), around.end()));
        EXPECT_TRUE(std::adjacent_find(around.begin(), around.end()) == around.end());
        EXPECT_EQ(std::count(around.begin(), around.end(), v), 0) << "self-loop at " << v;
        ends += around.size();
    }
    EXPECT_EQ(ends, 2 * t.links().size());
    for (int id = 0; id < t.edge_count(); ++id) {
        const auto [a, b] = t.links()[id];
        EXPECT_LT(a, b);
        EXPECT_EQ(t.link_id(a, b), id);
        EXPECT_EQ(t.link_id(b, a), id);
        if (id > 0) {
            EXPECT_LT(t.links()[id - 1], t.links()[id]);
        }
    }
    EXPECT_EQ(static_cast<int>(boost::num_edges(t.graph())), t.edge_count());
}

TEST(Topology, Full) {
    const Topology t = build(spec_of(TopologyKind::kFull), 10);
    expect_well_formed(t);
    EXPECT_EQ(t.edge_count(), 45);
    for (int d : degrees(t))
        EXPECT_EQ(d, 9);
}

TEST(Topology, RingLineStar) {
    const Topology ring = build(spec_of(TopologyKind::kRing), 10);
    expect_well_formed(ring);
    EXPECT_EQ(ring.edge_count(), 10);
    for (int d : degrees(ring))
        EXPECT_EQ(d, 2);
    EXPECT_EQ(ring.neighbors(0), (std::vector<int>{1, 9}));
    EXPECT_EQ(build(spec_of(TopologyKind::kRing), 2).edge_count(), 1);
    EXPECT_EQ(build(spec_of(TopologyKind::kRing), 1).edge_count(), 0);

    const Topology line = build(spec_of(TopologyKind::kLine), 10);
    expect_well_formed(line);
    EXPECT_EQ(line.edge_count(), 9);
    EXPECT_EQ(line.neighbors(0), std::vector<int>{1});
    EXPECT_EQ(line.neighbors(5), (std::vector<int>{4, 6}));

    const Topology star = build(spec_of(TopologyKind::kStar), 10);
    expect_well_formed(star);
    EXPECT_EQ(star.edge_count(), 9);
    EXPECT_EQ(star.neighbors(0).size(), 9u);
    for (int v = 1; v < 10; ++v)
        EXPECT_EQ(star.neighbors(v), std::vector<int>{0});
}

TEST(Topology, RandomRegular) {
    TopologySpec spec = spec_of(TopologyKind::kRandomRegular);
    spec.degree = 8;
    const Topology t = build(spec, 100);
    expect_well_formed(t);
    EXPECT_EQ(t.edge_count(), 400);
    for (int d : degrees(t))
        EXPECT_EQ(d, 8);
    EXPECT_TRUE(t.connected());

    EXPECT_EQ(build(spec, 100, 1).links(), t.links());
    EXPECT_NE(build(spec, 100, 2).links(), t.links());
}

TEST(Topology, RandomRegularDenseAndEdgeCases) {
    TopologySpec spec = spec_of(TopologyKind::kRandomRegular);
    for (auto [n, d] : {std::pair{12, 9}, {10, 9}, {7, 4}, {20, 3}}) {
        spec.degree = d;
        const Topology t = build(spec, n);
        expect_well_formed(t);
        for (int deg : degrees(t))
            EXPECT_EQ(deg, d) << n << " nodes, degree " << d;
    }
}

TEST(Topology, RandomRegularRejectsImpossibleParameters) {
    TopologySpec spec = spec_of(TopologyKind::kRandomRegular);
    Rng rng(1);
    spec.degree = 3;
    auto odd = build_topology(spec, 11, rng);
    ASSERT_FALSE(odd);
    EXPECT_NE(odd.error().find("even"), std::string::npos) << odd.error();
    spec.degree = 11;
    auto too_big = build_topology(spec, 11, rng);
    ASSERT_FALSE(too_big);
    EXPECT_NE(too_big.error().find("degree"), std::string::npos) << too_big.error();
    spec.degree = 0;  // no links: refused, as the scenario reader refuses it
    EXPECT_FALSE(build_topology(spec, 10, rng));
}

TEST(Topology, ErdosRenyiEdgeCountAndDeterminism) {
    TopologySpec spec = spec_of(TopologyKind::kErdosRenyi);
    spec.p = 0.1;
    const int n = 200;
    const Topology t = build(spec, n);
    expect_well_formed(t);
    const double pairs = n * (n - 1) / 2.0;
    const double sd = std::sqrt(pairs * spec.p * (1 - spec.p));
    EXPECT_NEAR(t.edge_count(), pairs * spec.p, 5 * sd);
    EXPECT_EQ(build(spec, n, 1).links(), t.links());
    EXPECT_NE(build(spec, n, 2).links(), t.links());
}

TEST(Topology, ErdosRenyiDisconnectedIsDetected) {
    TopologySpec spec = spec_of(TopologyKind::kErdosRenyi);
    spec.p = 0.002;  // far below the connectivity threshold ln(n)/n
    const Topology sparse = build(spec, 100);
    EXPECT_GT(sparse.component_count(), 1);
    EXPECT_FALSE(sparse.connected());

    spec.p = 0.0;  // no links at all: refused, as the scenario reader refuses it
    Rng zero_rng(1);
    EXPECT_FALSE(build_topology(spec, 5, zero_rng));

    spec.p = 1.0;
    EXPECT_EQ(build(spec, 6).edge_count(), 15);

    spec.p = 1.5;
    Rng rng(1);
    EXPECT_FALSE(build_topology(spec, 10, rng));
}

TEST(Topology, SmallWorld) {
    TopologySpec spec = spec_of(TopologyKind::kSmallWorld);
    spec.k = 4;
    spec.beta = 0.0;
    const Topology lattice = build(spec, 100);
    expect_well_formed(lattice);
    EXPECT_EQ(lattice.edge_count(), 200);
    for (int d : degrees(lattice))
        EXPECT_EQ(d, 4);
    EXPECT_EQ(lattice.neighbors(0), (std::vector<int>{1, 2, 98, 99}));

    spec.beta = 0.3;
    const Topology rewired = build(spec, 100);
    expect_well_formed(rewired);
    // Rewiring keeps each link's count, except for the rare rewired link that coincides with an
    // existing one and is merged.
    EXPECT_LE(rewired.edge_count(), 200);
    EXPECT_GE(rewired.edge_count(), 190);
    EXPECT_NE(rewired.links(), lattice.links());
    EXPECT_EQ(build(spec, 100, 1).links(), rewired.links());
    EXPECT_NE(build(spec, 100, 2).links(), rewired.links());

    Rng rng(1);
    spec.k = 3;
    EXPECT_FALSE(build_topology(spec, 100, rng));
    spec.k = 10;
    EXPECT_FALSE(build_topology(spec, 10, rng));
}

TEST(Topology, ScaleFree) {
    TopologySpec spec = spec_of(TopologyKind::kScaleFree);
    spec.m = 3;
    const int n = 500;
    const Topology t = build(spec, n);
    expect_well_formed(t);
    EXPECT_EQ(t.edge_count(), 6 + (n - 4) * 3);  // initial clique of m + 1, then m per node
    const std::vector<int> d = degrees(t);
    EXPECT_GE(*std::min_element(d.begin(), d.end()), 3);
    // Preferential attachment grows hubs far above the mean degree (about 2m).
    EXPECT_GT(*std::max_element(d.begin(), d.end()), 30);
    EXPECT_TRUE(t.connected());
    EXPECT_EQ(build(spec, n, 1).links(), t.links());
    EXPECT_NE(build(spec, n, 2).links(), t.links());

    Rng rng(1);
    spec.m = 0;
    EXPECT_FALSE(build_topology(spec, n, rng));
}

TEST(Topology, ExplicitNormalizesAndValidates) {
    TopologySpec spec = spec_of(TopologyKind::kExplicit);
    spec.edges = {{2, 1}, {0, 1}, {1, 0}, {2, 2}, {1, 2}};
    const Topology t = build(spec, 4);
    expect_well_formed(t);
    EXPECT_EQ(t.links(), (Links{{0, 1}, {1, 2}}));
    EXPECT_EQ(t.component_count(), 2);  // node 3 is alone

    spec.edges = {{0, 1}, {1, 4}};
    Rng rng(1);
    auto bad = build_topology(spec, 4, rng);
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().find("edge 1"), std::string::npos) << bad.error();
}

TEST(Topology, KindNamesRoundTrip) {
    for (TopologyKind kind : {TopologyKind::kFull, TopologyKind::kRing, TopologyKind::kLine, TopologyKind::kStar, TopologyKind::kRandomRegular,
                      TopologyKind::kErdosRenyi, TopologyKind::kSmallWorld, TopologyKind::kScaleFree, TopologyKind::kExplicit}) {
        EXPECT_EQ(topology_kind_from_name(topology_name(kind)), kind);
    }
    EXPECT_EQ(topology_kind_from_name("random-regular"), TopologyKind::kRandomRegular);
    EXPECT_FALSE(topology_kind_from_name("RandomRegular").has_value());
    EXPECT_FALSE(topology_kind_from_name("").has_value());
}

TEST(Topology, RejectsNoNodes) {
    Rng rng(1);
    EXPECT_FALSE(build_topology(spec_of(TopologyKind::kFull), 0, rng));
}

TEST(Topology, HopAndLatencyDistances) {
    Topology ring = build(spec_of(TopologyKind::kRing), 10);
    EXPECT_EQ(ring.hop_distances(0), (std::vector<int>{0, 1, 2, 3, 4, 5, 4, 3, 2, 1}));
    for (int id = 0; id < ring.edge_count(); ++id)
        ring.link(id).latency = 10;
    // Make the 0-9 link slow: going the long way round becomes shorter for node 9.
    ring.link(ring.link_id(0, 9)).latency = 1000;
    const std::vector<core::Nanos> latency = ring.latency_distances(0);
    EXPECT_EQ(latency, (std::vector<core::Nanos>{0, 10, 20, 30, 40, 50, 60, 70, 80, 90}));

    TopologySpec spec = spec_of(TopologyKind::kExplicit);
    spec.edges = {{0, 1}};
    const Topology split = build(spec, 3);
    EXPECT_EQ(split.hop_distances(0), (std::vector<int>{0, 1, -1}));
    EXPECT_EQ(split.latency_distances(0), (std::vector<core::Nanos>{0, 0, -1}));
}

TEST(Topology, CopiesAndMovesKeepLinkProperties) {
    Topology original = build(spec_of(TopologyKind::kLine), 4);
    original.link(1).latency = 77;
    Topology copy = original;
    copy.link(1).latency = 5;
    EXPECT_EQ(original.link(1).latency, 77);
    EXPECT_EQ(copy.link(1).latency, 5);
    Topology moved = std::move(copy);
    EXPECT_EQ(moved.link(1).latency, 5);
    moved.link(2).bandwidth_bps = 1000;
    EXPECT_EQ(moved.link(2).bandwidth_bps, 1000u);
    original = moved;
    EXPECT_EQ(original.link(1).latency, 5);
    EXPECT_EQ(original.latency_distances(0)[2], 5);  // the graph Boost sees is the copy's
}

// ---- bitcoin: outbound links to reachable nodes with free inbound slots ----------------

TopologySpec bitcoin_spec(int outbound, int max_inbound, double reachable) {
    TopologySpec spec = spec_of(TopologyKind::kBitcoin);
    spec.outbound = outbound;
    spec.max_inbound = max_inbound;
    spec.reachable = reachable;
    return spec;
}

BitcoinConnections connections(const TopologySpec& spec, int nodes, std::uint64_t seed) {
    Rng rng = Rng::stream(seed, "topology");
    Expected<BitcoinConnections> made = bitcoin_connections(spec, nodes, rng);
    EXPECT_TRUE(made.has_value()) << (made ? "" : made.error());
    return std::move(made).value();
}

TEST(Topology, BitcoinOutboundExactInboundCappedUnreachableAcceptNone) {
    // Bitcoin Core's defaults on 1000 nodes: 100 reachable nodes take 8000 links.
    const int n = 1000;
    const TopologySpec spec = bitcoin_spec(8, 117, 0.1);
    const BitcoinConnections c = connections(spec, n, 3);
    ASSERT_EQ(reachable_count(spec, n), 100);
    EXPECT_EQ(std::count(c.reachable.begin(), c.reachable.end(), true), 100);
    std::vector<int> out(n, 0), in(n, 0);
    std::set<std::pair<int, int>> pairs;
    for (const auto& [from, to] : c.outbound) {
        ++out[from];
        ++in[to];
        EXPECT_NE(from, to);
        EXPECT_TRUE(pairs.insert(std::minmax(from, to)).second) << from << "-" << to;
    }
    for (int v = 0; v < n; ++v) {
        EXPECT_EQ(out[v], 8) << v;
        if (c.reachable[v]) {
            EXPECT_LE(in[v], 117) << v;
        } else {
            EXPECT_EQ(in[v], 0) << v;
        }
    }
    // build_topology links exactly these pairs (same draws).
    const Topology t = build(spec, n, 3);
    expect_well_formed(t);
    EXPECT_EQ(t.edge_count(), 8000);
    EXPECT_EQ(Links(pairs.begin(), pairs.end()), t.links());
    EXPECT_TRUE(t.connected());

    // The degree histogram is skewed: 900 unreachable nodes have exactly the outbound 8; the
    // 100 reachable ones 8 + 8000 / 100 = 88 on average, so 10% of the nodes hold
    // (100 * 8 + 8000) / 16000 = 55% of the link ends.
    const std::vector<int> d = degrees(t);
    int at_eight = 0;
    long long reachable_ends = 0;
    for (int v = 0; v < n; ++v) {
        if (c.reachable[v]) {
            reachable_ends += d[v];
            EXPECT_GE(d[v], 8);
        } else {
            EXPECT_EQ(d[v], 8);
            ++at_eight;
        }
    }
    EXPECT_EQ(at_eight, 900);
    EXPECT_EQ(reachable_ends, 8800);
    std::vector<int> sorted = d;
    std::sort(sorted.begin(), sorted.end());
    EXPECT_EQ(sorted[n / 2], 8);              // the median node has only its outbound links
    EXPECT_GE(sorted[n - 1], 8 * sorted[n / 2]);  // the best-linked has at least 8 times that
}

TEST(Topology, BitcoinInboundCapBinds) {
    // 100 reachable nodes x 85 slots = 8500 for 8000 links: many fill up, none overflows.
    const int n = 1000;
    const BitcoinConnections c = connections(bitcoin_spec(8, 85, 0.1), n, 5);
    std::vector<int> in(n, 0), out(n, 0);
    for (const auto& [from, to] : c.outbound) {
        ++in[to];
        ++out[from];
    }
    int full = 0;
    for (int v = 0; v < n; ++v) {
        EXPECT_EQ(out[v], 8);
        EXPECT_LE(in[v], 85);
        if (in[v] == 85) ++full;
    }
    EXPECT_GT(full, 10);
}

TEST(Topology, BitcoinSameSeedSameGraph) {
    const TopologySpec spec = bitcoin_spec(8, 117, 0.1);
    const BitcoinConnections a = connections(spec, 500, 9);
    const BitcoinConnections b = connections(spec, 500, 9);
    const BitcoinConnections other = connections(spec, 500, 10);
    EXPECT_EQ(a.outbound, b.outbound);
    EXPECT_EQ(a.reachable, b.reachable);
    EXPECT_NE(a.outbound, other.outbound);
    EXPECT_EQ(build(spec, 500, 9).links(), build(spec, 500, 9).links());
    EXPECT_NE(build(spec, 500, 9).links(), build(spec, 500, 10).links());
}

TEST(Topology, BitcoinBadParametersNameTheField) {
    auto field_of = [](const TopologySpec& spec, int nodes) {
        const Status s = validate(spec, nodes);
        return s.ok() ? std::string("ok") : s.field() + ": " + s.error();
    };
    EXPECT_EQ(field_of(bitcoin_spec(8, 117, 0.1), 1000), "ok");
    EXPECT_EQ(field_of(bitcoin_spec(0, 117, 0.1), 1000),
              "outbound: expected an integer from 1 to 999, got 0");
    EXPECT_EQ(field_of(bitcoin_spec(8, 0, 0.1), 1000),
              "max_inbound: expected an integer of at least 1, got 0");
    EXPECT_EQ(field_of(bitcoin_spec(8, 117, 0.5), 20), "ok");  // a cap that never binds
    EXPECT_EQ(field_of(bitcoin_spec(8, 117, 0), 1000),
              "reachable: expected a number above 0 and at most 1, got 0");
    EXPECT_EQ(field_of(bitcoin_spec(8, 117, 0.005), 1000),
              "reachable: round(0.005 * 1000) = 5 reachable nodes, but each node opens 8 links "
              "to distinct other reachable nodes: need at least 9");
    EXPECT_EQ(field_of(bitcoin_spec(8, 70, 0.1), 1000),
              "max_inbound: 100 reachable nodes with 70 inbound slots each hold 7000 links, "
              "fewer than the 8000 that 1000 nodes opening 8 each need");
    Rng rng(1);
    Expected<Topology> bad = build_topology(bitcoin_spec(8, 70, 0.1), 1000, rng);
    ASSERT_FALSE(bad.has_value());
    EXPECT_NE(bad.error().find("topology bitcoin: max_inbound: "), std::string::npos)
        << bad.error();
}

// ---- clique: extra links among a node set, on top of any kind ---------------------------

TEST(Topology, CliqueAddsEveryMissingPairAndNothingElse) {
    TopologySpec spec = bitcoin_spec(8, 117, 0.1);
    const Topology base = build(spec, 500, 4);
    spec.clique = {3, 50, 51, 200, 499};
    const Topology with = build(spec, 500, 4);  // same seed: the same base graph
    expect_well_formed(with);
    for (std::size_t i = 0; i < spec.clique.size(); ++i) {
        for (std::size_t j = i + 1; j < spec.clique.size(); ++j)
            EXPECT_TRUE(with.has_link(spec.clique[i], spec.clique[j]));
    }
    // Every base link stays; the only new ones are clique pairs the base lacked.
    std::size_t missing = 0;
    for (std::size_t i = 0; i < spec.clique.size(); ++i) {
        for (std::size_t j = i + 1; j < spec.clique.size(); ++j)
            missing += base.has_link(spec.clique[i], spec.clique[j]) ? 0 : 1;
    }
    for (const auto& [a, b] : base.links()) EXPECT_TRUE(with.has_link(a, b));
    EXPECT_EQ(with.links().size(), base.links().size() + missing);
    EXPECT_GT(missing, 0u);

    // On a line the clique's pairs are added once even where the line has them already.
    TopologySpec line = spec_of(TopologyKind::kLine);
    line.clique = {0, 1, 2};
    EXPECT_EQ(build(line, 5).links(), (Links{{0, 1}, {0, 2}, {1, 2}, {2, 3}, {3, 4}}));
}

TEST(Topology, CliqueOutOfRangeOrUnsortedNamesTheField) {
    TopologySpec spec = spec_of(TopologyKind::kRing);
    spec.clique = {0, 10};
    Status s = validate(spec, 10);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.field() + ": " + s.error(), "clique: expected nodes from 0 to 9, got 10");
    spec.clique = {4, 2};
    s = validate(spec, 10);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.field(), "clique");
}

// ---- configuration: degrees drawn from weighted bins, paired into a simple graph --------

TEST(Topology, ConfigurationDegreesFollowTheBins) {
    const int n = 2000;
    TopologySpec spec = spec_of(TopologyKind::kConfiguration);
    spec.degrees = {{1, 0.10}, {5, 0.40}, {20, 0.50}};
    const Topology t = build(spec, n, 4);
    expect_well_formed(t);
    // Every node has a bin's degree, but for the one an odd sum may have raised by one.
    std::map<int, int> histogram;
    for (int d : degrees(t))
        ++histogram[d];
    int off_bin = 0;
    for (const auto& [degree, count] : histogram) {
        if (degree != 1 && degree != 5 && degree != 20) off_bin += count;
    }
    EXPECT_LE(off_bin, 1);
    // Each bin's share within 4 binomial standard errors of its weight.
    for (const auto& [degree, weight] : spec.degrees) {
        const double share = static_cast<double>(histogram[degree]) / n;
        EXPECT_NEAR(share, weight, 4 * std::sqrt(weight * (1 - weight) / n) + 1.0 / n)
            << "degree " << degree;
    }
    // Skewed: the median is 5 but the top half hold most link ends.
    std::vector<int> sorted = degrees(t);
    std::sort(sorted.begin(), sorted.end());
    EXPECT_EQ(sorted[n / 4], 5);
    EXPECT_EQ(sorted[3 * n / 4], 20);
    // Weights are relative: the same bins scaled (by 4, exact in binary) give the same graph.
    TopologySpec scaled = spec;
    for (auto& bin : scaled.degrees)
        bin.second *= 4;
    EXPECT_EQ(build(scaled, n, 4).links(), t.links());
    // Same seed, same graph; another seed, another.
    EXPECT_EQ(build(spec, n, 4).links(), t.links());
    EXPECT_NE(build(spec, n, 5).links(), t.links());
}

TEST(Topology, ConfigurationBadBinsNameTheBin) {
    TopologySpec spec = spec_of(TopologyKind::kConfiguration);
    Status s = validate(spec, 10);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.field(), "degrees");
    spec.degrees = {{1, 0.5}, {10, 0.5}};
    s = validate(spec, 10);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.field(), "degrees.1.0");
    EXPECT_EQ(s.error(), "expected a degree from 1 to 9 (nodes - 1), got 10");
    spec.degrees = {{1, 0.5}, {3, 0}};
    s = validate(spec, 10);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.field(), "degrees.1.1");
}

}  // namespace
}  // namespace sim

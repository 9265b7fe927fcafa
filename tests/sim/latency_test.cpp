#include "sim/net/latency.h"

#include <gtest/gtest.h>

namespace sim {
namespace {

using core::kMillisecond;

Topology full(int nodes) {
    TopologySpec spec;
    spec.kind = TopologyKind::kFull;
    Rng rng(1);
    return std::move(build_topology(spec, nodes, rng)).value();
}

LatencySpec distribution(LatencyDistribution d) {
    LatencySpec spec;
    spec.distribution = d;
    return spec;
}
LatencyDistribution constant(core::Nanos value) {
    LatencyDistribution d;
    d.value = value;
    return d;
}
LatencyDistribution uniform(core::Nanos min, core::Nanos max) {
    LatencyDistribution d;
    d.dist = LatencyDist::kUniform;
    d.min = min;
    d.max = max;
    return d;
}
LatencyDistribution normal(core::Nanos mean, core::Nanos stddev) {
    LatencyDistribution d;
    d.dist = LatencyDist::kNormal;
    d.mean = mean;
    d.stddev = stddev;
    return d;
}
LatencyDistribution lognormal(core::Nanos median, double sigma) {
    LatencyDistribution d;
    d.dist = LatencyDist::kLognormal;
    d.median = median;
    d.sigma = sigma;
    return d;
}
LatencyDistribution pareto(core::Nanos scale, double shape) {
    LatencyDistribution d;
    d.dist = LatencyDist::kPareto;
    d.scale = scale;
    d.shape = shape;
    return d;
}
LatencySpec regions_spec(const LatencyRegions& regions) {
    LatencySpec spec;
    spec.kind = LatencySpec::Kind::kRegions;
    spec.regions = regions;
    return spec;
}

std::vector<core::Nanos> latencies(const Topology& t) {
    std::vector<core::Nanos> out;
    for (int id = 0; id < t.edge_count(); ++id)
        out.push_back(t.link(id).latency);
    return out;
}

TEST(Latency, ConstantSetsEveryLinkAndDrawsNothing) {
    Topology t = full(6);
    Rng rng(9);
    Rng untouched = rng;
    ASSERT_TRUE(assign_latencies(t, distribution(constant(25 * kMillisecond)), rng).ok());
    for (core::Nanos l : latencies(t))
        EXPECT_EQ(l, 25 * kMillisecond);
    EXPECT_EQ(rng.next_u64(), untouched.next_u64());
}

TEST(Latency, UniformWithinBoundsAndReproducible) {
    Topology t = full(30);
    const LatencySpec spec = distribution(uniform(10 * kMillisecond, 20 * kMillisecond));
    Rng rng = Rng::stream(4, "latency");
    ASSERT_TRUE(assign_latencies(t, spec, rng).ok());
    for (core::Nanos l : latencies(t)) {
        EXPECT_GE(l, 10 * kMillisecond);
        EXPECT_LE(l, 20 * kMillisecond);
    }
    Topology again = full(30);
    Rng same = Rng::stream(4, "latency");
    ASSERT_TRUE(assign_latencies(again, spec, same).ok());
    EXPECT_EQ(latencies(again), latencies(t));
}

TEST(Latency, NormalNegativeSamplesClampToZero) {
    Topology t = full(40);  // 780 links
    Rng rng(2);
    ASSERT_TRUE(assign_latencies(t, distribution(normal(0, 10 * kMillisecond)), rng).ok());
    int zeros = 0;
    for (core::Nanos l : latencies(t)) {
        EXPECT_GE(l, 0);
        zeros += l == 0;
    }
    EXPECT_GT(zeros, 300);  // about half
    EXPECT_LT(zeros, 480);
}

TEST(Latency, LognormalMedianAndParetoFloor) {
    Topology t = full(60);  // 1770 links
    Rng rng(3);
    ASSERT_TRUE(
        assign_latencies(t, distribution(lognormal(80 * kMillisecond, 0.5)), rng).ok());
    std::vector<core::Nanos> l = latencies(t);
    std::nth_element(l.begin(), l.begin() + l.size() / 2, l.end());
    EXPECT_NEAR(l[l.size() / 2], 80 * kMillisecond, 5 * kMillisecond);

    ASSERT_TRUE(assign_latencies(t, distribution(pareto(30 * kMillisecond, 2.0)), rng).ok());
    for (core::Nanos x : latencies(t))
        EXPECT_GE(x, 30 * kMillisecond);

    // An extreme tail is clamped rather than overflowing.
    ASSERT_TRUE(assign_latencies(t, distribution(pareto(kMillisecond, 0.01)), rng).ok());
    for (core::Nanos x : latencies(t))
        EXPECT_LE(x, kMaxLatency);
}

TEST(Latency, RegionMatrixWithAndWithoutJitter) {
    Topology t = full(4);
    LatencyRegions regions;
    regions.names = {"eu", "us"};
    regions.matrix = {{10 * kMillisecond, 90 * kMillisecond},
                      {90 * kMillisecond, 20 * kMillisecond}};
    regions.node_region = {0, 0, 1, 1};
    Rng rng(5);
    ASSERT_TRUE(assign_latencies(t, regions_spec(regions), rng).ok());
    EXPECT_EQ(t.link(t.link_id(0, 1)).latency, 10 * kMillisecond);
    EXPECT_EQ(t.link(t.link_id(2, 3)).latency, 20 * kMillisecond);
    EXPECT_EQ(t.link(t.link_id(0, 2)).latency, 90 * kMillisecond);
    EXPECT_EQ(t.link(t.link_id(3, 1)).latency, 90 * kMillisecond);

    regions.jitter = uniform(0, 5 * kMillisecond);
    ASSERT_TRUE(assign_latencies(t, regions_spec(regions), rng).ok());
    const core::Nanos cross = t.link(t.link_id(1, 2)).latency;
    EXPECT_GE(cross, 90 * kMillisecond);
    EXPECT_LE(cross, 95 * kMillisecond);
}

TEST(Latency, ValidationNamesTheProblem) {
    auto error_of = [](const LatencySpec& spec, int nodes) {
        const Status status = validate(spec, nodes);
        return status.ok() ? std::string() : status.error();
    };
    EXPECT_NE(error_of(distribution(uniform(5, 1)), 3).find("min <= max"), std::string::npos);
    EXPECT_NE(error_of(distribution(constant(-1)), 3).find(">= 0"), std::string::npos);
    EXPECT_NE(error_of(distribution(pareto(0, 2)), 3).find("scale"), std::string::npos);
    EXPECT_NE(error_of(distribution(lognormal(10, -1)), 3).find("sigma"), std::string::npos);

    LatencyRegions regions;
    regions.names = {"a", "b"};
    regions.matrix = {{1, 2}, {3, 1}};
    regions.node_region = {0, 1, 1};
    EXPECT_NE(error_of(regions_spec(regions), 3).find("symmetric"), std::string::npos);
    regions.matrix = {{1, 2}, {2, 1}};
    EXPECT_TRUE(error_of(regions_spec(regions), 3).empty());
    EXPECT_NE(error_of(regions_spec(regions), 4).find("assignment"), std::string::npos);
    regions.node_region = {0, 2, 1};
    EXPECT_NE(error_of(regions_spec(regions), 3).find("node 1"), std::string::npos);
    regions.node_region = {0, 1, 1};
    regions.matrix = {{1, 2}};
    EXPECT_NE(error_of(regions_spec(regions), 3).find("rows"), std::string::npos);

    // A failed assignment leaves the latencies untouched.
    Topology t = full(3);
    Rng rng(1);
    ASSERT_TRUE(assign_latencies(t, distribution(constant(7)), rng).ok());
    EXPECT_FALSE(assign_latencies(t, regions_spec(regions), rng).ok());
    for (core::Nanos l : latencies(t))
        EXPECT_EQ(l, 7);
}

}  // namespace
}  // namespace sim

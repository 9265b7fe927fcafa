#include "sim/net/latency.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

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

    // Pareto jitter at shape 2: every link at least half its mean, (alpha - 1) / alpha.
    regions.jitter = LatencyJitter{LatencyJitter::Dist::kPareto, 2.0, 0};
    ASSERT_TRUE(assign_latencies(t, regions_spec(regions), rng).ok());
    EXPECT_GE(t.link(t.link_id(1, 2)).latency, 45 * kMillisecond);
    EXPECT_GE(t.link(t.link_id(0, 1)).latency, 5 * kMillisecond);
}

// Jitter spreads links around the matrix entry, which stays their mean. Two regions of 60
// nodes, full graph: 3600 links between them. Tolerances are 4 standard errors of the mean
// of 3600 draws, from the factor's variance: Pareto (alpha = 3, x_m = 2/3) has variance
// x_m^2 alpha / ((alpha - 1)^2 (alpha - 2)) = 1/3; lognormal (sigma 0.5) exp(sigma^2) - 1.
struct CrossLinks {
    double mean_ms = 0;
    core::Nanos min = 0;
    double above_twice = 0;  // share of links above twice the mean
    std::vector<core::Nanos> all;
};

CrossLinks jittered_cross_links(const LatencyJitter& jitter, std::uint64_t seed) {
    Topology t = full(120);
    LatencyRegions regions;
    regions.names = {"eu", "us"};
    regions.matrix = {{10 * kMillisecond, 90 * kMillisecond},
                      {90 * kMillisecond, 10 * kMillisecond}};
    for (int node = 0; node < 120; ++node)
        regions.node_region.push_back(node < 60 ? 0 : 1);
    regions.jitter = jitter;
    Rng rng(seed);
    EXPECT_TRUE(assign_latencies(t, regions_spec(regions), rng).ok());
    CrossLinks out;
    out.min = kMaxLatency;
    double sum = 0;
    int above = 0;
    for (int id = 0; id < t.edge_count(); ++id) {
        const auto [a, b] = t.links()[id];
        if ((a < 60) == (b < 60)) continue;
        const core::Nanos l = t.link(id).latency;
        out.all.push_back(l);
        sum += static_cast<double>(l) / static_cast<double>(kMillisecond);
        out.min = std::min(out.min, l);
        if (l > 180 * kMillisecond) ++above;
    }
    out.mean_ms = sum / static_cast<double>(out.all.size());
    out.above_twice = static_cast<double>(above) / static_cast<double>(out.all.size());
    return out;
}

TEST(Latency, ParetoJitterKeepsTheRegionMeanWithAHeavyTail) {
    const CrossLinks c = jittered_cross_links({LatencyJitter::Dist::kPareto, 3.0, 0}, 11);
    ASSERT_EQ(c.all.size(), 3600u);
    const double se = 90.0 * std::sqrt(1.0 / 3.0) / std::sqrt(3600.0);
    EXPECT_NEAR(c.mean_ms, 90.0, 4 * se);
    // The minimum is the scale, 2/3 of the mean (to the rounding of a nanosecond).
    EXPECT_GE(c.min, 60 * kMillisecond);
    EXPECT_LT(c.min, 62 * kMillisecond);
    // P(X > 2) = (x_m / 2)^alpha = (1/3)^3 = 1/27.
    const double p = 1.0 / 27.0;
    EXPECT_NEAR(c.above_twice, p, 4 * std::sqrt(p * (1 - p) / 3600.0));
    // Same seed, same latencies; another seed, others.
    EXPECT_EQ(jittered_cross_links({LatencyJitter::Dist::kPareto, 3.0, 0}, 11).all, c.all);
    EXPECT_NE(jittered_cross_links({LatencyJitter::Dist::kPareto, 3.0, 0}, 12).all, c.all);
}

TEST(Latency, LognormalJitterKeepsTheRegionMean) {
    const double sigma = 0.5;
    const CrossLinks c = jittered_cross_links({LatencyJitter::Dist::kLognormal, 2, sigma}, 13);
    const double se = 90.0 * std::sqrt(std::exp(sigma * sigma) - 1) / std::sqrt(3600.0);
    EXPECT_NEAR(c.mean_ms, 90.0, 4 * se);
    // The median is exp(-sigma^2 / 2) of the mean: 90 ms * 0.8825 = 79.4 ms.
    std::vector<core::Nanos> sorted = c.all;
    std::sort(sorted.begin(), sorted.end());
    const double median_ms =
        static_cast<double>(sorted[sorted.size() / 2]) / static_cast<double>(kMillisecond);
    // The sample median's standard error: 1 / (2 f(median) sqrt(n)), f the lognormal density
    // at its median, 1 / (median sigma sqrt(2 pi)).
    const double median = 90.0 * std::exp(-0.5 * sigma * sigma);
    const double median_se = median * sigma * std::sqrt(2 * M_PI) / (2 * std::sqrt(3600.0));
    EXPECT_NEAR(median_ms, median, 4 * median_se);
}

TEST(Latency, JitterParametersAreChecked) {
    LatencyRegions regions;
    regions.names = {"a"};
    regions.matrix = {{1}};
    regions.node_region = {0, 0};
    regions.jitter = LatencyJitter{LatencyJitter::Dist::kPareto, 1.0, 0};
    Status s = validate(regions_spec(regions), 2);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.field(), "jitter.shape");
    EXPECT_NE(s.error().find("above 1"), std::string::npos) << s.error();
    regions.jitter = LatencyJitter{LatencyJitter::Dist::kLognormal, 2, -0.1};
    s = validate(regions_spec(regions), 2);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.field(), "jitter.sigma");
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

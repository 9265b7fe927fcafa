#include "sim/latency.h"

#include <gtest/gtest.h>

namespace sim {
namespace {

using core::kMillisecond;

Topology full(int nodes) {
    GraphSpec spec;
    spec.kind = GraphSpec::Kind::Full;
    Rng rng(1);
    return std::move(build_topology(spec, nodes, rng)).value();
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
    ASSERT_TRUE(assign_latencies(t, LatencyModel{ConstantLatency{25 * kMillisecond}}, rng).ok());
    for (core::Nanos l : latencies(t))
        EXPECT_EQ(l, 25 * kMillisecond);
    EXPECT_EQ(rng.next_u64(), untouched.next_u64());
}

TEST(Latency, UniformWithinBoundsAndReproducible) {
    Topology t = full(30);
    const LatencyModel spec{UniformLatency{10 * kMillisecond, 20 * kMillisecond}};
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
    ASSERT_TRUE(assign_latencies(t, LatencyModel{NormalLatency{0, 10 * kMillisecond}}, rng).ok());
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
        assign_latencies(t, LatencyModel{LognormalLatency{80 * kMillisecond, 0.5}}, rng).ok());
    std::vector<core::Nanos> l = latencies(t);
    std::nth_element(l.begin(), l.begin() + l.size() / 2, l.end());
    EXPECT_NEAR(l[l.size() / 2], 80 * kMillisecond, 5 * kMillisecond);

    ASSERT_TRUE(assign_latencies(t, LatencyModel{ParetoLatency{30 * kMillisecond, 2.0}}, rng).ok());
    for (core::Nanos x : latencies(t))
        EXPECT_GE(x, 30 * kMillisecond);

    // An extreme tail is clamped rather than overflowing.
    ASSERT_TRUE(assign_latencies(t, LatencyModel{ParetoLatency{kMillisecond, 0.01}}, rng).ok());
    for (core::Nanos x : latencies(t))
        EXPECT_LE(x, kMaxLatency);
}

TEST(Latency, RegionMatrixWithAndWithoutJitter) {
    Topology t = full(4);
    RegionLatency regions;
    regions.names = {"eu", "us"};
    regions.matrix = {{10 * kMillisecond, 90 * kMillisecond},
                      {90 * kMillisecond, 20 * kMillisecond}};
    regions.assignment = {0, 0, 1, 1};
    Rng rng(5);
    ASSERT_TRUE(assign_latencies(t, LatencyModel{regions}, rng).ok());
    EXPECT_EQ(t.link(t.link_id(0, 1)).latency, 10 * kMillisecond);
    EXPECT_EQ(t.link(t.link_id(2, 3)).latency, 20 * kMillisecond);
    EXPECT_EQ(t.link(t.link_id(0, 2)).latency, 90 * kMillisecond);
    EXPECT_EQ(t.link(t.link_id(3, 1)).latency, 90 * kMillisecond);

    regions.jitter = UniformLatency{0, 5 * kMillisecond};
    ASSERT_TRUE(assign_latencies(t, LatencyModel{regions}, rng).ok());
    const core::Nanos cross = t.link(t.link_id(1, 2)).latency;
    EXPECT_GE(cross, 90 * kMillisecond);
    EXPECT_LE(cross, 95 * kMillisecond);
}

TEST(Latency, ValidationNamesTheProblem) {
    auto error_of = [](const LatencyModel& spec, int nodes) {
        const Status status = validate(spec, nodes);
        return status.ok() ? std::string() : status.error();
    };
    EXPECT_NE(error_of({UniformLatency{5, 1}}, 3).find("min <= max"), std::string::npos);
    EXPECT_NE(error_of({ConstantLatency{-1}}, 3).find(">= 0"), std::string::npos);
    EXPECT_NE(error_of({ParetoLatency{0, 2}}, 3).find("scale"), std::string::npos);
    EXPECT_NE(error_of({LognormalLatency{10, -1}}, 3).find("sigma"), std::string::npos);

    RegionLatency regions;
    regions.names = {"a", "b"};
    regions.matrix = {{1, 2}, {3, 1}};
    regions.assignment = {0, 1, 1};
    EXPECT_NE(error_of({regions}, 3).find("symmetric"), std::string::npos);
    regions.matrix = {{1, 2}, {2, 1}};
    EXPECT_TRUE(error_of({regions}, 3).empty());
    EXPECT_NE(error_of({regions}, 4).find("assignment"), std::string::npos);
    regions.assignment = {0, 2, 1};
    EXPECT_NE(error_of({regions}, 3).find("node 1"), std::string::npos);
    regions.assignment = {0, 1, 1};
    regions.matrix = {{1, 2}};
    EXPECT_NE(error_of({regions}, 3).find("rows"), std::string::npos);

    // A failed assignment leaves the latencies untouched.
    Topology t = full(3);
    Rng rng(1);
    ASSERT_TRUE(assign_latencies(t, LatencyModel{ConstantLatency{7}}, rng).ok());
    EXPECT_FALSE(assign_latencies(t, LatencyModel{regions}, rng).ok());
    for (core::Nanos l : latencies(t))
        EXPECT_EQ(l, 7);
}

}  // namespace
}  // namespace sim

// Reading issue 9's network fields: the bitcoin and configuration topologies, region
// latency jitter, and hashrate shares above 1; their errors at file:line:col.
// Line numbers: kMinimal is lines 1-4 (nodes: 10), so minimal_plus() text starts at line 5.
#include <gtest/gtest.h>

#include <string>

#include "scenario_test_util.h"

namespace sim {
namespace {

using testing::load_ok;
using testing::minimal_plus;
using testing::only_error;
using testing::parse;

std::string thousand_nodes(const std::string& topology) {
    return "name: t\nduration: 1h\nnetwork:\n  nodes: 1000\n  topology: " + topology + "\n";
}

TEST(NetworkRead, BitcoinTopologyWithDefaultsAndValues) {
    const Scenario defaults = load_ok(thousand_nodes("{kind: bitcoin}"));
    EXPECT_EQ(defaults.network.topology.kind, TopologyKind::kBitcoin);
    EXPECT_EQ(defaults.network.topology.outbound, 8);
    EXPECT_EQ(defaults.network.topology.max_inbound, 117);
    EXPECT_EQ(defaults.network.topology.reachable, 0.1);
    const Scenario set =
        load_ok(thousand_nodes("{kind: bitcoin, outbound: 4, max_inbound: 50, reachable: 0.2}"));
    EXPECT_EQ(set.network.topology.outbound, 4);
    EXPECT_EQ(set.network.topology.max_inbound, 50);
    EXPECT_EQ(set.network.topology.reachable, 0.2);
}

TEST(NetworkRead, BitcoinTopologyErrorsAtTheField) {
    EXPECT_EQ(only_error(thousand_nodes("{kind: bitcoin, outbound: 8, max_inbound: 70}")),
              "test.yaml:5:55: network.topology.max_inbound: 100 reachable nodes with 70 inbound "
              "slots each hold 7000 links, fewer than the 8000 that 1000 nodes opening 8 each "
              "need");
    EXPECT_EQ(only_error(thousand_nodes("{kind: bitcoin, reachable: 1.5}")),
              "test.yaml:5:40: network.topology.reachable: expected a number above 0 and at most "
              "1, got 1.5");
    EXPECT_EQ(only_error(thousand_nodes("{kind: bitcoin, outbound: 0}")),
              "test.yaml:5:39: network.topology.outbound: expected an integer from 1 to 999, got 0");
    EXPECT_EQ(only_error(thousand_nodes("{kind: bitcoin, reachable: 0.005}")),
              "test.yaml:5:40: network.topology.reachable: round(0.005 * 1000) = 5 reachable "
              "nodes, but each node opens 8 links to distinct other reachable nodes: need at "
              "least 9");
    // A rule broken by the defaults (10 nodes: 1 reachable): placed at the topology map.
    EXPECT_EQ(only_error(minimal_plus("  topology: {kind: bitcoin}\n")),
              "test.yaml:5:13: network.topology: round(0.1 * 10) = 1 reachable nodes, but each "
              "node opens 8 links to distinct other reachable nodes: need at least 9");
    EXPECT_EQ(only_error(thousand_nodes("{kind: bitcoin, outbond: 8}")),
              "test.yaml:5:29: network.topology.outbond: unknown key 'outbond' in topology kind "
              "bitcoin (did you mean 'outbound'?); expected one of: kind, outbound, max_inbound, "
              "reachable, clique");
}

TEST(NetworkRead, CliqueOnAnyKind) {
    const Scenario s = load_ok(thousand_nodes("{kind: bitcoin, clique: \"0-2,500\"}"));
    EXPECT_EQ(s.network.topology.clique, (std::vector<int>{0, 1, 2, 500}));
    EXPECT_EQ(load_ok(thousand_nodes("{kind: ring, clique: \"7,9\"}")).network.topology.clique,
              (std::vector<int>{7, 9}));
    const std::string error = only_error(thousand_nodes("{kind: ring, clique: \"0-1000\"}"));
    EXPECT_EQ(error, "test.yaml:5:34: network.topology.clique: range \"0-1000\" goes beyond the "
                     "last node; this scenario has 1000 nodes: 0-999");
}

TEST(NetworkRead, BlockRequestTimeout) {
    EXPECT_EQ(load_ok(thousand_nodes("ring")).network.block_request_timeout, 5 * core::kSecond);
    EXPECT_EQ(load_ok(thousand_nodes("ring\n  block_request_timeout: 20m"))
                  .network.block_request_timeout,
              1200 * core::kSecond);
    const std::string error = only_error(thousand_nodes("ring\n  block_request_timeout: 0s"));
    EXPECT_NE(error.find("network.block_request_timeout"), std::string::npos) << error;
}

TEST(NetworkRead, ConfigurationTopology) {
    const Scenario s = load_ok(minimal_plus(
        "  topology: {kind: configuration, degrees: [[1, 0.1], [5, 0.4], [8, 0.5]]}\n"));
    EXPECT_EQ(s.network.topology.kind, TopologyKind::kConfiguration);
    const std::vector<std::pair<int, double>> bins = {{1, 0.1}, {5, 0.4}, {8, 0.5}};
    EXPECT_EQ(s.network.topology.degrees, bins);
}

TEST(NetworkRead, ConfigurationTopologyErrorsAtTheBin) {
    EXPECT_EQ(only_error(minimal_plus("  topology: {kind: configuration, degrees: [[1, 0.5], "
                                      "[10, 0.5]]}\n")),
              "test.yaml:5:56: network.topology.degrees.1.0: expected a degree from 1 to 9 "
              "(nodes - 1), got 10");
    EXPECT_EQ(only_error(minimal_plus("  topology: {kind: configuration, degrees: [[1, 0.5], "
                                      "[3, 0]]}\n")),
              "test.yaml:5:59: network.topology.degrees.1.1: expected a weight above 0, got 0");
    EXPECT_EQ(only_error(minimal_plus("  topology: {kind: configuration, degrees: [[1, 0.5], "
                                      "[3]]}\n")),
              "test.yaml:5:55: network.topology.degrees.1: expected a [degree, weight] pair such "
              "as [8, 0.5], got a list");
    EXPECT_EQ(only_error(minimal_plus("  topology: {kind: configuration}\n")),
              "test.yaml:5:13: network.topology.degrees: required field is missing (e.g. "
              "degrees: [[1, 0.1], [8, 0.9]])");
}

constexpr const char* kRegions = R"(  latency:
    regions:
      names: [a, b]
      matrix: [[10ms, 90ms], [90ms, 10ms]]
      assignment: {a: "0-4", b: "5-9"}
)";

TEST(NetworkRead, RegionJitter) {
    const Scenario pareto =
        load_ok(minimal_plus(std::string(kRegions) + "      jitter: {dist: pareto, shape: 2.5}\n"));
    ASSERT_TRUE(pareto.network.latency.regions.jitter.has_value());
    EXPECT_EQ(pareto.network.latency.regions.jitter->dist, LatencyJitter::Dist::kPareto);
    EXPECT_EQ(pareto.network.latency.regions.jitter->shape, 2.5);
    const Scenario lognormal = load_ok(
        minimal_plus(std::string(kRegions) + "      jitter: {dist: lognormal, sigma: 0.4}\n"));
    ASSERT_TRUE(lognormal.network.latency.regions.jitter.has_value());
    EXPECT_EQ(lognormal.network.latency.regions.jitter->dist, LatencyJitter::Dist::kLognormal);
    EXPECT_EQ(lognormal.network.latency.regions.jitter->sigma, 0.4);
    EXPECT_FALSE(load_ok(minimal_plus(kRegions)).network.latency.regions.jitter.has_value());
}

TEST(NetworkRead, RegionJitterErrors) {
    // Line 10 is the jitter line.
    EXPECT_EQ(only_error(minimal_plus(std::string(kRegions) +
                                      "      jitter: {dist: pareto, shape: 1}\n")),
              "test.yaml:10:37: network.latency.regions.jitter.shape: expected a number above 1, "
              "got 1");
    EXPECT_EQ(only_error(minimal_plus(std::string(kRegions) +
                                      "      jitter: {dist: lognormal, sigma: -1}\n")),
              "test.yaml:10:40: network.latency.regions.jitter.sigma: expected a number at least "
              "0, got -1");
    EXPECT_EQ(only_error(minimal_plus(std::string(kRegions) +
                                      "      jitter: {dist: uniform, shape: 2}\n")),
              "test.yaml:10:22: network.latency.regions.jitter.dist: expected one of pareto, "
              "lognormal, got \"uniform\"");
    EXPECT_EQ(only_error(minimal_plus(std::string(kRegions) +
                                      "      jitter: {dist: pareto}\n")),
              "test.yaml:10:15: network.latency.regions.jitter.shape: required field is missing "
              "(e.g. shape: 2.5)");
}

TEST(NetworkRead, HashrateShareAboveOneIsGrowth) {
    const Scenario s =
        load_ok(minimal_plus("events:\n  - {at: 1m, hashrate: {nodes: \"0-4\", share: 2.0}}\n"));
    ASSERT_EQ(s.events.size(), 1u);
    EXPECT_EQ(s.events[0].share, 2.0);
}

}  // namespace
}  // namespace sim

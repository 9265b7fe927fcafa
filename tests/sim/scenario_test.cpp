// Scenario loading: defaults, every field, every topology and latency kind.
// Error classes are in scenario_errors_test.cpp, --set in scenario_override_test.cpp.
#include "sim/scenario/scenario.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "scenario_test_util.h"
#include "sim/scenario/nodeset.h"

namespace sim {
namespace {

using core::kHour;
using core::kMicrosecond;
using core::kMillisecond;
using core::kMinute;
using core::kSecond;
using testing::load_ok;
using testing::minimal_plus;
using testing::only_error;
using testing::parse;

std::vector<int> range(int first, int last) {
    std::vector<int> nodes;
    for (int i = first; i <= last; ++i)
        nodes.push_back(i);
    return nodes;
}

TEST(Scenario, MinimalScenarioGetsEveryDefault) {
    Scenario s = load_ok(testing::kMinimal);
    EXPECT_EQ(s.name, "t");
    EXPECT_EQ(s.description, "");
    EXPECT_EQ(s.seed, 1u);
    EXPECT_EQ(s.duration, kHour);
    EXPECT_EQ(s.until_height, 0u);
    EXPECT_EQ(s.source_path, "test.yaml");

    EXPECT_EQ(s.consensus.block_interval, 10 * kMinute);
    EXPECT_EQ(s.consensus.pow_bits, 12);
    EXPECT_EQ(s.consensus.block_reward, 50u);
    EXPECT_EQ(s.consensus.max_block_txs, 2000);
    EXPECT_EQ(s.consensus.retarget_window, 0);

    EXPECT_EQ(s.network.nodes, 10);
    EXPECT_TRUE(s.network.topology_defaulted);
    EXPECT_EQ(s.network.topology.kind, TopologyKind::kRandomRegular);
    EXPECT_EQ(s.network.topology.degree, 8);
    EXPECT_EQ(s.network.latency.kind, LatencySpec::Kind::kDistribution);
    EXPECT_EQ(s.network.latency.distribution.dist, LatencyDist::kConstant);
    EXPECT_EQ(s.network.latency.distribution.value, 50 * kMillisecond);
    EXPECT_EQ(s.network.relay, Relay::kAnnounce);
    EXPECT_EQ(s.network.bandwidth_bps, 0u);
    EXPECT_EQ(s.network.loss, 0.0);
    EXPECT_EQ(s.network.block_size_bytes, 0u);
    EXPECT_EQ(s.network.processing.per_block, 0);
    EXPECT_EQ(s.network.processing.per_tx, 0);

    EXPECT_TRUE(s.mining_defaulted);
    ASSERT_EQ(s.mining.size(), 1u);
    EXPECT_EQ(s.mining[0].nodes, range(0, 9));
    EXPECT_EQ(s.mining[0].share, 1.0);
    EXPECT_EQ(s.mining[0].strategy, MinerStrategy::kHonest);

    EXPECT_FALSE(s.workload.has_value());
    EXPECT_TRUE(s.events.empty());
    EXPECT_TRUE(s.expectations.empty());
    EXPECT_EQ(s.report.confirmations, 1);
    EXPECT_EQ(s.report.sample_every, kMinute);  // block_interval / 10
}

TEST(Scenario, SmallNetworksDefaultToFullTopology) {
    Scenario s = load_ok(R"(
name: t
duration: 1h
network: {nodes: 8}
)");
    EXPECT_TRUE(s.network.topology_defaulted);
    EXPECT_EQ(s.network.topology.kind, TopologyKind::kFull);
}

TEST(Scenario, SampleStepFollowsBlockIntervalButNotBelowOneMillisecond) {
    EXPECT_EQ(load_ok(minimal_plus("consensus: {block_interval: 30s}")).report.sample_every,
              3 * kSecond);
    EXPECT_EQ(load_ok(minimal_plus("consensus: {block_interval: 5ms}")).report.sample_every,
              kMillisecond);
}

// The design's example scenario, plus the settings it leaves out.
constexpr std::string_view kFull = R"(
name: partition-heal
description: Two halves mine apart for an hour, then reconnect.
seed: 7
duration: 3h
consensus:
  block_interval: 10m
  pow_bits: 14
  block_reward: 25
  max_block_txs: 500
  retarget: {window: 144}
network:
  nodes: 100
  topology: {kind: random-regular, degree: 6}
  latency: {dist: lognormal, median: 80ms, sigma: 0.5}
  relay: push
  bandwidth: 20Mbps
  loss: 0.01
  block_size: 500KB
  processing: {per_block: 2ms, per_tx: 50us}
mining:
  - {nodes: "0-9", share: 0.5}
  - {nodes: "10", share: 0.3, strategy: selfish}
  - {nodes: "11", share: 0.2, strategy: double-spend, confirmations: 3, give_up: 8}
workload:
  accounts: 200
  tx_rate: 3/s
  invalid_fraction: 0.02
  amount: {min: 5, max: 50}
  fee: 2
events:
  - {at: 2h, cut: ["3", "4"]}
  - {at: 30m, partition: ["0-49", "50-99"]}
  - {at: 90m, heal: all}
  - {at: 100m, crash: "7"}
  - {at: 110m, restart: "7"}
  - {at: 2h, restore: [3, 4]}
  - {at: 2h, latency: {dist: constant, value: 2s}}
  - {at: 2h, hashrate: {nodes: "10", share: 0.2}}
expect:
  - {converged_within: 10m}
  - {max_reorg_depth: 12}
  - {stale_rate_below: 0.05}
report:
  confirmations: 6
  sample_every: 30s
)";

TEST(Scenario, EveryFieldIsRead) {
    Scenario s = load_ok(kFull);
    EXPECT_EQ(s.name, "partition-heal");
    EXPECT_EQ(s.description, "Two halves mine apart for an hour, then reconnect.");
    EXPECT_EQ(s.seed, 7u);
    EXPECT_EQ(s.duration, 3 * kHour);

    EXPECT_EQ(s.consensus.block_interval, 10 * kMinute);
    EXPECT_EQ(s.consensus.pow_bits, 14);
    EXPECT_EQ(s.consensus.block_reward, 25u);
    EXPECT_EQ(s.consensus.max_block_txs, 500);
    EXPECT_EQ(s.consensus.retarget_window, 144);

    const NetworkSpec& n = s.network;
    EXPECT_EQ(n.nodes, 100);
    EXPECT_FALSE(n.topology_defaulted);
    EXPECT_EQ(n.topology.kind, TopologyKind::kRandomRegular);
    EXPECT_EQ(n.topology.degree, 6);
    EXPECT_EQ(n.latency.distribution.dist, LatencyDist::kLognormal);
    EXPECT_EQ(n.latency.distribution.median, 80 * kMillisecond);
    EXPECT_EQ(n.latency.distribution.sigma, 0.5);
    EXPECT_EQ(n.relay, Relay::kPush);
    EXPECT_EQ(n.bandwidth_bps, 20'000'000u);
    EXPECT_EQ(n.loss, 0.01);
    EXPECT_EQ(n.block_size_bytes, 500'000u);
    EXPECT_EQ(n.processing.per_block, 2 * kMillisecond);
    EXPECT_EQ(n.processing.per_tx, 50 * kMicrosecond);

    EXPECT_FALSE(s.mining_defaulted);
    ASSERT_EQ(s.mining.size(), 3u);
    EXPECT_EQ(s.mining[0].nodes, range(0, 9));
    EXPECT_EQ(s.mining[0].share, 0.5);
    EXPECT_EQ(s.mining[0].strategy, MinerStrategy::kHonest);
    EXPECT_EQ(s.mining[1].nodes, std::vector<int>{10});
    EXPECT_EQ(s.mining[1].strategy, MinerStrategy::kSelfish);
    EXPECT_EQ(s.mining[2].strategy, MinerStrategy::kDoubleSpend);
    EXPECT_EQ(s.mining[2].confirmations, 3);
    EXPECT_EQ(s.mining[2].give_up, 8);

    ASSERT_TRUE(s.workload.has_value());
    EXPECT_EQ(s.workload->accounts, 200);
    EXPECT_DOUBLE_EQ(s.workload->tx_rate, 3.0);
    EXPECT_EQ(s.workload->invalid_fraction, 0.02);
    EXPECT_EQ(s.workload->amount_min, 5u);
    EXPECT_EQ(s.workload->amount_max, 50u);
    EXPECT_EQ(s.workload->fee_min, 2u);
    EXPECT_EQ(s.workload->fee_max, 2u);

    ASSERT_EQ(s.events.size(), 8u);
    // Sorted by time; the four at 2h keep their file order (cut was listed first).
    std::vector<EventKind> kinds;
    for (const EventSpec& e : s.events)
        kinds.push_back(e.kind);
    EXPECT_EQ(kinds,
              (std::vector<EventKind>{EventKind::kPartition, EventKind::kHeal, EventKind::kCrash,
                                      EventKind::kRestart, EventKind::kCut, EventKind::kRestore,
                                      EventKind::kLatency, EventKind::kHashrate}));
    EXPECT_EQ(s.events[0].at, 30 * kMinute);
    EXPECT_EQ(s.events[0].groups, (std::vector<std::vector<int>>{range(0, 49), range(50, 99)}));
    EXPECT_EQ(s.events[1].at, 90 * kMinute);
    EXPECT_EQ(s.events[2].nodes, std::vector<int>{7});
    EXPECT_EQ(s.events[3].at, 110 * kMinute);
    EXPECT_EQ(s.events[4].at, 2 * kHour);
    EXPECT_EQ(s.events[4].a, 3);
    EXPECT_EQ(s.events[4].b, 4);
    EXPECT_EQ(s.events[5].a, 3);
    EXPECT_EQ(s.events[5].b, 4);
    EXPECT_EQ(s.events[6].latency.distribution.dist, LatencyDist::kConstant);
    EXPECT_EQ(s.events[6].latency.distribution.value, 2 * kSecond);
    EXPECT_EQ(s.events[7].nodes, std::vector<int>{10});
    EXPECT_EQ(s.events[7].share, 0.2);

    ASSERT_EQ(s.expectations.size(), 3u);
    EXPECT_EQ(s.expectations[0].kind, ExpectationKind::kConvergedWithin);
    EXPECT_EQ(s.expectations[0].converged_within, 10 * kMinute);
    EXPECT_EQ(s.expectations[1].kind, ExpectationKind::kMaxReorgDepth);
    EXPECT_EQ(s.expectations[1].max_reorg_depth, 12);
    EXPECT_EQ(s.expectations[2].kind, ExpectationKind::kStaleRateBelow);
    EXPECT_EQ(s.expectations[2].stale_rate_below, 0.05);

    EXPECT_EQ(s.report.confirmations, 6);
    EXPECT_EQ(s.report.sample_every, 30 * kSecond);
}

TEST(Scenario, DescriptionsForReports) {
    Scenario s = load_ok(kFull);
    EXPECT_EQ(describe(s.events[0]), "partition 0-49 | 50-99");
    EXPECT_EQ(describe(s.events[1]), "heal all");
    EXPECT_EQ(describe(s.events[2]), "crash 7");
    EXPECT_EQ(describe(s.events[4]), "cut 3-4");
    EXPECT_EQ(describe(s.events[6]), "latency constant 2s");  // with its value, for plots
    EXPECT_EQ(describe(s.events[7]), "hashrate 10 0.2");
    EXPECT_EQ(describe(s.expectations[0]), "converged_within 10m");
    EXPECT_EQ(describe(s.expectations[2]), "stale_rate_below 0.05");
}

TEST(Scenario, UntilHeightInsteadOfDuration) {
    Scenario s = load_ok(R"(
name: t
until: {height: 500}
network: {nodes: 4}
events:
  - {at: 100d, crash: "1"}
)");
    EXPECT_EQ(s.duration, 0);
    EXPECT_EQ(s.until_height, 500u);
    ASSERT_EQ(s.events.size(), 1u);  // no end time, so no bound on events
    EXPECT_EQ(s.events[0].at, 100 * 24 * kHour);
}

TEST(Scenario, PartitionPutsUnlistedNodesInALastGroup) {
    Scenario s = load_ok(minimal_plus(R"(
events:
  - {at: 1m, partition: ["0-2", "5"]}
)"));
    ASSERT_EQ(s.events.size(), 1u);
    EXPECT_EQ(s.events[0].groups,
              (std::vector<std::vector<int>>{{0, 1, 2}, {5}, {3, 4, 6, 7, 8, 9}}));
}

TEST(Scenario, EventAtTheEndOfTheRunIsAllowed) {
    Scenario s = load_ok(minimal_plus("events: [{at: 1h, heal: all}]"));
    EXPECT_EQ(s.events.size(), 1u);
}

TEST(Scenario, AmountAndFeeRanges) {
    Scenario s = load_ok(minimal_plus(R"(
workload: {accounts: 2, tx_rate: 10/m, amount: 7, fee: {min: 0, max: 3}}
)"));
    ASSERT_TRUE(s.workload.has_value());
    EXPECT_DOUBLE_EQ(s.workload->tx_rate, 10.0 / 60);
    EXPECT_EQ(s.workload->invalid_fraction, 0.0);
    EXPECT_EQ(s.workload->amount_min, 7u);
    EXPECT_EQ(s.workload->amount_max, 7u);
    EXPECT_EQ(s.workload->fee_min, 0u);
    EXPECT_EQ(s.workload->fee_max, 3u);
}

TEST(Scenario, DoubleSpendDefaults) {
    Scenario s = load_ok(minimal_plus(R"(
mining:
  - {nodes: "0-8", share: 0.9}
  - {nodes: "9", share: 0.1, strategy: double-spend}
)"));
    ASSERT_EQ(s.mining.size(), 2u);
    EXPECT_EQ(s.mining[1].confirmations, 6);
    EXPECT_EQ(s.mining[1].give_up, 8);
}

TEST(Scenario, SharesMaySumToOneWithinRounding) {
    Scenario s = load_ok(minimal_plus(R"(
mining:
  - {nodes: "0-2", share: 0.1}
  - {nodes: "3-5", share: 0.2}
  - {nodes: "6-9", share: 0.7}
)"));
    EXPECT_EQ(s.mining.size(), 3u);  // 0.1 + 0.2 + 0.7 is not exactly 1 in binary
}

TEST(Scenario, NullValuesCountAsAbsent) {
    Scenario s = load_ok(minimal_plus(R"(
description:
consensus:
mining:
events:
)"));
    EXPECT_EQ(s.consensus.pow_bits, 12);
    EXPECT_TRUE(s.mining_defaulted);
    EXPECT_TRUE(s.events.empty());
}

// ---- Topologies

struct TopologyCase {
    std::string_view yaml;
    TopologySpec expected;
};

TEST(Scenario, EveryTopologyKind) {
    auto topology = [](TopologyKind kind) {
        TopologySpec spec;
        spec.kind = kind;
        return spec;
    };
    TopologySpec regular = topology(TopologyKind::kRandomRegular);
    regular.degree = 4;
    TopologySpec er = topology(TopologyKind::kErdosRenyi);
    er.p = 0.25;
    TopologySpec sw = topology(TopologyKind::kSmallWorld);
    sw.k = 4;
    sw.beta = 0.1;
    TopologySpec sf = topology(TopologyKind::kScaleFree);
    sf.m = 2;
    TopologySpec edges = topology(TopologyKind::kExplicit);
    edges.edges = {{0, 1}, {0, 9}, {1, 2}, {2, 3}, {3, 4}, {4, 5}, {5, 6}, {6, 7}, {7, 8}};

    const TopologyCase cases[] = {
        {"{kind: full}", topology(TopologyKind::kFull)},
        {"ring", topology(TopologyKind::kRing)},
        {"{kind: line}", topology(TopologyKind::kLine)},
        {"{kind: star}", topology(TopologyKind::kStar)},
        {"{kind: random-regular, degree: 4}", regular},
        {"{kind: erdos-renyi, p: 0.25}", er},
        {"{kind: small-world, k: 4, beta: 0.1}", sw},
        {"{kind: scale-free, m: 2}", sf},
        {"{kind: explicit, edges: [[1, 0], [1, 2], [2, 3], [3, 4], [4, 5], [5, 6], [6, 7], "
         "[7, 8], [\"9\", 0]]}",
         edges},
    };
    for (const TopologyCase& c : cases) {
        SCOPED_TRACE(c.yaml);
        Scenario s = load_ok(minimal_plus("  topology: " + std::string(c.yaml) + "\n"));
        const TopologySpec& t = s.network.topology;
        EXPECT_FALSE(s.network.topology_defaulted);
        EXPECT_EQ(t.kind, c.expected.kind);
        EXPECT_EQ(t.degree, c.expected.degree);
        EXPECT_EQ(t.p, c.expected.p);
        EXPECT_EQ(t.k, c.expected.k);
        EXPECT_EQ(t.beta, c.expected.beta);
        EXPECT_EQ(t.m, c.expected.m);
        EXPECT_EQ(t.edges, c.expected.edges);
    }
}

// ---- Latency

TEST(Scenario, EveryLatencyDistribution) {
    auto latency = [](std::string_view spec) {
        Scenario s = load_ok(minimal_plus("  latency: " + std::string(spec) + "\n"));
        EXPECT_EQ(s.network.latency.kind, LatencySpec::Kind::kDistribution);
        return s.network.latency.distribution;
    };
    LatencyDistribution d = latency("{dist: constant, value: 20ms}");
    EXPECT_EQ(d.dist, LatencyDist::kConstant);
    EXPECT_EQ(d.value, 20 * kMillisecond);

    d = latency("35ms");  // shorthand for a constant
    EXPECT_EQ(d.dist, LatencyDist::kConstant);
    EXPECT_EQ(d.value, 35 * kMillisecond);

    d = latency("{dist: uniform, min: 10ms, max: 30ms}");
    EXPECT_EQ(d.dist, LatencyDist::kUniform);
    EXPECT_EQ(d.min, 10 * kMillisecond);
    EXPECT_EQ(d.max, 30 * kMillisecond);
    EXPECT_EQ(d.value, 0);

    d = latency("{dist: normal, mean: 80ms, stddev: 15ms}");
    EXPECT_EQ(d.dist, LatencyDist::kNormal);
    EXPECT_EQ(d.mean, 80 * kMillisecond);
    EXPECT_EQ(d.stddev, 15 * kMillisecond);

    d = latency("{dist: lognormal, median: 80ms, sigma: 0.5}");
    EXPECT_EQ(d.dist, LatencyDist::kLognormal);
    EXPECT_EQ(d.median, 80 * kMillisecond);
    EXPECT_EQ(d.sigma, 0.5);

    d = latency("{dist: pareto, scale: 20ms, shape: 1.5}");
    EXPECT_EQ(d.dist, LatencyDist::kPareto);
    EXPECT_EQ(d.scale, 20 * kMillisecond);
    EXPECT_EQ(d.shape, 1.5);
}

TEST(Scenario, LatencyRegionsWithAMapAssignment) {
    Scenario s = load_ok(R"(
name: t
duration: 1h
network:
  nodes: 6
  latency:
    regions:
      names: [us, eu, asia]
      matrix:
        - [10ms, 80ms, 150ms]
        - [80ms, 5ms, 200ms]
        - [150ms, 200ms, 1.5ms]
      assignment: {us: "0-1", eu: "2,4", asia: "3,5"}
)");
    const LatencySpec& latency = s.network.latency;
    ASSERT_EQ(latency.kind, LatencySpec::Kind::kRegions);
    EXPECT_EQ(latency.regions.names, (std::vector<std::string>{"us", "eu", "asia"}));
    ASSERT_EQ(latency.regions.matrix.size(), 3u);
    EXPECT_EQ(latency.regions.matrix[0],
              (std::vector<core::Nanos>{10 * kMillisecond, 80 * kMillisecond, 150 * kMillisecond}));
    EXPECT_EQ(latency.regions.matrix[2][2], 1'500 * kMicrosecond);
    EXPECT_EQ(latency.regions.node_region, (std::vector<int>{0, 0, 1, 2, 1, 2}));
}

TEST(Scenario, LatencyRegionsWithAListAssignment) {
    Scenario s = load_ok(R"(
name: t
duration: 1h
network:
  nodes: 4
  latency:
    regions:
      names: [near, far]
      matrix: [[1ms, 90ms], [90ms, 1ms]]
      assignment: [near, far, 1, 0]
)");
    EXPECT_EQ(s.network.latency.regions.node_region, (std::vector<int>{0, 1, 1, 0}));
}

TEST(Scenario, LatencyEventMayUseRegions) {
    Scenario s = load_ok(minimal_plus(R"(
events:
  - at: 10m
    latency:
      regions:
        names: [a, b]
        matrix: [[1ms, 2ms], [2ms, 1ms]]
        assignment: {a: "0-4", b: "5-9"}
)"));
    ASSERT_EQ(s.events.size(), 1u);
    EXPECT_EQ(s.events[0].latency.kind, LatencySpec::Kind::kRegions);
    EXPECT_EQ(s.events[0].latency.regions.node_region,
              (std::vector<int>{0, 0, 0, 0, 0, 1, 1, 1, 1, 1}));
}

// ---- Files

TEST(Scenario, LoadsAFile) {
    auto path = std::filesystem::temp_directory_path() /
                ("chainsim-scenario-test-" + std::to_string(::getpid()) + ".yaml");
    {
        std::ofstream out(path);
        out << testing::yaml(kFull);
    }
    ScenarioLoad load = load_scenario(path.string());
    std::filesystem::remove(path);
    ASSERT_TRUE(load.ok()) << load.error_text();
    EXPECT_EQ(load.scenario->name, "partition-heal");
    EXPECT_EQ(load.scenario->source_path, path.string());
}

TEST(Scenario, UnreadableFileIsAnError) {
    ScenarioLoad load = load_scenario("/nonexistent/dir/x.yaml");
    EXPECT_FALSE(load.scenario.has_value());
    ASSERT_EQ(load.errors.size(), 1u);
    EXPECT_EQ(load.errors[0],
              "/nonexistent/dir/x.yaml: cannot read the scenario file: No such file or directory");

    load = load_scenario(std::filesystem::temp_directory_path().string());
    ASSERT_EQ(load.errors.size(), 1u);
    EXPECT_NE(load.errors[0].find(": cannot read the scenario file: Is a directory"),
              std::string::npos)
        << load.errors[0];
}

TEST(Scenario, ErrorTextHasOneLinePerError) {
    ScenarioLoad load = parse("name: t\n");
    ASSERT_EQ(load.errors.size(), 2u) << load.error_text();
    EXPECT_EQ(load.error_text(), load.errors[0] + "\n" + load.errors[1] + "\n");
}

}  // namespace
}  // namespace sim

// network.dropped.{partition,cut,node_down} count what users mean: the messages a node
// would have relayed to a graph neighbour but could not (issue 14). Nodes relay only to
// reachable peers, so before this the network itself never saw them and the causes read 0.
#include <gtest/gtest.h>

#include "sim/world/runner.h"
#include "world_test_util.h"

namespace sim {
namespace {

using core::kMinute;

// A ring of four: every node has a neighbour across the partition, so each block found
// during it is withheld at least once at its miner, the instant it is found.
constexpr std::string_view kFaults = R"(
name: dropped
duration: 3h
consensus: {block_interval: 1m, pow_bits: 8}
network:
  nodes: 4
  topology: {kind: ring}
  latency: {dist: constant, value: 50ms}
events:
  - {at: 30m, partition: ["0-1", "2-3"]}
  - {at: 60m, heal: all}
  - {at: 80m, cut: ["0", "1"]}
  - {at: 100m, restore: ["0", "1"]}
  - {at: 120m, crash: "2"}
  - {at: 140m, restart: "2"}
)";

nlohmann::json run_report(std::string_view yaml) {
    ScenarioLoad load = testing::parse(yaml);
    EXPECT_TRUE(load.ok()) << load.error_text();
    RunConfig config;
    config.seed = load.scenario->seed;
    Expected<RunOutcome> outcome = run_scenario(*load.scenario, config);
    EXPECT_TRUE(outcome.has_value());
    return outcome ? outcome->report : nlohmann::json();
}

TEST(Dropped, EachFaultCountsTheRelaysItStopped) {
    const nlohmann::json report = run_report(kFaults);
    const nlohmann::json& network = report["network"];
    const nlohmann::json& dropped = network["dropped"];
    EXPECT_GT(dropped["partition"].get<std::uint64_t>(), 0u) << network.dump();
    EXPECT_GT(dropped["cut"].get<std::uint64_t>(), 0u) << network.dump();
    EXPECT_GT(dropped["node_down"].get<std::uint64_t>(), 0u) << network.dump();

    // Every block found during the partition was withheld from a neighbour at least once.
    testing::Ran ran = testing::run_world(kFaults, 1);
    ASSERT_TRUE(ran.world);
    std::uint64_t found_in_partition = 0;
    for (const auto& b : ran.world->recorder().blocks())
        found_in_partition += (b.found >= 30 * kMinute && b.found < 60 * kMinute) ? 1 : 0;
    ASSERT_GT(found_in_partition, 0u);
    EXPECT_GE(ran.result.withheld.partition, found_in_partition);
    EXPECT_EQ(dropped["partition"].get<std::uint64_t>(),
              ran.result.network.dropped_partition + ran.result.withheld.partition);

    // Sent counts them too: what was sent was delivered, dropped or is still in flight.
    std::uint64_t all_dropped = 0;
    for (const auto& [cause, n] : dropped.items())
        all_dropped += n.get<std::uint64_t>();
    EXPECT_GE(network["sent"].get<std::uint64_t>(),
              network["delivered"].get<std::uint64_t>() + all_dropped);
    EXPECT_EQ(network["sent"].get<std::uint64_t>(),
              ran.result.network.sent + ran.result.withheld.total());
}

TEST(Dropped, NoFaultsNoneWithheld) {
    const std::string calm = std::string(kFaults.substr(0, kFaults.find("events:")));
    const nlohmann::json dropped = run_report(calm)["network"]["dropped"];
    for (const char* cause : {"partition", "cut", "node_down"})
        EXPECT_EQ(dropped[cause].get<std::uint64_t>(), 0u) << cause;
}

}  // namespace
}  // namespace sim

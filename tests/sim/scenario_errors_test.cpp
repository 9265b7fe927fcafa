// Scenario errors: each names file, line, column and field, and says what was expected.
// Line numbers: kMinimal is lines 1-4, so minimal_plus() text starts at line 5.
#include <gtest/gtest.h>

#include "scenario_test_util.h"
#include "sim/scenario/scenario.h"

namespace sim {
namespace {

using testing::minimal_plus;
using testing::only_error;
using testing::parse;

// ---- unknown keys

TEST(ScenarioErrors, UnknownKeyInASectionSuggestsTheClosestKey) {
    EXPECT_EQ(only_error(R"(
name: t
duration: 1h
network:
  nodes: 10
  latncy: {dist: constant, value: 20ms}
)"),
              "test.yaml:5:3: network.latncy: unknown key 'latncy' in network (did you mean "
              "'latency'?); expected one of: nodes, topology, latency, relay, bandwidth, loss, "
              "block_size, processing, compact, block_request_timeout");
}

// Found by the scenario_yaml fuzzer: an expectation with an empty key ({: 0.3}) passed the key
// check and was then read as a check with no name (front() of an empty list).
TEST(ScenarioErrors, AnEmptyKeyInAnExpectationIsAnError) {
    EXPECT_EQ(only_error(minimal_plus("expect:\n  - {: 0.3}\n")),
              "test.yaml:6:6: expect.0: expected a plain name as a key, got nothing (an empty key)");
}

TEST(ScenarioErrors, UnknownTopLevelKeyCountsTranspositionsAsTypos) {
    EXPECT_EQ(only_error(minimal_plus("sede: 3\n")),
              "test.yaml:5:1: sede: unknown key 'sede' in the scenario (did you mean 'seed'?); "
              "expected one of: name, description, seed, duration, until, consensus, network, "
              "mining, workload, events, expect, report");
}

TEST(ScenarioErrors, UnknownKeyWithoutACloseMatch) {
    EXPECT_EQ(only_error(minimal_plus("consensus: {difficulty: 3}\n")),
              "test.yaml:5:13: consensus.difficulty: unknown key 'difficulty' in consensus; "
              "expected one of: block_interval, pow_bits, block_reward, max_block_txs, retarget, "
              "tie_break");
}

TEST(ScenarioErrors, UnknownParameterForATopologyKind) {
    EXPECT_EQ(only_error(minimal_plus("  topology: {kind: ring, degree: 4}\n")),
              "test.yaml:5:26: network.topology.degree: unknown key 'degree' in topology kind "
              "ring; expected one of: kind, clique");
}

TEST(ScenarioErrors, RepeatedKey) {
    EXPECT_EQ(only_error(minimal_plus("seed: 1\nseed: 2\n")),
              "test.yaml:6:1: seed: key 'seed' appears twice in the scenario (first at line 5)");
}

// ---- wrong types

TEST(ScenarioErrors, MapExpected) {
    EXPECT_EQ(only_error(R"(
name: t
duration: 1h
network: 5
)"),
              "test.yaml:3:10: network: expected a map, got 5");
}

TEST(ScenarioErrors, IntegerExpected) {
    EXPECT_EQ(only_error(minimal_plus("consensus: {pow_bits: 2.5}\n")),
              "test.yaml:5:23: consensus.pow_bits: expected an integer, got 2.5");
    EXPECT_EQ(only_error(minimal_plus("seed: lucky\n")),
              "test.yaml:5:7: seed: expected an integer from 0 to 18446744073709551615, got "
              "\"lucky\"");
}

TEST(ScenarioErrors, IntegerOutOfRange) {
    EXPECT_EQ(only_error(minimal_plus("consensus: {pow_bits: 33}\n")),
              "test.yaml:5:23: consensus.pow_bits: expected an integer from 1 to 32, got 33");
    EXPECT_EQ(only_error(minimal_plus("workload: {accounts: 1, tx_rate: 1/s}\n")),
              "test.yaml:5:22: workload.accounts: expected an integer from 2 to 1000000, got 1");
}

TEST(ScenarioErrors, NumberOutOfRange) {
    EXPECT_EQ(only_error(minimal_plus("  loss: 1\n")),
              "test.yaml:5:9: network.loss: expected a number at least 0 and below 1, got 1");
}

TEST(ScenarioErrors, ListExpected) {
    EXPECT_EQ(only_error(minimal_plus("events: {at: 1m, heal: all}\n")),
              "test.yaml:5:9: events: expected a list of events such as [{at: 30m, heal: all}], "
              "got a map");
}

TEST(ScenarioErrors, ChoiceExpected) {
    EXPECT_EQ(only_error(minimal_plus("  relay: pushy\n")),
              "test.yaml:5:10: network.relay: expected one of announce, push, compact, got \"pushy\" "
              "(did "
              "you mean 'push'?)");
    EXPECT_EQ(only_error(minimal_plus("  topology: {kind: smallworld, k: 4, beta: 0.1}\n")),
              "test.yaml:5:20: network.topology.kind: expected one of full, ring, line, star, "
              "random-regular, erdos-renyi, small-world, scale-free, explicit, bitcoin, "
              "configuration, got \"smallworld\" (did you mean 'small-world'?)");
}

TEST(ScenarioErrors, NameMustBeUsableAsAFolder) {
    EXPECT_EQ(only_error("name: my scenario\nduration: 1h\nnetwork: {nodes: 3}\n"),
              "test.yaml:1:7: name: expected a name of letters, digits, '-', '_' and '.' (it names "
              "the run folder), got \"my scenario\"");
}

// ---- units

TEST(ScenarioErrors, BadDuration) {
    EXPECT_EQ(
        only_error(minimal_plus("  latency: {dist: lognormal, median: eighty, sigma: 0.5}\n")),
        "test.yaml:5:38: network.latency.median: expected a duration such as 80ms, got "
        "\"eighty\"");
}

TEST(ScenarioErrors, BareNumberIsNotADuration) {
    EXPECT_EQ(only_error(minimal_plus("consensus:\n  block_interval: 600\n")),
              "test.yaml:6:19: consensus.block_interval: expected a duration such as 80ms, got "
              "600 (a unit is required: ns, us, ms, s, m, h, d)");
}

TEST(ScenarioErrors, BadSizeBandwidthAndRate) {
    ScenarioLoad load = parse(minimal_plus(R"(
  bandwidth: 20MB
  block_size: 1Mb
workload: {accounts: 5, tx_rate: 3}
)"));
    ASSERT_EQ(load.errors.size(), 3u) << load.error_text();
    EXPECT_EQ(load.errors[0],
              "test.yaml:5:14: network.bandwidth: expected a bandwidth such as 20Mbps, got "
              "\"20MB\" (unknown unit \"MB\"; units are bps, kbps, Mbps, Gbps)");
    EXPECT_EQ(load.errors[1],
              "test.yaml:6:15: network.block_size: expected a size such as 500KB, got \"1Mb\" "
              "(unknown unit \"Mb\"; units are B, KB, MB, GB, KiB, MiB, GiB)");
    EXPECT_EQ(load.errors[2],
              "test.yaml:7:34: workload.tx_rate: expected a rate such as 3/s, got 3 (write it "
              "per unit of time: /s, /m, /h or /d)");
}

TEST(ScenarioErrors, ZeroBlockInterval) {
    EXPECT_EQ(only_error(minimal_plus("consensus: {block_interval: 0s}\n")),
              "test.yaml:5:29: consensus.block_interval: expected a duration above zero, such as "
              "80ms, got \"0s\"");
}

// ---- node sets

TEST(ScenarioErrors, NodeSetOutOfRange) {
    EXPECT_EQ(only_error(minimal_plus(R"(
mining:
  - {nodes: "0-9", share: 0.5}
  - {nodes: "10-12", share: 0.5}
)")),
              "test.yaml:7:13: mining.1.nodes: range \"10-12\" goes beyond the last node; this "
              "scenario has 10 nodes: 0-9");
    EXPECT_EQ(only_error(minimal_plus("events: [{at: 1m, crash: 10}]\n")),
              "test.yaml:5:26: events.0.crash: node 10 is out of range; this scenario has 10 "
              "nodes: 0-9");
}

TEST(ScenarioErrors, NodeSetReversedAndJunk) {
    ScenarioLoad load = parse(minimal_plus(R"(
events:
  - {at: 1m, crash: "5-2"}
  - {at: 1m, restart: "two"}
)"));
    ASSERT_EQ(load.errors.size(), 2u) << load.error_text();
    EXPECT_EQ(load.errors[0],
              R"(test.yaml:6:21: events.0.crash: reversed range "5-2"; write "2-5")");
    EXPECT_EQ(load.errors[1],
              "test.yaml:7:23: events.1.restart: expected a node set such as \"3\", \"0-49\", "
              "\"0-9,20,30-39\" or \"all\", got \"two\"");
}

// ---- partitions, mining

TEST(ScenarioErrors, OverlappingPartitionGroups) {
    EXPECT_EQ(only_error(minimal_plus(R"(
events:
  - {at: 10m, partition: ["0-5", "6-9", "5"]}
)")),
              "test.yaml:6:41: events.0.partition.2: groups 0 (\"0-5\") and 2 (\"5\") share node "
              "5; partition groups must not overlap");
}

TEST(ScenarioErrors, PartitionNeedsTwoGroups) {
    EXPECT_EQ(only_error(minimal_plus("events: [{at: 1m, partition: [\"0-4\"]}]\n")),
              "test.yaml:5:30: events.0.partition: a partition needs at least 2 groups, got 1");
}

TEST(ScenarioErrors, OverlappingMiningSets) {
    EXPECT_EQ(only_error(minimal_plus(R"(
mining:
  - {nodes: "0-5", share: 0.5}
  - {nodes: "5-9", share: 0.5}
)")),
              "test.yaml:7:13: mining.1.nodes: node 5 is also in mining.0; a node mines in one "
              "entry only");
}

TEST(ScenarioErrors, SharesMustSumToOne) {
    EXPECT_EQ(only_error(minimal_plus(R"(
mining:
  - {nodes: "0-4", share: 0.5}
  - {nodes: "5-9", share: 0.4}
)")),
              "test.yaml:6:3: mining: the shares sum to 0.9; they must sum to 1 (within 1e-9)");
}

TEST(ScenarioErrors, ShareMustBePositive) {
    EXPECT_EQ(only_error(minimal_plus("mining: [{nodes: all, share: 0}]\n")),
              "test.yaml:5:30: mining.0.share: expected a number above 0 and at most 1, got 0");
}

TEST(ScenarioErrors, DoubleSpendSettingsOnAnHonestMiner) {
    EXPECT_EQ(only_error(minimal_plus("mining: [{nodes: all, share: 1, confirmations: 3}]\n")),
              "test.yaml:5:48: mining.0.confirmations: confirmations only applies to strategy "
              "double-spend");
}

TEST(ScenarioErrors, EmptyMiningList) {
    EXPECT_EQ(only_error(minimal_plus("mining: []\n")),
              "test.yaml:5:9: mining: the mining list is empty; remove it to let every node mine "
              "with an equal share");
}

// ---- events

TEST(ScenarioErrors, EventAfterTheDuration) {
    EXPECT_EQ(only_error(minimal_plus(R"(
events:
  - {at: 2h, crash: "1"}
)")),
              "test.yaml:6:10: events.0.at: the event at 2h is after the end of the run "
              "(duration: 1h)");
}

TEST(ScenarioErrors, TwoActionsInOneEvent) {
    EXPECT_EQ(only_error(minimal_plus(R"(
events:
  - {at: 1m, crash: "1", restart: "1"}
)")),
              "test.yaml:6:5: events.0: an event has one action, this one has crash, restart; "
              "give each its own entry (entries with the same `at` run in listed order)");
}

TEST(ScenarioErrors, EventWithoutAnAction) {
    EXPECT_EQ(only_error(minimal_plus("events: [{at: 1m}]\n")),
              "test.yaml:5:10: events.0: expected an action: one of partition, heal, crash, "
              "restart, cut, restore, latency, hashrate");
}

TEST(ScenarioErrors, MisspeltActionIsReportedOnce) {
    EXPECT_EQ(only_error(minimal_plus("events: [{at: 1m, crsh: 1}]\n")),
              "test.yaml:5:19: events.0.crsh: unknown key 'crsh' in an event (did you mean "
              "'crash'?); expected one of: at, partition, heal, crash, restart, cut, restore, "
              "latency, hashrate");
}

TEST(ScenarioErrors, BadEventValues) {
    ScenarioLoad load = parse(minimal_plus(R"(
events:
  - {at: 1m, heal: some}
  - {at: 1m, cut: ["3", "3"]}
  - {at: 1m, restore: ["3"]}
  - {at: 1m, cut: ["3", "0-1"]}
  - {at: 1m, hashrate: {nodes: "1", share: -0.5}}
)"));
    ASSERT_EQ(load.errors.size(), 5u) << load.error_text();
    EXPECT_EQ(load.errors[0],
              "test.yaml:6:20: events.0.heal: expected all (heal: all), got \"some\"");
    EXPECT_EQ(load.errors[1],
              "test.yaml:7:19: events.1.cut: expected two different nodes, got node 3 twice");
    EXPECT_EQ(load.errors[2],
              "test.yaml:8:23: events.2.restore: expected a pair of nodes such as [\"3\", \"4\"], "
              "got a list");
    EXPECT_EQ(load.errors[3],
              "test.yaml:9:25: events.3.cut.1: expected a single node such as \"3\", got \"0-1\"");
    EXPECT_EQ(load.errors[4],
              "test.yaml:10:44: events.4.hashrate.share: expected a number at least 0, got -0.5");
}

// ---- missing and conflicting fields

TEST(ScenarioErrors, MissingName) {
    EXPECT_EQ(only_error("duration: 1h\nnetwork: {nodes: 3}\n"),
              "test.yaml:1:1: name: required field is missing (e.g. name: partition-heal)");
}

TEST(ScenarioErrors, MissingNodeCount) {
    EXPECT_EQ(only_error(R"(
name: t
duration: 1h
network:
  relay: push
)"),
              "test.yaml:4:3: network.nodes: required field is missing (e.g. nodes: 100)");
}

TEST(ScenarioErrors, MissingTopologyParameter) {
    EXPECT_EQ(
        only_error(minimal_plus("  topology: random-regular\n")),
        "test.yaml:5:13: network.topology.degree: required field is missing (e.g. degree: 8)");
}

TEST(ScenarioErrors, MissingRunLength) {
    EXPECT_EQ(only_error("name: t\nnetwork: {nodes: 3}\n"),
              "test.yaml:1:1: missing how long to run: give duration (e.g. duration: 3h) or until "
              "(e.g. until: {height: 500})");
}

TEST(ScenarioErrors, DurationAndUntilTogether) {
    EXPECT_EQ(only_error(minimal_plus("until: {height: 10}\n")),
              "test.yaml:5:8: until: give either duration or until, not both");
}

// ---- topology and latency checks

TEST(ScenarioErrors, TopologyParameterRanges) {
    ScenarioLoad load = parse(R"(
name: t
duration: 1h
network:
  nodes: 9
  topology: {kind: random-regular, degree: 3}
)");
    ASSERT_EQ(load.errors.size(), 1u) << load.error_text();
    EXPECT_EQ(load.errors[0],
              "test.yaml:5:44: network.topology.degree: random-regular needs nodes * degree to "
              "be even; 9 * 3 is odd");
    EXPECT_EQ(only_error(minimal_plus("  topology: {kind: random-regular, degree: 10}\n")),
              "test.yaml:5:44: network.topology.degree: expected an integer from 1 to 9, got 10");
    EXPECT_EQ(only_error(minimal_plus("  topology: {kind: small-world, k: 3, beta: 0.1}\n")),
              "test.yaml:5:36: network.topology.k: expected an even k (k/2 neighbours on each "
              "side), got 3");
    // The ring lattice needs k + 1 < nodes; k = nodes - 1 must fail at load, not at run.
    ScenarioLoad wide = parse(R"(
name: t
duration: 1h
network:
  nodes: 5
  topology: {kind: small-world, k: 4, beta: 0.1}
)");
    ASSERT_EQ(wide.errors.size(), 1u) << wide.error_text();
    EXPECT_EQ(wide.errors[0],
              "test.yaml:5:36: network.topology.k: expected an integer from 2 to 3, got 4");
    EXPECT_EQ(only_error(minimal_plus("  topology: {kind: erdos-renyi, p: 0}\n")),
              "test.yaml:5:36: network.topology.p: expected a number above 0 and at most 1, got 0");
}

TEST(ScenarioErrors, ExplicitEdges) {
    ScenarioLoad load = parse(R"(
name: t
duration: 1h
network:
  nodes: 4
  topology:
    kind: explicit
    edges:
      - [0, 1]
      - [1, 0]
      - [2, 2]
)");
    ASSERT_EQ(load.errors.size(), 3u) << load.error_text();
    EXPECT_EQ(load.errors[0],
              "test.yaml:8:7: network.topology.edges: these edges leave nodes 2-3 unreachable "
              "from node 0; the network must be connected (use partition events to split it)");
    EXPECT_EQ(load.errors[1], "test.yaml:9:9: network.topology.edges.1: edge 0-1 is listed twice");
    EXPECT_EQ(load.errors[2],
              "test.yaml:10:9: network.topology.edges.2: a node cannot be linked to itself (edge "
              "2-2)");
}

TEST(ScenarioErrors, UniformLatencyBounds) {
    EXPECT_EQ(only_error(minimal_plus("  latency: {dist: uniform, min: 50ms, max: 20ms}\n")),
              "test.yaml:5:44: network.latency.max: expected a max of at least min (50ms), got "
              "\"20ms\"");
}

TEST(ScenarioErrors, LatencyWithoutDistOrRegions) {
    ScenarioLoad load = parse(minimal_plus("  latency: {dits: constant, value: 5ms}\n"));
    ASSERT_EQ(load.errors.size(), 2u) << load.error_text();
    EXPECT_EQ(load.errors[0],
              "test.yaml:5:13: network.latency.dits: unknown key 'dits' in latency (did you mean "
              "'dist'?); expected one of: dist, regions");
    EXPECT_EQ(load.errors[1],
              "test.yaml:5:29: network.latency.value: unknown key 'value' in latency; expected "
              "one of: dist, regions");
}

TEST(ScenarioErrors, RegionMatrixAndAssignment) {
    ScenarioLoad load = parse(R"(
name: t
duration: 1h
network:
  nodes: 6
  latency:
    regions:
      names: [us, eu]
      matrix:
        - [10ms, 80ms]
        - [90ms, 10ms]
      assignment: {us: "0-2", eu: "2-4", asai: "5"}
)");
    ASSERT_EQ(load.errors.size(), 3u) << load.error_text();
    EXPECT_EQ(load.errors[0],
              "test.yaml:10:12: network.latency.regions.matrix.1.0: the matrix must be symmetric: "
              "eu to us is 90ms but us to eu (network.latency.regions.matrix.0.1) is 80ms");
    EXPECT_EQ(load.errors[1],
              "test.yaml:11:35: network.latency.regions.assignment.eu: node 2 is already in "
              "region us; every node belongs to exactly one region");
    EXPECT_EQ(load.errors[2],
              "test.yaml:11:42: network.latency.regions.assignment.asai: expected a region name "
              "(us, eu) or index (0-1), got \"asai\"");
}

TEST(ScenarioErrors, RegionsMustCoverEveryNode) {
    EXPECT_EQ(only_error(R"(
name: t
duration: 1h
network:
  nodes: 6
  latency:
    regions:
      names: [us, eu]
      matrix: [[10ms, 80ms], [80ms, 10ms]]
      assignment: {us: "0-1", eu: "3"}
)"),
              "test.yaml:9:19: network.latency.regions.assignment: nodes 2,4-5 have no region; "
              "every node belongs to exactly one region");
}

TEST(ScenarioErrors, RegionMatrixShape) {
    EXPECT_EQ(only_error(R"(
name: t
duration: 1h
network:
  nodes: 2
  latency:
    regions:
      names: [us, eu]
      matrix: [[10ms, 80ms]]
      assignment: [us, eu]
)"),
              "test.yaml:8:15: network.latency.regions.matrix: expected 2 rows of 2 durations (one "
              "per region), got 1 row");
}

// ---- documents

TEST(ScenarioErrors, YamlSyntaxErrorHasTheParserPosition) {
    ScenarioLoad load = parse(R"(
name: t
duration: 1h
network:
  nodes: 10
events: [{at: 1m, heal: all}
)");
    ASSERT_EQ(load.errors.size(), 1u) << load.error_text();
    EXPECT_EQ(load.errors[0], "test.yaml:6:1: YAML syntax error: end of sequence flow not found");
}

// yaml-cpp 0.7's LoadAll loops without end, allocating, on a ',' ']' or '}' where no flow
// collection is open (jbeder/yaml-cpp#1040). Both texts were found by the scenario_yaml
// fuzzer; without the parse budget this test runs until ctest's timeout.
TEST(ScenarioErrors, AStrayFlowIndicatorIsASyntaxErrorNotAHang) {
    const std::string message =
        "YAML syntax error: the parser stops advancing here (a ',' ']' or '}' outside any "
        "[...] or {...}?)";
    EXPECT_EQ(only_error("naare:10.5}\n#--set\n, va]]]]]]]]lue> 1s}\nmining.1.shareme:ved\n"),
              "test.yaml:3:1: " + message);
    EXPECT_EQ(only_error(", x, x], &b [*a, *a], &c [*b, *b], [*c, *c,k *c]]\n"),
              "test.yaml:1:1: " + message);
    EXPECT_EQ(only_error(",\n"), "test.yaml:1:1: " + message);
}

TEST(ScenarioErrors, BadIndentationIsASyntaxError) {
    ScenarioLoad load = parse("name: t\n  duration: 1h\n");
    ASSERT_EQ(load.errors.size(), 1u) << load.error_text();
    EXPECT_EQ(load.errors[0].rfind("test.yaml:2:", 0), 0u) << load.errors[0];
    EXPECT_NE(load.errors[0].find("YAML syntax error"), std::string::npos);
}

TEST(ScenarioErrors, DocumentMustBeAMap) {
    EXPECT_EQ(only_error(""),
              "test.yaml:1:1: expected a map of scenario settings (name, duration, network, ...), "
              "got nothing");
    EXPECT_EQ(only_error("- a\n- b\n"),
              "test.yaml:1:1: expected a map of scenario settings (name, duration, network, ...), "
              "got a list");
}

TEST(ScenarioErrors, AllErrorsAreCollectedInLineOrder) {
    ScenarioLoad load = parse(R"(
name: t
duration: 1h
consensus:
  pow_bits: 0
network:
  nodes: 0
report: {confirmations: 0}
)");
    EXPECT_FALSE(load.scenario.has_value());
    ASSERT_EQ(load.errors.size(), 3u) << load.error_text();
    EXPECT_EQ(load.errors[0].rfind("test.yaml:4:13: consensus.pow_bits: ", 0), 0u);
    EXPECT_EQ(load.errors[1].rfind("test.yaml:6:10: network.nodes: ", 0), 0u);
    EXPECT_EQ(load.errors[2].rfind("test.yaml:7:25: report.confirmations: ", 0), 0u);
}

TEST(ScenarioErrors, ManyErrorsAreCapped) {
    std::string text = "name: t\nduration: 1h\nnetwork: {nodes: 2}\nevents:\n";
    for (int i = 0; i < 80; ++i)
        text += "  - {at: 1m, crash: " + std::to_string(10 + i) + "}\n";
    ScenarioLoad load = parse(text);
    ASSERT_EQ(load.errors.size(), 51u);
    EXPECT_EQ(load.errors.back(), "... and 30 more errors");
}

TEST(ScenarioErrors, HostileInputNeverThrows) {
    std::string deep(20000, '[');
    EXPECT_NO_THROW({
        ScenarioLoad load = parse(deep);
        EXPECT_FALSE(load.ok());
    });
    for (std::string_view text :
         {"name: t\nduration: 1h\nnetwork: {nodes: 3}\nmining: {? [a] : b}\n", "{? [1, 2] : 3}\n",
          "name: !!binary AAAA\n", "&a [*a]\n", "name: *undefined\n", "\t\n",
          "name: t\nduration: 1h\nnetwork: {nodes: 3}\nevents: [[[]]]\n"}) {
        SCOPED_TRACE(text);
        EXPECT_NO_THROW({
            ScenarioLoad load = parse(text);
            EXPECT_FALSE(load.ok());
            EXPECT_FALSE(load.errors.empty());
        });
    }
}

}  // namespace
}  // namespace sim

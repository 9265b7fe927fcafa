// --set path=value overrides: applied before validation, named in errors, shown in
// effective_yaml.
#include <gtest/gtest.h>

#include "scenario_test_util.h"
#include "sim/scenario/scenario.h"

namespace sim {
namespace {

using core::kMillisecond;
using core::kSecond;
using testing::load_ok;
using testing::only_error;
using testing::parse;

constexpr std::string_view kBase = R"(
name: base
duration: 1h
network:
  nodes: 10
  latency: {dist: lognormal, median: 80ms, sigma: 0.5}
mining:
  - {nodes: "0-4", share: 0.5}
  - {nodes: "5-9", share: 0.5}
events:
  - {at: 10m, crash: "3"}
)";

TEST(ScenarioOverrides, ReplaceScalars) {
    Scenario s = load_ok(kBase, {"network.latency.median=120ms", "name=changed",
                                 "mining.0.share=0.3", "mining.1.share=0.7"});
    EXPECT_EQ(s.name, "changed");
    EXPECT_EQ(s.network.latency.distribution.median, 120 * kMillisecond);
    EXPECT_EQ(s.mining[0].share, 0.3);
    EXPECT_EQ(s.mining[1].share, 0.7);
}

TEST(ScenarioOverrides, CreateKeysAndMissingSections) {
    Scenario s = load_ok(kBase, {"network.bandwidth=1Gbps", "consensus.pow_bits=8", "seed=99"});
    EXPECT_EQ(s.network.bandwidth_bps, 1'000'000'000u);
    EXPECT_EQ(s.consensus.pow_bits, 8);
    EXPECT_EQ(s.seed, 99u);
}

TEST(ScenarioOverrides, LaterOverridesWin) {
    Scenario s = load_ok(kBase, {"seed=5", "seed=6"});
    EXPECT_EQ(s.seed, 6u);
    // ... and errors name the override that set the value.
    EXPECT_EQ(only_error(kBase, {"seed=5", "seed=x"}),
              "--set seed=x: seed: expected an integer from 0 to 18446744073709551615, got \"x\"");
    EXPECT_EQ(only_error(kBase, {"network.latency={dist: constant, value: 1s}",
                                 "network.latency.value=1"}),
              "--set network.latency.value=1: network.latency.value: expected a duration such as "
              "80ms, got 1 (a unit is required: ns, us, ms, s, m, h, d)");
}

TEST(ScenarioOverrides, FlowCollectionValues) {
    Scenario s = load_ok(kBase, {"network.latency={dist: constant, value: 2s}",
                                 "events=[{at: 5m, partition: [\"0-4\", \"5-9\"]}]"});
    EXPECT_EQ(s.network.latency.distribution.dist, LatencyDist::kConstant);
    EXPECT_EQ(s.network.latency.distribution.value, 2 * kSecond);
    ASSERT_EQ(s.events.size(), 1u);
    EXPECT_EQ(s.events[0].kind, EventKind::kPartition);
}

TEST(ScenarioOverrides, EmptyValueRemovesASetting) {
    Scenario s = load_ok(kBase, {"duration=", "until.height=50"});
    EXPECT_EQ(s.duration, 0);
    EXPECT_EQ(s.until_height, 50u);
}

TEST(ScenarioOverrides, EffectiveYamlShowsTheDocumentAsRun) {
    Scenario s = load_ok(kBase, {"network.bandwidth=20Mbps", "network.latency.median=120ms"});
    EXPECT_NE(s.effective_yaml.find("bandwidth: 20Mbps"), std::string::npos) << s.effective_yaml;
    EXPECT_NE(s.effective_yaml.find("median: 120ms"), std::string::npos) << s.effective_yaml;
    EXPECT_EQ(s.effective_yaml.find("80ms"), std::string::npos) << s.effective_yaml;

    // The effective document loads, without overrides, to the same scenario.
    Scenario again = load_ok(s.effective_yaml);
    EXPECT_EQ(again.network.bandwidth_bps, 20'000'000u);
    EXPECT_EQ(again.network.latency.distribution.median, 120 * kMillisecond);
    EXPECT_EQ(again.mining.size(), 2u);
    EXPECT_EQ(again.events.size(), 1u);
    EXPECT_EQ(again.effective_yaml, s.effective_yaml);
}

TEST(ScenarioOverrides, EffectiveYamlWithoutOverridesHasEverySetting) {
    Scenario s = load_ok(kBase);
    Scenario again = load_ok(s.effective_yaml);
    EXPECT_EQ(again.name, "base");
    EXPECT_EQ(again.network.latency.distribution.sigma, 0.5);
    EXPECT_EQ(again.events[0].nodes, std::vector<int>{3});
}

// ---- overridden values are validated like the file's, and errors name the override

TEST(ScenarioOverrides, OverriddenValueIsValidated) {
    EXPECT_EQ(only_error(kBase, {"network.latency.median=eighty"}),
              "--set network.latency.median=eighty: network.latency.median: expected a duration "
              "such as 80ms, got \"eighty\"");
    EXPECT_EQ(only_error(kBase, {"consensus.pow_bits=40"}),
              "--set consensus.pow_bits=40: consensus.pow_bits: expected an integer from 1 to 32, "
              "got 40");
}

TEST(ScenarioOverrides, OverriddenShareBreaksTheSum) {
    // The sum check belongs to the file's mining list; the override changed one entry.
    EXPECT_EQ(only_error(kBase, {"mining.1.share=0.4"}),
              "test.yaml:7:3: mining: the shares sum to 0.9; they must sum to 1 (within 1e-9)");
}

TEST(ScenarioOverrides, OverriddenEventTimeIsBounded) {
    EXPECT_EQ(only_error(kBase, {"events.0.at=2h"}),
              "--set events.0.at=2h: events.0.at: the event at 2h is after the end of the run "
              "(duration: 1h)");
}

TEST(ScenarioOverrides, MisspeltKeyIsAnUnknownKeyNamingTheOverride) {
    EXPECT_EQ(only_error(kBase, {"network.latncy.median=2s"}),
              "--set network.latncy.median=2s: network.latncy: unknown key 'latncy' in network "
              "(did you mean 'latency'?); expected one of: nodes, topology, latency, relay, "
              "bandwidth, loss, block_size, processing, compact, block_request_timeout");
}

TEST(ScenarioOverrides, ErrorsInsideAnOverriddenCollection) {
    ScenarioLoad load = parse(kBase, {"network.latency={dist: constant, valeu: 2s}"});
    ASSERT_EQ(load.errors.size(), 2u) << load.error_text();
    EXPECT_EQ(load.errors[0],
              "--set network.latency={dist: constant, valeu: 2s}: network.latency.valeu: unknown "
              "key 'valeu' in latency dist constant (did you mean 'value'?); expected one of: "
              "dist, value");
    EXPECT_EQ(load.errors[1],
              "--set network.latency={dist: constant, valeu: 2s}: network.latency.value: required "
              "field is missing (e.g. value: 50ms)");
}

// ---- bad --set arguments

TEST(ScenarioOverrides, MalformedArguments) {
    EXPECT_EQ(only_error(kBase, {"seed"}),
              "--set seed: expected path=value, e.g. --set consensus.pow_bits=8");
    EXPECT_EQ(only_error(kBase, {"=3"}),
              "--set =3: the path before '=' is empty; e.g. --set consensus.pow_bits=8");
    EXPECT_EQ(only_error(kBase, {"network..nodes=3"}),
              "--set network..nodes=3: empty component in path \"network..nodes\"; write keys "
              "separated by single dots, e.g. network.latency.median");
    std::string bad_yaml = only_error(kBase, {"name=[unclosed"});
    EXPECT_EQ(bad_yaml.rfind("--set name=[unclosed: the value is not valid YAML: ", 0), 0u)
        << bad_yaml;
}

TEST(ScenarioOverrides, BadPaths) {
    EXPECT_EQ(only_error(kBase, {"mining.2.share=0.5"}),
              "--set mining.2.share=0.5: 'mining' is a list, so '2' must be an entry index "
              "(entries are 0-1)");
    EXPECT_EQ(only_error(kBase, {"mining.first.share=0.5"}),
              "--set mining.first.share=0.5: 'mining' is a list, so 'first' must be an entry "
              "index (entries are 0-1)");
    EXPECT_EQ(only_error(kBase, {"name.first=x"}),
              "--set name.first=x: 'name' is a single value, not a map, so it has no 'first'");
    EXPECT_EQ(only_error(kBase, {"expect.0.max_reorg_depth=3"}),
              "--set expect.0.max_reorg_depth=3: 'expect' is not in the scenario, so it has no "
              "entry 0");
    // Rejected before anything is created: the document is left as it was.
    EXPECT_EQ(
        only_error(kBase, {"report.extra.0=3"}),
        "--set report.extra.0=3: 'report.extra' is not in the scenario, so it has no entry 0");
}

TEST(ScenarioOverrides, EveryBadOverrideIsReported) {
    ScenarioLoad load = parse(kBase, {"seed", "consensus.pow_bits=0", "mining.9.share=1"});
    ASSERT_EQ(load.errors.size(), 3u) << load.error_text();
    EXPECT_EQ(load.errors[0].rfind("--set seed: ", 0), 0u);
    EXPECT_EQ(load.errors[1].rfind("--set mining.9.share=1: ", 0), 0u);
    EXPECT_EQ(load.errors[2].rfind("--set consensus.pow_bits=0: consensus.pow_bits: ", 0), 0u);
}

}  // namespace
}  // namespace sim

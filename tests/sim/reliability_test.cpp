// Scenarios that used to hang, blow up or be misread (issue 12): the work estimate refuses
// what cannot finish and names the field; a budget stops a run; override values cannot
// expand aliases without bound; a second YAML document is refused; a huge node set parses.
#include <gtest/gtest.h>

#include <string>

#include "scenario_test_util.h"
#include "sim/scenario/nodeset.h"
#include "sim/world/estimate.h"
#include "sim/world/runner.h"

namespace sim {
namespace {

using testing::load_ok;
using testing::minimal_plus;
using testing::only_error;

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// The verdict for a scenario on a machine with 8 GB.
WorkVerdict verdict(const std::string& text) {
    return judge_work(estimate_work(load_ok(text)), 8e9);
}

TEST(WorkEstimate, RefusesAFullGraphOfAHundredThousandNodes) {
    const WorkVerdict v = verdict(R"(
name: t
duration: 1h
network:
  nodes: 100000
  topology: {kind: full}
)");
    ASSERT_FALSE(v.errors.empty());
    EXPECT_TRUE(contains(v.errors.back(), "network.topology: this run cannot fit in memory"))
        << v.errors.back();
}

TEST(WorkEstimate, RefusesRunsThatCannotFinishNamingTheField) {
    struct Case {
        std::string more;
        std::string field;
    };
    const Case cases[] = {
        {"consensus:\n  block_interval: 1ns\n", "consensus.block_interval"},
        {"workload: {accounts: 10, tx_rate: 1000000000/s}\n", "workload.tx_rate"},
        {"report: {sample_every: 1ns}\n", "report.sample_every"},
        {"consensus:\n  pow_bits: 32\n", "consensus.pow_bits"},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.more);
        const WorkVerdict v = verdict(minimal_plus(c.more));
        ASSERT_FALSE(v.errors.empty());
        EXPECT_EQ(v.errors[0].rfind(c.field + ": ", 0), 0u) << v.errors[0];
    }
    // A century of ten-minute blocks: too big (here for memory), said of the duration.
    const WorkVerdict century = verdict(R"(
name: t
duration: 36500d
network:
  nodes: 100
)");
    bool named = false;
    for (const std::string& e : century.errors)
        named = named || e.rfind("duration: this run cannot", 0) == 0;
    EXPECT_TRUE(named) << ::testing::PrintToString(century.errors);
}

TEST(WorkEstimate, ShippedSizesPassQuietly) {
    const WorkVerdict v = verdict(R"(
name: t
duration: 1h
network:
  nodes: 1000
workload: {accounts: 100, tx_rate: 2/s}
)");
    EXPECT_TRUE(v.errors.empty()) << v.errors.front();
    EXPECT_TRUE(v.warnings.empty()) << v.warnings.front();
}

TEST(RunBudget, StopsARunAtMaxEvents) {
    // A 1 ns block interval would run for ever: the budget stops it, saying where.
    const Scenario s = load_ok(minimal_plus("consensus:\n  block_interval: 1ms\n  pow_bits: 1\n"));
    RunConfig config;
    config.seed = 1;
    config.max_events = 50'000;
    const auto outcome = run_scenario(s, config);
    ASSERT_FALSE(outcome);
    EXPECT_TRUE(contains(outcome.error(), "stopped by --max-events 50000 at sim time"))
        << outcome.error();
    EXPECT_TRUE(contains(outcome.error(), "of 1h")) << outcome.error();
}

TEST(TimeOverflow, AVeryLongBlockIntervalMinesNothingInTenMinutes) {
    // 1000 days between blocks: no exponential draw may wrap into a 1 ns delay.
    const Scenario s = load_ok(R"(
name: t
duration: 10m
consensus:
  block_interval: 1000d
network:
  nodes: 4
mining:
  - {nodes: 0, share: 0.999999999999999}
  - {nodes: 1-3, share: 1e-15}
)");
    RunConfig config;
    config.seed = 7;
    const auto outcome = run_scenario(s, config);
    ASSERT_TRUE(outcome) << outcome.error();
    EXPECT_LE(outcome->report["blocks"]["mined"].get<std::uint64_t>(), 1u)
        << outcome->report["blocks"].dump();
}

TEST(Overrides, AliasesCannotExpandWithoutBound) {
    // Each level doubles: 2^24 strings once expanded. The file form refuses aliases in a
    // string field; the --set form used to expand them all (6.5 GB).
    std::string value = "[&a0 [x, x]";
    for (int i = 1; i < 24; ++i) {
        value += ", &a" + std::to_string(i) + " [*a" + std::to_string(i - 1) + ", *a" +
                 std::to_string(i - 1) + "]";
    }
    value += "]";
    const std::string error = only_error(testing::kMinimal, {"description=" + value});
    EXPECT_TRUE(contains(error, "the value is too large")) << error;
    EXPECT_TRUE(contains(error, "aliases")) << error;
}

TEST(Reader, RefusesASecondDocument) {
    const std::string error = only_error(std::string(testing::kMinimal) + "---\nname: other\n");
    EXPECT_TRUE(contains(error, "test.yaml:6:1")) << error;
    EXPECT_TRUE(contains(error, "a second YAML document")) << error;
}

TEST(NodeSet, AHundredThousandItemsParse) {
    // Used to copy the whole text into each item's context: 85 s for 100 000 items.
    std::string text;
    for (int i = 0; i < 100'000; ++i) {
        if (i > 0) text += ',';
        text += std::to_string(i);
    }
    const NodeSetResult r = parse_node_set(text, 100'000);
    ASSERT_TRUE(r.error.empty()) << r.error;
    EXPECT_EQ(r.nodes.size(), 100'000u);
}

}  // namespace
}  // namespace sim

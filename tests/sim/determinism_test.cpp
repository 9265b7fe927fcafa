// Determinism: same scenario + seed => same trace digest; another seed => another digest;
// switching off shared validation (every node checks every signature and block itself)
// changes nothing. The scenario exercises most of what the digest covers: a workload with
// bad transactions, a partition and heal, a crash and restart, a cut and restore, a latency
// change, a hashrate change, retargets, loss, bandwidth and processing time.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "scenario_test_util.h"
#include "sim/world/runner.h"
#include "support/chainsim_binary.h"

namespace sim {
namespace {

constexpr std::string_view kBusy = R"(
name: determinism
duration: 4h
consensus: {block_interval: 2m, pow_bits: 8, retarget: {window: 16}}
network:
  nodes: 10
  topology: {kind: ring}
  latency: {dist: lognormal, median: 300ms, sigma: 0.6}
  relay: announce
  loss: 0.01
  bandwidth: 10Mbps
  processing: {per_block: 5ms, per_tx: 100us}
mining:
  - {nodes: "0-4", share: 0.6}
  - {nodes: "5-9", share: 0.4}
workload: {accounts: 16, tx_rate: 0.15/s, invalid_fraction: 0.1}
events:
  - {at: 40m, partition: ["0-4", "5-9"]}
  - {at: 80m, heal: all}
  - {at: 100m, crash: "3"}
  - {at: 130m, restart: "3"}
  - {at: 150m, cut: ["2", "3"]}
  - {at: 170m, restore: ["2", "3"]}
  - {at: 190m, latency: {dist: uniform, min: 50ms, max: 2s}}
  - {at: 200m, hashrate: {nodes: "5-9", share: 0.1}}
)";

nlohmann::json run_report(std::uint64_t seed, bool shared_validation = true) {
    RunConfig config;
    config.seed = seed;
    config.shared_validation = shared_validation;
    Expected<RunOutcome> outcome = run_scenario(testing::load_ok(kBusy), config);
    EXPECT_TRUE(outcome.has_value()) << (outcome ? "" : outcome.error());
    return outcome ? outcome->report : nlohmann::json();
}

std::string digest(const nlohmann::json& report) {
    return report.at("trace_digest").get<std::string>();
}

TEST(Determinism, TheScenarioExercisesWhatTheDigestCovers) {
    const nlohmann::json r = run_report(5);
    ASSERT_FALSE(r.is_null());
    EXPECT_GT(r["trace_events"].get<std::uint64_t>(), 20000u);
    EXPECT_GT(r["blocks"]["mined"].get<int>(), 80);
    EXPECT_GT(r["blocks"]["stale"].get<int>(), 0);
    EXPECT_GT(r["reorgs"]["count"].get<int>(), 0);
    EXPECT_GT(r["transactions"]["confirmed"].get<int>(), 500);
    EXPECT_GT(r["transactions"]["intended_invalid"].get<int>(), 50);
    EXPECT_GT(r["network"]["dropped"]["loss"].get<int>(), 0);
    EXPECT_LE(r["tip_agreement"]["min"].get<double>(), 0.6);  // the halves disagreed
    ASSERT_EQ(r["convergence"].size(), 3u);  // heal, restart, restore
    for (const auto& c : r["convergence"])
        EXPECT_FALSE(c["seconds"].is_null()) << c.dump();
}

TEST(Determinism, SameSeedSameDigest) {
    const nlohmann::json a = run_report(5);
    const nlohmann::json b = run_report(5);
    EXPECT_EQ(digest(a), digest(b));
    EXPECT_EQ(a["trace_events"], b["trace_events"]);
    EXPECT_EQ(a["blocks"], b["blocks"]);
    EXPECT_EQ(a["transactions"], b["transactions"]);
}

TEST(Determinism, AnotherSeedAnotherDigest) {
    EXPECT_NE(digest(run_report(5)), digest(run_report(6)));
}

TEST(Determinism, SharedValidationDoesNotChangeTheDigest) {
    const nlohmann::json shared = run_report(5, true);
    const nlohmann::json own = run_report(5, false);
    EXPECT_EQ(own["shared_validation"], false);
    EXPECT_EQ(digest(shared), digest(own));
    EXPECT_EQ(shared["trace_events"], own["trace_events"]);
}

TEST(Determinism, CheckDeterminismComparesEveryTraceRecord) {
    RunConfig config;
    config.seed = 5;
    config.check_determinism = true;
    Expected<RunOutcome> outcome = run_scenario(testing::load_ok(kBusy), config);
    ASSERT_TRUE(outcome.has_value()) << outcome.error();
    ASSERT_TRUE(outcome->divergence.has_value());
    EXPECT_EQ(*outcome->divergence, "");
    EXPECT_EQ(outcome->report["determinism"]["identical"], true);
}

// Through the real binary: `chainsim run --check-determinism` runs twice, says so, exits 0,
// and its digest is the one this process computes for the same scenario and seed.
TEST(Determinism, BinaryCheckDeterminism) {
    chainsim_test::ScratchDir dir;
    const std::string scenario = dir.write("busy.yaml", testing::yaml(kBusy));
    const std::string out = (dir.path() / "run").string();
    const chainsim_test::BinaryRun run = chainsim_test::run_chainsim(
        {"run", scenario, "--seed", "5", "--check-determinism", "--out", out}, dir);
    ASSERT_EQ(run.exit_code, 0) << run.err;
    EXPECT_NE(run.out.find("determinism: two runs gave identical traces"), std::string::npos)
        << run.out;
    const nlohmann::json report =
        nlohmann::json::parse(chainsim_test::read_file(dir.path() / "run" / "report.json"));
    EXPECT_EQ(report["determinism"]["identical"], true);
    EXPECT_EQ(report["seed"], 5);
    const std::string expected = digest(run_report(5));
    EXPECT_EQ(report["trace_digest"], expected);
    EXPECT_NE(run.out.find("trace digest: " + expected), std::string::npos) << run.out;
}

}  // namespace
}  // namespace sim

// chainsim sweep: the plan (seeds, --set value lists, the cartesian product), the statistics
// (checked by hand), and the real command: 2 values x 3 seeds, identical with --jobs 1 and
// --jobs 2, and a failed run reported with its seed and a command that reruns it.
#include <gtest/gtest.h>

#include <cmath>

#include "reports/sweep_stats.h"
#include "reports_test_util.h"
#include "sim/scenario/sweep_plan.h"

namespace reports {
namespace {

using nlohmann::json;
using testing::TempDir;
namespace fs = std::filesystem;

// --- Plan ------------------------------------------------------------------------------------

TEST(SweepPlan, SeedRanges) {
    auto r = sim::parse_seed_range("1..50");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->first, 1u);
    EXPECT_EQ(r->last, 50u);
    EXPECT_EQ(r->count(), 50u);
    auto one = sim::parse_seed_range("7");
    ASSERT_TRUE(one);
    EXPECT_EQ(one->count(), 1u);
    for (const char* bad : {"", "5..1", "a..b", "1..", "..3", "1...3", "-1..2"}) {
        auto e = sim::parse_seed_range(bad);
        ASSERT_FALSE(e) << bad;
        EXPECT_NE(e.error().find("--seeds"), std::string::npos);
    }
}

TEST(SweepPlan, ValuesSplitAtTopLevelCommasOnly) {
    auto p = sim::parse_sweep_set("network.latency.median=50ms, 100ms,200ms");
    ASSERT_TRUE(p);
    EXPECT_EQ(p->path, "network.latency.median");
    EXPECT_EQ(p->values, (std::vector<std::string>{"50ms", "100ms", "200ms"}));

    auto flow = sim::parse_sweep_set(
        "network.latency={dist: constant, value: 2s},{dist: uniform, min: 1ms, max: 9ms}");
    ASSERT_TRUE(flow);
    EXPECT_EQ(flow->values, (std::vector<std::string>{"{dist: constant, value: 2s}",
                                                      "{dist: uniform, min: 1ms, max: 9ms}"}));
    auto quoted = sim::parse_sweep_set("mining.0.nodes=\"0-9,20\",'1,2'");
    ASSERT_TRUE(quoted);
    EXPECT_EQ(quoted->values, (std::vector<std::string>{"\"0-9,20\"", "'1,2'"}));

    EXPECT_FALSE(sim::parse_sweep_set("no-equals-sign"));
    EXPECT_FALSE(sim::parse_sweep_set("=1,2"));
    EXPECT_FALSE(sim::parse_sweep_set("a=1,,2"));
    EXPECT_FALSE(sim::parse_sweep_set("a={x: 1"));
}

TEST(SweepPlan, CartesianProductFirstSetVariesSlowest) {
    auto a = sim::parse_sweep_set("a=1,2");
    auto b = sim::parse_sweep_set("b=x,y,z");
    ASSERT_TRUE(a && b);
    auto points = sim::plan_sweep({*a, *b});
    ASSERT_TRUE(points);
    ASSERT_EQ(points->size(), 6u);
    EXPECT_EQ((*points)[0].overrides(), (std::vector<std::string>{"a=1", "b=x"}));
    EXPECT_EQ((*points)[2].overrides(), (std::vector<std::string>{"a=1", "b=z"}));
    EXPECT_EQ((*points)[3].overrides(), (std::vector<std::string>{"a=2", "b=x"}));
    EXPECT_EQ((*points)[3].folder_name(3, 2), "p03-a-2-b-x");

    auto none = sim::plan_sweep({});
    ASSERT_TRUE(none);
    ASSERT_EQ(none->size(), 1u);
    EXPECT_EQ((*none)[0].folder_name(0, 1), "p0-base");

    EXPECT_FALSE(sim::plan_sweep({*a, *a}));
    // Short and readable: the last key of the path and the value's scalars, no map keys.
    sim::SweepPoint odd{{{"network.latency", "{dist: constant, value: 250ms}"}}};
    EXPECT_EQ(odd.folder_name(0, 1), "p0-latency-constant-250ms");
    sim::SweepPoint listed{
        {{"mining.1.share", "0.3"}, {"events.0.partition", "[\"0-4\", \"5-9\"]"}}};
    EXPECT_EQ(listed.folder_name(12, 2), "p12-share-0.3-partition-0-4-5-9");
}

// --- Statistics ------------------------------------------------------------------------------

TEST(SweepStats, StudentTMatchesTheTable) {
    // Reference values of t(0.975, df) (scipy.stats.t.ppf).
    const std::pair<std::size_t, double> reference[] = {
        {1, 12.706205},  {2, 4.302653},   {3, 3.182446},   {5, 2.570582},  {10, 2.228139},
        {29, 2.045230},  {30, 2.042272},  {40, 2.021075},  {50, 2.008559}, {80, 1.990063},
        {100, 1.983972}, {200, 1.971896}, {1000, 1.962339}};
    for (const auto& [df, t] : reference)
        EXPECT_NEAR(student_t_975(df), t, df <= 30 ? 1e-4 : 1.5e-3) << "df " << df;
}

TEST(SweepStats, MeanSampleStddevAndInterval) {
    const FigureStats s = figure_stats({1, 2, 3, 4});
    EXPECT_EQ(s.n, 4u);
    EXPECT_DOUBLE_EQ(s.mean, 2.5);
    ASSERT_TRUE(s.stddev && s.ci95_low && s.ci95_high);
    EXPECT_NEAR(*s.stddev, std::sqrt(5.0 / 3.0), 1e-12);  // sample (n - 1) deviation
    const double half = 3.182446 * std::sqrt(5.0 / 3.0) / 2.0;
    EXPECT_NEAR(*s.ci95_low, 2.5 - half, 1e-3);
    EXPECT_NEAR(*s.ci95_high, 2.5 + half, 1e-3);

    const FigureStats one = figure_stats({7});
    EXPECT_EQ(one.mean, 7);
    EXPECT_FALSE(one.stddev || one.ci95_low || one.ci95_high);
}

TEST(SweepStats, FlattenAndCountMaps) {
    const json a = {{"seed", 1},
                    {"wall_seconds", 0.5},
                    {"scenario", "x"},
                    {"blocks", {{"stale_rate", 0.25}}},
                    {"reorgs", {{"depth_histogram", {{"1", 4}}}}},
                    {"convergence", {{{"seconds", 3.0}}, {{"seconds", 5.0}}}},
                    {"expectations", {{{"passed", true}}}},
                    {"propagation", {{"t50_ms", {{"mean", nullptr}}}}}};
    const auto flat = flatten_figures(a);
    EXPECT_EQ(flat.count("seed"), 0u);
    EXPECT_EQ(flat.count("wall_seconds"), 0u);
    EXPECT_EQ(flat.count("scenario"), 0u);
    EXPECT_EQ(flat.count("propagation.t50_ms.mean"), 0u);
    EXPECT_EQ(flat.at("blocks.stale_rate"), 0.25);
    EXPECT_EQ(flat.at("convergence.1.seconds"), 5.0);
    EXPECT_EQ(flat.at("convergence.max_seconds"), 5.0);
    EXPECT_EQ(flat.at("expectations.0.passed"), 1.0);

    json b = a;
    b["reorgs"]["depth_histogram"] = {{"2", 2}};
    b["convergence"][1]["seconds"] = nullptr;  // never converged: no slowest figure
    b["expectations"][0]["passed"] = false;
    EXPECT_EQ(flatten_figures(b).count("convergence.max_seconds"), 0u);

    const json stats = point_stats({a, b});
    // Histogram keys a run lacks count as 0 for it.
    EXPECT_EQ(stats["reorgs.depth_histogram.1"]["n"], 2);
    EXPECT_EQ(stats["reorgs.depth_histogram.1"]["mean"], 2.0);
    EXPECT_EQ(stats["reorgs.depth_histogram.2"]["mean"], 1.0);
    // Other figures are over the runs that have them.
    EXPECT_EQ(stats["convergence.max_seconds"]["n"], 1);
    EXPECT_TRUE(stats["convergence.max_seconds"]["stddev"].is_null());
    EXPECT_EQ(stats["expectations.0.passed"]["mean"], 0.5);
}

// --- The command -----------------------------------------------------------------------------

constexpr const char* kSweepScenario = R"(name: sweep-test
duration: 40m
consensus: {block_interval: 1m, pow_bits: 8}
network:
  nodes: 10
  topology: {kind: random-regular, degree: 3}
  latency: {dist: constant, value: 50ms}
events:
  - {at: 10m, partition: ["0-4", "5-9"]}
  - {at: 20m, heal: all}
)";

const char* kLatencySet = "network.latency.value=100ms,3s";

testing::CommandResult sweep(const TempDir& dir, const std::string& out, const std::string& jobs) {
    return testing::chainsim({"sweep", (dir / "s.yaml").string(), "--seeds", "4..6", "--set",
                              kLatencySet, "--jobs", jobs, "--no-plots", "--quiet", "--out",
                              (dir / out).string()});
}

// The hand computation: mean, sample stddev and the t interval of one figure over the runs.
void expect_stats(const json& stat, const std::vector<double>& values) {
    const double n = static_cast<double>(values.size());
    double mean = 0;
    for (double v : values)
        mean += v / n;
    double squares = 0;
    for (double v : values)
        squares += (v - mean) * (v - mean);
    const double stddev = std::sqrt(squares / (n - 1));
    const double half = 4.302653 * stddev / std::sqrt(n);  // t(0.975, 2)
    EXPECT_EQ(stat["n"].get<double>(), n);
    EXPECT_NEAR(stat["mean"].get<double>(), mean, 1e-9);
    EXPECT_NEAR(stat["stddev"].get<double>(), stddev, 1e-9);
    EXPECT_NEAR(stat["ci95_low"].get<double>(), mean - half, 1e-3 * (1 + half));
    EXPECT_NEAR(stat["ci95_high"].get<double>(), mean + half, 1e-3 * (1 + half));
}

TEST(SweepCommand, TwoValuesThreeSeedsSameWithAnyJobs) {
    TempDir dir;
    testing::write_file(dir / "s.yaml", kSweepScenario);
    const auto one = sweep(dir, "jobs1", "1");
    ASSERT_EQ(one.exit_code, 0) << one.output;
    const auto two = sweep(dir, "jobs2", "2");
    ASSERT_EQ(two.exit_code, 0) << two.output;

    const json s = testing::read_json(dir / "jobs1" / "sweep.json");
    ASSERT_TRUE(s.is_object());
    ASSERT_EQ(s["points"].size(), 2u);
    EXPECT_EQ(s["runs"], 6);
    EXPECT_EQ(s["swept"], json::array({"network.latency.value"}));
    EXPECT_TRUE(s["failed"].empty());

    const char* values[] = {"100ms", "3s"};
    std::size_t runs = 0;
    for (std::size_t i = 0; i < 2; ++i) {
        const json& point = s["points"][i];
        SCOPED_TRACE(point.dump().substr(0, 200));
        EXPECT_EQ(point["params"]["network.latency.value"], values[i]);
        EXPECT_EQ(point["runs"], 3);
        // Every run in its own folder; the statistics are those of their reports.
        std::map<std::string, std::vector<double>> figures;
        for (int seed = 4; seed <= 6; ++seed) {
            const fs::path folder = dir / "jobs1" / point["folder"].get<std::string>() /
                                    ("seed-" + std::to_string(seed));
            const json r = testing::read_json(folder / "report.json");
            ASSERT_TRUE(r.is_object()) << folder;
            ++runs;
            EXPECT_EQ(r["seed"], seed);
            figures["blocks.stale_rate"].push_back(r["blocks"]["stale_rate"]);
            figures["blocks.mined"].push_back(r["blocks"]["mined"]);
            figures["reorgs.max_depth"].push_back(r["reorgs"]["max_depth"]);
            figures["convergence.0.seconds"].push_back(r["convergence"][0]["seconds"]);
            figures["convergence.max_seconds"].push_back(r["convergence"][0]["seconds"]);
            figures["events"].push_back(r["events"]);
        }
        for (const auto& [name, v] : figures) {
            SCOPED_TRACE(name);
            expect_stats(point["stats"][name], v);
        }
        EXPECT_FALSE(point["stats"].contains("wall_seconds"));
        EXPECT_FALSE(point["stats"].contains("seed"));
    }
    EXPECT_EQ(runs, 6u);
    // Latency matters: 3 s links make more stale blocks than 100 ms ones, on average.
    EXPECT_LT(s["points"][0]["stats"]["blocks.stale_rate"]["mean"].get<double>(),
              s["points"][1]["stats"]["blocks.stale_rate"]["mean"].get<double>());

    // --jobs changes nothing: the same bytes.
    EXPECT_EQ(testing::read_file(dir / "jobs1" / "sweep.json"),
              testing::read_file(dir / "jobs2" / "sweep.json"));
    EXPECT_EQ(testing::read_file(dir / "jobs1" / "sweep.csv"),
              testing::read_file(dir / "jobs2" / "sweep.csv"));
    const testing::Csv csv = testing::read_csv(dir / "jobs1" / "sweep.csv");
    EXPECT_EQ(csv.rows.size(), 2u);
    ASSERT_GE(csv.column("blocks.stale_rate.ci95_high"), 0);
    EXPECT_EQ(csv.rows[1][csv.column("network.latency.value")], "3s");
}

TEST(SweepCommand, AFailedRunIsReportedWithItsSeedAndRerunCommand) {
    TempDir dir;
    testing::write_file(dir / "s.yaml", kSweepScenario);
    // Seed 5 of the second point cannot write its report (a folder sits where the file goes).
    const fs::path blocked = dir / "out" / "p1-value-3s" / "seed-5" / "report.json";
    fs::create_directories(blocked);
    const auto r = sweep(dir, "out", "2");
    EXPECT_EQ(r.exit_code, 3) << r.output;
    EXPECT_NE(r.output.find("run failed (seed 5"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("rerun: "), std::string::npos) << r.output;

    const json s = testing::read_json(dir / "out" / "sweep.json");
    ASSERT_EQ(s["failed"].size(), 1u);
    EXPECT_EQ(s["failed"][0]["seed"], 5);
    EXPECT_EQ(s["failed"][0]["point"], 1);
    EXPECT_EQ(s["points"][0]["runs"], 3);  // the others still finished
    EXPECT_EQ(s["points"][1]["runs"], 2);
    EXPECT_EQ(s["points"][1]["failed"], 1);

    // The printed command reruns exactly that run.
    fs::remove_all(blocked);
    const auto rerun = testing::run_shell(s["failed"][0]["command"].get<std::string>());
    EXPECT_EQ(rerun.exit_code, 0) << rerun.output;
    const json report = testing::read_json(blocked);
    ASSERT_TRUE(report.is_object());
    EXPECT_EQ(report["seed"], 5);
    const json sibling =
        testing::read_json(blocked.parent_path().parent_path() / "seed-4" / "report.json");
    EXPECT_NE(report["trace_digest"], sibling["trace_digest"]);
}

TEST(SweepCommand, BadInputRunsNothing) {
    TempDir dir;
    testing::write_file(dir / "s.yaml", kSweepScenario);
    for (const std::vector<std::string>& extra :
         {std::vector<std::string>{"--seeds", "9..2"},
          std::vector<std::string>{"--seeds", "1..2", "--set", "network.latncy.value=1s,2s"},
          std::vector<std::string>{"--seeds", "1..2", "--set", "a=1", "--set", "a=2"}}) {
        std::vector<std::string> args = {"sweep", (dir / "s.yaml").string(), "--out",
                                         (dir / "o").string()};
        args.insert(args.end(), extra.begin(), extra.end());
        const auto r = testing::chainsim(args);
        EXPECT_EQ(r.exit_code, 2) << r.output;
        EXPECT_EQ(r.output.find("terminate"), std::string::npos) << r.output;
        EXPECT_FALSE(fs::exists(dir / "o" / "sweep.json"));
    }
}

}  // namespace
}  // namespace reports

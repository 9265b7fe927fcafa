// The plot script and report.html: every PNG for a shipped scenario (or the test
// partition-heal scenario while none is shipped), `chainsim report DIR` re-rendering from
// the files alone without touching report.json, graceful degradation without matplotlib,
// and one-line errors for bad folders.
#include <gtest/gtest.h>

#include <algorithm>

#include "reports_test_util.h"

namespace reports {
namespace {

using testing::TempDir;
namespace fs = std::filesystem;

const char* const kRunPlots[] = {"block_tree.png", "tip_agreement.png", "propagation.png",
                                 "reorg_depths.png", "miners.png",       "difficulty.png",
                                 "confirmations.png"};

bool is_png(const fs::path& path) {
    const std::string bytes = testing::read_file(path);
    return bytes.size() > 1000 && bytes.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0;
}

#define REQUIRE_MATPLOTLIB()                                                             \
    if (!testing::matplotlib_available())                                                \
    GTEST_SKIP() << "matplotlib is not installed for /usr/bin/python3 (apt-get install " \
                    "python3-matplotlib); .ci/run installs it, so CI runs this test"

// The scenario the plot test draws: scenarios/partition-heal.yaml when shipped (shortened as
// the contract test does), else the test's own partition-heal scenario.
std::vector<std::string> scenario_args(const TempDir& dir) {
    const fs::path shipped = fs::path(CHAINSIM_SOURCE_DIR) / "scenarios" / "partition-heal.yaml";
    if (fs::exists(shipped)) {
        sim::ScenarioLoad load = sim::load_scenario(shipped.string());
        if (load.ok()) {
            testing::write_file(dir / "ph.yaml", testing::shortened_yaml(shipped, *load.scenario));
            return {(dir / "ph.yaml").string()};
        }
    }
    testing::write_file(dir / "ph.yaml", testing::kPartitionHeal);
    return {(dir / "ph.yaml").string()};
}

TEST(Plots, EveryPlotOfARunAndReportRerendersFromFilesAlone) {
    REQUIRE_MATPLOTLIB();
    TempDir dir;
    std::vector<std::string> args = {"run"};
    const auto scenario = scenario_args(dir);
    args.insert(args.end(), scenario.begin(), scenario.end());
    for (const char* a : {"--quiet", "--out"})
        args.emplace_back(a);
    args.push_back((dir / "run").string());
    const auto run = testing::chainsim(args);
    ASSERT_TRUE(run.exit_code == 0 || run.exit_code == 1) << run.output;
    const fs::path out = dir / "run";
    const bool workload = fs::exists(out / "txs.csv");
    for (const char* png : kRunPlots) {
        if (std::string(png) == "confirmations.png" && !workload) continue;
        EXPECT_TRUE(is_png(out / png)) << png << " missing or not a PNG\n" << run.output;
    }
    const std::string html = testing::read_file(out / "report.html");
    EXPECT_GE(std::count(html.begin(), html.end(), '\n'), 20);
    for (const char* needle :
         {"<h2>Expectations</h2>", "<h2>Summary</h2>", "data:image/png;base64,",
          "<h2>Scenario as run</h2>", "Block tree", "Tip agreement"})
        EXPECT_NE(html.find(needle), std::string::npos) << needle;

    // Re-render from the files alone: same plots back, report.json untouched.
    const std::string report_before = testing::read_file(out / "report.json");
    for (const char* png : kRunPlots)
        fs::remove(out / png);
    fs::remove(out / "report.html");
    const auto again = testing::chainsim({"report", out.string()});
    ASSERT_EQ(again.exit_code, 0) << again.output;
    for (const char* png : kRunPlots) {
        if (std::string(png) == "confirmations.png" && !workload) continue;
        EXPECT_TRUE(is_png(out / png)) << png;
    }
    EXPECT_TRUE(fs::exists(out / "report.html"));
    EXPECT_EQ(testing::read_file(out / "report.json"), report_before);
}

TEST(Plots, EmptyRunStillDrawsEveryFigure) {
    REQUIRE_MATPLOTLIB();
    TempDir dir;
    testing::write_file(dir / "s.yaml", R"(name: nothing-happens
duration: 1s
consensus: {block_interval: 1h, pow_bits: 8}
network: {nodes: 3}
workload: {accounts: 4, tx_rate: 1/s}
)");
    const auto r = testing::chainsim(
        {"run", (dir / "s.yaml").string(), "--quiet", "--out", (dir / "o").string()});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    for (const char* png : kRunPlots)
        EXPECT_TRUE(is_png(dir / "o" / png)) << png << "\n" << r.output;

    // Running again into the folder without plots leaves no stale ones behind.
    const auto again = testing::chainsim(
        {"run", (dir / "s.yaml").string(), "--quiet", "--no-plots", "--out", (dir / "o").string()});
    ASSERT_EQ(again.exit_code, 0) << again.output;
    for (const char* png : kRunPlots)
        EXPECT_FALSE(fs::exists(dir / "o" / png)) << png;
    EXPECT_EQ(testing::read_file(dir / "o" / "report.html").find("data:image/png"),
              std::string::npos);
}

TEST(Plots, SweepPlotForEachSweptParameter) {
    REQUIRE_MATPLOTLIB();
    TempDir dir;
    testing::write_file(dir / "s.yaml", R"(name: tiny
duration: 20m
consensus: {block_interval: 1m, pow_bits: 8}
network: {nodes: 5, latency: {dist: constant, value: 50ms}}
)");
    const auto r =
        testing::chainsim({"sweep", (dir / "s.yaml").string(), "--seeds", "1..2", "--set",
                           "network.latency.value=10ms,1s", "--set", "network.relay=push,announce",
                           "--quiet", "--out", (dir / "sw").string()});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_TRUE(is_png(dir / "sw" / "sweep-network.latency.value.png")) << r.output;
    EXPECT_TRUE(is_png(dir / "sw" / "sweep-network.relay.png")) << r.output;
    fs::remove(dir / "sw" / "sweep-network.relay.png");
    const auto again = testing::chainsim({"report", (dir / "sw").string()});
    EXPECT_EQ(again.exit_code, 0) << again.output;
    EXPECT_TRUE(is_png(dir / "sw" / "sweep-network.relay.png"));
}

TEST(Plots, MissingMatplotlibSkipsPlotsWithAnInstallHint) {
    TempDir dir;
    testing::write_file(dir / "s.yaml", testing::kPartitionHeal);
    // An interpreter whose matplotlib import fails, and one that does not exist.
    fs::create_directories(dir / "fake" / "matplotlib");
    testing::write_file(dir / "fake" / "matplotlib" / "__init__.py", "raise ImportError('no')\n");
    testing::write_file(dir / "python", "#!/bin/sh\nPYTHONPATH=" + (dir / "fake").string() +
                                            " exec /usr/bin/python3 \"$@\"\n");
    fs::permissions(dir / "python", fs::perms::owner_all);
    for (const std::string& python : {(dir / "python").string(), (dir / "nowhere").string()}) {
        if (python == (dir / "python").string() && !fs::exists("/usr/bin/python3")) continue;
        const auto r = testing::chainsim(
            {"run", (dir / "s.yaml").string(), "--quiet", "--out", (dir / "o").string()},
            "CHAINSIM_PYTHON=" + python);
        EXPECT_EQ(r.exit_code, 0) << r.output;
        EXPECT_NE(r.output.find("python3-matplotlib"), std::string::npos) << r.output;
        EXPECT_TRUE(fs::exists(dir / "o" / "report.html"));
        EXPECT_FALSE(fs::exists(dir / "o" / "block_tree.png"));
        const std::string html = testing::read_file(dir / "o" / "report.html");
        EXPECT_NE(html.find("Some plots are missing"), std::string::npos);
        const auto report =
            testing::chainsim({"report", (dir / "o").string()}, "CHAINSIM_PYTHON=" + python);
        EXPECT_EQ(report.exit_code, 0) << report.output;
        EXPECT_NE(report.output.find("python3-matplotlib"), std::string::npos) << report.output;
    }
}

TEST(ReportCommand, BadFoldersAreOneLineErrors) {
    TempDir dir;
    testing::write_file(dir / "s.yaml", testing::kPartitionHeal);
    ASSERT_EQ(testing::chainsim({"run", (dir / "s.yaml").string(), "--quiet", "--no-plots", "--out",
                                 (dir / "o").string()})
                  .exit_code,
              0);

    auto expect_bad = [&](const std::string& folder, const std::string& names) {
        const auto r = testing::chainsim({"report", folder});
        EXPECT_EQ(r.exit_code, 2) << r.output;
        EXPECT_NE(r.output.find(names), std::string::npos) << r.output;
        EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
    };
    expect_bad((dir / "missing").string(), "no such folder");
    fs::create_directories(dir / "empty");
    expect_bad((dir / "empty").string(), "neither report.json nor sweep.json");

    fs::copy(dir / "o", dir / "no-csv", fs::copy_options::recursive);
    fs::remove(dir / "no-csv" / "blocks.csv");
    expect_bad((dir / "no-csv").string(), "blocks.csv");

    fs::copy(dir / "o", dir / "bad-json", fs::copy_options::recursive);
    testing::write_file(dir / "bad-json" / "report.json", "{\"blocks\": ");
    expect_bad((dir / "bad-json").string(), "report.json");

    if (testing::matplotlib_available()) {
        // A malformed row is caught by the plot script, which names the file and line.
        fs::copy(dir / "o", dir / "bad-row", fs::copy_options::recursive);
        std::string blocks = testing::read_file(dir / "bad-row" / "blocks.csv");
        const std::size_t second_line = blocks.find('\n') + 1;
        blocks.insert(second_line, "zz,zz,1,0,not-a-time,1,1,1\n");
        testing::write_file(dir / "bad-row" / "blocks.csv", blocks);
        expect_bad((dir / "bad-row").string(), "blocks.csv: line 2");
    }
}

// A mistyped field in report.json renders as a failure or "n/a", never an internal error.
TEST(ReportCommand, MistypedExpectationRendersAsAFailure) {
    TempDir dir;
    testing::write_file(dir / "s.yaml", testing::kPartitionHeal);
    testing::chainsim(
        {"run", (dir / "s.yaml").string(), "--quiet", "--no-plots", "--out", (dir / "o").string()});
    nlohmann::json report = nlohmann::json::parse(testing::read_file(dir / "o" / "report.json"));
    report["expectations"] = nlohmann::json::array({{{"name", "x"}, {"passed", "yes"}}});
    testing::write_file(dir / "o" / "report.json", report.dump());
    const auto r = testing::chainsim({"report", (dir / "o").string()});
    EXPECT_EQ(r.exit_code, 0) << r.output;
    const std::string html = testing::read_file(dir / "o" / "report.html");
    EXPECT_NE(html.find("1 of 1 expectations FAILED"), std::string::npos);
}

}  // namespace
}  // namespace reports

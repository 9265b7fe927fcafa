// Bad input through the real binary: `chainsim validate` and `chainsim run` exit 2 with one
// clear message on stderr naming the file, the line and the field; an unmet expectation
// exits 1 and says which.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/chainsim_binary.h"

namespace {

using chainsim_test::BinaryRun;
using chainsim_test::run_chainsim;
using chainsim_test::ScratchDir;

constexpr int kExitExpectation = 1;
using chainsim_test::contains;
using chainsim_test::kExitBadInput;

// The arguments of `command` ("validate" or "run") for `file`; a run writes into `dir`.
std::vector<std::string> command_args(const std::string& command, const std::string& file,
                                      const ScratchDir& dir) {
    if (command == "validate") return {"validate", file};
    return {"run", file, "--out", (dir.path() / "out").string(), "--quiet"};
}

// Both commands on the scenario `yaml` (written as bad.yaml) with `extra` arguments: exit 2,
// nothing written to stdout or to the output folder, and stderr that names the file and
// holds every one of `parts` (the place "bad.yaml:LINE:COL: field" and what was wrong).
void expect_bad_input(const std::string& yaml, const std::vector<std::string>& extra,
                      const std::vector<std::string>& parts) {
    ScratchDir dir;
    const std::string file = dir.write("bad.yaml", yaml);
    const std::string out = (dir.path() / "out").string();
    std::vector<std::string> validate{"validate", file};
    std::vector<std::string> run{"run", file, "--out", out};
    validate.insert(validate.end(), extra.begin(), extra.end());
    run.insert(run.end(), extra.begin(), extra.end());
    for (const auto& args : {validate, run}) {
        SCOPED_TRACE(args[0]);
        const BinaryRun r = run_chainsim(args, dir);
        EXPECT_EQ(r.exit_code, kExitBadInput) << r.err;
        EXPECT_EQ(r.out, "");
        EXPECT_TRUE(r.err.rfind("chainsim: invalid scenario " + file + ":\n", 0) == 0) << r.err;
        for (const std::string& part : parts)
            EXPECT_TRUE(contains(r.err, part)) << "missing \"" << part << "\" in:\n" << r.err;
        EXPECT_FALSE(contains(r.err, "internal error")) << r.err;
    }
    EXPECT_FALSE(std::filesystem::exists(out));
}

TEST(CliErrors, UnknownKey) {
    expect_bad_input(
        "name: t\n"
        "duration: 1h\n"
        "network:\n"
        "  nodes: 4\n"
        "  latncy: {dist: constant, value: 20ms}\n",
        {},
        {"bad.yaml:5:3: network.latncy: unknown key 'latncy' in network (did you mean "
         "'latency'?)"});
}

TEST(CliErrors, WrongType) {
    expect_bad_input(
        "name: t\n"
        "duration: 1h\n"
        "network:\n"
        "  nodes: four\n",
        {}, {"bad.yaml:4:10: network.nodes: expected an integer, got \"four\""});
}

TEST(CliErrors, BadUnit) {
    expect_bad_input(
        "name: t\n"
        "duration: 1h\n"
        "network:\n"
        "  nodes: 4\n"
        "  latency: {dist: constant, value: 20 parsecs}\n",
        {},
        {"bad.yaml:5:36: network.latency.value: expected a duration such as 80ms, got "
         "\"20 parsecs\"",
         "unknown unit \"parsecs\""});
}

TEST(CliErrors, NodeSetOutOfRange) {
    expect_bad_input(
        "name: t\n"
        "duration: 1h\n"
        "network:\n"
        "  nodes: 4\n"
        "events:\n"
        "  - {at: 10m, crash: \"2-7\"}\n",
        {},
        {"bad.yaml:6:22: events.0.crash: range \"2-7\" goes beyond the last node; this scenario "
         "has 4 nodes: 0-3"});
}

TEST(CliErrors, OverlappingPartitions) {
    expect_bad_input(
        "name: t\n"
        "duration: 1h\n"
        "network:\n"
        "  nodes: 8\n"
        "events:\n"
        "  - {at: 10m, partition: [\"0-4\", \"3-7\"]}\n",
        {},
        {"bad.yaml:6:34: events.0.partition.1: groups 0 (\"0-4\") and 1 (\"3-7\") share node 3"});
}

TEST(CliErrors, YamlSyntaxError) {
    expect_bad_input(
        "name: t\n"
        "duration: 1h\n"
        "network:\n"
        "  nodes: 4: 5\n"
        "seed: 3\n",
        {}, {"bad.yaml:4:11: YAML syntax error: illegal map value"});
}

TEST(CliErrors, BadSet) {
    const std::string good =
        "name: t\n"
        "duration: 1h\n"
        "network:\n"
        "  nodes: 4\n";
    // A value of the wrong type, a bad unit, a misspelt key, and no '=' at all: each names the
    // --set it came from (the header names the file).
    expect_bad_input(good, {"--set", "network.nodes=lots"},
                     {"--set network.nodes=lots: network.nodes: expected an integer, got "
                      "\"lots\""});
    expect_bad_input(good, {"--set", "duration=3 fortnights"},
                     {"--set duration=3 fortnights: duration: expected a duration such as 80ms",
                      "unknown unit \"fortnights\""});
    expect_bad_input(good, {"--set", "network.latncy.value=2s"},
                     {"--set network.latncy.value=2s: network.latncy: unknown key 'latncy'"});
    expect_bad_input(good, {"--set", "seed"},
                     {"--set seed: expected path=value, e.g. --set consensus.pow_bits=8"});
}

TEST(CliErrors, UnreadableFile) {
    ScratchDir dir;
    const std::string missing = (dir.path() / "missing.yaml").string();
    const std::string folder = dir.path().string();
    struct Case {
        std::string path;
        std::string reason;
    };
    std::vector<Case> cases{{missing, "No such file or directory"}, {folder, "Is a directory"}};
    if (::geteuid() != 0) {  // root reads anything
        const std::string locked = dir.write("locked.yaml", "name: t\n");
        std::filesystem::permissions(locked, std::filesystem::perms::none);
        cases.push_back({locked, "Permission denied"});
    }
    for (const Case& c : cases) {
        for (const char* command : {"validate", "run"}) {
            SCOPED_TRACE(std::string(command) + " " + c.path);
            const BinaryRun r = run_chainsim(command_args(command, c.path, dir), dir);
            EXPECT_EQ(r.exit_code, kExitBadInput);
            EXPECT_TRUE(contains(r.err, c.path + ": cannot read the scenario file: " + c.reason))
                << r.err;
        }
    }
}

TEST(CliErrors, BadFlag) {
    ScratchDir dir;
    const std::string file = dir.write("ok.yaml",
                                       "name: t\n"
                                       "duration: 1h\n"
                                       "network:\n"
                                       "  nodes: 4\n");
    const BinaryRun seed = run_chainsim({"run", file, "--seed", "many"}, dir);
    EXPECT_EQ(seed.exit_code, kExitBadInput);
    EXPECT_TRUE(contains(seed.err, "--seed")) << seed.err;
    const BinaryRun flag = run_chainsim({"run", file, "--fast"}, dir);
    EXPECT_EQ(flag.exit_code, kExitBadInput);
    EXPECT_TRUE(contains(flag.err, "--fast")) << flag.err;
}

// What only building the world can tell (a strategy that needs a fixed difficulty) is bad
// input too, placed at the field's line like any scenario error.
TEST(CliErrors, ScenarioTheWorldCannotBuild) {
    ScratchDir dir;
    const std::string file = dir.write("selfish.yaml",
                                       "name: t\n"
                                       "duration: 1h\n"
                                       "consensus: {retarget: {window: 10}}\n"
                                       "network:\n"
                                       "  nodes: 4\n"
                                       "mining:\n"
                                       "  - {nodes: \"0-2\", share: 0.7}\n"
                                       "  - {nodes: \"3\", share: 0.3, strategy: selfish}\n");
    for (const char* command : {"validate", "run"}) {
        const BinaryRun r = run_chainsim(command_args(command, file, dir), dir);
        EXPECT_EQ(r.exit_code, kExitBadInput) << command;
        EXPECT_TRUE(contains(r.err, "invalid scenario " + file + ":\n" + file +
                                        ":8:40: mining.1.strategy: selfish needs a fixed "
                                        "difficulty"))
            << r.err;
    }
}

// A cut naming two nodes the graph does not link would do nothing; it is bad input.
TEST(CliErrors, CutOfAMissingLink) {
    ScratchDir dir;
    const std::string file = dir.write("cut.yaml",
                                       "name: t\n"
                                       "duration: 1h\n"
                                       "network:\n"
                                       "  nodes: 6\n"
                                       "  topology: ring\n"
                                       "events:\n"
                                       "  - {at: 10m, cut: [\"0\", \"3\"]}\n");
    for (const char* command : {"validate", "run"}) {
        const BinaryRun r = run_chainsim(command_args(command, file, dir), dir);
        EXPECT_EQ(r.exit_code, kExitBadInput) << command;
        EXPECT_TRUE(contains(r.err, "events.0.cut: nodes 0 and 3 are not linked")) << r.err;
    }
}

// One expectation fails, one passes: exit 1, the failing one is named (also with --quiet),
// the passing one is not, and the report records both.
TEST(CliErrors, ExpectationMissExitsOneAndSaysWhich) {
    ScratchDir dir;
    const std::string file = dir.write("miss.yaml",
                                       "name: miss\n"
                                       "duration: 2h\n"
                                       "consensus: {block_interval: 1m, pow_bits: 8}\n"
                                       "network:\n"
                                       "  nodes: 4\n"
                                       "  latency: {dist: constant, value: 5s}\n"
                                       "expect:\n"
                                       "  - {max_reorg_depth: 50}\n"
                                       "  - {stale_rate_below: 0.001}\n");
    const std::string out = (dir.path() / "out").string();
    for (bool quiet : {false, true}) {
        SCOPED_TRACE(quiet ? "--quiet" : "");
        std::vector<std::string> args{"run", file, "--out", out};
        if (quiet) args.push_back("--quiet");
        const BinaryRun r = run_chainsim(args, dir);
        EXPECT_EQ(r.exit_code, kExitExpectation) << r.err;
        EXPECT_TRUE(contains(r.err,
                             "chainsim: expectation failed: stale_rate_below 0.001 (stale "
                             "rate "))
            << r.err;
        EXPECT_FALSE(contains(r.err, "max_reorg_depth")) << r.err;
        if (!quiet) {
            EXPECT_TRUE(contains(r.out, "expect stale_rate_below 0.001: FAIL")) << r.out;
            EXPECT_TRUE(contains(r.out, "expect max_reorg_depth 50: pass")) << r.out;
        }
        const nlohmann::json report =
            nlohmann::json::parse(chainsim_test::read_file(dir.path() / "out" / "report.json"));
        ASSERT_EQ(report["expectations"].size(), 2u);
        EXPECT_EQ(report["expectations"][0]["passed"], true);
        EXPECT_EQ(report["expectations"][1]["passed"], false);
    }
    // The same run without the failing expectation exits 0.
    const BinaryRun ok = run_chainsim(
        {"run", file, "--out", out, "--quiet", "--set", "expect.1.stale_rate_below=1"}, dir);
    EXPECT_EQ(ok.exit_code, 0) << ok.err;
    EXPECT_EQ(ok.err, "");
}

}  // namespace

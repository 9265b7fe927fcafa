// `chainsim swarm` as a user runs it: bad arguments exit 2; passing seeds give the summary;
// a failing seed (a fault injected on purpose) is reported with its seed, its scenario saved
// as a file `chainsim run` accepts and reproduces (same digest), and the command to rerun it.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "support/chainsim_binary.h"

namespace {

using chainsim_test::BinaryRun;
using chainsim_test::contains;
using chainsim_test::kExitBadInput;
using chainsim_test::run_chainsim;
using chainsim_test::ScratchDir;

TEST(SwarmCli, BadArgumentsExit2WithTheReason) {
    ScratchDir dir;
    const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
        {{"swarm"}, "--seeds"},
        {{"swarm", "--seeds", "9..3"}, "--seeds"},
        {{"swarm", "--seeds", "one..two"}, "--seeds"},
        {{"swarm", "--seeds", "0..18446744073709551615"}, "at most"},
        {{"swarm", "--seeds", "1..3", "--jobs", "0"}, "--jobs"},
        {{"swarm", "--seeds", "1..3", "--jobs", "many"}, "--jobs"},
        {{"swarm", "--seeds", "1..3", "--inject-fault", "gremlins"}, "--inject-fault"},
    };
    for (const auto& [args, named] : cases) {
        SCOPED_TRACE(args.back());
        const BinaryRun r = run_chainsim(args, dir);
        EXPECT_EQ(r.exit_code, kExitBadInput) << r.out << r.err;
        EXPECT_TRUE(contains(r.err, named)) << r.err;
        EXPECT_FALSE(contains(r.err, "--seeds: --seeds")) << r.err;
    }
}

TEST(SwarmCli, PassingSeedsEndWithTheSummary) {
    ScratchDir dir;
    const BinaryRun r = run_chainsim({"swarm", "--seeds", "1..4", "--jobs", "2", "--verbose"}, dir);
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_TRUE(contains(r.out, "ok   seed 3 (")) << r.out;
    EXPECT_TRUE(contains(r.out, "swarm: 4 seeds run (1..4, 2 jobs), 4 passed, 0 failed, wall "))
        << r.out;
}

TEST(SwarmCli, AFailingSeedIsSavedAndReproducible) {
    ScratchDir dir;
    const std::string out = (dir.path() / "failures").string();
    const BinaryRun r =
        run_chainsim({"swarm", "--seeds", "6..7", "--inject-fault", "supply", "--out", out}, dir);
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_TRUE(contains(r.out, "FAIL seed 7 (")) << r.out;
    EXPECT_TRUE(contains(r.out, "balances sum to")) << r.out;
    EXPECT_TRUE(contains(r.out, "reproduce: chainsim swarm --seeds 7..7")) << r.out;
    EXPECT_TRUE(contains(r.out, "2 seeds run (6..7, ")) << r.out;
    EXPECT_TRUE(contains(r.out, ", 0 passed, 2 failed, wall ")) << r.out;

    const std::string file = out + "/seed-7.yaml";
    ASSERT_TRUE(std::filesystem::exists(file)) << r.out;
    EXPECT_TRUE(contains(r.out, "scenario:  " + file)) << r.out;
    // The run the swarm made, reproduced by `chainsim run` on the saved file: the same digest.
    const std::size_t at = r.out.find("(digest ", r.out.find("FAIL seed 7"));
    ASSERT_NE(at, std::string::npos) << r.out;
    const std::string digest = r.out.substr(at + 8, r.out.find(')', at) - at - 8);
    const BinaryRun run =
        run_chainsim({"run", file, "--no-plots", "--out", (dir.path() / "run").string()}, dir);
    EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
    EXPECT_TRUE(contains(run.out, "trace digest: " + digest)) << run.out << "\nwanted " << digest;
}

TEST(SwarmCli, ARerunWithAnotherDigestOrANodeLeftDownFails) {
    ScratchDir dir;
    const std::string out = (dir.path() / "failures").string();
    const BinaryRun rerun =
        run_chainsim({"swarm", "--seeds", "8", "--inject-fault", "rerun", "--out", out}, dir);
    EXPECT_EQ(rerun.exit_code, 1) << rerun.out << rerun.err;
    EXPECT_TRUE(contains(rerun.out, "a rerun of the same seed gave trace digest")) << rerun.out;
    const BinaryRun down =
        run_chainsim({"swarm", "--seeds", "9", "--inject-fault", "down", "--out", out}, dir);
    EXPECT_EQ(down.exit_code, 1) << down.out << down.err;
    EXPECT_TRUE(contains(down.out, "node 0 is still down after the final heal")) << down.out;
}

}  // namespace

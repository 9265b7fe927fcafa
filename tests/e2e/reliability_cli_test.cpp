// Input that used to hang or blow up the real binary (issue 12): exit 2 with the field
// named, promptly.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/chainsim_binary.h"

namespace {

using chainsim_test::BinaryRun;
using chainsim_test::run_chainsim;
using chainsim_test::ScratchDir;

using chainsim_test::contains;
using chainsim_test::kExitBadInput;

TEST(ReliabilityCli, MineEveryMustBeFinite) {
    ScratchDir dir;
    for (const std::string value : {"nan", "inf", "-1"}) {
        SCOPED_TRACE(value);
        const BinaryRun r = run_chainsim({"node", "--port", "0", "--mine-every", value}, dir);
        EXPECT_EQ(r.exit_code, kExitBadInput) << r.err;
        EXPECT_TRUE(contains(r.err, "--mine-every")) << r.err;
    }
}

// The soak's fault flags refuse what they cannot mean (exit 2, naming the flag).
TEST(ReliabilityCli, NodeFaultFlagsAreChecked) {
    ScratchDir dir;
    for (const std::string value : {"nonsense", "-", "4000d", "+-3h"}) {
        SCOPED_TRACE(value);
        const BinaryRun r = run_chainsim({"node", "--port", "0", "--clock-offset", value}, dir);
        EXPECT_EQ(r.exit_code, kExitBadInput) << r.err;
        EXPECT_TRUE(contains(r.err, "--clock-offset")) << r.err;
    }
    const BinaryRun r = run_chainsim({"node", "--port", "0", "--disk-room", "3"}, dir);
    EXPECT_EQ(r.exit_code, kExitBadInput) << r.err;
    EXPECT_TRUE(contains(r.err, "--disk-room needs --data")) << r.err;
}

TEST(ReliabilityCli, ValidateRefusesWhatCannotFinishOrFit) {
    ScratchDir dir;
    struct Case {
        std::string yaml;
        std::string field;
    };
    const Case cases[] = {
        {"name: t\nduration: 1h\nnetwork:\n  nodes: 100000\n  topology: {kind: full}\n",
         "network.topology: this run cannot fit in memory"},
        {"name: t\nduration: 1h\nconsensus:\n  pow_bits: 32\nnetwork:\n  nodes: 4\n",
         "consensus.pow_bits: every block"},
        {"name: t\nduration: 1h\nconsensus:\n  block_interval: 1ns\nnetwork:\n  nodes: 4\n",
         "consensus.block_interval: this run cannot finish"},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.field);
        const std::string file = dir.write("big.yaml", c.yaml);
        for (const std::string command : {"validate", "run"}) {
            std::vector<std::string> args{command, file};
            if (command == "run") args.insert(args.end(), {"--out", (dir.path() / "o").string()});
            const BinaryRun r = run_chainsim(args, dir);
            EXPECT_EQ(r.exit_code, kExitBadInput) << r.err;
            EXPECT_TRUE(contains(r.err, c.field)) << r.err;
            EXPECT_FALSE(contains(r.err, "internal error")) << r.err;
        }
    }
}

TEST(ReliabilityCli, RunStopsAtItsEventBudget) {
    ScratchDir dir;
    const std::string file =
        dir.write("s.yaml", "name: t\nduration: 1h\nconsensus:\n  block_interval: 1s\n"
                            "  pow_bits: 1\nnetwork:\n  nodes: 10\n");
    const BinaryRun r = run_chainsim(
        {"run", file, "--quiet", "--max-events", "20000", "--out", (dir.path() / "o").string()},
        dir);
    EXPECT_EQ(r.exit_code, kExitBadInput) << r.err;
    EXPECT_TRUE(contains(r.err, "stopped by --max-events 20000")) << r.err;
    const BinaryRun bad = run_chainsim({"run", file, "--max-wall", "soon"}, dir);
    EXPECT_EQ(bad.exit_code, kExitBadInput) << bad.err;
    EXPECT_TRUE(contains(bad.err, "--max-wall")) << bad.err;
}

}  // namespace

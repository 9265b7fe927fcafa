// chainsim sweep on a cluster (docs/cluster.md): under mpirun (--mpi) and as a Slurm job
// array (--plan, --run-task for every task as the array would, --collect), the outputs are
// the same bytes as `--jobs 1`; a rank that dies and a task that never ran are reported;
// collecting again is a no-op.
#include <gtest/gtest.h>
#include <unistd.h>

#include "reports_test_util.h"

namespace reports {
namespace {

using nlohmann::json;
using testing::TempDir;
namespace fs = std::filesystem;

constexpr const char* kScenario = R"(name: cluster-test
duration: 30m
consensus: {block_interval: 1m, pow_bits: 8}
network:
  nodes: 8
  topology: {kind: random-regular, degree: 3}
  latency: {dist: constant, value: 50ms}
events:
  - {at: 10m, partition: ["0-3", "4-7"]}
  - {at: 15m, heal: all}
)";

// 2 points x 3 seeds; the second point's runs are the longer ones (more nodes).
const std::vector<std::string> kSweepArgs = {"--seeds", "1..3", "--set", "network.nodes=8,12"};
const char* kPlot = "sweep-network.nodes.png";

std::vector<std::string> sweep_args(const TempDir& dir, std::vector<std::string> extra) {
    std::vector<std::string> args = {"sweep", (dir / "s.yaml").string()};
    args.insert(args.end(), kSweepArgs.begin(), kSweepArgs.end());
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
}

// The local sweep everything is compared with.
void local_sweep(const TempDir& dir, bool plots) {
    testing::write_file(dir / "s.yaml", kScenario);
    std::vector<std::string> extra = {"--jobs", "1", "--quiet", "--out", (dir / "jobs1").string()};
    if (!plots) extra.push_back("--no-plots");
    const auto r = testing::chainsim(sweep_args(dir, extra));
    ASSERT_EQ(r.exit_code, 0) << r.output;
}

void expect_same_outputs(const fs::path& expected, const fs::path& got, bool plots) {
    for (const char* file : {"sweep.json", "sweep.csv"}) {
        ASSERT_TRUE(fs::exists(got / file)) << got / file;
        EXPECT_EQ(testing::read_file(expected / file), testing::read_file(got / file)) << file;
    }
    if (plots) {
        ASSERT_TRUE(fs::exists(got / kPlot));
        EXPECT_EQ(testing::read_file(expected / kPlot), testing::read_file(got / kPlot));
    }
}

// --- Slurm: plan, every task, collect ---------------------------------------------------------

TEST(SweepSlurm, PlanRunEveryTaskCollectIsTheSameAsJobs1) {
    TempDir dir;
    const bool plots = testing::matplotlib_available();
    local_sweep(dir, plots);
    const std::string plan = (dir / "plan").string();
    const auto p = testing::chainsim(sweep_args(dir, {"--plan", plan}));
    ASSERT_EQ(p.exit_code, 0) << p.output;
    EXPECT_NE(p.output.find("planned 6 runs"), std::string::npos) << p.output;
    const std::string script = testing::read_file(dir / "plan" / "sweep.sbatch");
    EXPECT_NE(script.find("#SBATCH --array=0-5\n"), std::string::npos) << script;
    EXPECT_NE(script.find("sweep --run-task " + plan + " \"$SLURM_ARRAY_TASK_ID\""),
              std::string::npos)
        << script;
    EXPECT_FALSE(fs::exists(dir / "plan" / "sweep.json"));  // nothing ran

    // Every task but 4, as the job array would run them.
    for (int k : {0, 1, 2, 3, 5}) {
        const auto t = testing::chainsim({"sweep", "--run-task", plan, std::to_string(k)});
        ASSERT_EQ(t.exit_code, 0) << t.output;
        EXPECT_TRUE(fs::exists(dir / "plan" / "tasks" / (std::to_string(k) + ".json")));
    }
    const auto partial = testing::chainsim({"sweep", "--collect", plan, "--no-plots"});
    EXPECT_EQ(partial.exit_code, 3) << partial.output;
    EXPECT_NE(partial.output.find("1 of 6 tasks have no result: 4"), std::string::npos)
        << partial.output;
    EXPECT_NE(partial.output.find("sbatch --array=4 "), std::string::npos) << partial.output;
    const json s = testing::read_json(dir / "plan" / "sweep.json");
    EXPECT_EQ(s["incomplete"], true);
    ASSERT_EQ(s["failed"].size(), 1u);
    EXPECT_EQ(s["failed"][0]["point"], 1);
    EXPECT_EQ(s["failed"][0]["seed"], 2);
    EXPECT_NE(s["failed"][0]["command"].get<std::string>().find(" run "), std::string::npos);
    EXPECT_EQ(s["points"][0]["runs"], 3);
    EXPECT_EQ(s["points"][1]["runs"], 2);

    // Rerun only the missing task, collect: the sweep a local run writes, byte for byte.
    const auto t4 = testing::chainsim({"sweep", "--run-task", plan, "4"});
    ASSERT_EQ(t4.exit_code, 0) << t4.output;
    std::vector<std::string> collect = {"sweep", "--collect", plan};
    if (!plots) collect.push_back("--no-plots");
    const auto full = testing::chainsim(collect);
    ASSERT_EQ(full.exit_code, 0) << full.output;
    expect_same_outputs(dir / "jobs1", dir / "plan", plots);

    // Collecting again touches nothing.
    std::vector<fs::path> outputs = {dir / "plan" / "sweep.json", dir / "plan" / "sweep.csv"};
    if (plots) outputs.push_back(dir / "plan" / kPlot);
    std::vector<fs::file_time_type> times;
    for (const fs::path& f : outputs)
        times.push_back(fs::last_write_time(f));
    const auto again = testing::chainsim(collect);
    ASSERT_EQ(again.exit_code, 0) << again.output;
    for (std::size_t i = 0; i < outputs.size(); ++i)
        EXPECT_EQ(fs::last_write_time(outputs[i]), times[i]) << outputs[i];
    expect_same_outputs(dir / "jobs1", dir / "plan", plots);

    // Planning the same sweep into the folder again is harmless; a different one is refused.
    EXPECT_EQ(testing::chainsim(sweep_args(dir, {"--plan", plan})).exit_code, 0);
    const auto other =
        testing::chainsim({"sweep", (dir / "s.yaml").string(), "--seeds", "1..4", "--plan", plan});
    EXPECT_EQ(other.exit_code, 2) << other.output;
    EXPECT_NE(other.output.find("already holds a different plan"), std::string::npos);
}

TEST(SweepSlurm, BadInputIsAClearError) {
    TempDir dir;
    testing::write_file(dir / "s.yaml", kScenario);
    const std::string plan = (dir / "plan").string();
    const auto none = testing::chainsim({"sweep", "--collect", plan});
    EXPECT_EQ(none.exit_code, 2) << none.output;
    EXPECT_NE(none.output.find("no plan.json"), std::string::npos) << none.output;
    ASSERT_EQ(testing::chainsim(sweep_args(dir, {"--plan", plan})).exit_code, 0);
    for (const char* k : {"6", "-1", "x", "1x"}) {
        const auto r = testing::chainsim({"sweep", "--run-task", plan, k});
        EXPECT_EQ(r.exit_code, 2) << k << ": " << r.output;
        EXPECT_NE(r.output.find("is not one of 0..5"), std::string::npos) << r.output;
    }
    const auto mixed = testing::chainsim(
        {"sweep", (dir / "s.yaml").string(), "--seeds", "1..2", "--collect", plan});
    EXPECT_EQ(mixed.exit_code, 2) << mixed.output;
    const auto no_out = testing::chainsim({"sweep", (dir / "s.yaml").string(), "--seeds", "1..2"});
    EXPECT_EQ(no_out.exit_code, 2) << no_out.output;
    EXPECT_NE(no_out.output.find("--out is required"), std::string::npos) << no_out.output;
    // A record that is not this task's result counts as missing, not as a result.
    fs::create_directories(dir / "plan" / "tasks");
    testing::write_file(dir / "plan" / "tasks" / "0.json", R"({"task": 1, "point": 0})");
    const auto bad = testing::chainsim({"sweep", "--collect", plan, "--no-plots"});
    EXPECT_EQ(bad.exit_code, 3) << bad.output;
    EXPECT_NE(bad.output.find("not a result of task 0"), std::string::npos) << bad.output;
}

// --- MPI ------------------------------------------------------------------------------------

#ifdef CHAINSIM_MPIEXEC
std::string mpirun(const std::string& options) {
    std::string m = std::string(CHAINSIM_MPIEXEC) + " --oversubscribe -n 3 ";
    if (::geteuid() == 0) m += "--allow-run-as-root ";  // CI runs as root
    return m + options + " ";
}
#endif

TEST(SweepMpi, ThreeRanksWriteTheSameBytesAsJobs1) {
#ifndef CHAINSIM_MPIEXEC
    GTEST_SKIP() << "built without MPI (scripts/bootstrap installs OpenMPI)";
#else
    TempDir dir;
    const bool plots = testing::matplotlib_available();
    local_sweep(dir, plots);
    std::vector<std::string> extra = {"--mpi", "--out", (dir / "mpi").string()};
    if (!plots) extra.push_back("--no-plots");
    std::vector<std::string> argv = {CHAINSIM_BINARY};
    const std::vector<std::string> args = sweep_args(dir, extra);
    argv.insert(argv.end(), args.begin(), args.end());
    const auto r = testing::run_shell(mpirun("") + reports::shell_command(argv));
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("6 runs on 2 worker rank(s), longest first"), std::string::npos)
        << r.output;
    EXPECT_NE(r.output.find("6 ok, 0 failed"), std::string::npos) << r.output;
    expect_same_outputs(dir / "jobs1", dir / "mpi", plots);
    // Every worker left its record, so an aborted job could still be collected.
    for (int k = 0; k < 6; ++k)
        EXPECT_TRUE(fs::exists(dir / "mpi" / "tasks" / (std::to_string(k) + ".json"))) << k;
#endif
}

TEST(SweepMpi, ARankThatDiesMidSweepIsReported) {
#ifndef CHAINSIM_MPIEXEC
    GTEST_SKIP() << "built without MPI (scripts/bootstrap installs OpenMPI)";
#else
    TempDir dir;
    testing::write_file(dir / "s.yaml", kScenario);
    std::vector<std::string> argv = {CHAINSIM_BINARY};
    const std::vector<std::string> args = sweep_args(
        dir, {"--mpi", "--mpi-timeout", "2", "--no-plots", "--out", (dir / "mpi").string()});
    argv.insert(argv.end(), args.begin(), args.end());
    // Rank 1 vanishes (SIGKILL) as soon as it is handed its first run: the longest, since
    // runs go out longest first, so point 1 (12 nodes), seed 1.
    const auto r = testing::run_shell("CHAINSIM_SWEEP_MPI_TEST_DIE=1:1 " +
                                      mpirun("--enable-recovery -x CHAINSIM_SWEEP_MPI_TEST_DIE") +
                                      reports::shell_command(argv));
    EXPECT_NE(r.output.find("run lost"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("rank 1 was silent"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("rerun: "), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("5 ok, 1 failed"), std::string::npos) << r.output;

    const json s = testing::read_json(dir / "mpi" / "sweep.json");
    ASSERT_TRUE(s.is_object()) << r.output;
    EXPECT_EQ(s["incomplete"], true);
    ASSERT_EQ(s["failed"].size(), 1u);
    const json& lost = s["failed"][0];
    EXPECT_NE(lost["error"].get<std::string>().find("rank 1"), std::string::npos);
    EXPECT_EQ(lost["point"], 1);
    EXPECT_EQ(lost["seed"], 1);
    EXPECT_EQ(s["points"][0]["runs"].get<int>() + s["points"][1]["runs"].get<int>(), 5);

    // The printed command reruns exactly the lost run.
    const auto rerun = testing::run_shell(lost["command"].get<std::string>());
    EXPECT_EQ(rerun.exit_code, 0) << rerun.output;
    const std::string folder = s["points"][lost["point"].get<int>()]["folder"];
    const json report = testing::read_json(
        dir / "mpi" / folder / ("seed-" + std::to_string(lost["seed"].get<int>())) / "report.json");
    ASSERT_TRUE(report.is_object());
    EXPECT_EQ(report["seed"], lost["seed"]);
#endif
}

}  // namespace
}  // namespace reports

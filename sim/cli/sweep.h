// What every way of running a sweep shares (docs/cluster.md): the plan (every (point, seed)
// run and the `chainsim run` command that makes it), running one run into a result, the
// result as a record that travels between processes (an MPI message, a Slurm task's file),
// and assembling the results into sweep.json, sweep.csv and the sweep plots.
//
// Contract: the outputs depend only on the plan and on each run's result, never on where,
// when or in which order the runs ran, so `--jobs N`, `--mpi` and `--plan`/`--collect`
// write the same bytes for the same sweep.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "reports/process.h"
#include "sim/scenario/scenario.h"
#include "sim/scenario/sweep_plan.h"

namespace cli {

struct SweepArgs {
    std::string scenario;
    std::string seeds;
    std::vector<std::string> sets;
    unsigned jobs = 0;  // 0: one per core
    std::string out;
    bool no_plots = false;
    bool quiet = false;
    bool mpi = false;                   // run under mpirun: rank 0 hands out runs (sweep_mpi.cpp)
    double mpi_timeout = 60;            // seconds of silence after which a rank counts as dead
    std::string plan;                   // --plan DIR: write the plan and an sbatch script only
    std::vector<std::string> run_task;  // --run-task DIR K
    std::string collect;                // --collect DIR
};

// One run of the sweep, and once it ran, what became of it.
struct Task {
    std::size_t point = 0;
    std::uint64_t seed = 0;
    std::filesystem::path folder;
    std::vector<std::string> argv;
    std::optional<reports::ChildExit> exit;
    std::string error;  // why it failed, empty if it did not
    nlohmann::json report;
    std::vector<std::string> failed_expectations;  // "name (detail)" of each unmet one
};

// Everything the outputs are computed from.
struct SweepPlan {
    std::string name;      // the scenario's name
    std::string scenario;  // the scenario file, absolute
    sim::SeedRange seeds;
    std::vector<sim::SweepParam> params;
    std::vector<sim::SweepPoint> points;
    std::size_t width = 1;      // digits of the point index in folder names
    std::filesystem::path out;  // absolute
    std::vector<Task> tasks;    // in (point, seed) order
    std::vector<double> costs;  // per point: the estimated work of one run (sweep_record.cpp)
};

// Parses and checks the arguments, loads every point's scenario (bad_input on any error,
// nothing is run) and creates the output folder.
SweepPlan plan_sweep_or_fail(const SweepArgs& args);

// Runs task.argv into task.folder (its log in run.log), waits, and reads its report: sets
// task.exit and task.report, or task.error. With `tick`, it is called about every 100 ms
// while the run runs (an MPI worker's heartbeat).
void run_task(Task& task, const std::function<void()>& tick = {});
// Fills task.failed_expectations ("name (detail)" of each unmet one) from its report and exit.
void note_failed_expectations(Task& task);

// Writes sweep.json, sweep.csv and (unless no_plots) the plots from the finished tasks, in
// (point, seed) order; prints the summary line. A task with an error is listed in "failed";
// tasks that never reported a result (a dead MPI rank, a Slurm task that did not finish)
// carry the reason as their error, and with `incomplete` sweep.json says "incomplete": true. With
// `keep_unchanged`, files whose content is already right are not rewritten and the plots are drawn
// only when sweep.json changed or none exists (a repeated --collect touches nothing). Returns the
// exit code: 0, 1 (an expectation failed), 3 (a run failed or is missing).
int write_sweep_outputs(const SweepPlan& plan, const std::vector<Task>& tasks, bool no_plots,
                        double wall_seconds, bool incomplete = false, bool keep_unchanged = false);

// The estimated work of one run of `scenario` (messages relayed: blocks and transactions
// times nodes times links per node), only to order runs longest first.
double run_cost(const sim::Scenario& scenario);

// --- Records (sweep_record.cpp) -----------------------------------------------------------

// A task's result as JSON: {"task", "point", "seed", "exit": {"code", "signal"} | null,
// "error", "report"}. from_record fills exit, error and report of `task`; false when the
// record is not one of this task.
nlohmann::json task_record(std::size_t index, const Task& task);
bool from_record(const nlohmann::json& record, std::size_t index, Task& task);

// The plan as JSON (plan.json) and back; an error message when it is not a plan.
nlohmann::json plan_json(const SweepPlan& plan);
sim::Expected<SweepPlan> plan_from_json(const nlohmann::json& j);

// The order to hand out runs in: longest estimated first, ties in (point, seed) order.
std::vector<std::size_t> longest_first(const SweepPlan& plan);

// Writes `text` to `path` through a temporary file and a rename, so a reader never sees half
// a file; cli::Exit(kExitInternal) when it cannot.
void write_file_atomically(const std::filesystem::path& path, const std::string& text);

// --- The cluster modes ----------------------------------------------------------------------

// Registers --mpi, --mpi-timeout, --plan, --run-task and --collect (sweep_slurm.cpp).
void add_cluster_options(CLI::App& sweep, SweepArgs& args);
// bad_input unless the arguments name exactly one mode with what it needs.
void check_sweep_mode(const SweepArgs& args);

// `--mpi` (sweep_mpi.cpp): every rank calls it with the same arguments.
int sweep_mpi(const SweepArgs& args);
// `--plan DIR`, `--run-task DIR K`, `--collect DIR` (sweep_slurm.cpp).
int sweep_plan_slurm(const SweepArgs& args);
int sweep_run_task(const std::string& dir, const std::string& index);
int sweep_collect(const std::string& dir, const SweepArgs& args);

}  // namespace cli

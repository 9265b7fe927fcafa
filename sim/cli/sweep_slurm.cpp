// A sweep as a Slurm job array (docs/cluster.md):
//   chainsim sweep SCENARIO --seeds A..B [--set ...]... --plan DIR
//       checks every point, writes DIR/plan.json and DIR/sweep.sbatch (one array task per
//       run); nothing runs.
//   chainsim sweep --run-task DIR K
//       runs task K of the plan (what each array task does) and writes its result record,
//       DIR/tasks/K.json, in one rename: a record is whole or absent.
//   chainsim sweep --collect DIR [--no-plots] [--quiet]
//       assembles sweep.json, sweep.csv and the plots from the records, exactly as a local
//       sweep would; tasks without a record are listed, and sweep.json is marked incomplete.
//       Leaves files that are already right alone, so collecting again is a no-op, and
//       rerunning only the missing tasks, then collecting, completes the sweep.
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>

#include "sim/cli/cli.h"
#include "sim/cli/sweep.h"

namespace cli {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

fs::path record_path(const fs::path& dir, std::size_t k) {
    return dir / "tasks" / (std::to_string(k) + ".json");
}

SweepPlan read_plan_or_fail(const std::string& dir) {
    const fs::path path = fs::path(dir) / "plan.json";
    if (!fs::exists(path))
        bad_input(dir + ": no plan.json (write one with chainsim sweep SCENARIO ... --plan DIR)");
    const json j = json::parse(read_file(path.string()), nullptr, /*allow_exceptions=*/false);
    sim::Expected<SweepPlan> plan = plan_from_json(j);
    if (!plan) bad_input(path.string() + ": " + plan.error());
    return std::move(*plan);
}

std::string sbatch_script(const SweepPlan& plan, const std::string& exe) {
    const std::string dir = plan.out.string();
    const std::string n = std::to_string(plan.tasks.size());
    const std::string script = (plan.out / "sweep.sbatch").string();
    std::string s = "#!/bin/bash\n";
    s += "# chainsim sweep " + plan.name + ": " + n +
         " runs, one array task each (written by chainsim sweep --plan).\n";
    s += "#   submit:        sbatch " + reports::shell_command({script}) +
         "   (--partition, --time, ... on sbatch's command line)\n";
    s += "#   rerun some:    sbatch --array=3,7 " + reports::shell_command({script}) + "\n";
    s += "#   then collect:  " + reports::shell_command({exe, "sweep", "--collect", dir}) + "\n";
    s += "#SBATCH --job-name=chainsim-" + plan.name + "\n";
    s += "#SBATCH --array=0-" + std::to_string(plan.tasks.size() - 1) + "\n";
    s += "#SBATCH --ntasks=1\n";
    s += "#SBATCH --cpus-per-task=1\n";
    s += "#SBATCH --output=" + (plan.out / "slurm" / "task-%a.out").string() + "\n";
    s += "exec " + reports::shell_command({exe, "sweep", "--run-task", dir}) +
         " \"$SLURM_ARRAY_TASK_ID\"\n";
    return s;
}

}  // namespace

void add_cluster_options(CLI::App& sweep, SweepArgs& args) {
    sweep.add_flag("--mpi", args.mpi,
                   "run under mpirun: rank 0 hands out runs to the other ranks (docs/cluster.md)");
    sweep
        .add_option("--mpi-timeout", args.mpi_timeout,
                    "seconds without a message after which a rank counts as dead (default 60)")
        ->check(CLI::PositiveNumber);
    sweep.add_option("--plan", args.plan,
                     "write the plan and a Slurm sbatch job-array script into DIR; run nothing");
    sweep.add_option("--run-task", args.run_task, "DIR K: run task K of the plan in DIR")
        ->expected(2);
    sweep.add_option("--collect", args.collect,
                     "assemble sweep.json, sweep.csv and plots from the finished tasks in DIR");
}

void check_sweep_mode(const SweepArgs& a) {
    const bool sweep_args = !a.scenario.empty() || !a.seeds.empty() || !a.sets.empty();
    if (!a.run_task.empty()) {
        if (sweep_args || !a.out.empty() || !a.plan.empty() || !a.collect.empty() || a.mpi ||
            a.jobs > 0)
            bad_input("sweep --run-task DIR K takes no other arguments (the plan has them)");
        return;
    }
    if (!a.collect.empty()) {
        if (sweep_args || !a.out.empty() || !a.plan.empty() || a.mpi || a.jobs > 0)
            bad_input(
                "sweep --collect DIR takes only --no-plots and --quiet (the plan has the rest)");
        return;
    }
    if (a.scenario.empty()) bad_input("sweep: SCENARIO is required");
    if (a.seeds.empty()) bad_input("sweep: --seeds is required");
    if (!a.plan.empty()) {
        if (a.mpi) bad_input("sweep: --plan and --mpi are two ways of running a sweep; pick one");
        if (!a.out.empty() && fs::absolute(a.out) != fs::absolute(a.plan))
            bad_input("sweep --plan DIR: DIR is the output folder; --out, if given, must be DIR");
        return;
    }
    if (a.out.empty()) bad_input("sweep: --out is required");
    // Under mpirun without --mpi, every rank would run the whole sweep into one folder.
    for (const char* size : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE"}) {
        const char* n = std::getenv(size);
        if (!a.mpi && n != nullptr && std::string(n) != "1")
            bad_input(std::string("sweep: started by mpirun (") + size + "=" + n +
                      ") without --mpi; add --mpi so that rank 0 hands out the runs");
    }
    if (a.mpi && a.jobs > 0)
        bad_input(
            "sweep: --jobs does not apply with --mpi (each worker rank runs one run at a time)");
}

int sweep_plan_slurm(const SweepArgs& args) {
    SweepArgs a = args;
    a.out = a.plan;
    const SweepPlan plan = plan_sweep_or_fail(a);
    const std::string text = plan_json(plan).dump(1) + "\n";
    const fs::path plan_file = plan.out / "plan.json";
    if (fs::exists(plan_file) && read_file(plan_file.string()) != text) {
        bad_input(plan.out.string() +
                  " already holds a different plan; plan into a new folder (its results would "
                  "mix)");
    }
    std::error_code ec;
    fs::create_directories(plan.out / "tasks", ec);
    fs::create_directories(plan.out / "slurm", ec);
    if (ec) bad_input(plan.out.string() + ": cannot create: " + ec.message());
    write_file_atomically(plan_file, text);
    write_file_atomically(plan.out / "sweep.sbatch", sbatch_script(plan, plan.tasks[0].argv[0]));
    fs::permissions(plan.out / "sweep.sbatch", fs::perms::owner_exec | fs::perms::group_exec,
                    fs::perm_options::add, ec);
    std::printf("sweep: planned %zu runs (%zu point(s) x %llu seed(s)) in %s\n", plan.tasks.size(),
                plan.points.size(), static_cast<unsigned long long>(plan.seeds.count()),
                plan.out.string().c_str());
    std::printf("  submit:  sbatch %s\n",
                reports::shell_command({(plan.out / "sweep.sbatch").string()}).c_str());
    std::printf("  then:    chainsim sweep --collect %s\n",
                reports::shell_command({plan.out.string()}).c_str());
    return 0;
}

int sweep_run_task(const std::string& dir, const std::string& index) {
    SweepPlan plan = read_plan_or_fail(dir);
    std::size_t k = 0;
    const auto [end, ec] = std::from_chars(index.data(), index.data() + index.size(), k);
    if (ec != std::errc() || end != index.data() + index.size() || k >= plan.tasks.size()) {
        bad_input("sweep --run-task: task \"" + index + "\" is not one of 0.." +
                  std::to_string(plan.tasks.size() - 1));
    }
    Task& task = plan.tasks[k];
    run_task(task);
    std::error_code mk;
    fs::create_directories(fs::path(dir) / "tasks", mk);
    write_file_atomically(record_path(dir, k), task_record(k, task).dump() + "\n");
    if (!task.error.empty()) {
        std::cerr << "chainsim: task " << k << " failed (point " << task.point << ", seed "
                  << task.seed << "): " << task.error
                  << "\n  rerun: " << reports::shell_command(task.argv)
                  << "\n  log:   " << (task.folder / "run.log").string() << "\n";
        return kExitInternal;
    }
    std::printf("task %zu (point %zu, seed %llu): done, %s\n", k, task.point,
                static_cast<unsigned long long>(task.seed),
                task.exit->code == 0 ? "every expectation passed" : "an expectation failed");
    return 0;
}

int sweep_collect(const std::string& dir, const SweepArgs& args) {
    const auto start = std::chrono::steady_clock::now();
    SweepPlan plan = read_plan_or_fail(dir);
    plan.out = fs::absolute(dir);  // the outputs go where the records are
    std::vector<std::size_t> missing, failed;
    for (std::size_t k = 0; k < plan.tasks.size(); ++k) {
        Task& task = plan.tasks[k];
        const fs::path record = record_path(dir, k);
        if (!fs::exists(record)) {
            missing.push_back(k);
            task.error = "no result: task " + std::to_string(k) + " has not run or did not finish";
            continue;
        }
        std::ifstream in(record, std::ios::binary);
        const json r = json::parse(in, nullptr, /*allow_exceptions=*/false);
        if (!from_record(r, k, task)) {
            missing.push_back(k);
            task.error = record.string() + ": not a result of task " + std::to_string(k);
            continue;
        }
        if (!task.error.empty()) failed.push_back(k);
    }
    auto list = [](const std::vector<std::size_t>& ks) {
        std::string s;
        for (std::size_t k : ks)
            s += (s.empty() ? "" : ",") + std::to_string(k);
        return s;
    };
    for (std::size_t k : failed) {
        const Task& t = plan.tasks[k];
        std::cerr << "chainsim: task " << k << " failed (point " << t.point << ", seed " << t.seed
                  << "): " << t.error << "\n  rerun: " << reports::shell_command(t.argv) << "\n";
    }
    if (!missing.empty()) {
        std::cerr << "chainsim: " << missing.size() << " of " << plan.tasks.size()
                  << " tasks have no result: " << list(missing) << "\n";
        for (std::size_t k : missing) {
            const Task& t = plan.tasks[k];
            std::cerr << "  task " << k << " (point " << t.point << ", seed " << t.seed
                      << "): " << t.error << "\n";
        }
        std::cerr << "  rerun them: sbatch --array=" << list(missing) << " "
                  << reports::shell_command({(fs::path(dir) / "sweep.sbatch").string()})
                  << "\n  or each:    chainsim sweep --run-task " << reports::shell_command({dir})
                  << " K\n";
    }
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::vector<Task>& tasks = plan.tasks;
    return write_sweep_outputs(plan, tasks, args.no_plots, wall, !missing.empty(),
                               /*keep_unchanged=*/true);
}

}  // namespace cli

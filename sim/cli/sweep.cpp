// chainsim sweep SCENARIO --seeds A..B [--set path=v1,v2,...]... [--jobs N] --out DIR
//            [--no-plots] [--quiet]
// (and on a cluster, --mpi, --plan DIR, --run-task DIR K, --collect DIR: sim/cli/sweep.h)
//
// Every (point, seed) is its own `chainsim run` child process (this binary, /proc/self/exe)
// writing DIR/<point>/seed-<s>/: runs are isolated, a crash in one cannot take down the
// others, and each run's digest depends only on its scenario and seed, so the results do not
// depend on --jobs. sweep.json and sweep.csv are computed afterwards in (point, seed) order.
//
// Exit codes: 0 every run ok; 1 every run ok but some expectation failed; 2 bad input
// (nothing is run); 3 some run failed (each is reported with its seed and the command
// that reruns it; the others still finish and are summarised).
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <thread>

#include "reports/plots.h"
#include "reports/process.h"
#include "reports/sweep_stats.h"
#include "sim/cli/cli.h"
#include "sim/cli/sweep.h"
#include "sim/scenario/scenario.h"
#include "sim/scenario/sweep_plan.h"

namespace cli {

void note_failed_expectations(Task& task) {
    task.failed_expectations.clear();
    if (!task.exit || !task.report.is_object()) return;
    const reports::ChildExit& exit = *task.exit;
    const nlohmann::json& expectations = task.report.value("expectations", nlohmann::json::array());
    for (const nlohmann::json& e : expectations) {
        if (!e.is_object() || e.value("passed", true)) continue;
        task.failed_expectations.push_back(e.value("name", std::string("?")) + " (" +
                                           e.value("detail", std::string()) + ")");
    }
    if (exit.code == kExitExpectation && task.failed_expectations.empty()) {
        task.failed_expectations.push_back("an expectation (report.json names none)");
    }
}

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

template <class T>
T value_or_bad_input(sim::Expected<T> e) {
    if (!e) bad_input(e.error());
    return std::move(*e);
}

// "[12/40] runs done, 1 failed, 35s elapsed, ETA 1m 20s": redrawn on a terminal, else a
// line every few seconds.
class SweepProgress {
  public:
    SweepProgress(std::size_t total, bool quiet)
        : total_(total), quiet_(quiet), tty_(::isatty(STDERR_FILENO) == 1), start_(Clock::now()) {}

    void update(std::size_t done, std::size_t failed, bool force = false) {
        if (quiet_) return;
        const auto now = Clock::now();
        const auto every = tty_ ? std::chrono::milliseconds(300) : std::chrono::seconds(5);
        if (!force && now - last_ < every) return;
        // The final line is forced by the last run and again at the end: print it once.
        if (done == total_ && printed_ == std::make_pair(done, failed)) return;
        printed_ = {done, failed};
        last_ = now;
        const double elapsed = std::chrono::duration<double>(now - start_).count();
        std::string line = "sweep: " + std::to_string(done) + "/" + std::to_string(total_) +
                           " runs done, " + std::to_string(failed) + " failed, " +
                           duration(elapsed) + " elapsed";
        if (done > 0 && done < total_) {
            line += ", ETA " + duration(elapsed / static_cast<double>(done) *
                                        static_cast<double>(total_ - done));
        }
        if (tty_) {
            std::cerr << "\r" << line << "    " << std::flush;
            shown_ = true;
        } else {
            std::cerr << line << "\n";
        }
    }
    // Before other output: ends the redrawn line.
    void interrupt() {
        if (shown_) std::cerr << "\n";
        shown_ = false;
    }

  private:
    using Clock = std::chrono::steady_clock;
    static std::string duration(double s) {
        char buf[32];
        if (s < 60) {
            std::snprintf(buf, sizeof buf, "%.0fs", s);
        } else {
            std::snprintf(buf, sizeof buf, "%dm %02ds", static_cast<int>(s) / 60,
                          static_cast<int>(s) % 60);
        }
        return buf;
    }
    std::size_t total_;
    bool quiet_;
    bool tty_;
    bool shown_ = false;
    std::pair<std::size_t, std::size_t> printed_{SIZE_MAX, SIZE_MAX};  // (done, failed)
    Clock::time_point start_;
    Clock::time_point last_{};
};

// Returns whether it wrote: with `keep_unchanged`, a file that already holds `text` is left
// alone.
bool write_file(const fs::path& path, const std::string& text, bool keep_unchanged = false) {
    if (keep_unchanged) {
        std::ifstream in(path, std::ios::binary);
        const std::string old{std::istreambuf_iterator<char>(in), {}};
        if (in && old == text) return false;
    }
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file << text;
    file.flush();
    if (!file) throw Exit(kExitInternal, path.string() + ": cannot write");
    return true;
}

bool has_sweep_plots(const fs::path& out) {
    std::error_code ec;
    for (const fs::directory_entry& e : fs::directory_iterator(out, ec)) {
        const std::string file = e.path().filename().string();
        if (file.starts_with("sweep-") && file.ends_with(".png")) return true;
    }
    return false;
}

// Reads a finished run's report; sets task.error when the run did not produce one.
void collect(Task& task) {
    const reports::ChildExit& exit = *task.exit;
    const bool finished = exit.signal == 0 && (exit.code == 0 || exit.code == kExitExpectation);
    if (!finished) {
        task.error = exit.describe();
        return;
    }
    std::ifstream in(task.folder / "report.json");
    task.report = json::parse(in, nullptr, /*allow_exceptions=*/false);
    if (!in || task.report.is_discarded() || !task.report.is_object()) {
        task.error = "no readable report.json";
        return;
    }
    note_failed_expectations(task);
}

// The command that reruns `task` and shows its summary (the sweep's own runs are --quiet).
std::string rerun_command(const Task& task) {
    std::vector<std::string> argv;
    for (const std::string& arg : task.argv) {
        if (arg != "--quiet") argv.push_back(arg);
    }
    return reports::shell_command(argv);
}

void run_all(std::vector<Task>& tasks, unsigned jobs, SweepProgress& progress) {
    std::map<pid_t, std::size_t> running;
    std::size_t next = 0, done = 0, failed = 0;
    auto finish = [&](Task& task) {
        ++done;
        if (!task.error.empty()) {
            ++failed;
            progress.interrupt();
            std::cerr << "chainsim: run failed (seed " << task.seed << ", "
                      << task.folder.parent_path().filename().string() << "): " << task.error
                      << "\n  rerun: " << reports::shell_command(task.argv)
                      << "\n  log:   " << (task.folder / "run.log").string() << "\n";
        }
        progress.update(done, failed, !task.error.empty());
    };
    while (done < tasks.size()) {
        while (running.size() < jobs && next < tasks.size()) {
            Task& task = tasks[next++];
            std::error_code ec;
            fs::create_directories(task.folder, ec);
            reports::Spawned child = reports::spawn(task.argv, (task.folder / "run.log").string());
            if (!child.error.empty()) {
                task.error = child.error;
                finish(task);
                continue;
            }
            running[child.pid] = static_cast<std::size_t>(&task - tasks.data());
        }
        if (running.empty()) continue;
        reports::ChildExit exit;
        const pid_t pid = reports::wait_any(exit);
        if (pid < 0) throw Exit(kExitInternal, "sweep: lost track of its child processes");
        auto it = running.find(pid);
        if (it == running.end()) continue;  // not a run of ours
        Task& task = tasks[it->second];
        running.erase(it);
        task.exit = exit;
        collect(task);
        finish(task);
    }
    progress.update(done, failed, true);
    progress.interrupt();
}

}  // namespace

SweepPlan plan_sweep_or_fail(const SweepArgs& a) {
    SweepPlan plan;
    const sim::SeedRange seeds = value_or_bad_input(sim::parse_seed_range(a.seeds));
    std::vector<sim::SweepParam> params;
    for (const std::string& set : a.sets)
        params.push_back(value_or_bad_input(sim::parse_sweep_set(set)));
    const std::vector<sim::SweepPoint> points = value_or_bad_input(sim::plan_sweep(params));

    // Every point must load before anything runs: a typo is one message, not N failures.
    std::string name;
    for (std::size_t i = 0; i < points.size(); ++i) {
        const sim::Scenario scenario = load_scenario_or_fail(
            a.scenario, points[i].overrides(), " at sweep point " + points[i].folder_name(i, 1));
        if (i == 0) name = scenario.name;
        plan.costs.push_back(run_cost(scenario));
    }
    const std::string exe = reports::self_executable();
    if (exe.empty()) throw Exit(kExitInternal, "sweep: cannot find its own executable");
    const fs::path out = fs::absolute(a.out);
    const std::string scenario = fs::absolute(a.scenario).string();
    std::error_code ec;
    fs::create_directories(out, ec);
    if (ec) bad_input(a.out + ": cannot create: " + ec.message());

    const std::size_t width = std::to_string(points.size() - 1).size();
    std::vector<Task> tasks;
    for (std::size_t i = 0; i < points.size(); ++i) {
        for (std::uint64_t s = seeds.first;; ++s) {
            Task t;
            t.point = i;
            t.seed = s;
            t.folder = out / points[i].folder_name(i, width) / ("seed-" + std::to_string(s));
            t.argv = {exe, "run", scenario, "--seed", std::to_string(s)};
            for (const std::string& o : points[i].overrides()) {
                t.argv.push_back("--set");
                t.argv.push_back(o);
            }
            for (const char* arg : {"--quiet", "--no-plots", "--out"})
                t.argv.emplace_back(arg);
            t.argv.push_back(t.folder.string());
            tasks.push_back(std::move(t));
            if (s == seeds.last) break;
        }
    }
    plan.name = name;
    plan.scenario = scenario;
    plan.seeds = seeds;
    plan.params = params;
    plan.points = points;
    plan.width = width;
    plan.out = out;
    plan.tasks = std::move(tasks);
    return plan;
}

void run_task(Task& task, const std::function<void()>& tick) {
    std::error_code ec;
    fs::create_directories(task.folder, ec);
    reports::Spawned child = reports::spawn(task.argv, (task.folder / "run.log").string());
    if (!child.error.empty()) {
        task.error = child.error;
        return;
    }
    if (tick) {
        while (!(task.exit = reports::try_wait(child.pid))) {
            tick();
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    } else {
        task.exit = reports::wait_for(child.pid);
    }
    collect(task);
}

namespace {

int sweep_command(const SweepArgs& a) {
    SweepPlan plan = plan_sweep_or_fail(a);
    const std::vector<Task>& tasks = plan.tasks;
    const std::vector<sim::SweepPoint>& points = plan.points;
    const sim::SeedRange seeds = plan.seeds;
    const unsigned jobs = a.jobs > 0 ? a.jobs : std::max(1u, std::thread::hardware_concurrency());
    if (!a.quiet) {
        std::cerr << "sweep: " << points.size() << " point(s) x " << seeds.count()
                  << " seed(s) = " << tasks.size() << " runs, " << jobs << " at a time\n";
    }
    const auto start = std::chrono::steady_clock::now();
    SweepProgress progress(tasks.size(), a.quiet);
    run_all(plan.tasks, jobs, progress);
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return write_sweep_outputs(plan, plan.tasks, a.no_plots, wall);
}

}  // namespace

int write_sweep_outputs(const SweepPlan& plan, const std::vector<Task>& tasks, bool no_plots,
                        double wall, bool incomplete, bool keep_unchanged) {
    const std::string& name = plan.name;
    const std::string& scenario = plan.scenario;
    const sim::SeedRange seeds = plan.seeds;
    const std::vector<sim::SweepParam>& params = plan.params;
    const std::vector<sim::SweepPoint>& points = plan.points;
    const std::size_t width = plan.width;
    const fs::path& out = plan.out;

    // Summaries, in (point, seed) order whatever order the runs finished in.
    json sweep = {{"scenario", name},
                  {"scenario_file", scenario},
                  {"seeds", {{"first", seeds.first}, {"last", seeds.last}}},
                  {"swept", json::array()},
                  {"runs", tasks.size()},
                  {"failed", json::array()},
                  {"points", json::array()}};
    for (const sim::SweepParam& p : params) {
        if (p.values.size() > 1) sweep["swept"].push_back(p.path);
    }
    sweep["expectation_failures"] = json::array();
    std::size_t failed = 0, expectation_failures = 0;
    for (std::size_t i = 0; i < points.size(); ++i) {
        json point_params = json::object();
        for (const auto& [path, value] : points[i].params)
            point_params[path] = value;
        std::vector<json> reports;
        std::size_t point_failed = 0;
        for (const Task& t : tasks) {
            if (t.point != i) continue;
            if (!t.error.empty()) {
                ++point_failed;
                sweep["failed"].push_back({{"point", i},
                                           {"folder", points[i].folder_name(i, width)},
                                           {"params", point_params},
                                           {"seed", t.seed},
                                           {"error", t.error},
                                           {"command", reports::shell_command(t.argv)},
                                           {"log", (t.folder / "run.log").string()}});
                continue;
            }
            if (!t.failed_expectations.empty()) {
                ++expectation_failures;
                sweep["expectation_failures"].push_back(
                    {{"point", i},
                     {"folder", points[i].folder_name(i, width)},
                     {"params", point_params},
                     {"seed", t.seed},
                     {"expectations", t.failed_expectations},
                     {"command", rerun_command(t)}});
            }
            reports.push_back(t.report);
        }
        failed += point_failed;
        sweep["points"].push_back(
            {{"params", point_params},
             {"folder", points[i].folder_name(i, width)},
             {"runs", reports.size()},
             {"failed", point_failed},
             {"stats", reports.empty() ? json::object() : reports::point_stats(reports)}});
    }
    if (incomplete) sweep["incomplete"] = true;
    // Both files are written whatever the first one returns.
    const bool json_changed = write_file(out / "sweep.json", sweep.dump(2) + "\n", keep_unchanged);
    const bool csv_changed = write_file(out / "sweep.csv", reports::sweep_csv(sweep), keep_unchanged);
    const bool changed = json_changed || csv_changed;
    const bool redraw = changed || !keep_unchanged || !has_sweep_plots(out);
    if (!no_plots && !sweep["swept"].empty() && redraw) {
        reports::PlotResult plots = reports::render_plots(out.string(), reports::PlotKind::kSweep);
        if (plots.status != reports::PlotStatus::kDone) {
            std::cerr << "chainsim: " << plots.message << "\n";
        }
    }
    std::printf(
        "sweep: %zu runs (%zu point(s) x %llu seed(s)) in %.1f s: %zu ok, %zu failed, "
        "%zu with a failed expectation\n",
        tasks.size(), points.size(), static_cast<unsigned long long>(seeds.count()), wall,
        tasks.size() - failed, failed, expectation_failures);
    std::printf("sweep: %s/sweep.json, sweep.csv\n", out.string().c_str());
    // Each run with an unmet expectation, in (point, seed) order whatever --jobs was.
    std::fflush(stdout);
    for (const json& f : sweep["expectation_failures"]) {
        std::string params;
        for (const auto& [path, value] : f["params"].items())
            params += (params.empty() ? "" : ", ") + path + "=" + value.get<std::string>();
        std::cerr << "chainsim: expectation failed: " << f["folder"].get<std::string>() << " seed "
                  << f["seed"].get<std::uint64_t>() << (params.empty() ? "" : " (" + params + ")")
                  << ":\n";
        for (const json& e : f["expectations"])
            std::cerr << "  " << e.get<std::string>() << "\n";
        std::cerr << "  rerun: " << f["command"].get<std::string>() << "\n";
    }
    if (failed > 0) return kExitInternal;
    return expectation_failures > 0 ? kExitExpectation : 0;
}

void add_sweep_commands(CLI::App& app, int& exit_code) {
    auto args = std::make_shared<SweepArgs>();
    auto* sweep = app.add_subcommand("sweep", "Run a scenario over seeds and parameter values");
    // SCENARIO, --seeds and --out are required unless --run-task or --collect is given
    // (check_sweep_mode).
    sweep->add_option("SCENARIO", args->scenario, "scenario YAML file");
    sweep->add_option("--seeds", args->seeds, "seed range A..B (inclusive)");
    sweep
        ->add_option("--set", args->sets,
                     "path=v1,v2,...: values to sweep (repeatable; the product is run)")
        ->allow_extra_args(false);  // one value per --set, so SCENARIO may follow
    sweep->add_option("--jobs", args->jobs, "runs at a time, 1 or more (default: one per core)")
        ->check(CLI::Validator(
            [](std::string& text) -> std::string {
                // CLI11's PositiveNumber names a range up to DBL_MAX; say what is meant.
                const bool digits = !text.empty() && text.size() <= 6 &&
                                    text.find_first_not_of("0123456789") == std::string::npos;
                if (digits && std::stoul(text) >= 1) return "";
                return "must be a whole number of runs at a time, 1 or more (got '" + text +
                       "'); leave it out for one per core";
            },
            "JOBS>=1"));
    sweep->add_option("--out", args->out, "output folder");
    sweep->add_flag("--no-plots", args->no_plots, "skip the sweep plots");
    sweep->add_flag("--quiet", args->quiet, "no progress lines");
    add_cluster_options(*sweep, *args);
    sweep->callback([args, &exit_code] {
        const SweepArgs& a = *args;
        check_sweep_mode(a);
        if (!a.run_task.empty()) {
            exit_code = sweep_run_task(a.run_task[0], a.run_task[1]);
        } else if (!a.collect.empty()) {
            exit_code = sweep_collect(a.collect, a);
        } else if (!a.plan.empty()) {
            exit_code = sweep_plan_slurm(a);
        } else if (a.mpi) {
            exit_code = sweep_mpi(a);
        } else {
            exit_code = sweep_command(a);
        }
    });
}

}  // namespace cli

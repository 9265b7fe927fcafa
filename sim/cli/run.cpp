// chainsim run SCENARIO [--seed N] [--out DIR] [--set path=value]... [--no-plots]
//              [--check-determinism] [--no-shared-validation] [--quiet]
//              [--max-events N] [--max-wall DURATION] [--huge-pages auto|on|off]
// chainsim validate SCENARIO
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "reports/output.h"
#include "sim/cli/cli.h"
#include "sim/world/estimate.h"
#include "sim/world/runner.h"
#include "sim/scenario/scenario.h"
#include "sim/scenario/units.h"

namespace cli {
namespace {

struct RunArgs {
    std::string scenario;
    std::optional<std::string> seed;
    std::string out;
    std::vector<std::string> sets;
    bool no_plots = false;
    bool check_determinism = false;
    bool no_shared_validation = false;
    bool quiet = false;
    std::uint64_t max_events = 0;
    std::string max_wall;
    std::string huge_pages = "auto";
};

// The machine's memory in bytes (0 if unknown), for the work estimate.
double physical_memory() {
    const long pages = ::sysconf(_SC_PHYS_PAGES);
    const long page = ::sysconf(_SC_PAGE_SIZE);
    return pages > 0 && page > 0 ? static_cast<double>(pages) * static_cast<double>(page) : 0;
}

// Refuses (exit 2) a scenario estimated not to finish or not to fit on this machine, and
// warns about one that takes long (docs/reliability.md).
void check_work(const sim::Scenario& scenario, const std::string& path) {
    const sim::WorkVerdict verdict =
        sim::judge_work(sim::estimate_work(scenario), physical_memory());
    for (const std::string& w : verdict.warnings)
        std::cerr << "chainsim: warning: " << path << ": " << w << "\n";
    if (verdict.errors.empty()) return;
    std::string message = "scenario " + path + " is too big to run:";
    for (const std::string& e : verdict.errors)
        message += "\n  " + e;
    bad_input(message);
}

// Progress on stderr when it is a terminal: sim time, events/s and ETA, one line redrawn.
class Progress {
  public:
    explicit Progress(bool enabled) : enabled_(enabled), start_(Clock::now()), last_(start_) {}

    void operator()(core::Nanos now, core::Nanos end, std::uint64_t events) {
        if (!enabled_) return;
        const auto t = Clock::now();
        if (t - last_ < std::chrono::milliseconds(500)) return;
        last_ = t;
        const double wall = std::chrono::duration<double>(t - start_).count();
        if (wall < 2.0) return;  // short runs stay quiet
        shown_ = true;
        std::string line = "\rsim " + sim::format_duration(now);
        if (end > 0) {
            const double fraction = static_cast<double>(now) / static_cast<double>(end);
            char buf[96];
            std::snprintf(buf, sizeof buf, " / %s (%.0f%%), ETA %.0fs",
                          sim::format_duration(end).c_str(), 100 * fraction,
                          fraction > 0 ? wall * (1 - fraction) / fraction : 0.0);
            line += buf;
        }
        char rate[64];
        std::snprintf(rate, sizeof rate, ", %.0f events/s   ", static_cast<double>(events) / wall);
        std::cerr << line << rate << std::flush;
    }
    void finish() {
        if (shown_) std::cerr << "\r" << std::string(79, ' ') << "\r" << std::flush;
    }

  private:
    using Clock = std::chrono::steady_clock;
    bool enabled_;
    bool shown_ = false;
    Clock::time_point start_;
    Clock::time_point last_;
};

int run_command(const RunArgs& args) {
    // --seed goes in as an override so the scenario as run (effective_yaml) shows it.
    std::vector<std::string> sets = args.sets;
    if (args.seed) sets.push_back("seed=" + std::to_string(parse_seed_flag("--seed", *args.seed)));
    sim::Scenario scenario = load_scenario_or_fail(args.scenario, sets);
    // Before anything is printed: it may restart the process, which reads the scenario again,
    // so not when that is a pipe (`run <(generate)`) whose text is gone once read.
    std::error_code ec;
    if (std::filesystem::is_regular_file(args.scenario, ec))
        use_huge_pages(args.huge_pages, scenario.network.nodes);
    check_work(scenario, args.scenario);
    sim::RunConfig config;
    config.max_events = args.max_events;
    if (!args.max_wall.empty()) {
        const auto d = sim::parse_duration(args.max_wall);
        if (!d.ok() || d.value <= 0) {
            bad_input("--max-wall: " + (d.ok() ? std::string("must be positive") : d.error));
        }
        config.max_wall_seconds = core::to_seconds(d.value);
    }
    config.seed = scenario.seed;
    config.shared_validation = !args.no_shared_validation;
    config.check_determinism = args.check_determinism;
    auto progress = std::make_shared<Progress>(!args.quiet && ::isatty(STDERR_FILENO) == 1);
    config.progress = [progress](core::Nanos now, core::Nanos end, std::uint64_t events) {
        (*progress)(now, end, events);
    };

    sim::Expected<sim::RunOutcome> outcome = sim::run_scenario(scenario, config);
    progress->finish();
    if (!outcome) scenario_build_error(args.scenario, sets, outcome.error());
    for (const auto& w : outcome->warnings)
        std::cerr << "chainsim: warning: " << w << "\n";

    outcome->report["huge_pages"] = huge_pages_active();
    const std::string out =
        args.out.empty() ? "runs/" + scenario.name + "-" + std::to_string(config.seed) : args.out;
    reports::SeriesOptions series;
    series.workload = scenario.workload.has_value();
    series.confirmations = scenario.report.confirmations;
    const std::string error = reports::write_run_directory(
        out, outcome->report, outcome->world->recorder(), scenario.effective_yaml, series);
    if (!error.empty()) throw Exit(kExitBadInput, error);
    // Plots and HTML only read what was just written: they cannot change the report.
    const reports::RenderResult render = reports::render_run_directory(out, !args.no_plots);
    if (!render.error.empty()) throw Exit(kExitInternal, render.error);
    const bool plots_failed = !args.no_plots && render.plots.status != reports::PlotStatus::kDone;
    if (plots_failed) std::cerr << "chainsim: " << render.plots.message << "\n";

    if (!args.quiet) {
        std::cout << sim::summarize(outcome->report);
        std::cout << "report: " << out << "/report.html (report.json, CSV series"
                  << (args.no_plots || plots_failed ? "" : ", plots") << ")\n";
    }
    if (outcome->divergence) {
        if (!outcome->divergence->empty()) {
            throw Exit(kExitInternal, "determinism check failed: " + *outcome->divergence);
        }
        std::cout << "determinism: two runs gave identical traces ("
                  << outcome->report["trace_events"].get<std::uint64_t>() << " events)\n";
    }
    if (outcome->expectations_passed) return 0;
    // Named on stderr too, so that a --quiet run says why it exits 1.
    for (const auto& e : outcome->report["expectations"]) {
        if (e["passed"].get<bool>()) continue;
        std::cerr << "chainsim: expectation failed: " << e["name"].get<std::string>() << " ("
                  << e["detail"].get<std::string>() << ")\n";
    }
    return kExitExpectation;
}

}  // namespace

void add_run_commands(CLI::App& app, int& exit_code) {
    auto args = std::make_shared<RunArgs>();
    auto* run = app.add_subcommand("run", "Run a scenario and write its report");
    run->add_option("SCENARIO", args->scenario, "scenario YAML file")->required();
    run->add_option("--seed", args->seed, "master seed, 0 to 2^64-1 (default: the scenario's)");
    run->add_option("--out", args->out, "output folder (default runs/<scenario>-<seed>)");
    run->add_option("--set", args->sets, "override a scenario value: path=value (repeatable)")
        ->allow_extra_args(false);  // one value per --set, so SCENARIO may follow
    run->add_flag("--no-plots", args->no_plots, "skip the matplotlib plots");
    run->add_flag("--check-determinism", args->check_determinism,
                  "run twice and report the first diverging event, if any");
    run->add_flag("--no-shared-validation", args->no_shared_validation,
                  "every node checks every signature and block itself (same digest)");
    run->add_flag("--quiet", args->quiet,
                  "no progress, no summary and no report line (errors and failed expectations "
                  "still go to stderr)");
    run->add_option("--max-events", args->max_events,
                    "stop with an error after this many scheduler events (default: no limit)");
    run->add_option("--max-wall", args->max_wall,
                    "stop with an error after this much wall time, e.g. 10m (default: no limit)");
    run->add_option("--huge-pages", args->huge_pages,
                    "back the heap with transparent huge pages: auto (from " +
                        std::to_string(kHugePageNodes) + " nodes), on or off (default auto)")
        ->check(CLI::IsMember({"auto", "on", "off"}));
    run->callback([args, &exit_code] { exit_code = run_command(*args); });

    auto path = std::make_shared<std::string>();
    auto sets = std::make_shared<std::vector<std::string>>();
    auto* validate = app.add_subcommand("validate", "Check a scenario file without running it");
    validate->add_option("SCENARIO", *path, "scenario YAML file")->required();
    validate->add_option("--set", *sets, "override a scenario value: path=value (repeatable)")
        ->allow_extra_args(false);  // one value per --set, so SCENARIO may follow
    validate->callback([path, sets] {
        sim::Scenario scenario = load_scenario_or_fail(*path, *sets);
        check_work(scenario, *path);
        // Building the world checks what the file alone cannot (e.g. a graph that cannot
        // be drawn with these parameters).
        sim::RunOptions options;
        options.seed = scenario.seed;
        auto world = sim::World::create(scenario, options);
        if (!world) scenario_build_error(*path, *sets, world.error());
        for (const std::string& w : (*world)->warnings())
            std::cerr << "chainsim: warning: " << w << "\n";
        std::cout << *path << ": valid (" << scenario.network.nodes << " nodes, "
                  << scenario.events.size() << " events, " << scenario.expectations.size()
                  << " expectations)\n";
    });
}

}  // namespace cli

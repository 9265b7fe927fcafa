// chainsim swarm --seeds A..B [--jobs N] [--out DIR] [--verbose]
//
// Per seed a generated scenario, run with the invariants checked (sim/world/swarm.h); a
// failing seed's scenario is saved as DIR/seed-N.yaml with the commands that reproduce it.
// Exit 0 when every seed passed, 1 when any failed, 2 on bad arguments.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <thread>

#include "sim/cli/cli.h"
#include "sim/scenario/sweep_plan.h"
#include "sim/world/swarm.h"

namespace cli {
namespace {

namespace fs = std::filesystem;

struct SwarmArgs {
    std::string seeds;
    unsigned jobs = 0;
    std::string out = "runs/swarm";
    bool verbose = false;
    std::string inject;  // hidden: a fault the checks must catch (tests of the swarm itself)
};

// --inject-fault KIND: breaks one thing on purpose, so that a test can see the swarm catch
// it and report it as it would a real failure.
sim::SwarmHooks fault_hooks(const std::string& kind) {
    sim::SwarmHooks hooks;
    if (kind.empty()) return hooks;
    if (kind == "supply") {
        // One coin more on node 0's first account, as a ledger bug would make it.
        hooks.corrupt_state = [](int node, core::Nanos, core::LedgerState& state) {
            if (node != 0 || state.size() == 0) return;
            auto accounts = state.sorted_accounts();
            core::Account account = accounts.front().second;
            ++account.balance;
            state.set(accounts.front().first, account);
        };
    } else if (kind == "rerun") {
        hooks.edit_rerun = [](sim::RunOptions& options) { ++options.seed; };
    } else if (kind == "down") {
        // Node 0 crashes just after the final heal and never comes back.
        hooks.edit_scenario = [](sim::Scenario& scenario) {
            sim::EventSpec crash;
            crash.at = scenario.events.back().at + core::kMillisecond;
            crash.kind = sim::EventKind::kCrash;
            crash.nodes = {0};
            scenario.events.push_back(crash);
        };
    } else {
        bad_input("--inject-fault: expected supply, rerun or down, got '" + kind + "'");
    }
    return hooks;
}

std::string seconds(double s, const char* format = "%.1fs") {
    char buf[32];
    std::snprintf(buf, sizeof buf, format, s);
    return buf;
}

// Saves the failing seed's scenario and says how to reproduce it.
std::string report_failure(const sim::SwarmResult& r, const std::string& out) {
    std::string text = "FAIL seed " + std::to_string(r.seed) + " (" +
                       std::to_string(r.generated.nodes) + " nodes, " +
                       r.generated.features.topology + ", latency " + r.generated.features.latency +
                       "):\n";
    for (const std::string& f : r.failures)
        text += "  " + f + "\n";
    const fs::path file = fs::path(out) / ("seed-" + std::to_string(r.seed) + ".yaml");
    std::error_code ec;
    fs::create_directories(file.parent_path(), ec);
    std::ofstream yaml(file);
    yaml << r.generated.yaml;
    yaml.close();
    if (!yaml) {
        text += "  (could not write " + file.string() + ")\n";
    } else {
        text += "  scenario:  " + file.string() + "\n";
    }
    text += "  reproduce: chainsim swarm --seeds " + std::to_string(r.seed) + ".." +
            std::to_string(r.seed) + "\n";
    text += "  run alone: chainsim run " + file.string() + " --check-determinism (digest " +
            r.digest + ")\n";
    return text;
}

int swarm_command(const SwarmArgs& args) {
    const sim::Expected<sim::SeedRange> range = sim::parse_seed_range(args.seeds);
    if (!range) bad_input(range.error());
    if (range->last - range->first >= 1'000'000'000) {
        bad_input("--seeds: at most 1000000000 seeds at a time, got \"" + args.seeds + "\"");
    }
    const sim::SwarmHooks hooks = fault_hooks(args.inject);
    const unsigned jobs =
        args.jobs > 0 ? args.jobs : std::max(1u, std::thread::hardware_concurrency());

    const auto start = std::chrono::steady_clock::now();
    std::atomic<std::uint64_t> next{0};
    std::atomic<std::uint64_t> failed{0};
    std::mutex print;
    auto work = [&] {
        for (std::uint64_t i = next++; i < range->count(); i = next++) {
            const std::uint64_t seed = range->first + i;
            const auto t0 = std::chrono::steady_clock::now();
            sim::SwarmResult result;
            try {
                result = sim::run_swarm_seed(seed, hooks);
            } catch (const std::exception& e) {
                result.seed = seed;
                result.generated = sim::generate_swarm_scenario(seed);
                result.failures.push_back(std::string("internal error: ") + e.what());
            }
            const double wall =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            std::string text;
            if (!result.passed()) {
                ++failed;
                text = report_failure(result, args.out);
            } else if (args.verbose) {
                text = "ok   seed " + std::to_string(seed) + " (" +
                       std::to_string(result.generated.nodes) + " nodes, " +
                       result.generated.features.topology + ", height " +
                       std::to_string(result.height) + ", converged " +
                       seconds(core::to_seconds(*result.converged_after), "%.3fs") +
                       " after the heal, " + seconds(wall) + ")\n";
            }
            if (!text.empty()) {
                std::lock_guard<std::mutex> lock(print);
                std::cout << text << std::flush;
            }
        }
    };
    std::vector<std::thread> threads;
    const unsigned threads_needed =
        static_cast<unsigned>(std::min<std::uint64_t>(jobs, range->count()));
    for (unsigned j = 0; j < threads_needed; ++j)
        threads.emplace_back(work);
    for (auto& t : threads)
        t.join();
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::cout << "swarm: " << range->count() << (range->count() == 1 ? " seed" : " seeds")
              << " run (" << range->first << ".." << range->last << ", " << jobs << " jobs), "
              << range->count() - failed << " passed, " << failed << " failed, wall "
              << seconds(wall) << "\n";
    return failed > 0 ? kExitExpectation : 0;
}

}  // namespace

void add_swarm_commands(CLI::App& app, int& exit_code) {
    auto args = std::make_shared<SwarmArgs>();
    auto* swarm = app.add_subcommand(
        "swarm", "Run a generated random scenario per seed and check the invariants");
    swarm->add_option("--seeds", args->seeds, "seed range A..B (inclusive), or one seed")
        ->required();
    swarm->add_option("--jobs", args->jobs, "seeds at a time, 1 or more (default: one per core)")
        ->check(CLI::Validator(
            [](std::string& text) -> std::string {
                const bool digits = !text.empty() && text.size() <= 4 &&
                                    text.find_first_not_of("0123456789") == std::string::npos;
                if (digits && std::stoul(text) >= 1) return "";
                return "must be a whole number of seeds at a time, 1 to 9999 (got '" + text +
                       "'); leave it out for one per core";
            },
            "JOBS>=1"));
    swarm->add_option("--out", args->out,
                      "folder for the scenarios of failing seeds (default runs/swarm)");
    swarm->add_flag("--verbose", args->verbose, "a line for every seed, not only failures");
    swarm->add_option("--inject-fault", args->inject, "test the swarm: supply | rerun | down")
        ->group("");  // hidden: for the swarm's own tests
    swarm->callback([args, &exit_code] { exit_code = swarm_command(*args); });
}

}  // namespace cli

// sim::run_scenario: one whole run — build the world, run it (twice with the determinism
// check), measure, evaluate the expectations — and the summary printed after it.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "sim/scenario/scenario.h"
#include "sim/engine/status.h"
#include "sim/world/world.h"

namespace sim {

struct RunConfig {
    std::uint64_t seed = 1;
    bool shared_validation = true;
    bool check_determinism = false;  // run twice and compare every trace record
    // See RunOptions::progress; called for the first run only.
    std::function<void(core::Nanos, core::Nanos, std::uint64_t)> progress;
    // Budgets (0: none): the run stops with an error past this many scheduler events or
    // this many seconds of wall time (`run --max-events`, `--max-wall`).
    std::uint64_t max_events = 0;
    double max_wall_seconds = 0;
};

struct RunOutcome {
    std::unique_ptr<World> world;  // keeps the recorder alive for CSVs and plots
    nlohmann::json report;         // report.json, expectations included
    bool expectations_passed = true;
    std::vector<std::string> warnings;
    // With check_determinism: empty when both runs matched, else the first difference.
    std::optional<std::string> divergence;
};

// Errors: the world could not be built from the scenario (bad input), or the run went
// over a budget (saying where it stopped).
Expected<RunOutcome> run_scenario(const Scenario& scenario, const RunConfig& config);

// A few human lines: blocks, forks, reorgs, propagation, convergence, transactions,
// expectations, the digest.
std::string summarize(const nlohmann::json& report);

}  // namespace sim

// The `expect:` checks of a scenario, evaluated against a finished run's report.
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "sim/scenario/spec.h"

namespace sim {

// One {name, passed, detail} object per expectation, in scenario order. `report` is the
// object reports::build_report made.
//  converged_within X: every heal/restore/restart converged within X (vacuous if none).
//  max_reorg_depth N:  reorgs.max_depth <= N.
//  stale_rate_below R: blocks.stale_rate < R.
nlohmann::json evaluate_expectations(const std::vector<ExpectationSpec>& expectations,
                                     const nlohmann::json& report);

bool all_passed(const nlohmann::json& expectations);

}  // namespace sim

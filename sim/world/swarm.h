// sim::run_swarm_seed: one seed of `chainsim swarm` (docs/reliability.md, "Swarm testing").
// Generates the seed's scenario (sim/scenario/swarm_scenario.h), runs it with the invariants
// checked at every tip change of every node, checks the end state, and runs it once more to
// compare trace digests.
//
// Checked continuously (at every tip change): the node's chain tip is the one announced; no
// transaction is confirmed twice on its active chain; no balance below zero and the supply
// is exactly genesis + height * reward. After the final heal: the first moment every node is up
// on one tip (within the scenario's bound), where every node's ledger must be identical. At the
// end: every node up; every distinct tip's chain re-validated from genesis on a fresh chain
// and its ledger equal to the node's; the supply and uniqueness checks again; no block ever
// rejected (every miner is honest); every transaction the workload sent bad was rejected;
// the run was not stopped; and a second run gives the same trace digest (for every fourth
// seed, seed % 4 == 1, without shared validation, which must not change it either).
//
// Thread safety: a call touches no shared state, so seeds may run on parallel threads.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/ledger.h"
#include "core/time.h"
#include "sim/scenario/scenario.h"
#include "sim/scenario/swarm_scenario.h"
#include "sim/world/world.h"

namespace sim {

// Fault injection for tests: a check that is never seen failing proves nothing.
struct SwarmHooks {
    // Edits the scenario after it was read and before both runs.
    std::function<void(Scenario&)> edit_scenario;
    // Edits a copy of a node's ledger before the continuous checks look at it: (node, sim
    // time, state).
    std::function<void(int, core::Nanos, core::LedgerState&)> corrupt_state;
    // Edits the second run's options (the digest comparison).
    std::function<void(RunOptions&)> edit_rerun;
};

struct SwarmResult {
    std::uint64_t seed = 0;
    SwarmScenario generated;
    std::vector<std::string> failures;           // empty: every check held; at most a few per check
    std::string digest;                          // of the first run
    std::uint64_t height = 0;                    // of the first node's tip at the end
    std::uint64_t tip_changes = 0;               // checked during the run
    std::optional<core::Nanos> converged_after;  // from the final heal to one tip on every node

    bool passed() const { return failures.empty(); }
};

SwarmResult run_swarm_seed(std::uint64_t seed, const SwarmHooks& hooks = {});

}  // namespace sim

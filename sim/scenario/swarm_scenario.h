// sim::generate_swarm_scenario: one small random scenario per seed, for `chainsim swarm`
// (docs/reliability.md, "Swarm testing"): a few nodes on a random topology and latency model,
// uneven hashrates, a workload with invalid transactions, and a fault phase of partitions,
// link cuts, crashes and restarts, latency spikes and hashrate shifts. At `heal_at` every fault
// is undone (heal, restore every cut link, restart every crashed node, the original latency and
// hashrates back); the run then goes on for `convergence_bound`.
//
// Contract:
//   - A pure function of the seed: draws come from the "swarm" stream of the seed (our own
//     distributions, never std::'s). The scenario's own `seed:` is the same seed, so the world
//     draws its streams ("topology", "latency", ...) from it; cut links are chosen among the
//     links build_topology draws for that seed, so every cut names a link of the graph.
//   - `yaml` is a complete scenario file: parse_scenario_text accepts it, and `chainsim run` on
//     it runs exactly what the swarm ran. The graph is always connected.
//   - Small on purpose: 2..12 nodes and a few dozen blocks, so a seed runs in well under a
//     second.
#pragma once

#include <cstdint>
#include <string>

#include "core/time.h"

namespace sim {

// What a generated scenario exercises, for the generator's coverage test and for messages.
struct SwarmFeatures {
    std::string topology;        // its kind's YAML name ("random-regular", ...)
    std::string latency;         // the distribution's name, or "regions"
    bool uneven_shares = false;  // mining entries with different hashrates per node
    bool invalid_txs = false;    // workload with invalid_fraction > 0
    int partitions = 0;          // partition events in the fault phase
    int cuts = 0;                // cut events in the fault phase
    int crashes = 0;             // crash events (a restart may follow in the fault phase)
    int restarts = 0;            // restart events in the fault phase
    int latency_spikes = 0;      // latency spikes in the fault phase (an end is one more event)
    int hashrate_shifts = 0;     // hashrate events in the fault phase
};

struct SwarmScenario {
    std::uint64_t seed = 0;
    std::string yaml;  // the scenario file
    int nodes = 0;
    core::Nanos heal_at = 0;            // the final heal: every fault undone at this time
    core::Nanos convergence_bound = 0;  // the run goes on this long after heal_at
    SwarmFeatures features;
};

SwarmScenario generate_swarm_scenario(std::uint64_t seed);

}  // namespace sim

// What a scenario will cost before it runs (issue 12): scheduler events, blocks, links,
// transactions, proof-of-work hashes, peak memory, and the wall time they add up to on
// this build, so that `validate` and `run` refuse what cannot finish and warn about what
// takes long, naming the field that drives the cost (docs/reliability.md).
//
// The figures are orders of magnitude from a simple model (every block and transaction
// crosses every link a few times; rates measured on the shipped scenarios), not promises.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/scenario/scenario.h"

namespace sim {

struct WorkEstimate {
    double blocks = 0;        // expected blocks mined
    double links = 0;         // undirected links of the topology
    double transactions = 0;  // user transactions sent
    double samples = 0;       // tip-agreement samples
    double events = 0;        // scheduler events
    double hashes = 0;        // proof-of-work hashes (genesis, then every block)
    double memory_bytes = 0;  // peak, roughly
    double wall_seconds = 0;  // events and hashes at the rates below
    double block_seconds = 0; // one block's nonce search (genesis is mined before anything)
    // The field whose term dominates the wall time, and the one that dominates memory.
    std::string time_field;
    std::string memory_field;
};

// Rates of this build, measured (docs/reliability.md): scheduler events per second on
// the shipped scenarios and double-SHA-256 nonce tries per second.
inline constexpr double kEventsPerSecond = 2e6;
inline constexpr double kHashesPerSecond = 5e6;

WorkEstimate estimate_work(const Scenario& scenario);

struct WorkVerdict {
    std::vector<std::string> errors;    // cannot finish: refuse
    std::vector<std::string> warnings;  // will take long: say so
};

// Refuses a run estimated beyond `max_wall_seconds` or `memory_bytes` (the machine's
// memory; 0: no memory check), or one whose every block takes over kMaxBlockSeconds to
// mine; warns beyond `warn_wall_seconds` or half the memory.
inline constexpr double kMaxBlockSeconds = 60;
WorkVerdict judge_work(const WorkEstimate& estimate, double memory_bytes,
                       double max_wall_seconds = 24 * 3600.0, double warn_wall_seconds = 600.0);

}  // namespace sim

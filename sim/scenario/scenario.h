// A scenario: what a run simulates, read from a YAML file (docs/scenarios.md, schema v1).
//
// Contract: load_scenario never throws and never returns a half-valid Scenario. Either
// `scenario` holds a fully validated Scenario with every default filled in, or `errors`
// holds one line per problem, each naming where and what:
//     scenarios/x.yaml:12:5: network.latency.median: expected a duration such as 80ms, got "eighty"
//     --set network.latncy.median=2s: network.latncy: unknown key 'latncy' in network; ...
// Fields are named by dotted paths, list entries by 0-based index (`mining.1.share`), the
// same syntax --set takes. Errors are sorted by line.
//
// Thread safety: loading touches no shared state; sweeps may load in parallel.
//
// Plain data: these structs hold no resources and know nothing of the engine; the runner
// maps them onto topology, latency, miners and faults. Node sets are already expanded to
// sorted, unique node indices in 0..network.nodes-1 (sim/scenario/nodeset.h formats them back).
// Durations are core::Nanos, sizes bytes, bandwidths bits per second, rates per second.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/time.h"
#include "sim/scenario/spec.h"

namespace sim {

struct Scenario {
    std::string name;          // required; letters, digits, '-', '_', '.' (names run folders)
    std::string description;   // free text; default empty
    std::uint64_t seed = 1;    // master seed; `--seed N` is best passed as override "seed=N"
    core::Nanos duration = 0;  // `duration: 3h`; exactly one of duration and until_height is > 0
    std::uint64_t until_height = 0;             // `until: {height: N}`: stop at height N; no
                                                // time bound on events
    ConsensusSpec consensus;                    // `consensus:`; all defaults when absent
    NetworkSpec network;                        // `network:`; required (for nodes)
    std::vector<MinerSpec> mining;              // never empty once loaded, see mining_defaulted
    bool mining_defaulted = false;              // no `mining:`: one honest entry, every node,
                                                // share 1 (equal hashrate per node)
    std::optional<WorkloadSpec> workload;       // absent: no user transactions
    std::vector<EventSpec> events;              // sorted by `at`; equal times keep file order
    std::vector<ExpectationSpec> expectations;  // `expect:`, in file order
    ReportSpec report;                          // `report:`; all defaults when absent
    std::string source_path;     // the file as named on the command line (or display name)
    std::string effective_yaml;  // the document as run, after --set, re-emitted by yaml-cpp
};

// The outcome of loading: a Scenario, or the errors that prevent one.
struct ScenarioLoad {
    std::optional<Scenario> scenario;  // set iff errors is empty
    std::vector<std::string> errors;   // one complete message per entry, no trailing newline

    bool ok() const { return errors.empty(); }
    // All errors, one per line, each ending in '\n'; ready for stderr.
    std::string error_text() const;
};

// Reads `path` and parses it with parse_scenario_text, naming the file as `path` in errors.
// `overrides` are --set arguments, each "dotted.path=value" (see parse_scenario_text).
[[nodiscard]] ScenarioLoad load_scenario(const std::string& path,
                                         const std::vector<std::string>& overrides = {});

// Parses scenario YAML held in memory; `display_name` stands for the file in messages.
// Each override "a.b.2.c=value" is applied to the document before validation: the value
// is parsed as YAML (a scalar, or a flow collection such as {dist: constant, value: 2s})
// and replaces or creates the node at that path. Missing maps along the path are created
// (a misspelt key then fails validation as an unknown key, naming the override); numeric
// components index existing list entries. An empty value (`until=`) removes a setting,
// since an empty value counts as absent everywhere.
[[nodiscard]] ScenarioLoad parse_scenario_text(const std::string& text,
                                               const std::string& display_name,
                                               const std::vector<std::string>& overrides = {});

// Where the field at dotted `field_path` (e.g. "mining.1.strategy") was written, for
// messages about a loaded scenario: "--set TEXT" when one of `overrides` set it or a map on
// the way to it (the last such wins, as when applied), else "FILE:LINE:COL" from the
// scenario file at `path`, else just `path`. Never throws.
[[nodiscard]] std::string field_place(const std::string& path,
                                      const std::vector<std::string>& overrides,
                                      const std::string& field_path);

}  // namespace sim

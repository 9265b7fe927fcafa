// The plan of a sweep (docs/design.md §11: `chainsim sweep SCENARIO --seeds A..B --set
// path=v1,v2,...`): the cartesian product of every --set's values, each run once per seed.
//
// Contract: parsing never throws; bad arguments come back as an Error naming the argument
// and what was expected. Points are ordered like nested loops over the --set arguments in
// the order given, the first varying slowest.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/engine/status.h"

namespace sim {

struct SeedRange {
    std::uint64_t first = 1;  // inclusive
    std::uint64_t last = 1;   // inclusive; first <= last
    std::uint64_t count() const { return last - first + 1; }
};

// "1..50" (inclusive) or a single seed "7".
Expected<SeedRange> parse_seed_range(std::string_view text);

// "path=v1,v2,..." -> the path and its values. Values are split at commas outside quotes,
// brackets and braces, so flow YAML ({dist: constant, value: 2s}) and quoted node sets
// ("0-9,20") stay whole. Every value must be non-empty.
struct SweepParam {
    std::string path;
    std::vector<std::string> values;
};
Expected<SweepParam> parse_sweep_set(std::string_view argument);

// One combination of parameter values: (path, value) in --set order.
struct SweepPoint {
    std::vector<std::pair<std::string, std::string>> params;

    // The --set arguments of this point: "path=value".
    std::vector<std::string> overrides() const;
    // A short folder name: "p<index>-<key>-<value>...", index zero-padded to `width` digits,
    // each param as the last key of its path and the scalars of its value (map keys left
    // out), anything but letters, digits and '.' as '-', at most 80 characters:
    // network.latency={dist: constant, value: 250ms} -> "p0-latency-constant-250ms".
    // "p<index>-base" without params. Unique by the index; sweep.json maps it to params.
    std::string folder_name(std::size_t index, std::size_t width) const;
};

// Every point of the cartesian product. An error if a path is given twice.
Expected<std::vector<SweepPoint>> plan_sweep(const std::vector<SweepParam>& params);

}  // namespace sim

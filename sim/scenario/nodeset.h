// Node sets as scenario files write them: "3", "0-49", "0-9,20,30-39" or "all".
//
// Contract: parse_node_set is pure and never throws. Items are separated by commas (spaces
// around items are ignored); each is a node index or an inclusive range "a-b" with a <= b;
// items may overlap. "all" stands alone. Every index must be in 0..node_count-1.
// The result is sorted and free of duplicates. REQUIRES: node_count >= 1.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sim {

// The nodes of a successful parse, or an error message saying what was expected.
struct NodeSetResult {
    std::vector<int> nodes;  // sorted, unique; meaningful only when ok()
    std::string error;       // empty on success

    bool ok() const { return error.empty(); }
};

[[nodiscard]] NodeSetResult parse_node_set(std::string_view text, int node_count);

// The shortest item list for sorted unique `nodes`: {0,1,2,5} -> "0-2,5"; {} -> "".
std::string format_node_set(const std::vector<int>& nodes);

}  // namespace sim

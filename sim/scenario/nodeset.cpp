#include "sim/scenario/nodeset.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <utility>

#include "sim/scenario/units.h"

namespace sim {
namespace {

std::string expected(std::string_view text, std::string_view why = {}) {
    std::string message =
        R"(expected a node set such as "3", "0-49", "0-9,20,30-39" or "all", got )";
    message += quote_value(text);
    if (!why.empty()) {
        message += " (";
        message += why;
        message += ")";
    }
    return message;
}

std::string valid_range(int node_count) {
    std::string range = node_count == 1 ? "0" : "0-" + std::to_string(node_count - 1);
    return "this scenario has " + std::to_string(node_count) +
           (node_count == 1 ? " node: " : " nodes: ") + range;
}

// A node index: digits only. Values too large for int64 saturate so that they are reported
// as out of range rather than as junk.
bool parse_index(std::string_view text, std::int64_t& out) {
    if (text.empty()) return false;
    for (char c : text) {
        if (c < '0' || c > '9') return false;
    }
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    if (ec == std::errc::result_out_of_range) out = INT64_MAX;
    return true;
}

}  // namespace

NodeSetResult parse_node_set(std::string_view text, int node_count) {
    NodeSetResult result;
    std::string_view body = trim_blanks(text);
    if (body == "all") {
        result.nodes.reserve(static_cast<std::size_t>(node_count));
        for (int i = 0; i < node_count; ++i)
            result.nodes.push_back(i);
        return result;
    }
    if (body.empty()) {
        result.error = expected(text);
        return result;
    }
    // Ranges as written; merged at the end so the cost follows the text, not node_count.
    std::vector<std::pair<std::int64_t, std::int64_t>> ranges;
    std::size_t start = 0;
    while (start <= body.size()) {
        std::size_t comma = body.find(',', start);
        if (comma == std::string_view::npos) comma = body.size();
        std::string_view item = trim_blanks(body.substr(start, comma - start));
        start = comma + 1;

        std::int64_t first = 0, last = 0;
        bool ok = false;
        if (std::size_t dash = item.find('-'); dash == std::string_view::npos) {
            ok = parse_index(item, first);
            last = first;
        } else {
            ok = parse_index(trim_blanks(item.substr(0, dash)), first) &&
                 parse_index(trim_blanks(item.substr(dash + 1)), last);
        }
        if (!ok) {
            std::string why;
            if (item.empty()) {
                why = "an empty item";
            } else if (item == "all") {
                why = "\"all\" cannot be combined with other items";
            } else if (item != body) {
                why.append("\"").append(item).append("\" is not a node or range");
            }
            result.error = expected(text, why);
            return result;
        }
        // Built only for an error: copying the whole text for every item made a long
        // node set quadratic.
        auto context = [&] {
            return item == body ? std::string() : " in node set " + quote_value(text);
        };
        if (first > last) {
            result.error = "reversed range \"" + std::string(item) + "\"" + context() +
                           "; write \"" + std::to_string(last) + "-" + std::to_string(first) +
                           "\"";
            return result;
        }
        if (last >= node_count) {
            std::string what;
            if (first == last) {
                what.append("node ").append(item).append(context());
                what.append(" is out of range; ");
            } else {
                what.append("range \"").append(item).append("\"").append(context());
                what.append(" goes beyond the last node; ");
            }
            result.error = what + valid_range(node_count);
            return result;
        }
        ranges.emplace_back(first, last);
    }
    std::sort(ranges.begin(), ranges.end());
    std::int64_t next = 0;  // the smallest node not yet in the result
    for (auto [first, last] : ranges) {
        for (std::int64_t node = std::max(first, next); node <= last; ++node) {
            result.nodes.push_back(static_cast<int>(node));
        }
        next = std::max(next, last + 1);
    }
    return result;
}

std::string format_node_set(const std::vector<int>& nodes) {
    std::string text;
    for (std::size_t i = 0; i < nodes.size();) {
        std::size_t j = i;
        while (j + 1 < nodes.size() && nodes[j + 1] == nodes[j] + 1)
            ++j;
        if (!text.empty()) text += ',';
        text += std::to_string(nodes[i]);
        if (j > i) {
            text += '-';
            text += std::to_string(nodes[j]);
        }
        i = j + 1;
    }
    return text;
}

}  // namespace sim

#include "sim/scenario/overrides.h"

#include <cstddef>
#include <string_view>

#include "sim/scenario/units.h"

namespace sim::scenario_internal {
namespace {

struct Override {
    std::string text;                     // as given, for messages
    std::vector<std::string> components;  // the dotted path, split
    YAML::Node value;                     // parsed, without marks
};

bool is_index(std::string_view s) {
    if (s.empty() || s.size() > 9) return false;
    for (char c : s) {
        if (c < '0' || c > '9') return false;
    }
    return true;
}

// An override's value holds at most this many YAML nodes once its aliases are expanded
// (a copy expands them: "[&a [...], &b [*a, *a], ...]" doubles at each level).
constexpr std::size_t kMaxOverrideNodes = 10'000;
struct TooLarge {};

// A copy of `node` built from scratch: no marks, so places resolve to the override.
// Throws TooLarge once more than `budget` nodes have been copied.
YAML::Node unmarked_copy(const YAML::Node& node, std::size_t& budget) {
    if (budget == 0) throw TooLarge{};
    --budget;
    switch (node.Type()) {
        case YAML::NodeType::Scalar:
            return YAML::Node(node.Scalar());
        case YAML::NodeType::Sequence: {
            YAML::Node list(YAML::NodeType::Sequence);
            for (YAML::Node item : node)
                list.push_back(unmarked_copy(item, budget));
            list.SetStyle(node.Style());
            return list;
        }
        case YAML::NodeType::Map: {
            YAML::Node map(YAML::NodeType::Map);
            for (auto it = node.begin(); it != node.end(); ++it) {
                if (it->first.IsScalar()) {
                    map[it->first.Scalar()] = unmarked_copy(it->second, budget);
                } else {
                    map[unmarked_copy(it->first, budget)] = unmarked_copy(it->second, budget);
                }
            }
            map.SetStyle(node.Style());
            return map;
        }
        default:
            return YAML::Node(YAML::NodeType::Null);
    }
}

std::string path_text(const std::vector<std::string>& components, std::size_t count) {
    std::string path;
    for (std::size_t i = 0; i < count; ++i) {
        if (i > 0) path += '.';
        path += components[i];
    }
    return path;
}

// Splits and parses one argument; reports and returns false when malformed.
bool parse_override(const std::string& argument, Override& out, Diagnostics& diagnostics) {
    out.text = argument;
    auto report = [&](const std::string& message) {
        diagnostics.add(Place{0, 0, argument}, "", message);
        return false;
    };
    std::size_t equals = argument.find('=');
    if (equals == std::string::npos) {
        return report("expected path=value, e.g. --set consensus.pow_bits=8");
    }
    std::string_view path = trim_blanks(std::string_view(argument).substr(0, equals));
    if (path.empty())
        return report("the path before '=' is empty; e.g. --set consensus.pow_bits=8");
    for (std::size_t start = 0; start <= path.size();) {
        std::size_t dot = path.find('.', start);
        if (dot == std::string_view::npos) dot = path.size();
        std::string_view component = trim_blanks(path.substr(start, dot - start));
        if (component.empty()) {
            return report("empty component in path \"" + std::string(path) +
                          "\"; write keys separated by single dots, e.g. network.latency.median");
        }
        out.components.emplace_back(component);
        start = dot + 1;
    }
    try {
        std::size_t budget = kMaxOverrideNodes;
        out.value = unmarked_copy(YAML::Load(argument.substr(equals + 1)), budget);
    } catch (const YAML::Exception& e) {
        return report("the value is not valid YAML: " + e.msg);
    } catch (const TooLarge&) {
        return report("the value is too large: more than " + std::to_string(kMaxOverrideNodes) +
                      " YAML nodes once its aliases are expanded");
    }
    diagnostics.note_override(
        OverrideSite{path_text(out.components, out.components.size()), argument});
    return true;
}

// Walks to the parent of the last component, creating missing maps, and sets the value.
void apply(const Override& override, YAML::Node& document, Diagnostics& diagnostics) {
    auto report = [&](const std::string& message) {
        diagnostics.add(Place{0, 0, override.text}, "", message);
    };
    const auto& components = override.components;
    YAML::Node current = document;
    for (std::size_t i = 0; i < components.size(); ++i) {
        const std::string& key = components[i];
        std::string here = path_text(components, i);
        std::string where = here.empty() ? "the top level" : "'" + here + "'";
        bool last = i + 1 == components.size();
        if (current.IsSequence()) {
            if (!is_index(key) || std::stoul(key) >= current.size()) {
                std::string range = current.size() == 0
                                        ? "it is empty"
                                        : "entries are 0-" + std::to_string(current.size() - 1);
                return report(where + " is a list, so '" + key + "' must be an entry index (" +
                              range + ")");
            }
            std::size_t index = std::stoul(key);
            if (last) {
                current[index] = override.value;
                return;
            }
            YAML::Node next = current[index];
            current.reset(next);
            continue;
        }
        if (!current.IsMap()) {
            return report(where + " is a single value, not a map, so it has no '" + key + "'");
        }
        if (last) {
            current[key] = override.value;
            return;
        }
        YAML::Node next = current[key];
        if (!next.IsDefined() || next.IsNull()) {
            // Only maps are created, so the rest of the path must not index a list. Checked
            // before creating anything, so a rejected override leaves the document alone.
            for (std::size_t j = i + 1; j < components.size(); ++j) {
                if (!is_index(components[j])) continue;
                return report(concat("'", path_text(components, j),
                                     "' is not in the scenario, so it has no entry ",
                                     components[j]));
            }
            current[key] = YAML::Node(YAML::NodeType::Map);
            next.reset(current[key]);
        }
        current.reset(next);
    }
}

}  // namespace

void apply_overrides(const std::vector<std::string>& arguments, YAML::Node& document,
                     Diagnostics& diagnostics) {
    for (const std::string& argument : arguments) {
        Override parsed;
        if (!parse_override(argument, parsed, diagnostics)) continue;
        if (document.IsMap()) apply(parsed, document, diagnostics);
    }
}

}  // namespace sim::scenario_internal

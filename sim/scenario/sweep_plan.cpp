#include "sim/scenario/sweep_plan.h"

#include <algorithm>
#include <charconv>
#include <cstddef>

#include <yaml-cpp/yaml.h>

#include "sim/scenario/units.h"

namespace sim {
namespace {

bool parse_u64(std::string_view s, std::uint64_t& out) {
    s = trim_blanks(s);
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && end == s.data() + s.size() && !s.empty();
}

// The last component of a dotted path that is not a list index: "mining.1.share" -> "share".
std::string last_key(const std::string& path) {
    std::string key;
    for (std::size_t start = 0; start <= path.size();) {
        const std::size_t dot = std::min(path.find('.', start), path.size());
        const std::string part = path.substr(start, dot - start);
        if (!part.empty() && part.find_first_not_of("0123456789") != std::string::npos) key = part;
        start = dot + 1;
    }
    return key.empty() ? path : key;
}

// The scalars of a YAML value in order, map keys left out: "{dist: constant, value: 2s}" ->
// constant, 2s. A value that is not valid YAML is one scalar, as written. Stops after
// kMaxNameScalars: a folder name keeps 80 characters, and aliases can make a short value
// stand for millions of scalars.
std::vector<std::string> value_scalars(const std::string& value) {
    constexpr std::size_t kMaxNameScalars = 1000;
    std::vector<std::string> out;
    auto walk = [&out](const YAML::Node& node, auto& self) -> void {
        if (out.size() >= kMaxNameScalars) return;
        if (node.IsScalar()) {
            out.push_back(node.Scalar());
        } else if (node.IsSequence()) {
            for (const YAML::Node& item : node)
                self(item, self);
        } else if (node.IsMap()) {
            for (auto it = node.begin(); it != node.end(); ++it)
                self(it->second, self);
        }
    };
    try {
        walk(YAML::Load(value), walk);
    } catch (const YAML::Exception&) {
        out = {value};
    }
    return out;
}

}  // namespace

Expected<SeedRange> parse_seed_range(std::string_view text) {
    const std::string expected =
        "--seeds: expected A..B (e.g. 1..50) or one seed, got \"" + std::string(text) + "\"";
    SeedRange range;
    const std::size_t dots = text.find("..");
    if (dots == std::string_view::npos) {
        if (!parse_u64(text, range.first)) return Error{expected};
        range.last = range.first;
        return range;
    }
    if (!parse_u64(text.substr(0, dots), range.first) ||
        !parse_u64(text.substr(dots + 2), range.last)) {
        return Error{expected};
    }
    if (range.first > range.last) {
        return Error{"--seeds: the first seed must not exceed the last, got \"" +
                     std::string(text) + "\""};
    }
    return range;
}

Expected<SweepParam> parse_sweep_set(std::string_view argument) {
    const std::size_t eq = argument.find('=');
    SweepParam param;
    if (eq == std::string_view::npos || trim_blanks(argument.substr(0, eq)).empty()) {
        return Error{"--set " + std::string(argument) + ": expected path=v1,v2,..."};
    }
    param.path = std::string(trim_blanks(argument.substr(0, eq)));
    const std::string_view values = argument.substr(eq + 1);
    int depth = 0;
    char quote = 0;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= values.size(); ++i) {
        const char c = i < values.size() ? values[i] : ',';
        if (quote != 0) {
            if (c == quote) quote = 0;
            continue;
        }
        if (c == '"' || c == '\'') quote = c;
        if (c == '[' || c == '{') ++depth;
        if ((c == ']' || c == '}') && depth > 0) --depth;
        if (c == ',' && (depth == 0 || i == values.size())) {
            const std::string_view value = trim_blanks(values.substr(start, i - start));
            if (value.empty()) {
                return Error{"--set " + std::string(argument) + ": value " +
                             std::to_string(param.values.size() + 1) +
                             " is empty (values are separated by commas)"};
            }
            param.values.emplace_back(value);
            start = i + 1;
        }
    }
    if (quote != 0 || depth != 0) {
        return Error{"--set " + std::string(argument) + ": unbalanced quote or bracket"};
    }
    return param;
}

std::vector<std::string> SweepPoint::overrides() const {
    std::vector<std::string> out;
    for (const auto& [path, value] : params)
        out.push_back(path + "=" + value);
    return out;
}

std::string SweepPoint::folder_name(std::size_t index, std::size_t width) const {
    std::string number = std::to_string(index);
    if (number.size() < width) number.insert(0, width - number.size(), '0');
    std::string words;
    for (const auto& [path, value] : params) {
        words += '-';
        words += last_key(path);
        for (const std::string& scalar : value_scalars(value)) {
            words += '-';
            words += scalar;
        }
    }
    if (words.empty()) words = "-base";
    // Letters, digits and '.' kept; runs of anything else become one '-'.
    std::string name = "p" + number;
    for (char c : words) {
        const bool keep =
            (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.';
        if (keep) {
            name += c;
        } else if (name.back() != '-') {
            name += '-';
        }
    }
    while (name.back() == '-')
        name.pop_back();
    if (name.size() > 80) name.resize(80);
    while (name.back() == '-' || name.back() == '.')
        name.pop_back();
    return name;
}

Expected<std::vector<SweepPoint>> plan_sweep(const std::vector<SweepParam>& params) {
    for (std::size_t i = 0; i < params.size(); ++i) {
        for (std::size_t j = 0; j < i; ++j) {
            if (params[i].path == params[j].path) {
                return Error{"--set " + params[i].path +
                             " is given twice; list all its values in one --set"};
            }
        }
    }
    std::vector<SweepPoint> points(1);
    for (const SweepParam& p : params) {
        std::vector<SweepPoint> next;
        for (const SweepPoint& point : points) {
            for (const std::string& value : p.values) {
                SweepPoint extended = point;
                extended.params.emplace_back(p.path, value);
                next.push_back(std::move(extended));
            }
        }
        points = std::move(next);
    }
    return points;
}

}  // namespace sim

#include "sim/scenario/reader.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <set>

#include "sim/scenario/nodeset.h"
#include "sim/scenario/units.h"

namespace sim::scenario_internal {
namespace {

constexpr std::size_t kMaxErrors = 50;

// True when one dotted path is the other or lies inside it ("a.b" and "a.b.c").
bool nested(std::string_view outer, std::string_view inner) {
    if (inner.size() < outer.size()) std::swap(outer, inner);
    return inner.substr(0, outer.size()) == outer &&
           (inner.size() == outer.size() || inner[outer.size()] == '.');
}

std::string join_path(const std::string& path, std::string_view key) {
    return path.empty() ? std::string(key) : path + "." + std::string(key);
}

// Optimal string alignment distance: edits plus adjacent transpositions, ignoring case.
std::size_t edit_distance(std::string_view a, std::string_view b) {
    auto same = [&](std::size_t i, std::size_t j) {
        return std::tolower(static_cast<unsigned char>(a[i])) ==
               std::tolower(static_cast<unsigned char>(b[j]));
    };
    const std::size_t width = b.size() + 1;
    std::vector<std::size_t> d((a.size() + 1) * width);
    for (std::size_t i = 0; i <= a.size(); ++i)
        d[i * width] = i;
    for (std::size_t j = 0; j <= b.size(); ++j)
        d[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        for (std::size_t j = 1; j <= b.size(); ++j) {
            std::size_t best =
                std::min({d[(i - 1) * width + j] + 1, d[i * width + j - 1] + 1,
                          d[(i - 1) * width + j - 1] + (same(i - 1, j - 1) ? 0 : 1)});
            if (i > 1 && j > 1 && same(i - 1, j - 2) && same(i - 2, j - 1)) {
                best = std::min(best, d[(i - 2) * width + j - 2] + 1);
            }
            d[i * width + j] = best;
        }
    }
    return d[a.size() * width + b.size()];
}

bool parse_int(const std::string& text, std::int64_t& out) {
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return !text.empty() && ec == std::errc() && end == text.data() + text.size();
}

bool parse_double(const std::string& text, double& out) {
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return !text.empty() && ec == std::errc() && end == text.data() + text.size() &&
           std::isfinite(out);
}

std::string range_text(double min, double max, bool min_open, bool max_open) {
    std::string lower = (min_open ? "above " : "at least ") + number_text(min);
    if (max == std::numeric_limits<double>::infinity()) return lower;
    if (!min_open && !max_open) return "from " + number_text(min) + " to " + number_text(max);
    return lower + " and " + (max_open ? "below " : "at most ") + number_text(max);
}

// A quantity with a unit (sim/scenario/units.h): `parse` gives the value or the whole message.
template <typename T, typename Parse>
std::optional<T> read_unit(const Field& field, std::string_view what, Parse parse) {
    if (!field.present()) return std::nullopt;
    if (!field.is_scalar()) {
        field.expected(what);
        return std::nullopt;
    }
    auto parsed = parse(field.scalar());
    if (!parsed.ok()) {
        field.error(parsed.error);
        return std::nullopt;
    }
    return parsed.value;
}

}  // namespace

// ---- Diagnostics

Place Diagnostics::place_of(const YAML::Node& node, const std::string& path,
                            const Place& fallback) const {
    if (node.IsDefined()) {
        YAML::Mark mark = node.Mark();
        if (!mark.is_null()) return Place{mark.line + 1, mark.column + 1, ""};
    }
    // Overrides make nodes without marks. The node came from the last override that set it
    // or an ancestor (later ones replace earlier ones); failing that, from the first that
    // created it as a map on the way to a deeper key.
    const OverrideSite* setter = nullptr;
    const OverrideSite* creator = nullptr;
    for (const OverrideSite& site : overrides_) {
        if (!nested(site.path, path)) continue;
        if (site.path.size() <= path.size()) {
            setter = &site;
        } else if (creator == nullptr) {
            creator = &site;
        }
    }
    if (setter != nullptr) return Place{0, 0, setter->text};
    if (creator != nullptr) return Place{0, 0, creator->text};
    return fallback;
}

void Diagnostics::add(const Place& place, std::string_view path, std::string_view message) {
    std::string text;
    if (!place.override_text.empty()) {
        text = "--set " + place.override_text;
    } else if (place.line > 0) {
        text = file_ + ":" + std::to_string(place.line) + ":" + std::to_string(place.column);
    } else {
        text = file_;
    }
    text += ": ";
    if (!path.empty()) {
        text += path;
        text += ": ";
    }
    text += message;
    entries_.push_back(Entry{place, std::move(text)});
}

std::vector<std::string> Diagnostics::lines() const {
    auto group = [](const Place& p) { return !p.override_text.empty() ? 2 : p.line > 0 ? 1 : 0; };
    std::vector<Entry> sorted = entries_;
    std::stable_sort(sorted.begin(), sorted.end(), [&](const Entry& a, const Entry& b) {
        if (group(a.place) != group(b.place)) return group(a.place) < group(b.place);
        if (a.place.line != b.place.line) return a.place.line < b.place.line;
        return a.place.column < b.place.column;
    });
    std::vector<std::string> lines;
    std::set<std::string_view> seen;
    for (const Entry& entry : sorted) {
        if (seen.insert(entry.text).second) lines.push_back(entry.text);
    }
    if (lines.size() > kMaxErrors) {
        std::size_t more = lines.size() - kMaxErrors;
        lines.resize(kMaxErrors);
        lines.push_back("... and " + std::to_string(more) + " more errors");
    }
    return lines;
}

// ---- Field: structure

Field::Field(Diagnostics& diagnostics, YAML::Node node, std::string path, Place place)
    : diagnostics_(&diagnostics),
      node_(std::move(node)),
      path_(std::move(path)),
      place_(std::move(place)) {}

Field Field::root(Diagnostics& diagnostics, const YAML::Node& document) {
    Place start{1, 1, ""};
    return Field(diagnostics, document, "", diagnostics.place_of(document, "", start));
}

Field Field::child(YAML::Node node, std::string path) const {
    Place place = diagnostics_->place_of(node, path, place_);
    return Field(*diagnostics_, std::move(node), std::move(path), std::move(place));
}

bool Field::present() const {
    return node_.IsDefined() && !node_.IsNull();
}

std::string Field::scalar() const {
    return is_scalar() ? node_.Scalar() : std::string();
}

std::string Field::got() const {
    if (!present()) return "nothing";
    if (node_.IsMap()) return "a map";
    if (node_.IsSequence()) return "a list";
    return quote_value(node_.Scalar());
}

Field Field::operator[](std::string_view key) const {
    const YAML::Node& map = node_;
    YAML::Node value = is_map() ? map[std::string(key)] : YAML::Node(YAML::NodeType::Undefined);
    return child(value, join_path(path_, key));
}

Field Field::at(std::size_t index) const {
    const YAML::Node& list = node_;
    return child(list[index], join_path(path_, std::to_string(index)));
}

std::size_t Field::size() const {
    return is_map() || is_sequence() ? node_.size() : 0;
}

std::vector<MapEntry> Field::entries() const {
    std::vector<MapEntry> entries;
    if (!is_map()) return entries;
    for (auto it = node_.begin(); it != node_.end(); ++it) {
        // Copies: yaml-cpp's iterator hands out a temporary pair.
        YAML::Node key = it->first;
        YAML::Node value = it->second;
        if (!key.IsScalar()) {
            child(key, path_)
                .error("expected a plain name as a key, got " +
                       std::string(key.IsMap()        ? "a map"
                                   : key.IsSequence() ? "a list"
                                                      : "nothing (an empty key)"));
            continue;
        }
        std::string path = join_path(path_, key.Scalar());
        entries.push_back(MapEntry{key.Scalar(), child(key, path), child(value, path)});
    }
    return entries;
}

void Field::error(std::string_view message) const {
    diagnostics_->add(place_, path_, message);
}

void Field::expected(std::string_view what) const {
    error("expected " + std::string(what) + ", got " + got());
}

bool Field::expect_map() const {
    if (is_map()) return true;
    expected("a map");
    return false;
}

bool Field::expect_sequence(std::string_view what) const {
    if (is_sequence()) return true;
    expected(what);
    return false;
}

bool Field::check_keys(const std::vector<std::string_view>& allowed, std::string_view owner) const {
    const std::vector<MapEntry> named = entries();  // reports keys that are not names
    bool all_known = named.size() == size();
    std::map<std::string, int> first_line;
    for (const MapEntry& entry : named) {
        auto [seen, inserted] = first_line.emplace(entry.key, entry.key_field.place().line);
        if (!inserted) {
            entry.key_field.error("key '" + entry.key + "' appears twice in " + std::string(owner) +
                                  " (first at line " + std::to_string(seen->second) + ")");
        }
        if (std::find(allowed.begin(), allowed.end(), entry.key) != allowed.end()) continue;
        all_known = false;
        std::string message = "unknown key '" + entry.key + "' in " + std::string(owner);
        if (std::string guess = did_you_mean(entry.key, allowed); !guess.empty()) {
            message += " (did you mean '" + guess + "'?)";
        }
        entry.key_field.error(message + "; expected one of: " + join_names(allowed));
    }
    return all_known;
}

bool Field::require(std::string_view example) const {
    if (present()) return true;
    error("required field is missing (e.g. " + std::string(example) + ")");
    return false;
}

// ---- Field: typed reads

std::optional<std::string> Field::read_string() const {
    if (!present()) return std::nullopt;
    if (!is_scalar()) {
        expected("a string");
        return std::nullopt;
    }
    return node_.Scalar();
}

std::optional<std::int64_t> Field::read_int(std::int64_t min, std::int64_t max) const {
    if (!present()) return std::nullopt;
    std::int64_t value = 0;
    if (!is_scalar() || !parse_int(node_.Scalar(), value)) {
        expected("an integer");
        return std::nullopt;
    }
    if (value < min || value > max) {
        if (max == std::numeric_limits<std::int64_t>::max()) {
            expected("an integer of at least " + std::to_string(min));
        } else {
            expected("an integer from " + std::to_string(min) + " to " + std::to_string(max));
        }
        return std::nullopt;
    }
    return value;
}

std::optional<std::uint64_t> Field::read_u64() const {
    if (!present()) return std::nullopt;
    const std::string text = is_scalar() ? node_.Scalar() : std::string();
    std::uint64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
        expected("an integer from 0 to " + std::to_string(UINT64_MAX));
        return std::nullopt;
    }
    return value;
}

std::optional<double> Field::read_number(double min, double max, bool min_open,
                                         bool max_open) const {
    if (!present()) return std::nullopt;
    double value = 0;
    if (!is_scalar() || !parse_double(node_.Scalar(), value)) {
        expected("a number");
        return std::nullopt;
    }
    if (value < min || value > max || (min_open && value == min) || (max_open && value == max)) {
        expected("a number " + range_text(min, max, min_open, max_open));
        return std::nullopt;
    }
    return value;
}

std::optional<core::Nanos> Field::read_duration(bool positive) const {
    auto value = read_unit<core::Nanos>(*this, "a duration such as 80ms", parse_duration);
    if (value && positive && *value == 0) {
        expected("a duration above zero, such as 80ms");
        return std::nullopt;
    }
    return value;
}

std::optional<std::uint64_t> Field::read_size() const {
    return read_unit<std::uint64_t>(*this, "a size such as 500KB", parse_size);
}

std::optional<std::uint64_t> Field::read_bandwidth() const {
    return read_unit<std::uint64_t>(*this, "a bandwidth such as 20Mbps", parse_bandwidth);
}

std::optional<double> Field::read_rate() const {
    return read_unit<double>(*this, "a rate such as 3/s", parse_rate);
}

std::optional<std::size_t> Field::read_choice(const std::vector<std::string_view>& names) const {
    if (!present()) return std::nullopt;
    if (is_scalar()) {
        auto it = std::find(names.begin(), names.end(), node_.Scalar());
        if (it != names.end()) return static_cast<std::size_t>(it - names.begin());
    }
    std::string message = "expected one of " + join_names(names) + ", got " + got();
    if (std::string guess = did_you_mean(scalar(), names); !guess.empty()) {
        message += " (did you mean '" + guess + "'?)";
    }
    error(message);
    return std::nullopt;
}

std::optional<std::vector<int>> Field::read_node_set(int node_count) const {
    if (!present()) return std::nullopt;
    if (!is_scalar()) {
        expected(R"(a node set such as "3", "0-49", "0-9,20,30-39" or "all")");
        return std::nullopt;
    }
    NodeSetResult parsed = parse_node_set(node_.Scalar(), node_count);
    if (!parsed.ok()) {
        error(parsed.error);
        return std::nullopt;
    }
    return std::move(parsed.nodes);
}

std::optional<int> Field::read_node(int node_count) const {
    auto nodes = read_node_set(node_count);
    if (!nodes) return std::nullopt;
    if (nodes->size() != 1) {
        expected("a single node such as \"3\"");
        return std::nullopt;
    }
    return nodes->front();
}

// ---- Message helpers

std::string did_you_mean(std::string_view word, const std::vector<std::string_view>& candidates) {
    std::string_view best;
    std::size_t best_distance = std::numeric_limits<std::size_t>::max();
    for (std::string_view candidate : candidates) {
        std::size_t distance = edit_distance(word, candidate);
        if (distance < best_distance) {
            best = candidate;
            best_distance = distance;
        }
    }
    bool close =
        best_distance <= std::max<std::size_t>(1, word.size() / 3) && best_distance < word.size();
    return close ? std::string(best) : std::string();
}

std::string join_names(const std::vector<std::string_view>& names) {
    std::string text;
    for (std::string_view name : names) {
        if (!text.empty()) text += ", ";
        text += name;
    }
    return text;
}

std::string number_text(double value) {
    char buffer[40];
    std::snprintf(buffer, sizeof buffer, "%.12g", value);
    return buffer;
}

}  // namespace sim::scenario_internal

// Internal to scenario loading: walking a YAML document while collecting errors that name
// the place (file:line:column or the --set that made the node), the dotted field path and
// what was expected. Not for use outside sim/scenario*.cpp.
//
// A Field is a YAML node plus its path and place; it never throws. Reads of a malformed
// field record one error and return nullopt; reads of an absent field (missing key or an
// empty/null value) return nullopt silently, so optional settings keep their defaults.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "core/time.h"

namespace sim::scenario_internal {

// A --set override: `path` is dotted, `text` is "path=value" as the user wrote it.
struct OverrideSite {
    std::string path;
    std::string text;
};

// Where a node came from.
struct Place {
    int line = 0;               // 1-based; 0 = not a position in the file
    int column = 0;             // 1-based
    std::string override_text;  // non-empty: made by this --set
};

// Collects error messages and formats them as "place: path: message".
class Diagnostics {
  public:
    explicit Diagnostics(std::string file) : file_(std::move(file)) {}

    // Registers an override, so nodes it made can be traced back to it.
    void note_override(OverrideSite site) { overrides_.push_back(std::move(site)); }

    // The place of `node` at `path`: its mark in the file; else the override that made it
    // (or made a map along the way to it); else `fallback`.
    Place place_of(const YAML::Node& node, const std::string& path, const Place& fallback) const;

    void add(const Place& place, std::string_view path, std::string_view message);
    bool empty() const { return entries_.empty(); }

    // Sorted by place (whole-file problems, then file lines, then overrides), duplicates
    // dropped, capped at a readable number with a final "... and N more" line.
    std::vector<std::string> lines() const;

  private:
    struct Entry {
        Place place;
        std::string text;
    };
    std::string file_;
    std::vector<OverrideSite> overrides_;
    std::vector<Entry> entries_;
};

struct MapEntry;

class Field {
  public:
    Field(Diagnostics& diagnostics, YAML::Node node, std::string path, Place place);
    static Field root(Diagnostics& diagnostics, const YAML::Node& document);

    const std::string& path() const { return path_; }
    const Place& place() const { return place_; }
    const YAML::Node& node() const { return node_; }

    bool present() const;  // defined and not null
    bool is_map() const { return present() && node_.IsMap(); }
    bool is_sequence() const { return present() && node_.IsSequence(); }
    bool is_scalar() const { return present() && node_.IsScalar(); }
    std::string scalar() const;  // "" unless is_scalar()
    std::string got() const;     // for messages: 2.5, "eighty", a map, a list, nothing

    Field operator[](std::string_view key) const;  // absent unless a map holding `key`
    Field at(std::size_t index) const;             // REQUIRES: index < size()
    std::size_t size() const;                      // entries of a list or map, else 0
    std::vector<MapEntry> entries() const;         // a map's keys and values, in file order

    // Records "place: path: message".
    void error(std::string_view message) const;
    // Records "expected <what>, got <got()>".
    void expected(std::string_view what) const;

    // Shape checks on a present field; each reports a mismatch and returns false.
    bool expect_map() const;
    bool expect_sequence(std::string_view what) const;
    // For a map: reports keys not in `allowed` (with a did-you-mean) and repeated keys.
    // `owner` names the map in the message, e.g. "network" or "topology kind ring".
    // Returns true when every key is allowed.
    bool check_keys(const std::vector<std::string_view>& allowed, std::string_view owner) const;
    // Reports "missing required field" at the parent when absent; returns present().
    bool require(std::string_view example) const;

    // Typed reads (see the file comment for absent vs malformed).
    std::optional<std::string> read_string() const;
    std::optional<std::int64_t> read_int(std::int64_t min, std::int64_t max) const;
    // A whole number from 0 to 2^64-1 (seeds).
    std::optional<std::uint64_t> read_u64() const;
    // Bounds are inclusive unless the *_open flag says otherwise.
    std::optional<double> read_number(double min, double max, bool min_open = false,
                                      bool max_open = false) const;
    std::optional<core::Nanos> read_duration(bool positive = false) const;
    std::optional<std::uint64_t> read_size() const;
    std::optional<std::uint64_t> read_bandwidth() const;
    std::optional<double> read_rate() const;
    // Index into `names`; a mismatch lists them (with a did-you-mean).
    std::optional<std::size_t> read_choice(const std::vector<std::string_view>& names) const;
    // REQUIRES: node_count >= 1.
    std::optional<std::vector<int>> read_node_set(int node_count) const;
    // A node set that must name exactly one node ("3" or 3).
    std::optional<int> read_node(int node_count) const;

  private:
    Field child(YAML::Node node, std::string path) const;

    Diagnostics* diagnostics_;
    YAML::Node node_;
    std::string path_;
    Place place_;
};

struct MapEntry {
    std::string key;
    Field key_field;  // the key itself: its place is where the key is written
    Field value;
};

// The candidate closest to `word` by edit distance if it is close enough to be a likely
// typo, else "".
std::string did_you_mean(std::string_view word, const std::vector<std::string_view>& candidates);

// A read_choice over an enum's values, named by `name` (e.g. topology_name).
template <typename Enum>
std::optional<Enum> read_enum(const Field& field, std::initializer_list<Enum> values,
                              std::string_view (*name)(Enum)) {
    std::vector<std::string_view> names;
    for (Enum value : values)
        names.push_back(name(value));
    auto index = field.read_choice(names);
    if (!index) return std::nullopt;
    return *(values.begin() + *index);
}

// Concatenates strings and string views. Messages use it where `"literal" + std::string`
// would trip GCC 12's false -Wrestrict warning (GCC bug 105329) at -O3.
template <typename... Parts>
std::string concat(const Parts&... parts) {
    std::string text;
    (text.append(std::string_view(parts)), ...);
    return text;
}

// "a, b, c" for messages.
std::string join_names(const std::vector<std::string_view>& names);

// A number as messages show it: %.12g.
std::string number_text(double value);

}  // namespace sim::scenario_internal

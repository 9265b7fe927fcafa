// Quantities with units, as written in scenario files: durations ("80ms", "1.5s"), sizes
// ("500KB", "1MiB"), bandwidths ("20Mbps") and rates ("3/s").
//
// Contract: every parse_* function is pure, never throws, and accepts exactly the forms
// listed with it: a non-negative decimal number (digits, optionally one '.' and more
// digits) followed by a unit, with optional spaces between. A bare number is an error:
// units are never implied. On failure `error` says what was expected and what was given,
// e.g. `expected a duration such as 80ms, got "eighty"`; callers prefix file, line and
// field. format_* gives back a form that parses to the same value.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/time.h"

namespace sim {

// The value of a successful parse, or an error message. Cheap on success.
template <typename T>
struct UnitResult {
    T value{};          // meaningful only when ok()
    std::string error;  // empty on success

    bool ok() const { return error.empty(); }
};

// Units: ns, us (or µs), ms, s, m (minutes), h, d. Fractions must come to a whole number of
// nanoseconds ("1.5s" is fine, "0.5ns" is not). Compound forms add up, largest unit first:
// "1h30m", "2h 30m 10s".
[[nodiscard]] UnitResult<core::Nanos> parse_duration(std::string_view text);

// Bytes. Units: B, KB/kB (1000), MB, GB, KiB (1024), MiB, GiB. Must be whole bytes.
[[nodiscard]] UnitResult<std::uint64_t> parse_size(std::string_view text);

// Bits per second. Units: bps, kbps/Kbps (1000), Mbps, Gbps.
[[nodiscard]] UnitResult<std::uint64_t> parse_bandwidth(std::string_view text);

// Events per second. Forms: "3/s", "10/m", "100/h", "5/d"; fractions allowed ("0.5/s").
[[nodiscard]] UnitResult<double> parse_rate(std::string_view text);

// The largest unit that represents `t` exactly: 600s -> "10m", 1500ms -> "1500ms", 0 -> "0s".
std::string format_duration(core::Nanos t);

// The largest unit that represents `bytes` exactly, decimal before binary: "500KB", "1MiB".
std::string format_size(std::uint64_t bytes);

// The largest unit that represents `bits_per_second` exactly: "20Mbps", "100bps".
std::string format_bandwidth(std::uint64_t bits_per_second);

// The smallest time unit giving at least one event: 3.0 -> "3/s", 0.05 -> "3/m".
std::string format_rate(double per_second);

// How a message shows a value the user wrote: numbers bare (2.5), anything else quoted
// ("eighty"), so `got 2.5` and `got "eighty"` read naturally.
std::string quote_value(std::string_view text);

// `s` without leading and trailing spaces and tabs.
std::string_view trim_blanks(std::string_view s);

}  // namespace sim

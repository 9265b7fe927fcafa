// Time as the node sees it: an int64 count of nanoseconds. In a simulation it is virtual
// time since the start of the run; in live mode it is wall time since the Unix epoch.
// core/ never reads a clock itself: it is handed a core::Clock (see node.h).
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>

namespace core {

using Nanos = std::int64_t;

inline constexpr Nanos kNanosecond = 1;
inline constexpr Nanos kMicrosecond = 1'000;
inline constexpr Nanos kMillisecond = 1'000'000;
inline constexpr Nanos kSecond = 1'000'000'000;
inline constexpr Nanos kMinute = 60 * kSecond;
inline constexpr Nanos kHour = 60 * kMinute;
// The end of time: what a delay beyond ~292 years saturates to.
inline constexpr Nanos kNever = std::numeric_limits<Nanos>::max();

constexpr double to_seconds(Nanos t) {
    return static_cast<double>(t) / kSecond;
}

// Seconds to nanoseconds, rounded to nearest and saturating: every double becomes a Nanos
// without overflow. Beyond the range (about +-292 years) and +inf give kNever (or its
// negative); NaN gives kNever too, so a broken delay means "never", not "now".
inline Nanos seconds_to_nanos(double s) {
    constexpr double kLimit = 9.2e18;  // below 2^63, so the cast below is defined
    if (std::isnan(s)) return kNever;
    const double ns = s * static_cast<double>(kSecond);
    if (ns >= kLimit) return kNever;
    if (ns <= -kLimit) return -kNever;
    return static_cast<Nanos>(std::llround(ns));
}

// a + b for a, b >= 0, saturating at kNever.
constexpr Nanos add_saturating(Nanos a, Nanos b) {
    return b > kNever - a ? kNever : a + b;
}

}  // namespace core

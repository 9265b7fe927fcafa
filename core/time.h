// Time as the node sees it: an int64 count of nanoseconds. In a simulation it is virtual
// time since the start of the run; in live mode it is wall time since the Unix epoch.
// core/ never reads a clock itself: it is handed a core::Clock (see node.h).
#pragma once

#include <cstdint>

namespace core {

using Nanos = std::int64_t;

inline constexpr Nanos kNanosecond = 1;
inline constexpr Nanos kMicrosecond = 1'000;
inline constexpr Nanos kMillisecond = 1'000'000;
inline constexpr Nanos kSecond = 1'000'000'000;
inline constexpr Nanos kMinute = 60 * kSecond;
inline constexpr Nanos kHour = 60 * kMinute;

constexpr double to_seconds(Nanos t) {
    return static_cast<double>(t) / kSecond;
}

}  // namespace core

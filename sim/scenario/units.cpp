#include "sim/scenario/units.h"

#include <vector>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <span>

namespace sim {

std::string_view trim_blanks(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}
namespace {

struct Unit {
    std::string_view name;
    std::uint64_t scale;  // how many base units (ns, bytes, bits/s) one of it is
};

constexpr Unit kDurationUnits[] = {
    {"ns", 1},
    {"us", 1'000},
    {"\xc2\xb5s", 1'000},  // micro sign
    {"\xce\xbcs", 1'000},  // Greek mu
    {"ms", 1'000'000},
    {"s", 1'000'000'000},
    {"m", 60'000'000'000},
    {"h", 3'600'000'000'000},
    {"d", 86'400'000'000'000},
};
constexpr Unit kSizeUnits[] = {
    {"B", 1},
    {"KB", 1'000},
    {"kB", 1'000},
    {"MB", 1'000'000},
    {"GB", 1'000'000'000},
    {"KiB", 1ull << 10},
    {"MiB", 1ull << 20},
    {"GiB", 1ull << 30},
};
constexpr Unit kBandwidthUnits[] = {
    {"bps", 1}, {"kbps", 1'000}, {"Kbps", 1'000}, {"Mbps", 1'000'000}, {"Gbps", 1'000'000'000},
};
constexpr Unit kRateUnits[] = {
    {"s", 1},
    {"m", 60},
    {"h", 3'600},
    {"d", 86'400},
};

// How each kind of quantity is named in messages.
struct QuantityKind {
    std::string_view noun;     // "a duration"
    std::string_view example;  // "80ms"
    std::string_view units;    // "ns, us, ms, s, m, h, d"
    std::string_view whole;    // "nanoseconds": the smallest representable step
};
constexpr QuantityKind kDuration{"a duration", "80ms", "ns, us, ms, s, m, h, d", "nanoseconds"};
constexpr QuantityKind kSize{"a size", "500KB", "B, KB, MB, GB, KiB, MiB, GiB", "bytes"};
constexpr QuantityKind kBandwidth{"a bandwidth", "20Mbps", "bps, kbps, Mbps, Gbps", "bits/s"};
constexpr QuantityKind kRate{"a rate", "3/s", "/s, /m, /h, /d", ""};

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// Splits "1.5 ms" into the number "1.5" and the unit "ms". False when there is no leading
// non-negative decimal number.
bool split_quantity(std::string_view text, std::string_view& number, std::string_view& unit) {
    std::size_t i = 0;
    bool digits = false, dot = false;
    for (; i < text.size(); ++i) {
        if (is_digit(text[i])) {
            digits = true;
        } else if (text[i] == '.' && !dot) {
            dot = true;
        } else {
            break;
        }
    }
    if (!digits) return false;
    number = text.substr(0, i);
    unit = trim_blanks(text.substr(i));
    return true;
}

std::string expected(const QuantityKind& kind, std::string_view text, std::string_view why = {}) {
    std::string message = "expected ";
    message += kind.noun;
    message += " such as ";
    message += kind.example;
    message += ", got ";
    message += quote_value(text);
    if (!why.empty()) {
        message += " (";
        message += why;
        message += ")";
    }
    return message;
}

enum class Exactness { kExact, kFractional, kTooLarge };

// number * scale as an exact integer no greater than `limit`. `number` is digits with at
// most one '.', as split_quantity leaves it.
Exactness scale_exactly(std::string_view number, std::uint64_t scale, std::uint64_t limit,
                        std::uint64_t& out) {
    using Wide = unsigned __int128;
    std::string_view whole = number, fraction;
    if (auto dot = number.find('.'); dot != std::string_view::npos) {
        whole = number.substr(0, dot);
        fraction = number.substr(dot + 1);
    }
    while (!whole.empty() && whole.front() == '0')
        whole.remove_prefix(1);
    while (!fraction.empty() && fraction.back() == '0')
        fraction.remove_suffix(1);
    // Units are below 1e15, so 18 significant fraction digits can never be whole; 20 integer
    // digits already exceed every limit. Both bounds keep the arithmetic inside 128 bits.
    if (whole.size() > 20) return Exactness::kTooLarge;
    if (fraction.size() > 18) return Exactness::kFractional;
    Wide whole_value = 0, fraction_value = 0, divisor = 1;
    for (char c : whole)
        whole_value = whole_value * 10 + static_cast<Wide>(c - '0');
    for (char c : fraction) {
        fraction_value = fraction_value * 10 + static_cast<Wide>(c - '0');
        divisor *= 10;
    }
    Wide fraction_scaled = fraction_value * scale;
    if (fraction_scaled % divisor != 0) return Exactness::kFractional;
    Wide total = whole_value * scale + fraction_scaled / divisor;
    if (total > limit) return Exactness::kTooLarge;
    out = static_cast<std::uint64_t>(total);
    return Exactness::kExact;
}

// The shared shape of parse_duration, parse_size and parse_bandwidth.
UnitResult<std::uint64_t> parse_exact(std::string_view text, const QuantityKind& kind,
                                      std::span<const Unit> units, std::uint64_t limit) {
    std::string_view body = trim_blanks(text);
    UnitResult<std::uint64_t> result;
    std::string_view number, unit;
    if (!body.empty() && body.front() == '-') {
        result.error = expected(kind, text, "it cannot be negative");
        return result;
    }
    if (!split_quantity(body, number, unit)) {
        result.error = expected(kind, text);
        return result;
    }
    if (unit.empty()) {
        result.error =
            expected(kind, text, std::string("a unit is required: ") + std::string(kind.units));
        return result;
    }
    for (const Unit& candidate : units) {
        if (candidate.name != unit) continue;
        switch (scale_exactly(number, candidate.scale, limit, result.value)) {
            case Exactness::kExact:
                return result;
            case Exactness::kFractional:
                result.error = expected(
                    kind, text, std::string("not a whole number of ") + std::string(kind.whole));
                return result;
            case Exactness::kTooLarge:
                result.error = expected(kind, text, "too large");
                return result;
        }
    }
    result.error = expected(kind, text,
                            std::string("unknown unit \"") + std::string(unit) + "\"; units are " +
                                std::string(kind.units));
    return result;
}

// The largest unit (in table order, largest first within each family) dividing `value`.
std::string format_exact(std::uint64_t value, std::span<const Unit> largest_first,
                         std::string_view base) {
    if (value == 0) return std::string("0") + std::string(base);
    for (const Unit& unit : largest_first) {
        if (value % unit.scale == 0)
            return std::to_string(value / unit.scale) + std::string(unit.name);
    }
    return std::to_string(value) + std::string(base);
}

// The parts of a compound duration such as "1h30m" or "2h 30m 10s": each a number and
// the letters after it. Fewer than two parts (or anything else in the text) means the text
// is not compound, and parse_exact judges it whole.
std::vector<std::string_view> compound_parts(std::string_view text) {
    std::vector<std::string_view> parts;
    std::size_t i = 0;
    while (i < text.size()) {
        const std::size_t start = i;
        while (i < text.size() && (is_digit(text[i]) || text[i] == '.'))
            ++i;
        const std::size_t digits_end = i;
        while (i < text.size() &&
               ((text[i] >= 'a' && text[i] <= 'z') || (text[i] >= 'A' && text[i] <= 'Z'))) {
            ++i;
        }
        if (digits_end == start || i == digits_end) return {};
        parts.push_back(text.substr(start, i - start));
        while (i < text.size() && (text[i] == ' ' || text[i] == '\t'))
            ++i;
    }
    return parts;
}

}  // namespace

UnitResult<core::Nanos> parse_duration(std::string_view text) {
    const auto limit = static_cast<std::uint64_t>(std::numeric_limits<core::Nanos>::max());
    const std::vector<std::string_view> parts = compound_parts(trim_blanks(text));
    if (parts.size() < 2) {
        auto exact = parse_exact(text, kDuration, kDurationUnits, limit);
        return {static_cast<core::Nanos>(exact.value), std::move(exact.error)};
    }
    // Compound: each part alone, units strictly from largest to smallest ("1h30m", not
    // "30m1h" or "1m1m").
    UnitResult<core::Nanos> result;
    std::uint64_t total = 0;
    std::uint64_t previous_scale = std::numeric_limits<std::uint64_t>::max();
    for (std::string_view part : parts) {
        auto exact = parse_exact(part, kDuration, kDurationUnits, limit);
        if (!exact.ok()) {
            result.error =
                expected(kDuration, text, "its part " + quote_value(part) + " is not one");
            return result;
        }
        std::string_view number, unit;
        split_quantity(part, number, unit);
        std::uint64_t scale = 0;
        for (const Unit& u : kDurationUnits) {
            if (u.name == unit) scale = u.scale;
        }
        if (scale >= previous_scale) {
            result.error = expected(kDuration, text, "units must go from largest to smallest");
            return result;
        }
        previous_scale = scale;
        if (exact.value > limit - total) {
            result.error = expected(kDuration, text, "too large");
            return result;
        }
        total += exact.value;
    }
    result.value = static_cast<core::Nanos>(total);
    return result;
}

UnitResult<std::uint64_t> parse_size(std::string_view text) {
    return parse_exact(text, kSize, kSizeUnits, std::numeric_limits<std::uint64_t>::max());
}

UnitResult<std::uint64_t> parse_bandwidth(std::string_view text) {
    return parse_exact(text, kBandwidth, kBandwidthUnits,
                       std::numeric_limits<std::uint64_t>::max());
}

UnitResult<double> parse_rate(std::string_view text) {
    UnitResult<double> result;
    std::string_view body = trim_blanks(text);
    if (!body.empty() && body.front() == '-') {
        result.error = expected(kRate, text, "it cannot be negative");
        return result;
    }
    std::string_view number, rest;
    if (!split_quantity(body, number, rest)) {
        result.error = expected(kRate, text);
        return result;
    }
    if (rest.empty() || rest.front() != '/') {
        result.error = expected(kRate, text, "write it per unit of time: /s, /m, /h or /d");
        return result;
    }
    std::string_view unit = trim_blanks(rest.substr(1));
    double count = 0;
    auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), count);
    if (ec != std::errc() || end != number.data() + number.size() || !std::isfinite(count)) {
        result.error = expected(kRate, text, "too large");
        return result;
    }
    for (const Unit& candidate : kRateUnits) {
        if (candidate.name == unit) {
            result.value = count / static_cast<double>(candidate.scale);
            return result;
        }
    }
    result.error = expected(kRate, text,
                            std::string("unknown unit \"") + std::string(unit) + "\"; units are " +
                                std::string(kRate.units));
    return result;
}

std::string format_duration(core::Nanos t) {
    if (t < 0) {
        // Only messages about invalid input show negative durations; -t is safe except for
        // the minimum, which no parse can produce.
        if (t == std::numeric_limits<core::Nanos>::min()) return std::to_string(t) + "ns";
        std::string text = "-";
        text += format_duration(-t);
        return text;
    }
    static constexpr Unit kLargestFirst[] = {
        {"d", 86'400'000'000'000}, {"h", 3'600'000'000'000}, {"m", 60'000'000'000},
        {"s", 1'000'000'000},      {"ms", 1'000'000},        {"us", 1'000},
    };
    if (t == 0) return "0s";
    return format_exact(static_cast<std::uint64_t>(t), kLargestFirst, "ns");
}

std::string format_size(std::uint64_t bytes) {
    static constexpr Unit kLargestFirst[] = {
        {"GB", 1'000'000'000}, {"MB", 1'000'000},   {"KB", 1'000},
        {"GiB", 1ull << 30},   {"MiB", 1ull << 20}, {"KiB", 1ull << 10},
    };
    return format_exact(bytes, kLargestFirst, "B");
}

std::string format_bandwidth(std::uint64_t bits_per_second) {
    static constexpr Unit kLargestFirst[] = {
        {"Gbps", 1'000'000'000}, {"Mbps", 1'000'000}, {"kbps", 1'000}};
    return format_exact(bits_per_second, kLargestFirst, "bps");
}

std::string format_rate(double per_second) {
    const Unit* unit = &kRateUnits[0];
    for (const Unit& candidate : kRateUnits) {
        unit = &candidate;
        if (per_second * static_cast<double>(candidate.scale) >= 1) break;
    }
    if (per_second <= 0) unit = &kRateUnits[0];
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.6g/%.*s", per_second * static_cast<double>(unit->scale),
                  static_cast<int>(unit->name.size()), unit->name.data());
    return buffer;
}

std::string quote_value(std::string_view text) {
    double number = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (!text.empty() && ec == std::errc() && end == text.data() + text.size()) {
        return std::string(text);
    }
    std::string quoted = "\"";
    for (char c : text) {
        if (c == '"' || c == '\\') quoted += '\\';
        if (c == '\n') {
            quoted += "\\n";
            continue;
        }
        quoted += c;
    }
    quoted += '"';
    return quoted;
}

}  // namespace sim

#include "sim/scenario/units.h"

#include <gtest/gtest.h>

namespace sim {
namespace {

using core::kHour;
using core::kMicrosecond;
using core::kMillisecond;
using core::kMinute;
using core::kSecond;

core::Nanos duration(std::string_view text) {
    auto result = parse_duration(text);
    EXPECT_TRUE(result.ok()) << text << ": " << result.error;
    return result.value;
}

std::string duration_error(std::string_view text) {
    auto result = parse_duration(text);
    EXPECT_FALSE(result.ok()) << text << " parsed as " << result.value;
    return result.error;
}

TEST(Units, DurationsInEveryUnit) {
    EXPECT_EQ(duration("100ns"), 100);
    EXPECT_EQ(duration("50us"), 50 * kMicrosecond);
    EXPECT_EQ(duration("50\xc2\xb5s"), 50 * kMicrosecond);
    EXPECT_EQ(duration("80ms"), 80 * kMillisecond);
    EXPECT_EQ(duration("2s"), 2 * kSecond);
    EXPECT_EQ(duration("10m"), 10 * kMinute);
    EXPECT_EQ(duration("3h"), 3 * kHour);
    EXPECT_EQ(duration("1d"), 24 * kHour);
    EXPECT_EQ(duration("0s"), 0);
}

TEST(Units, DurationsWithFractionsAndSpaces) {
    EXPECT_EQ(duration("1.5s"), 1'500 * kMillisecond);
    EXPECT_EQ(duration("0.25h"), 15 * kMinute);
    EXPECT_EQ(duration(".5ms"), 500 * kMicrosecond);
    EXPECT_EQ(duration("2.000000000s"), 2 * kSecond);
    EXPECT_EQ(duration(" 80 ms "), 80 * kMillisecond);
    EXPECT_EQ(duration("1.000000001s"), kSecond + 1);
}

TEST(Units, DurationErrorsSayWhatWasExpected) {
    EXPECT_EQ(duration_error("eighty"), R"(expected a duration such as 80ms, got "eighty")");
    EXPECT_EQ(duration_error("80"),
              "expected a duration such as 80ms, got 80 (a unit is required: ns, us, ms, s, m, "
              "h, d)");
    EXPECT_EQ(duration_error("-5s"),
              R"(expected a duration such as 80ms, got "-5s" (it cannot be negative))");
    EXPECT_EQ(duration_error("5 parsecs"),
              "expected a duration such as 80ms, got \"5 parsecs\" (unknown unit \"parsecs\"; "
              "units are ns, us, ms, s, m, h, d)");
    EXPECT_EQ(
        duration_error("1.5ns"),
        R"(expected a duration such as 80ms, got "1.5ns" (not a whole number of nanoseconds))");
    EXPECT_EQ(duration_error("200000d"),
              R"(expected a duration such as 80ms, got "200000d" (too large))");
    EXPECT_EQ(duration_error("999999999999999999999999s"),
              R"(expected a duration such as 80ms, got "999999999999999999999999s" (too large))");
    duration_error("");
    duration_error("1.2.3s");
    duration_error("ms");
    duration_error("5MS");
}

TEST(Units, DurationLimitIsInt64Nanoseconds) {
    EXPECT_EQ(duration("9223372036854775807ns"), INT64_MAX);
    duration_error("9223372036854775808ns");
}

TEST(Units, Sizes) {
    auto size = [](std::string_view text) {
        auto result = parse_size(text);
        EXPECT_TRUE(result.ok()) << text << ": " << result.error;
        return result.value;
    };
    EXPECT_EQ(size("512B"), 512u);
    EXPECT_EQ(size("500KB"), 500'000u);
    EXPECT_EQ(size("500kB"), 500'000u);
    EXPECT_EQ(size("1MB"), 1'000'000u);
    EXPECT_EQ(size("2GB"), 2'000'000'000u);
    EXPECT_EQ(size("2KiB"), 2048u);
    EXPECT_EQ(size("1MiB"), 1u << 20);
    EXPECT_EQ(size("1GiB"), 1u << 30);
    EXPECT_EQ(size("1.5MB"), 1'500'000u);
    EXPECT_EQ(parse_size("500").error,
              "expected a size such as 500KB, got 500 (a unit is required: B, KB, MB, GB, KiB, "
              "MiB, GiB)");
    EXPECT_EQ(parse_size("1.5B").error,
              R"(expected a size such as 500KB, got "1.5B" (not a whole number of bytes))");
    EXPECT_FALSE(parse_size("5Kb").ok());
}

TEST(Units, Bandwidths) {
    auto bandwidth = [](std::string_view text) {
        auto result = parse_bandwidth(text);
        EXPECT_TRUE(result.ok()) << text << ": " << result.error;
        return result.value;
    };
    EXPECT_EQ(bandwidth("100bps"), 100u);
    EXPECT_EQ(bandwidth("500kbps"), 500'000u);
    EXPECT_EQ(bandwidth("20Mbps"), 20'000'000u);
    EXPECT_EQ(bandwidth("1Gbps"), 1'000'000'000u);
    EXPECT_EQ(bandwidth("2.5Gbps"), 2'500'000'000u);
    EXPECT_EQ(parse_bandwidth("20MB").error,
              "expected a bandwidth such as 20Mbps, got \"20MB\" (unknown unit \"MB\"; units are "
              "bps, kbps, Mbps, Gbps)");
}

TEST(Units, Rates) {
    auto rate = [](std::string_view text) {
        auto result = parse_rate(text);
        EXPECT_TRUE(result.ok()) << text << ": " << result.error;
        return result.value;
    };
    EXPECT_DOUBLE_EQ(rate("3/s"), 3.0);
    EXPECT_DOUBLE_EQ(rate("10/m"), 10.0 / 60);
    EXPECT_DOUBLE_EQ(rate("100/h"), 100.0 / 3600);
    EXPECT_DOUBLE_EQ(rate("24/d"), 24.0 / 86400);
    EXPECT_DOUBLE_EQ(rate("0.5 / s"), 0.5);
    EXPECT_DOUBLE_EQ(rate("0/s"), 0.0);
    EXPECT_EQ(parse_rate("3").error,
              "expected a rate such as 3/s, got 3 (write it per unit of time: /s, /m, /h or /d)");
    EXPECT_EQ(parse_rate("3/week").error,
              "expected a rate such as 3/s, got \"3/week\" (unknown unit \"week\"; units are /s, "
              "/m, /h, /d)");
    EXPECT_FALSE(parse_rate("-1/s").ok());
    EXPECT_FALSE(parse_rate("fast").ok());
}

TEST(Units, FormattingPicksTheLargestExactUnit) {
    EXPECT_EQ(format_duration(0), "0s");
    EXPECT_EQ(format_duration(10 * kMinute), "10m");
    EXPECT_EQ(format_duration(90 * kMinute), "90m");
    EXPECT_EQ(format_duration(1'500 * kMillisecond), "1500ms");
    EXPECT_EQ(format_duration(24 * kHour), "1d");
    EXPECT_EQ(format_duration(50 * kMicrosecond), "50us");
    EXPECT_EQ(format_duration(7), "7ns");
    EXPECT_EQ(format_duration(-2 * kSecond), "-2s");
    EXPECT_EQ(format_size(500'000), "500KB");
    EXPECT_EQ(format_size(1 << 20), "1MiB");
    EXPECT_EQ(format_size(512), "512B");
    EXPECT_EQ(format_size(0), "0B");
    EXPECT_EQ(format_bandwidth(20'000'000), "20Mbps");
    EXPECT_EQ(format_bandwidth(1'500), "1500bps");
    EXPECT_EQ(format_rate(3), "3/s");
    EXPECT_EQ(format_rate(0.05), "3/m");
    EXPECT_EQ(format_rate(100.0 / 3600), "1.66667/m");
    EXPECT_EQ(format_rate(2.0 / 3600), "2/h");
    EXPECT_EQ(format_rate(0), "0/s");
}

TEST(Units, FormattedValuesParseBack) {
    for (core::Nanos t : {core::Nanos{1}, 999 * kMicrosecond, 61 * kSecond, 36 * kHour}) {
        EXPECT_EQ(duration(format_duration(t)), t);
    }
    for (std::uint64_t bytes : {1ull, 1000ull, 1024ull, 123'456'789ull, 3ull << 30}) {
        EXPECT_EQ(parse_size(format_size(bytes)).value, bytes);
    }
    for (std::uint64_t bps : {1ull, 64'000ull, 10'000'000'000ull}) {
        EXPECT_EQ(parse_bandwidth(format_bandwidth(bps)).value, bps);
    }
}

TEST(Units, QuoteValueLeavesNumbersBare) {
    EXPECT_EQ(quote_value("2.5"), "2.5");
    EXPECT_EQ(quote_value("eighty"), "\"eighty\"");
    EXPECT_EQ(quote_value("say \"hi\""), R"("say \"hi\"")");
    EXPECT_EQ(quote_value(""), "\"\"");
}

TEST(Units, CompoundDurationsAddUpLargestUnitFirst) {
    EXPECT_EQ(parse_duration("1h30m").value, 90 * core::kMinute);
    EXPECT_EQ(parse_duration("2h 30m 10s").value,
              2 * core::kHour + 30 * core::kMinute + 10 * core::kSecond);
    EXPECT_EQ(parse_duration("1m1.5s").value, 61500 * core::kMillisecond);
    EXPECT_EQ(parse_duration("1d1ns").value, 86400 * core::kSecond + 1);
    const auto backwards = parse_duration("30m1h");
    EXPECT_FALSE(backwards.ok());
    EXPECT_NE(backwards.error.find("largest to smallest"), std::string::npos) << backwards.error;
    EXPECT_FALSE(parse_duration("1m1m").ok());
    const auto bad_part = parse_duration("1h30x");
    EXPECT_FALSE(bad_part.ok());
    EXPECT_NE(bad_part.error.find("\"30x\""), std::string::npos) << bad_part.error;
    EXPECT_FALSE(parse_duration("1h-30m").ok());
}

}  // namespace
}  // namespace sim

// Helpers for the scenario tests: YAML written inline as raw strings.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "sim/scenario/scenario.h"

namespace sim::testing {

// Tests write R"(\nname: x\n...)": dropping the first newline makes line 1 the first line.
inline std::string yaml(std::string_view text) {
    if (!text.empty() && text.front() == '\n') text.remove_prefix(1);
    return std::string(text);
}

inline ScenarioLoad parse(std::string_view text, const std::vector<std::string>& overrides = {}) {
    return parse_scenario_text(yaml(text), "test.yaml", overrides);
}

// The scenario, failing the test (with every error shown) if it did not load.
inline Scenario load_ok(std::string_view text, const std::vector<std::string>& overrides = {}) {
    ScenarioLoad load = parse(text, overrides);
    EXPECT_TRUE(load.ok()) << load.error_text();
    EXPECT_EQ(load.scenario.has_value(), load.ok());
    return load.scenario.value_or(Scenario{});
}

// The single error of a scenario that must fail with exactly one.
inline std::string only_error(std::string_view text,
                              const std::vector<std::string>& overrides = {}) {
    ScenarioLoad load = parse(text, overrides);
    EXPECT_FALSE(load.scenario.has_value());
    EXPECT_EQ(load.errors.size(), 1u) << load.error_text();
    return load.errors.empty() ? std::string() : load.errors.front();
}

// A minimal valid scenario; tests append sections to it. Lines 1-4.
inline constexpr std::string_view kMinimal = R"(
name: t
duration: 1h
network:
  nodes: 10
)";

inline std::string minimal_plus(std::string_view more) {
    return std::string(kMinimal) + yaml(more);
}

}  // namespace sim::testing

// Helpers for the behavioural tests of the simulator: build a World from inline YAML, run
// it, and read back what every node ended with.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string_view>
#include <vector>

#include "core/node.h"
#include "scenario_test_util.h"
#include "sim/world/world.h"

namespace sim::testing {

struct Ran {
    std::unique_ptr<World> world;
    RunResult result;
};

// Builds and runs the world; a scenario the world cannot build fails the test (and the
// returned world is null).
inline Ran run_world(const Scenario& scenario, RunOptions options) {
    Ran ran;
    Expected<std::unique_ptr<World>> world = World::create(scenario, std::move(options));
    EXPECT_TRUE(world.has_value()) << (world ? "" : world.error());
    if (!world) return ran;
    ran.world = std::move(*world);
    ran.result = ran.world->run();
    return ran;
}

// A scenario that does not load fails the test (and the returned world is null).
inline Ran run_world(std::string_view yaml_text, std::uint64_t seed, bool record_trace = false) {
    ScenarioLoad load = parse(yaml_text);
    EXPECT_TRUE(load.ok()) << load.error_text();
    if (!load.ok()) return Ran{};
    RunOptions options;
    options.seed = seed;
    options.record_trace = record_trace;
    return run_world(*load.scenario, std::move(options));
}

// The blocks of a node's active chain, genesis excluded, lowest first.
inline std::vector<core::BlockRef> active_chain(const core::Node& node) {
    std::vector<core::BlockRef> blocks;
    const core::Chain& chain = node.chain();
    for (std::uint64_t h = 1; h <= chain.height(); ++h)
        blocks.push_back(chain.at_height(h)->block);
    return blocks;
}

}  // namespace sim::testing

// The new randomness of issue 9 (the bitcoin and configuration topologies, region jitter) is
// drawn from the named streams: the same seed gives the same trace digest, another seed
// another one.
#include <gtest/gtest.h>

#include <string>

#include "scenario_test_util.h"
#include "sim/world/runner.h"

namespace sim {
namespace {

std::string scenario(const std::string& topology) {
    return R"(
name: network-determinism
duration: 3h
consensus: {block_interval: 2m, pow_bits: 8, retarget: {window: 10}}
network:
  nodes: 60
  topology: )" + topology + R"(
  latency:
    regions:
      names: [na, eu, asia]
      matrix: [[40ms, 90ms, 160ms], [90ms, 15ms, 180ms], [160ms, 180ms, 60ms]]
      assignment: {na: "0-19", eu: "20-39", asia: "40-59"}
      jitter: {dist: pareto, shape: 2.5}
  relay: push
  block_size: 200KB
  processing: {per_block: 5ms, per_kb: 80us}
mining:
  - {nodes: "0-29", share: 0.5}
  - {nodes: "30-59", share: 0.5}
events:
  - {at: 1h, hashrate: {nodes: "30-59", share: 1.5}}
)";
}

std::string digest(const std::string& yaml, std::uint64_t seed) {
    RunConfig config;
    config.seed = seed;
    Expected<RunOutcome> outcome = run_scenario(testing::load_ok(yaml), config);
    EXPECT_TRUE(outcome.has_value()) << (outcome ? "" : outcome.error());
    return outcome ? outcome->report.at("trace_digest").get<std::string>() : std::string();
}

TEST(NetworkDeterminism, SameSeedSameDigestAnotherSeedAnother) {
    for (const std::string topology :
         {"{kind: bitcoin, outbound: 4, max_inbound: 20, reachable: 0.25}",
          "{kind: configuration, degrees: [[2, 0.3], [4, 0.5], [12, 0.2]]}"}) {
        const std::string yaml = scenario(topology);
        const std::string a = digest(yaml, 7);
        EXPECT_FALSE(a.empty()) << topology;
        EXPECT_EQ(digest(yaml, 7), a) << topology;
        EXPECT_NE(digest(yaml, 8), a) << topology;
    }
}

}  // namespace
}  // namespace sim

// network.processing: validation time on the receiving node, per block, per transaction and
// per 1000 bytes of the size a block counts as (block_size when set).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "reports/metrics.h"
#include "world_test_util.h"

namespace sim {
namespace {

using core::kMillisecond;
using testing::run_world;

// Node 0 mines, node 1 receives each block pushed over one 50 ms link with no bandwidth
// limit; blocks carry only their coinbase (a few hundred bytes), padded to `block_size`.
std::string padded_yaml(const std::string& block_size) {
    return R"(
name: per-kb
until: {height: 20}
consensus: {block_interval: 10m, pow_bits: 8}
network:
  nodes: 2
  topology: line
  latency: 50ms
  relay: push
  block_size: )" +
           block_size + R"(
  processing: {per_block: 20ms, per_kb: 3ms}
mining:
  - {nodes: "0", share: 1}
)";
}

// Node 1's delay for each block: link latency + processing.
std::vector<core::Nanos> receive_delays(const std::string& block_size) {
    testing::Ran ran = run_world(padded_yaml(block_size), 3);
    std::vector<core::Nanos> delays;
    if (!ran.world) return delays;
    // (The run stops when node 0 reaches the height, before node 1 gets that last block.)
    for (const reports::BlockRecord& b : ran.world->recorder().blocks()) {
        if (b.delays.size() == 2) delays.push_back(b.delays[1]);
    }
    return delays;
}

TEST(Processing, PerKbChargesTheVirtualBlockSize) {
    const std::vector<core::Nanos> small = receive_delays("1KB");
    const std::vector<core::Nanos> large = receive_delays("1MB");
    ASSERT_GE(small.size(), 19u);
    ASSERT_EQ(small.size(), large.size());  // same seed, same blocks
    for (std::size_t i = 0; i < small.size(); ++i) {
        // 50 ms latency + 20 ms per block + 3 ms per KB: 1 KB -> 73 ms, 1 MB -> 3070 ms.
        EXPECT_EQ(small[i], 73 * kMillisecond) << i;
        EXPECT_EQ(large[i], 3070 * kMillisecond) << i;
        // The difference is exactly per_kb times the 999 KB between them.
        EXPECT_EQ(large[i] - small[i], 999 * 3 * kMillisecond) << i;
    }
}

TEST(Processing, PerKbIsReadAndChecked) {
    ScenarioLoad load = testing::parse(testing::minimal_plus(
        "  processing: {per_block: 1ms, per_tx: 2us, per_kb: 80us}\n"));
    ASSERT_TRUE(load.ok()) << load.error_text();
    EXPECT_EQ(load.scenario->network.processing.per_kb, 80 * core::kMicrosecond);
    EXPECT_EQ(testing::only_error(testing::minimal_plus("  processing: {per_kb: fast}\n")),
              "test.yaml:5:24: network.processing.per_kb: expected a duration such as 80ms, got "
              "\"fast\"");
}

}  // namespace
}  // namespace sim

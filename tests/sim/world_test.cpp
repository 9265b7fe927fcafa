// The world's fault timeline and run control: a crash loses the mempool and keeps the chain,
// and the restarted node re-syncs; `until: {height: N}` stops at N; a hashrate shift with
// retarget moves the difficulty at window boundaries and brings the interval back.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include "core/message.h"
#include "core/pow.h"
#include "reports/metrics.h"
#include "world_test_util.h"

namespace sim {
namespace {

using core::kMinute;
using core::kSecond;
using testing::active_chain;
using testing::run_world;

// ---- crash and restart -------------------------------------------------------------------

// Six nodes with a workload. Node 2 crashes at 60m and restarts at 90m; mining stops at
// 120m so that the end state is settled. Each test runs the part of this timeline it needs.
std::string crash_yaml(const std::string& duration, const std::string& events) {
    return R"(
name: crash
duration: )" +
           duration + R"(
consensus: {block_interval: 2m, pow_bits: 8}
network:
  nodes: 6
  topology: {kind: ring}
  latency: {dist: constant, value: 100ms}
workload: {accounts: 10, tx_rate: 0.5/s}
)" + (events.empty() ? "" : "events:\n" + events);
}

constexpr std::string_view kCrashEvent = "  - {at: 60m, crash: \"2\"}\n";
constexpr std::string_view kRestartEvents =
    "  - {at: 90m, restart: \"2\"}\n  - {at: 120m, hashrate: {nodes: all, share: 0}}\n";
constexpr core::Nanos kCrash = 60 * kMinute;
constexpr core::Nanos kRestart = 90 * kMinute;
constexpr int kCrashed = 2;

// The tip `node` moved to last before `t`.
core::Hash256 tip_before(const RunResult& result, int node, core::Nanos t) {
    core::Hash256 tip;
    for (const TraceRecord& r : result.trace) {
        if (r.kind == TraceKind::kTipChanged && r.a == node && r.at < t) tip = r.subject;
    }
    return tip;
}

TEST(CrashRestart, JustBeforeTheCrashTheNodeHasPendingTransactions) {
    // The premise of the next test: there is a mempool to lose.
    testing::Ran ran = run_world(crash_yaml("3599s", ""), 1);
    ASSERT_TRUE(ran.world);
    EXPECT_GT(ran.world->node(kCrashed).mempool().size(), 5u);
    EXPECT_GT(ran.world->node(kCrashed).chain().height(), 10u);
}

TEST(CrashRestart, ACrashedNodeLosesItsMempoolAndKeepsItsChain) {
    testing::Ran ran = run_world(crash_yaml("75m", std::string(kCrashEvent)), 1, true);
    ASSERT_TRUE(ran.world);
    const World& world = *ran.world;
    ASSERT_FALSE(world.node_up(kCrashed));
    EXPECT_EQ(world.node(kCrashed).mempool().size(), 0u);
    for (int i = 0; i < world.node_count(); ++i) {
        if (i == kCrashed) continue;
        EXPECT_GT(world.node(i).mempool().size(), 0u) << "node " << i;
    }
    // The chain is the one it had when it crashed.
    EXPECT_EQ(world.node(kCrashed).chain().tip()->hash(), tip_before(ran.result, kCrashed, kCrash));
    EXPECT_GT(world.node(kCrashed).chain().height(), 10u);
    // ... while the others went on without it.
    EXPECT_GT(world.node(0).chain().height(), world.node(kCrashed).chain().height());
}

TEST(CrashRestart, TheRestartedNodeResyncsWithoutRefetchingWhatItHad) {
    testing::Ran ran = run_world(
        crash_yaml("130m", std::string(kCrashEvent) + std::string(kRestartEvents)), 1, true);
    ASSERT_TRUE(ran.world);
    const World& world = *ran.world;
    ASSERT_TRUE(world.node_up(kCrashed));

    // Converged: the same tip everywhere, recorded as converged after the restart.
    const core::Hash256 tip = world.node(0).chain().tip()->hash();
    for (int i = 0; i < world.node_count(); ++i)
        EXPECT_EQ(world.node(i).chain().tip()->hash(), tip) << "node " << i;
    ASSERT_EQ(world.recorder().convergence().size(), 1u);
    const reports::ConvergenceRecord& c = world.recorder().convergence()[0];
    EXPECT_EQ(c.at, kRestart);
    ASSERT_TRUE(c.converged_at.has_value());
    EXPECT_LT(*c.converged_at - c.at, 10 * kSecond);

    // The blocks it held at the crash are still its own: after the restart it is sent only
    // blocks it did not have.
    const core::Hash256 tip_at_crash = tip_before(ran.result, kCrashed, kCrash);
    std::set<core::Hash256> held;
    for (const core::BlockIndex* b = world.node(kCrashed).chain().find(tip_at_crash); b != nullptr;
         b = b->parent) {
        held.insert(b->hash());
    }
    ASSERT_GT(held.size(), 10u);
    std::size_t fetched_after_restart = 0;
    for (const TraceRecord& r : ran.result.trace) {
        if (r.kind != TraceKind::kDeliver || r.a != kCrashed || r.at < kRestart ||
            r.detail != static_cast<std::uint32_t>(core::Message::Kind::kBlock)) {
            continue;
        }
        ++fetched_after_restart;
        EXPECT_EQ(held.count(r.subject), 0u) << r.describe();
    }
    // It did have to catch up on what was mined while it was down.
    EXPECT_GT(fetched_after_restart, 5u);
    EXPECT_GT(world.node(kCrashed).chain().height() + 1, held.size() + 5);
}

// ---- until: {height: N} ---------------------------------------------------------------------

TEST(Until, StopsWhenTheFirstNodeReachesTheHeight) {
    const std::uint64_t height = 25;
    testing::Ran ran = run_world(R"(
name: until
until: {height: 25}
consensus: {block_interval: 1m, pow_bits: 8}
network:
  nodes: 5
  topology: {kind: line}
  latency: {dist: constant, value: 2s}
)",
                                 1, /*record_trace=*/true);
    ASSERT_TRUE(ran.world);
    const World& world = *ran.world;
    std::uint64_t highest = 0;
    std::uint64_t lowest = height;
    for (int i = 0; i < world.node_count(); ++i) {
        highest = std::max(highest, world.node(i).chain().height());
        lowest = std::min(lowest, world.node(i).chain().height());
    }
    EXPECT_EQ(highest, height);
    // It stopped at once: the block at N had not yet reached every node (2 s per hop).
    EXPECT_LT(lowest, height);
    // ... at the moment the first node moved its tip to height N, the last event hashed.
    ASSERT_FALSE(ran.result.trace.empty());
    const TraceRecord& last = ran.result.trace.back();
    EXPECT_EQ(last.kind, TraceKind::kTipChanged);
    const reports::BlockRecord* block = world.recorder().find_block(last.subject);
    ASSERT_NE(block, nullptr);
    EXPECT_EQ(block->height, height);
    EXPECT_EQ(ran.result.sim_time, last.at);
    for (const reports::BlockRecord& b : world.recorder().blocks())
        EXPECT_LE(b.height, height);
}

}  // namespace
}  // namespace sim

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

// ---- retarget after a hashrate shift ---------------------------------------------------------

// Two miners with half the hashrate each; at 5h30m both double, so the network's hashrate
// doubles. Window W = 100 blocks, target interval T = 1 min: windows 0-2 (heights 0-299) run
// before the shift, window 3 (300-399) contains it, window 4 (400-499) is the first one mined
// entirely at the new hashrate, and windows 5-8 (500-899) are each set by a retarget over a
// window mined entirely at the new hashrate.
constexpr int kWindow = 100;
constexpr std::string_view kRetarget = R"(
name: retarget
until: {height: 900}
consensus: {block_interval: 1m, pow_bits: 10, retarget: {window: 100}}
network:
  nodes: 2
  topology: {kind: line}
  latency: {dist: constant, value: 50ms}
mining:
  - {nodes: "0", share: 0.5}
  - {nodes: "1", share: 0.5}
events:
  - {at: 330m, hashrate: {nodes: "0", share: 1}}
  - {at: 330m, hashrate: {nodes: "1", share: 1}}
)";

// The reference for windows 5-8, from the retarget rule alone (Bitcoin's: new target = old *
// timespan / (W * T), the timespan running from the window's first block to its last, so
// over W - 1 intervals). At a constant hashrate, a window's intervals are exponential with
// mean m; the retarget after it sets the next window's mean to m * (W * T) / (m * G) =
// T * W / G, where G ~ Gamma(W - 1, 1) is the sum of those W - 1 intervals in units of m:
// independent of the difficulty before. So for windows j = 5..8, with G_4 .. G_7 from the
// windows before them:
//   expected interval  m_j = T * W / G_{j-1}          (the difficulty, as a time)
//   observed interval  r_j = m_j * (sum of the W intervals of window j, in units of m_j) / W
// The test compares the means over the four windows, of m_j and of r_j, with the mean and
// standard deviation of the same statistics in this model (a Monte Carlo with its own RNG;
// the clamp to [T/4, 4T] and the pow limit never bind at W = 100 after the shift).
struct RetargetReference {
    double expected_mean = 0, expected_sd = 0;  // of mean_j m_j / T
    double observed_mean = 0, observed_sd = 0;  // of mean_j r_j / T
};

RetargetReference retarget_reference(int replicates) {
    std::uint64_t state = 77;
    auto exponential = [&state] {
        std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        z ^= z >> 31;
        return -std::log1p(-static_cast<double>(z >> 11) * 0x1.0p-53);
    };
    std::vector<double> expected, observed;
    for (int r = 0; r < replicates; ++r) {
        double g = 0;  // G of the window before: its last W - 1 intervals
        for (int i = 0; i < kWindow - 1; ++i)
            g += exponential();
        double sum_m = 0, sum_r = 0;
        for (int j = 0; j < 4; ++j) {
            const double m = kWindow / g;
            const double first = exponential();
            double rest = 0;
            for (int i = 0; i < kWindow - 1; ++i)
                rest += exponential();
            sum_m += m;
            sum_r += m * (first + rest) / kWindow;
            g = rest;
        }
        expected.push_back(sum_m / 4);
        observed.push_back(sum_r / 4);
    }
    auto mean_sd = [](const std::vector<double>& v, double& mean, double& sd) {
        mean = 0;
        for (double x : v)
            mean += x;
        mean /= static_cast<double>(v.size());
        sd = 0;
        for (double x : v)
            sd += (x - mean) * (x - mean);
        sd = std::sqrt(sd / static_cast<double>(v.size() - 1));
    };
    RetargetReference ref;
    mean_sd(expected, ref.expected_mean, ref.expected_sd);
    mean_sd(observed, ref.observed_mean, ref.observed_sd);
    return ref;
}

TEST(Retarget, AfterAHashrateShiftTheDifficultyAdjustsAndTheIntervalReturns) {
    const std::uint64_t seed = 4;
    testing::Ran ran = run_world(kRetarget, seed);
    ASSERT_TRUE(ran.world);
    const World& world = *ran.world;
    const reports::Recorder& recorder = world.recorder();
    const std::vector<const reports::BlockRecord*> chain = reports::main_chain(recorder);
    ASSERT_GE(chain.size(), 9u * kWindow);
    const double t = core::to_seconds(world.scenario().consensus.block_interval);
    const core::Nanos shift = 330 * kMinute;
    // main_chain() starts at height 1: the block at height h is chain[h - 1].
    auto at = [&](int h) { return chain[static_cast<std::size_t>(h - 1)]; };
    auto bits = [&](int h) { return at(h)->block->header().bits; };
    auto found = [&](int h) { return h == 0 ? core::Nanos{0} : at(h)->found; };
    // The timeline the windows were chosen for.
    ASSERT_LT(found(3 * kWindow), shift);
    ASSERT_GT(found(4 * kWindow - 1), shift);

    // Bits change only where a window starts ...
    std::set<int> changed;
    for (int h = 2; h <= static_cast<int>(chain.size()); ++h) {
        if (bits(h) == bits(h - 1)) continue;
        EXPECT_EQ(h % kWindow, 0) << "bits changed at height " << h;
        changed.insert(h);
    }
    // ... and at each of the boundaries after the shift (a retarget never lands on the same
    // compact value by chance at this precision).
    for (int h = 4 * kWindow; h <= 8 * kWindow; h += kWindow)
        EXPECT_EQ(changed.count(h), 1u) << "height " << h;

    // Windows 5-8 against the reference.
    const double hashrate = 2 * world.calibrated_hashrate();
    double sum_expected = 0, sum_observed = 0;
    for (int j = 5; j <= 8; ++j) {
        const int first = j * kWindow;
        const double m = core::block_work(bits(first)).to_double() / hashrate;
        const double r = core::to_seconds(found(first + kWindow - 1) - found(first - 1)) / kWindow;
        std::printf("window %d: expected interval %.1f s, observed %.1f s\n", j, m, r);
        sum_expected += m / t;
        sum_observed += r / t;
    }
    const double expected = sum_expected / 4;
    const double observed = sum_observed / 4;
    const RetargetReference ref = retarget_reference(4000);
    std::printf(
        "seed %llu: windows 5-8 mean expected interval %.3f T (reference %.3f +- %.3f), "
        "observed %.3f T (reference %.3f +- %.3f); before the shift's retarget the expected "
        "interval was %.3f T\n",
        static_cast<unsigned long long>(seed), expected, ref.expected_mean, ref.expected_sd,
        observed, ref.observed_mean, ref.observed_sd,
        core::block_work(bits(3 * kWindow)).to_double() / hashrate / t);
    // Without a retarget the new hashrate would mine at the old difficulty: about T / 2.
    EXPECT_NEAR(expected, ref.expected_mean, 4 * ref.expected_sd) << "seed " << seed;
    EXPECT_NEAR(observed, ref.observed_mean, 4 * ref.observed_sd) << "seed " << seed;
    EXPECT_GT(ref.expected_mean - 4 * ref.expected_sd, 0.5);
}

}  // namespace
}  // namespace sim

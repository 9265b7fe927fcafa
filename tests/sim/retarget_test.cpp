// The retarget in a running world: pow_bits is the initial difficulty and the pow limit is
// 2^8 times easier, so the difficulty follows the hashrate both ways. At a constant hashrate
// the mean interval is Bitcoin's rule's W / (W - 2) x T; after the hashrate halves or doubles
// the interval is back within 10% of T within three windows.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "core/pow.h"
#include "reports/metrics.h"
#include "world_test_util.h"

namespace sim {
namespace {

using testing::run_world;

// What a run's main chain says about each window j (heights jW .. jW + W - 1).
struct Window {
    double expected_s = 0;  // the interval its difficulty gives at the hashrate mining it
    double observed_s = 0;  // its W intervals' mean: found(jW + W - 1) - found(jW - 1), / W
};

std::vector<Window> windows(const World& world, int window, double hashrate_after,
                            int shifted_from) {
    const std::vector<const reports::BlockRecord*> chain = reports::main_chain(world.recorder());
    auto found = [&](int h) {
        return h == 0 ? 0.0 : core::to_seconds(chain[static_cast<std::size_t>(h - 1)]->found);
    };
    std::vector<Window> out;
    for (int j = 1; (j + 1) * window <= static_cast<int>(chain.size()); ++j) {
        const int first = j * window;
        const std::uint32_t bits = chain[static_cast<std::size_t>(first - 1)]->block->header().bits;
        const double hashrate = j >= shifted_from ? hashrate_after : world.calibrated_hashrate();
        Window w;
        w.expected_s = core::block_work(bits).to_double() / hashrate;
        w.observed_s = (found(first + window - 1) - found(first - 1)) / window;
        out.push_back(w);
    }
    return out;
}

// At a constant hashrate the mean interval is W / (W - 2) x T, not T.
//
// Derivation. Bitcoin's retarget at the end of window j measures the timespan from the
// window's first block (height jW) to its last (jW + W - 1): W - 1 intervals, not W (the
// off-by-one Bitcoin Core keeps). Those intervals are exponential with the window's mean m_j,
// so the timespan is m_j * G_j with G_j ~ Gamma(W - 1, 1), and the next target is the old one
// times m_j * G_j / (W * T): the next window's mean is m_{j+1} = m_j * W * T / (m_j * G_j)
// = W * T / G_j, whatever m_j was. With E[1 / G] = 1 / (W - 2) for G ~ Gamma(W - 1, 1),
// every window after the first has E[m] = W / (W - 2) x T. (The factor-4 clamp binds only
// when G_j / G_{j-1} leaves [1/4, 4]: for W = 20, a ratio of two Gamma(19), about 1e-5.)
//
// Window 0 runs at the calibrated difficulty (mean T) and is left out. The tolerance is four
// standard errors of the mean of the per-window observed means, from their sample standard
// deviation; neighbouring windows are negatively correlated (a slow window lowers the next
// difficulty), so treating them as independent overstates the error.
TEST(Retarget, ConstantHashrateMeanIntervalIsWOverWMinusTwoTimesT) {
    constexpr int kW = 20;
    constexpr int kWindows = 400;
    const std::string yaml = R"(
name: retarget-constant
until: {height: )" + std::to_string(kW * (kWindows + 1)) +
                             R"(}
consensus: {block_interval: 10m, pow_bits: 8, retarget: {window: 20}}
network:
  nodes: 2
  topology: line
  latency: 50ms
  relay: push
mining:
  - {nodes: "0", share: 1}
)";
    testing::Ran ran = run_world(yaml, 6);
    ASSERT_TRUE(ran.world);
    const double t = 600;
    const std::vector<Window> w = windows(*ran.world, kW, ran.world->calibrated_hashrate(), 1 << 30);
    ASSERT_GE(w.size(), static_cast<std::size_t>(kWindows - 1));
    double sum = 0, sum_sq = 0;
    for (const Window& x : w) {
        sum += x.observed_s / t;
        sum_sq += (x.observed_s / t) * (x.observed_s / t);
    }
    const double n = static_cast<double>(w.size());
    const double mean = sum / n;
    const double sd = std::sqrt((sum_sq - n * mean * mean) / (n - 1));
    const double se = sd / std::sqrt(n);
    const double expected = static_cast<double>(kW) / (kW - 2);  // 1.111
    std::printf("W = %d: mean interval %.4f T over %zu windows (se %.4f T); W / (W - 2) = %.4f\n",
                kW, mean, w.size(), se, expected);
    EXPECT_NEAR(mean, expected, 4 * se);
    // And distinguishably not T: a rule without the off-by-one would fail here.
    EXPECT_GT(mean - 1.0, 3 * se);
}

// Two miners of half the hashrate each on a line; W = 2016 at T = 10 min, as Bitcoin. At day
// 30 (about height 4320, inside window 2) node 1's hashrate changes to `share` of the initial
// total, so the total becomes 0.5 + share. Window 3 is set by a window mined partly at each
// hashrate, window 4 by one mined entirely at the new one.
std::string shift_yaml(double share) {
    return R"(
name: retarget-shift
until: {height: 12096}
consensus: {block_interval: 10m, pow_bits: 8, retarget: {window: 2016}}
network:
  nodes: 2
  topology: line
  latency: 50ms
  relay: push
mining:
  - {nodes: "0", share: 0.5}
  - {nodes: "1", share: 0.5}
events:
  - {at: 30d, hashrate: {nodes: "1", share: )" +
           std::to_string(share) + R"(}}
)";
}

// Checks windows 3..5, the three after the one the shift falls in: by window 4 (the second)
// the difficulty has caught up, so windows 4 and 5 must be within 10% of T, both as the
// difficulty gives them and as mined. Each window's expected interval is T * W / G with
// G ~ Gamma(2015, 1): standard deviation 2.2% of T, so 10% is 4.5 of them; the observed mean
// adds the window's own sampling error, another 2.2%: 10% is 3.2 combined.
void expect_recovery(double share, double disturbed_ratio) {
    testing::Ran ran = run_world(shift_yaml(share), 8);
    ASSERT_TRUE(ran.world);
    constexpr int kW = 2016;
    const double t = 600;
    const double hashrate = ran.world->calibrated_hashrate() * (0.5 + share);
    // windows() starts at window 1; the shift's window (2) is mined partly at each hashrate,
    // so it is skipped and the expected intervals use the new hashrate from window 3 on.
    const std::vector<Window> w = windows(*ran.world, kW, hashrate, 3);
    ASSERT_EQ(w.size(), 5u);  // windows 1..5: w[j - 1] is window j
    const std::vector<const reports::BlockRecord*> chain =
        reports::main_chain(ran.world->recorder());
    auto found = [&](int h) {
        return core::to_seconds(chain[static_cast<std::size_t>(h - 1)]->found);
    };
    // The shift's effect before the retarget: the blocks of window 2 after day 30 come at
    // the old difficulty, disturbed_ratio x T.
    int after_shift = 0;
    for (int h = 2 * kW; h < 3 * kW; ++h) {
        if (found(h) >= 30 * 86400.0) {
            after_shift = h;
            break;
        }
    }
    ASSERT_GT(after_shift, 2 * kW);
    const double disturbed = (found(3 * kW - 1) - found(after_shift)) / (3 * kW - 1 - after_shift);
    std::printf("share %.1f: window 2 after the shift %.3f T (old difficulty), window 3 %.3f T "
                "expected / %.3f T observed, window 4 %.3f / %.3f, window 5 %.3f / %.3f\n",
                share, disturbed / t, w[2].expected_s / t, w[2].observed_s / t,
                w[3].expected_s / t, w[3].observed_s / t, w[4].expected_s / t,
                w[4].observed_s / t);
    // The disturbance is real: without a retarget the interval would stay there.
    EXPECT_NEAR(disturbed / t, disturbed_ratio, 0.15 * disturbed_ratio);
    for (double x : {w[3].expected_s, w[3].observed_s, w[4].expected_s, w[4].observed_s})
        EXPECT_NEAR(x / t, 1.0, 0.10);
}

TEST(Retarget, AfterAHalvingTheIntervalReturnsWithinThreeWindows) {
    expect_recovery(0.0, 2.0);
}

TEST(Retarget, AfterADoublingTheIntervalReturnsWithinThreeWindows) {
    expect_recovery(1.5, 0.5);
}

}  // namespace
}  // namespace sim

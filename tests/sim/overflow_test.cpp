// Time arithmetic never overflows (issue 12): a double of seconds becomes Nanos saturating,
// the scheduler saturates far delays at the end of time, and a link busy for longer than
// int64 nanoseconds hold delivers at the end of time instead of wrapping into the past.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "core/time.h"
#include "sim/engine/scheduler.h"
#include "sim/net/network.h"

namespace sim {
namespace {

TEST(TimeOverflow, SecondsToNanosSaturates) {
    EXPECT_EQ(core::seconds_to_nanos(1.5), 1'500'000'000);
    EXPECT_EQ(core::seconds_to_nanos(100.0 * 86400 * 365), 100LL * 86400 * 365 * core::kSecond);
    EXPECT_EQ(core::seconds_to_nanos(293.0 * 365 * 86400), core::kNever);  // past ~292 years
    EXPECT_EQ(core::seconds_to_nanos(1e300), core::kNever);
    EXPECT_EQ(core::seconds_to_nanos(std::numeric_limits<double>::infinity()), core::kNever);
    EXPECT_EQ(core::seconds_to_nanos(std::nan("")), core::kNever);
    EXPECT_EQ(core::seconds_to_nanos(-1e300), -core::kNever);
}

TEST(TimeOverflow, SchedulerSaturatesAFarDelay) {
    Scheduler scheduler;
    bool ran = false;
    scheduler.schedule_after(core::kSecond, [] {});
    ASSERT_TRUE(scheduler.run_one());
    scheduler.schedule_after(core::kNever, [&] { ran = true; });
    scheduler.schedule_after(2 * core::kSecond, [] {});
    ASSERT_TRUE(scheduler.run_one());
    EXPECT_EQ(scheduler.now(), 3 * core::kSecond);  // the far event did not wrap to the past
    EXPECT_FALSE(ran);
}

TEST(TimeOverflow, AVerySlowLinkDeliversAtTheEndOfTime) {
    // 1 bps and 1 GB messages: each one keeps the link busy for 254 years; three of them
    // used to overflow busy_until (UBSan: signed overflow in Network::send).
    Scheduler scheduler;
    TopologySpec spec;
    spec.kind = TopologyKind::kLine;
    Rng rng(1);
    Topology topology = std::move(build_topology(spec, 2, rng)).value();
    LatencySpec latency;
    latency.distribution.value = core::kSecond;
    ASSERT_TRUE(assign_latencies(topology, latency, rng).ok());
    Network network(scheduler, std::move(topology), LinkParams{1, 0.0, {}, {}}, Rng::stream(1, "loss"));
    std::vector<core::Nanos> delivered;
    for (int i = 0; i < 4; ++i)
        network.send(0, 1, 1'000'000'000, [&] { delivered.push_back(scheduler.now()); });
    while (scheduler.run_one()) {
    }
    ASSERT_EQ(delivered.size(), 4u);
    for (std::size_t i = 1; i < delivered.size(); ++i)
        EXPECT_GE(delivered[i], delivered[i - 1]);  // in order, never wrapped
    EXPECT_EQ(delivered.back(), core::kNever);
}

}  // namespace
}  // namespace sim

#include "sim/net/network.h"

#include <cmath>
#include <memory>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

namespace sim {
namespace {

using core::kMillisecond;
using core::kSecond;
using Change = std::tuple<int, int, bool>;

LinkParams link_params(std::uint64_t bandwidth_bps, double loss) {
    LinkParams params;
    params.bandwidth_bps = bandwidth_bps;
    params.loss = loss;
    return params;
}

LatencySpec constant_latency(core::Nanos value) {
    LatencySpec spec;
    spec.distribution.value = value;
    return spec;
}

LatencySpec uniform_latency(core::Nanos min, core::Nanos max) {
    LatencySpec spec;
    spec.distribution.dist = LatencyDist::kUniform;
    spec.distribution.min = min;
    spec.distribution.max = max;
    return spec;
}

Topology make_topology(TopologyKind kind, int nodes, core::Nanos latency) {
    TopologySpec spec;
    spec.kind = kind;
    Rng rng(1);
    Topology t = std::move(build_topology(spec, nodes, rng)).value();
    EXPECT_TRUE(assign_latencies(t, constant_latency(latency), rng).ok());
    return t;
}

// A network plus a log of deliveries (time, label) and link changes.
struct Harness {
    Scheduler scheduler;
    std::unique_ptr<Network> network;
    std::vector<std::pair<core::Nanos, int>> deliveries;
    std::vector<Change> changes;

    Harness(Topology topology, LinkParams params = {}, std::uint64_t seed = 1) {
        network = std::make_unique<Network>(scheduler, std::move(topology), params,
                                            Rng::stream(seed, "loss"));
        network->on_link_change([this](int a, int b, bool up) { changes.emplace_back(a, b, up); });
    }
    void send(int from, int to, std::uint64_t bytes, int label) {
        network->send(from, to, bytes,
                      [this, label] { deliveries.emplace_back(scheduler.now(), label); });
    }
    void at(core::Nanos t, Callback action) { scheduler.schedule_at(t, std::move(action)); }
    void expect_balanced() const {
        const NetworkCounters& c = network->counters();
        EXPECT_EQ(c.sent, c.delivered + c.dropped() + network->in_flight());
    }
};

TEST(Network, FifoAndBandwidthTimingIsExact) {
    // 8 Mbit/s moves one byte per microsecond: a 1000-byte message takes 1 ms on the wire.
    Harness h(make_topology(TopologyKind::kLine, 2, 10 * kMillisecond), link_params(8'000'000, 0.0));
    h.send(0, 1, 1000, 1);
    h.send(0, 1, 1000, 2);  // queued behind the first
    h.send(0, 1, 1000, 3);
    h.send(1, 0, 1000, 4);  // the other direction has its own queue
    h.at(20 * kMillisecond, [&] { h.send(0, 1, 500, 5); });   // link idle again
    h.at(20 * kMillisecond, [&] { h.send(0, 1, 2000, 6); });  // behind message 5
    h.scheduler.run();
    const std::vector<std::pair<core::Nanos, int>> expected = {
        {11 * kMillisecond, 1},
        {11 * kMillisecond, 4},
        {12 * kMillisecond, 2},
        {13 * kMillisecond, 3},
        {30 * kMillisecond + 500 * core::kMicrosecond, 5},
        {32 * kMillisecond + 500 * core::kMicrosecond, 6},
    };
    EXPECT_EQ(h.deliveries, expected);
    EXPECT_EQ(h.network->counters().delivered, 6u);
    h.expect_balanced();
}

// send_adjacent (a relay's sends, no link lookup) is send() to adjacent(from)[index]: the same
// timing, the same FIFO queues and the same counters, faults included.
TEST(Network, SendAdjacentIsSendToThatNeighbour) {
    auto run = [](bool adjacent) {
        TopologySpec spec;
        spec.kind = TopologyKind::kRandomRegular;
        spec.degree = 4;
        Rng rng(7);
        Topology t = std::move(build_topology(spec, 20, rng)).value();
        const LatencySpec latency = uniform_latency(5 * kMillisecond, 50 * kMillisecond);
        EXPECT_TRUE(assign_latencies(t, latency, rng).ok());
        Harness h(std::move(t), link_params(8'000'000, 0.2), 3);
        auto relay = [&h, adjacent](int from, std::uint64_t bytes, int label) {
            const std::span<const int> peers = h.network->adjacent(from);
            for (std::uint32_t i = 0; i < peers.size(); ++i) {
                const int l = label * 100 + static_cast<int>(i);
                auto record = [&h, l] { h.deliveries.emplace_back(h.scheduler.now(), l); };
                if (adjacent) {
                    h.network->send_adjacent(from, i, bytes, record);
                } else {
                    h.network->send(from, peers[i], bytes, record);
                }
            }
        };
        for (int n = 0; n < 20; ++n)
            relay(n, 1000 + 37 * static_cast<std::uint64_t>(n), n);
        h.at(30 * kMillisecond, [&] { EXPECT_TRUE(h.network->set_node_up(3, false).ok()); });
        h.at(31 * kMillisecond, [&] {
            for (int n = 0; n < 20; ++n)
                relay(n, 500, 100 + n);
        });
        h.scheduler.run();
        h.expect_balanced();
        const NetworkCounters& c = h.network->counters();
        return std::make_tuple(h.deliveries, c.sent, c.delivered, c.dropped_loss,
                               c.dropped_node_down, c.dropped_in_flight);
    };
    const auto by_lookup = run(false);
    const auto by_index = run(true);
    EXPECT_EQ(by_lookup, by_index);
    EXPECT_GT(std::get<4>(by_index), 0u);  // the crash dropped some
    EXPECT_GT(std::get<3>(by_index), 0u);  // and loss some
}

TEST(Network, TransferTimeRoundsUpToWholeNanoseconds) {
    // 1 byte at 3 bit/s: 8/3 s = 2666666666.67 ns, rounded up.
    Harness h(make_topology(TopologyKind::kLine, 2, 0), link_params(3, 0.0));
    h.send(0, 1, 1, 1);
    h.scheduler.run();
    ASSERT_EQ(h.deliveries.size(), 1u);
    EXPECT_EQ(h.deliveries[0].first, 2666666667);
}

TEST(Network, PerLinkBandwidthIsUsedWhenParamsLeaveItUnset) {
    Topology t = make_topology(TopologyKind::kLine, 3, 0);
    t.link(t.link_id(1, 2)).bandwidth_bps = 8'000;  // 1 byte per ms
    Harness h(std::move(t));
    h.send(0, 1, 1000, 1);
    h.send(1, 2, 1000, 2);
    h.scheduler.run();
    EXPECT_EQ(h.deliveries, (std::vector<std::pair<core::Nanos, int>>{{0, 1}, {kSecond, 2}}));
}

TEST(Network, LineRelayTakesHopsTimesLatency) {
    const core::Nanos latency = 37 * kMillisecond;
    const int n = 8;
    Harness h(make_topology(TopologyKind::kLine, n, latency));
    std::vector<core::Nanos> reached(n, -1);
    reached[0] = 0;
    std::function<void(int)> relay = [&](int node) {
        reached[node] = h.scheduler.now();
        if (node + 1 < n) h.network->send(node, node + 1, 100, [&relay, node] { relay(node + 1); });
    };
    h.network->send(0, 1, 100, [&relay] { relay(1); });
    h.scheduler.run();
    const std::vector<core::Nanos> analytic = h.network->topology().latency_distances(0);
    const std::vector<int> hops = h.network->topology().hop_distances(0);
    for (int v = 0; v < n; ++v) {
        EXPECT_EQ(reached[v], hops[v] * latency) << "node " << v;
        EXPECT_EQ(reached[v], analytic[v]) << "node " << v;
    }
}

TEST(Network, NoLinkMeansDropped) {
    Harness h(make_topology(TopologyKind::kLine, 3, kMillisecond));
    auto token = std::make_shared<int>(0);
    h.network->send(0, 2, 10, [token] {});
    EXPECT_EQ(token.use_count(), 1);  // the callback was dropped, not kept
    h.scheduler.run();
    EXPECT_EQ(h.network->counters().dropped_no_link, 1u);
    EXPECT_EQ(h.network->counters().delivered, 0u);
    h.expect_balanced();
}

TEST(Network, PartitionDropsInFlightAndHealNotifiesUp) {
    Harness h(make_topology(TopologyKind::kLine, 4, 100 * kMillisecond));
    h.send(0, 1, 10, 1);  // within one side of the coming partition
    h.send(2, 3, 10, 2);  // inside one side: unaffected
    h.send(1, 2, 10, 5);  // in flight across the coming partition: dropped
    h.at(50 * kMillisecond, [&] { ASSERT_TRUE(h.network->partition({{0, 1}, {2, 3}}).ok()); });
    h.at(60 * kMillisecond, [&] {
        EXPECT_FALSE(h.network->link_usable(1, 2));
        EXPECT_TRUE(h.network->link_usable(0, 1));
        h.send(1, 2, 10, 3);  // across the partition: dropped at once
    });
    h.at(200 * kMillisecond, [&] { h.network->heal(); });
    h.at(300 * kMillisecond, [&] { h.send(1, 2, 10, 4); });
    h.scheduler.run();

    EXPECT_EQ(h.deliveries,
              (std::vector<std::pair<core::Nanos, int>>{
                  {100 * kMillisecond, 1}, {100 * kMillisecond, 2}, {400 * kMillisecond, 4}}));
    EXPECT_EQ(h.changes, (std::vector<Change>{{1, 2, false}, {1, 2, true}}));
    EXPECT_EQ(h.network->counters().dropped_partition, 1u);
    EXPECT_EQ(h.network->counters().dropped_in_flight, 1u);
    h.expect_balanced();
}

TEST(Network, InFlightMessageAcrossAPartitionIsDroppedEvenIfHealedBeforeDelivery) {
    Harness h(make_topology(TopologyKind::kLine, 2, 100 * kMillisecond));
    h.send(0, 1, 10, 1);
    h.at(10 * kMillisecond,
         [&] { ASSERT_TRUE(h.network->partition({{0}}).ok()); });  // 1 is in the rest
    h.at(20 * kMillisecond, [&] { h.network->heal(); });
    h.scheduler.run();
    EXPECT_TRUE(h.deliveries.empty());
    EXPECT_EQ(h.network->counters().dropped_in_flight, 1u);
    EXPECT_EQ(h.changes, (std::vector<Change>{{0, 1, false}, {0, 1, true}}));
}

TEST(Network, NotificationsComeInAscendingLinkOrder) {
    Harness h(make_topology(TopologyKind::kFull, 5, kMillisecond));
    ASSERT_TRUE(h.network->partition({{4, 0}}).ok());  // {0, 4} against {1, 2, 3}
    const std::vector<Change> expected = {{0, 1, false}, {0, 2, false}, {0, 3, false},
                                          {1, 4, false}, {2, 4, false}, {3, 4, false}};
    EXPECT_EQ(h.changes, expected);
    EXPECT_EQ(h.network->usable_neighbors(0), std::vector<int>{4});
    EXPECT_EQ(h.network->neighbors(0), (std::vector<int>{1, 2, 3, 4}));

    // Re-partitioning changes only the links whose state changes.
    h.changes.clear();
    ASSERT_TRUE(h.network->partition({{0, 4, 3}}).ok());
    EXPECT_EQ(h.changes,
              (std::vector<Change>{{0, 3, true}, {1, 3, false}, {2, 3, false}, {3, 4, true}}));
}

TEST(Network, CutAndRestoreOneLinkAndHealKeepsCuts) {
    Harness h(make_topology(TopologyKind::kRing, 4, kMillisecond));
    ASSERT_TRUE(h.network->cut(2, 1).ok());
    EXPECT_EQ(h.changes, (std::vector<Change>{{1, 2, false}}));
    h.send(1, 2, 10, 1);
    EXPECT_EQ(h.network->counters().dropped_cut, 1u);

    ASSERT_TRUE(h.network->partition({{0, 1}}).ok());
    h.changes.clear();
    h.network->heal();
    // 1-2 stays cut, so only 0-3 comes back.
    EXPECT_EQ(h.changes, (std::vector<Change>{{0, 3, true}}));
    EXPECT_FALSE(h.network->link_usable(1, 2));

    h.changes.clear();
    ASSERT_TRUE(h.network->restore(1, 2).ok());
    EXPECT_EQ(h.changes, (std::vector<Change>{{1, 2, true}}));
    ASSERT_TRUE(h.network->restore(1, 2).ok());  // restoring a working link changes nothing
    EXPECT_EQ(h.changes.size(), 1u);

    EXPECT_FALSE(h.network->cut(0, 2).ok());  // no such link in a 4-ring
    EXPECT_FALSE(h.network->restore(0, 7).ok());
}

TEST(Network, NodeDownDropsItsTrafficAndRestartBringsLinksBack) {
    Harness h(make_topology(TopologyKind::kLine, 3, 100 * kMillisecond));
    h.send(0, 1, 10, 1);  // in flight when 1 crashes
    h.at(50 * kMillisecond, [&] { ASSERT_TRUE(h.network->set_node_up(1, false).ok()); });
    h.at(60 * kMillisecond, [&] {
        h.send(0, 1, 10, 2);  // to a down node
        h.send(1, 2, 10, 3);  // from a down node
        EXPECT_TRUE(h.network->usable_neighbors(1).empty());
    });
    h.at(70 * kMillisecond, [&] { ASSERT_TRUE(h.network->set_node_up(1, true).ok()); });
    h.at(80 * kMillisecond, [&] { h.send(1, 2, 10, 4); });
    h.scheduler.run();
    EXPECT_EQ(h.deliveries, (std::vector<std::pair<core::Nanos, int>>{{180 * kMillisecond, 4}}));
    EXPECT_EQ(h.changes,
              (std::vector<Change>{{0, 1, false}, {1, 2, false}, {0, 1, true}, {1, 2, true}}));
    const NetworkCounters& c = h.network->counters();
    EXPECT_EQ(c.dropped_in_flight, 1u);
    EXPECT_EQ(c.dropped_node_down, 2u);
    h.expect_balanced();

    // Crash while partitioned away: the links are already down, so nothing is reported.
    h.changes.clear();
    ASSERT_TRUE(h.network->partition({{2}}).ok());
    ASSERT_TRUE(h.network->set_node_up(2, false).ok());
    EXPECT_EQ(h.changes, (std::vector<Change>{{1, 2, false}}));
    EXPECT_FALSE(h.network->set_node_up(3, false).ok());
}

TEST(Network, FaultErrorsChangeNothing) {
    Harness h(make_topology(TopologyKind::kFull, 4, kMillisecond));
    const Status out_of_range = h.network->partition({{0, 9}});
    ASSERT_FALSE(out_of_range.ok());
    EXPECT_NE(out_of_range.error().find("node 9"), std::string::npos) << out_of_range.error();
    const Status twice = h.network->partition({{0, 1}, {1, 2}});
    ASSERT_FALSE(twice.ok());
    EXPECT_NE(twice.error().find("node 1"), std::string::npos) << twice.error();
    EXPECT_TRUE(h.changes.empty());
    EXPECT_TRUE(h.network->link_usable(0, 1));
    EXPECT_TRUE(h.network->link_usable(1, 2));
}

TEST(Network, LossRateIsStatisticallyRight) {
    const double loss = 0.2;
    const std::uint64_t seed = 77;
    Harness h(make_topology(TopologyKind::kLine, 2, kMillisecond), link_params(0, loss), seed);
    constexpr int kMessages = 20000;
    for (int i = 0; i < kMessages; ++i)
        h.send(0, 1, 10, i);
    h.scheduler.run();
    const NetworkCounters& c = h.network->counters();
    const double rate = static_cast<double>(c.dropped_loss) / kMessages;
    EXPECT_NEAR(rate, loss, 5 * std::sqrt(loss * (1 - loss) / kMessages)) << "seed " << seed;
    EXPECT_EQ(c.delivered + c.dropped_loss, static_cast<std::uint64_t>(kMessages));

    // The same seed loses the same messages.
    Harness again(make_topology(TopologyKind::kLine, 2, kMillisecond), link_params(0, loss), seed);
    for (int i = 0; i < kMessages; ++i)
        again.send(0, 1, 10, i);
    again.scheduler.run();
    EXPECT_EQ(again.deliveries, h.deliveries);
}

TEST(Network, SetLatencyAffectsLaterMessagesOnly) {
    Harness h(make_topology(TopologyKind::kLine, 2, 100 * kMillisecond));
    h.send(0, 1, 10, 1);
    h.at(10 * kMillisecond, [&] {
        Rng rng(1);
        ASSERT_TRUE(h.network->set_latency(constant_latency(kSecond), rng).ok());
        h.send(0, 1, 10, 2);
        EXPECT_FALSE(h.network->set_latency(uniform_latency(2, 1), rng).ok());
    });
    h.scheduler.run();
    EXPECT_EQ(h.deliveries, (std::vector<std::pair<core::Nanos, int>>{
                                {100 * kMillisecond, 1}, {kSecond + 10 * kMillisecond, 2}}));
    EXPECT_TRUE(h.changes.empty());  // a latency change is not a link change
}

}  // namespace
}  // namespace sim

// Per-node bandwidth (docs/relay.md, "Bandwidth"): a node's upload is shared equally by its
// active outgoing transfers and its download by its incoming ones; one message at a time per
// directed link. Every expectation below is worked out by hand from that model.
#include <cmath>
#include <memory>
#include <vector>

#include <gtest/gtest.h>

#include "scenario_test_util.h"
#include "sim/net/network.h"
#include "world_test_util.h"

namespace sim {
namespace {

using core::kMillisecond;
using core::kSecond;

Topology star(int nodes, core::Nanos latency) {
    TopologySpec spec;
    spec.kind = TopologyKind::kStar;  // node 0 is the hub
    Rng rng(1);
    Topology t = std::move(build_topology(spec, nodes, rng)).value();
    LatencySpec constant;
    constant.distribution.value = latency;
    EXPECT_TRUE(assign_latencies(t, constant, rng).ok());
    return t;
}

struct Harness {
    Scheduler scheduler;
    std::unique_ptr<Network> network;
    std::vector<core::Nanos> arrival;  // by label; -1 until delivered

    Harness(Topology topology, std::vector<std::uint64_t> up, std::vector<std::uint64_t> down,
            std::uint64_t link_bps = 0) {
        LinkParams params;
        params.bandwidth_bps = link_bps;
        params.upload_bps = std::move(up);
        params.download_bps = std::move(down);
        network = std::make_unique<Network>(scheduler, std::move(topology), params,
                                            Rng::stream(1, "loss"));
    }
    void send(int from, int to, std::uint64_t bytes, int label) {
        if (arrival.size() <= static_cast<std::size_t>(label)) arrival.resize(label + 1, -1);
        network->send(from, to, bytes, [this, label] { arrival[label] = scheduler.now(); });
    }
    void at(core::Nanos t, Callback action) { scheduler.schedule_at(t, std::move(action)); }
};

// size * 8 / rate in ns.
double wire(double bytes, double bps) {
    return bytes * 8.0 * 1e9 / bps;
}

constexpr double kSlack = 2.0;  // ns: rounding of the shared model's double arithmetic

TEST(NodeBandwidth, HubUploadingToKPeersDeliversAllAtKTimesSizeOverUpload) {
    const int k = 7;
    const std::uint64_t upload = 10'000'000;  // 10 Mbps
    const std::uint64_t size = 1'000'000;      // 1 MB
    const core::Nanos latency = 50 * kMillisecond;
    std::vector<std::uint64_t> up(k + 1, 0);
    up[0] = upload;
    Harness h(star(k + 1, latency), up, {});
    for (int peer = 1; peer <= k; ++peer)
        h.send(0, peer, size, peer);
    h.scheduler.run();
    // Processor sharing: each transfer gets U / k for its whole life, so all k end together at
    // k * size / U (FIFO would deliver the last one then and the first at size / U).
    const double expected = k * wire(size, upload) + latency;
    for (int peer = 1; peer <= k; ++peer) {
        EXPECT_NEAR(static_cast<double>(h.arrival[peer]), expected, kSlack) << "peer " << peer;
    }
    EXPECT_EQ(h.network->counters().delivered, static_cast<std::uint64_t>(k));
    EXPECT_EQ(h.network->in_flight(), 0u);
}

TEST(NodeBandwidth, SharesAreRecomputedWhenATransferStartsAndEnds) {
    // T = size / U. Transfer A starts at 0, B at T/2. A has half left at T/2; both then run at
    // U/2, so A ends at T/2 + T = 1.5T, when B has done half as well; B alone at U: 2T.
    const std::uint64_t upload = 8'000'000;
    const std::uint64_t size = 500'000;  // T = 0.5 s
    const double T = wire(size, upload);
    std::vector<std::uint64_t> up(3, 0);
    up[0] = upload;
    Harness h(star(3, 0), up, {});
    h.send(0, 1, size, 1);
    h.at(static_cast<core::Nanos>(T / 2), [&] { h.send(0, 2, size, 2); });
    h.scheduler.run();
    EXPECT_NEAR(static_cast<double>(h.arrival[1]), 1.5 * T, kSlack);
    EXPECT_NEAR(static_cast<double>(h.arrival[2]), 2.0 * T, kSlack);
}

TEST(NodeBandwidth, DownloadIsSharedByIncomingTransfers) {
    // Leaves 1..3 send to the hub, whose download D is the only limit: all end at 3 * size / D.
    const std::uint64_t download = 4'000'000;
    const std::uint64_t size = 100'000;
    std::vector<std::uint64_t> down(4, 0);
    down[0] = download;
    Harness h(star(4, 10 * kMillisecond), {}, down);
    for (int leaf = 1; leaf <= 3; ++leaf)
        h.send(leaf, 0, size, leaf);
    h.scheduler.run();
    for (int leaf = 1; leaf <= 3; ++leaf) {
        EXPECT_NEAR(static_cast<double>(h.arrival[leaf]),
                    3 * wire(size, download) + 10 * kMillisecond, kSlack);
    }
}

TEST(NodeBandwidth, OneDirectedLinkCarriesOneMessageAtATimeInOrder) {
    const std::uint64_t upload = 8'000'000;
    std::vector<std::uint64_t> up(2, upload);
    Harness h(star(2, 5 * kMillisecond), up, {});
    h.send(0, 1, 1000, 1);   // 1 ms
    h.send(0, 1, 3000, 2);   // behind it: 3 ms more
    h.send(1, 0, 2000, 3);   // the other direction, the other node's upload: 2 ms
    h.scheduler.run();
    EXPECT_NEAR(static_cast<double>(h.arrival[1]), 6.0 * kMillisecond, kSlack);
    EXPECT_NEAR(static_cast<double>(h.arrival[2]), 9.0 * kMillisecond, kSlack);
    EXPECT_NEAR(static_cast<double>(h.arrival[3]), 7.0 * kMillisecond, kSlack);
}

TEST(NodeBandwidth, TheSlowerEndAndTheLinkCapTheRate) {
    // Hub upload U to leaves 1 and 2; leaf 2's download is U/4. Leaf 1's transfer gets U/2
    // (its share of the hub), leaf 2's min(U/2, U/4) = U/4; capacity leaf 2 cannot take is not
    // handed to leaf 1 while both are active. Leaf 1 ends at 2T; then leaf 2's share of the
    // hub rises to U but its download still holds it at U/4: it ends at 4T. Leaf 3 sits on a
    // 1 Mbps link in a second network: the link caps it below its ends' shares.
    const std::uint64_t upload = 8'000'000;
    const std::uint64_t size = 100'000;  // T = 0.1 s
    const double T = wire(size, upload);
    std::vector<std::uint64_t> up(3, 0), down(3, 0);
    up[0] = upload;
    down[2] = upload / 4;
    Harness h(star(3, 0), up, down);
    h.send(0, 1, size, 1);
    h.send(0, 2, size, 2);
    h.scheduler.run();
    EXPECT_NEAR(static_cast<double>(h.arrival[1]), 2 * T, kSlack);
    EXPECT_NEAR(static_cast<double>(h.arrival[2]), 4 * T, kSlack);

    Harness capped(star(2, 0), {upload, 0}, {}, 1'000'000);
    capped.send(0, 1, size, 1);
    capped.scheduler.run();
    EXPECT_NEAR(static_cast<double>(capped.arrival[1]), wire(size, 1'000'000), kSlack);
}

TEST(NodeBandwidth, ACutDropsTheLinksTransfersAndFreesTheirShare) {
    // Two transfers share the hub's upload; cutting 0-1 at T/2 drops the first and the second
    // speeds up to U: it has done T/4 of work... (U/2 * T/2 = a quarter of size), so 3/4 of
    // size is left at U: it ends at T/2 + 0.75T = 1.25T.
    const std::uint64_t upload = 8'000'000;
    const std::uint64_t size = 100'000;
    const double T = wire(size, upload);
    std::vector<std::uint64_t> up(3, 0);
    up[0] = upload;
    Harness h(star(3, 0), up, {});
    h.send(0, 1, size, 1);
    h.send(0, 1, size, 3);  // queued behind 1 on the same link: dropped too
    h.send(0, 2, size, 2);
    h.at(static_cast<core::Nanos>(T / 2), [&] { ASSERT_TRUE(h.network->cut(0, 1).ok()); });
    h.scheduler.run();
    EXPECT_EQ(h.arrival[1], -1);
    EXPECT_EQ(h.arrival[3], -1);
    EXPECT_NEAR(static_cast<double>(h.arrival[2]), 1.25 * T, kSlack);
    const NetworkCounters& c = h.network->counters();
    EXPECT_EQ(c.dropped_in_flight, 2u);
    EXPECT_EQ(c.sent, c.delivered + c.dropped() + h.network->in_flight());
}

TEST(NodeBandwidth, RatesAreSampledPerNodeByRegionAndDeterministically) {
    NodeRateSpec spec;
    spec.kind = NodeRateSpec::Kind::kRegions;
    RateDistribution fixed;
    fixed.value = 5e6;
    RateDistribution spread;
    spread.dist = RateDist::kLognormal;
    spread.median = 20e6;
    spread.sigma = 0.5;
    spec.by_region = {fixed, spread};
    ASSERT_TRUE(validate(spec, 2).ok());
    EXPECT_FALSE(validate(spec, 3).ok());  // one entry per region
    EXPECT_FALSE(validate(spec, 0).ok());  // regions need latency regions
    const std::vector<int> region = {0, 1, 1, 0, 1};
    Rng a = Rng::stream(7, "bandwidth");
    Rng b = Rng::stream(7, "bandwidth");
    const std::vector<std::uint64_t> first = sample_node_rates(spec, 5, region, a);
    EXPECT_EQ(first, sample_node_rates(spec, 5, region, b));
    EXPECT_EQ(first[0], 5'000'000u);
    EXPECT_EQ(first[3], 5'000'000u);
    EXPECT_NE(first[1], first[2]);
    RateDistribution bad;
    bad.value = 0;
    EXPECT_FALSE(validate(bad).ok());
}

constexpr std::string_view kRegions = R"(
name: t
duration: 1h
network:
  nodes: 4
  latency:
    regions:
      names: [us, eu]
      matrix: [[10ms, 80ms], [80ms, 10ms]]
      assignment: {us: "0-1", eu: "2-3"}
)";

TEST(NodeBandwidthScenario, ReadsValuesDistributionsAndRegionTables) {
    Scenario s = testing::load_ok(std::string(kRegions) + R"(  bandwidth:
    upload: {regions: {us: 50Mbps, eu: {dist: uniform, min: 1Mbps, max: 2Mbps}}}
    download: {dist: lognormal, median: 20Mbps, sigma: 0.5}
    link: 100Mbps
)");
    const NodeBandwidthSpec& b = s.network.node_bandwidth;
    EXPECT_EQ(s.network.bandwidth_bps, 100'000'000u);
    ASSERT_EQ(b.upload.kind, NodeRateSpec::Kind::kRegions);
    ASSERT_EQ(b.upload.by_region.size(), 2u);
    EXPECT_EQ(b.upload.by_region[0].value, 50e6);
    EXPECT_EQ(b.upload.by_region[1].dist, RateDist::kUniform);
    EXPECT_EQ(b.download.kind, NodeRateSpec::Kind::kDistribution);
    EXPECT_EQ(b.download.distribution.median, 20e6);

    // The scalar form stays per link.
    Scenario plain = testing::load_ok(std::string(kRegions) + "  bandwidth: 20Mbps\n");
    EXPECT_EQ(plain.network.bandwidth_bps, 20'000'000u);
    EXPECT_FALSE(plain.network.node_bandwidth.limited());
}

TEST(NodeBandwidthScenario, BadTablesAreErrorsAtTheField) {
    EXPECT_NE(testing::only_error(std::string(kRegions) +
                                  "  bandwidth: {upload: {regions: {us: 5Mbps}}}\n")
                  .find("region 'eu' has no bandwidth"),
              std::string::npos);
    EXPECT_NE(testing::only_error(std::string(kRegions) +
                                  "  bandwidth: {upload: {regions: {us: 5Mbps, mars: 1Mbps, eu: 1Mbps}}}\n")
                  .find("mars"),
              std::string::npos);
    EXPECT_NE(testing::only_error(testing::minimal_plus("  bandwidth: {upload: {regions: {us: 5Mbps}}}"))
                  .find("needs latency regions"),
              std::string::npos);
    EXPECT_FALSE(testing::only_error(testing::minimal_plus("  bandwidth: {download: 0bps}")).empty());
    EXPECT_NE(testing::only_error(testing::minimal_plus("  bandwidth: {link: 5Mbps}"))
                  .find("give upload, download or both"),
              std::string::npos);
}

TEST(NodeBandwidthScenario, SameSeedSameRunAndTheHubBottleneckShows) {
    // A star whose hub mines everything and uploads at 1 Mbps: 100 KB blocks to 5 leaves by
    // push take 5 x 0.8 s = 4 s to reach them all (plus 10 ms latency).
    const std::string yaml = R"(
name: star
duration: 2h
consensus: {block_interval: 10m, pow_bits: 8}
network:
  nodes: 6
  topology: star
  latency: 10ms
  relay: push
  block_size: 100KB
  bandwidth: {upload: {dist: uniform, min: 1Mbps, max: 1Mbps}}
mining:
  - {nodes: "0", share: 1}
)";
    testing::Ran a = testing::run_world(yaml, 5);
    testing::Ran b = testing::run_world(yaml, 5);
    ASSERT_TRUE(a.world && b.world);
    EXPECT_EQ(a.result.trace_digest, b.result.trace_digest);
    const auto& blocks = a.world->recorder().blocks();
    ASSERT_GT(blocks.size(), 3u);
    int checked = 0;
    for (std::size_t k = 0; k < blocks.size(); ++k) {
        const auto& block = blocks[k];
        ASSERT_EQ(block.delays.size(), 6u);
        // A block found while the previous one is still uploading queues behind it.
        if (k > 0 && block.found - blocks[k - 1].found < 5 * kSecond) continue;
        ++checked;
        for (std::size_t i = 1; i < block.delays.size(); ++i)
            EXPECT_NEAR(static_cast<double>(block.delays[i]), 5 * wire(100'000, 1e6) + 10 * kMillisecond,
                        kSlack + 10);
    }
    EXPECT_GT(checked, 3);
}

}  // namespace
}  // namespace sim

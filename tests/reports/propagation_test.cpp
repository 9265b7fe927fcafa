// Propagation figures on a line topology with constant latency equal the analytic values.
//
// On a line every block travels hop by hop; a hop costs, in push relay, one latency plus the
// transfer plus the receiver's processing, and in announce relay three latencies (announce,
// get-block, block) plus the transfer plus processing. With only one miner, blocks far apart
// in time and no transactions, nothing else competes, so the node h hops from the miner
// accepts each block exactly h * hop after it was found. tX is the delay until
// ceil(X% of nodes) had it, the miner (delay 0) included.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "reports/series.h"
#include "reports_test_util.h"

namespace reports {
namespace {

using nlohmann::json;
using testing::TempDir;
namespace fs = std::filesystem;

constexpr int kNodes = 10;

std::string line_scenario(const std::string& relay, int miner) {
    return "name: line\nduration: 2h\n"
           "consensus: {block_interval: 10m, pow_bits: 8}\n"
           "network:\n"
           "  nodes: " +
           std::to_string(kNodes) +
           "\n"
           "  topology: {kind: line}\n"
           "  latency: {dist: constant, value: 50ms}\n"
           "  relay: " +
           relay +
           "\n"
           "  processing: {per_block: 2ms, per_tx: 300us}\n"
           "mining:\n"
           "  - {nodes: \"" +
           std::to_string(miner) + "\", share: 1}\n";
}

// Delay (ns) until ceil(fraction * nodes) nodes had a block from `miner`, `hop` per hop.
core::Nanos analytic(int miner, double fraction, core::Nanos hop) {
    std::vector<core::Nanos> delays;
    for (int node = 0; node < kNodes; ++node)
        delays.push_back(std::abs(node - miner) * hop);
    std::sort(delays.begin(), delays.end());
    const auto needed = static_cast<std::size_t>(std::ceil(fraction * kNodes - 1e-9));
    return delays[needed - 1];
}

// Runs the line and checks every block's row of propagation.csv and the report's summary.
void expect_analytic(const std::string& relay, int miner, core::Nanos hop,
                     const std::vector<std::string>& overrides = {}) {
    TempDir dir;
    testing::write_file(dir / "line.yaml", line_scenario(relay, miner));
    std::vector<std::string> args = {"run",   (dir / "line.yaml").string(), "--quiet", "--no-plots",
                                     "--out", (dir / "out").string()};
    for (const auto& o : overrides) {
        args.push_back("--set");
        args.push_back(o);
    }
    const auto result = testing::chainsim(args);
    ASSERT_EQ(result.exit_code, 0) << result.output;

    const json report = testing::read_json(dir / "out" / "report.json");
    ASSERT_GE(report["blocks"]["mined"].get<int>(), 5) << "too few blocks to mean anything";
    EXPECT_EQ(report["blocks"]["stale"].get<int>(), 0);

    const testing::Csv csv = testing::read_csv(dir / "out" / "propagation.csv");
    ASSERT_EQ(csv.rows.size(), report["blocks"]["mined"].get<std::size_t>());
    const struct {
        const char* column;
        double fraction;
    } quantiles[] = {{"t10_ms", 0.1}, {"t50_ms", 0.5}, {"t90_ms", 0.9}, {"t100_ms", 1.0}};
    for (const auto& q : quantiles) {
        const core::Nanos expected = analytic(miner, q.fraction, hop);
        const std::string text = format_fixed(expected, core::kMillisecond);
        for (const auto& row : csv.rows)
            EXPECT_EQ(row.at(csv.column(q.column)), text) << q.column << " of block " << row[0];
        const std::string key = q.column;
        if (key == "t10_ms") continue;  // only in the CSV
        const double ms = static_cast<double>(expected) / core::kMillisecond;
        for (const char* stat : {"mean", "median", "p90"})
            EXPECT_NEAR(report["propagation"][key][stat].get<double>(), ms, 1e-9)
                << key << "." << stat;
    }
    // t95 is in report.json only (ceil(0.95 * 10) = 10 nodes here: the same as t100; the
    // 21-node test below tells them apart).
    const double t95 = static_cast<double>(analytic(miner, 0.95, hop)) / core::kMillisecond;
    for (const char* stat : {"mean", "median", "p90"})
        EXPECT_NEAR(report["propagation"]["t95_ms"][stat].get<double>(), t95, 1e-9)
            << "t95_ms." << stat;
}

constexpr core::Nanos kLatency = 50 * core::kMillisecond;
constexpr core::Nanos kPerBlock = 2 * core::kMillisecond;

TEST(Propagation, PushOnALineIsHopsTimesLatencyPlusProcessing) {
    // Blocks hold only their coinbase: per_tx is charged for no transaction.
    expect_analytic("push", 0, kLatency + kPerBlock);
}

TEST(Propagation, PushFromTheMiddleOfTheLine) {
    // Miner 4 of 0..9: hop counts 0,1,1,2,2,3,3,4,4,5.
    expect_analytic("push", 4, kLatency + kPerBlock);
}

TEST(Propagation, AnnounceCostsThreeLatenciesPerHop) {
    expect_analytic("announce", 0, 3 * kLatency + kPerBlock);
}

TEST(Propagation, PushWithBandwidthAddsTheTransferTime) {
    // 125 KB at 10 Mbps: 125000 * 8 / 1e7 s = 100 ms per hop.
    expect_analytic("push", 0, kLatency + 100 * core::kMillisecond + kPerBlock,
                    {"network.bandwidth=10Mbps", "network.block_size=125KB"});
}

TEST(Propagation, T95OnALineOf21IsNineteenHops) {
    // Push from node 0 along 0..20: node h accepts at h hops. ceil(0.95 * 21) = 20 nodes, so
    // t95 is the 20th node's delay, 19 hops; t100 is 20 hops and t90 (ceil(18.9) = 19) 18.
    TempDir dir;
    std::string yaml = line_scenario("push", 0);
    const std::string from = "nodes: " + std::to_string(kNodes) + "\n";
    yaml.replace(yaml.find(from), from.size(), "nodes: 21\n");
    testing::write_file(dir / "line.yaml", yaml);
    const auto result = testing::chainsim({"run", (dir / "line.yaml").string(), "--quiet",
                                           "--no-plots", "--out", (dir / "out").string()});
    ASSERT_EQ(result.exit_code, 0) << result.output;
    const json report = testing::read_json(dir / "out" / "report.json");
    ASSERT_GE(report["blocks"]["mined"].get<int>(), 5) << "too few blocks to mean anything";
    const double hop_ms = static_cast<double>(kLatency + kPerBlock) / core::kMillisecond;
    for (const char* stat : {"mean", "median", "p90"}) {
        EXPECT_NEAR(report["propagation"]["t90_ms"][stat].get<double>(), 18 * hop_ms, 1e-9);
        EXPECT_NEAR(report["propagation"]["t95_ms"][stat].get<double>(), 19 * hop_ms, 1e-9);
        EXPECT_NEAR(report["propagation"]["t100_ms"][stat].get<double>(), 20 * hop_ms, 1e-9);
    }
}

}  // namespace
}  // namespace reports

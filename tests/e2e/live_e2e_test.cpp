// End to end: `chainsim node`, `chainsim wallet send` and `chainsim live` as real processes
// on loopback ports, talking HTTP.
#include <gtest/gtest.h>

#include <fstream>

#include "core/wallet.h"
#include "e2e/process.h"
#include "live/live_test_util.h"

namespace {

using e2e::Process;
using e2e::TempDir;
using live::testing::get;
using live::testing::post;
using nlohmann::json;
using namespace std::chrono_literals;

const std::string kUrlPattern = "listening on ";

struct Wallet {
    core::PrivateKey key;
    std::string address;
    std::filesystem::path file;
};

Wallet make_wallet(const TempDir& dir, std::uint8_t seed) {
    Wallet w{live::testing::test_key(seed), "", dir / ("key" + std::to_string(seed) + ".json")};
    w.address = w.key.public_key().address().hex();
    std::ofstream(w.file) << core::key_file_json(w.key).dump(2);
    return w;
}

// Runs `chainsim wallet send` and returns (exit code, printed JSON).
std::pair<int, json> wallet_send(const TempDir& dir, const Wallet& from, const std::string& to,
                                 std::uint64_t amount, std::uint64_t fee, const std::string& url) {
    Process p({"wallet", "send", "--key", from.file.string(), "--to", to, "--amount",
               std::to_string(amount), "--fee", std::to_string(fee), "--node", url},
              dir / "send.log");
    const auto code = p.wait_exit(20s);
    const std::string out = p.output();
    const auto start = out.find('{');
    json j = start == std::string::npos ? json() : json::parse(out.substr(start), nullptr, false);
    return {code.value_or(-1), j};
}

std::string tip_of(const std::string& url) {
    const auto a = get(url, "/status");
    return a.json.is_object() ? a.json.value("tip", std::string()) : std::string();
}

TEST(LiveE2E, ThreeNodeProcessesConvergeAndMineAGossipedTransaction) {
    TempDir dir("three");
    const Wallet alice = make_wallet(dir, 1);
    const std::string bob = live::testing::test_key(2).public_key().address().hex();
    const std::string fund = alice.address + "=1000";
    std::vector<std::unique_ptr<Process>> nodes;
    std::vector<std::string> urls;
    for (int i = 0; i < 3; ++i) {
        nodes.push_back(std::make_unique<Process>(
            std::vector<std::string>{"node", "--port", "0", "--pow-bits", "10", "--fund", fund},
            dir / ("node" + std::to_string(i) + ".log")));
        ASSERT_TRUE(nodes.back()->started());
        const auto url = nodes.back()->wait_for(kUrlPattern);
        ASSERT_TRUE(url) << nodes.back()->output();
        urls.push_back(*url);
    }
    for (int i = 0; i < 3; ++i) {
        json others = json::array();
        for (int j = 0; j < 3; ++j) {
            if (j != i) others.push_back(urls[j]);
        }
        const auto r = post(urls[i], "/nodes/register", json{{"nodes", others}});
        ASSERT_EQ(r.status, 201u) << r.body;
        EXPECT_EQ(r.json["total_nodes"].size(), 2u);
    }
    // Mine on node 0; the blocks are pushed to the others at once.
    for (int i = 0; i < 3; ++i)
        ASSERT_EQ(get(urls[0], "/mine").status, 200u);
    ASSERT_TRUE(live::testing::eventually(
        [&] { return tip_of(urls[1]) == tip_of(urls[0]) && tip_of(urls[2]) == tip_of(urls[0]); }));

    // A signed transfer sent to node 0 is gossiped to node 2 and mined there.
    const auto [code, sent] = wallet_send(dir, alice, bob, 30, 2, urls[0]);
    ASSERT_EQ(code, 0) << sent.dump();
    ASSERT_EQ(sent["status"], 201);
    EXPECT_EQ(sent["tx"]["nonce"], 0);
    EXPECT_EQ(sent["tx"]["recipient"], bob);
    EXPECT_EQ(sent["response"]["txid"], sent["tx"]["txid"]);
    ASSERT_TRUE(
        live::testing::eventually([&] { return get(urls[2], "/mempool").json["count"] == 1; }));
    const auto mined = get(urls[2], "/mine");
    ASSERT_EQ(mined.status, 200u);
    ASSERT_EQ(mined.json["transactions"].size(), 2u);
    EXPECT_EQ(mined.json["transactions"][1]["txid"], sent["tx"]["txid"]);
    ASSERT_TRUE(live::testing::eventually([&] {
        return tip_of(urls[0]) == mined.json["hash"] && tip_of(urls[1]) == mined.json["hash"];
    }));
    EXPECT_EQ(get(urls[0], "/balance/" + bob).json["balance"], 30);
    EXPECT_EQ(get(urls[1], "/balance/" + alice.address).json["nonce"], 1);

    // Resolve: everyone agrees already.
    EXPECT_EQ(get(urls[1], "/nodes/resolve").json["message"], "Our chain is authoritative");

    // A fourth node, started late and peered one way, catches up by resolving.
    Process late({"node", "--port", "0", "--pow-bits", "10", "--fund", fund}, dir / "late.log");
    const auto late_url = late.wait_for(kUrlPattern);
    ASSERT_TRUE(late_url);
    ASSERT_EQ(get(*late_url, "/mine").status, 200u);  // a fork of its own, height 1
    ASSERT_EQ(post(*late_url, "/nodes/register", json{{"nodes", {urls[1]}}}).status, 201u);
    const auto resolved = get(*late_url, "/nodes/resolve");
    ASSERT_EQ(resolved.status, 200u);
    EXPECT_EQ(resolved.json["message"], "Our chain was replaced");
    EXPECT_EQ(resolved.json["new_chain"].size(), 5u);
    EXPECT_EQ(tip_of(*late_url), mined.json["hash"]);

    // Wallet errors: an overspend is a 422 and exit 1; a bad recipient is bad input.
    const auto [over_code, over] = wallet_send(dir, alice, bob, 5000, 0, urls[0]);
    EXPECT_EQ(over_code, 1);
    EXPECT_EQ(over["status"], 422);
    EXPECT_EQ(over["response"]["error"], "insufficient-funds");
    const auto [bad_code, bad] = wallet_send(dir, alice, "nothex", 1, 0, urls[0]);
    EXPECT_EQ(bad_code, 2);
}

TEST(LiveE2E, AKilledNodeRestartsWithItsChainAndMempool) {
    TempDir dir("kill9");
    const Wallet alice = make_wallet(dir, 1);
    const std::string bob = live::testing::test_key(2).public_key().address().hex();
    const std::vector<std::string> args = {"node", "--data", (dir / "data").string(), "--pow-bits",
                                           "10",   "--fund", alice.address + "=1000"};
    auto with_port = [&](const std::string& port) {
        std::vector<std::string> a = args;
        a.insert(a.begin() + 1, {"--port", port});
        return a;
    };
    auto first = std::make_unique<Process>(with_port("0"), dir / "first.log");
    const auto url = first->wait_for(kUrlPattern);
    ASSERT_TRUE(url) << first->output();
    const std::string port = url->substr(url->rfind(':') + 1);
    for (int i = 0; i < 4; ++i)
        ASSERT_EQ(get(*url, "/mine").status, 200u);
    const auto [code, sent] = wallet_send(dir, alice, bob, 12, 1, *url);
    ASSERT_EQ(code, 0) << sent.dump();
    const std::string tip = tip_of(*url);
    // SIGKILL right after the 201: no chance to flush anything more.
    const int status = first->kill(SIGKILL);
    EXPECT_TRUE(WIFSIGNALED(status));
    first.reset();

    Process second(with_port(port), dir / "second.log");
    ASSERT_TRUE(second.wait_for(kUrlPattern)) << second.output();
    EXPECT_EQ(tip_of(*url), tip);
    EXPECT_EQ(get(*url, "/status").json["height"], 4);
    const auto pool = get(*url, "/mempool");
    ASSERT_EQ(pool.json["count"], 1) << pool.body;
    EXPECT_EQ(pool.json["transactions"][0]["txid"], sent["tx"]["txid"]);
    EXPECT_EQ(get(*url, "/balance/" + alice.address).json["nonce"], 1);
}

TEST(LiveE2E, BadDataDirsGiveAClearErrorNotACrash) {
    TempDir dir("baddata");
    std::filesystem::create_directories(dir / "garbage");
    std::ofstream(dir / "garbage" / "chain.db") << std::string(4096, 'z');
    Process garbage({"node", "--port", "0", "--data", (dir / "garbage").string()},
                    dir / "garbage.log");
    EXPECT_EQ(garbage.wait_exit(10s), 2);
    EXPECT_NE(garbage.output().find("not a SQLite database"), std::string::npos)
        << garbage.output();

    // A data dir of one network refused by a node of another.
    {
        Process first({"node", "--port", "0", "--pow-bits", "10", "--data", (dir / "net").string()},
                      dir / "net.log");
        ASSERT_TRUE(first.wait_for(kUrlPattern));
        first.kill(SIGTERM);
    }
    Process foreign({"node", "--port", "0", "--pow-bits", "11", "--data", (dir / "net").string()},
                    dir / "foreign.log");
    EXPECT_EQ(foreign.wait_exit(10s), 2);
    EXPECT_NE(foreign.output().find("belongs to a different network"), std::string::npos)
        << foreign.output();
    EXPECT_NE(foreign.output().find("pow_bits 10 there vs 11 here"), std::string::npos);

    // A bare host:port is a peer (as dvf/blockchain takes it); a host without a port is not.
    Process bad_peer({"node", "--port", "0", "--peer", "localhost"}, dir / "peer.log");
    EXPECT_EQ(bad_peer.wait_exit(10s), 2);
    EXPECT_NE(bad_peer.output().find("expected host:port or http://host:port"), std::string::npos)
        << bad_peer.output();
}

TEST(LiveE2E, AScenarioRunsLiveThroughAPartitionAndACrash) {
    TempDir dir("scenario");
    Process live({"live", std::string(CHAINSIM_SOURCE_DIR) + "/tests/e2e/data/live-partition.yaml",
                  "--base-port", "0", "--data", (dir / "data").string()},
                 dir / "live.log");
    std::vector<std::string> urls;
    for (int i = 0; i < 4; ++i) {
        const auto url = live.wait_for("\nnode " + std::to_string(i) + ": ");
        ASSERT_TRUE(url) << live.output();
        urls.push_back(*url);
    }
    // Every node answers while the run goes on (node 3 is down between 8s and 10s).
    for (const std::string& url : urls) {
        const auto status = get(url, "/status");
        EXPECT_EQ(status.status, 200u) << url << " " << status.error;
    }
    // During the partition (2s..6s) the two sides refuse each other's peer traffic.
    ASSERT_TRUE(live.wait_for("] partition", 10s));
    const auto refused =
        live::testing::request(urls[0], boost::beast::http::verb::post, "/peers/announce", "{}",
                               {{"X-Chainsim-Node", urls[2]}});
    EXPECT_EQ(refused.status, 503u) << refused.body;
    ASSERT_EQ(live.wait_exit(60s), 0) << live.output();
    const std::string out = live.output();
    const auto start = out.rfind("\n{\n");
    ASSERT_NE(start, std::string::npos) << out;
    const json summary = json::parse(out.substr(start + 1), nullptr, false);
    ASSERT_TRUE(summary.is_object()) << out;
    EXPECT_EQ(summary["converged"], true) << summary.dump(2);
    EXPECT_GE(summary["blocks_mined"].get<int>(), 5);
    ASSERT_EQ(summary["convergence"].size(), 2u);
    EXPECT_EQ(summary["convergence"][0]["event"], "heal all");
    EXPECT_FALSE(summary["convergence"][0]["seconds"].is_null()) << summary.dump(2);
    EXPECT_EQ(summary["convergence"][1]["event"], "restart 3");
    EXPECT_FALSE(summary["convergence"][1]["seconds"].is_null());
    for (const json& n : summary["nodes"]) {
        EXPECT_EQ(n["up"], true);
        EXPECT_GT(n["height"].get<int>(), 3);
    }
    // The workload's transfers went through real HTTP: accepted, and bad signatures refused.
    EXPECT_GT(summary["transactions"]["statuses"].value("201", 0), 10);
    EXPECT_GT(summary["transactions"]["statuses"].value("403", 0), 0);
}

}  // namespace

namespace {

TEST(LiveE2E, LiveDemoWalletsAreTheSameOnEveryNode) {
    TempDir dir("demo");
    Process live({"live", std::string(CHAINSIM_SOURCE_DIR) + "/tests/e2e/data/live-partition.yaml",
                  "--base-port", "0", "--for", "4s", "--demo-wallets", "2", "--quiet", "--data",
                  (dir / "data").string()},
                 dir / "live.log");
    const auto first = live.wait_for("\nnode 0: ");
    const auto second = live.wait_for("\nnode 1: ");
    ASSERT_TRUE(first && second) << live.output();
    EXPECT_NE(live.output().find("(dashboard " + *first + "/)"), std::string::npos);
    const auto wallets = get(*first, "/wallets");
    ASSERT_EQ(wallets.json["wallets"].size(), 2u) << wallets.body;
    EXPECT_EQ(get(*second, "/wallets").json["wallets"][1]["address"],
              wallets.json["wallets"][1]["address"]);
    const auto sent = post(*first, "/transactions/new",
                           json{{"sender", "alice"}, {"recipient", "bob"}, {"amount", 3}});
    EXPECT_EQ(sent.status, 201u) << sent.body;
    EXPECT_EQ(live.wait_exit(60s), 0) << live.output();
}

}  // namespace

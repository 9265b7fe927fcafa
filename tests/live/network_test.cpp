// Several live nodes in one process (one io_context), talking over real HTTP: gossip,
// convergence, partitions healed by tip exchange, and restarts from the data dir.
#include <gtest/gtest.h>

#include <filesystem>

#include "core/codec.h"
#include "live_test_util.h"
#include "sim/live/live_node.h"

namespace live {
namespace {

using nlohmann::json;

class LiveNetworkTest : public ::testing::Test {
  protected:
    void TearDown() override {
        io_.call([&] { nodes_.clear(); });
        if (!data_.empty()) std::filesystem::remove_all(data_);
    }

    LiveNode& start(LiveNodeConfig config = {}) {
        auto node = io_.call([&] {
            auto started = LiveNode::start(io_.io(), network_, config);
            EXPECT_TRUE(started) << (started ? "" : started.error());
            return started ? std::move(*started) : nullptr;
        });
        EXPECT_NE(node, nullptr);
        nodes_.push_back(std::move(node));
        return *nodes_.back();
    }

    std::string tip(const LiveNode& n) { return testing::get(n.url(), "/status").json["tip"]; }
    std::uint64_t height(const LiveNode& n) {
        return testing::get(n.url(), "/status").json["height"];
    }
    bool same_tip(const std::vector<const LiveNode*>& nodes) {
        const std::string t = tip(*nodes.front());
        for (const LiveNode* n : nodes) {
            if (tip(*n) != t) return false;
        }
        return true;
    }
    void connect_all() {
        for (auto& a : nodes_) {
            json urls = json::array();
            for (auto& b : nodes_) {
                if (a != b) urls.push_back(b->url());
            }
            ASSERT_EQ(testing::post(a->url(), "/nodes/register", json{{"nodes", urls}}).status,
                      201u);
        }
    }

    core::PrivateKey alice_ = testing::test_key(1);
    core::Address bob_ = testing::test_key(2).public_key().address();
    NetworkParams network_ = testing::test_network({{alice_.public_key().address(), 1000}});
    testing::IoThread io_;
    std::vector<std::unique_ptr<LiveNode>> nodes_;
    std::filesystem::path data_;
};

TEST_F(LiveNetworkTest, BlocksAndTransactionsSpreadAndChainsConverge) {
    LiveNode& a = start();
    LiveNode& b = start();
    LiveNode& c = start();
    connect_all();
    for (int i = 0; i < 3; ++i)
        ASSERT_EQ(testing::get(a.url(), "/mine").status, 200u);
    ASSERT_TRUE(testing::eventually([&] { return same_tip({&a, &b, &c}); }));
    // (Mining on C before it has A's blocks would fork at equal work: a real race.)
    ASSERT_EQ(testing::get(c.url(), "/mine").status, 200u);
    ASSERT_TRUE(testing::eventually([&] { return same_tip({&a, &b, &c}); }));
    EXPECT_EQ(height(b), 4u);

    // A transfer sent to A travels to C and is mined there.
    const auto tx = core::Transaction::sign_transfer(alice_, bob_, 25, 2, 0);
    ASSERT_EQ(testing::post(a.url(), "/transactions/new", core::tx_to_json(*tx)).status, 201u);
    ASSERT_TRUE(
        testing::eventually([&] { return testing::get(c.url(), "/mempool").json["count"] == 1; }));
    const testing::Answer mined = testing::get(c.url(), "/mine");
    ASSERT_EQ(mined.status, 200u);
    ASSERT_EQ(mined.json["transactions"].size(), 2u);
    EXPECT_EQ(mined.json["transactions"][1]["txid"], tx->txid().display_hex());
    ASSERT_TRUE(testing::eventually([&] { return same_tip({&a, &b, &c}); }));
    for (const LiveNode* n : {&a, &b, &c}) {
        EXPECT_EQ(testing::get(n->url(), "/balance/" + bob_.hex()).json["balance"], 25);
        EXPECT_EQ(testing::get(n->url(), "/mempool").json["count"], 0);
    }
}

TEST_F(LiveNetworkTest, APartitionHealsByTipExchange) {
    LiveNode& a = start();
    LiveNode& b = start();
    connect_all();
    ASSERT_EQ(testing::get(a.url(), "/mine").status, 200u);
    ASSERT_TRUE(testing::eventually([&] { return same_tip({&a, &b}); }));
    // Cut the link both ways; each side mines its own branch.
    io_.call([&] {
        a.set_peer_filter([](const PeerUrl&) { return false; });
        b.set_peer_filter([](const PeerUrl&) { return false; });
    });
    for (int i = 0; i < 2; ++i)
        ASSERT_EQ(testing::get(a.url(), "/mine").status, 200u);
    for (int i = 0; i < 5; ++i)
        ASSERT_EQ(testing::get(b.url(), "/mine").status, 200u);
    EXPECT_EQ(height(a), 3u);
    EXPECT_EQ(height(b), 6u);
    // A peer across the partition is refused.
    const testing::Answer refused =
        testing::request(a.url(), boost::beast::http::verb::post, "/peers/announce", "{}",
                         {{"X-Chainsim-Node", b.url()}});
    EXPECT_EQ(refused.status, 503u);
    EXPECT_EQ(refused.json["error"], "partitioned");
    // Heal: both ends announce their tips; A fetches B's branch block by block.
    io_.call([&] {
        a.set_peer_filter(nullptr);
        b.set_peer_filter(nullptr);
        a.reconnect_peers();
        b.reconnect_peers();
    });
    ASSERT_TRUE(testing::eventually([&] { return same_tip({&a, &b}); }));
    EXPECT_EQ(height(a), 6u);
    EXPECT_EQ(
        testing::get(a.url(), "/metrics").body.find("chainsim_reorgs_total 1") != std::string::npos,
        true);
}

TEST_F(LiveNetworkTest, RestartsFromItsDataDir) {
    data_ = std::filesystem::temp_directory_path() /
            ("chainsim-live-restart-" + std::to_string(::getpid()));
    std::filesystem::remove_all(data_);
    LiveNodeConfig config;
    config.data_dir = data_.string();
    LiveNode& first = start(config);
    for (int i = 0; i < 3; ++i)
        ASSERT_EQ(testing::get(first.url(), "/mine").status, 200u);
    const auto tx = core::Transaction::sign_transfer(alice_, bob_, 7, 1, 0);
    ASSERT_EQ(testing::post(first.url(), "/transactions/new", core::tx_to_json(*tx)).status, 201u);
    ASSERT_EQ(testing::post(first.url(), "/nodes/register", json{{"nodes", {"http://127.0.0.1:9"}}})
                  .status,
              201u);
    const std::string before = tip(first);
    config.port = first.port();
    io_.call([&] { nodes_.clear(); });

    LiveNode& again = start(config);
    EXPECT_EQ(again.url(), "http://127.0.0.1:" + std::to_string(config.port));
    EXPECT_EQ(tip(again), before);
    EXPECT_EQ(height(again), 3u);
    const testing::Answer pool = testing::get(again.url(), "/mempool");
    ASSERT_EQ(pool.json["count"], 1);
    EXPECT_EQ(pool.json["transactions"][0]["txid"], tx->txid().display_hex());
    EXPECT_EQ(testing::get(again.url(), "/nodes").json["nodes"], json({"http://127.0.0.1:9"}));
    // The same coinbase address as before (kept in the data dir).
    EXPECT_EQ(testing::get(again.url(), "/status").json["miner"],
              testing::get(again.url(), "/chain?from=1&limit=1")
                  .json["chain"][0]["transactions"][0]["recipient"]);
    // Mining the pending transfer confirms it and empties the stored pool.
    ASSERT_EQ(testing::get(again.url(), "/mine").status, 200u);
    io_.call([&] { nodes_.clear(); });
    LiveNode& third = start(config);
    EXPECT_EQ(height(third), 4u);
    EXPECT_EQ(testing::get(third.url(), "/mempool").json["count"], 0);
    EXPECT_EQ(testing::get(third.url(), "/balance/" + bob_.hex()).json["balance"], 7);
}

}  // namespace
}  // namespace live

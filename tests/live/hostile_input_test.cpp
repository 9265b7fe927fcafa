// Hostile input a live node must refuse (issue 12): JSON objects with a key twice (another
// parser could read another transaction than the one signed), and itself as a peer under
// a loopback alias.
#include <gtest/gtest.h>

#include "core/codec.h"
#include "live_test_util.h"
#include "sim/live/api.h"
#include "sim/live/live_node.h"

namespace live {
namespace {

TEST(StrictJson, RefusesDuplicateKeysAtAnyDepth) {
    std::string why;
    EXPECT_FALSE(api::parse_json(R"({"a": 1, "b": 2})", why).is_discarded());
    EXPECT_FALSE(api::parse_json(R"([{"a": 1}, {"a": 2}])", why).is_discarded());  // two objects
    EXPECT_TRUE(api::parse_json(R"({"a": 1, "a": 2})", why).is_discarded());
    EXPECT_NE(why.find("\"a\" appears twice"), std::string::npos) << why;
    EXPECT_TRUE(api::parse_json(R"({"x": {"b": [1, {"c": 0, "c": 0}]}})", why).is_discarded());
    EXPECT_NE(why.find("\"c\""), std::string::npos) << why;
    EXPECT_TRUE(api::parse_json("{\"a\": ", why).is_discarded());
    EXPECT_EQ(why, "not valid JSON");
}

class HostileInputTest : public ::testing::Test {
  protected:
    void SetUp() override {
        node_ = io_.call([&] {
            auto started = LiveNode::start(io_.io(), network_, LiveNodeConfig{});
            EXPECT_TRUE(started) << (started ? "" : started.error());
            return started ? std::move(*started) : nullptr;
        });
        ASSERT_NE(node_, nullptr);
        url_ = node_->url();
    }
    void TearDown() override {
        io_.call([&] { node_.reset(); });
    }

    core::PrivateKey alice_ = testing::test_key(1);
    NetworkParams network_ = testing::test_network({{alice_.public_key().address(), 1000}});
    testing::IoThread io_;
    std::unique_ptr<LiveNode> node_;
    std::string url_;
};

TEST_F(HostileInputTest, ATransactionWithADuplicateKeyIsRefused) {
    const auto tx = core::Transaction::sign_transfer(
        alice_, testing::test_key(2).public_key().address(), 10, 1, 0);
    std::string body = core::tx_to_json(*tx).dump();
    ASSERT_EQ(body.back(), '}');
    body.pop_back();
    body += ",\"amount\":999}";  // signed for 10; a last-wins parser reads 999
    const testing::Answer a = testing::post(url_, "/transactions/new", body);
    EXPECT_EQ(a.status, 400u) << a.body;
    EXPECT_NE(a.body.find("appears twice"), std::string::npos) << a.body;
    EXPECT_EQ(io_.call([&] { return node_->node().mempool().size(); }), 0u);
}

TEST_F(HostileInputTest, ANodeIsNeverItsOwnPeer) {
    const std::string port = std::to_string(node_->port());
    const nlohmann::json nodes = {{"nodes",
                                   {"http://localhost:" + port, "http://127.0.0.1:" + port,
                                    "http://127.0.0.2:" + port}}};
    const testing::Answer a = testing::post(url_, "/nodes/register", nodes);
    EXPECT_EQ(a.status, 201u) << a.body;
    EXPECT_EQ(io_.call([&] { return node_->node().chain().height(); }), 0u);
    const testing::Answer listed = testing::get(url_, "/nodes");
    EXPECT_TRUE(listed.json["nodes"].empty()) << listed.body;
}

}  // namespace
}  // namespace live

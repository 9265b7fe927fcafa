// Peer identity (issue 12): an X-Chainsim-Node header alone does not make a request a
// peer's. Only a token the claimed peer vouches for (GET /peers/verify) does.
#include <gtest/gtest.h>

#include <mutex>

#include "core/codec.h"
#include "live_test_util.h"
#include "sim/live/api.h"
#include "sim/live/live_node.h"

// The headers by name (not the constants), so the test also builds on a tree without them.
constexpr const char* kNode = "X-Chainsim-Node";
constexpr const char* kToken = "X-Chainsim-Token";

namespace live {
namespace {

using nlohmann::json;
namespace http = boost::beast::http;

// A bare HTTP server standing in for a registered peer: answers 202 to everything and
// records the identity headers it was sent.
class RecordingPeer {
  public:
    explicit RecordingPeer(testing::IoThread& io) : io_(io) {
        io_.call([&] {
            server_ = std::make_unique<HttpServer>(
                io_.io(), ServerLimits{}, [this](const Request& req, Reply reply) {
                    {
                        std::lock_guard<std::mutex> lock(mutex_);
                        const auto node = req[kNode];
                        const auto token = req[kToken];
                        if (!token.empty()) {
                            node_ = std::string(node.data(), node.size());
                            token_ = std::string(token.data(), token.size());
                        }
                    }
                    reply(api::json(202, {{"message", "ok"}}));
                });
            EXPECT_TRUE(server_->listen("127.0.0.1", 0).ok());
        });
    }
    ~RecordingPeer() {
        io_.call([&] { server_.reset(); });
    }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }
    std::pair<std::string, std::string> seen() {
        std::lock_guard<std::mutex> lock(mutex_);
        return {node_, token_};
    }

  private:
    testing::IoThread& io_;
    std::unique_ptr<HttpServer> server_;
    std::mutex mutex_;
    std::string node_, token_;
};

class PeerIdentityTest : public ::testing::Test {
  protected:
    void TearDown() override {
        io_.call([&] { nodes_.clear(); });
    }

    LiveNode& start() {
        auto node = io_.call([&] {
            auto started = LiveNode::start(io_.io(), network_, LiveNodeConfig{});
            EXPECT_TRUE(started) << (started ? "" : started.error());
            return started ? std::move(*started) : nullptr;
        });
        EXPECT_NE(node, nullptr);
        nodes_.push_back(std::move(node));
        return *nodes_.back();
    }

    void register_peer(const LiveNode& at, const std::string& peer) {
        ASSERT_EQ(testing::post(at.url(), "/nodes/register", json{{"nodes", {peer}}}).status, 201u);
    }

    std::size_t mempool(const LiveNode& n) {
        return testing::get(n.url(), "/mempool").json["count"].get<std::size_t>();
    }

    core::PrivateKey alice_ = testing::test_key(1);
    core::Address bob_ = testing::test_key(2).public_key().address();
    NetworkParams network_ = testing::test_network({{alice_.public_key().address(), 1000}});
    testing::IoThread io_;
    std::vector<std::unique_ptr<LiveNode>> nodes_;
};

TEST_F(PeerIdentityTest, AForgedHeaderDoesNotReachThePeerOnlyRoutes) {
    LiveNode& a = start();
    LiveNode& b = start();
    register_peer(a, b.url());
    const json announce = {{"hash", network_.genesis->hash().display_hex()},
                           {"height", 0},
                           {"work", std::string(64, '0')}};
    // The header names a registered peer; without a token, or with one B never issued,
    // A treats the request as a client's.
    for (const std::string& token : {std::string(), std::string(64, 'a'), std::string("xyz")}) {
        std::vector<std::pair<std::string, std::string>> headers = {{kNode, b.url()}};
        if (!token.empty()) headers.emplace_back(kToken, token);
        const testing::Answer r = testing::request(a.url(), http::verb::post, "/peers/announce",
                                                   announce.dump(), headers);
        EXPECT_EQ(r.status, 403u) << token << " " << r.body;
        EXPECT_EQ(r.json["error"], "unknown-peer");
        const testing::Answer batch =
            testing::request(a.url(), http::verb::post, "/peers/transactions",
                             json{{"transactions", json::array()}}.dump(), headers);
        EXPECT_EQ(batch.status, 403u) << batch.body;
    }
    EXPECT_NE(testing::get(a.url(), "/metrics").body.find("chainsim_peer_claims_refused_total 6"),
              std::string::npos);
}

TEST_F(PeerIdentityTest, AForgedHeaderDoesNotSuppressTheRelay) {
    LiveNode& a = start();
    LiveNode& b = start();
    register_peer(a, b.url());
    register_peer(b, a.url());
    // A client pretends to be B: A must still relay the transaction to B.
    const auto tx = core::Transaction::sign_transfer(alice_, bob_, 5, 1, 0);
    const testing::Answer r = testing::request(a.url(), http::verb::post, "/transactions/new",
                                               core::tx_to_json(*tx).dump(),
                                               {{kNode, b.url()}, {kToken, std::string(64, 'b')}});
    ASSERT_EQ(r.status, 201u) << r.body;
    EXPECT_TRUE(testing::eventually([&] { return mempool(b) == 1; }));
    // The same for a block.
    testing::ChainBuilder chain(network_);
    const core::BlockRef block = chain.next();
    const testing::Answer posted =
        testing::request(a.url(), http::verb::post, "/blocks", core::block_to_json(*block).dump(),
                         {{kNode, b.url()}});
    ASSERT_EQ(posted.status, 202u) << posted.body;
    EXPECT_TRUE(
        testing::eventually([&] { return testing::get(b.url(), "/status").json["height"] == 1; }));
}

TEST_F(PeerIdentityTest, ATokenIsVouchedForOnlyToThePeerItWasSentTo) {
    LiveNode& a = start();
    LiveNode& b = start();
    RecordingPeer c(io_);
    register_peer(b, a.url());
    register_peer(a, c.url());  // A announces its tip to C, with the token it gives C
    ASSERT_TRUE(testing::eventually([&] { return !c.seen().second.empty(); }));
    const auto [claimed, token] = c.seen();
    EXPECT_EQ(claimed, a.url());
    ASSERT_EQ(token.size(), 64u);

    // A vouches for the token, but as C's.
    const testing::Answer verify = testing::get(a.url(), "/peers/verify?token=" + token);
    ASSERT_EQ(verify.status, 200u) << verify.body;
    EXPECT_EQ(verify.json["node"], a.url());
    EXPECT_EQ(verify.json["peer"], c.url());
    EXPECT_EQ(testing::get(a.url(), "/peers/verify?token=" + std::string(64, 'c')).status, 404u);
    EXPECT_EQ(testing::get(a.url(), "/peers/verify").status, 400u);

    // C replays A's token at B, claiming to be A: refused, since it was not issued to B.
    const json announce = {{"hash", network_.genesis->hash().display_hex()},
                           {"height", 0},
                           {"work", std::string(64, '0')}};
    const testing::Answer replayed =
        testing::request(b.url(), http::verb::post, "/peers/announce", announce.dump(),
                         {{kNode, a.url()}, {kToken, token}});
    EXPECT_EQ(replayed.status, 403u) << replayed.body;
}

TEST_F(PeerIdentityTest, RealPeersAreVerifiedOnceAndStillRelay) {
    LiveNode& a = start();
    LiveNode& b = start();
    register_peer(a, b.url());
    register_peer(b, a.url());
    for (int i = 0; i < 3; ++i)
        ASSERT_EQ(testing::get(a.url(), "/mine").status, 200u);
    ASSERT_TRUE(
        testing::eventually([&] { return testing::get(b.url(), "/status").json["height"] == 3; }));
    const auto tx = core::Transaction::sign_transfer(alice_, bob_, 5, 1, 0);
    ASSERT_EQ(testing::post(b.url(), "/transactions/new", core::tx_to_json(*tx)).status, 201u);
    ASSERT_TRUE(testing::eventually([&] { return mempool(a) == 1; }));
    // B's announce, blocks and transactions reached A as a peer's: one verification each
    // way, nothing refused.
    const std::string metrics = testing::get(b.url(), "/metrics").body;
    EXPECT_NE(metrics.find("chainsim_peer_claims_verified_total 1\n"), std::string::npos)
        << metrics;
    EXPECT_NE(metrics.find("chainsim_peer_claims_refused_total 0\n"), std::string::npos);
    EXPECT_NE(testing::get(a.url(), "/metrics").body.find("chainsim_peer_claims_refused_total 0\n"),
              std::string::npos);
}

}  // namespace
}  // namespace live

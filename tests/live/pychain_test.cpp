// PyChain-shaped flows against chainsim nodes (issue 13): what PyChain's and dvf/blockchain's
// code expects of the API — block `index` counted from 1 beside `height` from 0, `length` the
// number of blocks, register with a bare host:port, total_nodes as netlocs — a PyChain node
// registered as a peer reported incompatible and sent nothing, the tutorial's unsigned
// transaction answered with one 400 saying what is needed, and demo wallets signing it.
#include <gtest/gtest.h>

#include <map>
#include <mutex>

#include "core/codec.h"
#include "live_test_util.h"
#include "sim/live/api.h"
#include "sim/live/live_node.h"

namespace live {
namespace {

using nlohmann::json;
using testing::Answer;
using namespace std::chrono_literals;

// Answers as a PyChain (Flask) node does: /chain, /mine, /transactions/new,
// /nodes/register and /nodes/resolve exist; everything else is Flask's HTML 404.
class PyChainStub {
  public:
    // `accepts_posts`: every POST gets 202 (a node that takes anything), so only its /chain
    // gives it away.
    explicit PyChainStub(testing::IoThread& io, bool accepts_posts = false)
        : io_(io), accepts_posts_(accepts_posts) {
        io_.call([&] {
            server_ = std::make_unique<HttpServer>(
                io_.io(), ServerLimits{}, [this](const Request& req, Reply reply) {
                    serve(req, std::move(reply));
                });
            ASSERT_TRUE(server_->listen("127.0.0.1", 0).ok());
        });
        port_ = server_->port();
    }
    ~PyChainStub() {
        io_.call([&] { server_.reset(); });
    }
    std::string netloc() const { return "127.0.0.1:" + std::to_string(port_); }
    std::string url() const { return "http://" + netloc(); }
    int count(const std::string& what) {
        std::lock_guard lock(mutex_);
        return requests_[what];
    }

  private:
    void serve(const Request& req, Reply reply) {
        const std::string path = api::parse_target(std::string(req.target())).path;
        const auto method = req.method_string();
        const std::string what = std::string(method.data(), method.size()) + " " + path;
        {
            std::lock_guard lock(mutex_);
            ++requests_[what];
        }
        if (what == "GET /chain") {
            const json genesis = {{"index", 1},           {"timestamp", 1700000000.5},
                                  {"transactions", json::array()}, {"proof", 100},
                                  {"previous_hash", "1"}};
            return reply(api::json(200, {{"chain", {genesis}}, {"length", 1}}));
        }
        if (accepts_posts_ && req.method() == boost::beast::http::verb::post) {
            return reply(api::json(202, json::object()));
        }
        if (what == "POST /transactions/new") {
            return reply(api::json(201, {{"message", "Transaction will be added to Block 2"}}));
        }
        Response r;
        r.status = 404;
        r.content_type = "text/html; charset=utf-8";
        r.body = "<!doctype html>\n<title>404 Not Found</title>\n<h1>Not Found</h1>";
        reply(std::move(r));
    }

    testing::IoThread& io_;
    bool accepts_posts_;
    std::unique_ptr<HttpServer> server_;
    std::uint16_t port_ = 0;
    std::mutex mutex_;
    std::map<std::string, int> requests_;
};

class PyChainTest : public ::testing::Test {
  protected:
    std::unique_ptr<LiveNode> start(LiveNodeConfig config = {}) {
        return io_.call([&] {
            auto started = LiveNode::start(io_.io(), network_, config);
            EXPECT_TRUE(started) << (started ? "" : started.error());
            return started ? std::move(*started) : nullptr;
        });
    }
    void TearDown() override {
        io_.call([&] { nodes_.clear(); });
    }
    LiveNode& add(LiveNodeConfig config = {}) {
        nodes_.push_back(start(std::move(config)));
        EXPECT_NE(nodes_.back(), nullptr);
        return *nodes_.back();
    }
    json peer_entry(const std::string& node_url, const std::string& peer_url) {
        const Answer nodes = testing::get(node_url, "/nodes");
        for (const json& p : nodes.json["peers"]) {
            if (p["url"] == peer_url) return p;
        }
        return nullptr;
    }

    std::vector<DemoWallet> demo_ = make_demo_wallets(3);
    core::PrivateKey carol_ = testing::test_key(3);
    NetworkParams network_ = [this] {
        auto funds = demo_allocations(demo_);
        funds.push_back({carol_.public_key().address(), 500});
        return testing::test_network(funds);
    }();
    testing::IoThread io_;
    std::vector<std::unique_ptr<LiveNode>> nodes_;
};

TEST_F(PyChainTest, IndexCountsFromOneHeightFromZeroLengthIsTheBlockCount) {
    LiveNode& a = add();
    const Answer mined = testing::get(a.url(), "/mine");
    ASSERT_EQ(mined.status, 200u);
    EXPECT_EQ(mined.json["index"], 2);
    EXPECT_EQ(mined.json["height"], 1);
    const Answer chain = testing::get(a.url(), "/chain");
    ASSERT_EQ(chain.json["chain"].size(), 2u);
    EXPECT_EQ(chain.json["length"], 2);
    EXPECT_EQ(chain.json["chain"][0]["index"], 1);  // PyChain's genesis is block 1
    EXPECT_EQ(chain.json["chain"][0]["height"], 0);
    // PyChain code reads the last block as chain[length - 1], whose index is length.
    EXPECT_EQ(chain.json["chain"][1]["index"], chain.json["length"]);
    const Answer block = testing::get(a.url(), "/blocks/" + mined.json["hash"].get<std::string>());
    EXPECT_EQ(block.json["index"], 2);
    EXPECT_EQ(block.json["height"], 1);
    // A block posted back with PyChain's index decodes; the height-as-index does not.
    json wrong = block.json;
    wrong["index"] = 1;
    core::BlockRef out;
    EXPECT_TRUE(core::block_from_json(block.json, out).ok());
    EXPECT_FALSE(core::block_from_json(wrong, out).ok());
}

TEST_F(PyChainTest, RegistersHostPortAndResolvesBetweenTwoChainsimNodes) {
    LiveNode& a = add();
    LiveNode& b = add();
    for (int i = 0; i < 3; ++i)
        ASSERT_EQ(testing::get(b.url(), "/mine").status, 200u);
    const std::string b_netloc = "127.0.0.1:" + std::to_string(b.port());
    const Answer reg = testing::post(a.url(), "/nodes/register", json{{"nodes", {b_netloc}}});
    ASSERT_EQ(reg.status, 201u) << reg.body;
    EXPECT_EQ(reg.json["total_nodes"], json({b_netloc}));
    EXPECT_EQ(reg.json["total_node_urls"], json({b.url()}));
    // The same peer again, spelled as a URL, is the same peer.
    EXPECT_EQ(testing::post(a.url(), "/nodes/register", json{{"nodes", {b.url()}}})
                  .json["total_nodes"]
                  .size(),
              1u);

    // b does not know a, so nothing is pushed; a pulls b's chain on resolve.
    const Answer resolved = testing::get(a.url(), "/nodes/resolve");
    ASSERT_EQ(resolved.status, 200u) << resolved.body;
    EXPECT_EQ(resolved.json["message"], "Our chain was replaced");
    EXPECT_EQ(resolved.json["length"], 4);
    ASSERT_EQ(resolved.json["new_chain"].size(), 4u);
    EXPECT_EQ(resolved.json["new_chain"][3]["index"], 4);
    EXPECT_EQ(resolved.json["new_chain"][3]["height"], 3);
    EXPECT_EQ(resolved.json["peers"][0]["verdict"], "adopted");
    const json entry = peer_entry(a.url(), b.url());
    EXPECT_EQ(entry["compatible"], true);
    EXPECT_EQ(entry["node"], b_netloc);
    const Answer again = testing::get(a.url(), "/nodes/resolve");
    EXPECT_EQ(again.json["message"], "Our chain is authoritative");
    EXPECT_EQ(again.json["chain"].size(), 4u);
}

TEST_F(PyChainTest, APyChainPeerIsReportedIncompatibleAndGetsNoRelays) {
    PyChainStub pychain(io_);
    LiveNode& a = add();
    const Answer reg =
        testing::post(a.url(), "/nodes/register", json{{"nodes", {pychain.netloc()}}});
    ASSERT_EQ(reg.status, 201u) << reg.body;
    EXPECT_EQ(reg.json["total_nodes"], json({pychain.netloc()}));
    // Registering is a new connection: the tip announcement gets PyChain's 404.
    ASSERT_TRUE(testing::eventually(
        [&] {
            const json p = peer_entry(a.url(), pychain.url());
            return p.is_object() && p["compatible"] == false;
        }))
        << testing::get(a.url(), "/nodes").body;
    const json entry = peer_entry(a.url(), pychain.url());
    const std::string reason = entry["reason"];
    EXPECT_NE(reason.find("/peers/announce answered HTTP 404"), std::string::npos) << reason;
    EXPECT_NE(reason.find("not a chainsim node"), std::string::npos) << reason;
    EXPECT_EQ(pychain.count("POST /peers/announce"), 1);

    // Nothing is relayed to it: neither a transaction nor a block.
    const auto tx = core::Transaction::sign_transfer(carol_, demo_[0].address, 5, 0, 0);
    ASSERT_EQ(testing::post(a.url(), "/transactions/new", core::tx_to_json(*tx)).status, 201u);
    ASSERT_EQ(testing::get(a.url(), "/mine").status, 200u);
    std::this_thread::sleep_for(300ms);
    EXPECT_EQ(pychain.count("POST /transactions/new"), 0);
    EXPECT_EQ(pychain.count("POST /blocks"), 0);
    EXPECT_EQ(pychain.count("POST /peers/transactions"), 0);

    // Resolve names it and says why its chain was not adopted.
    const Answer resolved = testing::get(a.url(), "/nodes/resolve");
    ASSERT_EQ(resolved.status, 200u);
    ASSERT_EQ(resolved.json["peers"].size(), 1u);
    const json verdict = resolved.json["peers"][0];
    EXPECT_EQ(verdict["node"], pychain.url());
    EXPECT_EQ(verdict["verdict"], "incompatible");
    EXPECT_NE(verdict["detail"].get<std::string>().find("not a chainsim block"),
              std::string::npos)
        << verdict.dump();
    EXPECT_EQ(resolved.json["message"], "Our chain is authoritative");
}

TEST_F(PyChainTest, APeerWhoseChainIsNotChainsimsIsIncompatibleAfterResolve) {
    // A peer that answers the peer routes (so the announce finds nothing) but serves a
    // PyChain /chain: resolve finds it out, and relays stop.
    PyChainStub pychain(io_, /*accepts_posts=*/true);
    LiveNode& a = add();
    ASSERT_EQ(testing::post(a.url(), "/nodes/register", json{{"nodes", {pychain.url()}}}).status,
              201u);
    ASSERT_TRUE(testing::eventually([&] { return pychain.count("POST /peers/announce") == 1; }));
    std::this_thread::sleep_for(100ms);
    EXPECT_EQ(peer_entry(a.url(), pychain.url())["compatible"], true);
    const Answer resolved = testing::get(a.url(), "/nodes/resolve");
    EXPECT_EQ(resolved.json["peers"][0]["verdict"], "incompatible");
    const json entry = peer_entry(a.url(), pychain.url());
    EXPECT_EQ(entry["compatible"], false);
    EXPECT_NE(entry["reason"].get<std::string>().find("GET /chain"), std::string::npos);
    const auto tx = core::Transaction::sign_transfer(carol_, demo_[0].address, 5, 0, 0);
    ASSERT_EQ(testing::post(a.url(), "/transactions/new", core::tx_to_json(*tx)).status, 201u);
    std::this_thread::sleep_for(200ms);
    EXPECT_EQ(pychain.count("POST /transactions/new"), 0);
    // Registering it again asks again (it may have been replaced by a chainsim node).
    ASSERT_EQ(testing::post(a.url(), "/nodes/register", json{{"nodes", {pychain.url()}}}).status,
              201u);
    EXPECT_EQ(peer_entry(a.url(), pychain.url())["compatible"], true);
}

TEST_F(PyChainTest, TheTutorialTransactionGetsOneExplainingError) {
    LiveNode& a = add();
    const Answer r = testing::post(a.url(), "/transactions/new",
                                   json{{"sender", "someone"}, {"recipient", "someone-else"},
                                        {"amount", 5}});
    EXPECT_EQ(r.status, 400u) << r.body;
    EXPECT_EQ(r.json["error"], "unsigned-transaction");
    const std::string m = r.json["message"];
    for (const char* needed : {"not signed", "public key", "nonce", "signature", "RFC 6979",
                               "chainsim/tx/v1", "docs/pychain.md", "--demo-wallets"}) {
        EXPECT_NE(m.find(needed), std::string::npos) << needed << " in: " << m;
    }
    const Answer wallets = testing::get(a.url(), "/wallets");
    EXPECT_EQ(wallets.json["demo"], false);
    EXPECT_TRUE(wallets.json["wallets"].empty());
}

TEST_F(PyChainTest, DemoWalletsSignTheTutorialTransaction) {
    LiveNodeConfig config;
    config.demo_wallets = demo_;
    LiveNode& a = add(config);
    const Answer wallets = testing::get(a.url(), "/wallets");
    ASSERT_EQ(wallets.json["wallets"].size(), 3u);
    EXPECT_EQ(wallets.json["demo"], true);
    EXPECT_NE(wallets.json["note"].get<std::string>().find("public"), std::string::npos);
    EXPECT_EQ(wallets.json["wallets"][0]["name"], "alice");
    EXPECT_EQ(wallets.json["wallets"][0]["address"], demo_[0].address.hex());
    EXPECT_EQ(wallets.json["wallets"][0]["balance"], kDemoWalletFunds);
    // The key is the published derivation: SHA-256 of the name.
    EXPECT_EQ(wallets.json["wallets"][1]["private_key"],
              core::sha256(std::string("chainsim/demo-wallet/v1/bob")).hex());

    const Answer sent = testing::post(a.url(), "/transactions/new",
                                      json{{"sender", "alice"}, {"recipient", "bob"}, {"amount", 5}});
    ASSERT_EQ(sent.status, 201u) << sent.body;
    EXPECT_EQ(sent.json["demo"], true);
    EXPECT_NE(sent.json["note"].get<std::string>().find("demo"), std::string::npos);
    EXPECT_EQ(sent.json["transaction"]["sender"], demo_[0].public_key.hex());
    EXPECT_EQ(sent.json["transaction"]["nonce"], 0);
    // It is an ordinary signed transaction: it decodes and verifies as any other.
    core::TransactionRef tx;
    ASSERT_TRUE(core::tx_from_json(sent.json["transaction"], false, tx).ok());
    EXPECT_TRUE(tx->check(false).ok());
    // The next one takes the next nonce; an overspend is the usual 422.
    const Answer second = testing::post(
        a.url(), "/transactions/new",
        json{{"sender", "alice"}, {"recipient", demo_[2].address.hex()}, {"amount", 7}, {"fee", 1}});
    ASSERT_EQ(second.status, 201u) << second.body;
    EXPECT_EQ(second.json["transaction"]["nonce"], 1);
    const Answer overspend = testing::post(
        a.url(), "/transactions/new", json{{"sender", "bob"}, {"recipient", "alice"}, {"amount", 5000}});
    EXPECT_EQ(overspend.status, 422u);
    EXPECT_EQ(overspend.json["error"], "insufficient-funds");
    const Answer fractional = testing::post(
        a.url(), "/transactions/new", json{{"sender", "bob"}, {"recipient", "alice"}, {"amount", 1.5}});
    EXPECT_EQ(fractional.status, 400u);
    const Answer stranger = testing::post(
        a.url(), "/transactions/new", json{{"sender", "mallory"}, {"recipient", "bob"}, {"amount", 1}});
    EXPECT_EQ(stranger.json["error"], "unsigned-transaction");
    EXPECT_NE(stranger.json["message"].get<std::string>().find("alice, bob, carol"),
              std::string::npos);

    ASSERT_EQ(testing::get(a.url(), "/mine").status, 200u);
    EXPECT_EQ(testing::get(a.url(), "/balance/" + demo_[1].address.hex()).json["balance"],
              kDemoWalletFunds + 5);
    EXPECT_EQ(testing::get(a.url(), "/balance/" + demo_[0].address.hex()).json["balance"],
              kDemoWalletFunds - 5 - 7 - 1);
}

TEST_F(PyChainTest, TheTreeShowsStaleBranches) {
    LiveNode& a = add();
    ASSERT_EQ(testing::get(a.url(), "/mine").status, 200u);
    ASSERT_EQ(testing::get(a.url(), "/mine").status, 200u);
    // A competing block at height 1: valid, but on a shorter branch.
    testing::ChainBuilder other(network_);
    other.set_miner(carol_.public_key().address());
    const core::BlockRef rival = other.next();
    ASSERT_EQ(testing::post(a.url(), "/blocks", core::block_to_json(*rival)).status, 202u);
    const Answer tree = testing::get(a.url(), "/tree");
    ASSERT_EQ(tree.status, 200u);
    EXPECT_EQ(tree.json["height"], 2);
    EXPECT_EQ(tree.json["stale"], 1);
    ASSERT_EQ(tree.json["blocks"].size(), 4u);  // genesis, two active, one stale
    int stale = 0;
    for (const json& b : tree.json["blocks"]) {
        if (b["active"] == false) {
            ++stale;
            EXPECT_EQ(b["hash"], rival->hash().display_hex());
            EXPECT_EQ(b["height"], 1);
            EXPECT_EQ(b["miner"], carol_.public_key().address().hex());
        }
    }
    EXPECT_EQ(stale, 1);
    EXPECT_EQ(testing::get(a.url(), "/tree?heights=0").status, 400u);
}

}  // namespace
}  // namespace live

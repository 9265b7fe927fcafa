// GET /nodes/resolve against fake peers serving forged chains over real HTTP: every forged
// chain is refused whole, however long it claims to be; the honest longer one is adopted.
#include <gtest/gtest.h>

#include "core/codec.h"
#include "live_test_util.h"
#include "sim/live/api.h"
#include "sim/live/live_node.h"

namespace live {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

// Serves GET /chain?from=&limit= pages of `blocks` (genesis first), claiming `length`.
class FakePeer {
  public:
    enum class Mode { kServe, kSilent, kHuge, kGarbage };

    FakePeer(testing::IoThread& io, std::vector<json> blocks, std::optional<std::uint64_t> length,
             Mode mode = Mode::kServe)
        : io_(io), blocks_(std::move(blocks)), length_(length), mode_(mode) {
        io_.call([&] {
            server_ = std::make_unique<HttpServer>(
                io_.io(), ServerLimits{}, [this](const Request& req, Reply reply) {
                    serve(std::string(req.target()), std::move(reply));
                });
            ASSERT_TRUE(server_->listen("127.0.0.1", 0).ok());
        });
        url_ = "http://127.0.0.1:" + std::to_string(server_->port());
    }
    ~FakePeer() {
        io_.call([&] {
            held_.clear();
            server_.reset();
        });
    }
    const std::string& url() const { return url_; }

  private:
    void serve(const std::string& target, Reply reply) {
        const api::Target t = api::parse_target(target);
        if (t.path != "/chain") return reply(api::error(404, "not-found", "fake peer"));
        switch (mode_) {
            case Mode::kSilent:
                held_.push_back(std::move(reply));  // never answered
                return;
            case Mode::kHuge: {
                Response r;
                r.body =
                    "{\"chain\":[],\"length\":99,\"pad\":\"" + std::string(3 << 20, 'x') + "\"}";
                return reply(std::move(r));
            }
            case Mode::kGarbage: {
                Response r;
                r.body = "{\"chain\": [{\"index\": 1,";
                return reply(std::move(r));
            }
            case Mode::kServe:
                break;
        }
        std::uint64_t from = 0, limit = 100;
        if (t.query.count("from")) (void)api::parse_u64(t.query.at("from"), from);
        if (t.query.count("limit")) (void)api::parse_u64(t.query.at("limit"), limit);
        json page = json::array();
        for (std::uint64_t h = from; h < blocks_.size() && h < from + limit; ++h)
            page.push_back(blocks_[h]);
        reply(api::json(
            200, {{"chain", std::move(page)}, {"length", length_.value_or(blocks_.size())}}));
    }

    testing::IoThread& io_;
    std::vector<json> blocks_;
    std::optional<std::uint64_t> length_;
    Mode mode_;
    std::unique_ptr<HttpServer> server_;
    std::vector<Reply> held_;
    std::string url_;
};

std::vector<json> to_json(const std::vector<core::BlockRef>& blocks) {
    std::vector<json> out;
    for (const auto& b : blocks)
        out.push_back(core::block_to_json(*b));
    return out;
}

class ResolveTest : public ::testing::Test {
  protected:
    void SetUp() override {
        node_ = io_.call([&] {
            LiveNodeConfig config;
            config.transport.timeout = 500ms;
            config.resolve.max_page_bytes = 1 << 20;
            config.resolve.page_blocks = 3;  // several pages per chain
            auto started = LiveNode::start(io_.io(), network_, config);
            EXPECT_TRUE(started) << (started ? "" : started.error());
            return started ? std::move(*started) : nullptr;
        });
        ASSERT_NE(node_, nullptr);
        url_ = node_->url();
        // Our own chain: genesis + 2 blocks.
        ASSERT_EQ(testing::get(url_, "/mine").status, 200u);
        ASSERT_EQ(testing::get(url_, "/mine").status, 200u);
    }
    void TearDown() override {
        io_.call([&] { node_.reset(); });
    }

    std::string tip() { return testing::get(url_, "/status").json["tip"]; }

    // A chain of `n` blocks after genesis on our network; `forge(height, builder)` may build
    // block `height` itself.
    std::vector<core::BlockRef> chain(
        int n, const std::function<bool(int, testing::ChainBuilder&)>& forge = {}) {
        testing::ChainBuilder b(network_);
        for (int h = 1; h <= n; ++h) {
            if (!forge || !forge(h, b)) b.next();
        }
        return b.blocks();
    }

    core::PrivateKey alice_ = testing::test_key(1);
    core::Address bob_ = testing::test_key(2).public_key().address();
    NetworkParams network_ = testing::test_network({{alice_.public_key().address(), 1000}});
    testing::IoThread io_;
    std::unique_ptr<LiveNode> node_;
    std::string url_;
};

TEST_F(ResolveTest, AdoptsTheHonestLongerChain) {
    const auto honest = chain(7);
    FakePeer peer(io_, to_json(honest), std::nullopt);
    ASSERT_EQ(testing::post(url_, "/nodes/register", json{{"nodes", {peer.url()}}}).status, 201u);
    const testing::Answer r = testing::get(url_, "/nodes/resolve");
    ASSERT_EQ(r.status, 200u) << r.body;
    EXPECT_EQ(r.json["message"], "Our chain was replaced");
    EXPECT_EQ(r.json["peers"][0]["verdict"], "adopted") << r.body;
    ASSERT_EQ(r.json["new_chain"].size(), 8u);
    EXPECT_EQ(r.json["new_chain"][7]["hash"], honest.back()->hash().display_hex());
    EXPECT_EQ(tip(), honest.back()->hash().display_hex());
    // Asked again: nothing to do.
    const testing::Answer again = testing::get(url_, "/nodes/resolve");
    EXPECT_EQ(again.json["message"], "Our chain is authoritative");
    EXPECT_EQ(again.json["peers"][0]["verdict"], "not-better");
}

TEST_F(ResolveTest, RefusesEveryForgedChainAndAdoptsTheHonestOne) {
    const std::string our_tip = tip();
    const auto tx = [&](std::uint64_t amount, std::uint64_t nonce) {
        return core::Transaction::sign_transfer(alice_, bob_, amount, 0, nonce);
    };
    struct Case {
        std::string name;
        std::vector<json> blocks;
        std::optional<std::uint64_t> length;
        FakePeer::Mode mode = FakePeer::Mode::kServe;
        std::string verdict;
        std::string detail;  // expected in the verdict's detail
    };
    std::vector<Case> cases;
    cases.push_back(
        {"bad signature",
         to_json(chain(9,
                       [&](int h, testing::ChainBuilder& b) {
                           if (h != 3) return false;
                           auto good = tx(5, 0);
                           core::Signature s = good->signature();
                           s.bytes[9] ^= 4;
                           b.next({core::Transaction::transfer(*good->sender(), bob_, 5, 0, 0, s)});
                           return true;
                       })),
         std::nullopt, FakePeer::Mode::kServe, "refused", "bad-signature"});
    cases.push_back({"overspend",
                     to_json(chain(9,
                                   [&](int h, testing::ChainBuilder& b) {
                                       if (h != 2) return false;
                                       b.next({tx(1'000'000, 0)});
                                       return true;
                                   })),
                     std::nullopt, FakePeer::Mode::kServe, "refused", "insufficient-funds"});
    cases.push_back({"replayed nonce",
                     to_json(chain(9,
                                   [&](int h, testing::ChainBuilder& b) {
                                       if (h == 2) b.next({tx(5, 0)});
                                       if (h == 4) b.next({tx(6, 0)});
                                       return h == 2 || h == 4;
                                   })),
                     std::nullopt, FakePeer::Mode::kServe, "refused", "replay"});
    cases.push_back({"bad proof of work",
                     to_json(chain(9,
                                   [&](int h, testing::ChainBuilder& b) {
                                       if (h != 4) return false;
                                       b.next({}, {}, /*solve=*/false);
                                       return true;
                                   })),
                     std::nullopt, FakePeer::Mode::kServe, "refused", "bad-pow"});
    cases.push_back({"inflated coinbase",
                     to_json(chain(9,
                                   [&](int h, testing::ChainBuilder& b) {
                                       if (h != 5) return false;
                                       b.next({}, {}, true, 1000);
                                       return true;
                                   })),
                     std::nullopt, FakePeer::Mode::kServe, "refused", "bad-coinbase"});
    cases.push_back(
        {"block from the future",
         to_json(chain(9,
                       [&](int h, testing::ChainBuilder& b) {
                           if (h != 6) return false;
                           b.next({}, [](core::BlockHeader& hd) { hd.time = 4'000'000'000u; });
                           return true;
                       })),
         std::nullopt, FakePeer::Mode::kServe, "refused", "time-too-new"});
    {
        // Two chains spliced: heights match but block 5 does not extend block 4.
        auto a = to_json(chain(9));
        testing::ChainBuilder other(network_);
        other.set_miner(bob_);
        for (int i = 0; i < 9; ++i)
            other.next();
        auto b = to_json(other.blocks());
        for (int h = 5; h <= 9; ++h)
            a[h] = b[h];
        cases.push_back(
            {"spliced", a, std::nullopt, FakePeer::Mode::kServe, "refused", "does not extend"});
    }
    {
        const NetworkParams foreign = testing::test_network({{bob_, 5}});
        testing::ChainBuilder f(foreign);
        for (int i = 0; i < 9; ++i)
            f.next();
        cases.push_back({"foreign genesis", to_json(f.blocks()), std::nullopt,
                         FakePeer::Mode::kServe, "refused", "genesis"});
    }
    // Valid but no longer than ours, while claiming a great length: the claim buys nothing.
    cases.push_back({"lying length", to_json(chain(2)), 1000, FakePeer::Mode::kServe, "refused",
                     "serves none"});
    cases.push_back(
        {"silent", {}, std::nullopt, FakePeer::Mode::kSilent, "unreachable", "timed out"});
    cases.push_back(
        {"huge answer", {}, std::nullopt, FakePeer::Mode::kHuge, "unreachable", "larger than"});
    cases.push_back(
        {"garbage", {}, std::nullopt, FakePeer::Mode::kGarbage, "incompatible", "not a JSON object"});
    const auto honest = chain(6);
    cases.push_back(
        {"honest", to_json(honest), std::nullopt, FakePeer::Mode::kServe, "adopted", "height 6"});

    std::vector<std::unique_ptr<FakePeer>> peers;
    json urls = json::array();
    for (const Case& c : cases) {
        peers.push_back(std::make_unique<FakePeer>(io_, c.blocks, c.length, c.mode));
        urls.push_back(peers.back()->url());
    }
    ASSERT_EQ(testing::post(url_, "/nodes/register", json{{"nodes", urls}}).status, 201u);
    EXPECT_EQ(tip(), our_tip);  // registering alone changes nothing

    const testing::Answer r = testing::get(url_, "/nodes/resolve");
    ASSERT_EQ(r.status, 200u) << r.body;
    ASSERT_EQ(r.json["peers"].size(), cases.size());
    for (std::size_t i = 0; i < cases.size(); ++i) {
        const json& v = r.json["peers"][i];
        EXPECT_EQ(v["node"], peers[i]->url());
        EXPECT_EQ(v["verdict"], cases[i].verdict) << cases[i].name << ": " << v.dump();
        EXPECT_NE(v["detail"].get<std::string>().find(cases[i].detail), std::string::npos)
            << cases[i].name << ": " << v.dump();
    }
    EXPECT_EQ(r.json["message"], "Our chain was replaced");
    EXPECT_EQ(tip(), honest.back()->hash().display_hex());
    // None of the forged blocks entered the node.
    for (std::size_t i = 0; i + 1 < cases.size(); ++i) {
        for (const json& b : cases[i].blocks) {
            const auto h = b["hash"].get<std::string>();
            if (b["height"] == 0) continue;  // genesis
            const bool honest_block = std::any_of(honest.begin(), honest.end(), [&](const auto& x) {
                return x->hash().display_hex() == h;
            });
            if (!honest_block) {
                EXPECT_EQ(testing::get(url_, "/blocks/" + h).status, 404u) << cases[i].name;
            }
        }
    }
}

}  // namespace
}  // namespace live

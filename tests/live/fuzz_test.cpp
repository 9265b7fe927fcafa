// A barrage of random methods, paths and bodies (and raw bytes on the socket) must leave the
// node up, answering only with statuses of the contract (never 500), each error a JSON
// {error, message}, and with a chain and a mempool that still validate.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <iostream>
#include <random>
#include <set>

#include "core/codec.h"
#include "core/mempool.h"
#include "live_test_util.h"
#include "sim/live/live_node.h"

namespace live {
namespace {

using boost::beast::http::verb;
using nlohmann::json;

class Fuzzer {
  public:
    explicit Fuzzer(std::uint64_t seed) : rng_(seed) {}

    std::uint64_t below(std::uint64_t n) { return rng_() % n; }
    bool coin() { return below(2) == 0; }

    std::string bytes(std::size_t max) {
        std::string s(below(max + 1), '\0');
        for (char& c : s)
            c = static_cast<char>(below(256));
        return s;
    }

    json value(int depth = 0) {
        switch (below(depth > 3 ? 6 : 8)) {
            case 0:
                return nullptr;
            case 1:
                return coin();
            case 2:
                return static_cast<std::int64_t>(rng_());
            case 3:
                return rng_();
            case 4:
                return static_cast<double>(static_cast<std::int64_t>(rng_())) / 1e3;
            case 5:
                return std::string(below(70), "0123456789abcdefxyz\"\\"[below(21)]);
            case 6: {
                json a = json::array();
                for (std::uint64_t i = below(5); i > 0; --i)
                    a.push_back(value(depth + 1));
                return a;
            }
            default: {
                json o = json::object();
                static const char* keys[] = {"sender", "recipient", "amount",        "fee",
                                             "nonce",  "signature", "txid",          "nodes",
                                             "hash",   "index",     "previous_hash", "x"};
                for (std::uint64_t i = below(6); i > 0; --i)
                    o[keys[below(12)]] = value(depth + 1);
                return o;
            }
        }
    }

    json mutate(json j) {
        if (!j.is_object() || j.empty()) return j;
        auto it = j.begin();
        std::advance(it, static_cast<long>(below(j.size())));
        switch (below(4)) {
            case 0:
                j.erase(it);
                break;
            case 1:
                it.value() = value();
                break;
            case 2:
                j[std::string("extra") + std::to_string(below(3))] = value();
                break;
            default:
                if (it->is_string() && !it->get<std::string>().empty()) {
                    std::string s = *it;
                    s[below(s.size())] = "0123456789abcdefg"[below(17)];
                    it.value() = s;
                }
        }
        return j;
    }

  private:
    std::mt19937_64 rng_;
};

TEST(LiveFuzz, RandomRequestsLeaveTheNodeUpAndConsistent) {
    const core::PrivateKey alice = testing::test_key(1);
    const core::Address bob = testing::test_key(2).public_key().address();
    const NetworkParams network =
        testing::test_network({{alice.public_key().address(), 1'000'000}});
    testing::IoThread io;
    std::unique_ptr<LiveNode> node = io.call([&] {
        LiveNodeConfig config;
        config.max_peers = 8;
        config.transport.timeout = std::chrono::milliseconds(300);
        auto started = LiveNode::start(io.io(), network, config);
        return std::move(started.value());
    });
    const std::string url = node->url();
    const std::uint16_t port = node->port();
    for (int i = 0; i < 3; ++i)
        ASSERT_EQ(testing::get(url, "/mine").status, 200u);
    const json block = testing::get(url, "/chain?from=1&limit=1").json["chain"][0];

    // Raw garbage on the socket from another thread while the HTTP barrage runs.
    std::thread raw([port] {
        Fuzzer f(99);
        for (int i = 0; i < 300; ++i) {
            const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
            sockaddr_in a{};
            a.sin_family = AF_INET;
            a.sin_port = htons(port);
            a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
                std::string junk =
                    f.coin() ? f.bytes(3000) : "POST /blocks HTTP/1.1\r\n" + f.bytes(200);
                (void)::send(fd, junk.data(), junk.size(), MSG_NOSIGNAL);
            }
            ::close(fd);
        }
    });

    const std::uint64_t seed = 20240611;
    SCOPED_TRACE("fuzz seed " + std::to_string(seed));
    Fuzzer f(seed);
    const std::vector<std::string> routes = {"/",
                                             "/mine",
                                             "/transactions/new",
                                             "/chain",
                                             "/chain?from=1",
                                             "/nodes/register",
                                             "/nodes",
                                             "/blocks",
                                             "/blocks/" + block["hash"].get<std::string>(),
                                             "/mempool",
                                             "/status",
                                             "/metrics",
                                             "/peers/announce",
                                             "/peers/transactions",
                                             "/balance/" + alice.public_key().address().hex()};
    const std::vector<verb> methods = {verb::get,   verb::post,    verb::put,
                                       verb::patch, verb::delete_, verb::options};
    const std::set<unsigned> allowed = {200, 201, 202, 400, 403, 404, 405, 409, 413, 422, 503};
    std::uint64_t next_nonce = 0;
    std::map<unsigned, int> seen;
    for (int i = 0; i < 2500; ++i) {
        std::string target;
        switch (f.below(6)) {
            case 0:
                target = "/" + f.bytes(40);
                break;  // the client percent-encodes nothing
            case 1:
                target = routes[f.below(routes.size())] + "?from=" + std::to_string(f.below(9)) +
                         "&limit=" + f.bytes(3);
                break;
            case 2:
                target = "/blocks/" + std::string(f.below(70), 'f');
                break;
            default:
                target = routes[f.below(routes.size())];
        }
        // Control characters cannot travel in a request line; the client would refuse them.
        for (char& c : target) {
            if (static_cast<unsigned char>(c) <= 32 || c == 127) c = '_';
        }
        if (target.empty() || target[0] != '/') target = "/" + target;
        std::string body;
        switch (f.below(8)) {
            case 0:
                body = f.bytes(2000);
                break;
            case 1:
                body = f.value().dump();
                break;
            case 2: {
                const json tx = core::tx_to_json(*core::Transaction::sign_transfer(
                    alice, bob, 1 + f.below(5), f.below(3), next_nonce));
                body = (f.coin() ? tx : f.mutate(tx)).dump();
                if (f.below(4) == 0) target = "/transactions/new";
                break;
            }
            case 3:
                body = f.mutate(block).dump();
                break;
            case 4:
                body = std::string(20000, '[') + std::string(20000, ']');
                break;
            case 5:
                body = json{{"nodes", {f.coin() ? "http://127.0.0.1:1" : f.bytes(30)}}}.dump(
                    -1, ' ', false, json::error_handler_t::replace);
                break;
            case 6:
                body = "{\"amount\": 1e999999, \"fee\": -0, \"nonce\": 18446744073709551616}";
                break;
            default:
                break;
        }
        const verb method =
            f.below(5) < 4 ? (f.coin() ? verb::get : verb::post) : methods[f.below(methods.size())];
        const testing::Answer a = testing::request(url, method, target, body);
        ASSERT_TRUE(allowed.count(a.status)) << "status " << a.status << " for " << a.error << " "
                                             << target << " body " << body.substr(0, 200);
        ++seen[a.status];
        if (a.status >= 400) {
            ASSERT_TRUE(a.json.is_object() && a.json["error"].is_string() &&
                        a.json["message"].is_string())
                << a.status << " " << a.body;
        }
        if (a.status == 201 && target == "/transactions/new") ++next_nonce;
    }
    raw.join();
    for (const auto& [status, count] : seen)
        std::cout << "  HTTP " << status << ": " << count << "\n";
    EXPECT_GT(seen[400], 100);
    EXPECT_GT(seen[404], 100);
    EXPECT_GT(seen[405], 100);

    // Still up, still mining, and the chain and mempool validate from scratch.
    ASSERT_EQ(testing::get(url, "/status").status, 200u);
    ASSERT_EQ(testing::get(url, "/mine").status, 200u);
    const testing::Answer chain = testing::get(url, "/chain");
    core::Chain replay(network.consensus, network.genesis);
    for (std::size_t h = 1; h < chain.json["chain"].size(); ++h) {
        core::BlockRef b;
        ASSERT_TRUE(core::block_from_json(chain.json["chain"][h], b).ok());
        const core::AcceptResult r = replay.accept(b, std::numeric_limits<std::int32_t>::max());
        ASSERT_EQ(r.status, core::AcceptResult::Status::kAccepted) << r.result.message;
    }
    EXPECT_EQ(replay.tip()->hash().display_hex(), testing::get(url, "/status").json["tip"]);
    core::Mempool pool;
    const testing::Answer mempool = testing::get(url, "/mempool");
    for (const json& t : mempool.json["transactions"]) {
        core::TransactionRef tx;
        ASSERT_TRUE(core::tx_from_json(t, false, tx).ok());
        EXPECT_TRUE(pool.accept(tx, replay.state()).ok());
    }
    io.call([&] { node.reset(); });
}

}  // namespace
}  // namespace live

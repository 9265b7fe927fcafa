// What a new user met in live mode (issue 14): the data dir keeps its miner, a dead peer is
// not reachable, and `chainsim live` leaves no temporary data dir behind.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "e2e/process.h"
#include "live/live_test_util.h"

namespace {

using e2e::Process;
using e2e::TempDir;
using live::testing::get;
using nlohmann::json;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

// A loopback TCP socket bound (and listening, if `listen_too`) on a free port; closed when
// it goes. Without listening, nothing answers at the port: a dead peer.
class BoundPort {
  public:
    explicit BoundPort(bool listen_too) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t size = sizeof addr;
        if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
            (listen_too && ::listen(fd_, 4) != 0) ||
            ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &size) != 0) {
            return;
        }
        port_ = ntohs(addr.sin_port);
    }
    ~BoundPort() {
        if (fd_ >= 0) ::close(fd_);
    }
    int port() const { return port_; }

  private:
    int fd_ = -1;
    int port_ = 0;
};

TEST(LiveUx, TheDataDirKeepsItsFirstMiner) {
    TempDir dir("miner");
    const std::string data = (dir / "data").string();
    const std::string first(40, 'a');
    {
        Process node({"node", "--port", "0", "--data", data, "--miner", first, "--quiet"},
                     dir / "1.log");
        EXPECT_EQ(node.wait_for("  miner "), first + ",") << node.output();
        node.kill(SIGTERM);
    }
    {
        Process node({"node", "--port", "0", "--data", data, "--quiet"}, dir / "2.log");
        EXPECT_EQ(node.wait_for("  miner "), first + ",") << node.output();
        node.kill(SIGTERM);
    }
    Process other({"node", "--port", "0", "--data", data, "--miner", std::string(40, 'b')},
                  dir / "3.log");
    EXPECT_EQ(other.wait_exit(10s), 2) << other.output();
    EXPECT_NE(other.output().find("pays mining rewards to " + first), std::string::npos)
        << other.output();
}

TEST(LiveUx, ADeadPeerIsNotReachable) {
    TempDir dir("dead");
    const BoundPort dead(/*listen_too=*/false);
    ASSERT_GT(dead.port(), 0);
    const std::string peer = "http://127.0.0.1:" + std::to_string(dead.port());
    Process node({"node", "--port", "0", "--pow-bits", "8", "--peer", peer, "--quiet"},
                 dir / "node.log");
    const auto url = node.wait_for("listening on ");
    ASSERT_TRUE(url) << node.output();
    ASSERT_EQ(get(*url, "/mine").status, 200u);  // relays the block to the dead peer
    json p;
    EXPECT_TRUE(live::testing::eventually([&] {
        const json nodes = get(*url, "/nodes").json;
        if (!nodes.is_object() || !nodes["peers"].is_array() || nodes["peers"].empty())
            return false;
        p = nodes["peers"][0];
        return p.value("failed", 0) > 0;
    })) << p.dump();
    EXPECT_EQ(p["reachable"], false) << p.dump();
    EXPECT_EQ(p["partitioned"], false) << p.dump();
}

// `chainsim live` without --data: its temporary data dir is gone afterwards, also when the
// start is refused, unless --keep-data.
TEST(LiveUx, TemporaryDataDirsAreRemoved) {
    TempDir dir("tmp");
    const fs::path tmp = dir / "tmp";
    fs::create_directories(tmp);
    const std::string scenario = (dir / "pair.yaml").string();
    std::ofstream(scenario) << "name: pair\n"
                               "duration: 1s\n"
                               "consensus: {block_interval: 500ms, pow_bits: 8}\n"
                               "network:\n"
                               "  nodes: 2\n";
    auto leftovers = [&] {
        std::vector<std::string> names;
        for (const auto& entry : fs::directory_iterator(tmp))
            names.push_back(entry.path().filename().string());
        return names;
    };
    const char* old_tmpdir = std::getenv("TMPDIR");
    const std::string saved = old_tmpdir ? old_tmpdir : "";
    ::setenv("TMPDIR", tmp.c_str(), 1);

    {
        Process ran({"live", scenario, "--base-port", "0", "--quiet"}, dir / "ran.log");
        EXPECT_EQ(ran.wait_exit(60s), 0) << ran.output();
        EXPECT_NE(ran.output().find("(temporary, removed at exit)"), std::string::npos)
            << ran.output();
    }
    EXPECT_TRUE(leftovers().empty()) << leftovers().front();

    const BoundPort busy(/*listen_too=*/true);
    {
        Process refused({"live", scenario, "--base-port", std::to_string(busy.port()), "--quiet"},
                        dir / "refused.log");
        EXPECT_EQ(refused.wait_exit(30s), 2) << refused.output();
    }
    EXPECT_TRUE(leftovers().empty()) << leftovers().front();

    {
        Process kept({"live", scenario, "--base-port", "0", "--quiet", "--keep-data"},
                     dir / "kept.log");
        EXPECT_EQ(kept.wait_exit(60s), 0) << kept.output();
    }
    const auto kept = leftovers();
    ASSERT_EQ(kept.size(), 1u);
    EXPECT_EQ(kept[0].rfind("chainsim-live-", 0), 0u) << kept[0];

    if (old_tmpdir) {
        ::setenv("TMPDIR", saved.c_str(), 1);
    } else {
        ::unsetenv("TMPDIR");
    }
}

// docs/live-example.md is reproducible: its curl body, posted to a fresh node started with its
// --fund, gets 201 and the txid it shows (RFC 6979 signatures are deterministic).
TEST(LiveUx, TheDocumentedTransactionIsAccepted) {
    TempDir dir("example");
    std::ifstream in(std::string(CHAINSIM_SOURCE_DIR) + "/docs/live-example.md");
    std::stringstream text;
    text << in.rdbuf();
    const std::string doc = text.str();
    auto after = [&doc](const std::string& marker, const std::string& end) {
        const auto at = doc.find(marker);
        if (at == std::string::npos) return std::string();
        const auto from = at + marker.size();
        return doc.substr(from, doc.find(end, from) - from);
    };
    const std::string fund = after("chainsim node --port 5001 --fund ", " ");
    const auto marker = doc.find("<!-- example-body -->");
    ASSERT_NE(marker, std::string::npos);
    const auto body_at = doc.find("-d '", marker);
    ASSERT_NE(body_at, std::string::npos);
    const std::string body = doc.substr(body_at + 4, doc.find("'\n", body_at) - body_at - 4);
    const std::string txid = after("\"txid\":\"", "\"");
    ASSERT_FALSE(fund.empty() || body.empty() || txid.empty()) << doc;

    Process node({"node", "--port", "0", "--fund", fund, "--quiet"}, dir / "node.log");
    const auto url = node.wait_for("listening on ");
    ASSERT_TRUE(url) << node.output();
    const auto answer = live::testing::post(*url, "/transactions/new", body);
    EXPECT_EQ(answer.status, 201u) << answer.body;
    EXPECT_EQ(answer.json.value("txid", std::string()), txid) << answer.body;
}

}  // namespace

// What a live node's data dir promises across restarts (issue 12): stored blocks are never
// re-judged by the wall clock, and a store that does not replay completely refuses to start.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>

#include "core/codec.h"
#include "live_test_util.h"
#include "sim/live/live_node.h"
#include "sim/live/store.h"

namespace live {
namespace {

namespace fs = std::filesystem;

class DurabilityTest : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() /
               ("chainsim-durability-test-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }

    // Writes `blocks` (and `pending`) to the data dir as a node would have.
    void store(const std::vector<core::BlockRef>& blocks,
               const std::vector<core::TransactionRef>& pending = {}) {
        auto s = Store::open(dir_.string(), network_.describe());
        ASSERT_TRUE(s) << s.error();
        for (const auto& b : blocks)
            (*s)->put_block(*b);
        for (const auto& tx : pending)
            (*s)->put_transaction(*tx);
        ASSERT_TRUE((*s)->commit().ok());
    }

    sim::Expected<std::unique_ptr<LiveNode>> start() {
        return io_.call([&] {
            LiveNodeConfig config;
            config.data_dir = dir_.string();
            return LiveNode::start(io_.io(), network_, config);
        });
    }

    core::PrivateKey alice_ = testing::test_key(1);
    core::Address bob_ = testing::test_key(2).public_key().address();
    NetworkParams network_ = testing::test_network({{alice_.public_key().address(), 1000}});
    fs::path dir_;
    testing::IoThread io_;
};

TEST_F(DurabilityTest, StoredBlocksSurviveAClockThatJumpedBack) {
    // Blocks stamped three hours ahead of the wall clock: what a node that ran with its
    // clock three hours ahead stored, restarted after the clock was set right.
    const auto ahead = static_cast<std::uint32_t>(unix_nanos() / core::kSecond + 3 * 3600);
    testing::ChainBuilder chain(network_);
    const auto pay_bob = core::Transaction::sign_transfer(alice_, bob_, 40, 1, 0);
    const auto pending = core::Transaction::sign_transfer(alice_, bob_, 2, 1, 1);
    std::vector<core::BlockRef> blocks;
    for (std::uint32_t i = 1; i <= 5; ++i) {
        std::vector<core::TransactionRef> txs;
        if (i == 1) txs.push_back(pay_bob);
        blocks.push_back(chain.next(txs, [&](core::BlockHeader& h) { h.time = ahead + 60 * i; }));
    }
    store(blocks, {pending});

    auto node = start();
    ASSERT_TRUE(node) << node.error();
    io_.call([&] {
        EXPECT_EQ((*node)->node().chain().height(), 5u);
        EXPECT_EQ((*node)->node().chain().state().account(bob_).balance, 40u);
        EXPECT_TRUE((*node)->node().mempool().contains(pending->txid()));
        node->reset();
    });
}

TEST_F(DurabilityTest, RefusesAStoreMissingABlock) {
    testing::ChainBuilder chain(network_);
    std::vector<core::BlockRef> blocks;
    for (int i = 0; i < 20; ++i)
        blocks.push_back(chain.next());
    store(blocks);
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((dir_ / "chain.db").c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "DELETE FROM blocks WHERE seq = 6", nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);

    auto node = start();
    ASSERT_FALSE(node) << "started at height " << (*node)->node().chain().height();
    EXPECT_NE(node.error().find("stored block 6 (" + blocks[6]->hash().display_hex()),
              std::string::npos)
        << node.error();
    EXPECT_NE(node.error().find("height 7"), std::string::npos) << node.error();
    EXPECT_NE(node.error().find("refusing to start"), std::string::npos) << node.error();
}

TEST_F(DurabilityTest, RefusesAnEmptyDatabaseFile) {
    fs::create_directories(dir_);
    std::ofstream(dir_ / "chain.db").close();
    auto node = start();
    ASSERT_FALSE(node);
    EXPECT_NE(node.error().find("holds no chainsim data"), std::string::npos) << node.error();
    EXPECT_NE(node.error().find("refusing to start"), std::string::npos) << node.error();
    EXPECT_EQ(fs::file_size(dir_ / "chain.db"), 0u);  // left as found
}

TEST_F(DurabilityTest, AFullDiskIsNeverAcknowledgedAndRecovers) {
    // The disk fills up deterministically: chain.db is capped at its current page count
    // (SQLite's max_page_count), so the first write that needs a new page fails as
    // "database or disk is full".
    auto started = start();
    ASSERT_TRUE(started) << started.error();
    std::unique_ptr<LiveNode> node = std::move(*started);
    const std::string url = node->url();
    ASSERT_EQ(testing::get(url, "/mine").status, 200u);
    io_.call([&] { return node->limit_store_pages(1); });

    std::uint64_t acknowledged = 1;
    testing::Answer refused;
    for (int i = 0; i < 400 && refused.status == 0; ++i) {
        testing::Answer a = testing::get(url, "/mine");
        if (a.status == 200) {
            acknowledged = a.json.value("index", std::uint64_t{0});
        } else {
            refused = a;
        }
    }
    ASSERT_EQ(refused.status, 503u) << refused.body << refused.error;
    EXPECT_EQ(refused.json.value("error", ""), "storage") << refused.body;
    EXPECT_NE(refused.body.find("full"), std::string::npos) << refused.body;
    EXPECT_TRUE(io_.call([&] { return node->store_failing(); }));
    // While full: nothing new is taken on, nothing is mined.
    EXPECT_EQ(testing::get(url, "/mine").status, 503u);
    const auto tx = core::Transaction::sign_transfer(alice_, bob_, 1, 1, 0);
    EXPECT_EQ(testing::post(url, "/transactions/new", core::tx_to_json(*tx)).status, 503u);
    EXPECT_EQ(testing::get(url, "/status").json.value("storage", "").rfind("failing", 0), 0u);

    // Space returns: the node catches up by itself and works again.
    io_.call([&] { return node->limit_store_pages(0); });
    EXPECT_TRUE(
        testing::eventually([&] { return !io_.call([&] { return node->store_failing(); }); }));
    ASSERT_EQ(testing::get(url, "/mine").status, 200u);
    const std::uint64_t height = io_.call([&] { return node->node().chain().height(); });
    EXPECT_GT(height, acknowledged);
    io_.call([&] { node.reset(); });

    // Everything acknowledged (and what was held while full) is in the data dir.
    auto again = start();
    ASSERT_TRUE(again) << again.error();
    io_.call([&] {
        EXPECT_EQ((*again)->node().chain().height(), height);
        again->reset();
    });
}

}  // namespace
}  // namespace live

// The HTTP API of one live node, through real HTTP requests on loopback: every route, every
// status code of the contract, and the shape of every error body.
#include <gtest/gtest.h>

#include "core/codec.h"
#include "live_test_util.h"
#include "sim/live/live_node.h"

namespace live {
namespace {

using boost::beast::http::verb;
using nlohmann::json;
using testing::Answer;

json tx_json(const core::PrivateKey& key, const core::Address& to, std::uint64_t amount,
             std::uint64_t fee, std::uint64_t nonce) {
    return core::tx_to_json(*core::Transaction::sign_transfer(key, to, amount, fee, nonce));
}

void expect_error(const Answer& a, unsigned status, const std::string& error) {
    EXPECT_EQ(a.status, status) << a.body << a.error;
    ASSERT_TRUE(a.json.is_object()) << a.body;
    EXPECT_EQ(a.json.value("error", ""), error) << a.body;
    ASSERT_TRUE(a.json.contains("message")) << a.body;
    EXPECT_TRUE(a.json["message"].is_string());
    EXPECT_FALSE(a.json["message"].get<std::string>().empty());
}

class NodeApiTest : public ::testing::Test {
  protected:
    void SetUp() override {
        node_ = io_.call([&] {
            LiveNodeConfig config;
            config.miner = miner_;
            auto started = LiveNode::start(io_.io(), network_, config);
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
    core::Address alice_address_ = alice_.public_key().address();
    core::Address bob_ = testing::test_key(2).public_key().address();
    core::Address miner_ = testing::test_key(9).public_key().address();
    NetworkParams network_ = testing::test_network({{alice_address_, 1000}});
    testing::IoThread io_;
    std::unique_ptr<LiveNode> node_;
    std::string url_;
};

TEST_F(NodeApiTest, AcceptsASignedTransaction) {
    const Answer a = testing::post(url_, "/transactions/new", tx_json(alice_, bob_, 10, 1, 0));
    ASSERT_EQ(a.status, 201u) << a.body;
    EXPECT_EQ(a.json["message"], "Transaction will be added to Block 2");
    EXPECT_EQ(a.json["txid"].get<std::string>().size(), 64u);
    const Answer pool = testing::get(url_, "/mempool");
    EXPECT_EQ(pool.json["count"], 1);
    EXPECT_EQ(pool.json["transactions"][0]["txid"], a.json["txid"]);
}

TEST_F(NodeApiTest, TransactionStatusCodes) {
    const json valid = tx_json(alice_, bob_, 10, 1, 0);
    ASSERT_EQ(testing::post(url_, "/transactions/new", valid).status, 201u);
    // 409: the same transaction again; another one with a pending nonce.
    expect_error(testing::post(url_, "/transactions/new", valid), 409, "duplicate-tx");
    expect_error(testing::post(url_, "/transactions/new", tx_json(alice_, bob_, 11, 1, 0)), 409,
                 "nonce-conflict");
    // 403: a signature that does not verify.
    json forged = tx_json(alice_, bob_, 10, 1, 1);
    std::string sig = forged["signature"];
    sig[10] = sig[10] == '0' ? '1' : '0';
    forged["signature"] = sig;
    forged.erase("txid");
    expect_error(testing::post(url_, "/transactions/new", forged), 403, "bad-signature");
    // 400: not JSON, not an object, wrong types, negative and fractional amounts.
    expect_error(testing::post(url_, "/transactions/new", std::string("{\"sender\":")), 400,
                 "malformed");
    expect_error(testing::post(url_, "/transactions/new", std::string("[1,2]")), 400, "malformed");
    for (const json& amount : {json("10"), json(-5), json(1.5), json(nullptr), json(true)}) {
        json bad = tx_json(alice_, bob_, 10, 1, 1);
        bad["amount"] = amount;
        bad.erase("txid");
        expect_error(testing::post(url_, "/transactions/new", bad), 400, "malformed");
    }
    json no_sender = tx_json(alice_, bob_, 10, 1, 1);
    no_sender.erase("sender");
    expect_error(testing::post(url_, "/transactions/new", no_sender), 400, "malformed");
    // 422: overspend, zero amount, amount + fee beyond 64 bits.
    expect_error(testing::post(url_, "/transactions/new", tx_json(alice_, bob_, 5000, 1, 1)), 422,
                 "insufficient-funds");
    expect_error(testing::post(url_, "/transactions/new", tx_json(alice_, bob_, 0, 1, 1)), 422,
                 "zero-amount");
    expect_error(testing::post(url_, "/transactions/new", tx_json(alice_, bob_, UINT64_MAX, 1, 1)),
                 422, "amount-overflow");
    // 409: a stale nonce, once the first transfer is mined.
    ASSERT_EQ(testing::get(url_, "/mine").status, 200u);
    expect_error(testing::post(url_, "/transactions/new", tx_json(alice_, bob_, 12, 1, 0)), 409,
                 "replay");
    // 413: a body over 1 MiB.
    const Answer big = testing::post(url_, "/transactions/new", std::string(1'100'000, ' '));
    expect_error(big, 413, "payload-too-large");
}

TEST_F(NodeApiTest, RoutesAndMethods) {
    expect_error(testing::get(url_, "/nope"), 404, "not-found");
    expect_error(testing::get(url_, "/transactions"), 404, "not-found");
    expect_error(testing::get(url_, "/transactions/new"), 405, "method-not-allowed");
    expect_error(testing::post(url_, "/chain", std::string("{}")), 405, "method-not-allowed");
    expect_error(testing::post(url_, "/mine", std::string("{}")), 405, "method-not-allowed");
    expect_error(testing::request(url_, verb::delete_, "/status"), 405, "method-not-allowed");
    expect_error(testing::get(url_, "/blocks/xyz"), 400, "malformed");
    expect_error(testing::get(url_, "/blocks/" + std::string(64, '0')), 404, "not-found");
    expect_error(testing::get(url_, "/balance/12"), 400, "malformed");
    expect_error(testing::get(url_, "/chain?from=x"), 400, "malformed");
    expect_error(testing::get(url_, "/chain?from=0&limit=0"), 400, "malformed");
    expect_error(testing::get(url_, "/x%zz"), 400, "bad-request");
    EXPECT_EQ(testing::get(url_, "/status/").status, 200u);  // a trailing slash is fine

    const Answer status = testing::get(url_, "/status");
    ASSERT_EQ(status.status, 200u);
    EXPECT_EQ(status.json["height"], 0);
    EXPECT_EQ(status.json["node"], url_);
    EXPECT_EQ(status.json["genesis"], network_.genesis->hash().display_hex());
    const Answer metrics = testing::get(url_, "/metrics");
    EXPECT_EQ(metrics.status, 200u);
    EXPECT_NE(metrics.body.find("chainsim_height 0"), std::string::npos) << metrics.body;
    EXPECT_NE(metrics.body.find("chainsim_http_responses_total{code=\"404\"}"), std::string::npos);
    const Answer page = testing::get(url_, "/");
    EXPECT_EQ(page.status, 200u);
    EXPECT_NE(page.body.find("<html"), std::string::npos);
}

TEST_F(NodeApiTest, MinesAndServesTheChain) {
    ASSERT_EQ(testing::post(url_, "/transactions/new", tx_json(alice_, bob_, 10, 3, 0)).status,
              201u);
    const Answer mined = testing::get(url_, "/mine");
    ASSERT_EQ(mined.status, 200u) << mined.body;
    EXPECT_EQ(mined.json["message"], "New Block Forged");
    // PyChain counts blocks from 1 (genesis is block 1); "height" counts from 0.
    EXPECT_EQ(mined.json["index"], 2);
    EXPECT_EQ(mined.json["height"], 1);
    EXPECT_EQ(mined.json["previous_hash"], network_.genesis->hash().display_hex());
    EXPECT_TRUE(mined.json["proof"].is_number_unsigned());
    ASSERT_EQ(mined.json["transactions"].size(), 2u);  // coinbase + the transfer
    EXPECT_EQ(mined.json["transactions"][0]["recipient"], miner_.hex());
    EXPECT_EQ(mined.json["transactions"][0]["amount"], 50 + 3);
    ASSERT_EQ(testing::get(url_, "/mine").status, 200u);

    const Answer chain = testing::get(url_, "/chain");
    ASSERT_EQ(chain.status, 200u);
    EXPECT_EQ(chain.json["length"], 3);
    ASSERT_EQ(chain.json["chain"].size(), 3u);
    EXPECT_EQ(chain.json["chain"][0]["hash"], network_.genesis->hash().display_hex());
    for (std::size_t i = 0; i < 3; ++i) {
        EXPECT_EQ(chain.json["chain"][i]["index"], i + 1);
        EXPECT_EQ(chain.json["chain"][i]["height"], i);
    }
    // As in PyChain, the last block's index is the chain's length.
    EXPECT_EQ(chain.json["chain"].back()["index"], chain.json["length"]);
    EXPECT_EQ(chain.json["chain"][1]["hash"], mined.json["hash"]);
    // Pages.
    const Answer page = testing::get(url_, "/chain?from=1&limit=1");
    ASSERT_EQ(page.json["chain"].size(), 1u);
    EXPECT_EQ(page.json["chain"][0]["height"], 1);  // `from` is a height
    EXPECT_EQ(page.json["chain"][0]["index"], 2);
    EXPECT_EQ(page.json["length"], 3);
    EXPECT_EQ(page.json["next"], 2);
    const Answer last = testing::get(url_, "/chain?from=2");
    ASSERT_EQ(last.json["chain"].size(), 1u);
    EXPECT_FALSE(last.json.contains("next"));
    EXPECT_TRUE(testing::get(url_, "/chain?from=99").json["chain"].empty());
    // One block; every served block decodes strictly back to itself.
    const Answer block = testing::get(url_, "/blocks/" + mined.json["hash"].get<std::string>());
    ASSERT_EQ(block.status, 200u);
    EXPECT_EQ(block.json, chain.json["chain"][1]);
    core::BlockRef decoded;
    EXPECT_TRUE(core::block_from_json(block.json, decoded).ok());

    const Answer balance = testing::get(url_, "/balance/" + miner_.hex());
    EXPECT_EQ(balance.json["address"], miner_.hex());
    EXPECT_EQ(balance.json["balance"], 103);
    EXPECT_EQ(balance.json["nonce"], 0);
    const Answer alice = testing::get(url_, "/balance/" + alice_address_.hex());
    EXPECT_EQ(alice.json["balance"], 1000 - 13);
    EXPECT_EQ(alice.json["nonce"], 1);
}

TEST_F(NodeApiTest, BalanceNonceCountsPendingTransfers) {
    for (std::uint64_t n = 0; n < 3; ++n) {
        ASSERT_EQ(testing::post(url_, "/transactions/new", tx_json(alice_, bob_, 1, 0, n)).status,
                  201u);
        EXPECT_EQ(testing::get(url_, "/balance/" + alice_address_.hex()).json["nonce"], n + 1);
    }
    // Confirmed balance only; the next nonce is past the pending run.
    EXPECT_EQ(testing::get(url_, "/balance/" + alice_address_.hex()).json["balance"], 1000);
    EXPECT_EQ(testing::get(url_, "/balance/" + bob_.hex()).json["nonce"], 0);
}

TEST_F(NodeApiTest, TakesBlocksAndRefusesForgedOnes) {
    testing::ChainBuilder builder(network_);
    const core::BlockRef b1 = builder.next();
    const json b1_json = core::block_to_json(*b1);
    const Answer ok = testing::post(url_, "/blocks", b1_json);
    ASSERT_EQ(ok.status, 202u) << ok.body;
    EXPECT_EQ(ok.json["message"], "Block accepted");
    EXPECT_EQ(ok.json["tip"], true);
    const Answer again = testing::post(url_, "/blocks", b1_json);
    EXPECT_EQ(again.status, 200u);
    EXPECT_EQ(again.json["message"], "Block already known");
    EXPECT_EQ(testing::get(url_, "/status").json["tip"], b1->hash().display_hex());

    // Proof of work that misses the target.
    testing::ChainBuilder bad_pow(network_);
    expect_error(testing::post(url_, "/blocks", core::block_to_json(*bad_pow.next({}, {}, false))),
                 422, "bad-pow");
    // A coinbase paying more than reward + fees.
    testing::ChainBuilder greedy(network_);
    greedy.next();
    expect_error(testing::post(url_, "/blocks", core::block_to_json(*greedy.next({}, {}, true, 1))),
                 422, "bad-coinbase");
    // A transfer with a broken signature inside a block with valid proof of work.
    auto good = core::Transaction::sign_transfer(alice_, bob_, 5, 0, 0);
    core::Signature broken = good->signature();
    broken.bytes[7] ^= 1;
    auto forged = core::Transaction::transfer(*good->sender(), bob_, 5, 0, 0, broken);
    testing::ChainBuilder thief(network_);
    thief.next();
    expect_error(testing::post(url_, "/blocks", core::block_to_json(*thief.next({forged}))), 403,
                 "bad-signature");
    // A claimed hash that is not the header's.
    json lying = core::block_to_json(*greedy.blocks()[1]);
    lying["hash"] = std::string(64, 'a');
    expect_error(testing::post(url_, "/blocks", lying), 400, "malformed");
    // A block whose parent is unknown waits.
    testing::ChainBuilder other(network_);
    other.set_miner(bob_);
    other.next();
    const Answer orphan = testing::post(url_, "/blocks", core::block_to_json(*other.next()));
    EXPECT_EQ(orphan.status, 202u) << orphan.body;
    EXPECT_EQ(orphan.json["message"], "Block queued: its parent is unknown");
    EXPECT_EQ(testing::get(url_, "/status").json["tip"], b1->hash().display_hex());
}

TEST_F(NodeApiTest, RegistersOnlyPeerUrls) {
    expect_error(testing::post(url_, "/nodes/register", json{{"nodes", "http://a:1"}}), 400,
                 "malformed");
    expect_error(testing::post(url_, "/nodes/register", json{{"nodes", json::array()}}), 400,
                 "malformed");
    expect_error(testing::post(url_, "/nodes/register", json{{"nodes", {1}}}), 400, "malformed");
    for (const char* bad : {"127.0.0.1", "http://127.0.0.1", "http://127.0.0.1:5000/chain",
                            "file:///etc/passwd", "http://127.0.0.1:99999"}) {
        expect_error(testing::post(url_, "/nodes/register", json{{"nodes", {bad}}}), 400,
                     "malformed");
    }
    // Nothing was added by the refused requests (each is all or nothing).
    EXPECT_TRUE(testing::get(url_, "/nodes").json["nodes"].empty());
    const Answer ok =
        testing::post(url_, "/nodes/register", json{{"nodes", {"http://127.0.0.1:1", url_}}});
    ASSERT_EQ(ok.status, 201u) << ok.body;
    EXPECT_EQ(ok.json["message"], "New nodes have been added");
    // As PyChain lists them (netlocs); itself is skipped.
    EXPECT_EQ(ok.json["total_nodes"], json({"127.0.0.1:1"}));
    EXPECT_EQ(ok.json["total_node_urls"], json({"http://127.0.0.1:1"}));
    // A dead peer is skipped by resolve, never a 500.
    const Answer resolved = testing::get(url_, "/nodes/resolve");
    ASSERT_EQ(resolved.status, 200u) << resolved.body;
    EXPECT_EQ(resolved.json["message"], "Our chain is authoritative");
    EXPECT_EQ(resolved.json["chain"].size(), 1u);
    EXPECT_EQ(resolved.json["peers"][0]["verdict"], "unreachable");
    // Only registered peers may announce.
    expect_error(testing::post(url_, "/peers/announce", json::object()), 403, "unknown-peer");
    expect_error(testing::post(url_, "/peers/transactions", json::object()), 403, "unknown-peer");
}

}  // namespace
}  // namespace live

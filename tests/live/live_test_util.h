// Helpers for the live tests: an io_context on its own thread (nodes run there, the test
// talks to them over real HTTP from its own thread), blocking HTTP calls, and a builder of
// blocks with real proof of work for forging chains.
#pragma once

#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <chrono>
#include <functional>
#include <future>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/block.h"
#include "core/keys.h"
#include "core/pow.h"
#include "core/transaction.h"
#include "sim/live/http_client.h"
#include "sim/live/network_params.h"
#include "sim/live/url.h"

namespace live::testing {

// An io_context running on a thread of its own. call() runs a function there and waits.
class IoThread {
  public:
    IoThread() : guard_(io_.get_executor()), thread_([this] { io_.run(); }) {}
    ~IoThread() { stop(); }

    boost::asio::io_context& io() { return io_; }

    template <class F>
    auto call(F f) -> decltype(f()) {
        using R = decltype(f());
        std::packaged_task<R()> task(std::move(f));
        auto future = task.get_future();
        boost::asio::post(io_, [&task] { task(); });
        return future.get();
    }

    void stop() {
        if (!thread_.joinable()) return;
        guard_.reset();
        io_.stop();
        thread_.join();
    }

  private:
    boost::asio::io_context io_;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_;
    std::thread thread_;
};

inline PeerUrl url_of(const std::string& text) {
    auto p = parse_peer_url(text);
    EXPECT_TRUE(p.url) << p.error;
    return p.url.value_or(PeerUrl{"127.0.0.1", 1});
}

struct Answer {
    unsigned status = 0;
    std::string body;
    nlohmann::json json;  // null when the body is not JSON
    std::string error;    // transport failure
};

inline Answer request(const std::string& url, boost::beast::http::verb method,
                      const std::string& target, const std::string& body = "",
                      std::vector<std::pair<std::string, std::string>> headers = {}) {
    ClientRequest req;
    req.method = method;
    req.target = target;
    req.body = body;
    req.headers = std::move(headers);
    req.timeout = std::chrono::milliseconds(10'000);
    req.max_response = 64 << 20;
    const ClientResult r = http_fetch_blocking(url_of(url), std::move(req));
    Answer a;
    a.status = r.ok ? r.status : 0;
    a.body = r.body;
    a.error = r.error;
    a.json = nlohmann::json::parse(r.body, nullptr, false);
    if (a.json.is_discarded()) a.json = nullptr;
    return a;
}

inline Answer get(const std::string& url, const std::string& target) {
    return request(url, boost::beast::http::verb::get, target);
}

inline Answer post(const std::string& url, const std::string& target, const std::string& body) {
    return request(url, boost::beast::http::verb::post, target, body);
}

inline Answer post(const std::string& url, const std::string& target, const nlohmann::json& j) {
    return post(url, target, j.dump());
}

// Waits until `done()` holds or `timeout` passes; true if it held.
inline bool eventually(const std::function<bool()>& done,
                       std::chrono::milliseconds timeout = std::chrono::milliseconds(10'000)) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < end) {
        if (done()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return done();
}

inline core::PrivateKey test_key(std::uint8_t seed) {
    std::array<std::uint8_t, 32> bytes{};
    bytes.fill(seed);
    bytes[0] = 1;
    return *core::PrivateKey::from_bytes(bytes);
}

// Test networks: low proof of work so that tests mine quickly, optional funded keys.
inline NetworkParams test_network(std::vector<core::GenesisAllocation> funds = {},
                                  unsigned pow_bits = 8) {
    return make_network(node_consensus(pow_bits, std::move(funds)));
}

// Builds blocks on a chain of the given network with real proof of work; each call
// extends the last block built (or genesis).
class ChainBuilder {
  public:
    explicit ChainBuilder(const NetworkParams& network)
        : network_(network), blocks_{network.genesis} {}

    // A block on the current last block with `txs` after a coinbase of reward + fees
    // (plus `extra_reward`) to `miner`; `tweak` may change the header before the nonce
    // search (or after it, with solve=false for a block whose proof of work is wrong).
    core::BlockRef next(std::vector<core::TransactionRef> txs = {},
                        std::function<void(core::BlockHeader&)> tweak = {}, bool solve = true,
                        std::uint64_t extra_reward = 0) {
        const std::uint64_t height = blocks_.size();
        std::uint64_t fees = 0;
        for (const auto& tx : txs)
            fees += tx->fee();
        std::vector<core::TransactionRef> all{core::Transaction::coinbase(
            miner_, network_.consensus.block_reward + fees + extra_reward, height)};
        all.insert(all.end(), txs.begin(), txs.end());
        core::BlockHeader h;
        h.version = 1;
        h.prev = blocks_.back()->hash();
        h.merkle_root = core::compute_merkle_root(all);
        h.time = static_cast<std::uint32_t>(network_.consensus.genesis_time + 60 * height);
        h.bits = network_.consensus.initial_bits();
        h.nonce = 0;
        if (tweak && solve) tweak(h);
        if (solve) {
            const auto found = core::search_nonce(h, core::U256::from_compact(h.bits), UINT32_MAX);
            h.nonce = found.nonce;
        } else {
            // A header whose hash misses the target.
            const core::U256 target = core::U256::from_compact(h.bits);
            while (core::U256::from_hash(h.hash()) <= target)
                ++h.nonce;
            if (tweak) tweak(h);
        }
        blocks_.push_back(core::Block::make(h, std::move(all)));
        return blocks_.back();
    }

    const std::vector<core::BlockRef>& blocks() const { return blocks_; }
    void set_miner(const core::Address& a) { miner_ = a; }

  private:
    const NetworkParams& network_;
    std::vector<core::BlockRef> blocks_;
    core::Address miner_;
};

}  // namespace live::testing

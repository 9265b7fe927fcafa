// LiveNode: one core::Node on real ports — the node the simulator runs, bound to HTTP with
// the PyChain-family API (docs/live.md), persisted in SQLite, peering over HTTP, mining on
// demand (GET /mine) or continuously.
//
// What it is made of: a LiveClock (wall clock, Asio timers), an HttpTransport (peers), an
// HttpServer (the API), a Store (the data dir, optional), a Miner and a ChainResolver.
// It is the node's NodeObserver: accepted blocks and transactions are written to the store,
// and a request that changed state is answered only after the write is durable (writes of
// one turn of the event loop share one commit).
//
// Trust: nothing from a client or a peer is trusted. Bodies are decoded strictly; blocks
// and transactions are validated by core::Node like any other; a peer is identified by the
// X-Chainsim-Node header only when it names a registered peer and that peer vouches for the
// request's X-Chainsim-Token (peer_identity.h); even then it only decides where the node
// asks for missing parents and whom it skips when relaying.
//
// Lifetime: start() binds, loads the data dir and connects to peers; the destructor stops
// everything (connections, timers, mining) and commits. Not thread-safe: every call on the
// io_context's thread, which also runs the node.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <deque>

#include "core/node.h"
#include "sim/live/demo_wallets.h"
#include "sim/live/http_server.h"
#include "sim/live/http_transport.h"
#include "sim/live/live_clock.h"
#include "sim/live/miner.h"
#include "sim/live/network_params.h"
#include "sim/live/peer_identity.h"
#include "sim/live/resolver.h"
#include "sim/live/store.h"
#include "sim/live/url.h"
#include "sim/engine/status.h"

namespace live {

struct LiveNodeConfig {
    int id = 0;                      // index in a network (logs, observer); 0 alone
    std::string host = "127.0.0.1";  // address to bind
    std::uint16_t port = 0;          // 0: any free port (see LiveNode::port())
    std::string data_dir;            // empty: nothing is persisted
    // The URL peers reach this node at, sent in X-Chainsim-Node (--url); unset:
    // http://host:port. Needed when binding 0.0.0.0, e.g. in a container.
    std::optional<PeerUrl> public_url;
    std::vector<PeerUrl> peers;      // registered at start, besides the data dir's
    // Who this node's coinbases pay; empty: the data dir's node address, else a random one.
    std::optional<core::Address> miner;
    double mine_every_s = 0;     // mean seconds between blocks mined unasked (exponential); 0: none
    std::size_t max_peers = 64;  // registered peers at most
    std::size_t max_mine_jobs = 16;  // GET /mine requests waiting at most; more get 503
    std::uint64_t seed = 0;          // mining delays and the random miner address; 0: from the OS
    // Demo wallets whose transfers the node signs (--demo-wallets); the network's genesis
    // must fund them (demo_allocations). Empty: none.
    std::vector<DemoWallet> demo_wallets;
    // Added to the wall clock the node stamps and judges blocks by (--clock-offset): plays
    // a clock that jumped. 0 in normal use; |offset| at most 10 years.
    core::Nanos clock_offset = 0;
    // A full disk after start (--disk-room): chain.db may grow by this many SQLite pages
    // beyond its size at start, then every commit fails as on a full disk until
    // limit_store_pages(0). Unset: no cap. Needs a data dir.
    std::optional<std::uint64_t> disk_room_pages;
    ServerLimits server;
    // False: no port is bound and requests come only through LiveNode::serve (in-process
    // tests, the HTTP fuzz target). The node's URL then names `port` as given.
    bool listen = true;
    TransportOptions transport;
    ResolveOptions resolve;
    // One line per notable event (block mined, reorg, peer refused, store error); null: quiet.
    std::function<void(const std::string&)> log;
};

class LiveNode final : private core::NodeObserver {
  public:
    static sim::Expected<std::unique_ptr<LiveNode>> start(boost::asio::io_context& io,
                                                          const NetworkParams& network,
                                                          LiveNodeConfig config);
    ~LiveNode() override;
    LiveNode(const LiveNode&) = delete;
    LiveNode& operator=(const LiveNode&) = delete;

    const std::string& url() const { return url_; }
    std::uint16_t port() const { return server_->port(); }
    const core::Node& node() const { return *node_; }
    const core::Address& miner_address() const { return miner_address_; }
    std::uint64_t blocks_mined() const { return mined_; }

    // Which peers this node may talk to (a partition, a cut link); null: all. Requests
    // from a peer it may not reach are refused with 503, and nothing is sent to it.
    void set_peer_filter(std::function<bool(const PeerUrl&)> reachable);
    // True if `url` names this node: its host, or any loopback spelling when it listens on
    // loopback, and its port.
    bool is_self(const PeerUrl& url) const;
    // Adds `url` as a peer (persisted) and exchanges tips with it; ignores this node itself.
    sim::Status add_peer(const PeerUrl& url);
    // Exchanges tips (and pending transactions) with every reachable peer, as on a new
    // connection: after a partition heals or a peer restarts.
    void reconnect_peers();
    // The same with one peer, if it is registered and reachable.
    void reconnect_peer(const PeerUrl& url);
    // Mean seconds between blocks mined unasked; 0 stops.
    void set_mine_every(double seconds);
    // A full disk on demand (tests, the soak): caps the data dir at `pages` SQLite pages,
    // 0 lifts the cap (Store::limit_pages). Returns the cap in force; 0 without a data dir.
    std::uint64_t limit_store_pages(std::uint64_t pages);
    // True while commits fail: writes answer 503 and mining is paused until one succeeds.
    bool store_failing() const { return store_failing_; }
    // Pulls and adopts the most-work valid chain among the peers (GET /nodes/resolve).
    void resolve(std::function<void(const ResolveResult&)> done);
    // Answers `req` exactly as a request read from the HTTP port (for LiveNodeConfig::listen
    // false); `reply` may run now or later, on the io_context's thread.
    void serve(const Request& req, Reply reply);

  private:
    LiveNode(boost::asio::io_context& io, const NetworkParams& network, LiveNodeConfig config);
    sim::Status open(std::unique_ptr<Store> store);

    // HTTP
    void handle(const Request& req, Reply reply);
    // The routes, once the sender is known: `from` is a verified peer, else nullopt.
    void route(const Request& req, const std::map<std::string, std::string>& query,
               const std::string& path,
               std::optional<core::PeerId> from, Reply reply);
    // Peer routes that act on who sent the request (relay suppression, parent requests,
    // the peer-only routes): only these wait for a claim to be verified.
    static bool acts_on_sender(const std::string& path);
    void get_verify(const std::map<std::string, std::string>& query, Reply reply);
    void get_mine(Reply reply);
    void post_transaction(const Request& req, std::optional<core::PeerId> from, Reply reply);
    void get_chain(const std::map<std::string, std::string>& query, Reply reply);
    void post_register(const Request& req, Reply reply);
    void get_resolve(Reply reply);
    void get_nodes(Reply reply);
    void post_block(const Request& req, std::optional<core::PeerId> from, Reply reply);
    void get_block(const std::string& hash, Reply reply);
    void get_balance(const std::string& address, Reply reply);
    void get_mempool(Reply reply);
    void get_status(Reply reply);
    void get_metrics(Reply reply);
    void post_announce(const Request& req, std::optional<core::PeerId> from, Reply reply);
    void post_peer_transactions(const Request& req, std::optional<core::PeerId> from, Reply reply);
    void get_wallets(Reply reply);
    void get_tree(const std::map<std::string, std::string>& query, Reply reply);
    // A transfer in the tutorial's shape from a demo wallet, signed here; nullopt and
    // `error_out` set when it cannot be.
    core::TransactionRef sign_demo_transfer(const nlohmann::json& j, Response& error_out);

    // JSON text of a block, cached (blocks never change).
    const std::string& block_json(const core::BlockRef& block);
    std::string chain_json(std::uint64_t from, std::uint64_t limit, bool page);

    // Durability: `then` runs once every write so far is committed.
    void after_durable(std::function<void(const sim::Status&)> then);
    void schedule_flush();
    void flush();

    // Mining
    void schedule_mining();
    void on_mined(const core::BlockRef& block);

    void say(const std::string& line) const;

    // core::NodeObserver
    void on_block_accepted(int node, const core::BlockRef& block, core::PeerId from) override;
    void on_block_rejected(int node, const core::BlockRef& block, core::PeerId from,
                           const core::ValidationResult& why) override;
    void on_tip_changed(int node, const core::TipChange& change) override;
    void on_tx_accepted(int node, const core::TransactionRef& tx, core::PeerId from) override;
    void on_tx_rejected(int node, const core::TransactionRef& tx, core::PeerId from,
                        const core::ValidationResult& why) override;

    boost::asio::io_context& io_;
    const NetworkParams& network_;
    LiveNodeConfig config_;
    std::string url_;
    core::Address miner_address_;
    std::mt19937_64 rng_;

    LiveClock clock_;
    std::unique_ptr<HttpTransport> transport_;
    std::unique_ptr<core::Node> node_;
    std::unique_ptr<HttpServer> server_;
    std::unique_ptr<Store> store_;
    std::unique_ptr<Miner> miner_;
    std::unique_ptr<ChainResolver> resolver_;
    std::unique_ptr<PeerIdentity> identity_;
    boost::asio::steady_timer mine_timer_;
    std::function<bool(const PeerUrl&)> peer_filter_;

    bool replaying_ = false;  // loading the data dir: do not write it back
    bool flush_posted_ = false;
    bool store_failing_ = false;  // the last commit failed; retried every kStoreRetry
    std::string store_failure_;
    boost::asio::steady_timer store_retry_timer_;
    std::vector<std::function<void(const sim::Status&)>> waiting_for_disk_;
    // Set while a peer's message is handed to the node, to learn the verdict.
    const core::Hash256* capture_subject_ = nullptr;
    std::optional<core::ValidationResult> captured_;

    std::unordered_map<core::Hash256, std::string> block_json_;  // lookups only
    std::deque<core::BlockRef> recent_blocks_;  // the last blocks accepted, for GET /tree
    struct PeerTip {
        std::string hash;
        std::uint64_t height = 0;
    };
    std::map<core::PeerId, PeerTip> peer_tips_;  // what each peer last said its tip is
    core::Hash256 chain_cache_tip_;
    std::string chain_cache_;

    // Counters for /status and /metrics.
    std::int64_t started_ns_ = 0;
    std::uint64_t mined_ = 0;
    std::uint64_t reorgs_ = 0;
    std::uint64_t max_reorg_depth_ = 0;
    std::uint64_t blocks_accepted_ = 0;
    std::uint64_t txs_accepted_ = 0;
    std::uint64_t store_errors_ = 0;
    std::map<std::string, std::uint64_t> blocks_rejected_;  // by reason
    std::map<std::string, std::uint64_t> txs_rejected_;     // by reason
    std::map<unsigned, std::uint64_t> responses_;           // by status code
    bool mining_scheduled_ = false;

    std::shared_ptr<int> alive_ = std::make_shared<int>(0);  // for callbacks that outlive us
};

// The dashboard served at GET / (the embedded npm build; it polls the API).
const std::string& dashboard_html();

}  // namespace live

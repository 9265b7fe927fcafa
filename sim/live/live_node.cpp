// A live node's life: start-up (data dir, peers), mining, durability, and what it records
// as core::Node's observer. The HTTP routes are in live_routes.cpp.
#include "sim/live/live_node.h"

#include <boost/asio/post.hpp>
#include <algorithm>
#include <array>
#include <cmath>

#include "sim/live/api.h"

namespace live {

namespace asio = boost::asio;

namespace {
constexpr std::size_t kRecentBlocks = 2000;  // blocks GET /tree can draw
}  // namespace
// Mining delays from here on are "never" (a century; also keeps the timer's arithmetic
// far from overflow).
constexpr core::Nanos kNeverMine = 100 * 365 * 24 * core::kHour;
// How often a failed commit is tried again.
constexpr auto kStoreRetry = std::chrono::milliseconds(500);

// --- Start and stop ----------------------------------------------------------------------

LiveNode::LiveNode(asio::io_context& io, const NetworkParams& network, LiveNodeConfig config)
    : io_(io),
      network_(network),
      config_(std::move(config)),
      rng_(config_.seed != 0 ? config_.seed : std::random_device{}()),
      clock_(io, config_.clock_offset),
      mine_timer_(io),
      store_retry_timer_(io) {}

sim::Expected<std::unique_ptr<LiveNode>> LiveNode::start(asio::io_context& io,
                                                         const NetworkParams& network,
                                                         LiveNodeConfig config) {
    std::unique_ptr<Store> store;
    if (!config.data_dir.empty()) {
        auto opened = Store::open(config.data_dir, network.describe());
        if (!opened) return sim::Error{opened.error()};
        store = std::move(*opened);
    }
    std::unique_ptr<LiveNode> node(new LiveNode(io, network, std::move(config)));
    sim::Status s = node->open(std::move(store));
    if (!s.ok()) return sim::Error{s.error()};
    return node;
}

sim::Status LiveNode::open(std::unique_ptr<Store> store) {
    // Whom coinbases pay: the data dir keeps the first address it was given (--miner, else
    // a new one); a different --miner later is refused rather than silently switched.
    const auto stored_text = store ? store->meta("node_address") : std::nullopt;
    const auto stored = stored_text ? core::Address::from_hex(*stored_text) : std::nullopt;
    if (config_.miner && stored && *stored != *config_.miner) {
        return sim::Error{"data dir " + store->dir() + " pays mining rewards to " + stored->hex() +
                          " (its first --miner or address); refusing --miner " +
                          config_.miner->hex() +
                          ": leave --miner out to keep it, or start a new data dir"};
    }
    if (config_.miner) {
        miner_address_ = *config_.miner;
        if (store && !stored) store->put_meta("node_address", miner_address_.hex());
    } else if (stored) {
        miner_address_ = *stored;
    } else {
        for (auto& b : miner_address_.bytes)
            b = static_cast<std::uint8_t>(rng_());
        if (store) store->put_meta("node_address", miner_address_.hex());
    }

    server_ = std::make_unique<HttpServer>(
        io_, config_.server,
        [this, alive = std::weak_ptr<int>(alive_)](const Request& req, Reply reply) {
            if (alive.expired()) return reply(api::error(503, "stopping", "the node is stopping"));
            handle(req, std::move(reply));
        });
    sim::Status s;
    if (config_.listen) s = server_->listen(config_.host, config_.port);
    if (!s.ok()) return s;
    // How peers know this node: its own choice (behind NAT, in a container), else host:port.
    url_ = config_.public_url ? config_.public_url->str()
                              : PeerUrl{config_.host, config_.listen ? server_->port()
                                                                      : config_.port}
                                    .str();

    // Peer identity: a secret of this process vouches for the tokens it sends; claims from
    // others are checked by asking the claimed URL (peer_identity.h).
    std::array<std::uint8_t, 32> secret{};
    {
        std::random_device os;
        for (auto& b : secret)
            b = static_cast<std::uint8_t>(os());
    }
    const PeerUrl self_url =
        config_.public_url ? *config_.public_url : PeerUrl{config_.host, server_->port()};
    identity_ = std::make_unique<PeerIdentity>(
        secret,
        [this](const PeerUrl& peer, ClientRequest req, ClientCallback done) {
            if (peer_filter_ && !peer_filter_(peer)) {
                ClientResult r;
                r.error = "not reachable from this node (partitioned)";
                return done(std::move(r));
            }
            req.timeout = config_.transport.timeout;
            http_fetch(io_, peer, std::move(req), std::move(done));
        },
        [this, self_url](const PeerUrl& u) { return u == self_url || is_self(u); });

    transport_ = std::make_unique<HttpTransport>(io_, url_, config_.transport);
    transport_->set_token_source(
        [this](const PeerUrl& peer) { return identity_->token_for(peer); });
    transport_->set_receiver(
        [this](core::PeerId peer, const core::Message& m) { node_->on_message(peer, m); });
    core::NodeConfig node_config;
    node_config.relay = core::RelayMode::kPush;
    node_config.miner_address = miner_address_;
    node_config.unix_time_at_zero = 0;  // the live clock is Unix time already
    node_ =
        std::make_unique<core::Node>(config_.id, network_.consensus, network_.genesis, node_config,
                                     clock_, *transport_, static_cast<core::NodeObserver*>(this));
    recent_blocks_.push_back(network_.genesis);
    miner_ = std::make_unique<Miner>(io_, *node_);
    resolver_ = std::make_unique<ChainResolver>(
        *node_, network_, config_.resolve,
        [this](const PeerUrl& peer, const std::string& target, std::size_t max_response,
               ClientCallback done) {
            if (peer_filter_ && !peer_filter_(peer)) {
                ClientResult r;
                r.error = "not reachable from this node (partitioned)";
                return done(std::move(r));
            }
            ClientRequest req;
            req.target = target;
            req.max_response = max_response;
            req.timeout = config_.transport.timeout;
            req.headers.emplace_back(kNodeHeader, url_);
            http_fetch(io_, peer, std::move(req), std::move(done));
        });

    // The data dir: every block in arrival order (so parents come first), then the
    // mempool; both validated again as they go in.
    std::vector<PeerUrl> peers;
    if (store) {
        store_ = std::move(store);
        replaying_ = true;
        // Every stored block must go back into the tree; one that does not (a missing
        // row leaves its children orphans) means the store is incomplete: refuse.
        std::uint64_t record = 0;
        std::string unreplayed;
        s = store_->load_blocks([this, &record, &unreplayed](const core::BlockRef& b) {
            ++record;
            const core::AcceptResult r = node_->restore_block(b);
            const bool added = std::find(r.added.begin(), r.added.end(), b) != r.added.end();
            if (!unreplayed.empty() || added ||
                r.status == core::AcceptResult::Status::kDuplicate) {
                return;
            }
            unreplayed = "stored block " + std::to_string(record) + " (" +
                         b->hash().display_hex() + ", height " + std::to_string(b->height()) +
                         ") does not replay: " + r.result.message;
        });
        if (s.ok() && !unreplayed.empty()) {
            s = sim::Error{"data dir " + store_->dir() + ": " + unreplayed +
                           "; the store is incomplete, refusing to start on part of it"};
        }
        std::vector<core::Hash256> stale;
        if (s.ok()) {
            s = store_->load_transactions([this, &stale](const core::TransactionRef& tx) {
                if (!node_->submit_transaction(tx).ok()) stale.push_back(tx->txid());
            });
        }
        replaying_ = false;
        if (!s.ok()) return s;
        for (const auto& txid : stale)
            store_->erase_transaction(txid);
        auto stored_peers = store_->load_peers();
        if (!stored_peers) return sim::Error{stored_peers.error()};
        for (const std::string& text : *stored_peers) {
            PeerUrlParse p = parse_peer_url(text);
            if (p.url) peers.push_back(*p.url);
        }
    }
    started_ns_ = unix_nanos();
    for (const PeerUrl& p : config_.peers)
        peers.push_back(p);
    for (const PeerUrl& p : peers) {
        s = add_peer(p);
        if (!s.ok()) return s;
    }
    if (store_) {
        s = store_->commit();
        if (!s.ok()) return s;
        if (config_.disk_room_pages) {
            // Capped at its current size (SQLite keeps at least that), then given the room.
            const std::uint64_t now = store_->limit_pages(1);
            store_->limit_pages(now + *config_.disk_room_pages);
        }
    }
    schedule_mining();
    return sim::Status::success();
}

LiveNode::~LiveNode() {
    alive_.reset();
    mine_timer_.cancel();
    store_retry_timer_.cancel();
    if (miner_) miner_->stop();
    if (server_) server_->stop();
    if (transport_) transport_->close();
    clock_.cancel_all();
    waiting_for_disk_.clear();
    if (store_) (void)store_->commit();
}

void LiveNode::say(const std::string& line) const {
    if (config_.log) config_.log(line);
}

// --- Peers and mining ------------------------------------------------------------------

void LiveNode::set_peer_filter(std::function<bool(const PeerUrl&)> reachable) {
    peer_filter_ = reachable;
    transport_->set_filter(std::move(reachable));
}

namespace {

// Loopback or any-address spellings: names of this machine as seen from itself.
bool is_local_host(const std::string& host) {
    return host == "localhost" || host == "::1" || host == "0.0.0.0" || host == "::" ||
           host.rfind("127.", 0) == 0 || host.rfind("localhost.", 0) == 0;
}

}  // namespace

bool LiveNode::is_self(const PeerUrl& url) const {
    if (url.port != port()) return false;
    return url.host == config_.host || (is_local_host(url.host) && is_local_host(config_.host));
}

sim::Status LiveNode::add_peer(const PeerUrl& url) {
    // Never ourselves, under any loopback spelling (http://localhost:PORT).
    if (is_self(url)) return sim::Status::success();
    if (const auto known = transport_->find(url)) {
        // Registered again after it was found not to be a chainsim node: ask it again.
        if (!transport_->peer(*known).compatible) {
            transport_->set_incompatible(*known, "");
            if (transport_->reachable(*known)) node_->on_peer_connected(*known);
        }
        return sim::Status::success();
    }
    if (transport_->peer_count() >= config_.max_peers) {
        return sim::Error{"at most " + std::to_string(config_.max_peers) + " peers"};
    }
    const core::PeerId id = transport_->add_peer(url);
    if (store_) {
        store_->put_peer(url.str());
        schedule_flush();
    }
    if (transport_->reachable(id)) node_->on_peer_connected(id);
    return sim::Status::success();
}

void LiveNode::reconnect_peers() {
    const std::span<const core::PeerId> lent = transport_->peers();
    const std::vector<core::PeerId> ids(lent.begin(), lent.end());  // sending may ask again
    for (core::PeerId id : ids)
        node_->on_peer_connected(id);
}

void LiveNode::reconnect_peer(const PeerUrl& url) {
    const auto id = transport_->find(url);
    if (id && transport_->reachable(*id)) node_->on_peer_connected(*id);
}

void LiveNode::set_mine_every(double seconds) {
    config_.mine_every_s = seconds;
    schedule_mining();
}

void LiveNode::schedule_mining() {
    mine_timer_.cancel();
    if (!(config_.mine_every_s > 0) || store_failing_) return;
    // Exponential with the configured mean: -mean * ln(1 - u), u uniform in [0, 1).
    const double u = static_cast<double>(rng_() >> 11) * 0x1.0p-53;
    const double delay_s = -config_.mine_every_s * std::log1p(-u);
    // Saturated: a mean of 1e300 s (or inf) means never, not an overflow into "now".
    const core::Nanos delay = core::seconds_to_nanos(delay_s);
    if (delay >= kNeverMine) return;
    mine_timer_.expires_after(std::chrono::nanoseconds(delay));
    mine_timer_.async_wait(
        [this, alive = std::weak_ptr<int>(alive_)](const boost::system::error_code& ec) {
            if (ec || alive.expired()) return;
            miner_->mine([this](const core::BlockRef& block) {
                on_mined(block);
                schedule_mining();
            });
        });
}

void LiveNode::on_mined(const core::BlockRef& block) {
    const core::AcceptResult r = node_->submit_block(block);
    if (r.status != core::AcceptResult::Status::kAccepted) {
        say("mined block " + block->hash().display_hex() + " was refused: " + r.result.message);
        return;
    }
    ++mined_;
    say("mined block " + std::to_string(block->height()) + " " + block->hash().display_hex() +
        " (" + std::to_string(block->txs().size() - 1) + " txs)");
}

void LiveNode::resolve(std::function<void(const ResolveResult&)> done) {
    std::vector<PeerUrl> peers;
    for (std::size_t i = 0; i < transport_->peer_count(); ++i)
        peers.push_back(transport_->peer(static_cast<core::PeerId>(i)).url);
    resolver_->resolve(std::move(peers), [this, alive = std::weak_ptr<int>(alive_),
                                          done = std::move(done)](const ResolveResult& result) {
        if (!alive.expired()) {
            // A peer whose /chain is not chainsim's gets no relays either.
            for (const PeerVerdict& v : result.peers) {
                if (v.verdict != "incompatible") continue;
                const PeerUrlParse p = parse_peer_url(v.node);
                if (!p.url) continue;
                if (const auto id = transport_->find(*p.url);
                    id && transport_->peer(*id).compatible) {
                    transport_->set_incompatible(*id, "GET /chain: " + v.detail);
                }
            }
        }
        done(result);
    });
}

// --- Durability ----------------------------------------------------------------------------

void LiveNode::after_durable(std::function<void(const sim::Status&)> then) {
    if (!store_ || !store_->dirty()) return then(sim::Status::success());
    waiting_for_disk_.push_back(std::move(then));
    schedule_flush();
}

std::uint64_t LiveNode::limit_store_pages(std::uint64_t pages) {
    return store_ ? store_->limit_pages(pages) : 0;
}

void LiveNode::schedule_flush() {
    if (!store_ || flush_posted_) return;
    flush_posted_ = true;
    // Posted, not run now: requests already read in this turn of the loop share the commit.
    asio::post(io_, [this, alive = std::weak_ptr<int>(alive_)] {
        if (!alive.expired()) flush();
    });
}

void LiveNode::flush() {
    flush_posted_ = false;
    const sim::Status s = store_->commit();
    if (!s.ok()) {
        ++store_errors_;
        if (!store_failing_) {
            say("store: " + s.error() + "; mining paused, writes refused until it succeeds");
            store_failing_ = true;
            mine_timer_.cancel();
        }
        store_failure_ = s.error();
        // Retried (the store keeps what it could not write) until space returns.
        store_retry_timer_.expires_after(kStoreRetry);
        store_retry_timer_.async_wait(
            [this, alive = std::weak_ptr<int>(alive_)](const boost::system::error_code& ec) {
                if (!ec && !alive.expired()) flush();
            });
    } else if (store_failing_) {
        store_failing_ = false;
        store_failure_.clear();
        say("store: writing again; mining resumes");
        schedule_mining();
    }
    auto waiting = std::move(waiting_for_disk_);
    waiting_for_disk_.clear();
    for (auto& then : waiting)
        then(s);
}

// --- Observer ----------------------------------------------------------------------------

void LiveNode::on_block_accepted(int, const core::BlockRef& block, core::PeerId) {
    ++blocks_accepted_;
    recent_blocks_.push_back(block);
    if (recent_blocks_.size() > kRecentBlocks) recent_blocks_.pop_front();
    if (store_ && !replaying_) {
        store_->put_block(*block);
        schedule_flush();
    }
}

void LiveNode::on_block_rejected(int, const core::BlockRef& block, core::PeerId from,
                                 const core::ValidationResult& why) {
    ++blocks_rejected_[std::string(core::reject_name(why.reason))];
    if (capture_subject_ && *capture_subject_ == block->hash()) captured_ = why;
    if (from >= 0 && !replaying_) {
        say("refused block " + block->hash().display_hex() + " from " +
            transport_->peer(from).url.str() + ": " + std::string(core::reject_name(why.reason)) +
            ": " + why.message);
    }
}

void LiveNode::on_tip_changed(int, const core::TipChange& change) {
    const std::size_t depth = change.reorg_depth();
    if (depth > 0) {
        ++reorgs_;
        max_reorg_depth_ = std::max<std::uint64_t>(max_reorg_depth_, depth);
        if (!replaying_) {
            say("reorg of depth " + std::to_string(depth) + " to height " +
                std::to_string(change.new_tip->height) + " " +
                change.new_tip->hash().display_hex());
        }
    }
    if (!store_ || replaying_) return;
    // The mempool table follows the mempool: confirmed transactions leave, those of
    // disconnected blocks that came back are kept.
    for (const core::BlockRef& b : change.connected) {
        for (const core::TransactionRef& tx : b->txs()) {
            if (!tx->is_coinbase()) store_->erase_transaction(tx->txid());
        }
    }
    for (const core::BlockRef& b : change.disconnected) {
        for (const core::TransactionRef& tx : b->txs()) {
            if (!tx->is_coinbase() && node_->mempool().contains(tx->txid())) {
                store_->put_transaction(*tx);
            }
        }
    }
    schedule_flush();
}

void LiveNode::on_tx_accepted(int, const core::TransactionRef& tx, core::PeerId) {
    ++txs_accepted_;
    if (capture_subject_ && *capture_subject_ == tx->txid()) {
        captured_ = core::ValidationResult::valid();
    }
    if (store_ && !replaying_) {
        store_->put_transaction(*tx);
        schedule_flush();
    }
}

void LiveNode::on_tx_rejected(int, const core::TransactionRef& tx, core::PeerId,
                              const core::ValidationResult& why) {
    ++txs_rejected_[std::string(core::reject_name(why.reason))];
    if (capture_subject_ && *capture_subject_ == tx->txid()) captured_ = why;
}

}  // namespace live

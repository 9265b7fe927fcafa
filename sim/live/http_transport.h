// HttpTransport: core::Transport over HTTP. Each peer is a PeerId (its index in the order
// peers were added, never reused) with one kept-alive PeerChannel. How core::Node's messages
// travel (docs/design.md §6, and docs/live.md):
//
//   block     -> POST {peer}/blocks            body: the block's JSON (push relay)
//   tx        -> POST {peer}/transactions/new  body: the transaction's JSON
//   txs       -> POST {peer}/peers/transactions body: {"transactions": [...]}, 1000 a request
//   announce  -> POST {peer}/peers/announce    body: {"hash", "height", "work"} (tip exchange)
//   get-block -> GET  {peer}/blocks/{hash}     the answer, if it decodes to the block asked
//                                              for, comes back to the node as a block message
//
// Every request carries `X-Chainsim-Node: <this node's URL>` and `X-Chainsim-Token: <the
// token for that peer>` so the receiver can tell which of its peers sent it, once the
// sender vouches for the token (peer_identity.h), and a partitioned receiver can refuse it. A peer that answers 404
// or 405 to one of these POSTs is not a chainsim node (a PyChain or dvf/blockchain node has
// no peer protocol): it is marked incompatible, with the reason, and nothing more is sent
// to it, so a mixed network cannot split silently into two ledgers. Answers are never
// trusted: a get-block answer is decoded strictly, must hash to what was asked, and is then
// validated by the node like any block.
//
// Not thread-safe: the io_context's thread only.
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/node.h"
#include "sim/live/http_client.h"
#include "sim/live/url.h"

namespace live {

inline constexpr const char* kNodeHeader = "X-Chainsim-Node";

struct TransportOptions {
    std::chrono::milliseconds timeout{5000};   // one request to a peer, connect to answer
    std::size_t max_block_response = 4 << 20;  // bytes of a get-block answer
    std::size_t max_queue = 1000;              // requests waiting per peer; more are dropped
};

struct PeerState {
    PeerUrl url;
    std::shared_ptr<PeerChannel> channel;
    std::uint64_t sent = 0;       // requests answered (any status)
    std::uint64_t failed = 0;     // requests that got no answer
    std::uint64_t dropped = 0;    // messages not sent: peer unreachable by policy (partition)
    std::string last_error;       // of the last failed request
    bool answering = true;        // the latest request got an answer (true before any)
    core::Nanos last_answer = 0;  // Unix ns of the last answer; 0: never
    bool compatible = true;       // false: not a chainsim node; nothing is sent to it
    std::string incompatible_reason;
};

class HttpTransport final : public core::Transport {
  public:
    HttpTransport(boost::asio::io_context& io, std::string self_url, TransportOptions options);
    ~HttpTransport() override;
    HttpTransport(const HttpTransport&) = delete;
    HttpTransport& operator=(const HttpTransport&) = delete;

    // The X-Chainsim-Token sent to each peer (PeerIdentity::token_for); null: none.
    void set_token_source(std::function<std::string(const PeerUrl&)> token_for);
    // Where get-block answers go: the node's on_message(peer, block message).
    void set_receiver(std::function<void(core::PeerId, const core::Message&)> receiver);
    // Which peers may be reached (a partition or a cut link says no); null: all of them.
    // Sends to unreachable or incompatible peers are dropped and they are left out of
    // peers().
    void set_filter(std::function<bool(const PeerUrl&)> reachable);
    bool reachable(core::PeerId peer) const;
    // Marks a peer as not a chainsim node (no more sends), or as one again (reason empty).
    void set_incompatible(core::PeerId peer, std::string reason);

    // The id of `url`, adding it if new.
    core::PeerId add_peer(const PeerUrl& url);
    std::optional<core::PeerId> find(const PeerUrl& url) const;
    std::size_t peer_count() const { return peers_.size(); }
    const PeerState& peer(core::PeerId id) const { return peers_[static_cast<std::size_t>(id)]; }

    // core::Transport
    void send(core::PeerId to, core::MessagePtr message) override;
    std::span<const core::PeerId> peers() const override;

    // Drops every connection and queued request; later sends do nothing.
    void close();

  private:
    void request(core::PeerId to, ClientRequest request, std::function<void(ClientResult)> then);

    boost::asio::io_context& io_;
    std::string self_url_;
    TransportOptions options_;
    std::vector<PeerState> peers_;
    std::function<void(core::PeerId, const core::Message&)> receiver_;
    std::function<bool(const PeerUrl&)> reachable_;
    std::function<std::string(const PeerUrl&)> token_for_;
    bool closed_ = false;
    mutable std::vector<core::PeerId> reachable_peers_;  // what peers() lends
    std::shared_ptr<int> alive_ = std::make_shared<int>(0);  // for callbacks that outlive us
};

}  // namespace live

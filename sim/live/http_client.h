// HTTP client side of a live node: one-off requests with a deadline and a response size
// limit, and PeerChannel, one kept-alive connection per peer that sends queued requests in
// order.
//
// Contract: a peer is never trusted to answer, to answer quickly, or to answer briefly.
// Every request ends within its timeout (connect, send and receive together) and reads at
// most max_response bytes of body; past either it fails with a message saying so. Callbacks
// run on the io_context's thread. Not thread-safe.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/beast/http/verb.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "sim/live/url.h"

namespace live {

struct ClientResult {
    bool ok = false;      // a complete response arrived (any status)
    unsigned status = 0;  // when ok
    std::string body;     // when ok
    std::string error;    // when !ok: what went wrong ("timed out after 5000 ms", ...)
};

struct ClientRequest {
    boost::beast::http::verb method = boost::beast::http::verb::get;
    std::string target = "/";  // path and query
    std::string body;          // sent as application/json when not empty
    std::vector<std::pair<std::string, std::string>> headers;
    std::chrono::milliseconds timeout{5000};  // the whole exchange
    std::size_t max_response = 8 << 20;       // bytes of response body
};

using ClientCallback = std::function<void(ClientResult)>;

// One request on a fresh connection (closed afterwards).
void http_fetch(boost::asio::io_context& io, const PeerUrl& url, ClientRequest request,
                ClientCallback done);

// The same, run to completion on a private io_context (for the CLI and tests).
ClientResult http_fetch_blocking(const PeerUrl& url, ClientRequest request);

// Requests to one peer, sent one at a time in order over a kept-alive connection that is
// reopened when it breaks. A request that fails on a connection that had already served
// one is retried once on a fresh connection (the peer may have closed an idle one).
// At most max_queue requests wait; more fail at once with "queue full".
class PeerChannel : public std::enable_shared_from_this<PeerChannel> {
  public:
    PeerChannel(boost::asio::io_context& io, PeerUrl url, std::size_t max_queue = 1000);
    ~PeerChannel();

    void send(ClientRequest request, ClientCallback done);
    // Drops the connection and every queued request; their callbacks are not called.
    void close();
    std::size_t queued() const { return queue_.size(); }

    struct Connection;

  private:
    struct Item {
        ClientRequest request;
        ClientCallback done;
        bool retried = false;
    };
    void pump();
    void finish(ClientResult result, bool reused);

    boost::asio::io_context& io_;
    PeerUrl url_;
    std::size_t max_queue_;
    std::deque<Item> queue_;
    std::shared_ptr<Connection> connection_;  // null when not connected
    bool busy_ = false;
    bool closed_ = false;
};

}  // namespace live

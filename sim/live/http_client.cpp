#include "sim/live/http_client.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <optional>

namespace live {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct PeerChannel::Connection {
    explicit Connection(asio::io_context& io) : stream(io) {}
    beast::tcp_stream stream;
    beast::flat_buffer buffer;
    bool connected = false;
    int served = 0;  // responses read on this connection
};

namespace {

using Connection = PeerChannel::Connection;
constexpr std::size_t kMaxResponseHeader = 64 << 10;

// One request and its response on `connection`, connecting it first if needed.
class Exchange : public std::enable_shared_from_this<Exchange> {
  public:
    // `done(result, reusable)`: reusable when the connection may carry another request.
    using Done = std::function<void(ClientResult, bool)>;

    Exchange(asio::io_context& io, PeerUrl url, std::shared_ptr<Connection> connection,
             ClientRequest request, Done done)
        : url_(std::move(url)),
          connection_(std::move(connection)),
          request_(std::move(request)),
          done_(std::move(done)),
          resolver_(io),
          resolve_timer_(io) {}

    void run() {
        deadline_ = std::chrono::steady_clock::now() + request_.timeout;
        if (connection_->connected) return write();
        beast::error_code ec;
        const auto address = asio::ip::make_address(url_.host, ec);
        if (!ec) {
            return connect(tcp::endpoint(address, url_.port));
        }
        resolve_timer_.expires_at(deadline_);
        resolve_timer_.async_wait([self = shared_from_this()](beast::error_code e) {
            if (!e) self->resolver_.cancel();
        });
        resolver_.async_resolve(
            url_.host, std::to_string(url_.port),
            [self = shared_from_this()](beast::error_code e, tcp::resolver::results_type results) {
                self->resolve_timer_.cancel();
                if (e || results.empty()) {
                    return self->fail("cannot resolve " + self->url_.host + ": " + e.message());
                }
                self->connect(results.begin()->endpoint());
            });
    }

  private:
    void connect(const tcp::endpoint& endpoint) {
        connection_->stream.expires_at(deadline_);
        connection_->stream.async_connect(
            endpoint, [self = shared_from_this()](beast::error_code ec) {
                if (ec) return self->fail(self->describe(ec, "connect"));
                beast::error_code ignored;
                self->connection_->stream.socket().set_option(tcp::no_delay(true), ignored);
                self->connection_->connected = true;
                self->write();
            });
    }

    void write() {
        req_.method(request_.method);
        req_.target(request_.target);
        req_.version(11);
        req_.set(http::field::host, url_.host + ":" + std::to_string(url_.port));
        req_.set(http::field::user_agent, "chainsim");
        for (const auto& [name, value] : request_.headers)
            req_.set(name, value);
        if (!request_.body.empty()) {
            req_.set(http::field::content_type, "application/json");
            req_.body() = std::move(request_.body);
        }
        req_.keep_alive(true);
        req_.prepare_payload();
        connection_->stream.expires_at(deadline_);
        http::async_write(connection_->stream, req_,
                          [self = shared_from_this()](beast::error_code ec, std::size_t) {
                              if (ec) return self->fail(self->describe(ec, "send"));
                              self->read();
                          });
    }

    void read() {
        parser_.emplace();
        parser_->body_limit(request_.max_response);
        parser_->header_limit(kMaxResponseHeader);
        // The header first: Beast 1.74 loses a response's body_limit error when body bytes
        // arrive with the header, so the declared length is checked here.
        http::async_read_header(
            connection_->stream, connection_->buffer, *parser_,
            [self = shared_from_this()](beast::error_code ec, std::size_t) {
                if (ec) return self->fail(self->describe(ec, "receive"));
                const auto length = self->parser_->content_length();
                if (length && *length > self->request_.max_response) {
                    return self->fail(self->describe(http::error::body_limit, "receive"));
                }
                self->read_body();
            });
    }

    void read_body() {
        http::async_read(connection_->stream, connection_->buffer, *parser_,
                         [self = shared_from_this()](beast::error_code ec, std::size_t) {
                             if (ec) return self->fail(self->describe(ec, "receive"));
                             auto& res = self->parser_->get();
                             ClientResult r;
                             r.ok = true;
                             r.status = res.result_int();
                             r.body = std::move(res.body());
                             const bool keep = res.keep_alive();
                             self->finish(std::move(r), keep);
                         });
    }

    std::string describe(beast::error_code ec, const char* stage) const {
        if (ec == beast::error::timeout || ec == asio::error::operation_aborted) {
            return "timed out after " + std::to_string(request_.timeout.count()) + " ms (" + stage +
                   ")";
        }
        if (ec == http::error::body_limit) {
            return "response larger than " + std::to_string(request_.max_response) + " bytes";
        }
        return std::string(stage) + " failed: " + ec.message();
    }

    void fail(std::string error) {
        connection_->connected = false;
        connection_->stream.close();
        ClientResult r;
        r.error = std::move(error);
        finish(std::move(r), false);
    }

    void finish(ClientResult r, bool reusable) {
        if (done_) {
            Done done = std::move(done_);
            done_ = nullptr;
            done(std::move(r), reusable);
        }
    }

    PeerUrl url_;
    std::shared_ptr<Connection> connection_;
    ClientRequest request_;
    Done done_;
    tcp::resolver resolver_;
    asio::steady_timer resolve_timer_;
    std::chrono::steady_clock::time_point deadline_;
    http::request<http::string_body> req_;
    std::optional<http::response_parser<http::string_body>> parser_;
};

}  // namespace

void http_fetch(asio::io_context& io, const PeerUrl& url, ClientRequest request,
                ClientCallback done) {
    auto connection = std::make_shared<Connection>(io);
    std::make_shared<Exchange>(io, url, connection, std::move(request),
                               [connection, done = std::move(done)](ClientResult r, bool) {
                                   connection->stream.close();
                                   done(std::move(r));
                               })
        ->run();
}

ClientResult http_fetch_blocking(const PeerUrl& url, ClientRequest request) {
    asio::io_context io;
    ClientResult result;
    http_fetch(io, url, std::move(request), [&result](ClientResult r) { result = std::move(r); });
    io.run();
    return result;
}

PeerChannel::PeerChannel(asio::io_context& io, PeerUrl url, std::size_t max_queue)
    : io_(io), url_(std::move(url)), max_queue_(max_queue) {}

PeerChannel::~PeerChannel() {
    close();
}

void PeerChannel::send(ClientRequest request, ClientCallback done) {
    if (closed_) return;
    if (queue_.size() >= max_queue_) {
        ClientResult r;
        r.error = "queue full (" + std::to_string(max_queue_) + " requests waiting)";
        done(std::move(r));
        return;
    }
    queue_.push_back(Item{std::move(request), std::move(done)});
    pump();
}

void PeerChannel::close() {
    closed_ = true;
    queue_.clear();
    if (connection_) {
        connection_->stream.close();
        connection_.reset();
    }
}

void PeerChannel::pump() {
    if (busy_ || closed_ || queue_.empty()) return;
    busy_ = true;
    if (!connection_) connection_ = std::make_shared<Connection>(io_);
    const bool reused = connection_->served > 0;
    std::make_shared<Exchange>(io_, url_, connection_, queue_.front().request,
                               [weak = weak_from_this(), reused](ClientResult r, bool keep) {
                                   auto self = weak.lock();
                                   if (!self || self->closed_) return;
                                   if (r.ok) {
                                       ++self->connection_->served;
                                       if (!keep) self->connection_.reset();
                                   } else {
                                       self->connection_.reset();
                                   }
                                   self->busy_ = false;
                                   self->finish(std::move(r), reused);
                               })
        ->run();
}

void PeerChannel::finish(ClientResult result, bool reused) {
    Item& front = queue_.front();
    const bool timed_out = result.error.rfind("timed out", 0) == 0;
    if (!result.ok && reused && !front.retried && !timed_out) {
        front.retried = true;  // a kept-alive connection the peer had closed: once more
        return pump();
    }
    Item item = std::move(front);
    queue_.pop_front();
    auto keep_alive = shared_from_this();  // `done` may drop the last owner
    item.done(std::move(result));
    pump();
}

}  // namespace live

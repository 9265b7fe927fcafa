#include "sim/live/http_server.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <nlohmann/json.hpp>
#include <optional>
#include <unordered_set>
#include <vector>

namespace live {
namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

namespace {

class Session;

// How long a connection closed after an error keeps draining what the client still sends,
// so that the client reads our answer instead of a reset.
constexpr auto kLingerTime = std::chrono::milliseconds(1000);
constexpr std::size_t kLingerBytes = 4 << 20;

std::string error_body(std::string_view error, std::string_view message) {
    return nlohmann::json{{"error", error}, {"message", message}}.dump(
        -1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Response refusal(unsigned status, std::string_view error, const std::string& message) {
    Response r;
    r.status = status;
    r.body = error_body(error, message);
    r.close = true;
    return r;
}

// The answer to a declared body over the limit, if it is.
std::optional<Response> refuse_length(const boost::optional<std::uint64_t>& length,
                                      const ServerLimits& limits) {
    if (!length || *length <= limits.max_body) return std::nullopt;
    return refusal(413, "payload-too-large",
                   "the body is " + std::to_string(*length) + " bytes; at most " +
                       std::to_string(limits.max_body) + " are accepted");
}

// The answer to bytes the parser refused: 413, 431 or 400.
Response refuse_parse(beast::error_code ec, const ServerLimits& limits) {
    if (ec == http::error::body_limit) {
        return refusal(413, "payload-too-large",
                       "the body exceeds " + std::to_string(limits.max_body) + " bytes");
    }
    if (ec == http::error::header_limit) {
        return refusal(431, "headers-too-large",
                       "the request line and headers exceed " +
                           std::to_string(limits.max_header) + " bytes");
    }
    return refusal(400, "bad-request", "not a valid HTTP request: " + ec.message());
}

void configure(http::request_parser<http::string_body>& parser, const ServerLimits& limits) {
    parser.header_limit(static_cast<std::uint32_t>(limits.max_header));
    parser.body_limit(limits.max_body);
}

}  // namespace

RequestRead read_request(std::string_view bytes, const ServerLimits& limits) {
    RequestRead out;
    http::request_parser<http::string_body> parser;
    configure(parser, limits);
    parser.eager(false);
    std::size_t used = 0;
    beast::error_code ec;
    auto put = [&] {
        used += parser.put(asio::buffer(bytes.data() + used, bytes.size() - used), ec);
    };
    auto refused = [&](Response r) {
        out.outcome = RequestRead::Outcome::kRefused;
        out.refusal = std::move(r);
        return out;
    };
    // The parser takes a partial body without complaint, so running out of bytes is
    // checked here, not only through need_more.
    while (!parser.is_header_done()) {
        if (used == bytes.size()) return out;
        put();
        if (ec == http::error::need_more) return out;
        if (ec) return refused(refuse_parse(ec, limits));
    }
    if (auto r = refuse_length(parser.content_length(), limits)) return refused(std::move(*r));
    parser.eager(true);
    while (!parser.is_done()) {
        if (used == bytes.size()) return out;
        put();
        if (ec == http::error::need_more) return out;
        if (ec) return refused(refuse_parse(ec, limits));
    }
    out.outcome = RequestRead::Outcome::kRequest;
    out.request = parser.release();
    out.consumed = used;
    return out;
}

struct HttpServer::Shared {
    ServerLimits limits;
    Handler handler;
    std::optional<tcp::acceptor> acceptor;
    std::unordered_set<Session*> sessions;  // open connections, to close on stop; lookups only
    std::optional<asio::steady_timer> retry;
    bool stopped = false;
};

namespace {

class Session : public std::enable_shared_from_this<Session> {
  public:
    Session(tcp::socket socket, std::shared_ptr<HttpServer::Shared> shared)
        : stream_(std::move(socket)), shared_(std::move(shared)) {
        shared_->sessions.insert(this);
    }
    ~Session() { shared_->sessions.erase(this); }

    void start() { read_request(); }
    void close() { stream_.close(); }
    // Still waiting for a complete request (a new or idle keep-alive connection), and
    // since when: what the server evicts first when it is full.
    bool reading() const { return reading_; }
    std::chrono::steady_clock::time_point reading_since() const { return reading_since_; }

  private:
    const ServerLimits& limits() const { return shared_->limits; }

    void read_request() {
        reading_ = true;
        reading_since_ = std::chrono::steady_clock::now();
        parser_.emplace();
        configure(*parser_, limits());
        stream_.expires_after(limits().read_timeout);
        http::async_read_header(stream_, buffer_, *parser_,
                                [self = shared_from_this()](beast::error_code ec, std::size_t) {
                                    self->on_header(ec);
                                });
    }

    void on_header(beast::error_code ec) {
        if (ec) return fail_read(ec);
        const Request& req = parser_->get();
        if (auto r = refuse_length(parser_->content_length(), limits())) {
            return send_refusal(std::move(*r));
        }
        if (beast::iequals(req[http::field::expect], "100-continue")) {
            auto go_on =
                std::make_shared<http::response<http::empty_body>>(http::status::continue_, 11);
            http::async_write(stream_, *go_on,
                              [self = shared_from_this(), go_on](beast::error_code e, std::size_t) {
                                  if (e) return self->close();
                                  self->stream_.expires_after(self->limits().read_timeout);
                                  self->read_body();
                              });
            return;
        }
        read_body();
    }

    void read_body() {
        http::async_read(stream_, buffer_, *parser_,
                         [self = shared_from_this()](beast::error_code ec, std::size_t) {
                             if (ec) return self->fail_read(ec);
                             self->dispatch();
                         });
    }

    void fail_read(beast::error_code ec) {
        const bool gone = ec == http::error::end_of_stream || ec == asio::error::eof ||
                          ec == asio::error::operation_aborted || ec == beast::error::timeout ||
                          ec == asio::error::connection_reset || ec == asio::error::broken_pipe;
        if ((gone || shared_->stopped) && ec != http::error::body_limit &&
            ec != http::error::header_limit) {
            return close();
        }
        send_refusal(refuse_parse(ec, limits()));
    }

    void dispatch() {
        reading_ = false;
        if (shared_->stopped) return close();
        keep_alive_ = parser_->get().keep_alive();
        version_ = parser_->get().version();
        head_ = parser_->get().method() == http::verb::head;
        // The handler may take a while (a peer, the disk); the client waits without a
        // deadline of ours, but the write that follows has one.
        stream_.expires_never();
        const std::uint64_t request = ++requests_;
        Reply reply = [self = shared_from_this(), request](Response r) {
            self->respond(request, std::move(r), false);
        };
        try {
            shared_->handler(parser_->get(), reply);
        } catch (const std::exception& e) {
            Response r;
            r.status = 500;
            r.body = error_body("internal", e.what());
            respond(request, std::move(r), false);
        }
    }

    void send_refusal(Response r) {
        keep_alive_ = false;
        head_ = false;
        version_ = parser_ ? parser_->get().version() : 11;
        if (version_ != 10 && version_ != 11) version_ = 11;
        respond(++requests_, std::move(r), true);
    }

    void respond(std::uint64_t request, Response r, bool linger) {
        if (request != requests_ || answered_ == request) return;  // one reply per request
        answered_ = request;
        if (!stream_.socket().is_open()) return;
        auto res = std::make_shared<http::response<http::string_body>>(
            static_cast<http::status>(r.status), version_);
        res->set(http::field::server, "chainsim");
        res->set(http::field::content_type, r.content_type);
        if (!r.allow.empty()) res->set(http::field::allow, r.allow);
        res->keep_alive(keep_alive_ && !r.close && !shared_->stopped);
        res->body() = std::move(r.body);
        res->prepare_payload();
        if (head_) res->body().clear();  // HEAD: the headers of the answer, never a body
        const bool keep = res->keep_alive();
        stream_.expires_after(limits().write_timeout);
        http::async_write(
            stream_, *res,
            [self = shared_from_this(), res, keep, linger](beast::error_code ec, std::size_t) {
                if (ec) return self->close();
                if (keep) return self->read_request();
                if (linger) return self->linger_close();
                beast::error_code ignored;
                self->stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
                self->close();
            });
    }

    // Half-closes and discards what the client still sends for a moment: closing a socket
    // with unread input sends a reset, which can destroy the answer before it is read.
    void linger_close() {
        beast::error_code ignored;
        stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
        stream_.expires_after(kLingerTime);
        drain();
    }

    void drain() {
        if (drained_ > kLingerBytes) return close();
        stream_.async_read_some(asio::buffer(drain_buffer_),
                                [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                                    if (ec) return self->close();
                                    self->drained_ += n;
                                    self->drain();
                                });
    }

    beast::tcp_stream stream_;
    std::shared_ptr<HttpServer::Shared> shared_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    std::uint64_t requests_ = 0;  // requests read on this connection
    std::uint64_t answered_ = 0;  // the last request answered
    bool keep_alive_ = false;
    bool head_ = false;  // the request being answered is a HEAD
    unsigned version_ = 11;
    std::size_t drained_ = 0;
    std::array<char, 16 << 10> drain_buffer_{};
    bool reading_ = false;
    std::chrono::steady_clock::time_point reading_since_;
};

// Full: the connection that has waited longest for a complete request makes room (slow or
// idle clients cannot starve one that sends its request promptly). False if every
// connection is busy with a request.
bool evict_oldest_reader(HttpServer::Shared& shared) {
    Session* oldest = nullptr;
    for (Session* s : shared.sessions) {
        if (s->reading() && (oldest == nullptr || s->reading_since() < oldest->reading_since())) {
            oldest = s;
        }
    }
    if (oldest == nullptr) return false;
    oldest->close();
    return true;
}

void accept_loop(const std::shared_ptr<HttpServer::Shared>& shared) {
    if (shared->stopped || !shared->acceptor) return;
    shared->acceptor->async_accept([shared](beast::error_code ec, tcp::socket socket) {
        if (shared->stopped) return;
        if (ec) {
            if (ec == asio::error::operation_aborted) return;
            // Out of descriptors or similar: back off instead of spinning.
            shared->retry->expires_after(std::chrono::milliseconds(50));
            shared->retry->async_wait([shared](beast::error_code e) {
                if (!e) accept_loop(shared);
            });
            return;
        }
        if (shared->sessions.size() >= shared->limits.max_connections &&
            !evict_oldest_reader(*shared)) {
            beast::error_code ignored;
            socket.close(ignored);
        } else {
            beast::error_code ignored;
            socket.set_option(tcp::no_delay(true), ignored);
            std::make_shared<Session>(std::move(socket), shared)->start();
        }
        accept_loop(shared);
    });
}

}  // namespace

HttpServer::HttpServer(asio::io_context& io, ServerLimits limits, Handler handler)
    : io_(io), shared_(std::make_shared<Shared>()) {
    shared_->limits = limits;
    shared_->handler = std::move(handler);
    shared_->retry.emplace(io_);
}

HttpServer::~HttpServer() {
    stop();
}

sim::Status HttpServer::listen(const std::string& host, std::uint16_t port) {
    const std::string where = host + ":" + std::to_string(port);
    beast::error_code ec;
    tcp::endpoint endpoint;
    const auto address = asio::ip::make_address(host, ec);
    if (!ec) {
        endpoint = tcp::endpoint(address, port);
    } else {
        tcp::resolver resolver(io_);
        auto results = resolver.resolve(host, std::to_string(port), ec);
        if (ec || results.empty()) {
            return sim::Error{"cannot listen on " + where + ": unknown host (" + ec.message() +
                              ")"};
        }
        endpoint = results.begin()->endpoint();
    }
    tcp::acceptor acceptor(io_);
    if (acceptor.open(endpoint.protocol(), ec); ec) {
        return sim::Error{"cannot listen on " + where + ": " + ec.message()};
    }
    acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (acceptor.bind(endpoint, ec); ec) {
        return sim::Error{"cannot listen on " + where + ": " + ec.message()};
    }
    if (acceptor.listen(asio::socket_base::max_listen_connections, ec); ec) {
        return sim::Error{"cannot listen on " + where + ": " + ec.message()};
    }
    shared_->acceptor.emplace(std::move(acceptor));
    shared_->stopped = false;
    accept_loop(shared_);
    return sim::Status::success();
}

std::uint16_t HttpServer::port() const {
    if (!shared_->acceptor) return 0;
    beast::error_code ec;
    const auto endpoint = shared_->acceptor->local_endpoint(ec);
    return ec ? 0 : endpoint.port();
}

void HttpServer::stop() {
    if (shared_->stopped) return;
    shared_->stopped = true;
    beast::error_code ignored;
    if (shared_->acceptor) shared_->acceptor->close(ignored);
    shared_->retry->cancel();
    std::vector<Session*> open(shared_->sessions.begin(), shared_->sessions.end());
    for (Session* s : open)
        s->close();
}

std::size_t HttpServer::open_connections() const {
    return shared_->sessions.size();
}

}  // namespace live

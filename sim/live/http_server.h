// HttpServer: an asynchronous HTTP/1.1 server on Boost.Beast, run by the caller's
// io_context (one thread; many servers may share one io_context).
//
// Contract:
//   - Every request goes to the Handler, which answers through its Reply exactly once,
//     now or later (a handler may wait for a peer or for the disk). Replying after the
//     connection or the server went away does nothing.
//   - Hostile clients: a request whose Content-Length exceeds max_body gets 413 before its
//     body is read (and a chunked one as soon as it passes the limit); oversized headers get
//     431; bytes that are not HTTP get 400; then the connection is closed. A client that
//     does not send a whole request within read_timeout (or idles that long between
//     keep-alive requests) is disconnected; so is one that does not read its response
//     within write_timeout. Past max_connections, new connections are closed at once.
//   - `Expect: 100-continue` is honoured, so curl sends large bodies without a pause.
//   - stop() closes the listening socket and every connection; the server is then inert.
//   - Not thread-safe: call everything on the io_context's thread.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "sim/engine/status.h"

namespace live {

namespace http = boost::beast::http;

using Request = http::request<http::string_body>;

struct Response {
    unsigned status = 200;
    std::string content_type = "application/json";
    std::string body;
    std::string allow;   // the Allow header (405 answers); empty: none
    bool close = false;  // close the connection after this response
};

// Answers one request; call exactly once.
using Reply = std::function<void(Response)>;
// The request is valid until the reply is sent; copy what outlives the call.
using Handler = std::function<void(const Request&, Reply)>;

struct ServerLimits {
    std::size_t max_body = 1 << 20;     // bytes of request body; more gets 413
    std::size_t max_header = 16 << 10;  // bytes of request line + headers; more gets 431
    std::chrono::milliseconds read_timeout{10'000};   // to receive a whole request, or idle
    std::chrono::milliseconds write_timeout{10'000};  // to send a whole response
    // Open connections at once. When full, a new connection evicts the one that has waited
    // longest for a complete request (slowloris, idle keep-alive); only when every
    // connection is busy with a request is the new one refused. Guarantee: a client that
    // sends its whole request promptly is served while fewer than max_connections
    // requests are being handled, however many slow connections are open.
    std::size_t max_connections = 1024;
};

// One request read from `bytes` the way a connection reads it: the same parser, the same
// limits and the same refusals (400, 413, 431), in one piece and without a socket. For
// in-process use (tests, the HTTP fuzz target, tests/fuzz).
struct RequestRead {
    enum class Outcome {
        kRequest,     // `request` is complete; it took the first `consumed` bytes
        kIncomplete,  // the bytes end inside a request (a connection would wait for more)
        kRefused,     // `refusal` is what the server answers before closing the connection
    };
    Outcome outcome = Outcome::kIncomplete;
    Request request;
    Response refusal;
    std::size_t consumed = 0;
};
RequestRead read_request(std::string_view bytes, const ServerLimits& limits);

class HttpServer {
  public:
    HttpServer(boost::asio::io_context& io, ServerLimits limits, Handler handler);
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    // Binds `host`:`port` (port 0: any free port) and starts accepting. The error names the
    // address and the reason (address in use, permission, bad host).
    [[nodiscard]] sim::Status listen(const std::string& host, std::uint16_t port);
    // The bound port (after a successful listen).
    std::uint16_t port() const;
    void stop();
    std::size_t open_connections() const;

    struct Shared;  // state shared with the connections (defined in the .cpp)

  private:
    void accept();

    boost::asio::io_context& io_;
    std::shared_ptr<Shared> shared_;
};

}  // namespace live

// Fuzz target: a live node's HTTP handling, in process: raw bytes go through the server's
// own request parser (live::read_request: the same parser, limits and refusals as a
// connection) and each complete request through LiveNode::serve, the router every port
// request reaches, on an in-memory node (no data dir, no port, every peer unreachable, so
// nothing leaves the process). Pipelined requests are served in turn, as on a keep-alive
// connection. The node has two demo wallets and mines at pow_bits 8, so POST
// /transactions/new and GET /mine do real work.
// Properties:
//   - nothing throws; the parser refuses with 400, 413 or 431 and a JSON error body;
//   - every request is answered exactly once, before the event loop runs dry;
//   - the status is one the contract names (docs/live.md): never 500;
//   - a JSON answer parses; an error answer is {"error": code, "message": text}; a 405
//     says what is allowed.
#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.h"
#include "sim/live/demo_wallets.h"
#include "sim/live/http_server.h"
#include "sim/live/live_node.h"
#include "sim/live/network_params.h"

namespace {

using nlohmann::json;

constexpr int kMaxRequests = 16;  // per input: a keep-alive connection's worth

const std::vector<live::DemoWallet>& wallets() {
    static const std::vector<live::DemoWallet> w = live::make_demo_wallets(2);
    return w;
}

const live::NetworkParams& network() {
    static const live::NetworkParams n =
        live::make_network(live::node_consensus(8, live::demo_allocations(wallets())));
    return n;
}

live::ServerLimits limits() {
    live::ServerLimits l;
    l.max_body = 64 << 10;  // small enough for the fuzzer to reach; the logic is the same
    l.max_header = 4 << 10;
    return l;
}

void check_error_body(const live::Response& r, const std::string& what) {
    FUZZ_CHECK(r.content_type == "application/json", what);
    const json body = json::parse(r.body, nullptr, /*allow_exceptions=*/false);
    FUZZ_CHECK(body.is_object() && body.contains("error") && body["error"].is_string() &&
                   body.contains("message") && body["message"].is_string(),
               what + ": " + r.body);
}

void check_answer(const live::Response& r, const std::string& what) {
    static const std::set<unsigned> kContract = {200, 201, 400, 403, 404, 405,
                                                 409, 413, 422, 503};
    FUZZ_CHECK(kContract.count(r.status) == 1,
               what + " -> " + std::to_string(r.status) + " " + r.body);
    if (r.status >= 400) check_error_body(r, what);
    if (r.status == 405) FUZZ_CHECK(!r.allow.empty(), what);
    if (r.content_type == "application/json") {
        FUZZ_CHECK(!json::parse(r.body, nullptr, false).is_discarded(), what + ": " + r.body);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view bytes(reinterpret_cast<const char*>(data), size);
    boost::asio::io_context io;
    live::LiveNodeConfig config;
    config.listen = false;
    config.port = 18444;  // only in the node's URL
    config.seed = 1;
    config.demo_wallets = wallets();
    config.server = limits();
    auto started = live::LiveNode::start(io, network(), config);
    FUZZ_CHECK(started.has_value(), started ? "" : started.error());
    std::unique_ptr<live::LiveNode> node = std::move(*started);
    node->set_peer_filter([](const live::PeerUrl&) { return false; });

    std::vector<std::shared_ptr<int>> every_answer_count;
    for (int served = 0; served < kMaxRequests && !bytes.empty(); ++served) {
        live::RequestRead read = live::read_request(bytes, config.server);
        if (read.outcome == live::RequestRead::Outcome::kIncomplete) break;
        if (read.outcome == live::RequestRead::Outcome::kRefused) {
            const unsigned s = read.refusal.status;
            FUZZ_CHECK(s == 400 || s == 413 || s == 431, std::to_string(s));
            FUZZ_CHECK(read.refusal.close, "a refusal that keeps the connection");
            check_error_body(read.refusal, "refusal");
            break;
        }
        FUZZ_CHECK(read.consumed > 0 && read.consumed <= bytes.size(), "consumed nothing");
        bytes.remove_prefix(read.consumed);
        const live::Request& req = read.request;
        const std::string what(std::string(req.method_string()) + " " + std::string(req.target()));

        // Shared with the reply, which may outlive this turn: a late second answer is seen.
        auto answers = std::make_shared<int>(0);
        auto answer = std::make_shared<live::Response>();
        every_answer_count.push_back(answers);
        node->serve(req, [answers, answer](live::Response r) {
            ++*answers;
            *answer = std::move(r);
        });
        // An io_context that ran out of work stays stopped until restarted.
        io.restart();
        while (*answers == 0 && io.poll() > 0) {
        }
        FUZZ_CHECK(*answers == 1, what + ": answered " + std::to_string(*answers) + " times");
        check_answer(*answer, what);
        if (!req.keep_alive() || answer->close) break;
    }
    node.reset();
    io.restart();
    io.poll();  // what the node left posted runs against its expired liveness token
    for (const auto& count : every_answer_count)
        FUZZ_CHECK(*count == 1, "a request answered " + std::to_string(*count) + " times");
    return 0;
}

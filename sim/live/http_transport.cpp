#include "sim/live/http_transport.h"

#include <nlohmann/json.hpp>

#include "core/codec.h"
#include "sim/live/api.h"
#include "sim/live/live_clock.h"
#include "sim/live/peer_identity.h"

namespace live {

namespace http = boost::beast::http;

namespace {
// Transactions per POST /peers/transactions: about 400 KB of JSON, under the 1 MiB limit.
constexpr std::size_t kTxsPerBatch = 1000;
}  // namespace

HttpTransport::HttpTransport(boost::asio::io_context& io, std::string self_url,
                             TransportOptions options)
    : io_(io), self_url_(std::move(self_url)), options_(options) {}

HttpTransport::~HttpTransport() {
    close();
}

void HttpTransport::set_token_source(std::function<std::string(const PeerUrl&)> token_for) {
    token_for_ = std::move(token_for);
}

void HttpTransport::set_receiver(std::function<void(core::PeerId, const core::Message&)> receiver) {
    receiver_ = std::move(receiver);
}

void HttpTransport::set_filter(std::function<bool(const PeerUrl&)> reachable) {
    reachable_ = std::move(reachable);
}

bool HttpTransport::reachable(core::PeerId peer) const {
    if (peer < 0 || static_cast<std::size_t>(peer) >= peers_.size()) return false;
    return !reachable_ || reachable_(peers_[static_cast<std::size_t>(peer)].url);
}

void HttpTransport::set_incompatible(core::PeerId peer, std::string reason) {
    if (peer < 0 || static_cast<std::size_t>(peer) >= peers_.size()) return;
    PeerState& p = peers_[static_cast<std::size_t>(peer)];
    p.compatible = reason.empty();
    p.incompatible_reason = std::move(reason);
}

core::PeerId HttpTransport::add_peer(const PeerUrl& url) {
    if (auto id = find(url)) return *id;
    PeerState p;
    p.url = url;
    p.channel = std::make_shared<PeerChannel>(io_, url, options_.max_queue);
    peers_.push_back(std::move(p));
    return static_cast<core::PeerId>(peers_.size() - 1);
}

std::optional<core::PeerId> HttpTransport::find(const PeerUrl& url) const {
    for (std::size_t i = 0; i < peers_.size(); ++i) {
        if (peers_[i].url == url) return static_cast<core::PeerId>(i);
    }
    return std::nullopt;
}

std::span<const core::PeerId> HttpTransport::peers() const {
    std::vector<core::PeerId>& out = reachable_peers_;
    out.clear();
    for (std::size_t i = 0; i < peers_.size(); ++i) {
        if (reachable(static_cast<core::PeerId>(i)) && peers_[i].compatible) {
            out.push_back(static_cast<core::PeerId>(i));
        }
    }
    return out;
}

void HttpTransport::close() {
    closed_ = true;
    for (auto& p : peers_)
        p.channel->close();
}

void HttpTransport::request(core::PeerId to, ClientRequest request,
                            std::function<void(ClientResult)> then) {
    request.headers.emplace_back(kNodeHeader, self_url_);
    if (token_for_) {
        request.headers.emplace_back(kTokenHeader,
                                     token_for_(peers_[static_cast<std::size_t>(to)].url));
    }
    request.timeout = options_.timeout;
    // Every POST here is a route every chainsim node serves; 404 or 405 means the peer is
    // something else. (A GET /blocks/{hash} may rightly be 404: the block is unknown.)
    const bool post = request.method == http::verb::post;
    const auto method_text = http::to_string(request.method);
    const std::string what =
        std::string(method_text.data(), method_text.size()) + " " + request.target;
    peers_[static_cast<std::size_t>(to)].channel->send(
        std::move(request), [this, alive = std::weak_ptr<int>(alive_), to, post, what,
                             then = std::move(then)](ClientResult r) {
            if (alive.expired() || closed_) return;
            PeerState& p = peers_[static_cast<std::size_t>(to)];
            if (r.ok) {
                ++p.sent;
                p.last_answer = unix_nanos();
                if (post && (r.status == 404 || r.status == 405) && p.compatible) {
                    p.compatible = false;
                    p.incompatible_reason =
                        what + " answered HTTP " + std::to_string(r.status) +
                        ": not a chainsim node (PyChain and dvf/blockchain nodes have no peer "
                        "protocol); nothing is relayed to it";
                }
            } else {
                ++p.failed;
                p.last_error = r.error;
            }
            p.answering = r.ok;
            if (then) then(std::move(r));
        });
}

void HttpTransport::send(core::PeerId to, core::MessagePtr message) {
    if (closed_ || !message || to < 0 || static_cast<std::size_t>(to) >= peers_.size()) return;
    if (!reachable(to) || !peers_[static_cast<std::size_t>(to)].compatible) {
        ++peers_[static_cast<std::size_t>(to)].dropped;
        return;
    }
    const auto dump = [](const nlohmann::json& j) {
        return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    };
    ClientRequest req;
    switch (message->kind) {
        case core::Message::Kind::kBlock:
            req.method = http::verb::post;
            req.target = "/blocks";
            req.body = dump(core::block_to_json(*message->block));
            request(to, std::move(req), nullptr);
            return;
        case core::Message::Kind::kTx:
            req.method = http::verb::post;
            req.target = "/transactions/new";
            req.body = dump(core::tx_to_json(*message->tx));
            request(to, std::move(req), nullptr);
            return;
        case core::Message::Kind::kTxs: {
            // The pending pool on (re)connect, in chunks that fit a request body.
            const auto& txs = message->txs;
            for (std::size_t i = 0; i < txs.size(); i += kTxsPerBatch) {
                nlohmann::json list = nlohmann::json::array();
                for (std::size_t k = i; k < std::min(txs.size(), i + kTxsPerBatch); ++k)
                    list.push_back(core::tx_to_json(*txs[k]));
                ClientRequest batch;
                batch.method = http::verb::post;
                batch.target = "/peers/transactions";
                batch.body = dump({{"transactions", std::move(list)}});
                request(to, std::move(batch), nullptr);
            }
            return;
        }
        case core::Message::Kind::kAnnounce:
            req.method = http::verb::post;
            req.target = "/peers/announce";
            req.body = dump({{"hash", message->hash.display_hex()},
                             {"height", message->height},
                             {"work", message->work.hex()}});
            request(to, std::move(req), nullptr);
            return;
        case core::Message::Kind::kGetBlock: {
            const core::Hash256 wanted = message->hash;
            req.method = http::verb::get;
            req.target = "/blocks/" + wanted.display_hex();
            req.max_response = options_.max_block_response;
            request(to, std::move(req), [this, to, wanted](ClientResult r) {
                if (!r.ok || r.status != 200 || !receiver_) return;
                std::string why;
                const auto j = api::parse_json(r.body, why);
                core::BlockRef block;
                if (j.is_discarded() || !core::block_from_json(j, block).ok()) {
                    peers_[static_cast<std::size_t>(to)].last_error =
                        "sent a malformed block for " + wanted.display_hex();
                    return;
                }
                if (block->hash() != wanted) {
                    peers_[static_cast<std::size_t>(to)].last_error =
                        "sent another block than " + wanted.display_hex();
                    return;
                }
                receiver_(to, *core::Message::block_message(block));
            });
            return;
        }
        case core::Message::Kind::kSendCompact:
        case core::Message::Kind::kGetCompact:
        case core::Message::Kind::kCompactBlock:
        case core::Message::Kind::kGetBlockTxn:
        case core::Message::Kind::kBlockTxn:
            // Live nodes relay by push (live_node.cpp); compact relay has no HTTP form.
            ++peers_[static_cast<std::size_t>(to)].dropped;
            return;
    }
}

}  // namespace live

// The HTTP routes of a live node (docs/live.md): each request is decoded strictly, handed
// to core::Node, and answered with the status of api.h; state-changing requests are
// answered once their writes are durable.
#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/codec.h"
#include "sim/live/api.h"
#include "sim/live/live_node.h"

namespace live {

using nlohmann::json;

namespace {

// A /chain page stops growing past this many bytes (it always holds at least one block),
// so a page of full blocks stays within what peers accept.
constexpr std::size_t kMaxPageBytes = 4 << 20;
constexpr std::uint64_t kDefaultPageBlocks = 100;
constexpr std::uint64_t kMaxPageBlocks = 1000;
constexpr std::size_t kMaxCachedBlocks = 200'000;
constexpr std::size_t kTreeHeights = 30;  // GET /tree: default heights below the tip

// The answer to a transaction in the tutorial's shape (no signature): what a chainsim
// transaction needs, and where that is written down.
std::string unsigned_tx_message(const std::vector<DemoWallet>& demo) {
    std::string m =
        "this transaction is not signed. A chainsim transaction is {\"sender\": the sender's "
        "compressed secp256k1 public key (66 hex), \"recipient\": an address (40 hex), "
        "\"amount\" and \"fee\" (integers), \"nonce\" (the sender's next, from GET "
        "/balance/ADDRESS), \"signature\": 128 hex (r || s, RFC 6979, low-S) over SHA-256 of "
        "\"chainsim/tx/v1\" || 0x01 || public key || recipient || amount || fee || nonce "
        "(8-byte little-endian each)} - specified byte by byte, with a test vector, in "
        "docs/pychain.md (Signing). Sign with `chainsim wallet send` or "
        "clients/python/chainsim_client.py";
    if (demo.empty()) {
        m += ", or start the node with --demo-wallets N to send from named demo wallets";
    } else {
        m += ", or send from one of this node's demo wallets (";
        for (std::size_t i = 0; i < demo.size(); ++i)
            m += (i ? ", " : "") + demo[i].name;
        m += ") by name, e.g. {\"sender\": \"" + demo[0].name +
             "\", \"recipient\": \"" + demo[demo.size() > 1 ? 1 : 0].name +
             "\", \"amount\": 5}";
    }
    return m;
}

// A non-negative integer field of a tutorial-shaped transfer; false with `error` otherwise.
bool read_count(const json& j, const char* field, std::uint64_t& out, std::string& error) {
    const auto it = j.find(field);
    if (it == j.end()) return true;
    if (it->is_number_unsigned()) {
        out = it->get<std::uint64_t>();
        return true;
    }
    error = std::string("'") + field + "' must be a non-negative integer (chainsim amounts are "
            "whole coins)";
    return false;
}

bool starts_with(const std::string& s, std::string_view prefix) {
    return s.size() >= prefix.size() && std::string_view(s).substr(0, prefix.size()) == prefix;
}

}  // namespace

// --- Routes ---------------------------------------------------------------------------------

void LiveNode::serve(const Request& req, Reply reply) {
    handle(req, std::move(reply));
}

void LiveNode::handle(const Request& req, Reply raw) {
    Reply reply = [this, alive = std::weak_ptr<int>(alive_), raw = std::move(raw)](Response r) {
        if (!alive.expired()) ++responses_[r.status];
        raw(std::move(r));
    };
    const auto raw_target = req.target();
    const api::Target target =
        api::parse_target(std::string_view(raw_target.data(), raw_target.size()));
    if (!target.ok) {
        return reply(api::error(400, "bad-request", "the request target is badly percent-encoded"));
    }
    std::string path = target.path;
    if (path.size() > 1 && path.back() == '/') path.pop_back();

    // A request from one of our peers says so; across a partition it is refused. The claim
    // counts only once the claimed peer vouches for the request's token (peer_identity.h),
    // and is checked only where it matters: the routes that act on who sent the request.
    const auto header = req[kNodeHeader];
    if (!header.empty()) {
        const PeerUrlParse p = parse_peer_url(std::string_view(header.data(), header.size()));
        if (p.url) {
            if (peer_filter_ && !peer_filter_(*p.url)) {
                return reply(api::error(503, "partitioned",
                                        "this node cannot reach " + p.url->str() + " now"));
            }
            const std::optional<core::PeerId> claimed = transport_->find(*p.url);
            if (claimed && acts_on_sender(path)) {
                const auto token = req[kTokenHeader];
                identity_->check(
                    *p.url, std::string(token.data(), token.size()),
                    [this, alive = std::weak_ptr<int>(alive_), &req, query = target.query, path,
                     claimed, reply](bool verified) {
                        if (alive.expired()) {
                            return reply(api::error(503, "stopping", "the node is stopping"));
                        }
                        route(req, query, path, verified ? claimed : std::nullopt, reply);
                    });
                return;
            }
        }
    }
    route(req, target.query, path, std::nullopt, std::move(reply));
}

bool LiveNode::acts_on_sender(const std::string& path) {
    return path == "/transactions/new" || path == "/blocks" || path == "/peers/announce" ||
           path == "/peers/transactions";
}

// `req` stays valid until `reply` is called (http_server.h), also when the route runs after
// a peer's token was verified.
void LiveNode::route(const Request& req, const std::map<std::string, std::string>& query,
                     const std::string& path, std::optional<core::PeerId> from, Reply reply) {
    const http::verb method = req.method();
    // While the data dir cannot be written nothing new is taken on: it could not be made
    // durable, and a write that failed is never acknowledged or built upon.
    if (store_failing_ && (method == http::verb::post || path == "/mine")) {
        return reply(api::error(503, "storage",
                                "the data dir cannot be written (" + store_failure_ +
                                    "); try again later"));
    }
    const auto method_text = req.method_string();
    const std::string method_name(method_text.data(), method_text.size());
    auto allowed = [&](http::verb wanted) {
        if (method == wanted) return true;
        const auto wanted_text = http::to_string(wanted);
        const std::string name(wanted_text.data(), wanted_text.size());
        Response r = api::error(405, "method-not-allowed",
                                method_name + " " + path + " is not allowed; use " + name);
        r.allow = name;
        reply(std::move(r));
        return false;
    };
    using http::verb;
    if (path == "/") {
        if (!allowed(verb::get)) return;
        Response r;
        r.content_type = "text/html; charset=utf-8";
        r.body = dashboard_html();
        return reply(std::move(r));
    }
    if (path == "/mine") return allowed(verb::get) ? get_mine(reply) : void();
    if (path == "/transactions/new") {
        return allowed(verb::post) ? post_transaction(req, from, reply) : void();
    }
    if (path == "/chain") return allowed(verb::get) ? get_chain(query, reply) : void();
    if (path == "/nodes/register") return allowed(verb::post) ? post_register(req, reply) : void();
    if (path == "/nodes/resolve") return allowed(verb::get) ? get_resolve(reply) : void();
    if (path == "/nodes") return allowed(verb::get) ? get_nodes(reply) : void();
    if (path == "/blocks") return allowed(verb::post) ? post_block(req, from, reply) : void();
    if (path == "/mempool") return allowed(verb::get) ? get_mempool(reply) : void();
    if (path == "/wallets") return allowed(verb::get) ? get_wallets(reply) : void();
    if (path == "/tree") return allowed(verb::get) ? get_tree(query, reply) : void();
    if (path == "/status") return allowed(verb::get) ? get_status(reply) : void();
    if (path == "/metrics") return allowed(verb::get) ? get_metrics(reply) : void();
    if (path == "/peers/announce") {
        return allowed(verb::post) ? post_announce(req, from, reply) : void();
    }
    if (path == "/peers/transactions") {
        return allowed(verb::post) ? post_peer_transactions(req, from, reply) : void();
    }
    if (path == kVerifyRoute) return allowed(verb::get) ? get_verify(query, reply) : void();
    if (starts_with(path, "/blocks/")) {
        return allowed(verb::get) ? get_block(path.substr(8), reply) : void();
    }
    if (starts_with(path, "/balance/")) {
        return allowed(verb::get) ? get_balance(path.substr(9), reply) : void();
    }
    reply(api::error(404, "not-found", "no route " + method_name + " " + path));
}

void LiveNode::get_mine(Reply reply) {
    if (miner_->queued() >= config_.max_mine_jobs) {
        return reply(api::error(503, "busy",
                                std::to_string(miner_->queued()) +
                                    " blocks are being mined already; try again shortly"));
    }
    miner_->mine([this, reply](const core::BlockRef& block) {
        on_mined(block);
        const core::BlockIndex* index = node_->chain().find(block->hash());
        if (index == nullptr || node_->chain().invalid(index)) {
            return reply(api::error(500, "internal", "the mined block was not accepted"));
        }
        after_durable([block, reply](const sim::Status& s) {
            if (!s.ok()) return reply(api::error(503, "storage", s.error()));
            json b = core::block_to_json(*block);
            reply(api::json(200, {{"message", "New Block Forged"},
                                  {"index", b["index"]},
                                  {"height", b["height"]},
                                  {"transactions", std::move(b["transactions"])},
                                  {"proof", b["proof"]},
                                  {"previous_hash", b["previous_hash"]},
                                  {"hash", b["hash"]},
                                  {"timestamp", b["timestamp"]}}));
        });
    });
}

void LiveNode::post_transaction(const Request& req, std::optional<core::PeerId> from, Reply reply) {
    json j;
    Response error;
    if (!api::parse_object(req.body(), j, error)) return reply(std::move(error));
    core::TransactionRef tx;
    core::ValidationResult r;
    const bool demo = !from && !j.contains("signature") && !config_.demo_wallets.empty() &&
                      j.contains("sender") && j["sender"].is_string() &&
                      find_demo_wallet(config_.demo_wallets, j["sender"].get<std::string>());
    if (demo) {
        tx = sign_demo_transfer(j, error);
        if (!tx) return reply(std::move(error));
    } else if (!j.contains("signature") && !(j.contains("sender") && j["sender"] == "0")) {
        return reply(
            api::error(400, "unsigned-transaction", unsigned_tx_message(config_.demo_wallets)));
    } else {
        r = core::tx_from_json(j, /*allow_coinbase=*/false, tx);
        if (!r.ok()) return reply(api::rejected(r));
    }
    const core::Hash256 txid = tx->txid();
    if (node_->mempool().contains(txid)) {
        return reply(api::error(409, "duplicate-tx",
                                "transaction " + txid.display_hex() + " is already pending"));
    }
    if (from) {
        // Through on_message, so the node does not relay it back to the sender.
        capture_subject_ = &txid;
        captured_.reset();
        node_->on_message(*from, *core::Message::tx_message(tx));
        capture_subject_ = nullptr;
        r = captured_.value_or(core::ValidationResult::valid());
    } else {
        r = node_->submit_transaction(tx);
    }
    if (!r.ok()) return reply(api::rejected(r));
    after_durable([this, txid, tx, demo, reply](const sim::Status& s) {
        if (!s.ok()) return reply(api::error(503, "storage", s.error()));
        // PyChain's number: the index of the next block (the tip's index + 1).
        json body = {{"message", "Transaction will be added to Block " +
                                     std::to_string(node_->chain().height() + 2)},
                     {"txid", txid.display_hex()}};
        if (demo) {
            body["demo"] = true;
            body["note"] = kDemoNote;
            body["transaction"] = core::tx_to_json(*tx);
        }
        reply(api::json(201, body));
    });
}

core::TransactionRef LiveNode::sign_demo_transfer(const json& j, Response& error_out) {
    auto fail = [&](const std::string& message) {
        error_out = api::error(400, "malformed", message);
        return core::TransactionRef();
    };
    for (auto it = j.begin(); it != j.end(); ++it) {
        if (it.key() != "sender" && it.key() != "recipient" && it.key() != "amount" &&
            it.key() != "fee" && it.key() != "nonce") {
            return fail("unknown field '" + it.key() +
                        "' (a demo transfer is {sender, recipient, amount, fee, nonce})");
        }
    }
    const DemoWallet* sender = find_demo_wallet(config_.demo_wallets, j["sender"].get<std::string>());
    const auto recipient_it = j.find("recipient");
    if (recipient_it == j.end() || !recipient_it->is_string()) {
        return fail("missing field 'recipient' (a demo wallet's name or a 40-hex address)");
    }
    const std::string recipient_text = recipient_it->get<std::string>();
    std::optional<core::Address> recipient = core::Address::from_hex(recipient_text);
    if (const DemoWallet* w = find_demo_wallet(config_.demo_wallets, recipient_text)) {
        recipient = w->address;
    }
    if (!recipient) {
        return fail("'recipient' must be a demo wallet's name or a 40-hex-digit address");
    }
    if (!j.contains("amount")) return fail("missing field 'amount'");
    std::uint64_t amount = 0, fee = 0;
    std::uint64_t nonce =
        node_->mempool().expected_nonce(sender->address, node_->chain().state());
    std::string message;
    if (!read_count(j, "amount", amount, message) || !read_count(j, "fee", fee, message) ||
        !read_count(j, "nonce", nonce, message)) {
        return fail(message);
    }
    return core::Transaction::sign_transfer(sender->key, sender->public_key, *recipient, amount,
                                            fee, nonce);
}

const std::string& LiveNode::block_json(const core::BlockRef& block) {
    auto it = block_json_.find(block->hash());
    if (it != block_json_.end()) return it->second;
    if (block_json_.size() >= kMaxCachedBlocks) block_json_.clear();
    return block_json_.emplace(block->hash(), api::dump(core::block_to_json(*block))).first->second;
}

std::string LiveNode::chain_json(std::uint64_t from, std::uint64_t limit, bool page) {
    const core::Chain& chain = node_->chain();
    const std::uint64_t length = chain.height() + 1;
    std::string out = "{\"chain\":[";
    std::uint64_t h = from;
    std::size_t bytes = 0;
    for (std::uint64_t count = 0; h < length && count < limit; ++h, ++count) {
        const std::string& text = block_json(chain.at_height(h)->block);
        if (page && count > 0 && bytes + text.size() > kMaxPageBytes) break;
        if (count > 0) out += ',';
        out += text;
        bytes += text.size();
    }
    out += "],\"length\":" + std::to_string(length);
    if (page) {
        out += ",\"from\":" + std::to_string(from);
        if (h < length) out += ",\"next\":" + std::to_string(h);
    }
    out += '}';
    return out;
}

void LiveNode::get_chain(const std::map<std::string, std::string>& query, Reply reply) {
    Response r;
    auto from_it = query.find("from");
    if (from_it == query.end()) {
        // The whole chain, as PyChain serves it; cached until the tip moves.
        const core::Hash256 tip = node_->chain().tip()->hash();
        if (chain_cache_.empty() || chain_cache_tip_ != tip) {
            chain_cache_ = chain_json(0, UINT64_MAX, false);
            chain_cache_tip_ = tip;
        }
        r.body = chain_cache_;
        return reply(std::move(r));
    }
    std::uint64_t from = 0, limit = kDefaultPageBlocks;
    if (!api::parse_u64(from_it->second, from)) {
        return reply(api::error(400, "malformed", "'from' must be a block height (0 or more)"));
    }
    if (auto it = query.find("limit"); it != query.end()) {
        if (!api::parse_u64(it->second, limit) || limit == 0) {
            return reply(api::error(400, "malformed", "'limit' must be a positive count"));
        }
        limit = std::min(limit, kMaxPageBlocks);
    }
    r.body = chain_json(from, limit, true);
    reply(std::move(r));
}

void LiveNode::post_register(const Request& req, Reply reply) {
    json j;
    Response error;
    if (!api::parse_object(req.body(), j, error)) return reply(std::move(error));
    const auto nodes = j.find("nodes");
    if (nodes == j.end() || !nodes->is_array() || nodes->empty()) {
        return reply(api::error(400, "malformed", "Error: Please supply a valid list of nodes"));
    }
    std::vector<PeerUrl> urls;
    std::size_t fresh = 0;
    for (std::size_t i = 0; i < nodes->size(); ++i) {
        const json& item = (*nodes)[i];
        if (!item.is_string()) {
            return reply(api::error(400, "malformed",
                                    "nodes[" + std::to_string(i) + "] must be a string URL"));
        }
        const PeerUrlParse p = parse_peer_address(item.get<std::string>());
        if (!p.url) {
            return reply(
                api::error(400, "malformed", "nodes[" + std::to_string(i) + "]: " + p.error));
        }
        if (std::find(urls.begin(), urls.end(), *p.url) != urls.end()) continue;
        if (!is_self(*p.url) && !transport_->find(*p.url)) ++fresh;
        urls.push_back(*p.url);
    }
    if (transport_->peer_count() + fresh > config_.max_peers) {
        return reply(api::error(422, "too-many-peers",
                                "a node keeps at most " + std::to_string(config_.max_peers) +
                                    " peers; it has " + std::to_string(transport_->peer_count())));
    }
    for (const PeerUrl& u : urls)
        (void)add_peer(u);
    after_durable([this, reply](const sim::Status& s) {
        if (!s.ok()) return reply(api::error(503, "storage", s.error()));
        // PyChain lists netlocs ("host:port"); the URLs are in total_node_urls.
        json all = json::array();
        json urls = json::array();
        for (std::size_t i = 0; i < transport_->peer_count(); ++i) {
            const PeerUrl& u = transport_->peer(static_cast<core::PeerId>(i)).url;
            all.push_back(u.netloc());
            urls.push_back(u.str());
        }
        reply(api::json(201, {{"message", "New nodes have been added"},
                              {"total_nodes", std::move(all)},
                              {"total_node_urls", std::move(urls)}}));
    });
}

void LiveNode::get_resolve(Reply reply) {
    resolve([this, alive = std::weak_ptr<int>(alive_), reply](const ResolveResult& result) {
        if (alive.expired()) return;
        json peers = json::array();
        for (const PeerVerdict& v : result.peers)
            peers.push_back({{"node", v.node}, {"verdict", v.verdict}, {"detail", v.detail}});
        // {"message", "new_chain" | "chain", "length", "peers"}, the chain spliced in as text.
        const std::string whole = chain_json(0, UINT64_MAX, false);
        const std::size_t open = whole.find('[');
        const std::size_t close = whole.rfind(']');
        const std::string array = whole.substr(open, close - open + 1);
        json head = {
            {"message", result.replaced ? "Our chain was replaced" : "Our chain is authoritative"},
            {"length", node_->chain().height() + 1},
            {"peers", std::move(peers)}};
        std::string body = api::dump(head);
        body.pop_back();  // the closing brace
        body +=
            std::string(",\"") + (result.replaced ? "new_chain" : "chain") + "\":" + array + "}";
        Response r;
        r.body = std::move(body);
        reply(std::move(r));
    });
}

void LiveNode::get_nodes(Reply reply) {
    json urls = json::array();
    json peers = json::array();
    for (std::size_t i = 0; i < transport_->peer_count(); ++i) {
        const core::PeerId id = static_cast<core::PeerId>(i);
        const PeerState& p = transport_->peer(id);
        urls.push_back(p.url.str());
        json tip = nullptr;
        if (auto t = peer_tips_.find(id); t != peer_tips_.end()) {
            tip = {{"hash", t->second.hash},
                   {"height", t->second.height},
                   {"index", t->second.height + 1}};
        }
        peers.push_back({{"url", p.url.str()},
                         {"node", p.url.netloc()},
                         {"compatible", p.compatible},
                         {"reason", p.incompatible_reason},
                         {"tip", std::move(tip)},
                         // Reachable: not cut off by a partition, and the latest request
                         // was answered (a dead peer is not reachable however often tried).
                         {"reachable", transport_->reachable(id) && p.answering},
                         {"partitioned", !transport_->reachable(id)},
                         {"answered", p.sent},
                         {"failed", p.failed},
                         {"dropped", p.dropped},
                         {"queued", p.channel->queued()},
                         {"last_error", p.last_error},
                         {"last_answer", p.last_answer / core::kSecond}});
    }
    reply(api::json(200, {{"nodes", std::move(urls)}, {"peers", std::move(peers)}}));
}

void LiveNode::post_block(const Request& req, std::optional<core::PeerId> from, Reply reply) {
    json j;
    Response error;
    if (!api::parse_object(req.body(), j, error)) return reply(std::move(error));
    core::BlockRef block;
    core::ValidationResult verdict = core::block_from_json(j, block);
    if (!verdict.ok()) return reply(api::rejected(verdict));
    const core::Hash256 hash = block->hash();
    const core::Chain& chain = node_->chain();
    if (chain.knows(hash)) {
        return reply(
            api::json(200, {{"message", "Block already known"}, {"hash", hash.display_hex()}}));
    }
    if (from) {
        // Through on_message, so a missing parent is asked of the sender.
        capture_subject_ = &hash;
        captured_.reset();
        node_->on_message(*from, *core::Message::block_message(block));
        capture_subject_ = nullptr;
        if (captured_) verdict = *captured_;
    } else {
        const core::AcceptResult r = node_->submit_block(block);
        if (r.status == core::AcceptResult::Status::kInvalid) verdict = r.result;
    }
    Response response;
    const core::BlockIndex* index = chain.find(hash);
    if (chain.is_orphan(hash)) {
        response = api::json(202, {{"message", "Block queued: its parent is unknown"},
                                   {"hash", hash.display_hex()},
                                   {"previous_hash", block->prev().display_hex()}});
    } else if (index != nullptr && !chain.invalid(index)) {
        if (from) peer_tips_[*from] = PeerTip{hash.display_hex(), index->height};
        response = api::json(202, {{"message", "Block accepted"},
                                   {"hash", hash.display_hex()},
                                   {"index", index->height + 1},
                                   {"height", index->height},
                                   {"tip", chain.tip() == index}});
    } else {
        if (verdict.ok()) {
            verdict = core::ValidationResult::invalid(core::Reject::kInvalidParent,
                                                      "the block does not connect");
        }
        return reply(api::rejected(verdict));
    }
    after_durable([reply, response = std::move(response)](const sim::Status& s) {
        if (!s.ok()) return reply(api::error(503, "storage", s.error()));
        reply(response);
    });
}

void LiveNode::post_announce(const Request& req, std::optional<core::PeerId> from, Reply reply) {
    if (!from) {
        return reply(api::error(403, "unknown-peer",
                                "announcements are taken from registered peers only, identified by " +
                                    std::string(kNodeHeader) + ": your URL and a " +
                                    kTokenHeader + " your node vouches for at " +
                                    kVerifyRoute));
    }
    json j;
    Response error;
    if (!api::parse_object(req.body(), j, error)) return reply(std::move(error));
    const auto hash = j.find("hash");
    const auto height = j.find("height");
    const auto work = j.find("work");
    std::optional<core::Hash256> h;
    core::U256 w;
    if (hash == j.end() || !hash->is_string() ||
        !(h = core::Hash256::from_display_hex(hash->get<std::string>())) || height == j.end() ||
        !height->is_number_unsigned() || work == j.end() || !work->is_string() ||
        !core::U256::from_hex(work->get<std::string>(), w)) {
        return reply(api::error(400, "malformed",
                                "an announcement is {\"hash\": 64 hex, \"height\": count, "
                                "\"work\": 64 hex}"));
    }
    peer_tips_[*from] = PeerTip{h->display_hex(), height->get<std::uint64_t>()};
    node_->on_message(*from, *core::Message::announce(*h, height->get<std::uint64_t>(), w));
    reply(api::json(202, {{"message", "Announcement received"}}));
}

void LiveNode::post_peer_transactions(const Request& req, std::optional<core::PeerId> from,
                                      Reply reply) {
    if (!from) {
        return reply(api::error(403, "unknown-peer",
                                "transaction batches are taken from registered peers only, identified by " +
                                    std::string(kNodeHeader) + ": your URL and a " +
                                    kTokenHeader + " your node vouches for at " +
                                    kVerifyRoute));
    }
    json j;
    Response error;
    if (!api::parse_object(req.body(), j, error)) return reply(std::move(error));
    const auto list = j.find("transactions");
    if (list == j.end() || !list->is_array()) {
        return reply(api::error(400, "malformed", "'transactions' must be an array"));
    }
    std::vector<core::TransactionRef> txs;
    txs.reserve(list->size());
    for (std::size_t i = 0; i < list->size(); ++i) {
        core::TransactionRef tx;
        core::ValidationResult r = core::tx_from_json((*list)[i], /*allow_coinbase=*/false, tx);
        if (!r.ok()) {
            r.message = "transactions[" + std::to_string(i) + "]: " + r.message;
            return reply(api::rejected(r));
        }
        txs.push_back(std::move(tx));
    }
    const std::size_t count = txs.size();
    node_->on_message(*from, *core::Message::txs_message(std::move(txs)));
    after_durable([reply, count](const sim::Status& s) {
        if (!s.ok()) return reply(api::error(503, "storage", s.error()));
        reply(api::json(202, {{"message", "Transactions received"}, {"count", count}}));
    });
}

void LiveNode::get_verify(const std::map<std::string, std::string>& query, Reply reply) {
    const auto token = query.find("token");
    if (token == query.end() || token->second.empty()) {
        return reply(api::error(400, "malformed", "'token' is required (64 hex digits)"));
    }
    std::vector<PeerUrl> peers;
    for (std::size_t i = 0; i < transport_->peer_count(); ++i)
        peers.push_back(transport_->peer(static_cast<core::PeerId>(i)).url);
    const std::optional<PeerUrl> to = identity_->issued_to(token->second, peers);
    if (!to) {
        return reply(api::error(404, "unknown-token",
                                "this node sent that token to none of its peers"));
    }
    reply(api::json(200, {{"node", url_}, {"peer", to->str()}}));
}

void LiveNode::get_wallets(Reply reply) {
    json wallets = json::array();
    for (const DemoWallet& w : config_.demo_wallets) {
        const core::Account& account = node_->chain().state().account(w.address);
        wallets.push_back(
            {{"name", w.name},
             {"address", w.address.hex()},
             {"public_key", w.public_key.hex()},
             {"private_key", w.key.hex()},
             {"balance", account.balance},
             {"nonce", node_->mempool().expected_nonce(w.address, node_->chain().state())}});
    }
    json body = {{"demo", !config_.demo_wallets.empty()}, {"wallets", std::move(wallets)}};
    body["note"] = config_.demo_wallets.empty()
                       ? "this node has no demo wallets (start it with --demo-wallets N)"
                       : kDemoNote;
    reply(api::json(200, body));
}

void LiveNode::get_tree(const std::map<std::string, std::string>& query, Reply reply) {
    std::uint64_t heights = kTreeHeights;
    if (auto it = query.find("heights"); it != query.end()) {
        if (!api::parse_u64(it->second, heights) || heights == 0 || heights > 1000) {
            return reply(api::error(400, "malformed", "'heights' must be 1..1000"));
        }
    }
    const core::Chain& chain = node_->chain();
    const std::uint64_t tip = chain.height();
    const std::uint64_t lowest = tip > heights ? tip - heights : 0;
    json blocks = json::array();
    std::uint64_t stale = 0;
    for (const core::BlockRef& b : recent_blocks_) {
        const core::BlockIndex* index = chain.find(b->hash());
        if (index == nullptr || chain.invalid(index) || index->height < lowest) continue;
        const bool active = chain.on_active_chain(index);
        stale += active ? 0 : 1;
        blocks.push_back({{"hash", b->hash().display_hex()},
                          {"previous_hash", b->prev().display_hex()},
                          {"height", index->height},
                          {"index", index->height + 1},
                          {"timestamp", b->header().time},
                          {"miner", b->txs().front()->recipient().hex()},
                          {"txs", b->txs().size()},
                          {"active", active}});
    }
    reply(api::json(200, {{"tip", chain.tip()->hash().display_hex()},
                          {"height", tip},
                          {"from_height", lowest},
                          {"stale", stale},
                          {"blocks", std::move(blocks)}}));
}

void LiveNode::get_block(const std::string& text, Reply reply) {
    const auto hash = core::Hash256::from_display_hex(text);
    if (!hash) return reply(api::error(400, "malformed", "a block hash is 64 hex digits"));
    const core::BlockIndex* index = node_->chain().find(*hash);
    if (index == nullptr || node_->chain().invalid(index)) {
        return reply(api::error(404, "not-found", "no block " + hash->display_hex()));
    }
    Response r;
    r.body = block_json(index->block);
    reply(std::move(r));
}

void LiveNode::get_balance(const std::string& text, Reply reply) {
    const auto address = core::Address::from_hex(text);
    if (!address) return reply(api::error(400, "malformed", "an address is 40 hex digits"));
    const core::Account& account = node_->chain().state().account(*address);
    // The next nonce to use: past the confirmed ones and the sender's pending run.
    const std::uint64_t nonce = node_->mempool().expected_nonce(*address, node_->chain().state());
    reply(api::json(200,
                    {{"address", address->hex()}, {"balance", account.balance}, {"nonce", nonce}}));
}

void LiveNode::get_mempool(Reply reply) {
    json txs = json::array();
    for (const core::TransactionRef& tx : node_->mempool().sorted())
        txs.push_back(core::tx_to_json(*tx));
    const std::size_t count = txs.size();
    reply(api::json(200, {{"transactions", std::move(txs)}, {"count", count}}));
}

void LiveNode::get_status(Reply reply) {
    const core::Chain& chain = node_->chain();
    const core::BlockIndex* tip = chain.tip();
    reply(api::json(200, {{"node", url_},
                          {"height", tip->height},
                          {"tip", tip->hash().display_hex()},
                          {"work", tip->chain_work.hex()},
                          {"genesis", network_.genesis->hash().display_hex()},
                          {"pow_bits", network_.consensus.pow_bits},
                          {"blocks", chain.block_count()},
                          {"orphans", chain.orphan_count()},
                          {"mempool", node_->mempool().size()},
                          {"peers", transport_->peer_count()},
                          {"miner", miner_address_.hex()},
                          {"mine_every_s", config_.mine_every_s},
                          {"blocks_mined", mined_},
                          {"reorgs", reorgs_},
                          {"data_dir", store_ ? store_->dir() : std::string()},
                          {"storage", store_failing_ ? "failing: " + store_failure_ : "ok"},
                          {"uptime_s", (unix_nanos() - started_ns_) / core::kSecond}}));
}

void LiveNode::get_metrics(Reply reply) {
    std::string out;
    auto metric = [&out](const char* name, const char* type, const char* help, auto value) {
        out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n" +
               name + " " + std::to_string(value) + "\n";
    };
    auto labelled = [&out](const char* name, const char* type, const char* help, const char* label,
                           const auto& values) {
        out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
        for (const auto& [key, value] : values) {
            std::string k;
            if constexpr (std::is_same_v<std::decay_t<decltype(key)>, std::string>) {
                k = key;
            } else {
                k = std::to_string(key);
            }
            out +=
                std::string(name) + "{" + label + "=\"" + k + "\"} " + std::to_string(value) + "\n";
        }
    };
    const core::Chain& chain = node_->chain();
    metric("chainsim_height", "gauge", "Height of the active chain.", chain.height());
    metric("chainsim_blocks_known", "gauge", "Blocks in the block tree.", chain.block_count());
    metric("chainsim_orphans", "gauge", "Blocks waiting for their parent.", chain.orphan_count());
    metric("chainsim_mempool_transactions", "gauge", "Transactions waiting for a block.",
           node_->mempool().size());
    metric("chainsim_peers", "gauge", "Registered peers.", transport_->peer_count());
    metric("chainsim_blocks_mined_total", "counter", "Blocks this node mined.", mined_);
    metric("chainsim_blocks_accepted_total", "counter", "Blocks added to the tree.",
           blocks_accepted_);
    labelled("chainsim_blocks_rejected_total", "counter", "Blocks refused, by reason.", "reason",
             blocks_rejected_);
    metric("chainsim_transactions_accepted_total", "counter", "Transactions admitted.",
           txs_accepted_);
    labelled("chainsim_transactions_rejected_total", "counter", "Transactions refused, by reason.",
             "reason", txs_rejected_);
    metric("chainsim_reorgs_total", "counter", "Tip changes that disconnected blocks.", reorgs_);
    metric("chainsim_max_reorg_depth", "gauge", "Deepest reorg seen.", max_reorg_depth_);
    metric("chainsim_hashes_total", "counter", "Proof-of-work hashes computed.", miner_->hashes());
    metric("chainsim_store_commits_total", "counter", "Durable commits to the data dir.",
           store_ ? store_->commits() : 0);
    metric("chainsim_store_errors_total", "counter", "Failed commits.", store_errors_);
    metric("chainsim_peer_claims_verified_total", "counter",
           "Peer claims (X-Chainsim-Node with a token) the claimed peer vouched for.",
           identity_->verified());
    metric("chainsim_peer_claims_refused_total", "counter",
           "Peer claims not vouched for (treated as a client's request).", identity_->refused());
    labelled("chainsim_http_responses_total", "counter", "HTTP responses, by status.", "code",
             responses_);
    Response r;
    r.content_type = "text/plain; version=0.0.4";
    r.body = std::move(out);
    reply(std::move(r));
}

}  // namespace live

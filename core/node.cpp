#include "core/node.h"

#include <algorithm>
#include <limits>

#include "core/compact.h"
#include "core/pow.h"

namespace core {
namespace {

// A block's announce and its block message, made once per block and kept in its BlockIndex
// (see there): the same object for every sender.
const MessagePtr& announce_of(const BlockIndex& index) {
    if (!index.announce_message)
        index.announce_message = Message::announce(index.hash(), index.height, index.chain_work);
    return index.announce_message;
}

const MessagePtr& block_message_of(const BlockIndex& index) {
    if (!index.block_message) index.block_message = Message::block_message(index.block);
    return index.block_message;
}

}  // namespace

Node::Node(int id, const ConsensusParams& params, BlockRef genesis, NodeConfig config, Clock& clock,
           Transport& transport, NodeObserver* observer)
    : chain_(params, std::move(genesis), config.chain),
      id_(id),
      config_(std::move(config)),
      clock_(clock),
      transport_(transport),
      observer_(observer),
      mempool_(config_.mempool) {}

std::int64_t Node::unix_now() const {
    return config_.unix_time_at_zero + clock_.now() / kSecond;
}

void Node::on_message(PeerId from, const Message& message) {
    switch (message.kind) {
        case Message::Kind::kAnnounce:
            handle_announce(from, message);
            break;
        case Message::Kind::kGetBlock:
            handle_get_block(from, message);
            break;
        case Message::Kind::kBlock:
            handle_block(from, message.block);
            break;
        case Message::Kind::kTx:
            handle_tx(from, message.tx);
            break;
        case Message::Kind::kTxs:
            handle_txs(from, message.txs);
            break;
        case Message::Kind::kSendCompact:
            handle_send_compact(from, message);
            break;
        case Message::Kind::kGetCompact:
            handle_get_compact(from, message);
            break;
        case Message::Kind::kCompactBlock:
            handle_compact_block(from, message);
            break;
        case Message::Kind::kGetBlockTxn:
            handle_get_block_txn(from, message);
            break;
        case Message::Kind::kBlockTxn:
            handle_block_txn(from, message);
            break;
    }
}

void Node::prefetch(int stage) const noexcept {
    chain_.prefetch(stage);
    if (stage == 0) {
        __builtin_prefetch(&requests_);
    } else if (!requests_.empty()) {
        __builtin_prefetch(requests_.data());
    }
}

void Node::on_peer_connected(PeerId peer) {
    // A new connection: compact-relay choices made over the old one are gone on both ends.
    std::erase(high_bandwidth_chosen_, peer);
    std::erase(high_bandwidth_to_, peer);
    const BlockIndex* tip = chain_.tip();
    while (tip->parent != nullptr && withheld(tip->hash()))
        tip = tip->parent;  // the best block this node has made public
    transport_.send(peer, announce_of(*tip));
    // Pending transactions too, so a healed partition or a restarted node (whose pool was
    // lost) learns what the other side still wants mined.
    std::vector<TransactionRef> pending = mempool_.sorted();
    if (!pending.empty()) transport_.send(peer, Message::txs_message(std::move(pending)));
}

void Node::handle_announce(PeerId from, const Message& m) {
    // A tie is worth fetching only when ties are broken by a coin. (The work test comes first:
    // it is cheaper than a lookup by hash and turns away most announces of known blocks.)
    const bool ties_matter = chain_.tie_break() == TieBreak::kRandom;
    if (m.work < chain_.tip()->chain_work || (!ties_matter && m.work == chain_.tip()->chain_work)) {
        return;
    }
    if (chain_.knows(m.hash)) return;
    if (Request* request = find_request(m.hash)) {
        Request& r = *request;
        if (r.peer != from &&
            std::find(r.alternatives.begin(), r.alternatives.end(), from) == r.alternatives.end()) {
            r.alternatives.push_back(from);
        }
        return;
    }
    request_block(m.hash, from, config_.relay == RelayMode::kCompact);
}

void Node::handle_get_block(PeerId from, const Message& m) {
    const BlockIndex* index = chain_.find(m.hash);
    if (index == nullptr || chain_.invalid(index) || withheld(m.hash)) return;
    transport_.send(from, block_message_of(*index));
}

void Node::handle_block(PeerId from, const BlockRef& block) {
    if (!block) return;
    if (Request* request = find_request(block->hash())) close_request(*request);
    if (chain_.knows(block->hash())) return;
    process_block(block, from, unix_now());
}

void Node::handle_tx(PeerId from, const TransactionRef& tx) {
    if (!tx || mempool_.contains(tx->txid())) return;
    (void)process_tx(tx, from);  // a rejected relay is reported to the observer
}

void Node::handle_txs(PeerId from, const std::vector<TransactionRef>& txs) {
    // Accepted ones travel on together, one message per peer.
    std::vector<TransactionRef> accepted;
    for (const TransactionRef& tx : txs) {
        if (!tx || mempool_.contains(tx->txid())) continue;
        if (admit_tx(tx, from).ok()) accepted.push_back(tx);
    }
    if (!accepted.empty()) relay(Message::txs_message(std::move(accepted)), from);
}

AcceptResult Node::process_block(const BlockRef& block, PeerId from, std::int64_t now_s,
                                 bool relay) {
    AcceptResult r = chain_.accept(block, now_s);
    if (r.status == AcceptResult::Status::kOrphan && from != kLocal) {
        request_block(r.missing_parent, from);
    }
    if (r.status == AcceptResult::Status::kInvalid && r.added.empty() && observer_) {
        observer_->on_block_rejected(id_, block, from, r.result);
    }
    for (const BlockRef& added : r.added) {
        const bool invalidated = std::find(r.invalidated.begin(), r.invalidated.end(),
                                           added->hash()) != r.invalidated.end();
        if (!observer_) continue;
        if (invalidated) {
            observer_->on_block_rejected(
                id_, added, from,
                added == block
                    ? r.result
                    : ValidationResult::invalid(Reject::kInvalidParent, "failed to connect"));
        } else {
            observer_->on_block_accepted(id_, added, from);
        }
    }
    if (r.tip_change) {
        mempool_.update_for_tip_change(r.tip_change->disconnected, r.tip_change->connected,
                                       chain_.state());
        if (observer_) observer_->on_tip_changed(id_, *r.tip_change);
    }
    if (!relay) return r;
    const bool relay_ties = chain_.tie_break() == TieBreak::kRandom;
    for (const BlockRef& added : r.added) {
        const BlockIndex* index = chain_.find(added->hash());
        if (index == nullptr || chain_.invalid(index) || withheld(added->hash())) continue;
        if (chain_.on_active_chain(index) ||
            (relay_ties && index->chain_work == chain_.tip()->chain_work)) {
            relay_block(added, from);
        }
    }
    if (config_.relay == RelayMode::kCompact && from != kLocal && r.tip_change) {
        prefer_high_bandwidth(from);
    }
    return r;
}

// --- Compact relay (BIP152) ---------------------------------------------------------------

void Node::prefer_high_bandwidth(PeerId peer) {
    if (config_.compact.high_bandwidth_peers <= 0) return;
    auto it = std::find(high_bandwidth_chosen_.begin(), high_bandwidth_chosen_.end(), peer);
    if (it != high_bandwidth_chosen_.end()) {
        // Already chosen: it becomes the most recent.
        high_bandwidth_chosen_.erase(it);
        high_bandwidth_chosen_.push_back(peer);
        return;
    }
    high_bandwidth_chosen_.push_back(peer);
    transport_.send(peer, Message::send_compact(true));
    if (high_bandwidth_chosen_.size() > static_cast<std::size_t>(config_.compact.high_bandwidth_peers)) {
        const PeerId oldest = high_bandwidth_chosen_.front();
        high_bandwidth_chosen_.erase(high_bandwidth_chosen_.begin());
        transport_.send(oldest, Message::send_compact(false));
    }
}

void Node::handle_send_compact(PeerId from, const Message& m) {
    auto it = std::lower_bound(high_bandwidth_to_.begin(), high_bandwidth_to_.end(), from);
    const bool listed = it != high_bandwidth_to_.end() && *it == from;
    if (m.high_bandwidth && !listed) high_bandwidth_to_.insert(it, from);
    if (!m.high_bandwidth && listed) high_bandwidth_to_.erase(it);
}

MessagePtr Node::compact_message(const BlockRef& block) {
    if (last_compact_ && last_compact_->hash == block->hash()) return last_compact_;
    const CompactConfig& c = config_.compact;
    const std::uint64_t real = block->serialized_size();
    const std::uint64_t padding_txs =
        c.block_size > real && c.padding_tx_bytes > 0 ? (c.block_size - real) / c.padding_tx_bytes
                                                      : 0;
    // The short-id nonce: any value the sender picks; the node id keeps it reproducible.
    last_compact_ = Message::compact_block(*block, static_cast<std::uint64_t>(id_), padding_txs,
                                           c.padding_tx_bytes);
    return last_compact_;
}

void Node::handle_get_compact(PeerId from, const Message& m) {
    const BlockIndex* index = chain_.find(m.hash);
    if (index == nullptr || chain_.invalid(index)) return;
    transport_.send(from, compact_message(index->block));
}

void Node::handle_compact_block(PeerId from, const Message& m) {
    if (chain_.knows(m.hash)) return;
    if (auto it = partial_.find(m.hash); it != partial_.end()) {
        // Already rebuilding it: start over only with the peer we last asked for it, or when
        // the one we are waiting for went quiet.
        const Request* req = find_request(m.hash);
        const bool asked = req != nullptr && req->peer == from;
        if (!asked && clock_.now() - it->second.asked_at < config_.block_request_timeout) return;
        partial_.erase(it);
    }
    if (m.txs.size() != 1 || !m.txs[0]) {
        // Not the form this node sends (the coinbase alone prefilled): fetch it whole.
        if (observer_) observer_->on_compact_block(id_, m.hash, 0, true);
        request_block_whole(from, m.hash);
        return;
    }

    // Rebuild from the mempool: index it by short id under this block's key; an id that two
    // pending transactions share is ambiguous and fetched like a missing one.
    const ShortIdKey key = short_id_key(m.header, m.nonce);
    std::unordered_map<std::uint64_t, TransactionRef> by_short_id;
    std::vector<std::uint64_t> ambiguous;
    if (!m.short_ids.empty()) {
        for (const TransactionRef& tx : mempool_.sorted()) {
            const std::uint64_t id = short_id(key, tx->txid());
            if (!by_short_id.emplace(id, tx).second) ambiguous.push_back(id);
        }
    }
    std::vector<TransactionRef> txs(1 + m.short_ids.size());
    txs[0] = m.txs[0];
    std::vector<std::uint32_t> missing;
    for (std::size_t i = 0; i < m.short_ids.size(); ++i) {
        const std::uint64_t id = m.short_ids[i];
        auto found = by_short_id.find(id);
        if (found != by_short_id.end() &&
            std::find(ambiguous.begin(), ambiguous.end(), id) == ambiguous.end()) {
            txs[i + 1] = found->second;
        } else {
            missing.push_back(static_cast<std::uint32_t>(i + 1));
        }
    }
    const std::uint64_t padding_missing =
        missing_padding(m.hash, id_, m.padding_txs, config_.compact.miss_rate);
    if (observer_) observer_->on_compact_block(id_, m.hash, missing.size() + padding_missing, false);
    if (missing.empty() && padding_missing == 0) {
        complete_compact(from, m.header, std::move(txs));
        return;
    }
    transport_.send(from, Message::get_block_txn(m.hash, missing, padding_missing));
    partial_.emplace(m.hash, PartialBlock{from, m.header, std::move(txs), std::move(missing),
                                          padding_missing, clock_.now()});
}

void Node::handle_get_block_txn(PeerId from, const Message& m) {
    const BlockIndex* index = chain_.find(m.hash);
    if (index == nullptr || chain_.invalid(index)) return;
    const std::vector<TransactionRef>& txs = index->block->txs();
    std::vector<TransactionRef> wanted;
    wanted.reserve(m.indexes.size());
    for (std::uint32_t i : m.indexes) {
        if (i >= txs.size()) return;  // not a request for this block: ignore it
        wanted.push_back(txs[i]);
    }
    transport_.send(from, Message::block_txn(m.hash, std::move(wanted), m.padding_txs,
                                             config_.compact.padding_tx_bytes));
}

void Node::handle_block_txn(PeerId from, const Message& m) {
    auto it = partial_.find(m.hash);
    if (it == partial_.end() || it->second.peer != from) return;
    PartialBlock partial = std::move(it->second);
    partial_.erase(it);
    if (m.txs.size() != partial.missing.size() || m.padding_txs != partial.padding_missing) {
        request_block_whole(from, m.hash);
        return;
    }
    for (std::size_t i = 0; i < m.txs.size(); ++i)
        partial.txs[partial.missing[i]] = m.txs[i];
    complete_compact(from, partial.header, std::move(partial.txs));
}

void Node::complete_compact(PeerId from, const BlockHeader& header,
                            std::vector<TransactionRef> txs) {
    const Hash256 hash = header.hash();
    if (std::any_of(txs.begin(), txs.end(), [](const TransactionRef& t) { return !t; }) ||
        compute_merkle_root(txs) != header.merkle_root) {
        // A short id matched the wrong transaction: BIP152 falls back to the full block.
        if (observer_) observer_->on_compact_block(id_, hash, 0, true);
        request_block_whole(from, hash);
        return;
    }
    handle_block(from, Block::make(header, std::move(txs)));
}

void Node::request_block_whole(PeerId from, const Hash256& hash) {
    if (Request* request = find_request(hash)) close_request(*request);
    request_block(hash, from);
}

void Node::relay_block(const BlockRef& block, PeerId except) {
    const BlockIndex* index = chain_.find(block->hash());  // the node has it: it relays it
    if (config_.relay == RelayMode::kCompact) {
        const MessagePtr& announce = announce_of(*index);
        MessagePtr compact;
        for (PeerId peer : transport_.peers()) {
            if (peer == except) continue;
            if (std::binary_search(high_bandwidth_to_.begin(), high_bandwidth_to_.end(), peer)) {
                if (!compact) compact = compact_message(block);
                transport_.send(peer, compact);
            } else {
                transport_.send(peer, announce);
            }
        }
        return;
    }
    relay(config_.relay == RelayMode::kPush ? block_message_of(*index) : announce_of(*index),
          except);
}

Node::Request* Node::find_request(const Hash256& hash) {
    for (Request& r : requests_) {
        if (r.open && r.hash == hash) return &r;
    }
    return nullptr;
}

void Node::close_request(Request& request) {
    clock_.cancel(request.timer);
    request.open = false;
    request.alternatives.clear();
}

void Node::request_block(const Hash256& hash, PeerId peer, bool compact) {
    if (find_request(hash) != nullptr) return;
    transport_.send(peer, compact ? Message::get_compact(hash) : Message::get_block(hash));
    auto free_slot = std::find_if(requests_.begin(), requests_.end(),
                                  [](const Request& r) { return !r.open; });
    if (free_slot == requests_.end()) free_slot = requests_.insert(requests_.end(), Request{});
    Request& r = *free_slot;
    r.hash = hash;
    r.peer = peer;
    r.compact = compact;
    r.open = true;
    ++r.serial;
    arm_request_timer(static_cast<std::uint32_t>(free_slot - requests_.begin()));
}

void Node::arm_request_timer(std::uint32_t slot) {
    const std::uint32_t serial = requests_[slot].serial;
    requests_[slot].timer = clock_.after(config_.block_request_timeout,
                                         [this, slot, serial] { on_request_timeout(slot, serial); });
}

void Node::on_request_timeout(std::uint32_t slot, std::uint32_t serial) {
    if (slot >= requests_.size()) return;
    Request& r = requests_[slot];
    if (!r.open || r.serial != serial) return;
    const Hash256 hash = r.hash;
    if (r.alternatives.empty()) {
        r.open = false;
        partial_.erase(hash);
        return;
    }
    r.peer = r.alternatives.front();
    r.alternatives.erase(r.alternatives.begin());
    partial_.erase(hash);  // a half-rebuilt block waits on the peer that timed out
    transport_.send(r.peer, r.compact ? Message::get_compact(hash) : Message::get_block(hash));
    arm_request_timer(slot);
}

ValidationResult Node::admit_tx(const TransactionRef& tx, PeerId from) {
    ValidationResult r = mempool_.accept(tx, chain_.state());
    if (observer_) {
        if (r.ok()) {
            observer_->on_tx_accepted(id_, tx, from);
        } else {
            observer_->on_tx_rejected(id_, tx, from, r);
        }
    }
    return r;
}

void Node::relay(const MessagePtr& message, PeerId except) {
    transport_.relay(message, except);
}

ValidationResult Node::process_tx(const TransactionRef& tx, PeerId from) {
    ValidationResult r = admit_tx(tx, from);
    if (r.ok()) relay(Message::tx_message(tx), from);
    return r;
}

ValidationResult Node::submit_transaction(const TransactionRef& tx) {
    return process_tx(tx, kLocal);
}

AcceptResult Node::submit_block(const BlockRef& block) {
    return process_block(block, kLocal, unix_now());
}

AcceptResult Node::restore_block(const BlockRef& block) {
    return process_block(block, kLocal, kNoFutureBound);
}

AcceptResult Node::keep_block(const BlockRef& block) {
    AcceptResult r = process_block(block, kLocal, unix_now(), /*relay=*/false);
    if (r.status == AcceptResult::Status::kAccepted) withheld_.insert(block->hash());
    return r;
}

void Node::publish_block(const Hash256& hash) {
    if (withheld_.erase(hash) == 0) return;
    const BlockIndex* index = chain_.find(hash);
    if (index != nullptr) relay_block(index->block, kLocal);
}

BlockRef Node::block_template() const {
    const BlockIndex* tip = chain_.tip();
    const std::uint64_t height = tip->height + 1;
    std::vector<TransactionRef> selected =
        mempool_.select(chain_.state(), chain_.params().max_block_txs);

    constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
    std::uint64_t value = chain_.params().block_reward;
    std::vector<TransactionRef> txs;
    txs.reserve(selected.size() + 1);
    txs.push_back(nullptr);  // the coinbase, once the fees are known
    for (auto& tx : selected) {
        if (tx->fee() > kMax - value) break;  // fees beyond 64 bits: leave the rest out
        value += tx->fee();
        txs.push_back(std::move(tx));
    }
    txs[0] = Transaction::coinbase(config_.miner_address, value, height);

    BlockHeader header;
    header.version = 1;
    header.prev = tip->hash();
    header.merkle_root = compute_merkle_root(txs);
    header.time = static_cast<std::uint32_t>(
        std::max<std::int64_t>(unix_now(), chain_.median_time_past(tip) + 1));
    header.bits = chain_.next_bits(tip);
    header.nonce = 0;
    return Block::make(header, std::move(txs));
}

BlockRef Node::solve_block() const {
    return solve(block_template());
}

BlockRef Node::solve_block_on(const BlockIndex* parent, std::vector<TransactionRef> txs) const {
    const std::uint64_t height = parent->height + 1;
    std::uint64_t value = chain_.params().block_reward;
    for (const TransactionRef& tx : txs)
        value += tx->fee();
    txs.insert(txs.begin(), Transaction::coinbase(config_.miner_address, value, height));
    BlockHeader header;
    header.version = 1;
    header.prev = parent->hash();
    header.merkle_root = compute_merkle_root(txs);
    header.time = static_cast<std::uint32_t>(
        std::max<std::int64_t>(unix_now(), chain_.median_time_past(parent) + 1));
    header.bits = chain_.next_bits(parent);
    header.nonce = 0;
    return solve(Block::make(header, std::move(txs)));
}

BlockRef Node::solve(const BlockRef& tmpl) const {
    BlockHeader header = tmpl->header();
    const U256 target = U256::from_compact(header.bits);
    while (true) {
        NonceSearchResult found = search_nonce(header, target, std::uint64_t{1} << 32);
        if (found.found) {
            header.nonce = found.nonce;
            // The same miner finding twice on one tip within a second would rebuild the
            // very same block; move the time on so every found block is new.
            if (!chain_.knows(found.hash)) break;
        }
        header.time += 1;
        header.nonce = 0;
    }
    return Block::make(header, tmpl->txs());
}

void Node::restart() {
    mempool_.clear();
    partial_.clear();
    high_bandwidth_chosen_.clear();
    high_bandwidth_to_.clear();
    last_compact_.reset();
    for (Request& request : requests_) {
        if (request.open) clock_.cancel(request.timer);
    }
    requests_.clear();
}

}  // namespace core

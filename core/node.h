// core::Node: the protocol a node runs (docs/design.md §6). It reacts to messages, local
// submissions and timers, and reaches the world only through a Clock and a Transport, so
// the simulator (virtual time, event-queue network) and the live adapter (Asio timers,
// HTTP) run the very same code.
//
// Relay. A node relays a block once it has accepted it and the block is on its active
// chain (it advanced the tip), as Bitcoin does; blocks that lose a race stop where they
// lost. In kAnnounce mode it sends an announce (hash, height, work); a peer that does not
// know the block and sees more work than its own tip asks for it (get-block) and receives
// it (block): three one-way latencies plus the transfer per hop. In kPush mode it sends
// the block itself: one latency plus the transfer. In both modes a block whose parent is
// unknown makes the node ask the sender for the parent, walking back until it connects.
// Transactions are pushed to every peer once accepted into the mempool. With
// TieBreak::kRandom a node also asks for and relays a block that ties its tip's work, so
// that every node hears of both branches of a race and chooses by its own coin (Eyal &
// Sirer's fix, FC 2014 §6).
//
// Withholding. A mining strategy may keep a found block private (keep_block): the node
// adds it to its own chain but never relays, announces or serves it until publish_block.
//
// kCompact is BIP152 (docs/relay.md, "Compact relay"): a node asks the (up to)
// `compact.high_bandwidth_peers` peers that most recently gave it a new tip block to send it
// new blocks as compact blocks at once (sendcmpct on); everyone else gets an announce and asks
// for the compact block (get-compact). A compact block is the header, the coinbase and a 6-byte
// short id per other transaction; the receiver rebuilds the block from its own mempool and asks
// the sender for what it lacks (getblocktxn / blocktxn: one more round trip). A block that
// will not rebuild (short-id collision, wrong merkle root) is fetched whole.
//
// Single-threaded: every call, timer and message for one node runs on one thread.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/chain.h"
#include "core/mempool.h"
#include "core/message.h"
#include "core/time.h"

namespace core {

using PeerId = int;
inline constexpr PeerId kLocal = -1;  // "from" of a local submission (miner, API, wallet)

struct TimerId {
    std::uint64_t value = 0;  // 0: no timer
};

class Clock {
  public:
    virtual ~Clock() = default;
    virtual Nanos now() const = 0;
    // Runs `fn` after `delay` on the node's thread. Cancelling an id that has fired or was
    // never set is harmless.
    virtual TimerId after(Nanos delay, std::function<void()> fn) = 0;
    virtual void cancel(TimerId id) = 0;
};

class Transport {
  public:
    virtual ~Transport() = default;
    // Best effort: the message may be dropped (partition, crash, loss, dead peer).
    virtual void send(PeerId to, MessagePtr message) = 0;
    // Peers currently reachable, ascending. The span is lent: it stays valid until the next
    // call of peers() (send() does not invalidate it), so relaying builds no list.
    virtual std::span<const PeerId> peers() const = 0;
    // Sends `message` to every peer in peers() but `except`, in peers() order. A transport
    // that can do it more cheaply overrides it; the messages sent must be the same.
    virtual void relay(const MessagePtr& message, PeerId except) {
        for (PeerId peer : peers()) {
            if (peer != except) send(peer, message);
        }
    }
};

// Callbacks for observers (metrics, trace digest, logs). Nodes know nothing about
// metrics; every method has an empty default.
class NodeObserver {
  public:
    virtual ~NodeObserver() = default;
    // `block` entered this node's tree (from `from`, kLocal when mined or submitted here).
    virtual void on_block_accepted(int /*node*/, const BlockRef& /*block*/, PeerId /*from*/) {}
    virtual void on_block_rejected(int /*node*/, const BlockRef& /*block*/, PeerId /*from*/,
                                   const ValidationResult& /*why*/) {}
    virtual void on_tip_changed(int /*node*/, const TipChange& /*change*/) {}
    virtual void on_tx_accepted(int /*node*/, const TransactionRef& /*tx*/, PeerId /*from*/) {}
    virtual void on_tx_rejected(int /*node*/, const TransactionRef& /*tx*/, PeerId /*from*/,
                                const ValidationResult& /*why*/) {}
    // A compact block for an unknown block arrived and was rebuilt from the mempool alone
    // (`missing` = 0) or needs `missing` transactions fetched (real and padding); `whole`
    // when it would not rebuild and the full block is fetched instead.
    virtual void on_compact_block(int /*node*/, const Hash256& /*block*/, std::uint64_t /*missing*/,
                                  bool /*whole*/) {}
};

enum class RelayMode { kAnnounce, kPush, kCompact };

// kCompact relay settings.
struct CompactConfig {
    int high_bandwidth_peers = 3;  // peers asked for high-bandwidth mode (BIP152: at most 3)
    // Blocks the simulator counts at `block_size` bytes carry the difference to their real
    // size as padding: padding / padding_tx_bytes virtual transactions no mempool holds.
    std::uint64_t block_size = 0;         // 0: no padding
    std::uint32_t padding_tx_bytes = 500;  // bytes per virtual transaction; > 0
    double miss_rate = 0;  // share of the padding a receiver lacks (core/compact.h); 0..1
};

struct NodeConfig {
    RelayMode relay = RelayMode::kAnnounce;  // how new blocks travel (see above)
    Address miner_address;                   // who this node's coinbases pay
    // Unix seconds at Clock time 0: header times are this plus now() in seconds. The
    // simulator passes the genesis time; the live adapter's clock is already Unix time.
    std::int64_t unix_time_at_zero = 0;
    // How long to wait for a requested block before asking another peer that has it.
    Nanos block_request_timeout = 5 * kSecond;
    CompactConfig compact;
    ChainOptions chain;
    MempoolOptions mempool;
};

class Node {
  public:
    // REQUIRES: `genesis` is make_genesis(params); clock, transport and observer outlive
    // the node. `observer` may be null.
    Node(int id, const ConsensusParams& params, BlockRef genesis, NodeConfig config, Clock& clock,
         Transport& transport, NodeObserver* observer = nullptr);

    // Network input.
    void on_message(PeerId from, const Message& message);
    // A link came up (first connection or after a partition/crash): send our tip (an
    // announce) and our pending transactions; the peer does the same.
    void on_peer_connected(PeerId peer);

    // Local input. A transaction from a wallet or workload: admitted and relayed if valid.
    ValidationResult submit_transaction(const TransactionRef& tx);
    // A block from this node's miner or an API client: accepted and relayed if valid.
    AcceptResult submit_block(const BlockRef& block);
    // A block this node accepted before, read back from its store at start-up: checked
    // like any other except for the future-time rule, which is judged on first acceptance
    // only (a wall clock that jumped back must not drop stored blocks).
    AcceptResult restore_block(const BlockRef& block);

    // A block on the current tip, paying this node's miner: coinbase, then transactions
    // from the mempool; bits by the retarget rule; time max(now, median time past + 1).
    // The nonce is not searched (header.nonce = 0).
    BlockRef block_template() const;
    // Builds a template and searches nonces (bumping the time when a range is exhausted)
    // until the proof of work holds. The block is not submitted: the caller records it
    // and calls submit_block (or, for a withholding strategy, keeps it).
    BlockRef solve_block() const;
    // The same on a chosen `parent` of this chain (REQUIRES: a valid block this chain has),
    // carrying exactly `txs` after the coinbase (the caller vouches they apply there);
    // for strategies that mine a private branch.
    BlockRef solve_block_on(const BlockIndex* parent, std::vector<TransactionRef> txs) const;

    // Withholding (see above). keep_block accepts a block of this node's miner without
    // relaying it and marks it withheld; publish_block clears the mark and relays it (push:
    // the block, announce: its announce) to every peer. Publishing a block that is not
    // withheld is harmless.
    AcceptResult keep_block(const BlockRef& block);
    void publish_block(const Hash256& hash);
    bool withheld(const Hash256& hash) const { return withheld_.count(hash) != 0; }

    // After a crash: the block store survives; the mempool and every in-flight request do
    // not. The caller reconnects peers afterwards (on_peer_connected) to re-sync.
    void restart();

    int id() const { return id_; }
    // A hint to the memory system from a simulator that knows a message is coming: start
    // loading what handling one reads. Stage 0 only computes addresses (this object may not
    // be loaded yet); stage 1 follows the pointers stage 0 brought in. Changes nothing.
    void prefetch(int stage) const noexcept;
    const Chain& chain() const { return chain_; }
    const Mempool& mempool() const { return mempool_; }
    const NodeConfig& config() const { return config_; }
    std::int64_t unix_now() const;

  private:
    // A block asked for and not yet received. Requests live in slots that are reused, so a
    // steady state allocates nothing; a node has only a few open at once, so finding one by
    // hash is a short scan.
    struct Request {
        Hash256 hash;
        PeerId peer = 0;                   // asked
        TimerId timer;                     // its timeout
        std::vector<PeerId> alternatives;  // other peers that announced it
        bool compact = false;              // asked with get-compact rather than get-block
        bool open = false;                 // false: a free slot (alternatives keep capacity)
        std::uint32_t serial = 0;          // tells a slot's requests apart, for the timer
    };
    // A compact block being rebuilt: what the mempool had, and what was asked of `peer`.
    struct PartialBlock {
        PeerId peer;
        BlockHeader header;
        std::vector<TransactionRef> txs;  // the block's transactions, null where missing
        std::vector<std::uint32_t> missing;
        std::uint64_t padding_missing = 0;
        Nanos asked_at = 0;
    };

    void handle_announce(PeerId from, const Message& m);
    void handle_get_block(PeerId from, const Message& m);
    void handle_block(PeerId from, const BlockRef& block);
    void handle_tx(PeerId from, const TransactionRef& tx);

    AcceptResult process_block(const BlockRef& block, PeerId from, std::int64_t now_s,
                               bool relay = true);
    BlockRef solve(const BlockRef& tmpl) const;
    void relay_block(const BlockRef& block, PeerId except);
    void request_block(const Hash256& hash, PeerId peer, bool compact = false);
    // The open request for `hash`, or null.
    Request* find_request(const Hash256& hash);
    // Cancels the request's timer and frees its slot.
    void close_request(Request& request);
    // Sets the request's timeout; the timer names the slot and serial (small enough for
    // std::function to hold without allocating).
    void arm_request_timer(std::uint32_t slot);
    void on_request_timeout(std::uint32_t slot, std::uint32_t serial);
    void handle_txs(PeerId from, const std::vector<TransactionRef>& txs);
    void handle_send_compact(PeerId from, const Message& m);
    void handle_get_compact(PeerId from, const Message& m);
    void handle_compact_block(PeerId from, const Message& m);
    void handle_get_block_txn(PeerId from, const Message& m);
    void handle_block_txn(PeerId from, const Message& m);
    // A block rebuilt from a compact block: checked against its merkle root, then processed
    // as if it had arrived whole; a mismatch fetches it whole from `from`.
    // Drops any request for `hash` and asks `from` for the whole block.
    void request_block_whole(PeerId from, const Hash256& hash);
    void complete_compact(PeerId from, const BlockHeader& header, std::vector<TransactionRef> txs);
    // The compact form of `block` this node sends (cached for the last block).
    MessagePtr compact_message(const BlockRef& block);
    // BIP152's choice of high-bandwidth peers: `peer` just gave us a new tip block.
    void prefer_high_bandwidth(PeerId peer);
    // Mempool admission, reported to the observer; no relay.
    ValidationResult admit_tx(const TransactionRef& tx, PeerId from);
    ValidationResult process_tx(const TransactionRef& tx, PeerId from);
    void relay(const MessagePtr& message, PeerId except);

    // The chain first: most messages (announces of known blocks) read only its tip.
    Chain chain_;
    int id_;
    NodeConfig config_;
    Clock& clock_;
    Transport& transport_;
    NodeObserver* observer_;
    Mempool mempool_;
    std::vector<Request> requests_;  // slots, open or free; order means nothing
    std::unordered_set<Hash256> withheld_;            // lookups only
    // Compact relay.
    std::unordered_map<Hash256, PartialBlock> partial_;  // lookups only
    std::vector<PeerId> high_bandwidth_chosen_;  // we asked them; oldest first
    std::vector<PeerId> high_bandwidth_to_;      // they asked us; ascending
    MessagePtr last_compact_;
};

}  // namespace core

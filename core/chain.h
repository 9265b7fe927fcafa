// Chain: the tree of every valid block a node has seen, most-work fork choice, reorgs,
// and a bounded pool of orphans (blocks whose parent is not yet known).
//
// Fork choice: the tip is the block with the most cumulative work; among equal work the
// one seen first wins (the tip only moves for strictly more work), or, with
// TieBreak::kRandom, the one with the lower seeded rank (a coin per pair of equal-work
// tips, Eyal & Sirer's proposed fix, FC 2014 §6). The chain draws no randomness of its own:
// the rank is a fixed mix of ChainOptions::tie_seed and the block hash. A reorg undoes blocks
// back to the fork point and applies the new branch; a block that fails to apply is
// marked invalid with all its descendants, and the chain settles on the best valid tip.
// Single-threaded: one Chain belongs to one node.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <unordered_map>
#include <vector>

#include "core/block.h"
#include "core/ledger.h"
#include "core/params.h"
#include "core/uint256.h"
#include "core/validation.h"

namespace core {

struct Message;

// What is known of a block that passed every check but the ledger (the header in context
// and the body's own checks): its place in the tree and its cumulative work. These are pure
// functions of the block and its ancestors, the same for every node, so one BlockIndex can
// serve every Chain that shares a BlockTree. What differs between nodes — whether a node
// has the block, when it arrived, whether the node found it invalid — lives in the Chain.
struct BlockIndex {
    enum class Status : std::uint8_t {
        kUnknown,        // this chain has not (yet) added the block
        kHeaderValid,    // passed every check but the ledger; not yet connected
        kValid,          // applied to the ledger at least once
        kInvalid,        // failed to apply
        kInvalidParent,  // descends from an invalid block
    };

    BlockRef block;
    BlockIndex* parent = nullptr;
    std::vector<BlockIndex*> children;  // every child any sharing chain added
    std::uint64_t height = 0;
    U256 chain_work;       // cumulative work up to and including this block
    std::uint32_t id = 0;  // dense index in its BlockTree, from 0 (genesis)
    // The median time of the up to 11 blocks ending with this one: a child's time must exceed
    // it. Computed once, when the tree adds the block, since every chain sharing it asks.
    std::int64_t median_time_past = 0;
    // The ledger after this block, when some sharing chain computed it and a chain still
    // holds it (see ChainOptions::shared_validation). Published states are never modified.
    std::weak_ptr<const LedgerState> state_after;
    // The messages that are functions of this block alone, its announce and its block message,
    // made on first use by the node that first sends one (node.cpp). Every node sharing the
    // tree then sends that same object: in a simulation one allocation per block, warm in
    // cache while the block spreads, instead of one per sender.
    mutable std::shared_ptr<const Message> announce_message;
    mutable std::shared_ptr<const Message> block_message;

    const Hash256& hash() const { return block->hash(); }
};

// The records of every block added to any Chain that shares this tree. A simulation gives
// all its nodes one tree, so the per-block record exists once and each node keeps only a
// few bytes per block; a live node has a tree of its own. Not thread-safe.
class BlockTree {
  public:
    explicit BlockTree(BlockRef genesis);
    BlockTree(const BlockTree&) = delete;
    BlockTree& operator=(const BlockTree&) = delete;

    BlockIndex* genesis() const { return by_id_.front(); }
    BlockIndex* find(const Hash256& hash) const;
    // The record of `block`, a child of `parent`; created on first use.
    BlockIndex* add(const BlockRef& block, BlockIndex* parent);
    std::size_t size() const { return by_id_.size(); }

  private:
    std::unordered_map<Hash256, std::unique_ptr<BlockIndex>> index_;  // lookups only
    std::vector<BlockIndex*> by_id_;
    mutable BlockIndex* last_found_ = nullptr;  // find()'s last answer (a lookup cache)
};

enum class TieBreak : std::uint8_t {
    kFirstSeen,  // among equal-work tips the one seen first (Bitcoin's rule)
    kRandom,     // among equal-work tips the one with the lower rank mix(tie_seed, hash)
};

struct ChainOptions {
    // Remember successful context-free checks on the shared Block/Transaction objects so
    // other nodes skip them, and share ledger states through the BlockTree: the state after
    // a block is a pure function of the block and its ancestors, so the first chain to apply
    // a block publishes the result and every other chain adopts it instead of applying the
    // block to a ledger of its own. Off: every node checks and applies everything itself.
    // REQUIRES (on): every chain sharing the tree has the same consensus params.
    bool shared_validation = true;
    // How equal-work tips are ordered (next to shared_validation: a chain's first cache line
    // holds its tip and these two).
    TieBreak tie_break = TieBreak::kFirstSeen;
    // Most orphans held, and most bytes (serialized) they may take together; the oldest
    // is dropped first. The byte bound keeps anyone from filling memory with big orphans.
    std::size_t max_orphans = 512;
    std::size_t max_orphan_bytes = 32 << 20;
    // With kRandom: this chain's coin. Chains with different seeds choose independently.
    std::uint64_t tie_seed = 0;
    // The tree to share with other chains (REQUIRES: built from the same genesis); null
    // gives the chain a tree of its own.
    std::shared_ptr<BlockTree> tree;
};

// A move of the tip, in net terms: from old_tip back to fork_point, then forward to new_tip.
struct TipChange {
    const BlockIndex* old_tip = nullptr;
    const BlockIndex* new_tip = nullptr;
    const BlockIndex* fork_point = nullptr;
    std::vector<BlockRef> disconnected;  // old tip first
    std::vector<BlockRef> connected;     // the fork point's child first
    std::size_t reorg_depth() const { return disconnected.size(); }
};

// The `now_s` to pass Chain::accept for a block this node accepted before (its own store):
// the future-time rule holds on first acceptance only, as in Bitcoin Core, so a clock that
// jumped back never un-accepts what was stored. Far from overflow when the bound is added.
inline constexpr std::int64_t kNoFutureBound = std::int64_t{1} << 62;

struct AcceptResult {
    enum class Status {
        kAccepted,   // added to the tree (the tip may or may not have moved)
        kOrphan,     // parent unknown: held in the orphan pool, fetch missing_parent
        kDuplicate,  // already known (in the tree or the orphan pool)
        kInvalid,    // rejected: see result
    };
    Status status = Status::kInvalid;
    ValidationResult result;              // why, when kInvalid
    Hash256 missing_parent;               // when kOrphan: the unknown ancestor to fetch
    std::vector<BlockRef> added;          // blocks added to the tree (incl. resolved orphans)
    std::vector<Hash256> invalidated;     // blocks found invalid while activating
    std::optional<TipChange> tip_change;  // when the tip moved
};

class Chain {
  public:
    // Starts from `genesis`, which must be make_genesis(params) (built once and shared by
    // every node of a network, since its nonce search is not free).
    Chain(const ConsensusParams& params, BlockRef genesis, ChainOptions options = {});
    Chain(const Chain&) = delete;
    Chain& operator=(const Chain&) = delete;

    // Offers a block. `now_s` is the node's clock in Unix seconds, bounding header times
    // (kNoFutureBound: no bound).
    AcceptResult accept(const BlockRef& block, std::int64_t now_s);

    const ConsensusParams& params() const { return params_; }
    TieBreak tie_break() const { return options_.tie_break; }
    // True when `a` is preferred to `b` as a tip (more work, then the tie-break).
    bool better(const BlockIndex* a, const BlockIndex* b) const { return CandidateOrder{this}(a, b); }
    const BlockIndex* tip() const { return tip_; }
    // See Node::prefetch.
    void prefetch(int stage) const noexcept;
    const BlockIndex* genesis() const { return active_.front(); }
    std::uint64_t height() const { return tip()->height; }
    const LedgerState& state() const { return *state_; }

    // The block's record if this chain has added it (valid or not), else null.
    const BlockIndex* find(const Hash256& hash) const;
    bool knows(const Hash256& hash) const;  // in the tree or the orphan pool
    // This chain's view of a block (kUnknown if it never added it).
    BlockIndex::Status status(const BlockIndex* index) const;
    bool invalid(const BlockIndex* index) const;
    // Arrival order at this chain (the first-seen tie-break). REQUIRES: the chain has it.
    std::uint64_t sequence(const BlockIndex* index) const { return entry(index).sequence; }
    bool is_orphan(const Hash256& hash) const;
    // The block at `height` on the active chain; null past the tip.
    const BlockIndex* at_height(std::uint64_t height) const;
    bool on_active_chain(const BlockIndex* index) const;
    // The last common block of the active chain and `index`'s branch.
    const BlockIndex* fork_point(const BlockIndex* index) const;

    // Bits and the earliest allowed time for a child of `parent` (what a miner needs).
    std::uint32_t next_bits(const BlockIndex* parent) const;
    std::int64_t median_time_past(const BlockIndex* parent) const;

    std::size_t block_count() const { return block_count_; }
    std::size_t orphan_count() const { return orphans_.size(); }
    std::size_t orphan_bytes() const { return orphan_bytes_; }

  private:
    // Per block, this chain's view: 8 bytes, indexed by BlockIndex::id.
    struct Entry {
        std::uint32_t sequence = 0;
        BlockIndex::Status status = BlockIndex::Status::kUnknown;
    };
    struct CandidateOrder {
        const Chain* chain;
        bool operator()(const BlockIndex* a, const BlockIndex* b) const;
    };
    struct Orphan {
        BlockRef block;
        std::uint64_t sequence;
    };

    ValidationResult check_header_in_context(const Block& block, const BlockIndex* parent,
                                             std::int64_t now_s) const;
    BlockIndex* add_to_tree(const BlockRef& block, BlockIndex* parent, std::uint64_t sequence);
    const Entry& entry(const BlockIndex* index) const;
    Entry& entry(const BlockIndex* index);
    void set_status(const BlockIndex* index, BlockIndex::Status status);
    const BlockIndex* ancestor(const BlockIndex* index, std::uint64_t height) const;
    void add_orphan(const BlockRef& block);
    // Moves orphans waiting on `parent_hash` (recursively) into the tree.
    void resolve_orphans(const Hash256& parent_hash, std::int64_t now_s, AcceptResult& out);
    void mark_invalid(BlockIndex* index, AcceptResult& out);
    // Moves the tip to the best valid candidate; fills out.tip_change on a net move.
    void activate_best_chain(AcceptResult& out);
    void disconnect_tip();
    bool connect(BlockIndex* index, AcceptResult& out);

    // The tip and the options come first: an announce of a known block reads only these.
    const BlockIndex* tip_ = nullptr;  // active_.back()
    ChainOptions options_;
    ConsensusParams params_;
    U256 pow_limit_;
    std::shared_ptr<BlockTree> tree_;
    std::vector<Entry> entries_;  // by BlockIndex::id; kUnknown beyond what we added
    std::size_t block_count_ = 0;
    std::vector<BlockIndex*> active_;                                         // by height
    std::set<BlockIndex*, CandidateOrder> candidates_{CandidateOrder{this}};  // best first
    std::vector<BlockIndex*> path_;  // activate_best_chain's scratch: the branch to connect
    // The ledger at the tip. Shared mode: the tree's published state of the tip, never
    // modified. Otherwise the chain's own, applied and undone in place.
    std::shared_ptr<const LedgerState> state_;
    std::shared_ptr<LedgerState> own_state_;  // not shared: the same object as state_
    std::uint64_t next_sequence_ = 0;

    std::map<std::uint64_t, Hash256> orphans_by_age_;    // sequence -> hash
    std::unordered_map<Hash256, Orphan> orphans_;        // lookups only
    std::multimap<Hash256, Hash256> orphans_by_parent_;  // parent -> child
    std::size_t orphan_bytes_ = 0;                       // serialized sizes of orphans_
};

}  // namespace core

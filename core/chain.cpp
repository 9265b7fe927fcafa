#include "core/chain.h"

#include <algorithm>
#include <array>
#include <deque>
#include <string>

#include "core/pow.h"

namespace core {

// --- BlockTree -------------------------------------------------------------------------

namespace {

std::int64_t compute_median_time_past(const BlockIndex* last) {
    std::array<std::int64_t, 11> times;
    std::size_t n = 0;
    for (const BlockIndex* p = last; p != nullptr && n < times.size(); p = p->parent)
        times[n++] = p->block->header().time;
    std::sort(times.begin(), times.begin() + static_cast<std::ptrdiff_t>(n));
    return times[n / 2];
}

}  // namespace

BlockTree::BlockTree(BlockRef genesis) {
    auto index = std::make_unique<BlockIndex>();
    index->block = std::move(genesis);
    index->chain_work = block_work(index->block->header().bits);
    index->median_time_past = compute_median_time_past(index.get());
    by_id_.push_back(index.get());
    index_.emplace(index->hash(), std::move(index));
}

BlockIndex* BlockTree::find(const Hash256& hash) const {
    // Every node of a network looks up the same new block in turn.
    if (last_found_ != nullptr && last_found_->hash() == hash) return last_found_;
    auto it = index_.find(hash);
    if (it == index_.end()) return nullptr;
    last_found_ = it->second.get();
    return last_found_;
}

BlockIndex* BlockTree::add(const BlockRef& block, BlockIndex* parent) {
    if (BlockIndex* known = find(block->hash())) return known;
    auto index = std::make_unique<BlockIndex>();
    index->block = block;
    index->parent = parent;
    index->height = parent->height + 1;
    index->chain_work = parent->chain_work + block_work(block->header().bits);
    index->id = static_cast<std::uint32_t>(by_id_.size());
    index->median_time_past = compute_median_time_past(index.get());
    BlockIndex* raw = index.get();
    parent->children.push_back(raw);
    by_id_.push_back(raw);
    index_.emplace(block->hash(), std::move(index));
    return raw;
}

// --- Chain -------------------------------------------------------------------------------

namespace {

// SplitMix64's finaliser: a fixed bijection that spreads the seed and hash bits.
std::uint64_t mix64(std::uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

std::uint64_t tie_rank(std::uint64_t seed, const Hash256& hash) {
    std::uint64_t h = 0;
    for (int i = 0; i < 8; ++i)
        h = (h << 8) | hash.bytes[static_cast<std::size_t>(i)];
    return mix64(seed ^ mix64(h));
}

}  // namespace

bool Chain::CandidateOrder::operator()(const BlockIndex* a, const BlockIndex* b) const {
    if (a->chain_work != b->chain_work) return a->chain_work > b->chain_work;
    if (chain->options_.tie_break == TieBreak::kRandom && a != b) {
        const std::uint64_t ra = tie_rank(chain->options_.tie_seed, a->hash());
        const std::uint64_t rb = tie_rank(chain->options_.tie_seed, b->hash());
        if (ra != rb) return ra < rb;
    }
    return chain->sequence(a) < chain->sequence(b);
}

Chain::Chain(const ConsensusParams& params, BlockRef genesis, ChainOptions options)
    : options_(options),
      params_(params),
      pow_limit_(params.pow_limit()),
      tree_(options.tree ? options.tree : std::make_shared<BlockTree>(genesis)) {
    options_.tree.reset();  // held as tree_
    BlockIndex* root = tree_->genesis();
    Entry& e = entry(root);
    e.sequence = static_cast<std::uint32_t>(next_sequence_++);
    e.status = BlockIndex::Status::kValid;
    block_count_ = 1;
    if (options_.shared_validation) state_ = root->state_after.lock();
    if (!state_) {
        own_state_ = std::make_shared<LedgerState>();
        apply_genesis(*own_state_, *root->block);
        state_ = own_state_;
        if (options_.shared_validation) {
            root->state_after = state_;
            own_state_.reset();  // published: never modified again
        }
    }
    active_.push_back(root);
    tip_ = root;
}

const Chain::Entry& Chain::entry(const BlockIndex* index) const {
    static const Entry kUnknown{};
    return index->id < entries_.size() ? entries_[index->id] : kUnknown;
}

Chain::Entry& Chain::entry(const BlockIndex* index) {
    if (index->id >= entries_.size()) entries_.resize(index->id + 1);
    return entries_[index->id];
}

void Chain::set_status(const BlockIndex* index, BlockIndex::Status status) {
    entry(index).status = status;
}

BlockIndex::Status Chain::status(const BlockIndex* index) const {
    return entry(index).status;
}

bool Chain::invalid(const BlockIndex* index) const {
    const BlockIndex::Status s = status(index);
    return s == BlockIndex::Status::kInvalid || s == BlockIndex::Status::kInvalidParent;
}

const BlockIndex* Chain::find(const Hash256& hash) const {
    const BlockIndex* index = tree_->find(hash);
    return index != nullptr && status(index) != BlockIndex::Status::kUnknown ? index : nullptr;
}

void Chain::prefetch(int stage) const noexcept {
    if (stage == 0) {
        __builtin_prefetch(&tip_);
        __builtin_prefetch(&entries_);
        __builtin_prefetch(&orphans_);
        __builtin_prefetch(&active_);
    } else {
        if (!entries_.empty()) __builtin_prefetch(&entries_.back());  // the newest block's entry
        __builtin_prefetch(&active_.back());  // the tip's slot: a new block's parent is there
    }
}

bool Chain::knows(const Hash256& hash) const {
    return find(hash) != nullptr || is_orphan(hash);
}

bool Chain::is_orphan(const Hash256& hash) const {
    return !orphans_.empty() && orphans_.count(hash) != 0;
}

const BlockIndex* Chain::at_height(std::uint64_t height) const {
    return height < active_.size() ? active_[height] : nullptr;
}

bool Chain::on_active_chain(const BlockIndex* index) const {
    return index->height < active_.size() && active_[index->height] == index;
}

const BlockIndex* Chain::ancestor(const BlockIndex* index, std::uint64_t height) const {
    if (height > index->height) return nullptr;
    if (on_active_chain(index)) return active_[height];
    while (index->height > height) {
        index = index->parent;
        if (on_active_chain(index)) return active_[height];
    }
    return index;
}

const BlockIndex* Chain::fork_point(const BlockIndex* index) const {
    while (!on_active_chain(index))
        index = index->parent;
    return index;
}

std::int64_t Chain::median_time_past(const BlockIndex* parent) const {
    return parent->median_time_past;
}

std::uint32_t Chain::next_bits(const BlockIndex* parent) const {
    const std::uint32_t parent_bits = parent->block->header().bits;
    const std::uint32_t window = params_.retarget_window;
    if (window == 0 || (parent->height + 1) % window != 0) return parent_bits;
    const BlockIndex* first = ancestor(parent, parent->height + 1 - window);
    return calculate_next_bits(parent_bits, first->block->header().time,
                               parent->block->header().time, params_.retarget_timespan_s(),
                               pow_limit_);
}

ValidationResult Chain::check_header_in_context(const Block& block, const BlockIndex* parent,
                                                std::int64_t now_s) const {
    const BlockHeader& h = block.header();
    const std::uint32_t expected_bits = next_bits(parent);
    if (h.bits != expected_bits) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "bits 0x%08x, expected 0x%08x", h.bits, expected_bits);
        return ValidationResult::invalid(Reject::kBadBits, buf);
    }
    const std::int64_t mtp = median_time_past(parent);
    if (static_cast<std::int64_t>(h.time) <= mtp) {
        return ValidationResult::invalid(
            Reject::kTimeTooOld, "time " + std::to_string(h.time) +
                                     " is not after the median time past " + std::to_string(mtp));
    }
    if (static_cast<std::int64_t>(h.time) > now_s + params_.max_future_block_time_s) {
        return ValidationResult::invalid(
            Reject::kTimeTooNew, "time " + std::to_string(h.time) + " is too far in the future");
    }
    if (block.height() != parent->height + 1) {
        return ValidationResult::invalid(Reject::kBadCoinbase,
                                         "coinbase height " + std::to_string(block.height()) +
                                             ", expected " + std::to_string(parent->height + 1));
    }
    return ValidationResult::valid();
}

BlockIndex* Chain::add_to_tree(const BlockRef& block, BlockIndex* parent, std::uint64_t sequence) {
    BlockIndex* index = tree_->add(block, parent);
    Entry& e = entry(index);
    e.sequence = static_cast<std::uint32_t>(sequence);
    e.status =
        invalid(parent) ? BlockIndex::Status::kInvalidParent : BlockIndex::Status::kHeaderValid;
    ++block_count_;
    // First-seen: only more work moves the tip (an orphan resolved late keeps its early
    // arrival sequence, but must not displace a tip of equal work). Random: the coin too.
    const bool contender = index->chain_work > tip()->chain_work ||
                           (options_.tie_break == TieBreak::kRandom &&
                            CandidateOrder{this}(index, tip()));
    if (!invalid(index) && contender) candidates_.insert(index);
    return index;
}

void Chain::add_orphan(const BlockRef& block) {
    const std::size_t size = block->serialized_size();
    while ((orphans_.size() >= options_.max_orphans ||
            orphan_bytes_ + size > options_.max_orphan_bytes) &&
           !orphans_by_age_.empty()) {
        auto oldest = orphans_by_age_.begin();
        auto it = orphans_.find(oldest->second);
        const Hash256 parent = it->second.block->prev();
        auto range = orphans_by_parent_.equal_range(parent);
        for (auto r = range.first; r != range.second; ++r) {
            if (r->second == oldest->second) {
                orphans_by_parent_.erase(r);
                break;
            }
        }
        orphan_bytes_ -= it->second.block->serialized_size();
        orphans_.erase(it);
        orphans_by_age_.erase(oldest);
    }
    orphan_bytes_ += size;
    const std::uint64_t sequence = next_sequence_++;
    orphans_.emplace(block->hash(), Orphan{block, sequence});
    orphans_by_age_.emplace(sequence, block->hash());
    orphans_by_parent_.emplace(block->prev(), block->hash());
}

AcceptResult Chain::accept(const BlockRef& block, std::int64_t now_s) {
    AcceptResult out;
    const Hash256& hash = block->hash();
    if (knows(hash)) {
        out.status = AcceptResult::Status::kDuplicate;
        out.result = ValidationResult::invalid(Reject::kDuplicateBlock,
                                               "block " + hash.display_hex() + " is known");
        return out;
    }
    out.result = block->check(params_, options_.shared_validation);
    if (!out.result.ok()) return out;

    BlockIndex* parent = tree_->find(block->prev());
    if (parent != nullptr && status(parent) == BlockIndex::Status::kUnknown) parent = nullptr;
    if (parent == nullptr) {
        if (block->prev().is_zero()) {
            out.result = ValidationResult::invalid(Reject::kBadGenesis,
                                                   "a different genesis block (foreign chain)");
            return out;
        }
        add_orphan(block);
        Hash256 missing = block->prev();
        for (auto it = orphans_.find(missing); it != orphans_.end(); it = orphans_.find(missing)) {
            missing = it->second.block->prev();
        }
        out.status = AcceptResult::Status::kOrphan;
        out.missing_parent = missing;
        out.result = ValidationResult::invalid(
            Reject::kOrphan, "parent " + block->prev().display_hex() + " is unknown");
        return out;
    }
    if (invalid(parent)) {
        add_to_tree(block, parent, next_sequence_++);
        resolve_orphans(hash, now_s, out);  // orphans waiting on it are invalid as well
        out.result = ValidationResult::invalid(
            Reject::kInvalidParent, "parent " + parent->hash().display_hex() + " is invalid");
        return out;
    }
    out.result = check_header_in_context(*block, parent, now_s);
    if (!out.result.ok()) return out;

    add_to_tree(block, parent, next_sequence_++);
    out.added.push_back(block);
    resolve_orphans(hash, now_s, out);
    activate_best_chain(out);

    if (invalid(find(hash))) {
        out.status = AcceptResult::Status::kInvalid;
        if (out.result.ok()) {
            out.result =
                ValidationResult::invalid(Reject::kInvalidParent, "descends from an invalid block");
        }
        return out;
    }
    out.status = AcceptResult::Status::kAccepted;
    out.result = ValidationResult::valid();
    return out;
}

void Chain::resolve_orphans(const Hash256& parent_hash, std::int64_t now_s, AcceptResult& out) {
    if (orphans_by_parent_.empty()) return;  // the usual case; spares the queue's allocations
    std::deque<Hash256> queue{parent_hash};
    while (!queue.empty()) {
        const Hash256 current = queue.front();
        queue.pop_front();
        std::vector<Orphan> children;
        auto range = orphans_by_parent_.equal_range(current);
        for (auto it = range.first; it != range.second; ++it) {
            children.push_back(orphans_.at(it->second));
        }
        orphans_by_parent_.erase(range.first, range.second);
        std::sort(children.begin(), children.end(),
                  [](const Orphan& a, const Orphan& b) { return a.sequence < b.sequence; });
        BlockIndex* parent = tree_->find(current);
        for (const Orphan& child : children) {
            orphan_bytes_ -= child.block->serialized_size();
            orphans_.erase(child.block->hash());
            orphans_by_age_.erase(child.sequence);
            if (!invalid(parent) && !check_header_in_context(*child.block, parent, now_s).ok()) {
                continue;  // invalid in context: dropped, like any invalid block
            }
            add_to_tree(child.block, parent, child.sequence);
            // Under an invalid parent the child enters as kInvalidParent; its own waiting
            // children must still leave the pool, or they would wait for it forever.
            if (!invalid(parent)) out.added.push_back(child.block);
            queue.push_back(child.block->hash());
        }
    }
}

void Chain::mark_invalid(BlockIndex* index, AcceptResult& out) {
    set_status(index, BlockIndex::Status::kInvalid);
    out.invalidated.push_back(index->hash());
    // Descendants this chain has. (Children lists are shared and so hold blocks other
    // chains added; those this chain lacks, and their subtrees, are not its business.)
    std::vector<BlockIndex*> marked;
    std::vector<BlockIndex*> stack(index->children.begin(), index->children.end());
    while (!stack.empty()) {
        BlockIndex* b = stack.back();
        stack.pop_back();
        const BlockIndex::Status s = status(b);
        if (s == BlockIndex::Status::kUnknown) continue;
        if (s != BlockIndex::Status::kInvalidParent) {
            set_status(b, BlockIndex::Status::kInvalidParent);
            marked.push_back(b);
        }
        stack.insert(stack.end(), b->children.begin(), b->children.end());
    }
    // In this chain's arrival order, whoever else shares the tree.
    std::sort(marked.begin(), marked.end(), [this](const BlockIndex* a, const BlockIndex* b) {
        return sequence(a) < sequence(b);
    });
    for (const BlockIndex* b : marked)
        out.invalidated.push_back(b->hash());
}

void Chain::disconnect_tip() {
    const BlockIndex* old_tip = tip();
    active_.pop_back();
    tip_ = active_.back();
    if (!options_.shared_validation) {
        undo_block(*own_state_, *old_tip->block);
        return;
    }
    BlockIndex* parent = old_tip->parent;
    std::shared_ptr<const LedgerState> previous = parent->state_after.lock();
    if (!previous) {
        // Nobody holds the parent's state any more: rebuild it from ours by undoing the
        // block (the account model is reversible from the block alone).
        auto rebuilt = std::make_shared<LedgerState>(*state_);
        undo_block(*rebuilt, *old_tip->block);
        previous = std::move(rebuilt);
        parent->state_after = previous;
    }
    state_ = std::move(previous);
}

bool Chain::connect(BlockIndex* index, AcceptResult& out) {
    ValidationResult r = ValidationResult::valid();
    if (!options_.shared_validation) {
        r = apply_block(*own_state_, *index->block, index->height, params_);
    } else if (std::shared_ptr<const LedgerState> known = index->state_after.lock()) {
        state_ = std::move(known);  // another chain applied this block on the same parent
    } else {
        auto next = std::make_shared<LedgerState>(*state_);
        r = apply_block(*next, *index->block, index->height, params_);
        if (r.ok()) {
            index->state_after = next;
            state_ = std::move(next);
        }
    }
    if (!r.ok()) {
        if (index->block == out.added.front()) out.result = r;
        mark_invalid(index, out);
        return false;
    }
    set_status(index, BlockIndex::Status::kValid);
    active_.push_back(index);
    tip_ = index;
    return true;
}

void Chain::activate_best_chain(AcceptResult& out) {
    const BlockIndex* original_tip = tip();
    while (true) {
        BlockIndex* best = nullptr;
        while (!candidates_.empty()) {
            BlockIndex* c = *candidates_.begin();
            // Only a block that beats the tip in candidate order (more work, or equal work
            // and seen earlier) is worth moving to. Equal work matters after a failed reorg:
            // the branch's valid prefix may tie the old tip, which was seen first and wins.
            if (invalid(c) || c == tip() || !CandidateOrder{this}(c, tip())) {
                candidates_.erase(candidates_.begin());
                continue;
            }
            best = c;
            break;
        }
        if (best == nullptr) break;

        path_.clear();
        BlockIndex* fork = best;
        while (!on_active_chain(fork)) {
            path_.push_back(fork);
            fork = fork->parent;
        }
        if (tip() != fork) candidates_.insert(active_.back());  // may be needed if we fail
        while (tip() != fork)
            disconnect_tip();
        for (auto it = path_.rbegin(); it != path_.rend(); ++it) {
            if (!connect(*it, out)) break;
        }
    }
    if (tip() == original_tip) return;

    TipChange change;
    change.old_tip = original_tip;
    change.new_tip = tip();
    const BlockIndex* a = original_tip;
    while (!on_active_chain(a)) {
        change.disconnected.push_back(a->block);
        a = a->parent;
    }
    change.fork_point = a;
    for (std::uint64_t h = a->height + 1; h < active_.size(); ++h) {
        change.connected.push_back(active_[h]->block);
    }
    out.tip_change = std::move(change);
}

}  // namespace core

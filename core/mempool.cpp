#include "core/mempool.h"

#include <algorithm>
#include <limits>
#include <queue>
#include <string>
#include <unordered_set>

namespace core {

Mempool::Mempool(MempoolOptions options) : options_(options) {}

TransactionRef Mempool::get(const Hash256& txid) const {
    auto it = by_txid_.find(txid);
    return it == by_txid_.end() ? nullptr : it->second;
}

namespace {

constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();

std::uint64_t saturating_add(std::uint64_t a, std::uint64_t b) {
    return b > kMax - a ? kMax : a + b;
}

}  // namespace

void Mempool::insert(const TransactionRef& tx) {
    by_sender_nonce_.emplace(Key{tx->sender_address(), tx->nonce()}, tx);
    by_txid_.emplace(tx->txid(), tx);
    SenderTotals& totals = senders_[tx->sender_address()];
    ++totals.count;
    totals.committed = saturating_add(totals.committed, tx->amount() + tx->fee());
}

void Mempool::clear() {
    by_sender_nonce_.clear();
    by_txid_.clear();
    senders_.clear();
}

std::uint64_t Mempool::expected_nonce(const Address& sender, const LedgerState& state) const {
    std::uint64_t expected = state.account(sender).next_nonce;
    auto totals = senders_.find(sender);
    if (totals == senders_.end()) return expected;
    // When the sender's first pending nonce is `expected` and its last is count - 1 above
    // it, the run has no gap and ends at the last: no walk needed.
    auto first = by_sender_nonce_.lower_bound(Key{sender, expected});
    if (first == by_sender_nonce_.end() || first->first.first != sender ||
        first->first.second != expected) {
        return expected;
    }
    auto last = std::prev(by_sender_nonce_.upper_bound(Key{sender, kMax}));
    const bool none_below = by_sender_nonce_.lower_bound(Key{sender, 0}) == first;
    if (none_below && last->first.second - expected + 1 == totals->second.count) {
        return last->first.second + 1;
    }
    for (auto it = first;
         it != by_sender_nonce_.end() && it->first.first == sender && it->first.second == expected;
         ++it) {
        ++expected;
    }
    return expected;
}

ValidationResult Mempool::check_in_context(const Transaction& tx, const LedgerState& state) const {
    const Account& account = state.account(tx.sender_address());
    if (tx.nonce() < account.next_nonce) {
        return ValidationResult::invalid(
            Reject::kReplay, "nonce " + std::to_string(tx.nonce()) + " was already used (next is " +
                                 std::to_string(account.next_nonce) + ")");
    }
    if (by_sender_nonce_.count(Key{tx.sender_address(), tx.nonce()}) != 0) {
        return ValidationResult::invalid(
            Reject::kNonceConflict,
            "another pending transaction uses nonce " + std::to_string(tx.nonce()));
    }
    const std::uint64_t expected = expected_nonce(tx.sender_address(), state);
    if (tx.nonce() > expected && tx.nonce() - expected > options_.max_nonce_gap) {
        return ValidationResult::invalid(
            Reject::kBadNonce, "nonce " + std::to_string(tx.nonce()) + " is more than " +
                                   std::to_string(options_.max_nonce_gap) +
                                   " ahead of the next expected nonce " + std::to_string(expected));
    }
    // The balance must cover this transaction and every pending one of the same sender.
    std::uint64_t committed = tx.amount() + tx.fee();  // no overflow: checked by tx.check()
    if (auto totals = senders_.find(tx.sender_address()); totals != senders_.end()) {
        committed = saturating_add(committed, totals->second.committed);
    }
    if (committed > account.balance) {
        return ValidationResult::invalid(Reject::kInsufficientFunds,
                                         "balance " + std::to_string(account.balance) +
                                             " does not cover this and the pending transactions (" +
                                             std::to_string(committed) + ")");
    }
    return ValidationResult::valid();
}

ValidationResult Mempool::accept(const TransactionRef& tx, const LedgerState& state) {
    if (tx->is_coinbase()) {
        return ValidationResult::invalid(Reject::kUnexpectedCoinbase,
                                         "a coinbase cannot be submitted");
    }
    if (contains(tx->txid())) {
        return ValidationResult::invalid(
            Reject::kDuplicateTx,
            "transaction " + tx->txid().display_hex() + " is already pending");
    }
    ValidationResult r = tx->check(options_.shared_validation);
    if (!r.ok()) return r;
    r = check_in_context(*tx, state);
    if (!r.ok()) return r;
    if (size() >= options_.max_txs) {
        return ValidationResult::invalid(Reject::kMempoolFull, "the mempool is full");
    }
    insert(tx);
    return ValidationResult::valid();
}

std::vector<TransactionRef> Mempool::select(const LedgerState& state, std::size_t max_txs) const {
    // Each sender's ready run: consecutive nonces from its next nonce, funded in order.
    std::vector<std::vector<TransactionRef>> runs;
    for (auto it = by_sender_nonce_.begin(); it != by_sender_nonce_.end();) {
        const Address sender = it->first.first;
        const Account& account = state.account(sender);
        std::uint64_t nonce = account.next_nonce;
        std::uint64_t balance = account.balance;
        std::vector<TransactionRef> run;
        for (; it != by_sender_nonce_.end() && it->first.first == sender; ++it) {
            const Transaction& tx = *it->second;
            if (tx.nonce() != nonce || tx.amount() + tx.fee() > balance) continue;
            balance -= tx.amount() + tx.fee();
            ++nonce;
            run.push_back(it->second);
        }
        if (!run.empty()) runs.push_back(std::move(run));
    }
    // Merge the runs, highest fee at the head first.
    struct Head {
        std::size_t run;
        std::size_t pos;
    };
    auto worse = [&runs](const Head& a, const Head& b) {
        const Transaction& x = *runs[a.run][a.pos];
        const Transaction& y = *runs[b.run][b.pos];
        if (x.fee() != y.fee()) return x.fee() < y.fee();
        return y.txid() < x.txid();
    };
    std::priority_queue<Head, std::vector<Head>, decltype(worse)> heads(worse);
    for (std::size_t i = 0; i < runs.size(); ++i)
        heads.push(Head{i, 0});
    std::vector<TransactionRef> out;
    while (!heads.empty() && out.size() < max_txs) {
        Head h = heads.top();
        heads.pop();
        out.push_back(runs[h.run][h.pos]);
        if (h.pos + 1 < runs[h.run].size()) heads.push(Head{h.run, h.pos + 1});
    }
    return out;
}

void Mempool::update_for_tip_change(const std::vector<BlockRef>& disconnected,
                                    const std::vector<BlockRef>& connected,
                                    const LedgerState& state) {
    // An empty pool and nothing disconnected: there is nothing to re-check and nothing to
    // remove, and the pool stays empty (every block, in a run without transactions).
    if (disconnected.empty() && empty()) return;
    std::unordered_set<Hash256> confirmed;
    for (const auto& block : connected) {
        for (const auto& tx : block->txs())
            confirmed.insert(tx->txid());
    }
    std::vector<TransactionRef> candidates;
    for (const auto& block : disconnected) {
        for (const auto& tx : block->txs()) {
            if (!tx->is_coinbase() && confirmed.count(tx->txid()) == 0) candidates.push_back(tx);
        }
    }
    for (const auto& [key, tx] : by_sender_nonce_) {
        if (confirmed.count(tx->txid()) == 0) candidates.push_back(tx);
    }
    std::sort(candidates.begin(), candidates.end(),
              [](const TransactionRef& a, const TransactionRef& b) {
                  if (a->sender_address() != b->sender_address()) {
                      return a->sender_address() < b->sender_address();
                  }
                  if (a->nonce() != b->nonce()) return a->nonce() < b->nonce();
                  return a->txid() < b->txid();
              });
    clear();
    // Every candidate's signature was checked when it entered this node (in the pool or
    // in a block it connected); only the context can have changed.
    for (const auto& tx : candidates) {
        if (contains(tx->txid()) || size() >= options_.max_txs) continue;
        if (check_in_context(*tx, state).ok()) insert(tx);
    }
}

std::vector<TransactionRef> Mempool::sorted() const {
    std::vector<TransactionRef> out;
    out.reserve(by_sender_nonce_.size());
    for (const auto& [key, tx] : by_sender_nonce_)
        out.push_back(tx);
    return out;
}

}  // namespace core

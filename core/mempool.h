// Mempool: transfers waiting for a block, validated against the tip's ledger state.
//
// Admission checks the signature, the nonce and the balance with the sender's other pending
// transactions counted. A nonce may run ahead of the next one the pool expects (the
// account's next nonce, moved past the sender's unbroken run of pending transactions) by up
// to max_nonce_gap: such a transaction waits until the gap fills, as transactions sent in
// a row can arrive out of order. Everything is kept in (sender, nonce) order, so every
// walk over the pool is deterministic. Single-threaded: one Mempool belongs to one node.
#pragma once

#include <cstdint>
#include <map>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/block.h"
#include "core/ledger.h"
#include "core/transaction.h"
#include "core/validation.h"

namespace core {

struct MempoolOptions {
    std::size_t max_txs = 100'000;     // capacity; further transactions get kMempoolFull
    std::uint64_t max_nonce_gap = 64;  // how far a nonce may run ahead of the expected one
    bool shared_validation = true;     // see ChainOptions::shared_validation
};

class Mempool {
  public:
    explicit Mempool(MempoolOptions options = {});

    // Admits `tx` if it is valid against `state` and the pending transactions.
    ValidationResult accept(const TransactionRef& tx, const LedgerState& state);

    bool contains(const Hash256& txid) const { return by_txid_.count(txid) != 0; }
    // The nonce the pool expects next from `sender` on top of `state`: the account's next
    // nonce, moved past the sender's unbroken run of pending transactions.
    std::uint64_t expected_nonce(const Address& sender, const LedgerState& state) const;
    TransactionRef get(const Hash256& txid) const;
    std::size_t size() const { return by_txid_.size(); }
    bool empty() const { return by_txid_.empty(); }

    // Up to `max_txs` transactions for a block on top of `state`: for each sender the
    // unbroken run of nonces from its next nonce that its balance covers; across senders
    // the highest fee first (ties: lower txid). Applying them in order to `state` succeeds.
    std::vector<TransactionRef> select(const LedgerState& state, std::size_t max_txs) const;

    // After the tip moved: transactions of `connected` blocks leave, those of
    // `disconnected` blocks come back, and everything is re-checked against `state` (the
    // new tip's); what is no longer valid leaves.
    void update_for_tip_change(const std::vector<BlockRef>& disconnected,
                               const std::vector<BlockRef>& connected, const LedgerState& state);

    // Every pending transaction in (sender, nonce) order.
    std::vector<TransactionRef> sorted() const;
    void clear();

  private:
    using Key = std::pair<Address, std::uint64_t>;  // (sender, nonce)

    // Nonce and balance checks against `state` and the sender's pending transactions.
    ValidationResult check_in_context(const Transaction& tx, const LedgerState& state) const;
    void insert(const TransactionRef& tx);

    MempoolOptions options_;
    std::map<Key, TransactionRef> by_sender_nonce_;
    std::unordered_map<Hash256, TransactionRef> by_txid_;  // lookups only
    // Per sender: how many transactions are pending and what they spend together
    // (amount + fee, saturating), so admission need not walk the sender's list.
    struct SenderTotals {
        std::uint64_t count = 0;
        std::uint64_t committed = 0;
    };
    std::unordered_map<Address, SenderTotals> senders_;  // lookups only
};

}  // namespace core

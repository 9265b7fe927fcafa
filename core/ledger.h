// Ledger state: balances and next nonces per address, and the apply / undo of a block.
//
// The state after a block is a pure function of the chain up to that block. Applying is
// atomic: on failure the state is left exactly as it was. Arithmetic is overflow-checked.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/block.h"
#include "core/keys.h"
#include "core/validation.h"

namespace core {

struct Account {
    std::uint64_t balance = 0;
    std::uint64_t next_nonce = 0;  // the nonce the account's next transfer must carry

    bool operator==(const Account&) const = default;
};

class LedgerState {
  public:
    // The account at `address`; a zero account when it was never touched.
    const Account& account(const Address& address) const;
    void set(const Address& address, const Account& account);
    std::size_t size() const { return accounts_.size(); }

    // Every non-empty account, sorted by address (the deterministic view).
    std::vector<std::pair<Address, Account>> sorted_accounts() const;
    // SHA-256 over sorted_accounts(): equal digests mean equal states.
    Hash256 digest() const;

    // Zero accounts are never stored, so equal states hold equal maps.
    bool operator==(const LedgerState& other) const { return accounts_ == other.accounts_; }

  private:
    std::unordered_map<Address, Account> accounts_;  // lookups only; never iterated for logic
};

// Credits the genesis block's allocations.
void apply_genesis(LedgerState& state, const Block& genesis);

// Applies `block`, the block at `height`, to `state`: each transfer's nonce must be the
// sender's next nonce (lower: kReplay, higher: kBadNonce), its balance must cover
// amount + fee, and the coinbase (nonce = height) may pay at most reward + fees.
// On failure `state` is unchanged.
ValidationResult apply_block(LedgerState& state, const Block& block, std::uint64_t height,
                             const ConsensusParams& params);

// Reverts `block`. The account model is reversible from the block alone (each transfer's
// debit, credit and nonce step, and the coinbase credit, undone newest first), so no undo
// data is stored. REQUIRES: `block` was the last block applied to `state`.
void undo_block(LedgerState& state, const Block& block);

// Checks one transfer against an account as it stands (nonce, balance); used by the
// mempool with the sender's account adjusted for its pending transactions.
ValidationResult check_against_account(const Transaction& tx, const Account& sender,
                                       std::uint64_t expected_nonce);

}  // namespace core

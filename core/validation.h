// Validation results: a reason code plus a human-readable message, in the manner of
// Bitcoin Core's consensus/validation.h. Validation never throws on bad input and never
// asserts on it; it returns one of these.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace core {

enum class Reject : std::uint8_t {
    kNone = 0,  // valid
    // Transactions
    kMalformed,           // cannot be decoded / wrong field types or lengths
    kBadSignature,        // signature does not verify for the sender's key
    kHighS,               // signature in the non-canonical high-S form
    kZeroAmount,          // amount must be > 0
    kAmountOverflow,      // amount + fee (or a balance) overflows 64 bits
    kInsufficientFunds,   // balance < amount + fee
    kBadNonce,            // nonce is ahead of the account's next nonce
    kReplay,              // nonce already used (a replayed or stale transaction)
    kNonceConflict,       // another pending transaction has this sender and nonce
    kDuplicateTx,         // this exact transaction is already known
    kUnexpectedCoinbase,  // a coinbase outside the first slot of a block
    kMempoolFull,         // pool at capacity and the fee does not beat the cheapest entry
    // Blocks
    kBadPow,          // hash above target, or bits invalid
    kBadBits,         // bits differ from the retarget rule's
    kBadMerkle,       // merkle root does not match the transactions
    kDuplicateTxid,   // the same txid twice in one block (CVE-2012-2459 mutation)
    kBadCoinbase,     // missing coinbase, wrong height or wrong amount
    kTooManyTxs,      // more transactions than max_block_txs
    kTimeTooOld,      // time not after the median of the last 11 blocks
    kTimeTooNew,      // time too far in the future of the node's clock
    kOrphan,          // parent unknown (not invalid: the block waits for it)
    kInvalidParent,   // descends from an invalid block
    kDuplicateBlock,  // already known
    kBadGenesis,      // a different genesis (a foreign chain)
};

// Stable kebab-case name used in reports and JSON errors ("bad-signature").
std::string_view reject_name(Reject reason);

struct [[nodiscard]] ValidationResult {
    Reject reason = Reject::kNone;
    std::string message;  // says what was wrong, for logs and API errors

    bool ok() const { return reason == Reject::kNone; }
    static ValidationResult valid() { return {}; }
    static ValidationResult invalid(Reject r, std::string msg) { return {r, std::move(msg)}; }
};

}  // namespace core

#include "core/validation.h"

namespace core {

std::string_view reject_name(Reject reason) {
    switch (reason) {
        case Reject::kNone:
            return "ok";
        case Reject::kMalformed:
            return "malformed";
        case Reject::kBadSignature:
            return "bad-signature";
        case Reject::kHighS:
            return "high-s";
        case Reject::kZeroAmount:
            return "zero-amount";
        case Reject::kAmountOverflow:
            return "amount-overflow";
        case Reject::kInsufficientFunds:
            return "insufficient-funds";
        case Reject::kBadNonce:
            return "bad-nonce";
        case Reject::kReplay:
            return "replay";
        case Reject::kNonceConflict:
            return "nonce-conflict";
        case Reject::kDuplicateTx:
            return "duplicate-tx";
        case Reject::kUnexpectedCoinbase:
            return "unexpected-coinbase";
        case Reject::kMempoolFull:
            return "mempool-full";
        case Reject::kBadPow:
            return "bad-pow";
        case Reject::kBadBits:
            return "bad-bits";
        case Reject::kBadMerkle:
            return "bad-merkle";
        case Reject::kDuplicateTxid:
            return "duplicate-txid";
        case Reject::kBadCoinbase:
            return "bad-coinbase";
        case Reject::kTooManyTxs:
            return "too-many-txs";
        case Reject::kTimeTooOld:
            return "time-too-old";
        case Reject::kTimeTooNew:
            return "time-too-new";
        case Reject::kOrphan:
            return "orphan";
        case Reject::kInvalidParent:
            return "invalid-parent";
        case Reject::kDuplicateBlock:
            return "duplicate-block";
        case Reject::kBadGenesis:
            return "bad-genesis";
    }
    return "unknown";
}

}  // namespace core

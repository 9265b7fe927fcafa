#include "core/transaction.h"

#include <limits>
#include <string>

namespace core {
namespace {

constexpr std::string_view kDigestDomain = "chainsim/tx/v1";

void put_u64(std::vector<std::uint8_t>& out, std::uint64_t v) {
    for (int i = 0; i < 8; ++i)
        out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

}  // namespace

Transaction::Transaction(std::optional<PublicKey> sender, const Address& recipient,
                         std::uint64_t amount, std::uint64_t fee, std::uint64_t nonce,
                         const Signature& signature)
    : sender_(std::move(sender)),
      sender_address_(sender_ ? sender_->address() : Address{}),
      recipient_(recipient),
      amount_(amount),
      fee_(fee),
      nonce_(nonce),
      signature_(signature),
      txid_(signing_digest(sender_, recipient, amount, fee, nonce)) {}

Hash256 Transaction::signing_digest(const std::optional<PublicKey>& sender,
                                    const Address& recipient, std::uint64_t amount,
                                    std::uint64_t fee, std::uint64_t nonce) {
    thread_local Sha256 hasher;
    hasher.write(kDigestDomain);
    if (sender) {
        hasher.write_u8(1).write(sender->bytes());
    } else {
        hasher.write_u8(0);
    }
    hasher.write(recipient.bytes).write_u64le(amount).write_u64le(fee).write_u64le(nonce);
    return hasher.finish();
}

TransactionRef Transaction::transfer(const PublicKey& sender, const Address& recipient,
                                     std::uint64_t amount, std::uint64_t fee, std::uint64_t nonce,
                                     const Signature& signature) {
    return std::make_shared<const Transaction>(sender, recipient, amount, fee, nonce, signature);
}

TransactionRef Transaction::sign_transfer(const PrivateKey& key, const Address& recipient,
                                          std::uint64_t amount, std::uint64_t fee,
                                          std::uint64_t nonce) {
    return sign_transfer(key, key.public_key(), recipient, amount, fee, nonce);
}

TransactionRef Transaction::sign_transfer(const PrivateKey& key, const PublicKey& public_key,
                                          const Address& recipient, std::uint64_t amount,
                                          std::uint64_t fee, std::uint64_t nonce) {
    Signature sig = key.sign(signing_digest(public_key, recipient, amount, fee, nonce));
    return transfer(public_key, recipient, amount, fee, nonce, sig);
}

TransactionRef Transaction::coinbase(const Address& recipient, std::uint64_t amount,
                                     std::uint64_t height) {
    return std::make_shared<const Transaction>(std::nullopt, recipient, amount, 0, height,
                                               Signature{});
}

ValidationResult Transaction::check(bool shared) const {
    if (amount_ == 0) {
        return ValidationResult::invalid(Reject::kZeroAmount, "amount must be greater than 0");
    }
    if (fee_ > std::numeric_limits<std::uint64_t>::max() - amount_) {
        return ValidationResult::invalid(Reject::kAmountOverflow,
                                         "amount + fee overflows a 64-bit integer");
    }
    if (is_coinbase()) return ValidationResult::valid();
    if (shared && signature_verified_.load(std::memory_order_relaxed)) {
        return ValidationResult::valid();
    }
    switch (verify_signature(*sender_, txid_, signature_)) {
        case SignatureCheck::kValid:
            if (shared) signature_verified_.store(true, std::memory_order_relaxed);
            return ValidationResult::valid();
        case SignatureCheck::kHighS:
            return ValidationResult::invalid(Reject::kHighS, "signature is not in low-S form");
        case SignatureCheck::kMalformed:
            return ValidationResult::invalid(Reject::kBadSignature,
                                             "signature r or s is out of range");
        case SignatureCheck::kInvalid:
            break;
    }
    return ValidationResult::invalid(Reject::kBadSignature,
                                     "signature does not verify for the sender's key");
}

std::vector<std::uint8_t> Transaction::serialize() const {
    std::vector<std::uint8_t> out;
    out.reserve(serialized_size());
    if (sender_) {
        out.push_back(1);
        out.insert(out.end(), sender_->bytes().begin(), sender_->bytes().end());
    } else {
        out.push_back(0);
    }
    out.insert(out.end(), recipient_.bytes.begin(), recipient_.bytes.end());
    put_u64(out, amount_);
    put_u64(out, fee_);
    put_u64(out, nonce_);
    if (sender_) out.insert(out.end(), signature_.bytes.begin(), signature_.bytes.end());
    return out;
}

}  // namespace core

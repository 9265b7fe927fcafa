// Transaction: the account-model transfer of the PyChain API, signed with secp256k1.
//
// A transfer moves `amount` from the sender's account to `recipient` and pays `fee` to the
// miner; `nonce` must equal the sender's next nonce. The signature covers a
// domain-separated digest of every other field; that digest is the txid. A coinbase has no
// sender and no signature; it pays the block reward plus fees, and its nonce is the
// block's height so coinbase txids are unique.
//
// Transactions are immutable and shared between nodes (TransactionRef). The only mutable
// state is a memo of a successful signature check, used when shared validation is on.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "core/hash.h"
#include "core/keys.h"
#include "core/validation.h"

namespace core {

class Transaction;
using TransactionRef = std::shared_ptr<const Transaction>;

class Transaction {
  public:
    // Size of the binary encoding of a transfer and of a coinbase, in bytes: kind, sender
    // (transfers only), recipient, amount, fee, nonce, signature (transfers only).
    static constexpr std::size_t kTransferSize = 1 + 33 + 20 + 8 + 8 + 8 + 64;
    static constexpr std::size_t kCoinbaseSize = 1 + 20 + 8 + 8 + 8;

    static TransactionRef transfer(const PublicKey& sender, const Address& recipient,
                                   std::uint64_t amount, std::uint64_t fee, std::uint64_t nonce,
                                   const Signature& signature);
    // Builds and signs a transfer from `key`'s account.
    static TransactionRef sign_transfer(const PrivateKey& key, const Address& recipient,
                                        std::uint64_t amount, std::uint64_t fee,
                                        std::uint64_t nonce);
    // The same with the public key already derived (REQUIRES: it is key.public_key()),
    // for callers that sign many transfers from one account.
    static TransactionRef sign_transfer(const PrivateKey& key, const PublicKey& public_key,
                                        const Address& recipient, std::uint64_t amount,
                                        std::uint64_t fee, std::uint64_t nonce);
    static TransactionRef coinbase(const Address& recipient, std::uint64_t amount,
                                   std::uint64_t height);

    // The digest a transfer's signature covers (and its txid).
    static Hash256 signing_digest(const std::optional<PublicKey>& sender, const Address& recipient,
                                  std::uint64_t amount, std::uint64_t fee, std::uint64_t nonce);

    bool is_coinbase() const { return !sender_.has_value(); }
    const std::optional<PublicKey>& sender() const { return sender_; }
    const Address& sender_address() const { return sender_address_; }  // zero for coinbase
    const Address& recipient() const { return recipient_; }
    std::uint64_t amount() const { return amount_; }
    std::uint64_t fee() const { return fee_; }
    std::uint64_t nonce() const { return nonce_; }
    const Signature& signature() const { return signature_; }
    const Hash256& txid() const { return txid_; }
    std::size_t serialized_size() const { return is_coinbase() ? kCoinbaseSize : kTransferSize; }

    // Checks that need nothing but the transaction: amount > 0, amount + fee does not
    // overflow, and (for transfers) a valid low-S signature. With `shared` set, a success
    // is remembered on this object so other nodes holding it skip the signature check.
    ValidationResult check(bool shared) const;

    // Canonical binary encoding (see codec.h for decoding).
    std::vector<std::uint8_t> serialize() const;

    Transaction(std::optional<PublicKey> sender, const Address& recipient, std::uint64_t amount,
                std::uint64_t fee, std::uint64_t nonce, const Signature& signature);

  private:
    std::optional<PublicKey> sender_;
    Address sender_address_;
    Address recipient_;
    std::uint64_t amount_;
    std::uint64_t fee_;
    std::uint64_t nonce_;
    Signature signature_;
    Hash256 txid_;
    mutable std::atomic<bool> signature_verified_{false};
};

}  // namespace core

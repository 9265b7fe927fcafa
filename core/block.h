// Block: a header plus its transactions, immutable and shared between nodes (BlockRef).
// The hash is computed once at construction. The only mutable state is a memo of a
// successful context-free check, used when shared validation is on.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "core/header.h"
#include "core/params.h"
#include "core/transaction.h"
#include "core/validation.h"

namespace core {

class Block;
using BlockRef = std::shared_ptr<const Block>;

class Block {
  public:
    Block(const BlockHeader& header, std::vector<TransactionRef> txs);
    static BlockRef make(const BlockHeader& header, std::vector<TransactionRef> txs);

    const BlockHeader& header() const { return header_; }
    const Hash256& hash() const { return hash_; }
    const Hash256& prev() const { return header_.prev; }
    const std::vector<TransactionRef>& txs() const { return txs_; }
    // The height the coinbase commits to (its nonce); 0 when there is no coinbase.
    std::uint64_t height() const;
    // Bytes on the wire: header, a 4-byte count, and each transaction's encoding.
    std::size_t serialized_size() const { return size_; }
    // Sum of the fees of the non-coinbase transactions (saturating).
    std::uint64_t total_fees() const;

    // Checks that need nothing but the block and the consensus rules: proof of work at
    // the pow limit, one coinbase and only in first place, the transaction count, the
    // merkle root, unique txids, and every transaction's own check. With `shared` set a
    // success is remembered on this object for every other node that holds it.
    ValidationResult check(const ConsensusParams& params, bool shared) const;

    std::vector<std::uint8_t> serialize() const;

  private:
    BlockHeader header_;
    std::vector<TransactionRef> txs_;
    Hash256 hash_;
    std::size_t size_;
    mutable std::atomic<bool> checked_{false};
};

// Merkle root of the txids of `txs`.
Hash256 compute_merkle_root(const std::vector<TransactionRef>& txs, bool* mutated = nullptr);

// The genesis block fixed by `params`: time genesis_time, bits at the pow limit, one
// coinbase-form transaction per allocation (nonce = its index) or, with no allocations,
// one coinbase of the block reward to the zero address; its nonce is searched so that it
// carries valid proof of work too. Identical on every node with the same params.
BlockRef make_genesis(const ConsensusParams& params);

}  // namespace core

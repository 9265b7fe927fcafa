#include "core/block.h"

#include <algorithm>
#include <limits>
#include <string>

#include "core/merkle.h"
#include "core/pow.h"

namespace core {

Block::Block(const BlockHeader& header, std::vector<TransactionRef> txs)
    : header_(header), txs_(std::move(txs)), hash_(header.hash()) {
    size_ = BlockHeader::kSize + 4;
    for (const auto& tx : txs_)
        size_ += tx->serialized_size();
}

BlockRef Block::make(const BlockHeader& header, std::vector<TransactionRef> txs) {
    return std::make_shared<const Block>(header, std::move(txs));
}

std::uint64_t Block::height() const {
    if (txs_.empty() || !txs_[0]->is_coinbase()) return 0;
    return txs_[0]->nonce();
}

std::uint64_t Block::total_fees() const {
    std::uint64_t total = 0;
    for (std::size_t i = 1; i < txs_.size(); ++i) {
        const std::uint64_t fee = txs_[i]->fee();
        total = fee > std::numeric_limits<std::uint64_t>::max() - total
                    ? std::numeric_limits<std::uint64_t>::max()
                    : total + fee;
    }
    return total;
}

Hash256 compute_merkle_root(const std::vector<TransactionRef>& txs, bool* mutated) {
    std::vector<Hash256> leaves;
    leaves.reserve(txs.size());
    for (const auto& tx : txs)
        leaves.push_back(tx->txid());
    return merkle_root(std::move(leaves), mutated);
}

ValidationResult Block::check(const ConsensusParams& params, bool shared) const {
    if (shared && checked_.load(std::memory_order_relaxed)) return ValidationResult::valid();

    if (!check_proof_of_work(hash_, header_.bits, params.pow_limit())) {
        return ValidationResult::invalid(Reject::kBadPow,
                                         "block hash " + hash_.display_hex() +
                                             " does not meet its target (or bits are invalid)");
    }
    if (txs_.empty() || !txs_[0]->is_coinbase()) {
        return ValidationResult::invalid(Reject::kBadCoinbase,
                                         "the first transaction must be the coinbase");
    }
    if (txs_.size() - 1 > params.max_block_txs) {
        return ValidationResult::invalid(Reject::kTooManyTxs,
                                         std::to_string(txs_.size() - 1) + " transactions exceed " +
                                             std::to_string(params.max_block_txs));
    }
    bool mutated = false;
    if (compute_merkle_root(txs_, &mutated) != header_.merkle_root) {
        return ValidationResult::invalid(Reject::kBadMerkle,
                                         "merkle root does not match the transactions");
    }
    std::vector<Hash256> txids;
    txids.reserve(txs_.size());
    for (const auto& tx : txs_)
        txids.push_back(tx->txid());
    std::sort(txids.begin(), txids.end());
    if (mutated || std::adjacent_find(txids.begin(), txids.end()) != txids.end()) {
        return ValidationResult::invalid(Reject::kDuplicateTxid,
                                         "a txid appears twice in the block");
    }
    for (std::size_t i = 0; i < txs_.size(); ++i) {
        const Transaction& tx = *txs_[i];
        if (i > 0 && tx.is_coinbase()) {
            return ValidationResult::invalid(Reject::kUnexpectedCoinbase,
                                             "coinbase at position " + std::to_string(i));
        }
        if (i == 0) continue;  // the coinbase amount is checked against fees in context
        ValidationResult r = tx.check(shared);
        if (!r.ok()) {
            r.message = "transaction " + tx.txid().display_hex() + ": " + r.message;
            return r;
        }
    }
    if (shared) checked_.store(true, std::memory_order_relaxed);
    return ValidationResult::valid();
}

std::vector<std::uint8_t> Block::serialize() const {
    std::vector<std::uint8_t> out;
    out.reserve(size_);
    auto header = header_.serialize();
    out.insert(out.end(), header.begin(), header.end());
    const auto count = static_cast<std::uint32_t>(txs_.size());
    for (int i = 0; i < 4; ++i)
        out.push_back(static_cast<std::uint8_t>(count >> (8 * i)));
    for (const auto& tx : txs_) {
        auto bytes = tx->serialize();
        out.insert(out.end(), bytes.begin(), bytes.end());
    }
    return out;
}

BlockRef make_genesis(const ConsensusParams& params) {
    std::vector<TransactionRef> txs;
    for (std::size_t i = 0; i < params.allocations.size(); ++i) {
        txs.push_back(
            Transaction::coinbase(params.allocations[i].to, params.allocations[i].amount, i));
    }
    if (txs.empty()) txs.push_back(Transaction::coinbase(Address{}, params.block_reward, 0));

    BlockHeader header;
    header.version = 1;
    header.merkle_root = compute_merkle_root(txs);
    header.time = params.genesis_time;
    header.bits = params.initial_bits();
    header.nonce = 0;
    // Deterministic: the first nonce that works. At any sane pow_bits one exists within
    // 2^32 tries; if none does, the genesis keeps nonce 0 (genesis is never validated).
    auto target = U256::from_compact(header.bits);
    auto found = search_nonce(header, target, std::numeric_limits<std::uint32_t>::max());
    if (found.found) header.nonce = found.nonce;
    return Block::make(header, std::move(txs));
}

}  // namespace core

// Codecs: JSON (the PyChain field names) and the canonical binary encoding, for
// transactions and blocks. Decoding is strict and never throws: wrong types, negative or
// fractional amounts, bad hex, wrong lengths and unknown fields come back as a kMalformed
// ValidationResult whose message names the field. Decoding checks form only; signatures,
// proof of work and the ledger are checked by Transaction::check, Block::check and Chain.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <span>

#include "core/block.h"
#include "core/transaction.h"
#include "core/validation.h"

namespace core {

// {"sender": 66 hex (or "0" for a coinbase), "recipient": 40 hex, "amount", "fee",
//  "nonce", "signature": 128 hex (or "" for a coinbase), "txid": display hex}
nlohmann::json tx_to_json(const Transaction& tx);

// Accepts the fields above; "fee" defaults to 0 and "txid", if present, must match.
// A coinbase ("sender": "0") is accepted only when `allow_coinbase` is set.
ValidationResult tx_from_json(const nlohmann::json& j, bool allow_coinbase, TransactionRef& out);

// {"index": height + 1 (PyChain counts blocks from 1), "height" (genesis 0), "hash",
//  "previous_hash", "timestamp", "proof": nonce, "version", "merkle_root", "bits", "nonce",
//  "transactions": [...]} — hashes in display hex.
nlohmann::json block_to_json(const Block& block);
// "hash", "index" and "height", when present, must match the decoded block.
ValidationResult block_from_json(const nlohmann::json& j, BlockRef& out);

ValidationResult tx_from_bytes(std::span<const std::uint8_t> bytes, TransactionRef& out);
ValidationResult block_from_bytes(std::span<const std::uint8_t> bytes, BlockRef& out);

}  // namespace core

#include "core/codec.h"

#include <string>

#include "core/hex.h"

namespace core {
namespace {

using nlohmann::json;

ValidationResult malformed(std::string message) {
    return ValidationResult::invalid(Reject::kMalformed, std::move(message));
}

// Reads a non-negative integer field that must fit in uint64 (no floats, no negatives).
ValidationResult read_u64(const json& j, const char* field, std::uint64_t& out) {
    auto it = j.find(field);
    if (it == j.end()) return malformed(std::string("missing field '") + field + "'");
    if (it->is_number_unsigned()) {
        out = it->get<std::uint64_t>();
        return ValidationResult::valid();
    }
    // JSON built in C++ from int values holds signed integers even when they are >= 0.
    if (it->is_number_integer()) {
        const std::int64_t v = it->get<std::int64_t>();
        if (v < 0) return malformed(std::string("'") + field + "' must not be negative");
        out = static_cast<std::uint64_t>(v);
        return ValidationResult::valid();
    }
    if (it->is_number_float()) {
        return malformed(std::string("'") + field +
                         "' must be a whole number that fits in 64 bits");
    }
    return malformed(std::string("'") + field + "' must be an integer");
}

ValidationResult read_u32(const json& j, const char* field, std::uint32_t& out) {
    std::uint64_t v = 0;
    ValidationResult r = read_u64(j, field, v);
    if (!r.ok()) return r;
    if (v > UINT32_MAX) return malformed(std::string("'") + field + "' exceeds 32 bits");
    out = static_cast<std::uint32_t>(v);
    return ValidationResult::valid();
}

ValidationResult read_string(const json& j, const char* field, std::string& out) {
    auto it = j.find(field);
    if (it == j.end()) return malformed(std::string("missing field '") + field + "'");
    if (!it->is_string()) return malformed(std::string("'") + field + "' must be a string");
    out = it->get<std::string>();
    return ValidationResult::valid();
}

ValidationResult read_hash(const json& j, const char* field, Hash256& out) {
    std::string s;
    ValidationResult r = read_string(j, field, s);
    if (!r.ok()) return r;
    auto h = Hash256::from_display_hex(s);
    if (!h) return malformed(std::string("'") + field + "' must be 64 hex digits");
    out = *h;
    return ValidationResult::valid();
}

ValidationResult only_fields(const json& j, std::initializer_list<const char*> allowed) {
    for (auto it = j.begin(); it != j.end(); ++it) {
        bool known = false;
        for (const char* name : allowed)
            known = known || it.key() == name;
        if (!known) return malformed("unknown field '" + it.key() + "'");
    }
    return ValidationResult::valid();
}

// A tiny reader for the binary encoding.
class Reader {
  public:
    explicit Reader(std::span<const std::uint8_t> b) : bytes_(b) {}
    bool take(std::span<std::uint8_t> out) {
        if (bytes_.size() - pos_ < out.size()) return false;
        std::copy_n(bytes_.begin() + static_cast<std::ptrdiff_t>(pos_), out.size(), out.begin());
        pos_ += out.size();
        return true;
    }
    bool u64(std::uint64_t& v) {
        std::uint8_t b[8];
        if (!take(b)) return false;
        v = 0;
        for (int i = 7; i >= 0; --i)
            v = v << 8 | b[i];
        return true;
    }
    bool u32(std::uint32_t& v) {
        std::uint8_t b[4];
        if (!take(b)) return false;
        v = static_cast<std::uint32_t>(b[0]) | static_cast<std::uint32_t>(b[1]) << 8 |
            static_cast<std::uint32_t>(b[2]) << 16 | static_cast<std::uint32_t>(b[3]) << 24;
        return true;
    }
    std::size_t remaining() const { return bytes_.size() - pos_; }
    std::span<const std::uint8_t> rest() const { return bytes_.subspan(pos_); }
    void skip(std::size_t n) { pos_ += n; }

  private:
    std::span<const std::uint8_t> bytes_;
    std::size_t pos_ = 0;
};

}  // namespace

json tx_to_json(const Transaction& tx) {
    return json{{"sender", tx.is_coinbase() ? std::string("0") : tx.sender()->hex()},
                {"recipient", tx.recipient().hex()},
                {"amount", tx.amount()},
                {"fee", tx.fee()},
                {"nonce", tx.nonce()},
                {"signature", tx.is_coinbase() ? std::string() : tx.signature().hex()},
                {"txid", tx.txid().display_hex()}};
}

ValidationResult tx_from_json(const json& j, bool allow_coinbase, TransactionRef& out) {
    if (!j.is_object()) return malformed("a transaction must be a JSON object");
    ValidationResult r =
        only_fields(j, {"sender", "recipient", "amount", "fee", "nonce", "signature", "txid"});
    if (!r.ok()) return r;
    std::string sender_hex, recipient_hex, signature_hex;
    std::uint64_t amount = 0, fee = 0, nonce = 0;
    if (!(r = read_string(j, "sender", sender_hex)).ok()) return r;
    if (!(r = read_string(j, "recipient", recipient_hex)).ok()) return r;
    if (!(r = read_u64(j, "amount", amount)).ok()) return r;
    if (j.contains("fee") && !(r = read_u64(j, "fee", fee)).ok()) return r;
    if (!(r = read_u64(j, "nonce", nonce)).ok()) return r;
    auto recipient = Address::from_hex(recipient_hex);
    if (!recipient) return malformed("'recipient' must be a 40-hex-digit address");

    if (sender_hex == "0") {
        if (!allow_coinbase) return malformed("'sender' \"0\" (a coinbase) is not allowed here");
        if (fee != 0) return malformed("a coinbase has no fee");
        if (j.contains("signature")) {
            // Written as "" (tx_to_json); anything else would not survive a round trip.
            if (!(r = read_string(j, "signature", signature_hex)).ok()) return r;
            if (!signature_hex.empty()) {
                return malformed("a coinbase has no signature (\"\" or none)");
            }
        }
        out = Transaction::coinbase(*recipient, amount, nonce);
    } else {
        auto sender = PublicKey::from_hex(sender_hex);
        if (!sender) {
            return malformed("'sender' must be a 66-hex-digit compressed public key");
        }
        if (!(r = read_string(j, "signature", signature_hex)).ok()) return r;
        auto signature = Signature::from_hex(signature_hex);
        if (!signature) return malformed("'signature' must be 128 hex digits (r || s)");
        out = Transaction::transfer(*sender, *recipient, amount, fee, nonce, *signature);
    }
    if (j.contains("txid")) {
        Hash256 claimed;
        if (!(r = read_hash(j, "txid", claimed)).ok()) return r;
        if (claimed != out->txid()) {
            return malformed("'txid' does not match the transaction (expected " +
                             out->txid().display_hex() + ")");
        }
    }
    return ValidationResult::valid();
}

json block_to_json(const Block& block) {
    const BlockHeader& h = block.header();
    json txs = json::array();
    for (const auto& tx : block.txs())
        txs.push_back(tx_to_json(*tx));
    char bits[16];
    std::snprintf(bits, sizeof bits, "%08x", h.bits);
    return json{{"index", block.height() + 1},
                {"height", block.height()},
                {"hash", block.hash().display_hex()},
                {"previous_hash", h.prev.display_hex()},
                {"timestamp", h.time},
                {"proof", h.nonce},
                // As the decoder reads it: the 32 bits unsigned, never a negative number.
                {"version", static_cast<std::uint32_t>(h.version)},
                {"merkle_root", h.merkle_root.display_hex()},
                {"bits", bits},
                {"nonce", h.nonce},
                {"transactions", std::move(txs)}};
}

ValidationResult block_from_json(const json& j, BlockRef& out) {
    if (!j.is_object()) return malformed("a block must be a JSON object");
    ValidationResult r =
        only_fields(j, {"index", "height", "hash", "previous_hash", "timestamp", "proof",
                        "version", "merkle_root", "bits", "nonce", "transactions"});
    if (!r.ok()) return r;
    BlockHeader h;
    std::string bits_hex;
    std::uint32_t version = 0;
    if (!(r = read_u32(j, "version", version)).ok()) return r;
    h.version = static_cast<std::int32_t>(version);
    if (!(r = read_hash(j, "previous_hash", h.prev)).ok()) return r;
    if (!(r = read_hash(j, "merkle_root", h.merkle_root)).ok()) return r;
    if (!(r = read_u32(j, "timestamp", h.time)).ok()) return r;
    if (!(r = read_string(j, "bits", bits_hex)).ok()) return r;
    std::uint8_t bits_raw[4];
    if (!from_hex_exact(bits_hex, bits_raw)) return malformed("'bits' must be 8 hex digits");
    h.bits = static_cast<std::uint32_t>(bits_raw[0]) << 24 |
             static_cast<std::uint32_t>(bits_raw[1]) << 16 |
             static_cast<std::uint32_t>(bits_raw[2]) << 8 | bits_raw[3];
    if (!(r = read_u32(j, "nonce", h.nonce)).ok()) return r;
    if (j.contains("proof")) {
        std::uint32_t proof = 0;
        if (!(r = read_u32(j, "proof", proof)).ok()) return r;
        if (proof != h.nonce) return malformed("'proof' must equal 'nonce'");
    }
    auto txs_it = j.find("transactions");
    if (txs_it == j.end() || !txs_it->is_array()) {
        return malformed("'transactions' must be an array");
    }
    std::vector<TransactionRef> txs;
    txs.reserve(txs_it->size());
    for (std::size_t i = 0; i < txs_it->size(); ++i) {
        TransactionRef tx;
        r = tx_from_json((*txs_it)[i], i == 0, tx);
        if (!r.ok()) {
            r.message = "transactions[" + std::to_string(i) + "]: " + r.message;
            return r;
        }
        txs.push_back(std::move(tx));
    }
    out = Block::make(h, std::move(txs));
    if (j.contains("hash")) {
        Hash256 claimed;
        if (!(r = read_hash(j, "hash", claimed)).ok()) return r;
        if (claimed != out->hash()) return malformed("'hash' does not match the header");
    }
    if (j.contains("index")) {
        std::uint64_t index = 0;
        if (!(r = read_u64(j, "index", index)).ok()) return r;
        if (index != out->height() + 1) {
            return malformed("'index' must be the coinbase height + 1 (PyChain counts from 1)");
        }
    }
    if (j.contains("height")) {
        std::uint64_t height = 0;
        if (!(r = read_u64(j, "height", height)).ok()) return r;
        if (height != out->height()) {
            return malformed("'height' does not match the coinbase height");
        }
    }
    return ValidationResult::valid();
}

ValidationResult tx_from_bytes(std::span<const std::uint8_t> bytes, TransactionRef& out) {
    Reader in(bytes);
    std::uint8_t kind = 0;
    if (!in.take(std::span(&kind, 1))) return malformed("empty transaction");
    std::array<std::uint8_t, 33> sender_raw{};
    if (kind == 1 && !in.take(sender_raw)) return malformed("truncated sender");
    if (kind > 1) return malformed("unknown transaction kind " + std::to_string(kind));
    Address recipient;
    std::uint64_t amount = 0, fee = 0, nonce = 0;
    if (!in.take(recipient.bytes) || !in.u64(amount) || !in.u64(fee) || !in.u64(nonce)) {
        return malformed("truncated transaction");
    }
    if (kind == 0) {
        if (fee != 0) return malformed("a coinbase has no fee");
        out = Transaction::coinbase(recipient, amount, nonce);
    } else {
        auto sender = PublicKey::parse(sender_raw);
        if (!sender) return malformed("sender is not a valid compressed public key");
        Signature sig;
        if (!in.take(sig.bytes)) return malformed("truncated signature");
        out = Transaction::transfer(*sender, recipient, amount, fee, nonce, sig);
    }
    if (in.remaining() != 0) return malformed("trailing bytes after the transaction");
    return ValidationResult::valid();
}

ValidationResult block_from_bytes(std::span<const std::uint8_t> bytes, BlockRef& out) {
    if (bytes.size() < BlockHeader::kSize + 4) return malformed("truncated block");
    BlockHeader header = BlockHeader::deserialize(bytes.first<BlockHeader::kSize>());
    Reader in(bytes.subspan(BlockHeader::kSize));
    std::uint32_t count = 0;
    in.u32(count);
    if (count > in.remaining() / Transaction::kCoinbaseSize) {
        return malformed("transaction count exceeds the data");
    }
    std::vector<TransactionRef> txs;
    txs.reserve(count);
    for (std::uint32_t i = 0; i < count; ++i) {
        auto rest = in.rest();
        if (rest.empty()) return malformed("truncated block");
        const std::size_t size =
            rest[0] == 1 ? Transaction::kTransferSize : Transaction::kCoinbaseSize;
        if (rest.size() < size) return malformed("truncated transaction in block");
        TransactionRef tx;
        ValidationResult r = tx_from_bytes(rest.first(size), tx);
        if (!r.ok()) {
            r.message = "transaction " + std::to_string(i) + ": " + r.message;
            return r;
        }
        in.skip(size);
        txs.push_back(std::move(tx));
    }
    if (in.remaining() != 0) return malformed("trailing bytes after the block");
    out = Block::make(header, std::move(txs));
    return ValidationResult::valid();
}

}  // namespace core

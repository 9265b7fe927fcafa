// Fuzz target: a transaction as JSON (the PyChain fields, core::tx_from_json), and the same
// bytes as the binary encoding (core::tx_from_bytes).
// Properties:
//   - decoding never throws; a refusal is kMalformed with a message;
//   - a decoded transaction encodes to JSON that decodes to the same transaction (same
//     txid, same JSON), and to binary that decodes to it too;
//   - the fields the encoder writes are the fields that were read (hex compared without
//     regard to case);
//   - a coinbase is decoded only when allowed;
//   - bytes decode only when they are exactly a canonical encoding.
#include <cctype>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>

#include "core/codec.h"
#include "fuzz_check.h"
#include "fuzz_json.h"

namespace {

using nlohmann::json;

void check_json(const json& j, bool allow_coinbase) {
    core::TransactionRef tx;
    const core::ValidationResult r = core::tx_from_json(j, allow_coinbase, tx);
    if (!r.ok()) {
        FUZZ_CHECK(r.reason == core::Reject::kMalformed, r.message);
        FUZZ_CHECK(!r.message.empty(), "a refusal without a message");
        return;
    }
    FUZZ_CHECK(tx != nullptr, "accepted without a transaction");
    FUZZ_CHECK(allow_coinbase || !tx->is_coinbase(), j.dump());

    const json written = core::tx_to_json(*tx);
    for (const auto& [key, value] : written.items()) {
        if (j.contains(key)) FUZZ_CHECK(fuzz::same_field(j[key], value), key + ": " + j.dump());
    }
    core::TransactionRef again;
    const core::ValidationResult r2 = core::tx_from_json(written, allow_coinbase, again);
    FUZZ_CHECK(r2.ok(), r2.message + ": " + written.dump());
    FUZZ_CHECK(again->txid() == tx->txid(), written.dump());
    FUZZ_CHECK(core::tx_to_json(*again) == written, written.dump());

    const std::vector<std::uint8_t> bytes = tx->serialize();
    FUZZ_CHECK(bytes.size() == tx->serialized_size(), written.dump());
    core::TransactionRef decoded;
    const core::ValidationResult r3 = core::tx_from_bytes(bytes, decoded);
    FUZZ_CHECK(r3.ok(), r3.message + ": " + written.dump());
    FUZZ_CHECK(decoded->txid() == tx->txid(), written.dump());

    // Signature and amount checks return a verdict, whatever the fields hold.
    const core::ValidationResult checked = tx->check(/*shared=*/false);
    FUZZ_CHECK(checked.ok() || !checked.message.empty(), "a check refusal without a message");
}

void check_bytes(std::span<const std::uint8_t> bytes) {
    core::TransactionRef tx;
    const core::ValidationResult r = core::tx_from_bytes(bytes, tx);
    if (!r.ok()) {
        FUZZ_CHECK(r.reason == core::Reject::kMalformed, r.message);
        FUZZ_CHECK(!r.message.empty(), "a refusal without a message");
        return;
    }
    const std::vector<std::uint8_t> again = tx->serialize();
    FUZZ_CHECK(std::equal(again.begin(), again.end(), bytes.begin(), bytes.end()),
               "decoded bytes that are not the canonical encoding");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    check_bytes({data, size});
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) return 0;
    check_json(j, /*allow_coinbase=*/false);
    check_json(j, /*allow_coinbase=*/true);
    return 0;
}

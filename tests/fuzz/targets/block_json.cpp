// Fuzz target: a block as JSON (core::block_from_json, what POST /blocks and GET /chain
// carry), and the same bytes as the binary encoding (core::block_from_bytes).
// Properties:
//   - decoding never throws; a refusal is kMalformed with a message;
//   - a decoded block encodes to JSON that decodes to the same block (same hash, same
//     JSON, same bytes), and its binary encoding decodes to it too;
//   - the header fields written are the ones read (hex without regard to case);
//   - Block::check returns a verdict with a reason, whatever the block holds;
//   - bytes decode only when they are exactly a canonical encoding.
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>

#include "core/block.h"
#include "core/codec.h"
#include "core/params.h"
#include "fuzz_check.h"
#include "fuzz_json.h"

namespace {

using nlohmann::json;

void check_verdict(const core::Block& block) {
    core::ConsensusParams params;  // the defaults; any verdict will do, it must have a reason
    const core::ValidationResult r = block.check(params, /*shared=*/false);
    FUZZ_CHECK(r.ok() || !r.message.empty(), "a block check refusal without a message");
}

void check_json(const json& j) {
    core::BlockRef block;
    const core::ValidationResult r = core::block_from_json(j, block);
    if (!r.ok()) {
        FUZZ_CHECK(r.reason == core::Reject::kMalformed, r.message);
        FUZZ_CHECK(!r.message.empty(), "a refusal without a message");
        return;
    }
    FUZZ_CHECK(block != nullptr, "accepted without a block");
    const json written = core::block_to_json(*block);
    for (const auto& [key, value] : written.items()) {
        if (key != "transactions" && j.contains(key)) {
            FUZZ_CHECK(fuzz::same_field(j[key], value), key + ": " + j[key].dump() + " became " +
                                                      value.dump());
        }
    }
    core::BlockRef again;
    const core::ValidationResult r2 = core::block_from_json(written, again);
    FUZZ_CHECK(r2.ok(), r2.message + ": " + written.dump());
    FUZZ_CHECK(again->hash() == block->hash(), written.dump());
    FUZZ_CHECK(core::block_to_json(*again) == written, written.dump());
    FUZZ_CHECK(again->serialize() == block->serialize(), written.dump());

    const std::vector<std::uint8_t> bytes = block->serialize();
    FUZZ_CHECK(bytes.size() == block->serialized_size(), written.dump());
    core::BlockRef decoded;
    const core::ValidationResult r3 = core::block_from_bytes(bytes, decoded);
    FUZZ_CHECK(r3.ok(), r3.message + ": " + written.dump());
    FUZZ_CHECK(decoded->hash() == block->hash(), written.dump());
    check_verdict(*block);
}

void check_bytes(std::span<const std::uint8_t> bytes) {
    core::BlockRef block;
    const core::ValidationResult r = core::block_from_bytes(bytes, block);
    if (!r.ok()) {
        FUZZ_CHECK(r.reason == core::Reject::kMalformed, r.message);
        FUZZ_CHECK(!r.message.empty(), "a refusal without a message");
        return;
    }
    const std::vector<std::uint8_t> again = block->serialize();
    FUZZ_CHECK(std::equal(again.begin(), again.end(), bytes.begin(), bytes.end()),
               "decoded bytes that are not the canonical encoding");
    check_verdict(*block);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    check_bytes({data, size});
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (!j.is_discarded()) check_json(j);
    return 0;
}

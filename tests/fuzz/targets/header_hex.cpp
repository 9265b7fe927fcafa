// Fuzz target: a block header as hex (`chainsim inspect header HEX`): core::from_hex,
// BlockHeader::deserialize, the compact target and the proof-of-work check.
// Properties:
//   - from_hex accepts exactly the even-length strings of hex digits, and to_hex gives the
//     text back (in lower case); from_hex_exact accepts exactly 80 such bytes;
//   - a header deserializes and serializes to the same 80 bytes; its hash is sha256d of them;
//   - the compact target round-trips: from_compact(to_compact(t)) == t for a target t that
//     is neither negative nor overflowing;
//   - the proof-of-work check and the difficulty return for any bits.
#include <array>
#include <cctype>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/hash.h"
#include "core/header.h"
#include "core/hex.h"
#include "core/pow.h"
#include "core/uint256.h"
#include "fuzz_check.h"

namespace {

bool all_hex(std::string_view text) {
    for (char c : text) {
        if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
    }
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    // The command line strips nothing; neither do we. A trailing newline is a bad character.
    const bool well_formed = text.size() % 2 == 0 && all_hex(text);
    const auto bytes = core::from_hex(text);
    FUZZ_CHECK(bytes.has_value() == well_formed, std::string(text));
    if (bytes) FUZZ_CHECK(core::to_hex(*bytes) == fuzz::lower(text), std::string(text));

    std::array<std::uint8_t, core::BlockHeader::kSize> raw{};
    const bool exact = core::from_hex_exact(text, raw);
    FUZZ_CHECK(exact == (well_formed && text.size() == 2 * core::BlockHeader::kSize),
               std::string(text));
    if (!exact) return 0;

    const core::BlockHeader header = core::BlockHeader::deserialize(raw);
    FUZZ_CHECK(header.serialize() == raw, std::string(text));
    FUZZ_CHECK(header.hash() == core::sha256d(raw), std::string(text));
    FUZZ_CHECK(core::BlockHeader::deserialize(header.serialize()) == header, std::string(text));

    bool negative = false;
    bool overflow = false;
    const core::U256 target = core::U256::from_compact(header.bits, &negative, &overflow);
    if (!negative && !overflow) {
        const std::uint32_t compact = target.to_compact();
        bool negative2 = false;
        bool overflow2 = false;
        FUZZ_CHECK(core::U256::from_compact(compact, &negative2, &overflow2) == target,
                   "bits " + std::to_string(header.bits) + " -> " + std::to_string(compact));
        FUZZ_CHECK(!negative2 && !overflow2, "bits " + std::to_string(header.bits));
    }
    const bool pow = core::check_proof_of_work(header.hash(), header.bits, ~core::U256());
    if (pow) {
        FUZZ_CHECK(!negative && !overflow && !target.is_zero(), "PoW holds for unusable bits");
        FUZZ_CHECK(core::U256::from_hash(header.hash()) <= target, "PoW holds above the target");
    }
    (void)core::difficulty_from_bits(header.bits);
    return 0;
}

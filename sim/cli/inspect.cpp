// chainsim inspect header HEX | merkle TXID... | bits BITS
#include <cstdio>

#include "core/header.h"
#include "core/hex.h"
#include "core/merkle.h"
#include "core/pow.h"
#include "sim/cli/cli.h"

namespace cli {
namespace {

std::string bits_hex(std::uint32_t bits) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%08x", bits);
    return buf;
}

std::uint32_t parse_bits(std::string text) {
    if (text.rfind("0x", 0) == 0 || text.rfind("0X", 0) == 0) text = text.substr(2);
    std::uint8_t raw[4];
    if (!core::from_hex_exact(text, raw)) {
        bad_input("bits must be 8 hex digits such as 1d00ffff, got '" + text + "'");
    }
    return static_cast<std::uint32_t>(raw[0]) << 24 | static_cast<std::uint32_t>(raw[1]) << 16 |
           static_cast<std::uint32_t>(raw[2]) << 8 | raw[3];
}

void inspect_header(const std::string& hex) {
    std::array<std::uint8_t, core::BlockHeader::kSize> raw;
    if (!core::from_hex_exact(hex, raw)) {
        bad_input("a header must be 160 hex digits (80 bytes), got " + std::to_string(hex.size()) +
                  " characters" + (core::from_hex(hex) ? "" : " (or a non-hex character)"));
    }
    const core::BlockHeader h = core::BlockHeader::deserialize(raw);
    bool negative = false;
    bool overflow = false;
    const core::U256 target = core::U256::from_compact(h.bits, &negative, &overflow);
    // Valid against its own bits: any well-formed target counts (no network's limit).
    const bool pow_valid = core::check_proof_of_work(h.hash(), h.bits, ~core::U256());
    print_json({{"hash", h.hash().display_hex()},
                {"version", h.version},
                {"prev", h.prev.display_hex()},
                {"merkle_root", h.merkle_root.display_hex()},
                {"time", h.time},
                {"bits", bits_hex(h.bits)},
                {"target", target.hex()},
                {"nonce", h.nonce},
                {"pow_valid", pow_valid}});
}

void inspect_merkle(const std::vector<std::string>& txids) {
    std::vector<core::Hash256> leaves;
    for (const auto& t : txids) {
        auto h = core::Hash256::from_display_hex(t);
        if (!h) bad_input("a txid must be 64 hex digits (display order), got '" + t + "'");
        leaves.push_back(*h);
    }
    print_json({{"merkle_root", core::merkle_root(leaves).display_hex()}});
}

void inspect_bits(const std::string& text) {
    const std::uint32_t bits = parse_bits(text);
    bool negative = false;
    bool overflow = false;
    const core::U256 target = core::U256::from_compact(bits, &negative, &overflow);
    print_json({{"bits", bits_hex(bits)},
                {"target", target.hex()},
                {"difficulty", core::difficulty_from_bits(bits)},
                {"negative", negative},
                {"overflow", overflow}});
}

}  // namespace

void add_inspect_commands(CLI::App& app) {
    auto* inspect = app.add_subcommand("inspect", "Decode headers, merkle roots and compact bits");
    inspect->require_subcommand(1);

    auto* header = inspect->add_subcommand("header", "Decode an 80-byte block header (hex)");
    auto header_hex = std::make_shared<std::string>();
    header->add_option("HEX", *header_hex, "160 hex digits")->required();
    header->callback([header_hex] { inspect_header(*header_hex); });

    auto* merkle = inspect->add_subcommand("merkle", "Merkle root of txids (display hex)");
    auto txids = std::make_shared<std::vector<std::string>>();
    merkle->add_option("TXID", *txids, "txids in block order")->required();
    merkle->callback([txids] { inspect_merkle(*txids); });

    auto* bits = inspect->add_subcommand("bits", "Decode compact bits (e.g. 1d00ffff)");
    auto bits_text = std::make_shared<std::string>();
    bits->add_option("BITS", *bits_text, "8 hex digits, optional 0x")->required();
    bits->callback([bits_text] { inspect_bits(*bits_text); });
}

}  // namespace cli

// Hex encoding. Decoding is strict: even length, characters [0-9a-fA-F] only.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace core {

// Lower-case hex of `bytes` in the order given.
std::string to_hex(std::span<const std::uint8_t> bytes);

// Decodes `hex`; nullopt if it has odd length or a non-hex character.
std::optional<std::vector<std::uint8_t>> from_hex(std::string_view hex);

// Decodes exactly out.size() bytes; false (out unspecified) on any other length or bad input.
[[nodiscard]] bool from_hex_exact(std::string_view hex, std::span<std::uint8_t> out);

}  // namespace core

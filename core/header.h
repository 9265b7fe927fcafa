// BlockHeader: Bitcoin's 80-byte header. Integers are little-endian on the wire; prev and
// merkle_root are stored in internal byte order. The block hash is sha256d of the 80 bytes.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>

#include "core/hash.h"

namespace core {

struct BlockHeader {
    std::int32_t version = 1;
    Hash256 prev;            // hash of the parent block; zero for genesis
    Hash256 merkle_root;     // over the txids of the block's transactions
    std::uint32_t time = 0;  // seconds since the Unix epoch
    std::uint32_t bits = 0;  // compact target
    std::uint32_t nonce = 0;

    static constexpr std::size_t kSize = 80;

    std::array<std::uint8_t, kSize> serialize() const;
    static BlockHeader deserialize(std::span<const std::uint8_t, kSize> bytes);
    Hash256 hash() const;

    bool operator==(const BlockHeader&) const = default;
};

}  // namespace core

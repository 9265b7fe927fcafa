#include "core/header.h"

#include <algorithm>

namespace core {
namespace {

void put_u32(std::uint8_t* out, std::uint32_t v) {
    for (int i = 0; i < 4; ++i)
        out[i] = static_cast<std::uint8_t>(v >> (8 * i));
}

std::uint32_t get_u32(const std::uint8_t* in) {
    return static_cast<std::uint32_t>(in[0]) | static_cast<std::uint32_t>(in[1]) << 8 |
           static_cast<std::uint32_t>(in[2]) << 16 | static_cast<std::uint32_t>(in[3]) << 24;
}

}  // namespace

std::array<std::uint8_t, BlockHeader::kSize> BlockHeader::serialize() const {
    std::array<std::uint8_t, kSize> out{};
    put_u32(&out[0], static_cast<std::uint32_t>(version));
    std::copy(prev.bytes.begin(), prev.bytes.end(), &out[4]);
    std::copy(merkle_root.bytes.begin(), merkle_root.bytes.end(), &out[36]);
    put_u32(&out[68], time);
    put_u32(&out[72], bits);
    put_u32(&out[76], nonce);
    return out;
}

BlockHeader BlockHeader::deserialize(std::span<const std::uint8_t, kSize> in) {
    BlockHeader h;
    h.version = static_cast<std::int32_t>(get_u32(&in[0]));
    std::copy(&in[4], &in[36], h.prev.bytes.begin());
    std::copy(&in[36], &in[68], h.merkle_root.bytes.begin());
    h.time = get_u32(&in[68]);
    h.bits = get_u32(&in[72]);
    h.nonce = get_u32(&in[76]);
    return h;
}

Hash256 BlockHeader::hash() const {
    auto bytes = serialize();
    return sha256d(bytes);
}

}  // namespace core

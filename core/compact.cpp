#include "core/compact.h"

#include <array>
#include <cmath>
#include <cstring>
#include <string>

namespace core {
namespace {

std::uint64_t rotl(std::uint64_t x, int b) {
    return (x << b) | (x >> (64 - b));
}

std::uint64_t load_le64(const std::uint8_t* p) {
    std::uint64_t v = 0;
    for (int i = 7; i >= 0; --i)
        v = (v << 8) | p[i];
    return v;
}

// A 64-bit mixer (splitmix64) to turn one hash into a stream of uniform words.
std::uint64_t splitmix64(std::uint64_t& state) {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

// Uniform in (0, 1]: never 0, so log() below is finite.
double uniform_open0(std::uint64_t& state) {
    return (static_cast<double>(splitmix64(state) >> 11) + 1.0) * 0x1.0p-53;
}

}  // namespace

std::uint64_t siphash24(std::uint64_t k0, std::uint64_t k1, const Hash256& data) {
    std::uint64_t v0 = 0x736f6d6570736575ULL ^ k0;
    std::uint64_t v1 = 0x646f72616e646f6dULL ^ k1;
    std::uint64_t v2 = 0x6c7967656e657261ULL ^ k0;
    std::uint64_t v3 = 0x7465646279746573ULL ^ k1;
    auto round = [&] {
        v0 += v1;
        v1 = rotl(v1, 13);
        v1 ^= v0;
        v0 = rotl(v0, 32);
        v2 += v3;
        v3 = rotl(v3, 16);
        v3 ^= v2;
        v0 += v3;
        v3 = rotl(v3, 21);
        v3 ^= v0;
        v2 += v1;
        v1 = rotl(v1, 17);
        v1 ^= v2;
        v2 = rotl(v2, 32);
    };
    auto compress = [&](std::uint64_t m) {
        v3 ^= m;
        round();
        round();
        v0 ^= m;
    };
    for (int i = 0; i < 4; ++i)
        compress(load_le64(data.bytes.data() + 8 * i));
    compress(std::uint64_t{32} << 56);  // the length byte; no tail bytes for 32 bytes
    v2 ^= 0xff;
    for (int i = 0; i < 4; ++i)
        round();
    return v0 ^ v1 ^ v2 ^ v3;
}

ShortIdKey short_id_key(const BlockHeader& header, std::uint64_t nonce) {
    std::array<std::uint8_t, BlockHeader::kSize + 8> bytes{};
    const auto h = header.serialize();
    std::memcpy(bytes.data(), h.data(), h.size());
    for (int i = 0; i < 8; ++i)
        bytes[BlockHeader::kSize + i] = static_cast<std::uint8_t>(nonce >> (8 * i));
    const Hash256 digest = sha256(bytes);
    return ShortIdKey{load_le64(digest.bytes.data()), load_le64(digest.bytes.data() + 8)};
}

std::uint64_t short_id(const ShortIdKey& key, const Hash256& txid) {
    return siphash24(key.k0, key.k1, txid) & 0xffffffffffffULL;
}

std::uint64_t missing_padding(const Hash256& block, int node, std::uint64_t padding_txs,
                              double miss_rate) {
    if (padding_txs == 0 || !(miss_rate > 0.0)) return 0;
    if (miss_rate >= 1.0) return padding_txs;
    std::array<std::uint8_t, 32 + 8> bytes{};
    std::memcpy(bytes.data(), block.bytes.data(), 32);
    const auto id = static_cast<std::uint64_t>(static_cast<std::int64_t>(node));
    for (int i = 0; i < 8; ++i)
        bytes[32 + i] = static_cast<std::uint8_t>(id >> (8 * i));
    std::uint64_t state = load_le64(sha256(bytes).bytes.data());
    // Exact binomial by geometric skips: the gap to the next missing transaction is
    // Geometric(miss_rate), so the loop runs about padding_txs * miss_rate + 1 times.
    const double log_keep = std::log1p(-miss_rate);
    std::uint64_t missing = 0;
    double position = 0;
    const auto n = static_cast<double>(padding_txs);
    while (true) {
        position += std::floor(std::log(uniform_open0(state)) / log_keep) + 1.0;
        if (position > n) return missing;
        ++missing;
    }
}

}  // namespace core

// SHA-256 on OpenSSL 3. General hashing goes through EVP with the digest fetched once.
// The header midstate needs the one thing EVP does not expose, the compression function
// on a caller-held state, so HeaderHasher uses OpenSSL's SHA256_Transform; that API is
// marked deprecated in OpenSSL 3 (still shipped and supported), hence the define below,
// which is confined to this file.
#define OPENSSL_SUPPRESS_DEPRECATED 1

#include "core/hash.h"

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cstdlib>

#include "core/hex.h"

namespace core {
namespace {

const EVP_MD* sha256_md() {
    static const EVP_MD* md = [] {
        EVP_MD* fetched = EVP_MD_fetch(nullptr, "SHA256", nullptr);
        if (fetched == nullptr) std::abort();  // OpenSSL without SHA-256: unusable build
        return fetched;
    }();
    return md;
}

constexpr std::array<std::uint32_t, 8> kInitialState = {
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

void store_be32(std::uint8_t* out, std::uint32_t v) {
    out[0] = static_cast<std::uint8_t>(v >> 24);
    out[1] = static_cast<std::uint8_t>(v >> 16);
    out[2] = static_cast<std::uint8_t>(v >> 8);
    out[3] = static_cast<std::uint8_t>(v);
}

// One SHA-256 compression of `block` into `state`.
void compress(std::array<std::uint32_t, 8>& state, const std::uint8_t* block) {
    SHA256_CTX ctx;
    std::copy(state.begin(), state.end(), ctx.h);
    SHA256_Transform(&ctx, block);
    std::copy(ctx.h, ctx.h + 8, state.begin());
}

}  // namespace

struct Sha256::Impl {
    EVP_MD_CTX* ctx;
};

Sha256::Sha256() : impl_(new Impl{EVP_MD_CTX_new()}) {
    if (impl_->ctx == nullptr || EVP_DigestInit_ex2(impl_->ctx, sha256_md(), nullptr) != 1) {
        std::abort();  // allocation failure inside OpenSSL
    }
}

Sha256::~Sha256() {
    EVP_MD_CTX_free(impl_->ctx);
    delete impl_;
}

Sha256& Sha256::write(std::span<const std::uint8_t> data) {
    EVP_DigestUpdate(impl_->ctx, data.data(), data.size());
    return *this;
}

Sha256& Sha256::write(std::string_view text) {
    EVP_DigestUpdate(impl_->ctx, text.data(), text.size());
    return *this;
}

Sha256& Sha256::write_u8(std::uint8_t v) {
    return write(std::span<const std::uint8_t>(&v, 1));
}

Sha256& Sha256::write_u32le(std::uint32_t v) {
    std::uint8_t b[4];
    for (int i = 0; i < 4; ++i)
        b[i] = static_cast<std::uint8_t>(v >> (8 * i));
    return write(b);
}

Sha256& Sha256::write_u64le(std::uint64_t v) {
    std::uint8_t b[8];
    for (int i = 0; i < 8; ++i)
        b[i] = static_cast<std::uint8_t>(v >> (8 * i));
    return write(b);
}

Hash256 Sha256::finish() {
    Hash256 out;
    unsigned int len = 0;
    EVP_DigestFinal_ex(impl_->ctx, out.bytes.data(), &len);
    EVP_DigestInit_ex2(impl_->ctx, nullptr, nullptr);
    return out;
}

Hash256 sha256(std::span<const std::uint8_t> data) {
    thread_local Sha256 hasher;
    return hasher.write(data).finish();
}

Hash256 sha256(std::string_view text) {
    thread_local Sha256 hasher;
    return hasher.write(text).finish();
}

Hash256 sha256d(std::span<const std::uint8_t> data) {
    Hash256 first = sha256(data);
    return sha256(first.bytes);
}

std::optional<Hash256> Hash256::from_hex(std::string_view hex) {
    Hash256 h;
    if (!from_hex_exact(hex, h.bytes)) return std::nullopt;
    return h;
}

std::optional<Hash256> Hash256::from_display_hex(std::string_view hex) {
    auto h = from_hex(hex);
    if (h) std::reverse(h->bytes.begin(), h->bytes.end());
    return h;
}

std::string Hash256::hex() const {
    return to_hex(bytes);
}

std::string Hash256::display_hex() const {
    std::array<std::uint8_t, 32> reversed = bytes;
    std::reverse(reversed.begin(), reversed.end());
    return to_hex(reversed);
}

bool Hash256::is_zero() const {
    return std::all_of(bytes.begin(), bytes.end(), [](std::uint8_t b) { return b == 0; });
}

HeaderHasher::HeaderHasher(std::span<const std::uint8_t, 80> header) {
    midstate_ = kInitialState;
    compress(midstate_, header.data());
    // Second block: bytes 64..79, the 0x80 terminator, zeros, and the bit length (640).
    std::copy(header.begin() + 64, header.end(), tail_block_.begin());
    tail_block_[16] = 0x80;
    tail_block_[62] = 0x02;
    tail_block_[63] = 0x80;
}

Hash256 HeaderHasher::hash_with_nonce(std::uint32_t nonce) const {
    std::array<std::uint8_t, 64> block = tail_block_;
    for (int i = 0; i < 4; ++i)
        block[12 + i] = static_cast<std::uint8_t>(nonce >> (8 * i));
    std::array<std::uint32_t, 8> state = midstate_;
    compress(state, block.data());

    // Second round: the 32-byte digest, padded to one block (bit length 256).
    std::array<std::uint8_t, 64> second{};
    for (int i = 0; i < 8; ++i)
        store_be32(&second[4 * i], state[i]);
    second[32] = 0x80;
    second[62] = 0x01;
    second[63] = 0x00;
    std::array<std::uint32_t, 8> final_state = kInitialState;
    compress(final_state, second.data());

    Hash256 out;
    for (int i = 0; i < 8; ++i)
        store_be32(&out.bytes[4 * i], final_state[i]);
    return out;
}

}  // namespace core

// Hash256 and SHA-256 on OpenSSL 3.
//
// A Hash256 holds 32 raw bytes in internal order (the order SHA-256 produces them).
// Block hashes, txids and merkle roots are *displayed* byte-reversed, as Bitcoin does.
// Thread safety: all functions may be called from any thread.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <cstring>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace core {

struct Hash256 {
    std::array<std::uint8_t, 32> bytes{};

    // Parses 64 hex characters in display (byte-reversed) order.
    static std::optional<Hash256> from_display_hex(std::string_view hex);
    // Parses 64 hex characters in internal order.
    static std::optional<Hash256> from_hex(std::string_view hex);

    std::string display_hex() const;  // byte-reversed, as Bitcoin shows block hashes
    std::string hex() const;          // internal order
    bool is_zero() const;

    const std::uint8_t* data() const { return bytes.data(); }
    std::uint8_t* data() { return bytes.data(); }

    auto operator<=>(const Hash256&) const = default;
    // Four 64-bit words instead of a call to memcmp: lookups compare hashes on every event.
    bool operator==(const Hash256& o) const {
        std::uint64_t a[4], b[4];
        std::memcpy(a, bytes.data(), sizeof a);
        std::memcpy(b, o.bytes.data(), sizeof b);
        return ((a[0] ^ b[0]) | (a[1] ^ b[1]) | (a[2] ^ b[2]) | (a[3] ^ b[3])) == 0;
    }
};

// Cheap hash for unordered containers: the bytes are already uniformly distributed.
// Never iterate such a container for logic; lookups only.
struct Hash256Hasher {
    std::size_t operator()(const Hash256& h) const {
        std::size_t v;
        std::memcpy(&v, h.bytes.data(), sizeof v);
        return v;
    }
};

Hash256 sha256(std::span<const std::uint8_t> data);
Hash256 sha256(std::string_view text);
// SHA256(SHA256(data)); the second round hashes the 32 raw bytes of the first.
Hash256 sha256d(std::span<const std::uint8_t> data);

// Incremental SHA-256 over a reused OpenSSL context (the digest is fetched once per
// process). Not copyable; one instance per thread.
class Sha256 {
  public:
    Sha256();
    ~Sha256();
    Sha256(const Sha256&) = delete;
    Sha256& operator=(const Sha256&) = delete;

    Sha256& write(std::span<const std::uint8_t> data);
    Sha256& write(std::string_view text);
    Sha256& write_u8(std::uint8_t v);
    Sha256& write_u32le(std::uint32_t v);
    Sha256& write_u64le(std::uint64_t v);
    Sha256& write_i64le(std::int64_t v) { return write_u64le(static_cast<std::uint64_t>(v)); }
    Sha256& write_hash(const Hash256& h) { return write(h.bytes); }
    // Returns the digest and resets the context for reuse.
    Hash256 finish();

  private:
    struct Impl;
    Impl* impl_;
};

// Double SHA-256 of 80-byte block headers with a midstate: the first 64 bytes are
// compressed once, and each candidate costs two compressions (the header tail with the
// nonce, and the second round). Used by the nonce search.
class HeaderHasher {
  public:
    explicit HeaderHasher(std::span<const std::uint8_t, 80> header);
    // sha256d of the header with its last four bytes (the nonce) replaced by `nonce`.
    Hash256 hash_with_nonce(std::uint32_t nonce) const;

  private:
    std::array<std::uint32_t, 8> midstate_{};
    std::array<std::uint8_t, 64> tail_block_{};  // header bytes 64..79 + padding
};

}  // namespace core

template <>
struct std::hash<core::Hash256> : core::Hash256Hasher {};

// secp256k1 keys, addresses and ECDSA signatures on libsecp256k1.
//
// Signing is deterministic (RFC 6979) and always low-S; signatures travel as 64-byte
// compact (r || s). Verification rejects high-S, r or s of zero or >= n, and malformed
// keys. One process-wide context is shared; it is read-only after the optional
// randomize_signing_context() call at start-up, so every function here is thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/hash.h"

namespace core {

// Blinds the shared context against side channels with 32 bytes of caller-provided
// randomness (core/ never reads a random device). Signatures do not depend on it.
// REQUIRES: called before any other thread uses keys; at most once per process.
void randomize_signing_context(std::span<const std::uint8_t, 32> seed);

// 20 bytes: the first 20 bytes of SHA-256 of the owner's compressed public key.
struct Address {
    std::array<std::uint8_t, 20> bytes{};

    static std::optional<Address> from_hex(std::string_view hex);  // exactly 40 hex digits
    std::string hex() const;

    auto operator<=>(const Address&) const = default;
    bool operator==(const Address&) const = default;
};

struct AddressHasher {
    std::size_t operator()(const Address& a) const;
};

enum class SignatureCheck {
    kValid,
    kInvalid,    // does not verify (wrong key, wrong digest, r or s zero)
    kHighS,      // s > n/2: valid ECDSA but not the canonical low-S form
    kMalformed,  // r or s >= n
};

struct Signature;
class PublicKey;
[[nodiscard]] SignatureCheck verify_signature(const PublicKey& key, const Hash256& digest,
                                              const Signature& signature);

// 33-byte compressed public key, always a valid curve point.
class PublicKey {
  public:
    // Parses 33 bytes (or 66 hex digits); nullopt if not a valid compressed point.
    static std::optional<PublicKey> parse(std::span<const std::uint8_t> bytes);
    static std::optional<PublicKey> from_hex(std::string_view hex);

    const std::array<std::uint8_t, 33>& bytes() const { return bytes_; }
    std::string hex() const;
    Address address() const;

    std::strong_ordering operator<=>(const PublicKey& o) const { return bytes_ <=> o.bytes_; }
    bool operator==(const PublicKey& o) const { return bytes_ == o.bytes_; }

  private:
    friend class PrivateKey;
    friend SignatureCheck verify_signature(const PublicKey&, const Hash256&, const Signature&);

    std::array<std::uint8_t, 33> bytes_{};
    // The parsed point (libsecp256k1's opaque secp256k1_pubkey), kept so verification
    // does not decompress the key again.
    std::array<std::uint8_t, 64> point_{};
};

// 64-byte compact signature r || s, each big-endian.
struct Signature {
    std::array<std::uint8_t, 64> bytes{};

    static std::optional<Signature> from_hex(std::string_view hex);  // exactly 128 hex digits
    std::string hex() const;
    std::string r_hex() const;
    std::string s_hex() const;

    bool operator==(const Signature&) const = default;
};

// A valid secret key (0 < k < n).
class PrivateKey {
  public:
    // nullopt unless `bytes` is 32 bytes encoding 0 < k < n.
    static std::optional<PrivateKey> from_bytes(std::span<const std::uint8_t> bytes);
    static std::optional<PrivateKey> from_hex(std::string_view hex);

    const std::array<std::uint8_t, 32>& bytes() const { return bytes_; }
    std::string hex() const;
    PublicKey public_key() const;
    // RFC 6979 deterministic, low-S signature of a 32-byte digest.
    Signature sign(const Hash256& digest) const;

  private:
    std::array<std::uint8_t, 32> bytes_{};
};

}  // namespace core

template <>
struct std::hash<core::Address> : core::AddressHasher {};

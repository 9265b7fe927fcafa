#include "core/keys.h"

#include <secp256k1.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "core/hex.h"

namespace core {
namespace {

secp256k1_context* shared_context() {
    static secp256k1_context* ctx = [] {
        secp256k1_context* c = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
        if (c == nullptr) std::abort();  // out of memory at start-up
        return c;
    }();
    return ctx;
}

}  // namespace

void randomize_signing_context(std::span<const std::uint8_t, 32> seed) {
    if (secp256k1_context_randomize(shared_context(), seed.data()) != 1) std::abort();
}

std::optional<Address> Address::from_hex(std::string_view hex) {
    Address a;
    if (!from_hex_exact(hex, a.bytes)) return std::nullopt;
    return a;
}

std::string Address::hex() const {
    return to_hex(bytes);
}

std::size_t AddressHasher::operator()(const Address& a) const {
    std::size_t v;
    std::memcpy(&v, a.bytes.data(), sizeof v);
    return v;
}

std::optional<PublicKey> PublicKey::parse(std::span<const std::uint8_t> bytes) {
    if (bytes.size() != 33 || (bytes[0] != 0x02 && bytes[0] != 0x03)) return std::nullopt;
    secp256k1_pubkey point;
    if (secp256k1_ec_pubkey_parse(shared_context(), &point, bytes.data(), bytes.size()) != 1) {
        return std::nullopt;
    }
    PublicKey key;
    std::memcpy(key.bytes_.data(), bytes.data(), 33);
    static_assert(sizeof(point) == 64);
    std::memcpy(key.point_.data(), &point, sizeof point);
    return key;
}

std::optional<PublicKey> PublicKey::from_hex(std::string_view hex) {
    std::array<std::uint8_t, 33> raw;
    if (!from_hex_exact(hex, raw)) return std::nullopt;
    return parse(raw);
}

std::string PublicKey::hex() const {
    return to_hex(bytes_);
}

Address PublicKey::address() const {
    Hash256 h = sha256(bytes_);
    Address a;
    std::memcpy(a.bytes.data(), h.bytes.data(), a.bytes.size());
    return a;
}

std::optional<Signature> Signature::from_hex(std::string_view hex) {
    Signature s;
    if (!from_hex_exact(hex, s.bytes)) return std::nullopt;
    return s;
}

std::string Signature::hex() const {
    return to_hex(bytes);
}
std::string Signature::r_hex() const {
    return to_hex(std::span(bytes).first<32>());
}
std::string Signature::s_hex() const {
    return to_hex(std::span(bytes).last<32>());
}

std::optional<PrivateKey> PrivateKey::from_bytes(std::span<const std::uint8_t> bytes) {
    if (bytes.size() != 32) return std::nullopt;
    if (secp256k1_ec_seckey_verify(shared_context(), bytes.data()) != 1) return std::nullopt;
    PrivateKey key;
    std::memcpy(key.bytes_.data(), bytes.data(), 32);
    return key;
}

std::optional<PrivateKey> PrivateKey::from_hex(std::string_view hex) {
    std::array<std::uint8_t, 32> raw;
    if (!from_hex_exact(hex, raw)) return std::nullopt;
    return from_bytes(raw);
}

std::string PrivateKey::hex() const {
    return to_hex(bytes_);
}

PublicKey PrivateKey::public_key() const {
    secp256k1_pubkey point;
    // Cannot fail: bytes_ was verified as a valid secret key on construction.
    if (secp256k1_ec_pubkey_create(shared_context(), &point, bytes_.data()) != 1) std::abort();
    PublicKey key;
    std::size_t len = key.bytes_.size();
    secp256k1_ec_pubkey_serialize(shared_context(), key.bytes_.data(), &len, &point,
                                  SECP256K1_EC_COMPRESSED);
    std::memcpy(key.point_.data(), &point, sizeof point);
    return key;
}

Signature PrivateKey::sign(const Hash256& digest) const {
    secp256k1_ecdsa_signature sig;
    // A null nonce function selects RFC 6979; libsecp256k1 always produces low-S.
    if (secp256k1_ecdsa_sign(shared_context(), &sig, digest.data(), bytes_.data(), nullptr,
                             nullptr) != 1) {
        std::abort();  // only fails for an invalid secret key, excluded by construction
    }
    Signature out;
    secp256k1_ecdsa_signature_serialize_compact(shared_context(), out.bytes.data(), &sig);
    return out;
}

SignatureCheck verify_signature(const PublicKey& key, const Hash256& digest,
                                const Signature& signature) {
    secp256k1_context* ctx = shared_context();
    secp256k1_ecdsa_signature sig;
    if (secp256k1_ecdsa_signature_parse_compact(ctx, &sig, signature.bytes.data()) != 1) {
        return SignatureCheck::kMalformed;
    }
    secp256k1_ecdsa_signature normalized;
    if (secp256k1_ecdsa_signature_normalize(ctx, &normalized, &sig) == 1) {
        return SignatureCheck::kHighS;
    }
    // A default-constructed PublicKey holds no point; libsecp256k1 would abort on it.
    if (std::all_of(key.point_.begin(), key.point_.end(), [](std::uint8_t b) { return b == 0; })) {
        return SignatureCheck::kInvalid;
    }
    secp256k1_pubkey point;
    std::memcpy(&point, key.point_.data(), sizeof point);
    return secp256k1_ecdsa_verify(ctx, &sig, digest.data(), &point) == 1 ? SignatureCheck::kValid
                                                                         : SignatureCheck::kInvalid;
}

}  // namespace core

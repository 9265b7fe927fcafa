#include "core/wallet.h"

#include <string>

namespace core {

nlohmann::json key_file_json(const PrivateKey& key) {
    const PublicKey pub = key.public_key();
    return nlohmann::json{
        {"private_key", key.hex()}, {"public_key", pub.hex()}, {"address", pub.address().hex()}};
}

ValidationResult key_from_file_json(const nlohmann::json& j, std::optional<PrivateKey>& out) {
    auto bad = [](std::string m) { return ValidationResult::invalid(Reject::kMalformed, m); };
    if (!j.is_object()) return bad("a key file must be a JSON object");
    auto it = j.find("private_key");
    if (it == j.end() || !it->is_string()) return bad("missing string field 'private_key'");
    out = PrivateKey::from_hex(it->get<std::string>());
    if (!out) return bad("'private_key' must be 64 hex digits encoding a valid secp256k1 key");
    const PublicKey pub = out->public_key();
    if (auto p = j.find("public_key"); p != j.end()) {
        if (!p->is_string() || p->get<std::string>() != pub.hex()) {
            out.reset();
            return bad("'public_key' does not belong to 'private_key'");
        }
    }
    if (auto a = j.find("address"); a != j.end()) {
        if (!a->is_string() || a->get<std::string>() != pub.address().hex()) {
            out.reset();
            return bad("'address' does not belong to 'private_key'");
        }
    }
    return ValidationResult::valid();
}

PrivateKey key_from_entropy(std::span<const std::uint8_t, 32> entropy) {
    Hash256 material;
    std::copy(entropy.begin(), entropy.end(), material.bytes.begin());
    while (true) {
        if (auto key = PrivateKey::from_bytes(material.bytes)) return *key;
        material = sha256(material.bytes);  // invalid with probability ~2^-128
    }
}

PrivateKey derive_account_key(std::uint64_t seed, std::uint64_t index) {
    Sha256 hasher;
    Hash256 material = hasher.write(std::string_view("chainsim/account-key/v1"))
                           .write_u64le(seed)
                           .write_u64le(index)
                           .finish();
    return key_from_entropy(material.bytes);
}

}  // namespace core

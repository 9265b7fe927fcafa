// Wallet helpers: the key file format, and deterministic keys for simulated accounts.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>

#include "core/keys.h"
#include "core/validation.h"

namespace core {

// {"private_key": 64 hex, "public_key": 66 hex, "address": 40 hex}
nlohmann::json key_file_json(const PrivateKey& key);

// Reads a key file's JSON; the public key and address, when present, must belong to the
// private key. kMalformed with a message naming the field otherwise.
ValidationResult key_from_file_json(const nlohmann::json& j, std::optional<PrivateKey>& out);

// A valid key from 32 bytes of entropy (the caller's randomness): the bytes themselves if
// they are a valid key, else SHA-256 of them, repeated until valid.
PrivateKey key_from_entropy(std::span<const std::uint8_t, 32> entropy);

// The key of simulated account `index` under `seed`: a pure function, so every run with
// the same seed funds and signs with the same accounts.
PrivateKey derive_account_key(std::uint64_t seed, std::uint64_t index);

}  // namespace core

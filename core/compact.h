// BIP152 compact block pieces (docs/relay.md, "Compact relay"): short transaction ids and
// the share of a block's padding a receiver lacks.
//
// Short ids follow BIP152: k0 and k1 are the first two little-endian 64-bit words of
// SHA256(header || nonce) (the 80-byte header, then the 8-byte nonce, little-endian); a
// transaction's short id is the low 48 bits of SipHash-2-4(k0, k1, txid).
//
// Padding (blocks the simulator counts at `block_size` without real transactions to fill
// them) stands for `padding_txs` virtual transactions that no mempool holds; how many of them a
// receiver lacks is drawn as Binomial(padding_txs, miss_rate) from a hash of (block, receiver):
// deterministic, and independent of everything else the node does.
#pragma once

#include <cstdint>

#include "core/hash.h"
#include "core/header.h"

namespace core {

struct ShortIdKey {
    std::uint64_t k0 = 0;
    std::uint64_t k1 = 0;
};

ShortIdKey short_id_key(const BlockHeader& header, std::uint64_t nonce);

// The 48-bit short id of `txid` under `key`.
std::uint64_t short_id(const ShortIdKey& key, const Hash256& txid);

// SipHash-2-4 of 32 bytes (a txid), as BIP152 uses it.
std::uint64_t siphash24(std::uint64_t k0, std::uint64_t k1, const Hash256& data);

// How many of `padding_txs` virtual transactions node `node` lacks for block `block`:
// Binomial(padding_txs, miss_rate), drawn from SHA-256 of (block, node). REQUIRES: miss_rate
// in [0, 1].
std::uint64_t missing_padding(const Hash256& block, int node, std::uint64_t padding_txs,
                              double miss_rate);

}  // namespace core

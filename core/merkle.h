// Merkle root over txids, Bitcoin's algorithm: pair hashes with double SHA-256, and
// duplicate the last hash on a level with an odd count.
#pragma once

#include <vector>

#include "core/hash.h"

namespace core {

// Returns the root of `leaves` (zero for no leaves). When `mutated` is given it is set if
// any level pairs two identical hashes — the CVE-2012-2459 ambiguity, where two different
// transaction lists share a root.
Hash256 merkle_root(std::vector<Hash256> leaves, bool* mutated = nullptr);

}  // namespace core

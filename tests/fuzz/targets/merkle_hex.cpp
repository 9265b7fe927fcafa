// Fuzz target: txids in display hex, one per line or space (`chainsim inspect merkle
// TXID...`): Hash256::from_display_hex and core::merkle_root.
// Properties:
//   - from_display_hex accepts exactly 64 hex digits, and display_hex gives them back (in
//     lower case), byte-reversed from hex();
//   - merkle_root agrees with a plain recursive reference (Bitcoin's algorithm: pair with
//     double SHA-256, duplicate the last hash of an odd level), and so does the mutation
//     flag (some level pairs two identical hashes, CVE-2012-2459);
//   - no leaves give the zero hash, one leaf gives itself.
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "core/hash.h"
#include "core/merkle.h"
#include "fuzz_check.h"

namespace {

// At most this many leaves, so one input stays fast (the tree is O(n) hashes anyway).
constexpr std::size_t kMaxLeaves = 512;

bool is_space(char c) {
    return c == ' ' || c == '\n' || c == '\t' || c == '\r';
}

core::Hash256 reference_root(std::vector<core::Hash256> level, bool& mutated) {
    if (level.size() == 1) return level[0];
    std::vector<core::Hash256> next;
    for (std::size_t i = 0; i < level.size(); i += 2) {
        const core::Hash256& left = level[i];
        const core::Hash256& right = i + 1 < level.size() ? level[i + 1] : level[i];
        if (i + 1 < level.size() && left == right) mutated = true;
        std::uint8_t pair[64];
        std::memcpy(pair, left.data(), 32);
        std::memcpy(pair + 32, right.data(), 32);
        next.push_back(core::sha256d(pair));
    }
    return reference_root(std::move(next), mutated);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    std::vector<core::Hash256> leaves;
    std::size_t i = 0;
    while (i < text.size() && leaves.size() < kMaxLeaves) {
        while (i < text.size() && is_space(text[i]))
            ++i;
        std::size_t end = i;
        while (end < text.size() && !is_space(text[end]))
            ++end;
        if (end == i) break;
        const std::string_view token = text.substr(i, end - i);
        i = end;
        const bool well_formed =
            token.size() == 64 && std::all_of(token.begin(), token.end(), [](char c) {
                return std::isxdigit(static_cast<unsigned char>(c)) != 0;
            });
        const auto hash = core::Hash256::from_display_hex(token);
        FUZZ_CHECK(hash.has_value() == well_formed, std::string(token));
        if (!hash) continue;
        FUZZ_CHECK(hash->display_hex() == fuzz::lower(token), std::string(token));
        const std::string internal = hash->hex();
        const std::string display = hash->display_hex();
        for (std::size_t b = 0; b < 32; ++b) {
            FUZZ_CHECK(internal.compare(2 * b, 2, display, 62 - 2 * b, 2) == 0,
                       "display order is not internal order reversed: " + display);
        }
        FUZZ_CHECK(core::Hash256::from_hex(hash->hex()) == hash, std::string(token));
        leaves.push_back(*hash);
    }

    bool mutated = true;
    const core::Hash256 root = core::merkle_root(leaves, &mutated);
    if (leaves.empty()) {
        FUZZ_CHECK(root.is_zero() && !mutated, "no leaves");
        return 0;
    }
    bool expected_mutated = false;
    const core::Hash256 expected = reference_root(leaves, expected_mutated);
    FUZZ_CHECK(root == expected, "root " + root.display_hex() + ", reference " +
                                     expected.display_hex());
    FUZZ_CHECK(mutated == expected_mutated, std::to_string(leaves.size()) + " leaves");
    if (leaves.size() == 1) FUZZ_CHECK(root == leaves[0], "one leaf");
    return 0;
}

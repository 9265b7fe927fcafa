#include "core/merkle.h"

#include <cstring>

namespace core {

Hash256 merkle_root(std::vector<Hash256> level, bool* mutated) {
    bool mutation = false;
    if (level.empty()) {
        if (mutated) *mutated = false;
        return Hash256{};
    }
    std::uint8_t pair[64];
    while (level.size() > 1) {
        for (std::size_t i = 0; i + 1 < level.size(); i += 2) {
            if (level[i] == level[i + 1]) mutation = true;
        }
        if (level.size() % 2 == 1) level.push_back(level.back());
        for (std::size_t i = 0; i < level.size() / 2; ++i) {
            std::memcpy(pair, level[2 * i].data(), 32);
            std::memcpy(pair + 32, level[2 * i + 1].data(), 32);
            level[i] = sha256d(pair);
        }
        level.resize(level.size() / 2);
    }
    if (mutated) *mutated = mutation;
    return level[0];
}

}  // namespace core

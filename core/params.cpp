#include "core/params.h"

#include "core/pow.h"

namespace core {

U256 ConsensusParams::pow_limit() const {
    return pow_limit_for_bits(pow_bits);
}

std::uint32_t ConsensusParams::pow_limit_bits() const {
    return pow_limit().to_compact();
}

}  // namespace core

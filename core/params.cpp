#include "core/params.h"

#include "core/pow.h"

namespace core {

U256 ConsensusParams::pow_limit() const {
    return pow_limit_for_bits(pow_bits > kPowLimitFactorBits ? pow_bits - kPowLimitFactorBits : 0);
}

std::uint32_t ConsensusParams::pow_limit_bits() const {
    return pow_limit().to_compact();
}

U256 ConsensusParams::initial_target() const {
    return pow_limit_for_bits(pow_bits);
}

std::uint32_t ConsensusParams::initial_bits() const {
    return initial_target().to_compact();
}

}  // namespace core

#include "core/uint256.h"

#include "core/hex.h"

namespace core {

U256 U256::from_hash(const Hash256& h) {
    U256 r;
    for (int i = 0; i < 8; ++i) {
        const std::uint8_t* p = h.bytes.data() + 4 * i;
        r.limbs_[i] = static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8 |
                      static_cast<std::uint32_t>(p[2]) << 16 |
                      static_cast<std::uint32_t>(p[3]) << 24;
    }
    return r;
}

Hash256 U256::to_hash() const {
    Hash256 h;
    for (int i = 0; i < 8; ++i) {
        for (int j = 0; j < 4; ++j) {
            h.bytes[4 * i + j] = static_cast<std::uint8_t>(limbs_[i] >> (8 * j));
        }
    }
    return h;
}

std::string U256::hex() const {
    return to_hash().display_hex();
}

bool U256::from_hex(const std::string& hex, U256& out) {
    auto h = Hash256::from_display_hex(hex);
    if (!h) return false;
    out = from_hash(*h);
    return true;
}

U256 U256::from_compact(std::uint32_t compact, bool* negative, bool* overflow) {
    const unsigned size = compact >> 24;
    std::uint32_t word = compact & 0x007fffff;
    U256 r;
    if (size <= 3) {
        word >>= 8 * (3 - size);
        r = U256(word);
    } else {
        r = U256(word);
        r <<= 8 * (size - 3);
    }
    if (negative) *negative = word != 0 && (compact & 0x00800000) != 0;
    if (overflow) {
        *overflow = word != 0 &&
                    ((size > 34) || (word > 0xff && size > 33) || (word > 0xffff && size > 32));
    }
    return r;
}

std::uint32_t U256::to_compact(bool negative) const {
    unsigned size = (bits() + 7) / 8;
    std::uint32_t compact = 0;
    if (size <= 3) {
        compact = static_cast<std::uint32_t>(low64() << 8 * (3 - size));
    } else {
        U256 shifted = *this >> 8 * (size - 3);
        compact = static_cast<std::uint32_t>(shifted.low64());
    }
    // The mantissa's top bit is the sign bit: if it would be set, shift one byte further.
    if (compact & 0x00800000) {
        compact >>= 8;
        ++size;
    }
    compact |= size << 24;
    compact |= (negative && (compact & 0x007fffff) ? 0x00800000 : 0);
    return compact;
}

U256 U256::low_mask(unsigned n) {
    U256 r;
    for (unsigned i = 0; i < 8; ++i) {
        if (n >= 32 * (i + 1)) {
            r.limbs_[i] = 0xffffffff;
        } else if (n > 32 * i) {
            r.limbs_[i] = (1u << (n - 32 * i)) - 1;
        }
    }
    return r;
}

unsigned U256::bits() const {
    for (int i = 7; i >= 0; --i) {
        if (limbs_[i] != 0) {
            for (int b = 31; b >= 0; --b) {
                if (limbs_[i] & (1u << b)) return 32 * i + b + 1;
            }
        }
    }
    return 0;
}

bool U256::is_zero() const {
    for (auto l : limbs_) {
        if (l != 0) return false;
    }
    return true;
}

double U256::to_double() const {
    double r = 0;
    double scale = 1;
    for (auto l : limbs_) {
        r += scale * l;
        scale *= 4294967296.0;
    }
    return r;
}

U256& U256::operator+=(const U256& b) {
    std::uint64_t carry = 0;
    for (int i = 0; i < 8; ++i) {
        std::uint64_t n = carry + limbs_[i] + b.limbs_[i];
        limbs_[i] = static_cast<std::uint32_t>(n);
        carry = n >> 32;
    }
    return *this;
}

U256& U256::operator-=(const U256& b) {
    // a - b = a + (~b + 1) modulo 2^256
    U256 neg = ~b;
    neg += U256(1);
    return *this += neg;
}

U256& U256::operator*=(std::uint32_t b) {
    std::uint64_t carry = 0;
    for (int i = 0; i < 8; ++i) {
        std::uint64_t n = carry + static_cast<std::uint64_t>(b) * limbs_[i];
        limbs_[i] = static_cast<std::uint32_t>(n);
        carry = n >> 32;
    }
    return *this;
}

U256& U256::operator*=(const U256& b) {
    U256 r;
    for (int j = 0; j < 8; ++j) {
        std::uint64_t carry = 0;
        for (int i = 0; i + j < 8; ++i) {
            std::uint64_t n =
                carry + r.limbs_[i + j] + static_cast<std::uint64_t>(limbs_[j]) * b.limbs_[i];
            r.limbs_[i + j] = static_cast<std::uint32_t>(n);
            carry = n >> 32;
        }
    }
    return *this = r;
}

U256& U256::operator/=(const U256& b) {
    // Shift-subtract long division; used a few times per block, never per hash.
    U256 divisor = b;
    U256 num = *this;
    U256 quotient;
    const int num_bits = static_cast<int>(num.bits());
    const int div_bits = static_cast<int>(divisor.bits());
    if (div_bits == 0 || div_bits > num_bits) return *this = U256();
    int shift = num_bits - div_bits;
    divisor <<= static_cast<unsigned>(shift);
    while (shift >= 0) {
        if (num >= divisor) {
            num -= divisor;
            quotient.limbs_[shift / 32] |= (1u << (shift & 31));
        }
        divisor >>= 1;
        --shift;
    }
    return *this = quotient;
}

U256& U256::operator<<=(unsigned shift) {
    U256 r;
    const unsigned k = shift / 32;
    const unsigned s = shift % 32;
    for (unsigned i = 0; i < 8; ++i) {
        if (i + k + 1 < 8 && s != 0) r.limbs_[i + k + 1] |= limbs_[i] >> (32 - s);
        if (i + k < 8) r.limbs_[i + k] |= limbs_[i] << s;
    }
    return *this = r;
}

U256& U256::operator>>=(unsigned shift) {
    U256 r;
    const unsigned k = shift / 32;
    const unsigned s = shift % 32;
    for (unsigned i = 0; i < 8; ++i) {
        if (i >= k + 1 && s != 0) r.limbs_[i - k - 1] |= limbs_[i] << (32 - s);
        if (i >= k) r.limbs_[i - k] |= limbs_[i] >> s;
    }
    return *this = r;
}

U256 U256::operator~() const {
    U256 r;
    for (int i = 0; i < 8; ++i)
        r.limbs_[i] = ~limbs_[i];
    return r;
}

}  // namespace core

// U256: unsigned 256-bit arithmetic for targets and chain work, with Bitcoin Core's
// compact encoding (arith_uint256::SetCompact / GetCompact).
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <string>

#include "core/hash.h"

namespace core {

class U256 {
  public:
    constexpr U256() = default;
    constexpr explicit U256(std::uint64_t v) {
        limbs_[0] = static_cast<std::uint32_t>(v);
        limbs_[1] = static_cast<std::uint32_t>(v >> 32);
    }

    // A hash read as a little-endian 256-bit number (how Bitcoin compares hash to target).
    static U256 from_hash(const Hash256& h);
    Hash256 to_hash() const;
    // 64 hex digits, most significant first; from_hex is strict (exactly 64 digits).
    std::string hex() const;
    static bool from_hex(const std::string& hex, U256& out);

    // Bitcoin's compact form. `negative` and `overflow` as in Core: a set sign bit with a
    // non-zero mantissa is negative; a value that does not fit in 256 bits overflows.
    static U256 from_compact(std::uint32_t compact, bool* negative = nullptr,
                             bool* overflow = nullptr);
    std::uint32_t to_compact(bool negative = false) const;

    // 2^bits - 1 (all ones below bit `bits`); bits in [0, 256].
    static U256 low_mask(unsigned bits);

    unsigned bits() const;  // position of the highest set bit + 1; 0 for zero
    bool is_zero() const;
    std::uint64_t low64() const { return limbs_[0] | static_cast<std::uint64_t>(limbs_[1]) << 32; }
    double to_double() const;

    U256& operator+=(const U256& b);
    U256& operator-=(const U256& b);
    U256& operator*=(std::uint32_t b);
    U256& operator*=(const U256& b);  // modulo 2^256
    U256& operator/=(const U256& b);  // REQUIRES: b != 0
    U256& operator<<=(unsigned shift);
    U256& operator>>=(unsigned shift);
    U256 operator~() const;

    friend U256 operator+(U256 a, const U256& b) { return a += b; }
    friend U256 operator-(U256 a, const U256& b) { return a -= b; }
    friend U256 operator*(U256 a, const U256& b) { return a *= b; }
    friend U256 operator/(U256 a, const U256& b) { return a /= b; }
    friend U256 operator<<(U256 a, unsigned s) { return a <<= s; }
    friend U256 operator>>(U256 a, unsigned s) { return a >>= s; }

    // Inline, two limbs at a time from the top: the node compares announced work with its
    // tip's on every announcement.
    std::strong_ordering operator<=>(const U256& b) const {
        for (int i = 6; i >= 0; i -= 2) {
            const std::uint64_t x = static_cast<std::uint64_t>(limbs_[i + 1]) << 32 | limbs_[i];
            const std::uint64_t y = static_cast<std::uint64_t>(b.limbs_[i + 1]) << 32 | b.limbs_[i];
            if (x != y) return x <=> y;
        }
        return std::strong_ordering::equal;
    }
    bool operator==(const U256& b) const = default;

  private:
    std::array<std::uint32_t, 8> limbs_{};  // little-endian 32-bit limbs
};

}  // namespace core

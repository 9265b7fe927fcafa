#include "sim/engine/rng.h"

#include <cassert>
#include <cmath>

namespace sim {
namespace {

constexpr std::uint64_t rotl(std::uint64_t x, int k) {
    return (x << k) | (x >> (64 - k));
}

}  // namespace

std::uint64_t SplitMix64::next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

std::uint64_t fnv1a64(std::string_view text) {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (unsigned char c : text) {
        h ^= c;
        h *= 0x100000001b3ULL;
    }
    return h;
}

Rng::Rng(std::uint64_t seed) {
    SplitMix64 sm(seed);
    for (std::uint64_t& word : s_)
        word = sm.next();
    // SplitMix64 is a bijection of its counter, so four consecutive outputs are never all zero
    // (xoshiro's one forbidden state).
}

Rng Rng::stream(std::uint64_t master_seed, std::string_view name) {
    // Mix the seed first so that seeds differing in few bits give unrelated streams, then bind
    // the name; the result seeds the state expansion.
    SplitMix64 mixer(master_seed);
    return Rng(mixer.next() ^ fnv1a64(name));
}

std::uint64_t Rng::next_u64() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
}

double Rng::uniform01() {
    return static_cast<double>(next_u64() >> 11) * 0x1.0p-53;
}

std::uint64_t Rng::below(std::uint64_t n) {
    assert(n > 0);
    // Lemire, "Fast Random Integer Generation in an Interval" (2019): the high word of x * n is
    // uniform on [0, n) once the low word's short range [0, 2^64 mod n) is rejected.
    unsigned __int128 m = static_cast<unsigned __int128>(next_u64()) * n;
    auto low = static_cast<std::uint64_t>(m);
    if (low < n) {
        const std::uint64_t threshold = (0 - n) % n;  // 2^64 mod n
        while (low < threshold) {
            m = static_cast<unsigned __int128>(next_u64()) * n;
            low = static_cast<std::uint64_t>(m);
        }
    }
    return static_cast<std::uint64_t>(m >> 64);
}

std::int64_t Rng::uniform_int(std::int64_t lo, std::int64_t hi) {
    assert(lo <= hi);
    const std::uint64_t span = static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo);
    const std::uint64_t offset = span == max() ? next_u64() : below(span + 1);
    return static_cast<std::int64_t>(static_cast<std::uint64_t>(lo) + offset);
}

bool Rng::bernoulli(double p) {
    return uniform01() < p;
}

double Rng::uniform(double a, double b) {
    return a + (b - a) * uniform01();
}

double Rng::exponential(double mean) {
    // 1 - u is in (0, 1], so the logarithm is finite.
    return -mean * std::log1p(-uniform01());
}

double Rng::normal(double mean, double stddev) {
    if (has_spare_normal_) {
        has_spare_normal_ = false;
        return mean + stddev * spare_normal_;
    }
    double x, y, r2;
    do {
        x = 2.0 * uniform01() - 1.0;
        y = 2.0 * uniform01() - 1.0;
        r2 = x * x + y * y;
    } while (r2 >= 1.0 || r2 == 0.0);
    const double scale = std::sqrt(-2.0 * std::log(r2) / r2);
    spare_normal_ = y * scale;
    has_spare_normal_ = true;
    return mean + stddev * (x * scale);
}

double Rng::lognormal(double median, double sigma) {
    return median * std::exp(sigma * normal(0.0, 1.0));
}

double Rng::pareto(double scale, double shape) {
    return scale * std::pow(1.0 - uniform01(), -1.0 / shape);
}

}  // namespace sim

// Seeded randomness for the simulation: SplitMix64, xoshiro256**, and our own distributions.
//
// Contract:
//   - Every draw is a pure function of the seed: the same (seed, stream name) gives the same
//     sequence on every platform and standard library. That is why nothing here uses std::
//     distributions (their algorithms differ between libraries) or the OS random device.
//     The continuous distributions call std::log/exp/pow/sqrt; these are the only place where
//     a different libm could change a last bit.
//   - Each subsystem draws from its own named stream (Rng::stream), so adding draws in one
//     subsystem never shifts another's sequence.
//   - Rng is a value: copying it forks an identical generator (including the cached normal
//     spare). Not thread-safe; one owner at a time.
//   - Rng models std::uniform_random_bit_generator, so Boost.Random and Boost.Graph accept it.
#pragma once

#include <cstdint>
#include <limits>
#include <string_view>

namespace sim {

// SplitMix64 (Steele, Lea, Flood 2014): used to expand one 64-bit seed into generator state.
class SplitMix64 {
  public:
    explicit SplitMix64(std::uint64_t seed) : state_(seed) {}
    std::uint64_t next();

  private:
    std::uint64_t state_;
};

// FNV-1a 64-bit hash of a stream name.
std::uint64_t fnv1a64(std::string_view text);

// xoshiro256** (Blackman, Vigna 2018) with distributions implemented here.
class Rng {
  public:
    using result_type = std::uint64_t;

    // State words are four consecutive SplitMix64(seed) outputs.
    explicit Rng(std::uint64_t seed);

    // The generator for subsystem `name` ("topology", "latency", "mining", "workload", "loss",
    // "adversary/0", ...) under `master_seed`. Streams of different names are independent.
    static Rng stream(std::uint64_t master_seed, std::string_view name);

    static constexpr result_type min() { return 0; }
    static constexpr result_type max() { return std::numeric_limits<result_type>::max(); }
    result_type operator()() { return next_u64(); }

    std::uint64_t next_u64();
    // Uniform in [0, 1) with 53 random bits.
    double uniform01();
    // Uniform in [lo, hi], both inclusive, without bias (Lemire's multiply-and-reject).
    // REQUIRES: lo <= hi.
    std::int64_t uniform_int(std::int64_t lo, std::int64_t hi);
    // Uniform in [0, n). REQUIRES: n > 0.
    std::uint64_t below(std::uint64_t n);
    // True with probability p (p <= 0: never, p >= 1: always). Always consumes one draw.
    bool bernoulli(double p);
    // Uniform in [a, b).
    double uniform(double a, double b);
    // Exponential with the given mean (rate 1/mean).
    double exponential(double mean);
    // Normal, by Marsaglia's polar method; the second value of each pair is cached and returned
    // by the next call.
    double normal(double mean, double stddev);
    // exp(N(ln median, sigma^2)): median `median`, log-standard-deviation `sigma`.
    double lognormal(double median, double sigma);
    // Pareto type I: P(X > x) = (scale / x)^shape for x >= scale.
    double pareto(double scale, double shape);

  private:
    std::uint64_t s_[4];
    bool has_spare_normal_ = false;
    double spare_normal_ = 0.0;  // a standard normal deviate
};

}  // namespace sim

// Helpers shared by the core tests (and later suites): a deterministic PRNG, a small test
// network with funded accounts, and a builder that makes a valid, mined child block.
//
// Everything here is deterministic: keys come from derive_account_key with a fixed seed,
// and nonces are searched from 0, so a test builds the same blocks on every run.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "core/block.h"
#include "core/chain.h"
#include "core/hash.h"
#include "core/hex.h"
#include "core/keys.h"
#include "core/ledger.h"
#include "core/params.h"
#include "core/pow.h"
#include "core/transaction.h"
#include "core/uint256.h"
#include "core/validation.h"
#include "core/wallet.h"

// Readable GoogleTest failure output for core's value types (found by argument lookup).
namespace core {
inline void PrintTo(const U256& v, std::ostream* os) {
    *os << "0x" << v.hex();
}
inline void PrintTo(const Hash256& h, std::ostream* os) {
    *os << h.display_hex();
}
inline void PrintTo(const Address& a, std::ostream* os) {
    *os << a.hex();
}
inline void PrintTo(const Signature& s, std::ostream* os) {
    *os << s.hex();
}
inline void PrintTo(Reject r, std::ostream* os) {
    *os << reject_name(r);
}
inline void PrintTo(const ValidationResult& r, std::ostream* os) {
    *os << reject_name(r.reason) << " (" << r.message << ")";
}
}  // namespace core

namespace testutil {

// SplitMix64 (Steele, Lea, Flood 2014): tiny, fast, and identical on every platform.
// Reductions are done here, never with std:: distributions.
class SplitMix64 {
  public:
    explicit SplitMix64(std::uint64_t seed) : state_(seed) {}

    std::uint64_t next() {
        std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }

    // Uniform in [0, n), by rejection so there is no modulo bias. REQUIRES: n > 0.
    std::uint64_t below(std::uint64_t n) {
        const std::uint64_t limit = std::numeric_limits<std::uint64_t>::max() -
                                    std::numeric_limits<std::uint64_t>::max() % n;
        std::uint64_t v;
        do {
            v = next();
        } while (v >= limit);
        return v % n;
    }

    // True with probability percent / 100.
    bool chance(unsigned percent) { return below(100) < percent; }

    template <typename T>
    void shuffle(std::vector<T>& v) {
        for (std::size_t i = v.size(); i > 1; --i) {
            std::swap(v[i - 1], v[below(i)]);
        }
    }

  private:
    std::uint64_t state_;
};

// The secp256k1 group order n, big-endian hex.
inline constexpr const char* kCurveOrderHex =
    "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141";

// A big-endian 64-hex-digit number as U256 (U256::from_hex reads most significant first).
inline core::U256 u256(const std::string& hex) {
    core::U256 v;
    if (!core::U256::from_hex(hex, v)) throw std::invalid_argument("bad U256 hex: " + hex);
    return v;
}

// The same signature with s replaced by n - s: still a valid ECDSA signature for the same
// key and digest, but in the non-canonical high-S form.
inline core::Signature high_s_twin(const core::Signature& sig) {
    const core::U256 s = u256(sig.s_hex());
    const core::U256 twin = u256(kCurveOrderHex) - s;
    core::Signature out = sig;
    if (!core::from_hex_exact(twin.hex(), std::span(out.bytes).last<32>())) {
        throw std::logic_error("high_s_twin: hex round trip failed");
    }
    return out;
}

// A clock reading far enough after any test block's time that kTimeTooNew never fires.
inline constexpr std::int64_t kNow = 1'700'000'000 + 100'000'000;

// Deterministic keys for test accounts.
inline core::PrivateKey account_key(std::uint64_t index) {
    return core::derive_account_key(0x7e57, index);
}
inline core::Address account_address(std::uint64_t index) {
    return account_key(index).public_key().address();
}

// A network whose accounts 0..funded-1 start with `balance` each, at an easy pow_bits so
// blocks mine in a few hundred hashes.
struct TestNet {
    core::ConsensusParams params;
    core::BlockRef genesis;

    explicit TestNet(std::size_t funded = 4, std::uint64_t balance = 1000, unsigned pow_bits = 8,
                     std::uint32_t retarget_window = 0) {
        params.pow_bits = pow_bits;
        params.retarget_window = retarget_window;
        for (std::size_t i = 0; i < funded; ++i) {
            params.allocations.push_back({account_address(i), balance});
        }
        genesis = core::make_genesis(params);
    }

    core::PrivateKey key(std::uint64_t i) const { return account_key(i); }
    core::Address addr(std::uint64_t i) const { return account_address(i); }
};

// Mines `header` for `txs`: sets the nonce to the first one from 0 whose hash meets the
// target of header.bits. The merkle root is left as given.
inline core::BlockRef mine(core::BlockHeader header, std::vector<core::TransactionRef> txs) {
    header.nonce = 0;
    const core::U256 target = core::U256::from_compact(header.bits);
    const auto found =
        core::search_nonce(header, target, std::numeric_limits<std::uint32_t>::max());
    if (!found.found) throw std::logic_error("mine: no nonce meets the target");
    header.nonce = found.nonce;
    return core::Block::make(header, std::move(txs));
}

// Builds a child of `parent` (at `parent_height`): a coinbase paying reward + fees to the
// miner at the child's height, then the given transactions; time parent + 600 s; bits at the
// initial difficulty; mined. Each setter overrides one default so a test can make exactly one thing
// wrong.
class BlockBuilder {
  public:
    BlockBuilder(const core::ConsensusParams& params, const core::BlockRef& parent,
                 std::uint64_t parent_height)
        : params_(params),
          prev_(parent->hash()),
          height_(parent_height + 1),
          time_(parent->header().time + 600),
          bits_(params.initial_bits()) {}

    // A child of `parent` in `chain`, with the bits the chain expects there.
    static BlockBuilder on(const core::Chain& chain, const core::BlockIndex* parent) {
        BlockBuilder b(chain.params(), parent->block, parent->height);
        b.bits_ = chain.next_bits(parent);
        return b;
    }

    BlockBuilder& tx(core::TransactionRef t) {
        txs_.push_back(std::move(t));
        return *this;
    }
    BlockBuilder& txs(const std::vector<core::TransactionRef>& ts) {
        txs_.insert(txs_.end(), ts.begin(), ts.end());
        return *this;
    }
    BlockBuilder& time(std::uint32_t t) {
        time_ = t;
        return *this;
    }
    BlockBuilder& bits(std::uint32_t b) {
        bits_ = b;
        return *this;
    }
    BlockBuilder& miner(const core::Address& a) {
        miner_ = a;
        return *this;
    }
    BlockBuilder& coinbase_amount(std::uint64_t amount) {
        coinbase_amount_ = amount;
        return *this;
    }
    BlockBuilder& coinbase_height(std::uint64_t h) {
        coinbase_height_ = h;
        return *this;
    }
    // Replaces the whole transaction list (coinbase included) used for the block body,
    // while the merkle root still commits to the list the builder would have made.
    BlockBuilder& body_override(std::vector<core::TransactionRef> body) {
        body_override_ = std::move(body);
        return *this;
    }

    std::uint32_t block_time() const { return time_; }

    // The transactions the block commits to: coinbase first.
    std::vector<core::TransactionRef> committed_txs() const {
        std::uint64_t fees = 0;
        for (const auto& t : txs_)
            fees += t->fee();
        std::vector<core::TransactionRef> all;
        all.push_back(core::Transaction::coinbase(
            miner_, coinbase_amount_.value_or(params_.block_reward + fees),
            coinbase_height_.value_or(height_)));
        all.insert(all.end(), txs_.begin(), txs_.end());
        return all;
    }

    core::BlockHeader header() const {
        core::BlockHeader h;
        h.version = 1;
        h.prev = prev_;
        h.merkle_root = core::compute_merkle_root(committed_txs());
        h.time = time_;
        h.bits = bits_;
        return h;
    }

    core::BlockRef build() const { return mine(header(), body()); }

    // Same block, but with a nonce whose hash misses the target.
    core::BlockRef build_with_bad_pow() const {
        core::BlockHeader h = header();
        const core::U256 target = core::U256::from_compact(h.bits);
        for (h.nonce = 0;; ++h.nonce) {
            if (core::U256::from_hash(h.hash()) > target) break;
        }
        return core::Block::make(h, body());
    }

  private:
    std::vector<core::TransactionRef> body() const {
        return body_override_ ? *body_override_ : committed_txs();
    }

    core::ConsensusParams params_;  // a copy: the builder may outlive its source
    core::Hash256 prev_;
    std::uint64_t height_;
    std::uint32_t time_;
    std::uint32_t bits_;
    core::Address miner_{};
    std::optional<std::uint64_t> coinbase_amount_;
    std::optional<std::uint64_t> coinbase_height_;
    std::vector<core::TransactionRef> txs_;
    std::optional<std::vector<core::TransactionRef>> body_override_;
};

// A fresh ledger replay of `branch` (the blocks after genesis, in order) with apply_block:
// the state a node must have after connecting exactly that branch.
inline core::LedgerState replay(const TestNet& net, const std::vector<core::BlockRef>& branch) {
    core::LedgerState state;
    core::apply_genesis(state, *net.genesis);
    std::uint64_t height = 0;
    for (const auto& b : branch) {
        core::ValidationResult r = core::apply_block(state, *b, ++height, net.params);
        if (!r.ok()) throw std::logic_error("replay: block failed: " + r.message);
    }
    return state;
}

}  // namespace testutil

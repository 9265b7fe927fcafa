// The 80-byte header against Bitcoin's genesis block, and the midstate hasher.
#include <gtest/gtest.h>

#include <vector>

#include "core/header.h"
#include "core/hex.h"
#include "core/pow.h"
#include "test_util.h"

namespace {

constexpr const char* kGenesisHeaderHex =
    "0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b27ac7"
    "2c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7c";

core::BlockHeader parse_genesis() {
    std::array<std::uint8_t, 80> raw{};
    EXPECT_TRUE(core::from_hex_exact(kGenesisHeaderHex, raw));
    return core::BlockHeader::deserialize(raw);
}

TEST(BitcoinGenesis, Fields) {
    const core::BlockHeader h = parse_genesis();
    EXPECT_EQ(h.version, 1);
    EXPECT_TRUE(h.prev.is_zero());
    EXPECT_EQ(h.time, 1231006505u);
    EXPECT_EQ(h.bits, 0x1d00ffffu);
    EXPECT_EQ(h.nonce, 2083236893u);
    EXPECT_EQ(h.merkle_root.display_hex(),
              "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b");
}

TEST(BitcoinGenesis, SerializeRoundTrip) {
    const core::BlockHeader h = parse_genesis();
    EXPECT_EQ(core::to_hex(h.serialize()), kGenesisHeaderHex);
}

TEST(BitcoinGenesis, HashInDisplayOrder) {
    const core::BlockHeader h = parse_genesis();
    EXPECT_EQ(h.hash().display_hex(),
              "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f");
    const auto raw = h.serialize();
    EXPECT_EQ(h.hash(), core::sha256d(raw));
}

TEST(BitcoinGenesis, ProofOfWorkHoldsAtMainnetLimit) {
    const core::BlockHeader h = parse_genesis();
    const core::U256 limit = core::U256::from_compact(0x1d00ffff);
    EXPECT_TRUE(core::check_proof_of_work(h.hash(), h.bits, limit));
    // The hash read as a number is below the target.
    EXPECT_LE(core::U256::from_hash(h.hash()), limit);
    // Changing the nonce breaks it (with overwhelming probability; this is a fixed input).
    core::BlockHeader other = h;
    other.nonce += 1;
    EXPECT_FALSE(core::check_proof_of_work(other.hash(), other.bits, limit));
}

TEST(HeaderHasher, MidstateMatchesFullDoubleHash) {
    testutil::SplitMix64 rng(0x4d1d57a7e);
    for (int header_round = 0; header_round < 8; ++header_round) {
        std::array<std::uint8_t, 80> raw{};
        for (auto& b : raw)
            b = static_cast<std::uint8_t>(rng.next());
        const core::HeaderHasher hasher(raw);
        std::vector<std::uint32_t> nonces = {0, 1, 0xff, 0x100, 0xffffffff, 0x80000000};
        for (int i = 0; i < 250; ++i)
            nonces.push_back(static_cast<std::uint32_t>(rng.next()));
        for (std::uint32_t nonce : nonces) {
            std::array<std::uint8_t, 80> with_nonce = raw;
            for (int k = 0; k < 4; ++k)
                with_nonce[76 + k] = static_cast<std::uint8_t>(nonce >> (8 * k));
            ASSERT_EQ(hasher.hash_with_nonce(nonce), core::sha256d(with_nonce))
                << "header round " << header_round << " nonce " << nonce;
        }
    }
}

TEST(HeaderHasher, BitcoinGenesisWinningNonce) {
    core::BlockHeader h = parse_genesis();
    const std::uint32_t nonce = h.nonce;
    h.nonce = 0;  // the hasher must ignore the header's own nonce bytes
    const core::HeaderHasher hasher(h.serialize());
    EXPECT_EQ(hasher.hash_with_nonce(nonce).display_hex(),
              "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f");
}

TEST(SearchNonce, FindsTheFirstNonceMeetingTheTarget) {
    core::BlockHeader h;
    h.time = 1'700'000'000;
    h.bits = 0x2000ffff;
    h.merkle_root = core::sha256("search nonce test");
    h.nonce = 1000;  // the search starts here
    const core::U256 target = core::pow_limit_for_bits(12);
    const auto result = core::search_nonce(h, target, 1'000'000);
    ASSERT_TRUE(result.found);
    EXPECT_GE(result.nonce, 1000u);
    EXPECT_EQ(result.tries, std::uint64_t{result.nonce} - 1000 + 1);
    core::BlockHeader won = h;
    won.nonce = result.nonce;
    EXPECT_EQ(result.hash, won.hash());
    EXPECT_LE(core::U256::from_hash(result.hash), target);
    // Every nonce tried before the winner misses the target.
    for (std::uint32_t n = 1000; n < result.nonce; ++n) {
        core::BlockHeader miss = h;
        miss.nonce = n;
        ASSERT_GT(core::U256::from_hash(miss.hash()), target) << "nonce " << n;
    }
}

TEST(SearchNonce, ImpossibleTargetReportsTries) {
    core::BlockHeader h;
    h.merkle_root = core::sha256("impossible");
    const auto result = core::search_nonce(h, core::U256(), 5000);  // target zero
    EXPECT_FALSE(result.found);
    EXPECT_EQ(result.tries, 5000u);
}

TEST(SearchNonce, StopsAtTheTopOfTheNonceRangeWithoutWrapping) {
    core::BlockHeader h;
    h.merkle_root = core::sha256("wrap");
    h.nonce = 0xffffffff - 9;
    const auto result = core::search_nonce(h, core::U256(), 1'000'000);
    EXPECT_FALSE(result.found);
    EXPECT_EQ(result.tries, 10u);
}

}  // namespace

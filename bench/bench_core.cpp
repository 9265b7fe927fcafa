// Core hot paths, each beside the raw library call it wraps so the wrapper's overhead shows:
// header hashing and the nonce search (vs OpenSSL EVP), signing and verification (vs
// libsecp256k1), and validating a 1000-transaction block.
//
// Targets: nonce search >= 2 M double-SHA-256/s per core; core verify within 10% of raw
// libsecp256k1 verify. Run: build/bench/bench_core --benchmark_min_time=1
#include <benchmark/benchmark.h>
#include <openssl/evp.h>
#include <secp256k1.h>

#include <array>
#include <cstdlib>
#include <vector>

#include "core/block.h"
#include "core/chain.h"
#include "core/hash.h"
#include "core/keys.h"
#include "core/pow.h"
#include "tests/core/test_util.h"

namespace {

core::BlockHeader sample_header() {
    core::BlockHeader h;
    h.version = 1;
    h.prev = core::sha256("bench prev");
    h.merkle_root = core::sha256("bench merkle");
    h.time = 1'700'000'000;
    h.bits = 0x1d00ffff;
    h.nonce = 0;
    return h;
}

// --- Hashing -------------------------------------------------------------------------

void BM_Sha256dHeader(benchmark::State& state) {
    auto bytes = sample_header().serialize();
    std::uint32_t nonce = 0;
    for (auto _ : state) {
        bytes[76] = static_cast<std::uint8_t>(nonce++);
        benchmark::DoNotOptimize(core::sha256d(bytes));
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Sha256dHeader);

void BM_HeaderHasherHashWithNonce(benchmark::State& state) {
    const auto bytes = sample_header().serialize();
    const core::HeaderHasher hasher(bytes);
    std::uint32_t nonce = 0;
    for (auto _ : state) {
        benchmark::DoNotOptimize(hasher.hash_with_nonce(nonce++));
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_HeaderHasherHashWithNonce);

// search_nonce with an impossible target (zero): every nonce is hashed and compared.
// items/s = double-SHA-256 per second on one core.
void BM_SearchNonce(benchmark::State& state) {
    core::BlockHeader h = sample_header();
    const std::uint64_t batch = 1 << 16;
    std::uint64_t tries = 0;
    for (auto _ : state) {
        const auto r = core::search_nonce(h, core::U256(), batch);
        benchmark::DoNotOptimize(r);
        tries += r.tries;
        h.nonce += static_cast<std::uint32_t>(batch);
        if (h.nonce > 0xf0000000u) h.nonce = 0;
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(tries));
}
BENCHMARK(BM_SearchNonce);

// Raw OpenSSL: EVP one-shot of the 80 bytes, then of the 32-byte digest.
void BM_OpenSslEvpSha256Twice(benchmark::State& state) {
    EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    if (md == nullptr) {
        state.SkipWithError("no SHA256 in OpenSSL");
        return;
    }
    auto bytes = sample_header().serialize();
    std::array<unsigned char, 32> first{}, second{};
    std::uint32_t nonce = 0;
    for (auto _ : state) {
        bytes[76] = static_cast<std::uint8_t>(nonce++);
        EVP_Digest(bytes.data(), bytes.size(), first.data(), nullptr, md, nullptr);
        EVP_Digest(first.data(), first.size(), second.data(), nullptr, md, nullptr);
        benchmark::DoNotOptimize(second);
    }
    state.SetItemsProcessed(state.iterations());
    EVP_MD_free(md);
}
BENCHMARK(BM_OpenSslEvpSha256Twice);

// --- Signatures ----------------------------------------------------------------------

struct SignatureFixture {
    core::PrivateKey key = testutil::account_key(1);
    core::PublicKey pub = key.public_key();
    core::Hash256 digest = core::sha256("bench digest");
    core::Signature sig = key.sign(digest);
};

void BM_CoreSign(benchmark::State& state) {
    SignatureFixture f;
    for (auto _ : state) {
        benchmark::DoNotOptimize(f.key.sign(f.digest));
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CoreSign);

void BM_CoreVerify(benchmark::State& state) {
    SignatureFixture f;
    for (auto _ : state) {
        if (core::verify_signature(f.pub, f.digest, f.sig) != core::SignatureCheck::kValid) {
            state.SkipWithError("signature did not verify");
            break;
        }
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CoreVerify);

// Raw libsecp256k1 with the key and signature parsed once, outside the loop.
void BM_RawSecpVerifyPreparsed(benchmark::State& state) {
    SignatureFixture f;
    secp256k1_context* ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    secp256k1_pubkey pub;
    secp256k1_ecdsa_signature sig;
    if (!secp256k1_ec_pubkey_parse(ctx, &pub, f.pub.bytes().data(), 33) ||
        !secp256k1_ecdsa_signature_parse_compact(ctx, &sig, f.sig.bytes.data())) {
        state.SkipWithError("parse failed");
    }
    for (auto _ : state) {
        if (secp256k1_ecdsa_verify(ctx, &sig, f.digest.data(), &pub) != 1) {
            state.SkipWithError("signature did not verify");
            break;
        }
    }
    state.SetItemsProcessed(state.iterations());
    secp256k1_context_destroy(ctx);
}
BENCHMARK(BM_RawSecpVerifyPreparsed);

// Raw libsecp256k1 parsing the compressed key and compact signature every time.
void BM_RawSecpParseAndVerify(benchmark::State& state) {
    SignatureFixture f;
    secp256k1_context* ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    for (auto _ : state) {
        secp256k1_pubkey pub;
        secp256k1_ecdsa_signature sig;
        const int ok = secp256k1_ec_pubkey_parse(ctx, &pub, f.pub.bytes().data(), 33) &&
                       secp256k1_ecdsa_signature_parse_compact(ctx, &sig, f.sig.bytes.data()) &&
                       secp256k1_ecdsa_verify(ctx, &sig, f.digest.data(), &pub);
        if (!ok) {
            state.SkipWithError("signature did not verify");
            break;
        }
    }
    state.SetItemsProcessed(state.iterations());
    secp256k1_context_destroy(ctx);
}
BENCHMARK(BM_RawSecpParseAndVerify);

// --- Block validation ----------------------------------------------------------------

// A network with 100 funded accounts and a mined child of genesis carrying 1000 signed
// transfers (10 per account, nonces 0..9). Built once.
struct BigBlock {
    testutil::TestNet net{100, 1'000'000};
    core::BlockRef block;

    BigBlock() {
        std::vector<core::TransactionRef> txs;
        for (std::uint64_t nonce = 0; nonce < 10; ++nonce) {
            for (std::uint64_t a = 0; a < 100; ++a) {
                txs.push_back(core::Transaction::sign_transfer(
                    testutil::account_key(a), testutil::account_address((a + 1) % 100), 1 + nonce,
                    1, nonce));
            }
        }
        block = testutil::BlockBuilder(net.params, net.genesis, 0).txs(txs).build();
    }
};

const BigBlock& big_block() {
    static const BigBlock b;
    return b;
}

void BM_BlockCheck1000Tx(benchmark::State& state) {
    const BigBlock& b = big_block();
    for (auto _ : state) {
        core::ValidationResult r = b.block->check(b.net.params, /*shared=*/false);
        if (!r.ok()) {
            state.SkipWithError(r.message.c_str());
            break;
        }
    }
    state.SetItemsProcessed(state.iterations() * 1000);  // transactions per second
}
BENCHMARK(BM_BlockCheck1000Tx)->Unit(benchmark::kMillisecond);

// Full Chain::accept of the block (context-free check, header rules, ledger apply) on a
// fresh chain each time, with shared validation off so nothing is memoised.
void BM_ChainAccept1000Tx(benchmark::State& state) {
    const BigBlock& b = big_block();
    core::ChainOptions options;
    options.shared_validation = false;
    for (auto _ : state) {
        state.PauseTiming();
        auto chain = std::make_unique<core::Chain>(b.net.params, b.net.genesis, options);
        state.ResumeTiming();
        core::AcceptResult r = chain->accept(b.block, testutil::kNow);
        if (r.status != core::AcceptResult::Status::kAccepted) {
            state.SkipWithError(r.result.message.c_str());
            break;
        }
        state.PauseTiming();
        chain.reset();
        state.ResumeTiming();
    }
    state.SetItemsProcessed(state.iterations() * 1000);
}
BENCHMARK(BM_ChainAccept1000Tx)->Unit(benchmark::kMillisecond);

}  // namespace

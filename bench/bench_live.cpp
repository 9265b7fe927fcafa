// Live-mode costs per request, and a corpus of signed transfers for HTTP load tests.
//
//   build/bench/bench_live                        Google Benchmark: the JSON and validation
//                                                 work behind POST /transactions/new,
//                                                 POST /blocks and GET /chain
//   build/bench/bench_live --corpus DIR [--accounts N] [--per-account M]
//                                                 writes DIR/funds (ADDRESS=AMOUNT per line,
//                                                 for `chainsim node --fund`) and
//                                                 DIR/txs.jsonl (N*M signed transfers, one
//                                                 JSON body per line, senders interleaved)
//
// scripts/live-bench drives `chainsim node` with wrk using that corpus.
#include <benchmark/benchmark.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "core/codec.h"
#include "core/mempool.h"
#include "core/wallet.h"
#include "sim/live/api.h"
#include "sim/live/network_params.h"

namespace {

core::PrivateKey account_key(std::uint64_t i) {
    return core::derive_account_key(0xC0FFEE, i);
}

std::string transfer_json(const core::PrivateKey& key, std::uint64_t nonce) {
    const auto tx = core::Transaction::sign_transfer(key, core::Address{}, 1, 1, nonce);
    return live::api::dump(core::tx_to_json(*tx));
}

// The server side of POST /transactions/new without the socket: parse, decode, check the
// signature (no shared memo: every request is a new object), admit to a mempool.
void BM_TransactionRequest(benchmark::State& state) {
    const auto alice = account_key(0);
    const live::NetworkParams network = live::make_network(
        live::node_consensus(8, {{alice.public_key().address(), 1'000'000'000}}));
    core::LedgerState ledger;
    core::apply_genesis(ledger, *network.genesis);
    std::vector<std::string> bodies;
    for (std::uint64_t n = 0; n < 4096; ++n)
        bodies.push_back(transfer_json(alice, n));
    core::Mempool pool;
    std::size_t i = 0;
    for (auto _ : state) {
        if (i == bodies.size()) {
            state.PauseTiming();
            pool.clear();
            i = 0;
            state.ResumeTiming();
        }
        nlohmann::json j;
        live::Response error;
        if (!live::api::parse_object(bodies[i++], j, error)) state.SkipWithError("parse");
        core::TransactionRef tx;
        if (!core::tx_from_json(j, false, tx).ok()) state.SkipWithError("decode");
        if (!pool.accept(tx, ledger).ok()) state.SkipWithError("accept");
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_TransactionRequest);

// A block (unmined) of a coinbase and `count` signed transfers.
core::BlockRef block_of_transfers(std::int64_t count) {
    const auto alice = account_key(0);
    std::vector<core::TransactionRef> txs{core::Transaction::coinbase(core::Address{}, 50, 1)};
    for (std::int64_t n = 0; n < count; ++n)
        txs.push_back(core::Transaction::sign_transfer(alice, core::Address{}, 1, 1,
                                                       static_cast<std::uint64_t>(n)));
    core::BlockHeader h;
    h.merkle_root = core::compute_merkle_root(txs);
    return core::Block::make(h, std::move(txs));
}

// GET /chain pieces: one block of `txs` transfers to JSON text (cached per block by the node).
void BM_BlockToJson(benchmark::State& state) {
    const core::BlockRef block = block_of_transfers(state.range(0));
    for (auto _ : state)
        benchmark::DoNotOptimize(live::api::dump(core::block_to_json(*block)));
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BlockToJson)->Arg(0)->Arg(100)->Arg(2000);

// POST /blocks pieces: JSON text of a block back to a Block (strict decoding).
void BM_BlockFromJson(benchmark::State& state) {
    const std::string text =
        live::api::dump(core::block_to_json(*block_of_transfers(state.range(0))));
    for (auto _ : state) {
        core::BlockRef b;
        if (!core::block_from_json(nlohmann::json::parse(text), b).ok()) state.SkipWithError("x");
        benchmark::DoNotOptimize(b);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BlockFromJson)->Arg(0)->Arg(100)->Arg(2000);

int write_corpus(const std::filesystem::path& dir, std::uint64_t accounts,
                 std::uint64_t per_account) {
    std::filesystem::create_directories(dir);
    std::vector<core::PrivateKey> keys;
    std::ofstream funds(dir / "funds");
    for (std::uint64_t a = 0; a < accounts; ++a) {
        keys.push_back(account_key(a));
        funds << keys.back().public_key().address().hex() << "=1000000000\n";
    }
    std::ofstream txs(dir / "txs.jsonl");
    for (std::uint64_t n = 0; n < per_account; ++n) {
        for (std::uint64_t a = 0; a < accounts; ++a)
            txs << transfer_json(keys[a], n) << "\n";
    }
    if (!funds || !txs) {
        std::cerr << "cannot write the corpus under " << dir << "\n";
        return 2;
    }
    std::cout << accounts * per_account << " transfers from " << accounts << " accounts in "
              << (dir / "txs.jsonl").string() << "\n";
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc >= 3 && std::strcmp(argv[1], "--corpus") == 0) {
        std::uint64_t accounts = 1000, per_account = 100;
        for (int i = 3; i + 1 < argc; i += 2) {
            if (std::strcmp(argv[i], "--accounts") == 0) accounts = std::stoull(argv[i + 1]);
            if (std::strcmp(argv[i], "--per-account") == 0) per_account = std::stoull(argv[i + 1]);
        }
        return write_corpus(argv[2], accounts, per_account);
    }
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}

// Whole-simulation costs: the trace digest per record, shared ledger states (many chains
// on one BlockTree accepting the same blocks, with and without sharing), and whole small
// scenario runs (process-free: build the world, run it, measure). See docs/performance.md.
// Run: scripts/bench bench_world
#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <vector>

#include "core/chain.h"
#include "sim/engine/trace.h"
#include "sim/scenario/scenario.h"
#include "sim/world/runner.h"
#include "tests/core/test_util.h"

namespace {

// --- Trace digest ---------------------------------------------------------------------

void BM_TraceAdd(benchmark::State& state) {
    sim::Trace trace(/*record=*/false);
    sim::TraceRecord r;
    r.subject = core::sha256("bench subject");
    for (auto _ : state) {
        r.at += 1000;
        r.a = static_cast<std::int32_t>(r.at & 1023);
        trace.add(r);
    }
    benchmark::DoNotOptimize(trace.finish());
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_TraceAdd);

// --- Shared ledger states -------------------------------------------------------------

// A chain of 20 blocks on a network of 64 funded accounts, each block carrying 16 signed
// transfers; built once.
struct TransferChain {
    testutil::TestNet net{64, 1'000'000};
    std::vector<core::BlockRef> blocks;

    TransferChain() {
        core::Chain builder(net.params, net.genesis);
        for (std::uint64_t height = 1; height <= 20; ++height) {
            std::vector<core::TransactionRef> txs;
            for (std::uint64_t i = 0; i < 16; ++i) {
                const std::uint64_t from = (height * 16 + i) % 64;
                txs.push_back(core::Transaction::sign_transfer(
                    testutil::account_key(from), testutil::account_address((from + 1) % 64), 5,
                    1, builder.state().account(testutil::account_address(from)).next_nonce));
            }
            core::BlockRef block =
                testutil::BlockBuilder::on(builder, builder.tip()).txs(txs).build();
            if (builder.accept(block, testutil::kNow).status !=
                core::AcceptResult::Status::kAccepted)
                return;  // the benchmark reports it
            blocks.push_back(block);
        }
    }
};

const TransferChain& transfer_chain() {
    static const TransferChain c;
    return c;
}

// `range(0)` chains on one tree accept the 20 blocks in turn; range(1) = 1 shares ledger
// states (and context-free checks), 0 makes every chain apply every block itself.
void BM_SharedStateApply(benchmark::State& state) {
    const TransferChain& c = transfer_chain();
    if (c.blocks.size() != 20) {
        state.SkipWithError("the transfer chain did not build");
        return;
    }
    const auto chains = static_cast<std::size_t>(state.range(0));
    core::ChainOptions options;
    options.shared_validation = state.range(1) != 0;
    for (auto _ : state) {
        state.PauseTiming();
        options.tree = std::make_shared<core::BlockTree>(c.net.genesis);
        std::vector<std::unique_ptr<core::Chain>> nodes;
        for (std::size_t i = 0; i < chains; ++i)
            nodes.push_back(std::make_unique<core::Chain>(c.net.params, c.net.genesis, options));
        state.ResumeTiming();
        for (const core::BlockRef& block : c.blocks) {
            for (auto& chain : nodes) {
                core::AcceptResult r = chain->accept(block, testutil::kNow);
                if (r.status != core::AcceptResult::Status::kAccepted) {
                    state.SkipWithError(r.result.message.c_str());
                    return;
                }
            }
        }
        state.PauseTiming();
        nodes.clear();
        state.ResumeTiming();
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(chains * 20));
}
BENCHMARK(BM_SharedStateApply)
    ->ArgsProduct({{10, 50}, {0, 1}})
    ->ArgNames({"chains", "shared"})
    ->Unit(benchmark::kMillisecond);

// --- Whole small scenarios ------------------------------------------------------------

// SimBlock's shape (scenarios/simblock-600.yaml) at `range(0)` nodes for 10 blocks.
std::string simblock_shape(std::int64_t nodes) {
    return "name: bench\nseed: 1\nuntil: {height: 10}\n"
           "consensus: {block_interval: 10m, pow_bits: 8}\n"
           "network:\n  nodes: " +
           std::to_string(nodes) +
           "\n  topology: {kind: random-regular, degree: 8}\n"
           "  latency: {dist: lognormal, median: 100ms, sigma: 0.5}\n"
           "  relay: announce\n  bandwidth: 20Mbps\n  block_size: 535KB\n";
}

void run_whole(benchmark::State& state, const std::string& text, bool shared) {
    sim::ScenarioLoad load = sim::parse_scenario_text(text, "bench.yaml", {});
    if (!load.ok()) {
        state.SkipWithError(load.error_text().c_str());
        return;
    }
    sim::RunConfig config;
    config.shared_validation = shared;
    std::uint64_t events = 0;
    for (auto _ : state) {
        sim::Expected<sim::RunOutcome> outcome = sim::run_scenario(*load.scenario, config);
        if (!outcome) {
            state.SkipWithError(outcome.error().c_str());
            return;
        }
        events += outcome->report.at("events").get<std::uint64_t>();
    }
    state.counters["events/s"] =
        benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
}

void BM_ScenarioSimBlockShape(benchmark::State& state) {
    run_whole(state, simblock_shape(state.range(0)), state.range(1) != 0);
}
BENCHMARK(BM_ScenarioSimBlockShape)
    ->ArgsProduct({{100, 500}, {0, 1}})
    ->ArgNames({"nodes", "shared"})
    ->Unit(benchmark::kMillisecond);

// Twenty nodes under a workload of signed transfers: the ledger and the mempool at work.
void BM_ScenarioTransfers(benchmark::State& state) {
    const std::string text =
        "name: bench\nseed: 2\nduration: 10m\n"
        "consensus: {block_interval: 2m, pow_bits: 8}\n"
        "network:\n  nodes: 20\n  topology: {kind: random-regular, degree: 4}\n"
        "  latency: {dist: lognormal, median: 80ms, sigma: 0.5}\n"
        "workload: {accounts: 50, tx_rate: 1/s}\n";
    run_whole(state, text, state.range(0) != 0);
}
BENCHMARK(BM_ScenarioTransfers)->Arg(0)->Arg(1)->ArgName("shared")->Unit(benchmark::kMillisecond);

}  // namespace

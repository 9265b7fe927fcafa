// Scenario loading speed: the design's example, and a large explicit topology (where node
// sets are parsed once per edge end, so their cost must follow the text, not the node count).
#include <benchmark/benchmark.h>

#include <string>

#include "sim/scenario/scenario.h"

namespace {

const char* const kDesignExample = R"(name: partition-heal
seed: 7
duration: 3h
consensus: {block_interval: 10m, pow_bits: 12, retarget: {window: 144}}
network:
  nodes: 100
  topology: {kind: random-regular, degree: 8}
  latency: {dist: lognormal, median: 80ms, sigma: 0.5}
  bandwidth: 20Mbps
  block_size: 500KB
  processing: {per_block: 2ms, per_tx: 50us}
mining:
  - {nodes: "0-9", share: 0.6}
  - {nodes: "10", share: 0.4, strategy: selfish}
workload: {accounts: 200, tx_rate: 3/s, invalid_fraction: 0.02}
events:
  - {at: 30m, partition: ["0-49", "50-99"]}
  - {at: 90m, heal: all}
  - {at: 100m, crash: "7"}
  - {at: 110m, restart: "7"}
expect:
  - {converged_within: 10m}
  - {max_reorg_depth: 12}
)";

void BM_LoadDesignExample(benchmark::State& state) {
    const std::string text = kDesignExample;
    for (auto _ : state) {
        sim::ScenarioLoad load = sim::parse_scenario_text(text, "bench.yaml", {"seed=9"});
        if (!load.ok()) state.SkipWithError(load.error_text().c_str());
        benchmark::DoNotOptimize(load);
    }
}
BENCHMARK(BM_LoadDesignExample);

// A ring of N nodes given as explicit edges, with a per-node region list.
std::string explicit_ring(int nodes) {
    std::string text = "name: ring\nduration: 1h\nnetwork:\n  nodes: " + std::to_string(nodes) +
                       "\n  topology:\n    kind: explicit\n    edges:\n";
    for (int i = 0; i < nodes; ++i) {
        text += "      - [" + std::to_string(i) + ", " + std::to_string((i + 1) % nodes) + "]\n";
    }
    text +=
        "  latency:\n    regions:\n      names: [a, b]\n      matrix: [[1ms, 9ms], [9ms, 1ms]]"
        "\n      assignment: [";
    for (int i = 0; i < nodes; ++i)
        text += i % 2 == 0 ? "a, " : "b, ";
    text.resize(text.size() - 2);
    text += "]\n";
    return text;
}

void BM_LoadExplicitRing(benchmark::State& state) {
    const std::string text = explicit_ring(static_cast<int>(state.range(0)));
    for (auto _ : state) {
        sim::ScenarioLoad load = sim::parse_scenario_text(text, "bench.yaml");
        if (!load.ok()) state.SkipWithError(load.error_text().c_str());
        benchmark::DoNotOptimize(load);
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_LoadExplicitRing)->Arg(1'000)->Arg(10'000)->Unit(benchmark::kMillisecond);

}  // namespace

// Metrics: turns a Recorder's observations into the report of docs/report.md.
//
// Definitions (also in docs/report.md §3):
//  - main chain: the ancestry of the run's final tip; stale = mined - main_chain.
//  - forks.count: stale branches, i.e. stale blocks whose parent is on the main chain (each
//    is a race lost); forks.max_depth: the longest such branch, in blocks.
//  - reorgs: every tip change on any node that disconnected at least one block.
//  - propagation tX_ms of a block: the delay after which ceil(X% of all nodes) had accepted
//    it, the miner included (at delay 0); a block that never got there has no value.
//    Summaries skip missing values.
//  - percentiles interpolate linearly between order statistics (numpy's default).
//  - transactions.confirmation_s: submit -> found time of the block that gives the
//    transaction `confirmations` blocks on the main chain (1 = its own block).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "reports/recorder.h"

namespace reports {

struct MinerGroup {
    std::string nodes;  // node set as written: "0-9"
    std::vector<int> node_ids;
    std::string strategy;  // honest | selfish | stubborn | double-spend
    double hashrate_share = 0;  // as configured at the start
};

struct RunInfo {
    std::string scenario;
    std::uint64_t seed = 0;
    std::string trace_digest;
    double sim_seconds = 0;
    double wall_seconds = 0;
    std::uint64_t events = 0;
    int nodes = 0;
    int confirmations = 1;  // k for transactions.confirmation_s
    std::vector<MinerGroup> miners;
    std::string tie_break = "first-seen";  // consensus.tie_break: sets the theory's gamma
    nlohmann::json extra = nlohmann::json::object();  // merged into the report's top level
};

// p in [0, 1]; nullopt for an empty sample. `values` need not be sorted.
std::optional<double> percentile(std::vector<double> values, double p);

// Hashes on the main chain, genesis excluded, from the lowest height up.
std::vector<const BlockRecord*> main_chain(const Recorder& recorder);

// Per-block propagation delay to ceil(fraction * nodes) nodes (the miner included, at
// delay 0); nullopt if never. propagation_ms is the same in milliseconds.
std::optional<core::Nanos> propagation_delay(const BlockRecord& block, int node_count,
                                             double fraction);
std::optional<double> propagation_ms(const BlockRecord& block, int node_count, double fraction);

// Where one submitted transaction ended up on the main chain.
struct TxConfirmation {
    std::optional<core::Nanos> included;   // found time of the main-chain block holding it
    std::optional<core::Nanos> confirmed;  // found time of the block giving it k confirmations
};

// One entry per recorder.txs() entry, in the same order. Rejected submissions (a replay of
// a transaction already on the chain, say) are never counted as included. REQUIRES: k >= 1;
// `main` is main_chain(recorder).
std::vector<TxConfirmation> tx_confirmations(const Recorder& recorder,
                                             const std::vector<const BlockRecord*>& main, int k);

// Each miner group's share of all hashes computed over [0, end]: the integral of its
// hashrate over the integral of the total (so a group's expected share of blocks found),
// from the recorder's hashrate records. Groups without records get their configured share.
std::vector<double> time_weighted_shares(const Recorder& recorder,
                                         const std::vector<MinerGroup>& miners, core::Nanos end);

// The report.json object (without "expectations", which the runner adds).
nlohmann::json build_report(const Recorder& recorder, const RunInfo& info);

}  // namespace reports

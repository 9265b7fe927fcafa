#include "reports/metrics.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <unordered_set>

namespace reports {
namespace {

using nlohmann::json;

json optional_number(const std::optional<double>& v) {
    return v ? json(*v) : json(nullptr);
}

json summary(const std::vector<double>& values) {
    if (values.empty()) return json{{"mean", nullptr}, {"median", nullptr}, {"p90", nullptr}};
    const double mean = std::accumulate(values.begin(), values.end(), 0.0) / values.size();
    return json{{"mean", mean},
                {"median", optional_number(percentile(values, 0.5))},
                {"p90", optional_number(percentile(values, 0.9))}};
}

double seconds(core::Nanos t) {
    return core::to_seconds(t);
}

}  // namespace

std::optional<double> percentile(std::vector<double> values, double p) {
    if (values.empty()) return std::nullopt;
    std::sort(values.begin(), values.end());
    const double rank = p * static_cast<double>(values.size() - 1);
    const auto lo = static_cast<std::size_t>(std::floor(rank));
    const auto hi = static_cast<std::size_t>(std::ceil(rank));
    return values[lo] + (values[hi] - values[lo]) * (rank - static_cast<double>(lo));
}

std::vector<const BlockRecord*> main_chain(const Recorder& recorder) {
    std::vector<const BlockRecord*> chain;
    for (const BlockRecord* b = recorder.find_block(recorder.final_tip()); b != nullptr;
         b = recorder.find_block(b->parent)) {
        chain.push_back(b);
    }
    std::reverse(chain.begin(), chain.end());
    return chain;
}

std::optional<core::Nanos> propagation_delay(const BlockRecord& block, int node_count,
                                             double fraction) {
    const auto needed = static_cast<std::size_t>(std::ceil(fraction * node_count - 1e-9));
    if (needed == 0 || block.delays.size() < needed) return std::nullopt;
    std::vector<core::Nanos> sorted = block.delays;
    std::nth_element(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(needed - 1),
                     sorted.end());
    return sorted[needed - 1];
}

std::optional<double> propagation_ms(const BlockRecord& block, int node_count, double fraction) {
    auto delay = propagation_delay(block, node_count, fraction);
    if (!delay) return std::nullopt;
    return static_cast<double>(*delay) / core::kMillisecond;
}

std::vector<TxConfirmation> tx_confirmations(const Recorder& recorder,
                                             const std::vector<const BlockRecord*>& main, int k) {
    std::unordered_map<core::Hash256, std::size_t> position;  // txid -> index in main
    for (std::size_t i = 0; i < main.size(); ++i) {
        for (const auto& tx : main[i]->block->txs()) {
            if (!tx->is_coinbase()) position.emplace(tx->txid(), i);
        }
    }
    std::vector<TxConfirmation> out;
    out.reserve(recorder.txs().size());
    for (const TxRecord& t : recorder.txs()) {
        TxConfirmation c;
        auto it = position.find(t.tx->txid());
        if (it != position.end() && t.rejected == core::Reject::kNone) {
            c.included = main[it->second]->found;
            const std::size_t deep = it->second + static_cast<std::size_t>(k) - 1;
            if (deep < main.size()) c.confirmed = main[deep]->found;
        }
        out.push_back(c);
    }
    return out;
}

json build_report(const Recorder& rec, const RunInfo& info) {
    const std::vector<const BlockRecord*> main = main_chain(rec);
    std::unordered_set<core::Hash256> on_main;
    for (const BlockRecord* b : main)
        on_main.insert(b->hash);

    // Blocks and forks.
    const std::size_t mined = rec.blocks().size();
    const std::size_t stale = mined - main.size();
    std::size_t fork_count = 0;
    std::size_t fork_max_depth = 0;
    std::unordered_map<core::Hash256, std::size_t> branch_length;  // lookups only
    for (const BlockRecord& b : rec.blocks()) {  // found order: parents before children
        if (on_main.count(b.hash) != 0) continue;
        auto parent = branch_length.find(b.parent);
        const std::size_t length = parent == branch_length.end() ? 1 : parent->second + 1;
        if (length == 1) ++fork_count;
        branch_length[b.hash] = length;
        fork_max_depth = std::max(fork_max_depth, length);
    }

    // Reorgs.
    std::size_t reorg_max = 0;
    std::map<std::size_t, std::size_t> histogram;
    for (const ReorgRecord& r : rec.reorgs()) {
        reorg_max = std::max(reorg_max, r.depth);
        ++histogram[r.depth];
    }
    json histogram_json = json::object();
    for (const auto& [depth, n] : histogram)
        histogram_json[std::to_string(depth)] = n;

    // Propagation.
    std::vector<double> t50, t90, t100;
    for (const BlockRecord& b : rec.blocks()) {
        if (auto v = propagation_ms(b, rec.node_count(), 0.5)) t50.push_back(*v);
        if (auto v = propagation_ms(b, rec.node_count(), 0.9)) t90.push_back(*v);
        if (auto v = propagation_ms(b, rec.node_count(), 1.0)) t100.push_back(*v);
    }

    // Convergence.
    json convergence = json::array();
    for (const ConvergenceRecord& c : rec.convergence()) {
        convergence.push_back(
            {{"event", c.event},
             {"at_s", seconds(c.at)},
             {"converged_at_s", c.converged_at ? json(seconds(*c.converged_at)) : json(nullptr)},
             {"seconds", c.converged_at ? json(seconds(*c.converged_at - c.at)) : json(nullptr)}});
    }

    // Tip agreement.
    json tip_agreement = {{"min", nullptr}, {"mean", nullptr}, {"samples", rec.samples().size()}};
    if (!rec.samples().empty()) {
        double lo = 1.0;
        double sum = 0.0;
        for (const TipSample& s : rec.samples()) {
            lo = std::min(lo, s.agreement);
            sum += s.agreement;
        }
        tip_agreement["min"] = lo;
        tip_agreement["mean"] = sum / static_cast<double>(rec.samples().size());
    }

    // Transactions.
    const int k = std::max(1, info.confirmations);
    const std::vector<TxConfirmation> confirmations = tx_confirmations(rec, main, k);
    std::map<std::string, std::size_t> rejected;
    std::size_t confirmed = 0, invalid_confirmed = 0, misclassified = 0, intended_invalid = 0;
    std::vector<double> confirmation_s;
    for (std::size_t i = 0; i < rec.txs().size(); ++i) {
        const TxRecord& t = rec.txs()[i];
        if (t.rejected != core::Reject::kNone) {
            ++rejected[std::string(core::reject_name(t.rejected))];
        }
        if (t.intended != core::Reject::kNone) {
            ++intended_invalid;
            if (t.rejected != t.intended) ++misclassified;
        }
        if (!confirmations[i].included) continue;
        if (t.intended != core::Reject::kNone) ++invalid_confirmed;
        ++confirmed;
        if (confirmations[i].confirmed) {
            confirmation_s.push_back(seconds(*confirmations[i].confirmed - t.submitted));
        }
    }
    json rejected_json = json::object();
    for (const auto& [reason, n] : rejected)
        rejected_json[reason] = n;

    // Miners.
    std::uint64_t total_revenue = 0;
    for (const BlockRecord* b : main)
        total_revenue += b->block->txs()[0]->amount();
    json miners = json::array();
    for (const MinerGroup& g : info.miners) {
        std::size_t blocks = 0;
        std::uint64_t revenue = 0;
        for (const BlockRecord* b : main) {
            if (std::binary_search(g.node_ids.begin(), g.node_ids.end(), b->miner)) {
                ++blocks;
                revenue += b->block->txs()[0]->amount();
            }
        }
        miners.push_back(
            {{"nodes", g.nodes},
             {"strategy", g.strategy},
             {"hashrate_share", g.hashrate_share},
             {"main_chain_blocks", blocks},
             {"revenue_share",
              total_revenue == 0 ? 0.0 : static_cast<double>(revenue) / total_revenue}});
    }

    json report = {
        {"scenario", info.scenario},
        {"seed", info.seed},
        {"trace_digest", info.trace_digest},
        {"sim_seconds", info.sim_seconds},
        {"wall_seconds", info.wall_seconds},
        {"events", info.events},
        {"nodes", info.nodes},
        {"blocks",
         {{"mined", mined},
          {"main_chain", main.size()},
          {"stale", stale},
          {"stale_rate", mined == 0 ? 0.0 : static_cast<double>(stale) / mined}}},
        {"forks", {{"count", fork_count}, {"max_depth", fork_max_depth}}},
        {"reorgs",
         {{"count", rec.reorgs().size()},
          {"max_depth", reorg_max},
          {"depth_histogram", histogram_json}}},
        {"propagation",
         {{"t50_ms", summary(t50)}, {"t90_ms", summary(t90)}, {"t100_ms", summary(t100)}}},
        {"convergence", convergence},
        {"tip_agreement", tip_agreement},
        {"transactions",
         {{"submitted", rec.txs().size()},
          {"confirmed", confirmed},
          {"rejected", rejected_json},
          {"intended_invalid", intended_invalid},
          {"misclassified", misclassified},
          {"invalid_confirmed", invalid_confirmed},
          {"confirmations", k},
          {"confirmed_k", confirmation_s.size()},
          {"confirmation_s",
           {{"median", optional_number(percentile(confirmation_s, 0.5))},
            {"p90", optional_number(percentile(confirmation_s, 0.9))}}}}},
        {"miners", miners},
        {"attacks", json::array()},
    };
    for (auto it = info.extra.begin(); it != info.extra.end(); ++it)
        report[it.key()] = it.value();
    return report;
}

}  // namespace reports

#include "reports/metrics.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <unordered_set>

#include "reports/theory.h"

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

// Which group each node mines in (-1: none).
std::vector<int> group_of_nodes(const Recorder& rec, const std::vector<MinerGroup>& miners) {
    std::vector<int> group(static_cast<std::size_t>(std::max(rec.node_count(), 0)), -1);
    for (std::size_t g = 0; g < miners.size(); ++g) {
        for (int node : miners[g].node_ids) {
            if (node >= 0 && node < rec.node_count()) group[static_cast<std::size_t>(node)] = static_cast<int>(g);
        }
    }
    return group;
}

// The groups' instantaneous shares after each hashrate change that moves them (the first
// entry at time 0).
json hashrate_timeline(const Recorder& rec, const std::vector<MinerGroup>& miners) {
    json out = json::array();
    const std::vector<int> group = group_of_nodes(rec, miners);
    std::vector<double> rate(group.size(), 0.0);
    std::vector<double> last;
    const auto& records = rec.hashrates();
    for (std::size_t i = 0; i < records.size(); ++i) {
        const HashrateRecord& r = records[i];
        if (r.node >= 0 && static_cast<std::size_t>(r.node) < rate.size()) {
            rate[static_cast<std::size_t>(r.node)] = r.rate;
        }
        if (i + 1 < records.size() && records[i + 1].at == r.at) continue;  // same instant
        std::vector<double> shares(miners.size(), 0.0);
        double total = 0;
        for (std::size_t n = 0; n < rate.size(); ++n) {
            if (group[n] < 0) continue;
            shares[static_cast<std::size_t>(group[n])] += rate[n];
            total += rate[n];
        }
        for (double& x : shares)
            x = total > 0 ? x / total : 0.0;
        if (shares == last) continue;
        last = shares;
        out.push_back({{"t_s", seconds(r.at)}, {"shares", shares}, {"total_relative", total}});
    }
    // Totals relative to the first one, so a drop in the network's hashrate shows.
    if (!out.empty()) {
        const double first = out[0]["total_relative"].get<double>();
        for (auto& entry : out) {
            entry["total_relative"] =
                first > 0 ? entry["total_relative"].get<double>() / first : 0.0;
        }
    }
    return out;
}

constexpr double kEyalSirerGammaRandom = 0.5;

const char* kSelfishSource =
    "Eyal & Sirer, Majority is not Enough (FC 2014), section 4, R(alpha, gamma)";
const char* kStubbornSource =
    "Nayak, Kumar, Miller & Shi, Stubborn Mining (EuroS&P 2016): the block race solved as a "
    "Markov reward process (docs/adversaries.md section 3)";
const char* kDoubleSpendSource =
    "exact strict-win race (docs/adversaries.md section 4); Nakamoto (2008) section 11 beside it";

theory::Withholding withholding_kind(const AttackRecord& a) {
    if (a.kind == "selfish") return theory::Withholding::kSelfish;
    if (a.variant == "lead") return theory::Withholding::kLead;
    if (a.variant == "equal-fork") return theory::Withholding::kEqualFork;
    return theory::Withholding::kTrail;
}

// Theory for a withholding attacker of share alpha.
std::optional<double> withholding_theory(const AttackRecord& a, double alpha, double gamma) {
    if (!(alpha > 0 && alpha < 0.5)) return std::nullopt;
    if (a.kind == "selfish") return theory::selfish_revenue(alpha, gamma);
    return theory::withholding_revenue(withholding_kind(a), alpha, gamma, std::max(1, a.trail))
        .revenue_share;
}

json attacks_json(const Recorder& rec, const RunInfo& info,
                  const std::vector<const BlockRecord*>& main, const std::vector<double>& shares) {
    std::unordered_set<core::Hash256> main_txs;
    for (const BlockRecord* b : main) {
        for (const auto& tx : b->block->txs())
            main_txs.insert(tx->txid());
    }
    const double gamma = info.tie_break == "random" ? kEyalSirerGammaRandom : 0.0;
    json out = json::array();
    for (const AttackRecord& a : rec.attacks()) {
        if (a.group < 0 || static_cast<std::size_t>(a.group) >= info.miners.size()) continue;
        const MinerGroup& g = info.miners[static_cast<std::size_t>(a.group)];
        const double share = shares[static_cast<std::size_t>(a.group)];
        std::size_t on_main = 0;
        for (const BlockRecord* b : main) {
            if (std::binary_search(g.node_ids.begin(), g.node_ids.end(), b->miner)) ++on_main;
        }
        json entry = {{"kind", a.kind},
                      {"nodes", g.nodes},
                      {"group", a.group},
                      {"hashrate_share", share},
                      {"blocks_found", a.found},
                      {"blocks_published", a.published},
                      {"blocks_abandoned", a.abandoned},
                      {"main_chain_blocks", on_main},
                      {"revenue_share", main.empty() ? 0.0
                                                     : static_cast<double>(on_main) /
                                                           static_cast<double>(main.size())}};
        if (a.kind == "double-spend") {
            std::size_t resolved = 0, successes = 0, published = 0, abandoned = 0, pending = 0,
                        kept = 0, both = 0;
            for (const AttemptRecord& t : a.attempts) {
                const bool paid = main_txs.count(t.payment) != 0;
                const bool reversed = main_txs.count(t.conflict) != 0;
                if (paid && reversed) ++both;
                if (t.outcome == AttemptRecord::Outcome::kInProgress) {
                    ++pending;
                    continue;
                }
                ++resolved;
                if (t.outcome == AttemptRecord::Outcome::kPublished) ++published;
                if (t.outcome == AttemptRecord::Outcome::kAbandoned) ++abandoned;
                if (paid) ++kept;
                if (reversed && !paid) ++successes;
            }
            entry["confirmations"] = a.confirmations;
            entry["give_up"] = a.give_up;
            entry["attempts"] = resolved;
            entry["successes"] = successes;
            entry["success_rate"] =
                resolved == 0 ? json(nullptr) : json(static_cast<double>(successes) / resolved);
            entry["published"] = published;
            entry["abandoned"] = abandoned;
            entry["in_progress"] = pending;
            entry["payments_kept"] = kept;
            entry["reversed_and_kept"] = both;
            entry["rebased"] = a.rebased;
            json curve = json::array();
            if (share > 0 && share < 1) {
                for (int z = 1; z <= 12; ++z) {
                    curve.push_back({z, theory::race_success(share, z, a.give_up),
                                     theory::nakamoto_success(share, z)});
                }
                entry["theory"] = {
                    {"q", share},
                    {"success_probability",
                     theory::race_success(share, a.confirmations, a.give_up)},
                    {"nakamoto_section_11", theory::nakamoto_success(share, a.confirmations)},
                    {"source", kDoubleSpendSource}};
            } else {
                entry["theory"] = nullptr;
            }
            entry["theory_curve"] = {{"columns", {"z", "success_probability", "nakamoto"}},
                                     {"points", curve}};
        } else {
            if (!a.variant.empty()) entry["variant"] = a.variant;
            if (a.trail > 0) entry["trail"] = a.trail;
            entry["attempts"] = a.found;
            entry["successes"] = on_main;
            entry["success_rate"] =
                a.found == 0 ? json(nullptr) : json(static_cast<double>(on_main) / a.found);
            const auto expected = withholding_theory(a, share, gamma);
            entry["theory"] = expected ? json{{"alpha", share},
                                              {"gamma", gamma},
                                              {"revenue_share", *expected},
                                              {"source", a.kind == "selfish" ? kSelfishSource
                                                                             : kStubbornSource}}
                                       : json(nullptr);
            json curve = json::array();
            const double step = a.kind == "selfish" ? 0.01 : 0.05;
            for (double x = step; x < 0.5 - 1e-9; x += step) {
                if (auto r = withholding_theory(a, x, gamma)) curve.push_back({x, *r});
            }
            entry["theory_curve"] = {{"columns", {"alpha", "revenue_share"}},
                                     {"gamma", gamma},
                                     {"points", curve}};
        }
        out.push_back(entry);
    }
    return out;
}

}  // namespace

std::vector<double> time_weighted_shares(const Recorder& rec,
                                         const std::vector<MinerGroup>& miners, core::Nanos end) {
    std::vector<double> out(miners.size(), 0.0);
    const std::vector<int> group = group_of_nodes(rec, miners);
    std::vector<double> rate(group.size(), 0.0);
    std::vector<double> integral(miners.size(), 0.0);
    core::Nanos last = 0;
    auto advance = [&](core::Nanos to) {
        if (to <= last) return;
        const double dt = static_cast<double>(to - last);
        for (std::size_t n = 0; n < rate.size(); ++n) {
            if (group[n] >= 0) integral[static_cast<std::size_t>(group[n])] += rate[n] * dt;
        }
        last = to;
    };
    for (const HashrateRecord& r : rec.hashrates()) {
        advance(std::min(r.at, end));
        if (r.node >= 0 && static_cast<std::size_t>(r.node) < rate.size()) {
            rate[static_cast<std::size_t>(r.node)] = r.rate;
        }
    }
    advance(end);
    double total = 0;
    for (double x : integral)
        total += x;
    if (total <= 0) {
        // No time passed (or nothing mined): the configured shares.
        for (std::size_t g = 0; g < miners.size(); ++g)
            out[g] = miners[g].hashrate_share;
        return out;
    }
    for (std::size_t g = 0; g < miners.size(); ++g)
        out[g] = integral[g] / total;
    return out;
}

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
    std::vector<double> t50, t90, t95, t100;
    for (const BlockRecord& b : rec.blocks()) {
        if (auto v = propagation_ms(b, rec.node_count(), 0.5)) t50.push_back(*v);
        if (auto v = propagation_ms(b, rec.node_count(), 0.9)) t90.push_back(*v);
        if (auto v = propagation_ms(b, rec.node_count(), 0.95)) t95.push_back(*v);
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
    const core::Nanos end = static_cast<core::Nanos>(std::llround(info.sim_seconds * core::kSecond));
    const std::vector<double> shares = time_weighted_shares(rec, info.miners, end);
    json miners = json::array();
    for (std::size_t gi = 0; gi < info.miners.size(); ++gi) {
        const MinerGroup& g = info.miners[gi];
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
             {"hashrate_share", shares[gi]},
             {"hashrate_share_initial", g.hashrate_share},
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
         {{"t50_ms", summary(t50)},
          {"t90_ms", summary(t90)},
          {"t95_ms", summary(t95)},
          {"t100_ms", summary(t100)}}},
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
        {"hashrate_timeline", hashrate_timeline(rec, info.miners)},
        {"attacks", attacks_json(rec, info, main, shares)},
    };
    for (auto it = info.extra.begin(); it != info.extra.end(); ++it)
        report[it.key()] = it.value();
    return report;
}

}  // namespace reports

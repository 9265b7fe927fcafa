#include "sim/world/runner.h"

#include <chrono>
#include <cstdio>

#include "reports/metrics.h"
#include "sim/scenario/expectations.h"
#include "sim/scenario/nodeset.h"
#include "sim/scenario/units.h"

namespace sim {
namespace {

std::vector<reports::MinerGroup> miner_groups(const Scenario& scenario) {
    std::vector<reports::MinerGroup> groups;
    for (const MinerSpec& m : scenario.mining) {
        groups.push_back(reports::MinerGroup{format_node_set(m.nodes), m.nodes,
                                             std::string(strategy_name(m.strategy)), m.share});
    }
    return groups;
}

// A message a node could not relay (withheld) counts as sent and dropped for its cause, as
// one the network dropped would: sent = delivered + dropped + still in flight.
nlohmann::json network_json(const NetworkCounters& c, const RelayWithheld& w) {
    return {{"sent", c.sent + w.total()},
            {"delivered", c.delivered},
            {"dropped",
             {{"no_link", c.dropped_no_link},
              {"cut", c.dropped_cut + w.cut},
              {"node_down", c.dropped_node_down + w.node_down},
              {"partition", c.dropped_partition + w.partition},
              {"loss", c.dropped_loss},
              {"in_flight", c.dropped_in_flight}}}};
}

std::string fmt(const char* f, double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, f, v);
    return buf;
}

}  // namespace

Expected<RunOutcome> run_scenario(const Scenario& scenario, const RunConfig& config) {
    RunOptions options;
    options.seed = config.seed;
    options.shared_validation = config.shared_validation;
    options.record_trace = config.check_determinism;
    options.progress = config.progress;

    const auto wall_start = std::chrono::steady_clock::now();
    if (config.max_events > 0 || config.max_wall_seconds > 0) {
        const core::Nanos end = scenario.duration;
        options.over_budget = [&config, wall_start, end](core::Nanos now,
                                                         std::uint64_t events) -> std::string {
            std::string which;
            if (config.max_events > 0 && events >= config.max_events) {
                which = "--max-events " + std::to_string(config.max_events);
            } else if (config.max_wall_seconds > 0 &&
                       std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                                     wall_start)
                               .count() >= config.max_wall_seconds) {
                which = "--max-wall " + fmt("%g", config.max_wall_seconds) + "s";
            } else {
                return {};
            }
            return "stopped by " + which + " at sim time " + format_duration(now) +
                   (end > 0 ? " of " + format_duration(end) : std::string()) + " after " +
                   std::to_string(events) + " events; no report was written";
        };
    }
    Expected<std::unique_ptr<World>> world = World::create(scenario, options);
    if (!world) return Error{world.error()};
    RunResult result = (*world)->run();
    if (!result.stopped.empty()) return Error{result.stopped};
    const double wall_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();

    RunOutcome outcome;
    if (config.check_determinism) {
        options.progress = nullptr;
        Expected<std::unique_ptr<World>> again = World::create(scenario, options);
        if (!again) return Error{again.error()};
        RunResult second = (*again)->run();
        if (auto at = first_divergence(result.trace, second.trace)) {
            std::string first =
                *at < result.trace.size() ? result.trace[*at].describe() : "(run 1 ended)";
            std::string other =
                *at < second.trace.size() ? second.trace[*at].describe() : "(run 2 ended)";
            outcome.divergence = "runs diverge at trace event #" + std::to_string(*at) +
                                 ":\n  run 1: " + first + "\n  run 2: " + other;
        } else if (result.trace_digest != second.trace_digest) {
            outcome.divergence = "trace records match but digests differ (" + result.trace_digest +
                                 " vs " + second.trace_digest + ")";
        } else {
            outcome.divergence = std::string();
        }
    }

    reports::RunInfo info;
    info.scenario = scenario.name;
    info.seed = config.seed;
    info.trace_digest = result.trace_digest;
    info.sim_seconds = core::to_seconds(result.sim_time);
    info.wall_seconds = wall_seconds;
    info.events = result.events;
    info.nodes = scenario.network.nodes;
    info.confirmations = scenario.report.confirmations;
    info.miners = miner_groups(scenario);
    info.tie_break = std::string(tie_break_name(scenario.consensus.tie_break));
    nlohmann::json network = network_json(result.network, result.withheld);
    if (scenario.network.relay == Relay::kCompact) {
        const CompactCounters& c = result.compact;
        network["compact"] = {{"received", c.received},
                              {"rebuilt_without_round_trip", c.rebuilt_without_round_trip},
                              {"round_trips", c.round_trips},
                              {"missing_txs", c.missing_txs},
                              {"fetched_whole", c.fetched_whole},
                              {"rebuilt_share", c.received == 0
                                                    ? nlohmann::json(nullptr)
                                                    : nlohmann::json(static_cast<double>(
                                                          c.rebuilt_without_round_trip) /
                                                                     c.received)}};
    }
    info.extra = {{"trace_events", result.trace_events},
                  {"shared_validation", config.shared_validation},
                  {"network", std::move(network)},
                  {"blocks_rejected", result.blocks_rejected},
                  {"warnings", result.warnings},
                  {"consensus",
                   {{"block_interval_s", core::to_seconds(scenario.consensus.block_interval)},
                    {"pow_bits", scenario.consensus.pow_bits},
                    {"retarget_window", scenario.consensus.retarget_window}}}};
    if (outcome.divergence) {
        info.extra["determinism"] = {{"checked", true},
                                     {"identical", outcome.divergence->empty()},
                                     {"detail", *outcome.divergence}};
    }
    outcome.report = reports::build_report((*world)->recorder(), info);
    outcome.report["expectations"] = evaluate_expectations(scenario.expectations, outcome.report);
    outcome.expectations_passed = all_passed(outcome.report["expectations"]);
    outcome.warnings = result.warnings;
    outcome.world = std::move(*world);
    return outcome;
}

std::string summarize(const nlohmann::json& r) {
    auto num = [](const nlohmann::json& v, const char* f) {
        return v.is_null() ? std::string("n/a") : fmt(f, v.get<double>());
    };
    std::string s;
    const double sim_s = r["sim_seconds"].get<double>();
    const double wall_s = r["wall_seconds"].get<double>();
    const double events = r["events"].get<double>();
    s += "scenario " + r["scenario"].get<std::string>() + ", seed " +
         std::to_string(r["seed"].get<std::uint64_t>()) + ", " +
         std::to_string(r["nodes"].get<int>()) + " nodes: " + fmt("%.0f", sim_s) +
         " s simulated in " + fmt("%.2f", wall_s) + " s (" + fmt("%.0f", events) + " events, " +
         fmt("%.0f", wall_s > 0 ? events / wall_s : 0) + " events/s)\n";
    const auto& b = r["blocks"];
    s += "blocks: " + b["mined"].dump() + " mined, " + b["main_chain"].dump() +
         " on the main chain, " + b["stale"].dump() + " stale (rate " +
         fmt("%.4f", b["stale_rate"].get<double>()) + ")";
    s += "; forks " + r["forks"]["count"].dump() + " (deepest " + r["forks"]["max_depth"].dump() +
         "); reorgs " + r["reorgs"]["count"].dump() + " (deepest " +
         r["reorgs"]["max_depth"].dump() + ")\n";
    const auto& p = r["propagation"];
    auto ms = [&](const nlohmann::json& v) {
        return v.is_null() ? std::string("n/a") : fmt("%.1f", v.get<double>()) + " ms";
    };
    if (p["t50_ms"]["median"].is_null()) {
        s += b["mined"].get<std::uint64_t>() == 0
                 ? "propagation: no data (no block was mined)\n"
                 : "propagation: no data (no block reached half the nodes)\n";
    } else {
        s += "propagation (median over blocks): 50% " + ms(p["t50_ms"]["median"]) + ", 90% " +
             ms(p["t90_ms"]["median"]) + ", 100% " + ms(p["t100_ms"]["median"]) + "\n";
    }
    s += "tip agreement: min " + num(r["tip_agreement"]["min"], "%.3f") + ", mean " +
         num(r["tip_agreement"]["mean"], "%.3f") + "\n";
    for (const auto& c : r["convergence"]) {
        s += "convergence after " + c["event"].get<std::string>() + " at " +
             fmt("%.1f", c["at_s"].get<double>()) + " s: " +
             (c["seconds"].is_null() ? std::string("never")
                                     : fmt("%.3f", c["seconds"].get<double>()) + " s") +
             "\n";
    }
    const auto& t = r["transactions"];
    if (t["submitted"].get<std::uint64_t>() > 0) {
        // "confirmed" counts inclusion in the main chain; the latency is to k blocks deep,
        // which fewer transactions reach by the end of the run (the confirmations plot's count).
        const std::string k = t["confirmations"].dump();
        s += "transactions: " + t["submitted"].dump() + " submitted, " + t["confirmed"].dump() +
             " in the main chain, " + t["confirmed_k"].dump() + " with k=" + k +
             " confirmations (median " + num(t["confirmation_s"]["median"], "%.1f") + " s, p90 " +
             num(t["confirmation_s"]["p90"], "%.1f") + " s), rejected " + t["rejected"].dump() +
             "\n";
    }
    if (r.contains("attacks")) {
        for (const auto& a : r["attacks"]) {
            const std::string kind = a["kind"].get<std::string>();
            s += "attack " + kind + (a.contains("variant") ? " " + a["variant"].get<std::string>() : "") +
                 " (nodes " + a["nodes"].get<std::string>() + ", hashrate share " +
                 fmt("%.3f", a["hashrate_share"].get<double>()) + "): ";
            if (kind == "double-spend") {
                s += a["attempts"].dump() + " attempts, " + a["successes"].dump() +
                     " succeeded (rate " + num(a["success_rate"], "%.4f") + ", theory " +
                     (a["theory"].is_null() ? std::string("n/a")
                                            : num(a["theory"]["success_probability"], "%.4f")) +
                     " at z " + a["confirmations"].dump() + ")\n";
            } else {
                s += "revenue share " + fmt("%.4f", a["revenue_share"].get<double>()) + " (theory " +
                     (a["theory"].is_null() ? std::string("n/a")
                                            : num(a["theory"]["revenue_share"], "%.4f") +
                                                  " at gamma " +
                                                  num(a["theory"]["gamma"], "%.1f")) +
                     ")\n";
            }
        }
    }
    for (const auto& e : r["expectations"]) {
        s += std::string("expect ") + e["name"].get<std::string>() + ": " +
             (e["passed"].get<bool>() ? "pass" : "FAIL") + " (" + e["detail"].get<std::string>() +
             ")\n";
    }
    s += "trace digest: " + r["trace_digest"].get<std::string>() + "\n";
    return s;
}

}  // namespace sim

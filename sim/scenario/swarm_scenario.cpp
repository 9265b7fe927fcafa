#include "sim/scenario/swarm_scenario.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>
#include <sstream>
#include <utility>
#include <vector>

#include "sim/engine/rng.h"
#include "sim/net/topology.h"
#include "sim/scenario/nodeset.h"
#include "sim/scenario/units.h"

namespace sim {
namespace {

std::string number(double x, const char* format = "%.4f") {
    char buf[64];
    std::snprintf(buf, sizeof buf, format, x);
    return buf;
}

std::string ms(std::int64_t milliseconds) {
    return format_duration(milliseconds * core::kMillisecond);
}

std::string quoted_set(const std::vector<int>& nodes) {
    std::string text = "\"";
    text += format_node_set(nodes);
    text += '"';
    return text;
}

// Fisher-Yates with our own draws.
void shuffle(std::vector<int>& v, Rng& rng) {
    for (std::size_t i = v.size(); i > 1; --i)
        std::swap(v[i - 1], v[rng.below(i)]);
}

// A non-empty random subset of `from` with at most `most` members, sorted.
std::vector<int> pick_some(std::vector<int> from, std::size_t most, Rng& rng) {
    shuffle(from, rng);
    const std::size_t count = 1 + rng.below(std::max<std::size_t>(1, std::min(most, from.size())));
    from.resize(count);
    std::sort(from.begin(), from.end());
    return from;
}

std::vector<int> all_nodes(int n) {
    std::vector<int> v(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i)
        v[static_cast<std::size_t>(i)] = i;
    return v;
}

// A topology spec for n nodes, its YAML, and the kind's name; parameters valid for n.
struct DrawnTopology {
    TopologySpec spec;
    std::string yaml;
};

DrawnTopology draw_topology(int n, Rng& rng) {
    DrawnTopology t;
    std::vector<TopologyKind> kinds = {TopologyKind::kFull,      TopologyKind::kLine,
                                       TopologyKind::kStar,      TopologyKind::kErdosRenyi,
                                       TopologyKind::kScaleFree, TopologyKind::kExplicit};
    if (n >= 3) {
        kinds.insert(kinds.end(),
                     {TopologyKind::kRing, TopologyKind::kRandomRegular, TopologyKind::kBitcoin});
    }
    if (n >= 4)
        kinds.insert(kinds.end(), {TopologyKind::kSmallWorld, TopologyKind::kConfiguration});
    t.spec.kind = kinds[rng.below(kinds.size())];
    const std::string kind(topology_name(t.spec.kind));
    switch (t.spec.kind) {
        case TopologyKind::kFull:
        case TopologyKind::kRing:
        case TopologyKind::kLine:
        case TopologyKind::kStar:
            t.yaml = kind;
            break;
        case TopologyKind::kRandomRegular: {
            int d = static_cast<int>(rng.uniform_int(2, std::min(n - 1, 4)));
            if ((n * d) % 2 != 0) d = d + 1 <= n - 1 ? d + 1 : d - 1;
            t.spec.degree = d;
            t.yaml = "{kind: random-regular, degree: " + std::to_string(d) + "}";
            break;
        }
        case TopologyKind::kErdosRenyi:
            t.spec.p = std::round(rng.uniform(0.3, 0.9) * 1000) / 1000;
            t.yaml = "{kind: erdos-renyi, p: " + number(t.spec.p, "%.3f") + "}";
            break;
        case TopologyKind::kSmallWorld:
            t.spec.k = n >= 6 && rng.bernoulli(0.5) ? 4 : 2;
            t.spec.beta = std::round(rng.uniform(0, 0.5) * 1000) / 1000;
            t.yaml = "{kind: small-world, k: " + std::to_string(t.spec.k) +
                     ", beta: " + number(t.spec.beta, "%.3f") + "}";
            break;
        case TopologyKind::kScaleFree:
            t.spec.m = static_cast<int>(rng.uniform_int(1, std::min(n - 1, 3)));
            t.yaml = "{kind: scale-free, m: " + std::to_string(t.spec.m) + "}";
            break;
        case TopologyKind::kBitcoin: {
            const int outbound = static_cast<int>(rng.uniform_int(1, std::min(n - 2, 3)));
            const int reachable = static_cast<int>(rng.uniform_int(outbound + 1, n));
            const int inbound = (n * outbound + reachable - 1) / reachable +
                                static_cast<int>(rng.uniform_int(0, 2));
            t.spec.outbound = outbound;
            t.spec.max_inbound = inbound;
            // Six decimals: round(reachable_share * n) gives back `reachable` for n <= 12.
            t.spec.reachable = std::stod(number(static_cast<double>(reachable) / n, "%.6f"));
            t.yaml = "{kind: bitcoin, outbound: " + std::to_string(outbound) +
                     ", max_inbound: " + std::to_string(inbound) +
                     ", reachable: " + number(t.spec.reachable, "%.6f") + "}";
            break;
        }
        case TopologyKind::kConfiguration: {
            const int low = static_cast<int>(rng.uniform_int(2, std::min(n - 1, 3)));
            const int high = static_cast<int>(rng.uniform_int(low, n - 1));
            const double w = std::round(rng.uniform(0.2, 0.8) * 100) / 100;
            t.yaml = "{kind: configuration, degrees: [[" + std::to_string(low) + ", " +
                     number(w, "%.2f") + "], [" + std::to_string(high) + ", " +
                     number(1 - w, "%.2f") + "]]}";
            t.spec.degrees = {{low, std::stod(number(w, "%.2f"))},
                              {high, std::stod(number(1 - w, "%.2f"))}};
            break;
        }
        case TopologyKind::kExplicit: {
            // A random spanning tree (each node links to an earlier one), then a few extra links.
            std::set<std::pair<int, int>> edges;
            for (int i = 1; i < n; ++i)
                edges.insert({static_cast<int>(rng.below(static_cast<std::uint64_t>(i))), i});
            const int extra = static_cast<int>(rng.uniform_int(0, n / 2));
            for (int e = 0; e < extra; ++e) {
                const int a = static_cast<int>(rng.below(static_cast<std::uint64_t>(n)));
                const int b = static_cast<int>(rng.below(static_cast<std::uint64_t>(n)));
                if (a != b) edges.insert({std::min(a, b), std::max(a, b)});
            }
            t.spec.edges.assign(edges.begin(), edges.end());
            t.yaml = "{kind: explicit, edges: [";
            for (std::size_t i = 0; i < t.spec.edges.size(); ++i) {
                t.yaml += (i ? ", [" : "[") + std::to_string(t.spec.edges[i].first) + ", " +
                          std::to_string(t.spec.edges[i].second) + "]";
            }
            t.yaml += "]}";
            break;
        }
    }
    return t;
}

// A latency model: its YAML (flow form) and its name; `median_ms` sets the scale.
std::pair<std::string, std::string> draw_latency(int n, std::int64_t median_ms, Rng& rng,
                                                 bool allow_regions) {
    const int choice = static_cast<int>(rng.below(allow_regions ? 6 : 5));
    const std::string m = ms(median_ms);
    switch (choice) {
        case 0:
            return {"{dist: constant, value: " + m + "}", "constant"};
        case 1:
            return {
                "{dist: uniform, min: " + ms(median_ms / 2) + ", max: " + ms(median_ms * 2) + "}",
                "uniform"};
        case 2:
            return {"{dist: normal, mean: " + m +
                        ", stddev: " + ms(std::max<std::int64_t>(1, median_ms / 3)) + "}",
                    "normal"};
        case 3:
            return {"{dist: lognormal, median: " + m +
                        ", sigma: " + number(rng.uniform(0.1, 0.8), "%.2f") + "}",
                    "lognormal"};
        case 4:
            return {"{dist: pareto, scale: " + ms(std::max<std::int64_t>(1, median_ms / 2)) +
                        ", shape: " + number(rng.uniform(2.0, 4.0), "%.2f") + "}",
                    "pareto"};
        default: {
            const int regions = static_cast<int>(rng.uniform_int(2, 3));
            std::vector<std::vector<std::int64_t>> matrix(static_cast<std::size_t>(regions),
                                                          std::vector<std::int64_t>(regions));
            for (int a = 0; a < regions; ++a) {
                for (int b = a; b < regions; ++b) {
                    const std::int64_t v = a == b ? std::max<std::int64_t>(1, median_ms / 4)
                                                  : rng.uniform_int(median_ms, median_ms * 3);
                    matrix[a][b] = matrix[b][a] = v;
                }
            }
            std::string y = "{regions: {names: [";
            for (int r = 0; r < regions; ++r)
                y += (r ? ", r" : "r") + std::to_string(r);
            y += "], matrix: [";
            for (int a = 0; a < regions; ++a) {
                y += a ? ", [" : "[";
                for (int b = 0; b < regions; ++b)
                    y += (b ? ", " : "") + ms(matrix[a][b]);
                y += "]";
            }
            y += "], assignment: [";
            for (int i = 0; i < n; ++i)
                y += (i ? ", r" : "r") +
                     std::to_string(rng.below(static_cast<std::uint64_t>(regions)));
            y += "]";
            if (rng.bernoulli(0.5)) y += ", jitter: {dist: lognormal, sigma: 0.3}";
            y += "}}";
            return {y, "regions"};
        }
    }
}

struct MiningEntry {
    std::vector<int> nodes;
    double share = 0;
};

}  // namespace

SwarmScenario generate_swarm_scenario(std::uint64_t seed) {
    Rng rng = Rng::stream(seed, "swarm");
    SwarmScenario out;
    out.seed = seed;
    const int n = static_cast<int>(rng.uniform_int(2, 12));
    out.nodes = n;

    // Blocks far apart compared with propagation, so that convergence after the final heal
    // is a fair demand: latencies of tens of ms against block intervals of 10 s and more.
    const std::int64_t interval_ms = rng.uniform_int(10, 40) * 1000;
    const std::int64_t median_ms = rng.uniform_int(5, 100);

    std::ostringstream y;
    y << "# Generated by chainsim swarm for seed " << seed << "; reproduce the whole check with\n"
      << "#   chainsim swarm --seeds " << seed << ".." << seed << "\n"
      << "name: swarm-" << seed << "\n"
      << "description: random scenario of chainsim swarm, seed " << seed << "\n"
      << "seed: " << seed << "\n";

    // Consensus.
    std::ostringstream consensus;
    consensus << "consensus:\n  block_interval: " << ms(interval_ms) << "\n"
              << "  pow_bits: " << rng.uniform_int(4, 12) << "\n";
    if (rng.bernoulli(0.25))
        consensus << "  retarget: {window: " << rng.uniform_int(4, 12) << "}\n";
    if (rng.bernoulli(0.3)) consensus << "  max_block_txs: " << rng.uniform_int(1, 20) << "\n";
    if (rng.bernoulli(0.3)) consensus << "  tie_break: random\n";

    // Network: a connected graph (drawn again until build_topology, with the world's own
    // "topology" stream of this seed, gives a connected one; a full graph after 20 tries).
    DrawnTopology topology;
    std::vector<std::pair<int, int>> links;
    for (int attempt = 0;; ++attempt) {
        topology = attempt < 20 ? draw_topology(n, rng) : DrawnTopology{{}, "full"};
        if (validate(topology.spec, n).ok()) {
            Rng topology_rng = Rng::stream(seed, "topology");
            Expected<Topology> graph = build_topology(topology.spec, n, topology_rng);
            if (graph && graph->connected()) {
                links = graph->links();
                break;
            }
        }
    }
    out.features.topology = std::string(topology_name(topology.spec.kind));
    auto [latency, latency_name] = draw_latency(n, median_ms, rng, true);
    out.features.latency = latency_name;
    std::ostringstream network;
    network << "network:\n  nodes: " << n << "\n  topology: " << topology.yaml << "\n"
            << "  latency: " << latency << "\n";
    const int relay = static_cast<int>(rng.below(3));
    if (relay == 1) network << "  relay: push\n";
    if (relay == 2) network << "  relay: compact\n";
    if (rng.bernoulli(0.2)) network << "  bandwidth: " << rng.uniform_int(5, 50) << "Mbps\n";
    if (rng.bernoulli(0.2)) network << "  block_size: " << rng.uniform_int(5, 100) << "KB\n";
    if (topology.spec.kind != TopologyKind::kLine && rng.bernoulli(0.15)) {
        network << "  loss: " << number(rng.uniform(0.001, 0.02), "%.3f") << "\n";
    }
    if (rng.bernoulli(0.2)) {
        network << "  processing: {per_block: " << rng.uniform_int(1, 20)
                << "ms, per_tx: " << rng.uniform_int(10, 200) << "us}\n";
    }

    // Mining: uneven shares over a random subset of miners (or the default: all, equal).
    std::vector<MiningEntry> entries;
    std::ostringstream mining;
    if (rng.bernoulli(0.15)) {
        entries.push_back({all_nodes(n), 1.0});
    } else {
        std::vector<int> miners;
        for (int i = 0; i < n; ++i) {
            if (rng.bernoulli(0.7)) miners.push_back(i);
        }
        if (miners.empty())
            miners.push_back(static_cast<int>(rng.below(static_cast<std::uint64_t>(n))));
        shuffle(miners, rng);
        const std::size_t groups = 1 + rng.below(std::min<std::size_t>(3, miners.size()));
        std::vector<double> weights;
        for (std::size_t g = 0; g < groups; ++g)
            weights.push_back(0.05 + rng.exponential(1.0));
        if (groups > 1 && rng.bernoulli(0.3)) weights[0] *= rng.uniform(5, 20);  // one dominates
        double total = 0;
        for (double w : weights)
            total += w;
        mining << "mining:\n";
        double given = 0;
        for (std::size_t g = 0; g < groups; ++g) {
            MiningEntry e;
            for (std::size_t i = g; i < miners.size(); i += groups)
                e.nodes.push_back(miners[i]);
            std::sort(e.nodes.begin(), e.nodes.end());
            if (g + 1 < groups) {
                e.share = std::stod(number(std::max(0.01, weights[g] / total)));
                given += e.share;
                mining << "  - {nodes: " << quoted_set(e.nodes) << ", share: " << number(e.share)
                       << "}\n";
            } else {
                e.share = 1 - given;  // what `share: rest` reads as
                mining << "  - {nodes: " << quoted_set(e.nodes) << ", share: rest}\n";
            }
            entries.push_back(std::move(e));
        }
        out.features.uneven_shares = groups > 1 || static_cast<int>(miners.size()) < n;
    }

    // Workload, usually with invalid transactions (forged signatures, overspends, replays).
    std::ostringstream workload;
    if (rng.bernoulli(0.85)) {
        const double invalid = rng.bernoulli(0.75) ? rng.uniform(0.05, 0.4) : 0.0;
        out.features.invalid_txs = invalid > 0;
        const std::int64_t fee_min = rng.uniform_int(0, 2);
        workload << "workload:\n  accounts: " << rng.uniform_int(2, 30) << "\n"
                 << "  tx_rate: " << number(rng.uniform(0.1, 1.5), "%.3f") << "/s\n"
                 << "  invalid_fraction: " << number(invalid, "%.3f") << "\n"
                 << "  amount: {min: 1, max: " << rng.uniform_int(1, 1000) << "}\n"
                 << "  fee: {min: " << fee_min << ", max: " << fee_min + rng.uniform_int(0, 5)
                 << "}\n";
    }

    // The fault phase: actions in time order, each valid in the state the earlier ones leave.
    const std::int64_t heal_ms = interval_ms * rng.uniform_int(10, 25);
    std::ostringstream events;
    std::set<int> down;
    std::set<std::pair<int, int>> cut;
    std::set<std::size_t> shifted;  // mining entries with a hashrate shift
    bool partitioned = false;
    bool spiked = false;
    std::int64_t t = rng.uniform_int(1, 3) * interval_ms / 2;
    const int max_actions = rng.bernoulli(0.1) ? 0 : static_cast<int>(rng.uniform_int(1, 10));
    for (int action = 0; action < max_actions && t < heal_ms; ++action) {
        const std::string at = "  - {at: " + ms(t) + ", ";
        switch (rng.below(6)) {
            case 0: {  // partition, or heal the one in force
                if (partitioned && rng.bernoulli(0.5)) {
                    events << at << "heal: all}\n";
                    partitioned = false;
                    break;
                }
                std::vector<int> nodes = all_nodes(n);
                shuffle(nodes, rng);
                const std::size_t groups = std::min<std::size_t>(nodes.size(), 2 + rng.below(2));
                events << at << "partition: [";
                for (std::size_t g = 0; g < groups; ++g) {
                    std::vector<int> group;
                    for (std::size_t i = g; i < nodes.size(); i += groups)
                        group.push_back(nodes[i]);
                    std::sort(group.begin(), group.end());
                    events << (g ? ", " : "") << quoted_set(group);
                }
                events << "]}\n";
                partitioned = true;
                ++out.features.partitions;
                break;
            }
            case 1: {  // cut a link, or restore a cut one
                if (!cut.empty() && rng.bernoulli(0.4)) {
                    auto it = cut.begin();
                    std::advance(it, static_cast<long>(rng.below(cut.size())));
                    events << at << "restore: [\"" << it->first << "\", \"" << it->second
                           << "\"]}\n";
                    cut.erase(it);
                    break;
                }
                std::vector<std::pair<int, int>> uncut;
                for (const auto& link : links) {
                    if (!cut.count(link)) uncut.push_back(link);
                }
                if (uncut.empty()) break;
                const auto link = uncut[rng.below(uncut.size())];
                events << at << "cut: [\"" << link.first << "\", \"" << link.second << "\"]}\n";
                cut.insert(link);
                ++out.features.cuts;
                break;
            }
            case 2: {  // crash some running nodes (now and then all of them)
                std::vector<int> up;
                for (int i = 0; i < n; ++i) {
                    if (!down.count(i)) up.push_back(i);
                }
                if (up.empty()) break;
                const std::vector<int> crash =
                    rng.bernoulli(0.05) ? up : pick_some(up, std::max(1, n / 3), rng);
                events << at << "crash: " << quoted_set(crash) << "}\n";
                down.insert(crash.begin(), crash.end());
                ++out.features.crashes;
                break;
            }
            case 3: {  // restart some crashed nodes
                if (down.empty()) break;
                const std::vector<int> restart =
                    pick_some(std::vector<int>(down.begin(), down.end()), down.size(), rng);
                events << at << "restart: " << quoted_set(restart) << "}\n";
                for (int node : restart)
                    down.erase(node);
                ++out.features.restarts;
                break;
            }
            case 4: {  // a latency spike, or the model back
                if (spiked && rng.bernoulli(0.5)) {
                    events << at << "latency: " << latency << "}\n";
                    spiked = false;
                    break;
                }
                const std::int64_t spike_ms = median_ms * rng.uniform_int(3, 20);
                events << at << "latency: " << draw_latency(n, spike_ms, rng, false).first << "}\n";
                spiked = true;
                ++out.features.latency_spikes;
                break;
            }
            default: {  // a hashrate shift within one mining entry: stop, slow or speed up
                const std::size_t e = rng.below(entries.size());
                const std::vector<int> nodes =
                    pick_some(entries[e].nodes, entries[e].nodes.size(), rng);
                const double share =
                    rng.bernoulli(0.3) ? 0.0 : std::stod(number(rng.uniform(0.05, 3.0), "%.3f"));
                events << at << "hashrate: {nodes: " << quoted_set(nodes)
                       << ", share: " << number(share, "%.3f") << "}}\n";
                shifted.insert(e);
                ++out.features.hashrate_shifts;
                break;
            }
        }
        t += rng.uniform_int(interval_ms / 5, interval_ms * 3);
    }

    // The final heal: every fault undone at once.
    const std::string at = "  - {at: " + ms(heal_ms) + ", ";
    events << at << "heal: all}\n";
    for (const auto& [a, b] : cut)
        events << at << "restore: [\"" << a << "\", \"" << b << "\"]}\n";
    if (!down.empty()) {
        events << at << "restart: " << quoted_set(std::vector<int>(down.begin(), down.end()))
               << "}\n";
    }
    if (spiked) events << at << "latency: " << latency << "}\n";
    for (std::size_t e : shifted) {
        events << at << "hashrate: {nodes: " << quoted_set(entries[e].nodes)
               << ", share: " << number(entries[e].share, "%.17g") << "}}\n";
    }

    out.heal_at = heal_ms * core::kMillisecond;
    out.convergence_bound = 30 * interval_ms * core::kMillisecond;
    y << "duration: " << ms(heal_ms + 30 * interval_ms) << "\n"
      << consensus.str() << network.str() << mining.str() << workload.str() << "events:\n"
      << events.str();
    out.yaml = y.str();
    return out;
}

}  // namespace sim

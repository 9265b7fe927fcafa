#include "sim/world/estimate.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <utility>

namespace sim {
namespace {

double kind_links(const NetworkSpec& network) {
    const double n = network.nodes;
    const TopologySpec& t = network.topology;
    switch (t.kind) {
        case TopologyKind::kFull:
            return n * (n - 1) / 2;
        case TopologyKind::kRing:
        case TopologyKind::kLine:
        case TopologyKind::kStar:
            return n;
        case TopologyKind::kRandomRegular:
            return n * t.degree / 2;
        case TopologyKind::kErdosRenyi:
            return t.p * n * (n - 1) / 2;
        case TopologyKind::kSmallWorld:
            return n * t.k / 2;
        case TopologyKind::kScaleFree:
            return n * t.m;
        case TopologyKind::kExplicit:
            return static_cast<double>(t.edges.size());
        case TopologyKind::kBitcoin:
            return n * t.outbound;  // every node opens `outbound` links
        case TopologyKind::kConfiguration: {
            double weight = 0, degree = 0;  // mean degree of the bins
            for (const auto& [d, w] : t.degrees) {
                weight += w;
                degree += d * w;
            }
            return weight > 0 ? n * (degree / weight) / 2 : n;
        }
    }
    return n * n;
}

// The kind's links plus the clique's (an upper bound: some may already be links).
double links_of(const NetworkSpec& network) {
    const double c = static_cast<double>(network.topology.clique.size());
    return kind_links(network) + c * (c - 1) / 2;
}

std::string figure(double x) {
    char buf[32];
    if (x < 1e4) {
        std::snprintf(buf, sizeof buf, "%.0f", x);
    } else {
        std::snprintf(buf, sizeof buf, "%.2g", x);
    }
    return buf;
}

std::string duration_text(double s) {
    char buf[48];
    if (s < 120) {
        std::snprintf(buf, sizeof buf, "%.0f s", s);
    } else if (s < 7200) {
        std::snprintf(buf, sizeof buf, "%.0f min", s / 60);
    } else if (s < 3 * 86400) {
        std::snprintf(buf, sizeof buf, "%.0f h", s / 3600);
    } else {
        std::snprintf(buf, sizeof buf, "%.2g days", s / 86400);
    }
    return buf;
}

std::string bytes_text(double b) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2g GB", b / 1e9);
    return buf;
}

}  // namespace

WorkEstimate estimate_work(const Scenario& scenario) {
    WorkEstimate e;
    const double interval_s =
        core::to_seconds(std::max<core::Nanos>(1, scenario.consensus.block_interval));
    const double duration_s = scenario.duration > 0 ? core::to_seconds(scenario.duration) : 0;
    e.blocks = scenario.duration > 0 ? duration_s / interval_s
                                     : static_cast<double>(scenario.until_height);
    const double span_s = scenario.duration > 0 ? duration_s : e.blocks * interval_s;
    const double n = std::max(1, scenario.network.nodes);
    e.links = links_of(scenario.network);
    if (scenario.workload) e.transactions = scenario.workload->tx_rate * span_s;
    const core::Nanos sample_every =
        scenario.report.sample_every > 0
            ? scenario.report.sample_every
            : std::max<core::Nanos>(core::kMillisecond, scenario.consensus.block_interval / 10);
    e.samples = span_s / core::to_seconds(sample_every);

    // Every block and transaction crosses each link both ways (announce, request, body:
    // a few events each); each sample visits every node; a find per block per miner.
    const double block_events = e.blocks * (6 * e.links + 2 * n);
    const double tx_events = e.transactions * (2 * e.links + 2);
    const double sample_events = e.samples * n;
    e.events = block_events + tx_events + sample_events;
    e.hashes = (e.blocks + 1) * std::ldexp(1.0, scenario.consensus.pow_bits);
    e.block_seconds = std::ldexp(1.0, scenario.consensus.pow_bits) / kHashesPerSecond;

    // The field behind the biggest term of the wall time; a block's nonce search counts
    // with the block (what makes many blocks is the interval or the duration).
    const std::string block_field = scenario.duration == 0 ? "until.height"
                                    : scenario.consensus.block_interval < core::kSecond
                                        ? "consensus.block_interval"
                                        : "duration";
    const std::pair<double, std::string> terms[] = {
        {e.hashes / kHashesPerSecond + block_events / kEventsPerSecond, block_field},
        {tx_events / kEventsPerSecond, "workload.tx_rate"},
        {sample_events / kEventsPerSecond, "report.sample_every"},
    };
    const auto* top = &terms[0];
    for (const auto& t : terms) {
        e.wall_seconds += t.first;
        if (t.first > top->first) top = &t;
    }
    e.time_field = top->second;

    // Per link: two directions of state and adjacency; per node: its own state; per block
    // and transaction: the shared objects and every node's entry for each block.
    const std::pair<double, std::string> memory[] = {
        {160 * e.links, "network.topology"},
        {16e3 * n, "network.nodes"},
        {(1e3 + 8 * n) * e.blocks, block_field},
        {600 * e.transactions, "workload.tx_rate"},
    };
    const auto* biggest = &memory[0];
    for (const auto& m : memory) {
        e.memory_bytes += m.first;
        if (m.first > biggest->first) biggest = &m;
    }
    e.memory_field = biggest->second;
    return e;
}

WorkVerdict judge_work(const WorkEstimate& e, double memory_bytes, double max_wall_seconds,
                       double warn_wall_seconds) {
    WorkVerdict v;
    const std::string what = "estimated " + figure(e.events) + " events, " +
                             figure(e.blocks) + " blocks, " + figure(e.links) + " links, " +
                             figure(e.hashes) + " hashes";
    if (e.block_seconds > kMaxBlockSeconds) {
        v.errors.push_back("consensus.pow_bits: every block (genesis first) needs about " +
                           figure(e.block_seconds * kHashesPerSecond) + " hashes, " +
                           duration_text(e.block_seconds) + " of nonce search each at " +
                           figure(kHashesPerSecond) + " hashes/s; use fewer bits (the hashrate "
                           "model does not depend on them)");
    } else if (!(e.wall_seconds <= max_wall_seconds)) {
        v.errors.push_back(e.time_field + ": this run cannot finish: " + what + ", about " +
                           duration_text(e.wall_seconds) + " of computing (the limit is " +
                           duration_text(max_wall_seconds) + ")");
    } else if (e.wall_seconds > warn_wall_seconds) {
        v.warnings.push_back(e.time_field + ": this run will take long: " + what + ", about " +
                             duration_text(e.wall_seconds));
    }
    if (memory_bytes > 0 && !(e.memory_bytes <= memory_bytes)) {
        v.errors.push_back(e.memory_field + ": this run cannot fit in memory: about " +
                           bytes_text(e.memory_bytes) + " needed (" + figure(e.links) +
                           " links), this machine has " + bytes_text(memory_bytes));
    } else if (memory_bytes > 0 && e.memory_bytes > memory_bytes / 2) {
        v.warnings.push_back(e.memory_field + ": this run needs about " +
                             bytes_text(e.memory_bytes) + " of memory, more than half of this "
                             "machine's " + bytes_text(memory_bytes));
    }
    return v;
}

}  // namespace sim

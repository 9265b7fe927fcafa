#include "sim/scenario_spec.h"

#include <cstdio>

#include "sim/nodeset.h"
#include "sim/scenario_reader.h"
#include "sim/units.h"

namespace sim {

using scenario_internal::number_text;

std::string_view topology_name(TopologyKind kind) {
    switch (kind) {
        case TopologyKind::kFull:
            return "full";
        case TopologyKind::kRing:
            return "ring";
        case TopologyKind::kLine:
            return "line";
        case TopologyKind::kStar:
            return "star";
        case TopologyKind::kRandomRegular:
            return "random-regular";
        case TopologyKind::kErdosRenyi:
            return "erdos-renyi";
        case TopologyKind::kSmallWorld:
            return "small-world";
        case TopologyKind::kScaleFree:
            return "scale-free";
        case TopologyKind::kExplicit:
            return "explicit";
    }
    return "?";
}

std::string_view latency_dist_name(LatencyDist dist) {
    switch (dist) {
        case LatencyDist::kConstant:
            return "constant";
        case LatencyDist::kUniform:
            return "uniform";
        case LatencyDist::kNormal:
            return "normal";
        case LatencyDist::kLognormal:
            return "lognormal";
        case LatencyDist::kPareto:
            return "pareto";
    }
    return "?";
}

std::string_view relay_name(Relay relay) {
    switch (relay) {
        case Relay::kAnnounce:
            return "announce";
        case Relay::kPush:
            return "push";
    }
    return "?";
}

std::string_view strategy_name(MinerStrategy strategy) {
    switch (strategy) {
        case MinerStrategy::kHonest:
            return "honest";
        case MinerStrategy::kSelfish:
            return "selfish";
        case MinerStrategy::kDoubleSpend:
            return "double-spend";
    }
    return "?";
}

std::string_view event_name(EventKind kind) {
    switch (kind) {
        case EventKind::kPartition:
            return "partition";
        case EventKind::kHeal:
            return "heal";
        case EventKind::kCrash:
            return "crash";
        case EventKind::kRestart:
            return "restart";
        case EventKind::kCut:
            return "cut";
        case EventKind::kRestore:
            return "restore";
        case EventKind::kLatency:
            return "latency";
        case EventKind::kHashrate:
            return "hashrate";
    }
    return "?";
}

std::string_view expectation_name(ExpectationKind kind) {
    switch (kind) {
        case ExpectationKind::kConvergedWithin:
            return "converged_within";
        case ExpectationKind::kMaxReorgDepth:
            return "max_reorg_depth";
        case ExpectationKind::kStaleRateBelow:
            return "stale_rate_below";
    }
    return "?";
}

std::string describe(const EventSpec& event) {
    std::string text(event_name(event.kind));
    text += ' ';
    switch (event.kind) {
        case EventKind::kPartition:
            for (std::size_t i = 0; i < event.groups.size(); ++i) {
                if (i > 0) text += " | ";
                text += format_node_set(event.groups[i]);
            }
            break;
        case EventKind::kHeal:
            text += "all";
            break;
        case EventKind::kCrash:
        case EventKind::kRestart:
            text += format_node_set(event.nodes);
            break;
        case EventKind::kCut:
        case EventKind::kRestore:
            text += std::to_string(event.a);
            text += '-';
            text += std::to_string(event.b);
            break;
        case EventKind::kLatency:
            text += event.latency.kind == LatencySpec::Kind::kRegions
                        ? std::string_view("regions")
                        : latency_dist_name(event.latency.distribution.dist);
            break;
        case EventKind::kHashrate:
            text += format_node_set(event.nodes);
            text += ' ';
            text += number_text(event.share);
            break;
    }
    return text;
}

std::string describe(const ExpectationSpec& expectation) {
    std::string text(expectation_name(expectation.kind));
    text += ' ';
    switch (expectation.kind) {
        case ExpectationKind::kConvergedWithin:
            text += format_duration(expectation.converged_within);
            break;
        case ExpectationKind::kMaxReorgDepth:
            text += std::to_string(expectation.max_reorg_depth);
            break;
        case ExpectationKind::kStaleRateBelow:
            text += number_text(expectation.stale_rate_below);
            break;
    }
    return text;
}

}  // namespace sim

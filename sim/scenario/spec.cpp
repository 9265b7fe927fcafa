#include "sim/scenario/spec.h"

#include <algorithm>
#include <cstdio>

#include "sim/scenario/nodeset.h"
#include "sim/scenario/reader.h"
#include "sim/scenario/units.h"

namespace sim {

using scenario_internal::concat;
using scenario_internal::number_text;

core::ConsensusParams consensus_params(const ConsensusSpec& c) {
    core::ConsensusParams p;
    p.pow_bits = static_cast<unsigned>(c.pow_bits);
    p.target_spacing_s = std::max<std::int64_t>(1, c.block_interval / core::kSecond);
    p.retarget_window = static_cast<std::uint32_t>(c.retarget_window);
    p.block_reward = c.block_reward;
    p.max_block_txs = static_cast<std::uint32_t>(c.max_block_txs);
    return p;
}

std::string_view relay_name(Relay relay) {
    switch (relay) {
        case Relay::kAnnounce:
            return "announce";
        case Relay::kCompact:
            return "compact";
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
        case MinerStrategy::kStubborn:
            return "stubborn";
        case MinerStrategy::kDoubleSpend:
            return "double-spend";
    }
    return "?";
}

std::string_view variant_name(StubbornVariant variant) {
    switch (variant) {
        case StubbornVariant::kLead:
            return "lead";
        case StubbornVariant::kEqualFork:
            return "equal-fork";
        case StubbornVariant::kTrail:
            return "trail";
    }
    return "?";
}

std::string_view tie_break_name(TieBreak tie_break) {
    return tie_break == TieBreak::kRandom ? "random" : "first-seen";
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
        case EventKind::kLatency: {
            // With the values, so that plots and logs can say what the latency became.
            if (event.latency.kind == LatencySpec::Kind::kRegions) {
                text += "regions";
                break;
            }
            const LatencyDistribution& d = event.latency.distribution;
            text += latency_dist_name(d.dist);
            switch (d.dist) {
                case LatencyDist::kConstant:
                    text += concat(" ", format_duration(d.value));
                    break;
                case LatencyDist::kUniform:
                    text += concat(" ", format_duration(d.min), "-", format_duration(d.max));
                    break;
                case LatencyDist::kNormal:
                    text += concat(" mean ", format_duration(d.mean), " sd ",
                                   format_duration(d.stddev));
                    break;
                case LatencyDist::kLognormal:
                    text += concat(" median ", format_duration(d.median), " sigma ",
                                   number_text(d.sigma));
                    break;
                case LatencyDist::kPareto:
                    text += concat(" scale ", format_duration(d.scale), " shape ",
                                   number_text(d.shape));
                    break;
            }
            break;
        }
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

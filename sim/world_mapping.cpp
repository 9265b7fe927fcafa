#include "sim/world_mapping.h"

#include <algorithm>

namespace sim {
namespace {

DelayDistribution to_delay(const LatencyDistribution& d) {
    switch (d.dist) {
        case LatencyDist::kConstant:
            return ConstantLatency{d.value};
        case LatencyDist::kUniform:
            return UniformLatency{d.min, d.max};
        case LatencyDist::kNormal:
            return NormalLatency{d.mean, d.stddev};
        case LatencyDist::kLognormal:
            return LognormalLatency{d.median, d.sigma};
        case LatencyDist::kPareto:
            return ParetoLatency{d.scale, d.shape};
    }
    return ConstantLatency{d.value};
}

}  // namespace

core::ConsensusParams to_consensus_params(const ConsensusSpec& c) {
    core::ConsensusParams p;
    p.pow_bits = static_cast<unsigned>(c.pow_bits);
    p.target_spacing_s = std::max<std::int64_t>(1, c.block_interval / core::kSecond);
    p.retarget_window = static_cast<std::uint32_t>(c.retarget_window);
    p.block_reward = c.block_reward;
    p.max_block_txs = static_cast<std::uint32_t>(c.max_block_txs);
    return p;
}

GraphSpec to_graph_spec(const TopologySpec& t) {
    GraphSpec g;
    switch (t.kind) {
        case TopologyKind::kFull:
            g.kind = GraphSpec::Kind::Full;
            break;
        case TopologyKind::kRing:
            g.kind = GraphSpec::Kind::Ring;
            break;
        case TopologyKind::kLine:
            g.kind = GraphSpec::Kind::Line;
            break;
        case TopologyKind::kStar:
            g.kind = GraphSpec::Kind::Star;
            break;
        case TopologyKind::kRandomRegular:
            g.kind = GraphSpec::Kind::RandomRegular;
            break;
        case TopologyKind::kErdosRenyi:
            g.kind = GraphSpec::Kind::ErdosRenyi;
            break;
        case TopologyKind::kSmallWorld:
            g.kind = GraphSpec::Kind::SmallWorld;
            break;
        case TopologyKind::kScaleFree:
            g.kind = GraphSpec::Kind::ScaleFree;
            break;
        case TopologyKind::kExplicit:
            g.kind = GraphSpec::Kind::Explicit;
            break;
    }
    g.degree = t.degree;
    g.p = t.p;
    g.k = t.k;
    g.beta = t.beta;
    g.m = t.m;
    g.edges = t.edges;
    return g;
}

LatencyModel to_latency_model(const LatencySpec& l) {
    LatencyModel model;
    if (l.kind == LatencySpec::Kind::kDistribution) {
        model.model = to_delay(l.distribution);
    } else {
        RegionLatency r;
        r.names = l.regions.names;
        r.matrix = l.regions.matrix;
        r.assignment = l.regions.node_region;
        model.model = r;
    }
    return model;
}

}  // namespace sim

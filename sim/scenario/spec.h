// The parts of a Scenario (sim/scenario/scenario.h): plain value structs, one per YAML section of
// docs/scenarios.md. Every field shows its default and, after `;`, what loading guarantees.
// Node indices are in 0..nodes-1 and node lists are sorted and unique.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/params.h"
#include "core/time.h"
#include "sim/net/latency.h"
#include "sim/net/network.h"
#include "sim/net/topology.h"

namespace sim {

// `consensus.tie_break:` — how a node chooses between two tips of equal work.
enum class TieBreak {
    kFirstSeen,  // keep the one seen first (Bitcoin's rule)
    kRandom,     // a seeded coin per node (Eyal & Sirer's proposed fix; gamma = 1/2)
};

// `consensus:` — parameters every node shares. The network-wide block_interval (in ns, as
// the miners draw it) is a simulation quantity; consensus_params() gives core's rules.
struct ConsensusSpec {
    core::Nanos block_interval = 10 * core::kMinute;  // network-wide mean between blocks; > 0
    int pow_bits = 12;                // initial difficulty: leading zero bits of genesis' target
                                      // (the pow limit is 8 bits easier); 1..32
    std::uint64_t block_reward = 50;  // coinbase reward before fees
    int max_block_txs = 2000;         // transactions per block besides the coinbase; 0..1000000
    int retarget_window = 0;          // `retarget: {window: N}`; 0 = fixed difficulty, else >= 2
    TieBreak tie_break = TieBreak::kFirstSeen;  // `tie_break: first-seen | random`
};

enum class Relay {
    kAnnounce,  // announce, request, block: three latencies per hop (default)
    kPush,      // the block itself: one latency per hop
    kCompact,   // BIP152 compact blocks (docs/relay.md)
};

// `network.compact:` — BIP152 relay settings, used with `relay: compact`.
struct CompactSpec {
    double miss_rate = 0;                  // share of a block's padding a receiver lacks; 0..1
    std::uint32_t padding_tx_bytes = 500;  // `padding_tx_size`: bytes per virtual padding tx; >= 1
    int high_bandwidth_peers = 3;          // peers asked for high-bandwidth mode; 0..8
};

// `network.processing:` — modelled validation time on the receiving node.
struct ProcessingSpec {
    core::Nanos per_block = 0;  // per block validated; >= 0
    core::Nanos per_tx = 0;     // per transaction validated (in a block or loose); >= 0
    core::Nanos per_kb = 0;     // per 1000 bytes of a block, at the size it counts as for
                                // transfer (block_size when set); >= 0
};

// `network:`
struct NetworkSpec {
    int nodes = 0;  // required; 1..1000000
    TopologySpec topology;         // absent: random-regular degree 8 if nodes > 8, else full
    bool topology_defaulted = false;  // true when the file has no topology
    LatencySpec latency;
    Relay relay = Relay::kAnnounce;
    std::uint64_t bandwidth_bps = 0;     // per link, bits per second; 0 = unlimited
    NodeBandwidthSpec node_bandwidth;    // `bandwidth: {upload, download}`; default unlimited
    double loss = 0;                     // chance a message is dropped; 0 <= loss < 1
    std::uint64_t block_size_bytes = 0;  // size a block counts as for transfer; 0 = real size
    ProcessingSpec processing;
    CompactSpec compact;
    // How long a node waits for a requested block before asking another peer that announced
    // it (core::NodeConfig::block_request_timeout); > 0.
    core::Nanos block_request_timeout = 5 * core::kSecond;
};

// docs/adversaries.md: selfish (Eyal & Sirer, FC 2014, Algorithm 1), stubborn (Nayak, Kumar,
// Miller, Shi, EuroS&P 2016), double-spend (repeated attempts against a merchant).
enum class MinerStrategy { kHonest, kSelfish, kStubborn, kDoubleSpend };

// `variant:` of a stubborn miner: where it departs from selfish mining.
enum class StubbornVariant {
    kLead,       // never overrides: when its lead falls to 1 it only matches
    kEqualFork,  // in a tie race keeps a newly found block private
    kTrail,      // does not give up until `trail` blocks behind
};

// One `mining:` entry: nodes that mine together under one strategy.
struct MinerSpec {
    std::vector<int> nodes;  // non-empty; no node is in two entries; nodes in no entry don't mine
    double share = 0;        // their hashrate together, as a fraction of the total; 0 < share
                             // <= 1, and the entries' shares sum to 1 within 1e-9; `share:
                             // rest` (one entry at most) is 1 minus the others
    MinerStrategy strategy = MinerStrategy::kHonest;
    StubbornVariant variant = StubbornVariant::kLead;  // stubborn only; required there
    int trail = 1;          // stubborn trail only: blocks behind it still mines on; >= 1
    int confirmations = 6;  // double-spend only: blocks the merchant waits for (the block
                            // holding the payment counts as the first); >= 1
    int give_up = 8;        // double-spend only: abandon the attempt when, after the payment
                            // is confirmed, the fork is more than this many blocks behind; >= 0
};

// `workload:` — user transactions between funded accounts.
struct WorkloadSpec {
    int accounts = 0;              // required; 2..1000000
    double tx_rate = 0;            // required; transactions per second, network-wide; >= 0
    double invalid_fraction = 0;   // share sent invalid (bad signature, overspend, replay); 0..1
    std::uint64_t amount_min = 1;  // `amount: N` or `amount: {min, max}`; 1 <= min <= max
    std::uint64_t amount_max = 100;
    std::uint64_t fee_min = 1;  // `fee: N` or `fee: {min, max}`; min <= max
    std::uint64_t fee_max = 1;
};

enum class EventKind { kPartition, kHeal, kCrash, kRestart, kCut, kRestore, kLatency, kHashrate };

// One `events:` entry: at `at`, exactly one action. Only the kind's own fields are set.
struct EventSpec {
    core::Nanos at = 0;  // from the start of the run; <= duration when the run has one
    EventKind kind = EventKind::kHeal;
    std::vector<std::vector<int>> groups;  // partition: disjoint, at least 2 listed; nodes no
                                           // group lists are appended as one more group, so
                                           // the groups cover every node
    std::vector<int> nodes;  // crash, restart, hashrate: the nodes (heal is always `all`)
    int a = -1;              // cut, restore: one end of the link
    int b = -1;              // cut, restore: the other end; a != b
    LatencySpec latency;     // latency: the new latency of every link
    double share = 0;        // hashrate: new hashrate of `nodes` together, as a multiple of the
                             // scenario's initial total; finite, >= 0 (0 stops them, 2 is
                             // twice the initial total)
};

enum class ExpectationKind { kConvergedWithin, kMaxReorgDepth, kStaleRateBelow };

// One `expect:` entry, checked at the end of a run. Only the kind's own field is set.
struct ExpectationSpec {
    ExpectationKind kind = ExpectationKind::kConvergedWithin;
    core::Nanos converged_within = 0;  // after each heal/restore/restart; > 0
    int max_reorg_depth = 0;           // deepest reorg on any node; >= 0
    double stale_rate_below = 0;       // stale / mined, strictly below; 0 < x <= 1
};

// `report:`
struct ReportSpec {
    int confirmations = 1;         // depth at which a transaction counts as confirmed; >= 1
    core::Nanos sample_every = 0;  // tip-agreement sampling step; > 0; absent: block_interval
                                   // / 10, but at least 1ms
};

// The consensus rules of `consensus` (genesis time and allocations left at their defaults).
core::ConsensusParams consensus_params(const ConsensusSpec& consensus);

// The names the YAML uses, for messages and reports: "random-regular", "lognormal", ...
std::string_view relay_name(Relay relay);
std::string_view strategy_name(MinerStrategy strategy);
std::string_view variant_name(StubbornVariant variant);
std::string_view tie_break_name(TieBreak tie_break);
std::string_view event_name(EventKind kind);
std::string_view expectation_name(ExpectationKind kind);

// One-line descriptions for reports: "partition 0-49 | 50-99", "cut 3-4", "crash 7",
// "latency lognormal", "converged_within 10m".
std::string describe(const EventSpec& event);
std::string describe(const ExpectationSpec& expectation);

}  // namespace sim

// sim::World: one simulation run. It builds the nodes (each a real core::Node), the network
// graph, the miners and the workload from a Scenario, applies the fault timeline, and
// observes everything into a reports::Recorder and the trace digest.
//
// Contract:
//   - Deterministic: the run is a pure function of (scenario, seed, binary). Randomness
//     comes from named streams of the seed ("topology", "latency", "loss", "mining",
//     "workload"); events run in (time, sequence) order; nothing depends on addresses or
//     hash-table iteration. shared_validation only decides whether nodes reuse each other's
//     signature and block checks, never what they decide, so it cannot change the digest.
//   - create() returns an Error for scenarios the world cannot build (a bad topology
//     parameter, an adversary under a retarget, a double spender with no honest node to
//     be its merchant); warnings (a disconnected graph) are kept.
//   - One thread; a World is run once.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/node.h"
#include "reports/recorder.h"
#include "sim/engine/scheduler.h"
#include "sim/net/network.h"
#include "sim/engine/rng.h"
#include "sim/scenario/scenario.h"
#include "sim/engine/status.h"
#include "sim/engine/trace.h"
#include "sim/world/adversary.h"
#include "sim/world/workload.h"

namespace sim {

class World;

struct RunOptions {
    std::uint64_t seed = 1;         // master seed of every random stream
    bool shared_validation = true;  // see core::ChainOptions::shared_validation
    bool record_trace = false;      // keep every trace record (for --check-determinism)
    // Called between slices of the run with (sim time now, sim time at the end or -1 when
    // the run ends at a height, events so far). For progress displays; must not touch the
    // world.
    std::function<void(core::Nanos, core::Nanos, std::uint64_t)> progress;
    // Asked every few thousand events with (sim time now, events so far): a non-empty
    // answer stops the run there (a --max-wall/--max-events budget); RunResult::stopped
    // says why. Must not touch the world.
    std::function<std::string(core::Nanos, std::uint64_t)> over_budget;
    // Read-only observers for invariant checks (chainsim swarm): called once the world has
    // taken a node's tip change into account, and after each scenario event (by index into
    // scenario.events) was applied. They may read the world but must not change it, so they
    // leave the run and its digest as they are.
    std::function<void(const World&, int node, const core::TipChange&)> after_tip_change;
    std::function<void(const World&, std::size_t event)> after_event;
};

// Relays a node could not make: core::Node relays to transport peers(), which are only the
// neighbours over a usable link, so these never reach the network. Each is one message to
// one graph neighbour, by the first cause that applies (the network's order).
struct RelayWithheld {
    std::uint64_t cut = 0;        // the link to the neighbour was cut
    std::uint64_t node_down = 0;  // the neighbour was down
    std::uint64_t partition = 0;  // the neighbour was across a partition
    std::uint64_t total() const { return cut + node_down + partition; }
};

// Compact relay (relay: compact), over every node: compact blocks for blocks the node did not
// have, and how each was completed.
struct CompactCounters {
    std::uint64_t received = 0;                    // compact blocks rebuilt or asked about
    std::uint64_t rebuilt_without_round_trip = 0;  // every transaction was in the mempool
    std::uint64_t round_trips = 0;                 // getblocktxn sent for the rest
    std::uint64_t missing_txs = 0;                 // transactions (real and padding) asked for
    std::uint64_t fetched_whole = 0;               // would not rebuild: the full block fetched
};

struct RunResult {
    std::string trace_digest;
    std::uint64_t events = 0;        // scheduler events executed
    std::uint64_t trace_events = 0;  // state-changing events hashed into the digest
    core::Nanos sim_time = 0;        // where the run ended
    std::vector<TraceRecord> trace;  // with RunOptions::record_trace
    NetworkCounters network;
    RelayWithheld withheld;
    std::vector<std::string> warnings;
    std::uint64_t blocks_rejected = 0;  // block rejections on any node (never expected)
    std::string stopped;                // why over_budget stopped the run; empty: it ran out
    CompactCounters compact;            // relay: compact only
};

class World;

// Everything a node needs from the world, implemented on the event queue.
// Aligned to a cache line: a delivery to a node reads the host's first fields and the start
// of its node (the chain's tip and tie-break) from one line.
class alignas(64) NodeHost final : public core::Clock, public core::Transport {
  public:
    NodeHost(World& world, int id) : world_(world), id_(id) {}

    core::Nanos now() const override;
    core::TimerId after(core::Nanos delay, std::function<void()> fn) override;
    void cancel(core::TimerId id) override;
    void send(core::PeerId to, core::MessagePtr message) override;
    std::span<const core::PeerId> peers() const override;
    void relay(const core::MessagePtr& message, core::PeerId except) override;

    World& world_;
    int id_;
    // What every delivery reads comes first, then the node itself, held in place so that a
    // delivery to a cold node touches neighbouring cache lines rather than two allocations.
    bool up = true;
    std::uint32_t incarnation = 0;  // bumped by crash and restart; stale timers do nothing
    core::Nanos busy_until = 0;     // the node validates one message at a time
    std::optional<core::Node> node;
    core::Hash256 tip;
    // Mining: hashes per simulated second (0: not mining), the pending find, and the bits
    // its delay was drawn for.
    double hashrate = 0;
    EventId next_find;
    std::uint32_t find_bits = 0;
    int miner_group = -1;  // index into scenario.mining, -1 if none
    std::unique_ptr<Adversary> adversary;  // null: mines honestly (or not at all)
};

class World final : private core::NodeObserver {
  public:
    static Expected<std::unique_ptr<World>> create(const Scenario& scenario, RunOptions options);

    RunResult run();

    const Scenario& scenario() const { return scenario_; }
    const reports::Recorder& recorder() const { return recorder_; }
    const core::ConsensusParams& params() const { return params_; }
    int node_count() const { return static_cast<int>(hosts_.size()); }
    const core::Node& node(int i) const { return *hosts_[i]->node; }
    bool node_up(int i) const { return hosts_[i]->up; }
    core::Nanos now() const { return scheduler_.now(); }
    // What building found worth saying but not refusing (a disconnected graph); the same
    // lines end up in RunResult::warnings.
    const std::vector<std::string>& warnings() const { return warnings_; }
    // Network hashrate (hashes per simulated second) that gives block_interval at pow_bits.
    double calibrated_hashrate() const { return total_hashrate_; }

  private:
    friend class NodeHost;
    World(const Scenario& scenario, RunOptions options);
    Status build();

    // Network and nodes.
    void send(int from, int to, core::MessagePtr message);
    // core::Transport::relay for `from` while no fault is in force: the sends peers() and
    // send() would make, made over the adjacency directly (no link lookups, one size).
    void relay_fault_free(int from, const core::MessagePtr& message, core::PeerId except);
    // The neighbours `node` can relay to now; counts the others into withheld_.
    // The span is the network's own adjacency while no fault is in force, else relay_scratch_.
    std::span<const core::PeerId> relay_peers(int node);
    // A message's delivery event (world.cpp).
    struct Delivery;
    void deliver(int from, NodeHost& host, core::MessagePtr message);
    // Bytes `message` occupies on a link: its wire size, a block at least block_size.
    std::uint64_t transfer_size(const core::Message& message) const;
    // Validation time on the receiver: network.processing's per_block + per_tx + per_kb.
    core::Nanos processing_cost(const core::Message& message) const;
    void on_link_change(int a, int b, bool up);

    // Mining.
    void schedule_find(NodeHost& host);
    void on_find(NodeHost& host);
    void record_hashrate(const NodeHost& host);
    Status build_adversaries();

    // Workload.
    void schedule_tx();
    void on_tx();

    // Faults and observation.
    void apply_event(std::size_t index);
    void set_up(NodeHost& host, bool up);
    void set_tip(NodeHost& host, const core::Hash256& tip);
    void check_convergence();
    void sample_tips();
    void trace(TraceKind kind, int a, int b, std::uint32_t detail, const core::Hash256& subject);

    // core::NodeObserver
    void on_block_accepted(int node, const core::BlockRef& block, core::PeerId from) override;
    void on_block_rejected(int node, const core::BlockRef& block, core::PeerId from,
                           const core::ValidationResult& why) override;
    void on_tip_changed(int node, const core::TipChange& change) override;
    void on_tx_accepted(int node, const core::TransactionRef& tx, core::PeerId from) override;
    void on_compact_block(int node, const core::Hash256& block, std::uint64_t missing,
                          bool whole) override;
    void on_tx_rejected(int node, const core::TransactionRef& tx, core::PeerId from,
                        const core::ValidationResult& why) override;

    Scenario scenario_;
    RunOptions options_;
    Scheduler scheduler_;
    core::ConsensusParams params_;
    core::BlockRef genesis_;
    std::unique_ptr<Network> network_;
    std::vector<std::unique_ptr<NodeHost>> hosts_;
    reports::Recorder recorder_;
    Trace trace_;
    std::vector<std::string> warnings_;
    std::set<std::pair<int, int>> cut_links_;  // (lower, higher) node of each cut link
    RelayWithheld withheld_;
    std::vector<core::PeerId> relay_scratch_;  // relay_peers' answer while a fault is in force

    Rng mining_rng_;
    Rng latency_rng_;
    double total_hashrate_ = 0;

    // Tips of up nodes: how many hold each (ordered map: deterministic walks).
    std::map<core::Hash256, int> tip_counts_;
    int up_count_ = 0;
    bool awaiting_convergence_ = false;
    bool until_reached_ = false;  // a node reached scenario.until_height
    std::string stopped_;         // RunOptions::over_budget's answer, once it stops the run
    std::uint64_t blocks_rejected_ = 0;
    CompactCounters compact_;
    std::unique_ptr<Workload> workload_;  // null without a workload
    int merchant_ = -1;                   // the double spenders' merchant, -1 if none
};

}  // namespace sim

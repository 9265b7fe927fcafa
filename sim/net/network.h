// sim::Network: messages over the topology's links, with bandwidth, loss and faults.
// It knows nothing about what a message means: a message is a size and a delivery callback.
//
// Contract:
//   - A link is usable when it exists, is not cut, both ends are up, and both ends are in the
//     same partition group. send() over an unusable link drops the message at once.
//   - Timing of a message on a usable link (directions are independent):
//       start    = max(now, the end of the previous transfer on this directed link)   [FIFO]
//       transfer = ceil(size_bytes * 8 * 1e9 / bandwidth_bps) ns   (0 when bandwidth is 0)
//       delivery = start + transfer + link latency
//     A message lost to `loss` still occupies the link (it was sent, then lost).
//   - A message is delivered only if its link stayed usable from send to delivery: every fault
//     that makes a link unusable bumps the link's generation, and a delivery whose generation
//     is stale is dropped (counted as dropped_in_flight). That also clears the link's transfer
//     queue.
//   - Randomness: the loss stream is drawn once per send over a usable link, and only when
//     loss > 0; with loss 0 it is never touched.
//   - Link-change notifications: after each fault, the handler is called once per link whose
//     usability changed, in ascending (a, b) order with a < b, with up = its new state. It is
//     called synchronously from the fault call, after the whole fault has been applied; it may
//     send messages (the node layer exchanges tips when a link comes up).
//   - The Network keeps a reference to the Scheduler, which must outlive it; delivery events
//     point into the Network, so it must outlive the run (or the Scheduler).
//   - Single-threaded.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "core/time.h"
#include "sim/engine/callback.h"
#include "sim/engine/scheduler.h"
#include "sim/net/latency.h"
#include "sim/engine/rng.h"
#include "sim/engine/status.h"
#include "sim/net/topology.h"

namespace sim {

struct LinkParams {
    std::uint64_t bandwidth_bps = 0;  // when > 0, every link's bandwidth; 0 keeps each link's own
    double loss = 0.0;                // probability that a message is lost, in [0, 1]
};

struct NetworkCounters {
    std::uint64_t sent = 0;               // send() calls
    std::uint64_t delivered = 0;          // delivery callbacks run
    std::uint64_t dropped_no_link = 0;    // no such link in the topology
    std::uint64_t dropped_cut = 0;        // the link was cut
    std::uint64_t dropped_node_down = 0;  // an end was down
    std::uint64_t dropped_partition = 0;  // the ends were in different partition groups
    std::uint64_t dropped_loss = 0;       // lost to random loss
    std::uint64_t dropped_in_flight = 0;  // the link went down while the message was in flight

    std::uint64_t dropped() const {
        return dropped_no_link + dropped_cut + dropped_node_down + dropped_partition +
               dropped_loss + dropped_in_flight;
    }
};

class Network {
  public:
    using LinkChangeHandler = std::function<void(int a, int b, bool up)>;

    // REQUIRES: 0 <= params.loss <= 1 (see validate(LinkParams)).
    Network(Scheduler& scheduler, Topology topology, LinkParams params, Rng loss_rng);
    Network(const Network&) = delete;
    Network& operator=(const Network&) = delete;

    // Sends a message of `size_bytes` from `from` to `to`; `on_delivery` runs at delivery, or is
    // destroyed unrun if the message is dropped. REQUIRES: both are valid node indices.
    void send(int from, int to, std::uint64_t size_bytes, Callback on_delivery);

    // Faults. Each returns an Error (and changes nothing) if it names a missing node or link.
    // Splits the nodes into groups; nodes in no group form one more group. Replaces any earlier
    // partition. A node may appear in at most one group.
    Status partition(const std::vector<std::vector<int>>& groups);
    // Removes the partition. Cut links stay cut and down nodes stay down.
    void heal();
    Status cut(int a, int b);
    Status restore(int a, int b);
    // Crash (up = false) or restart (up = true) a node: all its links follow.
    Status set_node_up(int node, bool up);
    // Resamples every link's latency. Messages in flight keep their delivery times.
    Status set_latency(const LatencySpec& spec, Rng& rng);

    void on_link_change(LinkChangeHandler handler) { on_link_change_ = std::move(handler); }

    bool link_usable(int a, int b) const;
    bool node_up(int node) const { return node_up_[node]; }
    // All graph neighbours, usable or not; sorted ascending.
    const std::vector<int>& neighbors(int node) const { return topology_.neighbors(node); }
    // Neighbours over a usable link; sorted ascending.
    std::vector<int> usable_neighbors(int node) const;

    const NetworkCounters& counters() const { return counters_; }
    std::uint64_t in_flight() const { return in_flight_count_; }
    const Topology& topology() const { return topology_; }
    int node_count() const { return topology_.node_count(); }

  private:
    struct LinkState {
        core::Nanos latency = 0;
        std::uint64_t bandwidth_bps = 0;
        core::Nanos busy_until[2] = {0, 0};  // [0]: a -> b, [1]: b -> a (a < b)
        std::uint32_t generation = 0;
        bool cut = false;
    };
    struct InFlight {
        Callback on_delivery;
        std::uint32_t link = 0;
        std::uint32_t generation = 0;
        std::uint32_t next_free = 0;
    };
    static constexpr std::uint32_t kNoSlot = ~0u;

    bool usable(int link) const;
    // The id of the link from `from` to `to`, or -1: a search of from's neighbours in the
    // flat adjacency below (what Topology::link_id answers, without its per-node vectors).
    int link_between(int from, int to) const;
    // Runs `change`, then bumps the generation of, and reports, every link among `candidates`
    // (ascending link ids) whose usability changed.
    template <class Change>
    void apply_fault(const std::vector<int>& candidates, Change change);
    std::vector<int> all_links() const;
    std::vector<int> links_of(int node) const;
    void deliver(std::uint32_t slot);

    Scheduler& scheduler_;
    Topology topology_;
    LinkParams params_;
    Rng loss_rng_;
    LinkChangeHandler on_link_change_;

    std::vector<LinkState> links_;     // by link id
    // The topology's adjacency as flat arrays: node n's neighbours, ascending, are
    // adjacent_peer_[adjacent_begin_[n] .. adjacent_begin_[n + 1]), their links alongside.
    std::vector<std::uint32_t> adjacent_begin_;
    std::vector<int> adjacent_peer_;
    std::vector<int> adjacent_link_;
    std::vector<char> node_up_;        // by node
    std::vector<int> group_;           // partition group by node; all 0 when healed
    std::vector<InFlight> in_flight_;  // slab of messages in flight
    std::uint32_t free_head_ = kNoSlot;
    std::uint64_t in_flight_count_ = 0;
    NetworkCounters counters_;
};

// Checks LinkParams (loss in [0, 1]).
Status validate(const LinkParams& params);

}  // namespace sim

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
//   - Per-node bandwidth (LinkParams::upload_bps / download_bps non-empty) replaces the timing
//     above by a shared model (docs/relay.md, "Bandwidth"): messages on one directed link still
//     go one at a time, in order; the message at the head of each directed link is a transfer
//     that shares its sender's upload with the sender's other active transfers and its
//     receiver's download with the receiver's other active transfers:
//       rate = min(link bandwidth, upload(from) / active_up(from), download(to) / active_down(to))
//     (each term only when limited), recomputed for every transfer of a node whenever one of
//     that node's transfers starts or ends; delivery = end of the transfer + link latency.
//     Without per-node bandwidth the FIFO timing above holds exactly as it always has.
//   - A message is delivered only if its link stayed usable from send to delivery: every fault
//     call advances the fault epoch, a link made unusable remembers the epoch that broke it,
//     and a delivery sent before its link's last break is dropped (counted as
//     dropped_in_flight). That also clears the link's transfer queue. At most 2^32 - 1 fault
//     calls per Network (a hard failure beyond).
//   - send() takes any void() callable; one of up to 32 bytes (a pointer, two ids and a
//     shared_ptr) rides inside the delivery event, so a message costs no allocation and no
//     slab of its own. The shared-bandwidth path holds it as a Callback.
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

#include <cassert>
#include <cstdint>
#include <functional>
#include <span>
#include <string_view>
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
    // Per-node bandwidth in bits per second, one entry per node (0 = unlimited), or empty for
    // none. Either non-empty switches the network to the shared model (see the contract).
    std::vector<std::uint64_t> upload_bps;
    std::vector<std::uint64_t> download_bps;
};

// --- Per-node bandwidth specs (`network.bandwidth: {upload, download}`) ---

enum class RateDist { kConstant, kUniform, kNormal, kLognormal, kPareto };

// A per-node rate distribution in bits per second, sampled once per node. Only the fields of
// `dist` are used.
struct RateDistribution {
    RateDist dist = RateDist::kConstant;
    double value = 0;   // constant; > 0
    double min = 0;     // uniform; 0 < min <= max
    double max = 0;     // uniform
    double mean = 0;    // normal: mean before clamping; > 0
    double stddev = 0;  // normal; >= 0
    double median = 0;  // lognormal: exp(mu); > 0
    double sigma = 0;   // lognormal: stddev of ln(rate); >= 0
    double scale = 0;   // pareto: the minimum rate; > 0
    double shape = 0;   // pareto: tail index; > 0
};

// One direction (upload or download) of every node's bandwidth.
struct NodeRateSpec {
    enum class Kind { kUnlimited, kDistribution, kRegions };
    Kind kind = Kind::kUnlimited;
    RateDistribution distribution;             // kDistribution: every node draws from it
    std::vector<RateDistribution> by_region;   // kRegions: one per latency region, by index
};

struct NodeBandwidthSpec {
    NodeRateSpec upload;
    NodeRateSpec download;
    bool limited() const {
        return upload.kind != NodeRateSpec::Kind::kUnlimited ||
               download.kind != NodeRateSpec::Kind::kUnlimited;
    }
};

// Samples are rounded and clamped to [kMinNodeRate, kMaxNodeRate] bits per second.
inline constexpr std::uint64_t kMinNodeRate = 1'000;                      // 1 kbps
inline constexpr std::uint64_t kMaxNodeRate = 1'000'000'000'000'000ULL;  // 1 Pbps

std::string_view rate_dist_name(RateDist dist);
Status validate(const RateDistribution& distribution);
// `regions` is the number of latency regions (0 when the latency has none).
Status validate(const NodeRateSpec& spec, int regions);

// One rate per node: node i's from its region's entry (node_region[i]) or the distribution.
// Draws from `rng` in node order (constants draw nothing); kUnlimited gives all zeros.
// REQUIRES: validate(spec, regions).ok(), and node_region has `nodes` entries for kRegions.
std::vector<std::uint64_t> sample_node_rates(const NodeRateSpec& spec, int nodes,
                                             const std::vector<int>& node_region, Rng& rng);

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
    template <class OnDelivery>
    void send(int from, int to, std::uint64_t size_bytes, OnDelivery&& on_delivery);
    // The same as send() to adjacent(from)[index], without looking the link up.
    // REQUIRES: index < adjacent(from).size().
    template <class OnDelivery>
    void send_adjacent(int from, std::uint32_t index, std::uint64_t size_bytes,
                       OnDelivery&& on_delivery);

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
    // The same as neighbors(), from the flat adjacency (valid while the Network lives).
    std::span<const int> adjacent(int node) const {
        return {adjacent_peer_.data() + adjacent_begin_[node],
                adjacent_begin_[node + 1] - adjacent_begin_[node]};
    }
    // A hint before `node` sends to many of its neighbours (a relay): starts loading the
    // state of its links. Changes nothing.
    void prefetch_links(int node) const noexcept {
        for (std::uint32_t i = adjacent_begin_[node]; i < adjacent_begin_[node + 1]; ++i)
            __builtin_prefetch(&links_[static_cast<std::size_t>(adjacent_link_[i])]);
    }
    // True while no link is cut, no node is down and no partition is in force: then every
    // link is usable and usable_neighbors(n) is adjacent(n).
    bool fault_free() const { return cut_links_ == 0 && down_nodes_ == 0 && !partitioned_; }

    const NetworkCounters& counters() const { return counters_; }
    std::uint64_t in_flight() const { return in_flight_count_; }
    const Topology& topology() const { return topology_; }
    int node_count() const { return topology_.node_count(); }

  private:
    static constexpr std::uint32_t kNoSlot = ~0u;
    static constexpr std::uint32_t kNoLink = ~0u;
    // What every send over a link reads: 32 bytes, two to a cache line.
    struct LinkState {
        core::Nanos latency = 0;
        std::uint64_t bandwidth_bps = 0;
        core::Nanos busy_until[2] = {0, 0};  // [0]: a -> b, [1]: b -> a (a < b)
    };
    static_assert(sizeof(LinkState) == 32);
    // Read only once a fault has been applied.
    struct LinkFault {
        std::uint32_t broken_at = 0;  // the fault epoch that last made it unusable (0: never)
        bool cut = false;
    };
    // A message on the shared-bandwidth path, from send until its last bit leaves (then it
    // becomes an InFlight for the latency).
    struct Transfer {
        Callback on_delivery;
        int from = 0;
        int to = 0;
        std::uint32_t link = 0;
        std::uint32_t next = kNoSlot;  // next on the same directed link, or next free slot
        std::uint32_t up_pos = kNoSlot;    // index in uploading_[from] while active
        std::uint32_t down_pos = kNoSlot;  // index in downloading_[to] while active
        double remaining_bits = 0;
        double rate_bps = 0;  // 0 until active; infinity when nothing limits it
        core::Nanos settled_at = 0;
        EventId done;
        bool lost = false;
    };
    struct InFlight {
        Callback on_delivery;
        std::uint32_t link = 0;
        std::uint32_t sent_epoch = 0;
        std::uint32_t next_free = 0;
    };
    // What send() does after the link checks and the FIFO timing.
    struct Dispatch {
        enum class Kind { kDropped, kShared, kFifo };
        Kind kind = Kind::kDropped;  // kDropped: counted already
        std::uint32_t link = 0;
        core::Nanos at = 0;  // kFifo: the delivery time
        bool lost = false;   // kShared: lost to `loss` (still occupies the link)
    };
    Dispatch dispatch(int from, int to, std::uint64_t size_bytes);
    // dispatch() once the link is known.
    Dispatch dispatch_on(int from, int to, int link, std::uint64_t size_bytes);
    template <class OnDelivery>
    void carry(const Dispatch& d, int from, int to, std::uint64_t size_bytes,
               OnDelivery&& on_delivery);
    // The delivery event of a message on the FIFO path. Its prefetch hint (sim::Callback::
    // prefetch) loads the link's state, which a reply over the same link will read, and is
    // passed on to the delivery callable when that has one.
    template <class D>
    struct FifoDelivery {
        Network* network;
        std::uint32_t link;
        std::uint32_t epoch;
        D deliver;
        void operator()() {
            if (!network->arrives(link, epoch)) return;
            // A reply to the sender goes back over this link: link_between tries it first.
            network->arriving_link_ = link;
            deliver();
            network->arriving_link_ = kNoLink;
        }
        void prefetch(int stage) const noexcept {
            if (stage == 0) {
                __builtin_prefetch(&network->links_[link]);
                __builtin_prefetch(&network->topology_.links()[link]);
            }
            if constexpr (requires { deliver.prefetch(stage); }) deliver.prefetch(stage);
        }
    };
    // Counts a delivery over `link` of a message sent at fault epoch `sent_epoch`, and says
    // whether it arrives (the link has not broken since). In a run without faults the link's
    // state is never read.
    bool arrives(std::uint32_t link, std::uint32_t sent_epoch) {
        --in_flight_count_;
        if (sent_epoch != fault_epoch_ && link_faults_[link].broken_at > sent_epoch) {
            ++counters_.dropped_in_flight;
            return false;
        }
        ++counters_.delivered;
        return true;
    }

    bool usable(int link) const;
    // The id of the link from `from` to `to`, or -1: the link of the delivery being run if it
    // joins them (a reply), else a search of from's neighbours in the flat adjacency below
    // (what Topology::link_id answers, without its per-node vectors).
    int link_between(int from, int to) const;
    // Runs `change` in a new fault epoch, then marks broken, and reports, every link among
    // `candidates` (ascending link ids) whose usability changed.
    template <class Change>
    void apply_fault(const std::vector<int>& candidates, Change change);
    std::vector<int> all_links() const;
    std::vector<int> links_of(int node) const;
    void deliver(std::uint32_t slot);
    // Latency leg of the shared-bandwidth path: delivers `on_delivery` over `link` at `at`
    // unless the link breaks first.
    void schedule_delivery(core::Nanos at, std::uint32_t link, Callback on_delivery);

    // Shared bandwidth.
    bool shared() const { return !upload_bps_.empty(); }
    void send_shared(int from, int to, std::uint32_t link, std::uint64_t size_bytes,
                     Callback on_delivery, bool lost);
    void start_transfer(std::uint32_t slot);
    void finish_transfer(std::uint32_t slot);
    // Brings every active transfer of the node's upload (or download) up to now.
    void settle(const std::vector<std::uint32_t>& active);
    // Recomputes the rates of `active` and reschedules the ones that changed.
    void reshare(const std::vector<std::uint32_t>& active);
    double share_rate(const Transfer& t) const;
    void deactivate(std::uint32_t slot);
    void free_transfer(std::uint32_t slot);
    // Drops every transfer on the link (both directions), as a fault does.
    void abort_transfers(int link);

    Scheduler& scheduler_;
    Topology topology_;
    LinkParams params_;
    Rng loss_rng_;
    LinkChangeHandler on_link_change_;

    std::vector<LinkState> links_;       // by link id
    std::vector<LinkFault> link_faults_;  // by link id
    // The topology's adjacency as flat arrays: node n's neighbours, ascending, are
    // adjacent_peer_[adjacent_begin_[n] .. adjacent_begin_[n + 1]), their links alongside.
    std::vector<std::uint32_t> adjacent_begin_;
    std::vector<int> adjacent_peer_;
    std::vector<int> adjacent_link_;
    mutable std::uint32_t last_adjacent_ = 0;  // link_between's last answer (a position above)
    std::uint32_t arriving_link_ = kNoLink;    // the link of the delivery being run, if any
    std::vector<char> node_up_;        // by node
    std::vector<int> group_;           // partition group by node; all 0 when healed
    std::uint32_t fault_epoch_ = 0;    // fault calls so far
    int cut_links_ = 0;                // links with LinkState::cut
    int down_nodes_ = 0;               // nodes with node_up_ 0
    bool partitioned_ = false;         // some group_ entry is not 0
    std::vector<InFlight> in_flight_;  // slab of the shared path's messages in flight
    std::uint32_t free_head_ = kNoSlot;
    std::uint64_t in_flight_count_ = 0;

    // Shared bandwidth (empty without per-node bandwidth).
    std::vector<std::uint64_t> upload_bps_;    // by node; 0 = unlimited
    std::vector<std::uint64_t> download_bps_;  // by node; 0 = unlimited
    std::vector<Transfer> transfers_;          // slab
    std::uint32_t free_transfer_ = kNoSlot;
    std::vector<std::uint32_t> queue_head_;    // by directed link (2 * link + direction)
    std::vector<std::uint32_t> queue_tail_;
    std::vector<std::vector<std::uint32_t>> uploading_;    // by node: active transfers out
    std::vector<std::vector<std::uint32_t>> downloading_;  // by node: active transfers in
    NetworkCounters counters_;
};

template <class OnDelivery>
void Network::send(int from, int to, std::uint64_t size_bytes, OnDelivery&& on_delivery) {
    carry(dispatch(from, to, size_bytes), from, to, size_bytes,
          std::forward<OnDelivery>(on_delivery));
}

template <class OnDelivery>
void Network::send_adjacent(int from, std::uint32_t index, std::uint64_t size_bytes,
                            OnDelivery&& on_delivery) {
    assert(0 <= from && from < node_count());
    const std::uint32_t at = adjacent_begin_[from] + index;
    assert(at < adjacent_begin_[from + 1]);
    const int to = adjacent_peer_[at];
    ++counters_.sent;
    carry(dispatch_on(from, to, adjacent_link_[at], size_bytes), from, to, size_bytes,
          std::forward<OnDelivery>(on_delivery));
}

template <class OnDelivery>
void Network::carry(const Dispatch& d, int from, int to, std::uint64_t size_bytes,
                    OnDelivery&& on_delivery) {
    if (d.kind == Dispatch::Kind::kShared) {
        send_shared(from, to, d.link, size_bytes, Callback(std::forward<OnDelivery>(on_delivery)),
                    d.lost);
    } else if (d.kind == Dispatch::Kind::kFifo) {
        scheduler_.schedule_at(d.at, FifoDelivery<std::decay_t<OnDelivery>>{
                                         this, d.link, fault_epoch_,
                                         std::forward<OnDelivery>(on_delivery)});
    }
}

// Checks LinkParams (loss in [0, 1]).
Status validate(const LinkParams& params);

}  // namespace sim

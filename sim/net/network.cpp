#include "sim/net/network.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string>

namespace sim {
namespace {

// ceil(bytes * 8 s / bandwidth) in nanoseconds; 0 for unlimited bandwidth.
core::Nanos transfer_time(std::uint64_t size_bytes, std::uint64_t bandwidth_bps) {
    if (bandwidth_bps == 0 || size_bytes == 0) return 0;
    // Far beyond any simulated horizon; clamped so that time arithmetic cannot overflow.
    constexpr core::Nanos kLimit = core::Nanos{1} << 61;
    // Every realistic message fits 64-bit arithmetic (up to 1.15 GB at any bandwidth); the same
    // quotient, without the 128-bit division.
    constexpr std::uint64_t kMax64 = ~std::uint64_t{0};
    if (size_bytes <= (kMax64 / 2) / (8 * static_cast<std::uint64_t>(core::kSecond)) &&
        bandwidth_bps <= kMax64 / 2) {
        const std::uint64_t bits = size_bytes * 8 * static_cast<std::uint64_t>(core::kSecond);
        const std::uint64_t t = (bits + bandwidth_bps - 1) / bandwidth_bps;
        return t > static_cast<std::uint64_t>(kLimit) ? kLimit : static_cast<core::Nanos>(t);
    }
    const unsigned __int128 bit_nanos =
        static_cast<unsigned __int128>(size_bytes) * 8 * core::kSecond;
    const unsigned __int128 t = (bit_nanos + bandwidth_bps - 1) / bandwidth_bps;
    return t > static_cast<unsigned __int128>(kLimit) ? kLimit : static_cast<core::Nanos>(t);
}

std::string link_name(int a, int b) {
    return std::to_string(a) + "-" + std::to_string(b);
}

std::string bps(double rate) {
    return std::to_string(rate) + " bps";
}

std::uint64_t clamp_rate(double x) {
    if (!(x >= static_cast<double>(kMinNodeRate))) return kMinNodeRate;  // also NaN
    if (x >= static_cast<double>(kMaxNodeRate)) return kMaxNodeRate;
    return static_cast<std::uint64_t>(std::llround(x));
}

std::uint64_t sample_rate(const RateDistribution& d, Rng& rng) {
    switch (d.dist) {
        case RateDist::kConstant:
            return clamp_rate(d.value);
        case RateDist::kUniform:
            return clamp_rate(rng.uniform(d.min, d.max));
        case RateDist::kNormal:
            return clamp_rate(rng.normal(d.mean, d.stddev));
        case RateDist::kLognormal:
            return clamp_rate(rng.lognormal(d.median, d.sigma));
        case RateDist::kPareto:
            return clamp_rate(rng.pareto(d.scale, d.shape));
    }
    return kMinNodeRate;
}

constexpr double kInfiniteRate = std::numeric_limits<double>::infinity();

}  // namespace

std::string_view rate_dist_name(RateDist dist) {
    switch (dist) {
        case RateDist::kConstant:
            return "constant";
        case RateDist::kUniform:
            return "uniform";
        case RateDist::kNormal:
            return "normal";
        case RateDist::kLognormal:
            return "lognormal";
        case RateDist::kPareto:
            return "pareto";
    }
    return "unknown";
}

Status validate(const RateDistribution& d) {
    auto positive = [](double x) { return x > 0.0 && std::isfinite(x); };
    auto non_negative = [](double x) { return x >= 0.0 && std::isfinite(x); };
    const std::string name = "bandwidth " + std::string(rate_dist_name(d.dist)) + ": ";
    switch (d.dist) {
        case RateDist::kConstant:
            if (!positive(d.value)) return Error{name + "value must be > 0, got " + bps(d.value)};
            return {};
        case RateDist::kUniform:
            if (!positive(d.min) || !(d.max >= d.min) || !std::isfinite(d.max)) {
                return Error{name + "need 0 < min <= max, got min " + bps(d.min) + ", max " +
                             bps(d.max)};
            }
            return {};
        case RateDist::kNormal:
            if (!positive(d.mean)) return Error{name + "mean must be > 0, got " + bps(d.mean)};
            if (!non_negative(d.stddev)) {
                return Error{name + "stddev must be >= 0, got " + bps(d.stddev)};
            }
            return {};
        case RateDist::kLognormal:
            if (!positive(d.median)) return Error{name + "median must be > 0, got " + bps(d.median)};
            if (!non_negative(d.sigma)) {
                return Error{name + "sigma must be finite and >= 0, got " + std::to_string(d.sigma)};
            }
            return {};
        case RateDist::kPareto:
            if (!positive(d.scale)) return Error{name + "scale must be > 0, got " + bps(d.scale)};
            if (!positive(d.shape)) {
                return Error{name + "shape must be finite and > 0, got " + std::to_string(d.shape)};
            }
            return {};
    }
    return Error{"bandwidth: unknown distribution"};
}

Status validate(const NodeRateSpec& spec, int regions) {
    switch (spec.kind) {
        case NodeRateSpec::Kind::kUnlimited:
            return {};
        case NodeRateSpec::Kind::kDistribution:
            return validate(spec.distribution);
        case NodeRateSpec::Kind::kRegions:
            if (regions == 0) {
                return Error{"bandwidth by region needs latency regions (network.latency.regions)"};
            }
            if (spec.by_region.size() != static_cast<std::size_t>(regions)) {
                return Error{"bandwidth by region: " + std::to_string(spec.by_region.size()) +
                             " entries for " + std::to_string(regions) +
                             " latency regions; give one per region"};
            }
            for (const RateDistribution& d : spec.by_region) {
                if (Status status = validate(d); !status) return status;
            }
            return {};
    }
    return Error{"bandwidth: unknown kind"};
}

std::vector<std::uint64_t> sample_node_rates(const NodeRateSpec& spec, int nodes,
                                             const std::vector<int>& node_region, Rng& rng) {
    std::vector<std::uint64_t> rates(static_cast<std::size_t>(nodes), 0);
    if (spec.kind == NodeRateSpec::Kind::kUnlimited) return rates;
    for (int node = 0; node < nodes; ++node) {
        const RateDistribution& d = spec.kind == NodeRateSpec::Kind::kRegions
                                        ? spec.by_region[node_region[node]]
                                        : spec.distribution;
        rates[node] = sample_rate(d, rng);
    }
    return rates;
}

Status validate(const LinkParams& params) {
    if (!(params.loss >= 0.0 && params.loss <= 1.0)) {
        return Error{"network: loss must be in [0, 1], got " + std::to_string(params.loss)};
    }
    return {};
}

Network::Network(Scheduler& scheduler, Topology topology, LinkParams params, Rng loss_rng)
    : scheduler_(scheduler),
      topology_(std::move(topology)),
      params_(params),
      loss_rng_(loss_rng),
      links_(topology_.edge_count()),
      link_faults_(topology_.edge_count()),
      node_up_(topology_.node_count(), 1),
      group_(topology_.node_count(), 0) {
    assert(validate(params).ok());
    if (!params_.upload_bps.empty() || !params_.download_bps.empty()) {
        const auto n = static_cast<std::size_t>(topology_.node_count());
        upload_bps_ = params_.upload_bps;
        download_bps_ = params_.download_bps;
        upload_bps_.resize(n, 0);
        download_bps_.resize(n, 0);
        queue_head_.assign(2 * static_cast<std::size_t>(topology_.edge_count()), kNoSlot);
        queue_tail_ = queue_head_;
        uploading_.resize(n);
        downloading_.resize(n);
    }
    for (int id = 0; id < topology_.edge_count(); ++id) {
        LinkProps& props = topology_.link(id);
        if (params_.bandwidth_bps > 0) props.bandwidth_bps = params_.bandwidth_bps;
        links_[id].latency = props.latency;
        links_[id].bandwidth_bps = props.bandwidth_bps;
    }
    adjacent_begin_.reserve(static_cast<std::size_t>(node_count()) + 1);
    adjacent_begin_.push_back(0);
    for (int node = 0; node < node_count(); ++node) {
        for (int peer : topology_.neighbors(node)) {
            adjacent_peer_.push_back(peer);
            adjacent_link_.push_back(topology_.link_id(node, peer));
        }
        adjacent_begin_.push_back(static_cast<std::uint32_t>(adjacent_peer_.size()));
    }
}

int Network::link_between(int from, int to) const {
    // A reply, sent while a delivery over the same link runs.
    if (arriving_link_ != kNoLink) {
        const auto [a, b] = topology_.links()[arriving_link_];
        if ((a == from && b == to) || (a == to && b == from))
            return static_cast<int>(arriving_link_);
    }
    // A node relays to its peers in order, so the entry after the last answer is tried first.
    const std::uint32_t begin = adjacent_begin_[from], end = adjacent_begin_[from + 1];
    const std::uint32_t next = last_adjacent_ + 1;
    if (begin <= next && next < end && adjacent_peer_[next] == to) {
        last_adjacent_ = next;
        return adjacent_link_[next];
    }
    const auto first = adjacent_peer_.begin() + begin;
    const auto last = adjacent_peer_.begin() + end;
    const auto it = std::lower_bound(first, last, to);
    if (it == last || *it != to) return -1;
    last_adjacent_ = static_cast<std::uint32_t>(it - adjacent_peer_.begin());
    return adjacent_link_[last_adjacent_];
}

bool Network::usable(int link) const {
    const auto [a, b] = topology_.links()[link];
    return !link_faults_[link].cut && node_up_[a] && node_up_[b] && group_[a] == group_[b];
}

bool Network::link_usable(int a, int b) const {
    const int link = topology_.link_id(a, b);
    return link >= 0 && usable(link);
}

std::vector<int> Network::usable_neighbors(int node) const {
    std::vector<int> result;
    const std::uint32_t begin = adjacent_begin_[node], end = adjacent_begin_[node + 1];
    result.reserve(end - begin);
    for (std::uint32_t i = begin; i < end; ++i) {
        if (usable(adjacent_link_[i])) result.push_back(adjacent_peer_[i]);
    }
    return result;
}

Network::Dispatch Network::dispatch(int from, int to, std::uint64_t size_bytes) {
    assert(0 <= from && from < node_count() && 0 <= to && to < node_count());
    ++counters_.sent;
    const int link = link_between(from, to);
    if (link < 0) {
        ++counters_.dropped_no_link;
        return {};
    }
    return dispatch_on(from, to, link, size_bytes);
}

Network::Dispatch Network::dispatch_on(int from, int to, int link, std::uint64_t size_bytes) {
    LinkState& state = links_[link];
    // Without a fault in force every link is usable: the checks read nothing then.
    if (!fault_free()) {
        if (link_faults_[link].cut) {
            ++counters_.dropped_cut;
            return {};
        }
        if (!node_up_[from] || !node_up_[to]) {
            ++counters_.dropped_node_down;
            return {};
        }
        if (group_[from] != group_[to]) {
            ++counters_.dropped_partition;
            return {};
        }
    }

    if (shared()) {
        const bool lost = params_.loss > 0.0 && loss_rng_.bernoulli(params_.loss);
        if (lost) ++counters_.dropped_loss;
        return {Dispatch::Kind::kShared, static_cast<std::uint32_t>(link), 0, lost};
    }

    core::Nanos& busy_until = state.busy_until[from < to ? 0 : 1];
    const core::Nanos start = std::max(scheduler_.now(), busy_until);
    // Saturating: a link can be busy for longer than int64 nanoseconds hold (1 bps, GBs).
    busy_until = core::add_saturating(start, transfer_time(size_bytes, state.bandwidth_bps));
    const core::Nanos delivery = core::add_saturating(busy_until, state.latency);

    if (params_.loss > 0.0 && loss_rng_.bernoulli(params_.loss)) {
        ++counters_.dropped_loss;
        return {};
    }

    ++in_flight_count_;
    return {Dispatch::Kind::kFifo, static_cast<std::uint32_t>(link), delivery, false};
}

void Network::schedule_delivery(core::Nanos at, std::uint32_t link, Callback on_delivery) {
    std::uint32_t slot;
    if (free_head_ != kNoSlot) {
        slot = free_head_;
        free_head_ = in_flight_[slot].next_free;
    } else {
        slot = static_cast<std::uint32_t>(in_flight_.size());
        in_flight_.emplace_back();
    }
    InFlight& message = in_flight_[slot];
    message.on_delivery = std::move(on_delivery);
    message.link = link;
    message.sent_epoch = fault_epoch_;
    scheduler_.schedule_at(at, [this, slot] { deliver(slot); });
}

// --- Shared bandwidth --------------------------------------------------------------------------

void Network::send_shared(int from, int to, std::uint32_t link, std::uint64_t size_bytes,
                          Callback on_delivery, bool lost) {
    std::uint32_t slot;
    if (free_transfer_ != kNoSlot) {
        slot = free_transfer_;
        free_transfer_ = transfers_[slot].next;
    } else {
        slot = static_cast<std::uint32_t>(transfers_.size());
        transfers_.emplace_back();
    }
    Transfer& t = transfers_[slot];
    t.on_delivery = std::move(on_delivery);
    t.from = from;
    t.to = to;
    t.link = link;
    t.next = kNoSlot;
    t.up_pos = t.down_pos = kNoSlot;
    t.remaining_bits = static_cast<double>(size_bytes) * 8.0;
    t.rate_bps = 0;
    t.settled_at = scheduler_.now();
    t.done = EventId{};
    t.lost = lost;
    if (!lost) ++in_flight_count_;  // a lost one is counted as dropped already

    // Queue on the directed link; the head is the one transferring.
    const std::size_t queue = 2 * static_cast<std::size_t>(link) + (from < to ? 0 : 1);
    if (queue_head_[queue] == kNoSlot) {
        queue_head_[queue] = queue_tail_[queue] = slot;
        start_transfer(slot);
    } else {
        transfers_[queue_tail_[queue]].next = slot;
        queue_tail_[queue] = slot;
    }
}

double Network::share_rate(const Transfer& t) const {
    double rate = kInfiniteRate;
    const std::uint64_t link_bps = links_[t.link].bandwidth_bps;
    if (link_bps > 0) rate = static_cast<double>(link_bps);
    if (upload_bps_[t.from] > 0) {
        rate = std::min(rate, static_cast<double>(upload_bps_[t.from]) /
                                  static_cast<double>(uploading_[t.from].size()));
    }
    if (download_bps_[t.to] > 0) {
        rate = std::min(rate, static_cast<double>(download_bps_[t.to]) /
                                  static_cast<double>(downloading_[t.to].size()));
    }
    return rate;
}

void Network::settle(const std::vector<std::uint32_t>& active) {
    const core::Nanos now = scheduler_.now();
    for (std::uint32_t slot : active) {
        Transfer& t = transfers_[slot];
        if (t.settled_at == now) continue;
        const double elapsed = static_cast<double>(now - t.settled_at);
        t.remaining_bits = std::max(0.0, t.remaining_bits - t.rate_bps * elapsed / 1e9);
        t.settled_at = now;
    }
}

void Network::reshare(const std::vector<std::uint32_t>& active) {
    const core::Nanos now = scheduler_.now();
    for (std::uint32_t slot : active) {
        Transfer& t = transfers_[slot];
        const double rate = share_rate(t);
        if (rate == t.rate_bps && t.done.tag != 0) continue;
        t.rate_bps = rate;
        (void)scheduler_.cancel(t.done);
        core::Nanos left = 0;
        if (rate != kInfiniteRate && t.remaining_bits > 0) {
            const double ns = std::ceil(t.remaining_bits * 1e9 / rate);
            constexpr double kLimit = static_cast<double>(core::Nanos{1} << 61);
            left = ns >= kLimit ? core::Nanos{1} << 61 : static_cast<core::Nanos>(ns);
        }
        t.done = scheduler_.schedule_at(now + left, [this, slot] { finish_transfer(slot); });
    }
}

void Network::start_transfer(std::uint32_t slot) {
    Transfer& t = transfers_[slot];
    settle(uploading_[t.from]);
    settle(downloading_[t.to]);
    t.settled_at = scheduler_.now();
    t.up_pos = static_cast<std::uint32_t>(uploading_[t.from].size());
    uploading_[t.from].push_back(slot);
    t.down_pos = static_cast<std::uint32_t>(downloading_[t.to].size());
    downloading_[t.to].push_back(slot);
    reshare(uploading_[t.from]);
    reshare(downloading_[t.to]);
}

void Network::deactivate(std::uint32_t slot) {
    Transfer& t = transfers_[slot];
    settle(uploading_[t.from]);
    settle(downloading_[t.to]);
    (void)scheduler_.cancel(t.done);
    t.done = EventId{};
    auto remove = [this](std::vector<std::uint32_t>& active, std::uint32_t pos, bool up) {
        const std::uint32_t moved = active.back();
        active[pos] = moved;
        (up ? transfers_[moved].up_pos : transfers_[moved].down_pos) = pos;
        active.pop_back();
    };
    remove(uploading_[t.from], t.up_pos, true);
    remove(downloading_[t.to], t.down_pos, false);
    t.up_pos = t.down_pos = kNoSlot;
    reshare(uploading_[t.from]);
    reshare(downloading_[t.to]);
}

void Network::free_transfer(std::uint32_t slot) {
    Transfer& t = transfers_[slot];
    t.on_delivery = Callback{};
    t.next = free_transfer_;
    free_transfer_ = slot;
}

void Network::finish_transfer(std::uint32_t slot) {
    transfers_[slot].done = EventId{};  // running now: nothing to cancel
    deactivate(slot);
    Transfer& t = transfers_[slot];
    const std::uint32_t link = t.link;
    const std::size_t queue = 2 * static_cast<std::size_t>(link) + (t.from < t.to ? 0 : 1);
    const std::uint32_t next = t.next;
    queue_head_[queue] = next;
    if (next == kNoSlot) queue_tail_[queue] = kNoSlot;
    Callback on_delivery = std::move(t.on_delivery);
    const bool lost = t.lost;
    free_transfer(slot);
    if (next != kNoSlot) start_transfer(next);
    if (lost) return;
    schedule_delivery(scheduler_.now() + links_[link].latency, link, std::move(on_delivery));
}

void Network::abort_transfers(int link) {
    for (std::size_t queue = 2 * static_cast<std::size_t>(link); queue < 2 * static_cast<std::size_t>(link) + 2;
         ++queue) {
        std::uint32_t slot = queue_head_[queue];
        if (slot == kNoSlot) continue;
        deactivate(slot);  // only the head is active
        queue_head_[queue] = queue_tail_[queue] = kNoSlot;
        while (slot != kNoSlot) {
            const std::uint32_t next = transfers_[slot].next;
            if (!transfers_[slot].lost) {
                ++counters_.dropped_in_flight;
                --in_flight_count_;
            }
            free_transfer(slot);
            slot = next;
        }
    }
}

void Network::deliver(std::uint32_t slot) {
    InFlight& message = in_flight_[slot];
    Callback on_delivery = std::move(message.on_delivery);
    const std::uint32_t link = message.link, sent_epoch = message.sent_epoch;
    message.next_free = free_head_;
    free_head_ = slot;
    if (arrives(link, sent_epoch)) on_delivery();
}

template <class Change>
void Network::apply_fault(const std::vector<int>& candidates, Change change) {
    std::vector<char> before(candidates.size());
    for (std::size_t i = 0; i < candidates.size(); ++i)
        before[i] = usable(candidates[i]);
    if (fault_epoch_ == std::numeric_limits<std::uint32_t>::max()) {
        std::fprintf(stderr, "sim::Network: more than 2^32 - 1 faults\n");
        std::abort();
    }
    ++fault_epoch_;
    change();
    std::vector<std::pair<int, bool>> changed;
    for (std::size_t i = 0; i < candidates.size(); ++i) {
        const int link = candidates[i];
        const bool now_usable = usable(link);
        if (now_usable == static_cast<bool>(before[i])) continue;
        if (!now_usable) {
            // Invalidate messages in flight and forget the queued transfers.
            LinkState& state = links_[link];
            link_faults_[link].broken_at = fault_epoch_;
            state.busy_until[0] = state.busy_until[1] = 0;
            if (shared()) abort_transfers(link);
        }
        changed.emplace_back(link, now_usable);
    }
    if (!on_link_change_) return;
    for (const auto& [link, up] : changed) {
        const auto [a, b] = topology_.links()[link];
        on_link_change_(a, b, up);
    }
}

std::vector<int> Network::all_links() const {
    std::vector<int> ids(topology_.edge_count());
    for (int id = 0; id < topology_.edge_count(); ++id)
        ids[id] = id;
    return ids;
}

std::vector<int> Network::links_of(int node) const {
    std::vector<int> ids;
    for (int peer : topology_.neighbors(node))
        ids.push_back(topology_.link_id(node, peer));
    std::sort(ids.begin(), ids.end());
    return ids;
}

Status Network::partition(const std::vector<std::vector<int>>& groups) {
    std::vector<int> group(node_count(), 0);
    for (std::size_t g = 0; g < groups.size(); ++g) {
        for (int node : groups[g]) {
            if (node < 0 || node >= node_count()) {
                return Error{"partition: group " + std::to_string(g) + " names node " +
                             std::to_string(node) + ", but nodes are 0.." +
                             std::to_string(node_count() - 1)};
            }
            if (group[node] != 0) {
                return Error{"partition: node " + std::to_string(node) + " is in group " +
                             std::to_string(group[node] - 1) + " and group " + std::to_string(g)};
            }
            group[node] = static_cast<int>(g) + 1;  // 0 is the group of unlisted nodes
        }
    }
    apply_fault(all_links(), [&] {
        group_ = std::move(group);
        partitioned_ = std::any_of(group_.begin(), group_.end(), [](int g) { return g != 0; });
    });
    return {};
}

void Network::heal() {
    apply_fault(all_links(), [&] {
        std::fill(group_.begin(), group_.end(), 0);
        partitioned_ = false;
    });
}

Status Network::cut(int a, int b) {
    const int link = topology_.link_id(a, b);
    if (link < 0) return Error{"cut: there is no link " + link_name(a, b)};
    apply_fault({link}, [&] {
        if (!link_faults_[link].cut) ++cut_links_;
        link_faults_[link].cut = true;
    });
    return {};
}

Status Network::restore(int a, int b) {
    const int link = topology_.link_id(a, b);
    if (link < 0) return Error{"restore: there is no link " + link_name(a, b)};
    apply_fault({link}, [&] {
        if (link_faults_[link].cut) --cut_links_;
        link_faults_[link].cut = false;
    });
    return {};
}

Status Network::set_node_up(int node, bool up) {
    if (node < 0 || node >= node_count()) {
        return Error{std::string(up ? "restart" : "crash") + ": there is no node " +
                     std::to_string(node) + " (nodes are 0.." + std::to_string(node_count() - 1) +
                     ")"};
    }
    apply_fault(links_of(node), [&] {
        if (static_cast<bool>(node_up_[node]) != up) down_nodes_ += up ? -1 : 1;
        node_up_[node] = up ? 1 : 0;
    });
    return {};
}

Status Network::set_latency(const LatencySpec& spec, Rng& rng) {
    if (Status status = assign_latencies(topology_, spec, rng); !status) return status;
    for (int id = 0; id < topology_.edge_count(); ++id)
        links_[id].latency = topology_.link(id).latency;
    return {};
}

}  // namespace sim

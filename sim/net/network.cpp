#include "sim/net/network.h"

#include <algorithm>
#include <cassert>
#include <string>

namespace sim {
namespace {

// ceil(bytes * 8 s / bandwidth) in nanoseconds; 0 for unlimited bandwidth.
core::Nanos transfer_time(std::uint64_t size_bytes, std::uint64_t bandwidth_bps) {
    if (bandwidth_bps == 0 || size_bytes == 0) return 0;
    const unsigned __int128 bit_nanos =
        static_cast<unsigned __int128>(size_bytes) * 8 * core::kSecond;
    const unsigned __int128 t = (bit_nanos + bandwidth_bps - 1) / bandwidth_bps;
    // Far beyond any simulated horizon; clamped so that time arithmetic cannot overflow.
    constexpr core::Nanos kLimit = core::Nanos{1} << 61;
    return t > static_cast<unsigned __int128>(kLimit) ? kLimit : static_cast<core::Nanos>(t);
}

std::string link_name(int a, int b) {
    return std::to_string(a) + "-" + std::to_string(b);
}

}  // namespace

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
      node_up_(topology_.node_count(), 1),
      group_(topology_.node_count(), 0) {
    assert(validate(params).ok());
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
    const auto first = adjacent_peer_.begin() + adjacent_begin_[from];
    const auto last = adjacent_peer_.begin() + adjacent_begin_[from + 1];
    const auto it = std::lower_bound(first, last, to);
    return it != last && *it == to ? adjacent_link_[it - adjacent_peer_.begin()] : -1;
}

bool Network::usable(int link) const {
    const auto [a, b] = topology_.links()[link];
    return !links_[link].cut && node_up_[a] && node_up_[b] && group_[a] == group_[b];
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

void Network::send(int from, int to, std::uint64_t size_bytes, Callback on_delivery) {
    assert(0 <= from && from < node_count() && 0 <= to && to < node_count());
    ++counters_.sent;
    const int link = link_between(from, to);
    if (link < 0) {
        ++counters_.dropped_no_link;
        return;
    }
    LinkState& state = links_[link];
    if (state.cut) {
        ++counters_.dropped_cut;
        return;
    }
    if (!node_up_[from] || !node_up_[to]) {
        ++counters_.dropped_node_down;
        return;
    }
    if (group_[from] != group_[to]) {
        ++counters_.dropped_partition;
        return;
    }

    core::Nanos& busy_until = state.busy_until[from < to ? 0 : 1];
    const core::Nanos start = std::max(scheduler_.now(), busy_until);
    // Saturating: a link can be busy for longer than int64 nanoseconds hold (1 bps, GBs).
    busy_until = core::add_saturating(start, transfer_time(size_bytes, state.bandwidth_bps));
    const core::Nanos delivery = core::add_saturating(busy_until, state.latency);

    if (params_.loss > 0.0 && loss_rng_.bernoulli(params_.loss)) {
        ++counters_.dropped_loss;
        return;
    }

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
    message.link = static_cast<std::uint32_t>(link);
    message.generation = state.generation;
    ++in_flight_count_;
    scheduler_.schedule_at(delivery, [this, slot] { deliver(slot); });
}

void Network::deliver(std::uint32_t slot) {
    InFlight& message = in_flight_[slot];
    Callback on_delivery = std::move(message.on_delivery);
    const bool intact = links_[message.link].generation == message.generation;
    message.next_free = free_head_;
    free_head_ = slot;
    --in_flight_count_;
    if (!intact) {
        ++counters_.dropped_in_flight;
        return;
    }
    ++counters_.delivered;
    on_delivery();
}

template <class Change>
void Network::apply_fault(const std::vector<int>& candidates, Change change) {
    std::vector<char> before(candidates.size());
    for (std::size_t i = 0; i < candidates.size(); ++i)
        before[i] = usable(candidates[i]);
    change();
    std::vector<std::pair<int, bool>> changed;
    for (std::size_t i = 0; i < candidates.size(); ++i) {
        const int link = candidates[i];
        const bool now_usable = usable(link);
        if (now_usable == static_cast<bool>(before[i])) continue;
        if (!now_usable) {
            // Invalidate messages in flight and forget the queued transfers.
            LinkState& state = links_[link];
            ++state.generation;
            state.busy_until[0] = state.busy_until[1] = 0;
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
    apply_fault(all_links(), [&] { group_ = std::move(group); });
    return {};
}

void Network::heal() {
    apply_fault(all_links(), [&] { std::fill(group_.begin(), group_.end(), 0); });
}

Status Network::cut(int a, int b) {
    const int link = topology_.link_id(a, b);
    if (link < 0) return Error{"cut: there is no link " + link_name(a, b)};
    apply_fault({link}, [&] { links_[link].cut = true; });
    return {};
}

Status Network::restore(int a, int b) {
    const int link = topology_.link_id(a, b);
    if (link < 0) return Error{"restore: there is no link " + link_name(a, b)};
    apply_fault({link}, [&] { links_[link].cut = false; });
    return {};
}

Status Network::set_node_up(int node, bool up) {
    if (node < 0 || node >= node_count()) {
        return Error{std::string(up ? "restart" : "crash") + ": there is no node " +
                     std::to_string(node) + " (nodes are 0.." + std::to_string(node_count() - 1) +
                     ")"};
    }
    apply_fault(links_of(node), [&] { node_up_[node] = up ? 1 : 0; });
    return {};
}

Status Network::set_latency(const LatencySpec& spec, Rng& rng) {
    if (Status status = assign_latencies(topology_, spec, rng); !status) return status;
    for (int id = 0; id < topology_.edge_count(); ++id)
        links_[id].latency = topology_.link(id).latency;
    return {};
}

}  // namespace sim

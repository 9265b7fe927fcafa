// Benchmarks for the simulation substrate.
//
// Hold: the classic priority-queue benchmark. N events are pending; each run pops the earliest
// and schedules one new event at now + an exponential delay, so the queue stays at N.
// NetworkRelay: messages hop between random neighbours of a random-regular graph with lognormal
// latencies and finite bandwidth; each delivery sends the next hop.
//
//   build/bench/bench_engine --benchmark_min_time=1
#include <benchmark/benchmark.h>

#include <memory>

#include "core/time.h"
#include "sim/engine/scheduler.h"
#include "sim/net/latency.h"
#include "sim/net/network.h"
#include "sim/engine/rng.h"
#include "sim/net/topology.h"

namespace {

using core::kMillisecond;

// Reschedules itself; 16 bytes, so it lives inside the Callback.
struct HoldEvent {
    sim::Scheduler* scheduler;
    sim::Rng* rng;
    void operator()() const {
        const auto delay =
            static_cast<core::Nanos>(rng->exponential(static_cast<double>(kMillisecond)));
        scheduler->schedule_after(delay, HoldEvent{scheduler, rng});
    }
};

void BM_Hold(benchmark::State& state) {
    const auto pending = static_cast<int>(state.range(0));
    sim::Scheduler scheduler;
    sim::Rng rng = sim::Rng::stream(1, "bench");
    for (int i = 0; i < pending; ++i) {
        const auto delay =
            static_cast<core::Nanos>(rng.exponential(static_cast<double>(kMillisecond)));
        scheduler.schedule_at(delay, HoldEvent{&scheduler, &rng});
    }
    // Warm up past the initial transient of the queue's shape.
    for (int i = 0; i < 2 * pending; ++i)
        scheduler.run_one();
    for (auto _ : state)
        scheduler.run_one();
    state.counters["events_per_s"] =
        benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
    state.counters["pending"] = static_cast<double>(scheduler.pending());
}
BENCHMARK(BM_Hold)->Arg(1'000)->Arg(10'000)->Arg(100'000)->Arg(1'000'000);

// Hold where every event also arms a timeout that is cancelled when the next event of the same
// chain runs, the pattern of request timeouts: half the scheduled events are cancelled.
struct TimedHoldEvent {
    sim::Scheduler* scheduler;
    sim::Rng* rng;
    sim::EventId* timeout;
    void operator()() const {
        scheduler->cancel(*timeout);
        *timeout = scheduler->schedule_after(10 * kMillisecond, [] {});
        const auto delay =
            static_cast<core::Nanos>(rng->exponential(static_cast<double>(kMillisecond)));
        scheduler->schedule_after(delay, TimedHoldEvent{scheduler, rng, timeout});
    }
};

void BM_HoldWithCancel(benchmark::State& state) {
    const auto chains = static_cast<int>(state.range(0));
    sim::Scheduler scheduler;
    sim::Rng rng = sim::Rng::stream(1, "bench");
    std::vector<sim::EventId> timeouts(chains);
    for (int i = 0; i < chains; ++i) {
        const auto delay =
            static_cast<core::Nanos>(rng.exponential(static_cast<double>(kMillisecond)));
        scheduler.schedule_at(delay, TimedHoldEvent{&scheduler, &rng, &timeouts[i]});
    }
    for (int i = 0; i < 2 * chains; ++i)
        scheduler.run_one();
    for (auto _ : state)
        scheduler.run_one();
    state.counters["events_per_s"] =
        benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_HoldWithCancel)->Arg(1'000)->Arg(100'000);

struct Relay {
    sim::Network* network;
    sim::Rng* rng;
    void hop(int node) const {
        const auto& peers = network->neighbors(node);
        const int next = peers[rng->below(peers.size())];
        network->send(node, next, 1'000, [relay = *this, next] { relay.hop(next); });
    }
};

void BM_NetworkRelay(benchmark::State& state) {
    const auto in_flight = static_cast<int>(state.range(0));
    constexpr int kNodes = 1'000;
    sim::Rng topology_rng = sim::Rng::stream(1, "topology");
    sim::Rng latency_rng = sim::Rng::stream(1, "latency");
    sim::TopologySpec spec;
    spec.kind = sim::TopologyKind::kRandomRegular;
    spec.degree = 8;
    sim::Topology topology = std::move(sim::build_topology(spec, kNodes, topology_rng)).value();
    sim::LatencySpec latency;
    latency.distribution.dist = sim::LatencyDist::kLognormal;
    latency.distribution.median = 80 * kMillisecond;
    latency.distribution.sigma = 0.5;
    if (!sim::assign_latencies(topology, latency, latency_rng).ok()) state.SkipWithError("latency");

    sim::Scheduler scheduler;
    sim::Network network(scheduler, std::move(topology), [] {
                             sim::LinkParams p;
                             p.bandwidth_bps = 20'000'000;
                             return p;
                         }(),
                         sim::Rng::stream(1, "loss"));
    sim::Rng rng = sim::Rng::stream(1, "bench");
    const Relay relay{&network, &rng};
    for (int i = 0; i < in_flight; ++i)
        relay.hop(static_cast<int>(rng.below(kNodes)));
    for (auto _ : state)
        scheduler.run_one();
    state.counters["messages_per_s"] =
        benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_NetworkRelay)->Arg(1'000)->Arg(100'000);

}  // namespace

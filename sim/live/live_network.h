// LiveNetwork: a scenario's nodes as real LiveNodes in one process (`chainsim live`).
//
// Node i listens on host:(base_port + i) (any free port when base_port is 0) and keeps its
// data in data_dir/node-i. Peers follow the scenario's topology (the graph the simulator
// builds for the same seed). Miners mine for real at the scenario's block interval, each
// node at its share (exponential delays). The fault timeline runs in real time:
//   partition   peers in different groups refuse each other's requests and send nothing
//   heal        everything reachable again; every node exchanges tips with its peers
//   cut/restore the same for one link
//   crash       the node is stopped (its HTTP port closes; its data dir stays)
//   restart     the node is started again from its data dir on the same port
//   hashrate    the nodes' mining intervals change
//   latency     not applied: links are real loopback (a warning says so)
// A workload, if the scenario has one, sends signed transfers between accounts funded in
// genesis as real HTTP POSTs to random up nodes (a share of them with bad signatures).
//
// Not thread-safe: everything on the io_context's thread.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "sim/live/live_node.h"
#include "sim/live/network_params.h"
#include "sim/engine/rng.h"
#include "sim/scenario/scenario.h"
#include "sim/net/topology.h"
#include "sim/world/workload.h"

namespace live {

struct LiveRunOptions {
    std::string host = "127.0.0.1";
    std::uint16_t base_port = 5000;  // node i on base_port + i; 0: any free ports
    core::Nanos duration = 0;        // how long to run; 0: the scenario's duration
    std::string data_dir;            // required: node i keeps its data in data_dir/node-i
    std::uint64_t seed = 0;          // topology and workload; 0: the scenario's seed
    std::size_t demo_wallets = 0;    // named demo wallets funded at genesis (demo_wallets.h)
    std::function<void(const std::string&)> log;  // event lines; null: quiet
};

class LiveNetwork {
  public:
    static sim::Expected<std::unique_ptr<LiveNetwork>> create(boost::asio::io_context& io,
                                                              const sim::Scenario& scenario,
                                                              LiveRunOptions options);
    ~LiveNetwork();

    // Starts the timeline, the workload and the end timer; `done` runs when the run ends.
    void run(std::function<void()> done);
    // Ends the run: mining stops, and `done` runs half a second later (blocks in flight
    // settle). The nodes stay up until the network is destroyed.
    void stop();

    const std::vector<std::string>& urls() const { return urls_; }
    const std::vector<std::string>& warnings() const { return warnings_; }
    core::Nanos duration() const { return duration_; }
    // {"scenario", "seconds", "converged", "nodes": [...], "convergence": [...], ...}
    nlohmann::json summary() const;

  private:
    LiveNetwork(boost::asio::io_context& io, const sim::Scenario& scenario, LiveRunOptions options);
    sim::Status build();
    sim::Status start_node(int i);
    bool linked(int a, int b) const;
    int index_of(const PeerUrl& url) const;
    void apply_event(std::size_t index);
    void set_reachability_changed(const std::vector<int>& nodes);
    double node_mean_interval_s(int i, double share) const;
    void check_convergence();
    void schedule_tx();
    void send_tx();
    double elapsed_s() const;
    void say(const std::string& line) const;

    boost::asio::io_context& io_;
    sim::Scenario scenario_;
    LiveRunOptions options_;
    core::Nanos duration_ = 0;
    NetworkParams network_;
    std::optional<sim::Topology> topology_;
    std::vector<std::unique_ptr<LiveNode>> nodes_;  // null while crashed
    std::vector<LiveNodeConfig> configs_;
    std::vector<std::string> urls_;
    std::vector<double> mine_every_s_;   // per node; 0: not mining
    std::vector<int> group_;             // partition group per node; all 0 when healed
    std::set<std::pair<int, int>> cut_;  // (a, b), a < b
    std::vector<std::string> warnings_;
    std::vector<std::unique_ptr<boost::asio::steady_timer>> timers_;
    std::chrono::steady_clock::time_point started_;
    std::function<void()> done_;
    std::unique_ptr<boost::asio::steady_timer> settle_timer_;
    bool running_ = false;
    double ran_s_ = 0;  // how long the run lasted, once stopped

    struct Convergence {
        std::string event;
        double at_s = 0;
        std::optional<double> converged_at_s;
    };
    std::vector<Convergence> convergence_;
    std::unique_ptr<boost::asio::steady_timer> convergence_timer_;

    std::unique_ptr<sim::Workload> workload_;  // null without a workload
    std::vector<bool> in_flight_;              // per account: a POST awaits its answer
    std::unique_ptr<boost::asio::steady_timer> workload_timer_;
    std::uint64_t txs_sent_ = 0;
    std::map<unsigned, std::uint64_t> tx_statuses_;
    std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

}  // namespace live

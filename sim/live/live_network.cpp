#include "sim/live/live_network.h"

#include <algorithm>
#include <cstdio>

#include "core/codec.h"
#include "sim/live/api.h"
#include "sim/scenario/nodeset.h"

namespace live {

namespace asio = boost::asio;

namespace {

// Starting balance of each workload account (as in the simulator).
// Blocks above this many transactions would not fit a 1 MiB POST /blocks body.
constexpr int kMaxLiveBlockTxs = 2000;
// Between the end of mining and the summary.
constexpr auto kSettleTime = std::chrono::milliseconds(500);

std::string fixed(double v, int digits) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", digits, v);
    return buf;
}

}  // namespace

LiveNetwork::LiveNetwork(asio::io_context& io, const sim::Scenario& scenario,
                         LiveRunOptions options)
    : io_(io), scenario_(scenario), options_(std::move(options)) {}

LiveNetwork::~LiveNetwork() {
    alive_.reset();
    for (auto& t : timers_)
        t->cancel();
    nodes_.clear();
}

sim::Expected<std::unique_ptr<LiveNetwork>> LiveNetwork::create(asio::io_context& io,
                                                                const sim::Scenario& scenario,
                                                                LiveRunOptions options) {
    std::unique_ptr<LiveNetwork> net(new LiveNetwork(io, scenario, std::move(options)));
    sim::Status s = net->build();
    if (!s.ok()) return sim::Error{s.error()};
    return net;
}

void LiveNetwork::say(const std::string& line) const {
    if (options_.log) options_.log(line);
}

double LiveNetwork::elapsed_s() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
}

double LiveNetwork::node_mean_interval_s(int i, double share) const {
    for (const sim::MinerSpec& m : scenario_.mining) {
        if (std::find(m.nodes.begin(), m.nodes.end(), i) == m.nodes.end()) continue;
        const double node_share = share / static_cast<double>(m.nodes.size());
        if (!(node_share > 0)) return 0;
        return core::to_seconds(scenario_.consensus.block_interval) / node_share;
    }
    return 0;
}

sim::Status LiveNetwork::build() {
    const int n = scenario_.network.nodes;
    const std::uint64_t seed = options_.seed != 0 ? options_.seed : scenario_.seed;
    if (options_.data_dir.empty()) return sim::Error{"live: a data dir is required"};
    if (options_.base_port != 0 && options_.base_port + n - 1 > 65535) {
        return sim::Error{"--base-port " + std::to_string(options_.base_port) +
                          " leaves no room for " + std::to_string(n) + " nodes below port 65536"};
    }
    if (n > 256) {
        return sim::Error{"live mode runs at most 256 nodes in one process; the scenario has " +
                          std::to_string(n)};
    }
    duration_ = options_.duration > 0 ? options_.duration : scenario_.duration;
    if (duration_ <= 0) {
        return sim::Error{"the scenario runs until a height; give --for DURATION for live mode"};
    }

    // Consensus as the simulator sets it, at a fixed genesis time.
    core::ConsensusParams p = sim::consensus_params(scenario_.consensus);
    p.max_block_txs =
        static_cast<std::uint32_t>(std::min(scenario_.consensus.max_block_txs, kMaxLiveBlockTxs));
    if (scenario_.consensus.max_block_txs > kMaxLiveBlockTxs) {
        warnings_.push_back("consensus.max_block_txs is capped at " +
                            std::to_string(kMaxLiveBlockTxs) +
                            " in live mode so that every block fits a 1 MiB request");
    }
    p.genesis_time = kLiveGenesisTime;
    if (scenario_.workload) {
        workload_ = std::make_unique<sim::Workload>(*scenario_.workload, seed);
        in_flight_.assign(static_cast<std::size_t>(scenario_.workload->accounts), false);
        p.allocations = workload_->allocations();
    }
    const std::vector<DemoWallet> demo = make_demo_wallets(options_.demo_wallets);
    for (const core::GenesisAllocation& a : demo_allocations(demo))
        p.allocations.push_back(a);
    network_ = make_network(std::move(p));

    for (const sim::MinerSpec& m : scenario_.mining) {
        if (m.strategy != sim::MinerStrategy::kHonest) {
            warnings_.push_back("mining strategy '" + std::string(sim::strategy_name(m.strategy)) +
                                "' runs as honest mining in live mode");
        }
    }
    const sim::NetworkSpec& net = scenario_.network;
    if (net.bandwidth_bps != 0 || net.node_bandwidth.limited() || net.loss != 0 ||
        net.processing.per_block != 0 ||
        net.processing.per_tx != 0 || net.latency.kind != sim::LatencySpec::Kind::kDistribution ||
        net.latency.distribution.dist != sim::LatencyDist::kConstant ||
        net.latency.distribution.value != 50 * core::kMillisecond) {
        warnings_.push_back(
            "latency, bandwidth, loss and processing settings are not applied in live mode: "
            "links are real loopback HTTP");
    }

    sim::Rng topology_rng = sim::Rng::stream(seed, "topology");
    sim::Expected<sim::Topology> topology =
        sim::build_topology(net.topology, n, topology_rng);
    if (!topology) return sim::Error{"network.topology: " + topology.error()};
    topology_.emplace(std::move(*topology));

    group_.assign(static_cast<std::size_t>(n), 0);
    nodes_.resize(static_cast<std::size_t>(n));
    configs_.resize(static_cast<std::size_t>(n));
    urls_.resize(static_cast<std::size_t>(n));
    mine_every_s_.resize(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
        double share = 0;
        for (const sim::MinerSpec& m : scenario_.mining) {
            if (std::find(m.nodes.begin(), m.nodes.end(), i) != m.nodes.end()) share = m.share;
        }
        mine_every_s_[static_cast<std::size_t>(i)] = node_mean_interval_s(i, share);
        LiveNodeConfig& c = configs_[static_cast<std::size_t>(i)];
        c.id = i;
        c.host = options_.host;
        c.port = options_.base_port == 0 ? 0 : static_cast<std::uint16_t>(options_.base_port + i);
        c.data_dir = options_.data_dir + "/node-" + std::to_string(i);
        c.mine_every_s = 0;  // mining starts with run()
        c.demo_wallets = demo;
        c.seed = sim::Rng::stream(seed, "live-node-" + std::to_string(i))() | 1;
        c.log = [this, i](const std::string& line) {
            say("[" + fixed(running_ ? elapsed_s() : 0.0, 1) + "s] node " + std::to_string(i) +
                ": " + line);
        };
        sim::Status s = start_node(i);
        if (!s.ok()) return sim::Error{"node " + std::to_string(i) + ": " + s.error()};
        // The port it got stays its port across restarts.
        c.port = nodes_[static_cast<std::size_t>(i)]->port();
        urls_[static_cast<std::size_t>(i)] = nodes_[static_cast<std::size_t>(i)]->url();
    }
    // Peers once every node has its URL: both ends of every link.
    for (const auto& [a, b] : topology_->links()) {
        const PeerUrl ua = *parse_peer_url(urls_[static_cast<std::size_t>(a)]).url;
        const PeerUrl ub = *parse_peer_url(urls_[static_cast<std::size_t>(b)]).url;
        configs_[static_cast<std::size_t>(a)].peers.push_back(ub);
        configs_[static_cast<std::size_t>(b)].peers.push_back(ua);
        sim::Status s = nodes_[static_cast<std::size_t>(a)]->add_peer(ub);
        if (s.ok()) s = nodes_[static_cast<std::size_t>(b)]->add_peer(ua);
        if (!s.ok())
            return sim::Error{"peering " + std::to_string(a) + "-" + std::to_string(b) + ": " +
                              s.error()};
    }
    return sim::Status::success();
}

sim::Status LiveNetwork::start_node(int i) {
    auto started = LiveNode::start(io_, network_, configs_[static_cast<std::size_t>(i)]);
    if (!started) return sim::Error{started.error()};
    LiveNode& node = **started;
    node.set_peer_filter([this, i](const PeerUrl& url) {
        const int j = index_of(url);
        return j < 0 || linked(i, j);
    });
    nodes_[static_cast<std::size_t>(i)] = std::move(*started);
    return sim::Status::success();
}

int LiveNetwork::index_of(const PeerUrl& url) const {
    const std::string text = url.str();
    for (std::size_t i = 0; i < urls_.size(); ++i) {
        if (urls_[i] == text) return static_cast<int>(i);
    }
    return -1;
}

bool LiveNetwork::linked(int a, int b) const {
    if (group_[static_cast<std::size_t>(a)] != group_[static_cast<std::size_t>(b)]) return false;
    return cut_.count({std::min(a, b), std::max(a, b)}) == 0;
}

void LiveNetwork::run(std::function<void()> done) {
    done_ = std::move(done);
    running_ = true;
    started_ = std::chrono::steady_clock::now();
    for (std::size_t i = 0; i < nodes_.size(); ++i) {
        if (nodes_[i]) nodes_[i]->set_mine_every(mine_every_s_[i]);
    }
    const std::weak_ptr<int> alive = alive_;
    for (std::size_t e = 0; e < scenario_.events.size(); ++e) {
        auto timer = std::make_unique<asio::steady_timer>(io_);
        timer->expires_after(std::chrono::nanoseconds(scenario_.events[e].at));
        timer->async_wait([this, alive, e](const boost::system::error_code& ec) {
            if (!ec && !alive.expired() && running_) apply_event(e);
        });
        timers_.push_back(std::move(timer));
    }
    auto end = std::make_unique<asio::steady_timer>(io_);
    end->expires_after(std::chrono::nanoseconds(duration_));
    end->async_wait([this, alive](const boost::system::error_code& ec) {
        if (!ec && !alive.expired()) stop();
    });
    timers_.push_back(std::move(end));
    convergence_timer_ = std::make_unique<asio::steady_timer>(io_);
    if (workload_ && scenario_.workload->tx_rate > 0) {
        workload_timer_ = std::make_unique<asio::steady_timer>(io_);
        schedule_tx();
    }
}

void LiveNetwork::stop() {
    if (!running_) return;
    running_ = false;
    ran_s_ = elapsed_s();
    for (auto& t : timers_)
        t->cancel();
    if (convergence_timer_) convergence_timer_->cancel();
    if (workload_timer_) workload_timer_->cancel();
    // Mining stops; blocks still in flight get a moment to arrive before the summary, so
    // that "converged" is about the network, not about a block found a millisecond ago.
    for (auto& node : nodes_) {
        if (node) node->set_mine_every(0);
    }
    settle_timer_ = std::make_unique<asio::steady_timer>(io_);
    settle_timer_->expires_after(kSettleTime);
    settle_timer_->async_wait(
        [this, alive = std::weak_ptr<int>(alive_)](const boost::system::error_code&) {
            if (alive.expired() || !done_) return;
            auto done = std::move(done_);
            done_ = nullptr;
            done();
        });
}

void LiveNetwork::set_reachability_changed(const std::vector<int>& nodes) {
    // A link that comes back behaves like a new connection: both ends exchange tips.
    for (int i : nodes) {
        if (nodes_[static_cast<std::size_t>(i)])
            nodes_[static_cast<std::size_t>(i)]->reconnect_peers();
    }
}

void LiveNetwork::apply_event(std::size_t index) {
    const sim::EventSpec& e = scenario_.events[index];
    say("[" + fixed(elapsed_s(), 1) + "s] " + sim::describe(e));
    bool measure = false;
    std::vector<int> all(nodes_.size());
    for (std::size_t i = 0; i < all.size(); ++i)
        all[i] = static_cast<int>(i);
    switch (e.kind) {
        case sim::EventKind::kPartition:
            for (std::size_t g = 0; g < e.groups.size(); ++g) {
                for (int node : e.groups[g])
                    group_[static_cast<std::size_t>(node)] = static_cast<int>(g);
            }
            break;
        case sim::EventKind::kHeal:
            // As in the simulator: the partition ends; cut links stay cut until restored.
            std::fill(group_.begin(), group_.end(), 0);
            set_reachability_changed(all);
            measure = true;
            break;
        case sim::EventKind::kCut:
            cut_.insert({std::min(e.a, e.b), std::max(e.a, e.b)});
            break;
        case sim::EventKind::kRestore:
            cut_.erase({std::min(e.a, e.b), std::max(e.a, e.b)});
            for (auto [x, y] : {std::pair{e.a, e.b}, std::pair{e.b, e.a}}) {
                if (nodes_[static_cast<std::size_t>(x)] && nodes_[static_cast<std::size_t>(y)]) {
                    nodes_[static_cast<std::size_t>(x)]->reconnect_peer(
                        *parse_peer_url(urls_[static_cast<std::size_t>(y)]).url);
                }
            }
            measure = true;
            break;
        case sim::EventKind::kCrash:
            for (int node : e.nodes)
                nodes_[static_cast<std::size_t>(node)].reset();
            break;
        case sim::EventKind::kRestart:
            for (int node : e.nodes) {
                const auto i = static_cast<std::size_t>(node);
                if (nodes_[i]) continue;
                sim::Status s = start_node(node);
                if (!s.ok()) {
                    say("node " + std::to_string(node) + ": restart failed: " + s.error());
                    continue;
                }
                nodes_[i]->set_mine_every(mine_every_s_[i]);
                // Its neighbours see a new connection too.
                const PeerUrl me = *parse_peer_url(urls_[i]).url;
                for (int j : topology_->neighbors(node)) {
                    if (nodes_[static_cast<std::size_t>(j)]) {
                        nodes_[static_cast<std::size_t>(j)]->reconnect_peer(me);
                    }
                }
            }
            measure = true;
            break;
        case sim::EventKind::kLatency:
            say("  (latency changes are not applied in live mode)");
            break;
        case sim::EventKind::kHashrate:
            for (int node : e.nodes) {
                const auto i = static_cast<std::size_t>(node);
                mine_every_s_[i] = node_mean_interval_s(node, e.share);
                if (nodes_[i]) nodes_[i]->set_mine_every(mine_every_s_[i]);
            }
            break;
    }
    if (measure) {
        convergence_.push_back(Convergence{sim::describe(e), elapsed_s(), std::nullopt});
        check_convergence();
    }
}

void LiveNetwork::check_convergence() {
    const auto open = [](const Convergence& c) { return !c.converged_at_s; };
    if (std::none_of(convergence_.begin(), convergence_.end(), open) || !running_) return;
    std::optional<core::Hash256> tip;
    bool same = true;
    for (const auto& node : nodes_) {
        if (!node) continue;
        const core::Hash256 t = node->node().chain().tip()->hash();
        if (tip && *tip != t) same = false;
        tip = t;
    }
    if (same) {
        // Every measurement still open closes here, as in reports::Recorder::converged.
        for (Convergence& c : convergence_) {
            if (!open(c)) continue;
            c.converged_at_s = elapsed_s();
            say("[" + fixed(elapsed_s(), 1) + "s] converged after " + c.event + " (" +
                fixed(*c.converged_at_s - c.at_s, 2) + "s)");
        }
        return;
    }
    convergence_timer_->expires_after(std::chrono::milliseconds(50));
    convergence_timer_->async_wait(
        [this, alive = std::weak_ptr<int>(alive_)](const boost::system::error_code& ec) {
            if (!ec && !alive.expired()) check_convergence();
        });
}

void LiveNetwork::schedule_tx() {
    workload_timer_->expires_after(std::chrono::nanoseconds(workload_->next_delay()));
    workload_timer_->async_wait(
        [this, alive = std::weak_ptr<int>(alive_)](const boost::system::error_code& ec) {
            if (ec || alive.expired() || !running_) return;
            send_tx();
            schedule_tx();
        });
}

// The simulator's workload (sim::Workload) with its submissions POSTed over HTTP.
void LiveNetwork::send_tx() {
    std::vector<int> up;
    for (std::size_t i = 0; i < nodes_.size(); ++i) {
        if (nodes_[i]) up.push_back(static_cast<int>(i));
    }
    if (up.empty()) return;
    const int target = up[workload_->pick_node(up.size())];
    sim::Workload::Submission s = workload_->next(nodes_[static_cast<std::size_t>(target)]->node());
    // One pending request per sender keeps its nonces in order.
    if (in_flight_[s.sender]) return;
    in_flight_[s.sender] = true;
    ++txs_sent_;
    ClientRequest req;
    req.method = http::verb::post;
    req.target = "/transactions/new";
    req.body = api::dump(core::tx_to_json(*s.tx));
    http_fetch(io_, *parse_peer_url(urls_[static_cast<std::size_t>(target)]).url, std::move(req),
               [this, alive = std::weak_ptr<int>(alive_), s = std::move(s)](ClientResult r) {
                   if (alive.expired()) return;
                   in_flight_[s.sender] = false;
                   ++tx_statuses_[r.ok ? r.status : 0];
                   workload_->submitted(s,
                                        r.ok && r.status == 201
                                            ? core::ValidationResult::valid()
                                            : core::ValidationResult::invalid(
                                                  core::Reject::kMalformed,
                                                  "HTTP " + std::to_string(r.ok ? r.status : 0)));
               });
}

nlohmann::json LiveNetwork::summary() const {
    nlohmann::json nodes = nlohmann::json::array();
    std::optional<core::Hash256> tip;
    bool converged = true;
    std::uint64_t mined = 0;
    for (std::size_t i = 0; i < nodes_.size(); ++i) {
        const auto& node = nodes_[i];
        if (!node) {
            nodes.push_back({{"node", i}, {"url", urls_[i]}, {"up", false}});
            continue;
        }
        const core::BlockIndex* t = node->node().chain().tip();
        if (tip && *tip != t->hash()) converged = false;
        tip = t->hash();
        mined += node->blocks_mined();
        nodes.push_back({{"node", i},
                         {"url", urls_[i]},
                         {"up", true},
                         {"height", t->height},
                         {"tip", t->hash().display_hex()},
                         {"blocks_mined", node->blocks_mined()}});
    }
    nlohmann::json conv = nlohmann::json::array();
    for (const Convergence& c : convergence_) {
        conv.push_back({{"event", c.event},
                        {"at_s", c.at_s},
                        {"converged_at_s", c.converged_at_s ? nlohmann::json(*c.converged_at_s)
                                                            : nlohmann::json(nullptr)},
                        {"seconds", c.converged_at_s ? nlohmann::json(*c.converged_at_s - c.at_s)
                                                     : nlohmann::json(nullptr)}});
    }
    nlohmann::json statuses = nlohmann::json::object();
    for (const auto& [status, count] : tx_statuses_)
        statuses[std::to_string(status)] = count;
    return {{"scenario", scenario_.name},
            {"seconds", running_ ? elapsed_s() : ran_s_},
            {"genesis", network_.genesis->hash().display_hex()},
            {"converged", converged},
            {"blocks_mined", mined},
            {"nodes", std::move(nodes)},
            {"convergence", std::move(conv)},
            {"transactions", {{"sent", txs_sent_}, {"statuses", std::move(statuses)}}},
            {"warnings", warnings_}};
}

}  // namespace live

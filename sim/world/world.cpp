#include "sim/world/world.h"

#include <algorithm>
#include <cmath>

#include "core/pow.h"
#include "core/wallet.h"
#include "sim/scenario/nodeset.h"

namespace sim {
namespace {

using core::seconds_to_nanos;
// Double spenders' accounts: derived like the workload's (which use indices below 10^6),
// far above them, and funded far beyond what any run spends.
constexpr std::uint64_t kAdversaryAccountBase = 2'000'000;
constexpr std::uint64_t kAdversaryAccountsPerGroup = 100'000;
constexpr std::uint64_t kAdversaryBalance = 1'000'000'000'000;
constexpr std::uint64_t kDoubleSpendAmount = 1'000;

core::Address address_of(const std::string& label) {
    const core::Hash256 id = core::sha256(label);
    core::Address address;
    std::copy_n(id.bytes.begin(), address.bytes.size(), address.bytes.begin());
    return address;
}

}  // namespace

// --- NodeHost: the node's clock and transport ------------------------------------------

core::Nanos NodeHost::now() const {
    return world_.scheduler_.now();
}

core::TimerId NodeHost::after(core::Nanos delay, std::function<void()> fn) {
    const std::uint32_t incarnation_then = incarnation;
    EventId id =
        world_.scheduler_.schedule_after(delay, [this, incarnation_then, fn = std::move(fn)] {
            if (up && incarnation == incarnation_then) fn();
        });
    return core::TimerId{id.tag};
}

void NodeHost::cancel(core::TimerId id) {
    (void)world_.scheduler_.cancel(EventId{id.value});
}

void NodeHost::send(core::PeerId to, core::MessagePtr message) {
    world_.send(id_, to, std::move(message));
}

std::span<const core::PeerId> NodeHost::peers() const {
    return world_.relay_peers(id_);  // core::Node asks only when it relays
}

void NodeHost::relay(const core::MessagePtr& message, core::PeerId except) {
    if (world_.network_->fault_free()) {
        world_.relay_fault_free(id_, message, except);
    } else {
        Transport::relay(message, except);  // through peers(), which counts the withheld
    }
}

// --- Construction ------------------------------------------------------------------------

World::World(const Scenario& scenario, RunOptions options)
    : scenario_(scenario),
      options_(std::move(options)),
      recorder_(scenario.network.nodes),
      trace_(options_.record_trace),
      mining_rng_(Rng::stream(options_.seed, "mining")),
      latency_rng_(Rng::stream(options_.seed, "latency")) {}

Expected<std::unique_ptr<World>> World::create(const Scenario& scenario, RunOptions options) {
    std::unique_ptr<World> world(new World(scenario, std::move(options)));
    Status s = world->build();
    if (!s.ok()) return Error{s.error()};
    return world;
}

Status World::build() {
    const int n = scenario_.network.nodes;
    for (std::size_t g = 0; g < scenario_.mining.size(); ++g) {
        const MinerSpec& m = scenario_.mining[g];
        if (m.strategy == MinerStrategy::kHonest) continue;
        if (scenario_.consensus.retarget_window != 0) {
            return Error{"mining." + std::to_string(g) + ".strategy: " +
                         std::string(strategy_name(m.strategy)) +
                         " needs a fixed difficulty (remove consensus.retarget); its rules count "
                         "blocks, not work"};
        }
        if (m.strategy == MinerStrategy::kDoubleSpend && merchant_ < 0) {
            std::vector<bool> adversary(static_cast<std::size_t>(n), false);
            for (const MinerSpec& other : scenario_.mining) {
                if (other.strategy == MinerStrategy::kHonest) continue;
                for (int node : other.nodes)
                    adversary[static_cast<std::size_t>(node)] = true;
            }
            for (int i = 0; i < n && merchant_ < 0; ++i) {
                if (!adversary[static_cast<std::size_t>(i)]) merchant_ = i;
            }
            if (merchant_ < 0) {
                return Error{"mining." + std::to_string(g) +
                             ": a double spender needs an honest node as its merchant; every node "
                             "is an adversary"};
            }
        }
    }

    // Consensus, with the workload's and the double spenders' accounts funded in the genesis
    // block.
    params_ = consensus_params(scenario_.consensus);
    if (scenario_.workload) {
        workload_ = std::make_unique<Workload>(*scenario_.workload, options_.seed);
        params_.allocations = workload_->allocations();
    }
    for (std::size_t g = 0; g < scenario_.mining.size(); ++g) {
        if (scenario_.mining[g].strategy != MinerStrategy::kDoubleSpend) continue;
        for (std::size_t k = 0; k < scenario_.mining[g].nodes.size(); ++k) {
            const core::PrivateKey key = core::derive_account_key(
                options_.seed, kAdversaryAccountBase + g * kAdversaryAccountsPerGroup + k);
            params_.allocations.push_back({key.public_key().address(), kAdversaryBalance});
        }
    }
    genesis_ = core::make_genesis(params_);

    // The graph, its latencies, and the network.
    Rng topology_rng = Rng::stream(options_.seed, "topology");
    Expected<Topology> topology =
        build_topology(scenario_.network.topology, n, topology_rng);
    if (!topology) return Error{"network.topology: " + topology.error()};
    if (!topology->connected()) {
        warnings_.push_back("the network graph is disconnected (" +
                            std::to_string(topology->component_count()) +
                            " components): some nodes can never hear of others' blocks");
    }
    // A cut or restore must name a link of this graph (for random kinds that depends on
    // the seed), or the event would silently do nothing.
    for (std::size_t i = 0; i < scenario_.events.size(); ++i) {
        const EventSpec& e = scenario_.events[i];
        if ((e.kind == EventKind::kCut || e.kind == EventKind::kRestore) &&
            !topology->has_link(e.a, e.b)) {
            return Error{"events." + std::to_string(i) + "." + std::string(event_name(e.kind)) +
                         ": nodes " + std::to_string(e.a) + " and " + std::to_string(e.b) +
                         " are not linked in this network (" +
                         std::string(topology_name(scenario_.network.topology.kind)) + ", seed " +
                         std::to_string(options_.seed) + ")"};
        }
    }
    Status s =
        assign_latencies(*topology, scenario_.network.latency, latency_rng_);
    if (!s.ok()) return Error{"network.latency: " + s.error()};
    LinkParams link_params;
    link_params.bandwidth_bps = scenario_.network.bandwidth_bps;
    link_params.loss = scenario_.network.loss;
    if (const NodeBandwidthSpec& nb = scenario_.network.node_bandwidth; nb.limited()) {
        const LatencySpec& latency = scenario_.network.latency;
        const int regions = latency.kind == LatencySpec::Kind::kRegions
                                ? static_cast<int>(latency.regions.names.size())
                                : 0;
        for (const NodeRateSpec* spec : {&nb.upload, &nb.download}) {
            if (Status status = validate(*spec, regions); !status) {
                return Error{"network.bandwidth: " + status.error()};
            }
        }
        // Its own stream, so per-node bandwidth leaves every other draw where it was.
        Rng bandwidth_rng = Rng::stream(options_.seed, "bandwidth");
        link_params.upload_bps =
            sample_node_rates(nb.upload, n, latency.regions.node_region, bandwidth_rng);
        link_params.download_bps =
            sample_node_rates(nb.download, n, latency.regions.node_region, bandwidth_rng);
    }
    network_ = std::make_unique<Network>(scheduler_, std::move(*topology), link_params,
                                         Rng::stream(options_.seed, "loss"));
    network_->on_link_change([this](int a, int b, bool up) { on_link_change(a, b, up); });

    // Nodes.
    core::NodeConfig config;
    switch (scenario_.network.relay) {
        case Relay::kAnnounce:
            config.relay = core::RelayMode::kAnnounce;
            break;
        case Relay::kPush:
            config.relay = core::RelayMode::kPush;
            break;
        case Relay::kCompact:
            config.relay = core::RelayMode::kCompact;
            break;
    }
    config.compact.block_size = scenario_.network.block_size_bytes;
    config.compact.padding_tx_bytes = scenario_.network.compact.padding_tx_bytes;
    config.compact.miss_rate = scenario_.network.compact.miss_rate;
    config.compact.high_bandwidth_peers = scenario_.network.compact.high_bandwidth_peers;
    config.block_request_timeout = scenario_.network.block_request_timeout;
    config.unix_time_at_zero = params_.genesis_time;
    config.chain.shared_validation = options_.shared_validation;
    // One block tree for all nodes: each keeps a few bytes per block instead of its own
    // copy of the tree. Off with the rest of the sharing.
    if (options_.shared_validation) config.chain.tree = std::make_shared<core::BlockTree>(genesis_);
    config.mempool.shared_validation = options_.shared_validation;
    if (scenario_.consensus.tie_break == TieBreak::kRandom) {
        config.chain.tie_break = core::TieBreak::kRandom;
    }
    for (int i = 0; i < n; ++i) {
        auto host = std::make_unique<NodeHost>(*this, i);
        // Each node's own coin for equal-work tips.
        if (config.chain.tie_break == core::TieBreak::kRandom) {
            config.chain.tie_seed =
                Rng::stream(options_.seed, "ties/" + std::to_string(i)).next_u64();
        }
        // Each node's coinbases pay an address derived from its index.
        const core::Hash256 miner_id = core::sha256("chainsim/miner/" + std::to_string(i));
        std::copy_n(miner_id.bytes.begin(), config.miner_address.bytes.size(),
                    config.miner_address.bytes.begin());
        host->node.emplace(i, params_, genesis_, config, *host, *host,
                           static_cast<core::NodeObserver*>(this));
        host->tip = genesis_->hash();
        hosts_.push_back(std::move(host));
    }
    tip_counts_[genesis_->hash()] = n;
    up_count_ = n;

    // Miners: the calibrated network hashrate makes block_interval hold at the initial
    // difficulty (genesis' bits); a retarget then moves the difficulty with the hashrate.
    const double expected_hashes = core::block_work(params_.initial_bits()).to_double();
    total_hashrate_ = expected_hashes / core::to_seconds(scenario_.consensus.block_interval);
    for (std::size_t g = 0; g < scenario_.mining.size(); ++g) {
        const MinerSpec& m = scenario_.mining[g];
        for (int node : m.nodes) {
            hosts_[node]->hashrate = total_hashrate_ * m.share / m.nodes.size();
            hosts_[node]->miner_group = static_cast<int>(g);
            record_hashrate(*hosts_[node]);
        }
    }
    return build_adversaries();
}

Status World::build_adversaries() {
    for (std::size_t g = 0; g < scenario_.mining.size(); ++g) {
        const MinerSpec& m = scenario_.mining[g];
        if (m.strategy == MinerStrategy::kHonest) continue;
        for (std::size_t k = 0; k < m.nodes.size(); ++k) {
            NodeHost& host = *hosts_[static_cast<std::size_t>(m.nodes[k])];
            AdversaryContext context;
            context.node = &*host.node;
            context.recorder = &recorder_;
            context.now = [this] { return scheduler_.now(); };
            context.found = [this, &host](const core::BlockRef& block) {
                recorder_.block_found(scheduler_.now(), host.id_, block);
                trace(TraceKind::kBlockFound, host.id_, -1, 0, block->hash());
            };
            context.group = static_cast<int>(g);
            if (m.strategy == MinerStrategy::kDoubleSpend) {
                DoubleSpendAccounts accounts{
                    core::derive_account_key(options_.seed, kAdversaryAccountBase +
                                                                g * kAdversaryAccountsPerGroup + k),
                    address_of("chainsim/merchant/" + std::to_string(g)),
                    address_of("chainsim/double-spend/" + std::to_string(g) + "/" +
                               std::to_string(k)),
                    kDoubleSpendAmount};
                host.adversary = make_double_spender(m, std::move(context), std::move(accounts));
            } else {
                host.adversary = make_withholding_miner(m, std::move(context));
            }
        }
    }
    return Status::success();
}

void World::record_hashrate(const NodeHost& host) {
    if (host.miner_group < 0) return;
    recorder_.hashrate(scheduler_.now(), host.id_, host.up ? host.hashrate : 0.0);
}

// --- Running -------------------------------------------------------------------------------

RunResult World::run() {
    for (auto& host : hosts_) {
        if (host->adversary) host->adversary->begin();
    }
    for (auto& host : hosts_)
        schedule_find(*host);
    if (scenario_.workload && scenario_.workload->tx_rate > 0) schedule_tx();
    for (std::size_t i = 0; i < scenario_.events.size(); ++i) {
        scheduler_.schedule_at(scenario_.events[i].at, [this, i] { apply_event(i); });
    }
    scheduler_.schedule_at(0, [this] { sample_tips(); });

    const core::Nanos end = scenario_.duration > 0 ? scenario_.duration : -1;
    const core::Nanos slice = std::max<core::Nanos>(
        core::kMillisecond, end > 0 ? end / 200 : scenario_.consensus.block_interval);
    bool stopped = false;
    while (!stopped) {
        const core::Nanos next =
            end > 0 ? std::min(end, core::add_saturating(scheduler_.now(), slice))
                    : core::add_saturating(scheduler_.now(), slice);
        const std::uint64_t before = scheduler_.executed();
        // In chunks of events, so that a slice holding billions of them (a 1ns block
        // interval) still reports progress and honours a budget.
        constexpr std::uint64_t kChunk = 1 << 14;
        std::uint64_t ran = 0;
        do {
            const std::uint64_t chunk_start = scheduler_.executed();
            scheduler_.run_until(next, chunk_start + kChunk);
            ran = scheduler_.executed() - chunk_start;
            if (options_.progress) options_.progress(scheduler_.now(), end, scheduler_.executed());
            if (options_.over_budget) {
                stopped_ = options_.over_budget(scheduler_.now(), scheduler_.executed());
            }
        } while (stopped_.empty() && !until_reached_ && ran == kChunk);
        if (!stopped_.empty()) break;
        if (end > 0) {
            stopped = scheduler_.now() >= end;
        } else {
            stopped =
                until_reached_ || (scheduler_.pending() == 0 && scheduler_.executed() == before);
        }
    }

    // The final tip: the most-work tip among up nodes (ties: held by more nodes, then lower
    // node index). Adversaries' tips may be private blocks nobody else has: only honest nodes
    // count while there are any up.
    const bool honest_up = std::any_of(hosts_.begin(), hosts_.end(), [](const auto& h) {
        return h->up && !h->adversary;
    });
    const core::BlockIndex* best = nullptr;
    for (const auto& host : hosts_) {
        if (!host->up || (honest_up && host->adversary)) continue;
        const core::BlockIndex* tip = host->node->chain().tip();
        if (best == nullptr || tip->chain_work > best->chain_work ||
            (tip->chain_work == best->chain_work &&
             tip_counts_[tip->hash()] > tip_counts_[best->hash()])) {
            best = tip;
        }
    }
    if (best != nullptr) recorder_.set_final_tip(best->hash());

    RunResult result;
    result.trace_digest = trace_.finish();
    result.events = scheduler_.executed();
    result.trace_events = trace_.count();
    result.sim_time = scheduler_.now();
    result.stopped = stopped_;
    result.trace = trace_.records();
    result.network = network_->counters();
    result.withheld = withheld_;
    result.warnings = warnings_;
    result.blocks_rejected = blocks_rejected_;
    result.compact = compact_;
    return result;
}

void World::trace(TraceKind kind, int a, int b, std::uint32_t detail,
                  const core::Hash256& subject) {
    trace_.add(TraceRecord{scheduler_.now(), kind, a, b, detail, subject});
}

// --- Network ---------------------------------------------------------------------------------

std::uint64_t World::transfer_size(const core::Message& m) const {
    const std::uint64_t size = m.wire_size();
    if (m.kind != core::Message::Kind::kBlock) return size;
    return std::max<std::uint64_t>(size, scenario_.network.block_size_bytes);
}

core::Nanos World::processing_cost(const core::Message& m) const {
    const ProcessingSpec& p = scenario_.network.processing;
    switch (m.kind) {
        case core::Message::Kind::kBlock: {
            // per_kb on the size the block counts as (block_size pads it): per_kb * bytes /
            // 1000 rounded down to the ns, split so that the product cannot overflow.
            const auto bytes = static_cast<core::Nanos>(transfer_size(m));
            const core::Nanos size_cost = p.per_kb * (bytes / 1000) + p.per_kb * (bytes % 1000) / 1000;
            return p.per_block + p.per_tx * static_cast<core::Nanos>(m.block->txs().size() - 1) +
                   size_cost;
        }
        case core::Message::Kind::kTx:
            return p.per_tx;
        case core::Message::Kind::kTxs:
            return p.per_tx * static_cast<core::Nanos>(m.txs.size());
        case core::Message::Kind::kCompactBlock:
            // The block is validated once rebuilt; charged here, on its compact form.
            return p.per_block + p.per_tx * static_cast<core::Nanos>(m.short_ids.size());
        default:
            return 0;
    }
}

std::span<const core::PeerId> World::relay_peers(int node) {
    if (network_->fault_free()) return network_->adjacent(node);
    std::vector<core::PeerId>& usable = relay_scratch_;
    usable.clear();
    for (int neighbour : network_->neighbors(node)) {
        if (network_->link_usable(node, neighbour)) {
            usable.push_back(neighbour);
        } else if (cut_links_.count({std::min(node, neighbour), std::max(node, neighbour)})) {
            ++withheld_.cut;
        } else if (!network_->node_up(neighbour) || !network_->node_up(node)) {
            ++withheld_.node_down;
        } else {
            ++withheld_.partition;
        }
    }
    return usable;
}

// A message's delivery to its receiver's host. prefetch() (the scheduler's hint, a few events
// ahead) starts loading what a delivery reads: the host, the node's hot state and the message.
struct World::Delivery {
    NodeHost* host;
    int from;
    core::MessagePtr message;
    void operator()() { host->world_.deliver(from, *host, std::move(message)); }
    void prefetch(int stage) const noexcept {
        if (stage == 0) {
            __builtin_prefetch(host);
            __builtin_prefetch(message.get());
        }
        host->node->prefetch(stage);  // engaged from build() on; the flag is a cold line
    }
};

void World::send(int from, int to, core::MessagePtr message) {
    const std::uint64_t size = transfer_size(*message);
    network_->send(from, to, size, Delivery{hosts_[to].get(), from, std::move(message)});
}

void World::relay_fault_free(int from, const core::MessagePtr& message, core::PeerId except) {
    network_->prefetch_links(from);
    const std::span<const int> peers = network_->adjacent(from);
    for (int peer : peers)
        __builtin_prefetch(&hosts_[static_cast<std::size_t>(peer)]);
    const std::uint64_t size = transfer_size(*message);
    for (std::uint32_t i = 0; i < peers.size(); ++i) {
        const int peer = peers[i];
        if (peer == except) continue;
        NodeHost* host = hosts_[static_cast<std::size_t>(peer)].get();
        network_->send_adjacent(from, i, size, Delivery{host, from, message});
    }
}

void World::deliver(int from, NodeHost& host, core::MessagePtr message) {
    if (!host.up) return;
    // One message at a time: it waits for the node to finish what it is validating.
    const core::Nanos start = std::max(scheduler_.now(), host.busy_until);
    const core::Nanos done = start + processing_cost(*message);
    host.busy_until = done;
    auto handle = [this, &host, from, message = std::move(message), incarnation = host.incarnation] {
        if (!host.up || host.incarnation != incarnation) return;
        trace(TraceKind::kDeliver, host.id_, from, static_cast<std::uint32_t>(message->kind),
              message->hash);
        host.node->on_message(from, *message);
    };
    if (done == scheduler_.now()) {
        handle();
    } else {
        scheduler_.schedule_at(done, std::move(handle));
    }
}

void World::on_link_change(int a, int b, bool up) {
    if (!up) return;
    // A link that comes back behaves like a new connection: both ends announce their tips.
    if (hosts_[a]->up) hosts_[a]->node->on_peer_connected(b);
    if (hosts_[b]->up) hosts_[b]->node->on_peer_connected(a);
}

// --- Mining ------------------------------------------------------------------------------------

void World::schedule_find(NodeHost& host) {
    (void)scheduler_.cancel(host.next_find);
    host.next_find = EventId{};
    if (!host.up || host.hashrate <= 0) return;
    const core::Chain& chain = host.node->chain();
    host.find_bits = chain.next_bits(chain.tip());
    // Exponential with mean (expected hashes at the current target) / hashrate: memoryless,
    // so a tip change before it fires needs no redraw; a difficulty change does.
    const double expected_hashes = core::block_work(host.find_bits).to_double();
    const double delay_s = mining_rng_.exponential(expected_hashes / host.hashrate);
    host.next_find = scheduler_.schedule_after(std::max<core::Nanos>(1, seconds_to_nanos(delay_s)),
                                               [this, &host] { on_find(host); });
}

void World::on_find(NodeHost& host) {
    host.next_find = EventId{};
    if (host.adversary) {
        host.adversary->mine();  // where and what to publish is the strategy's choice
        schedule_find(host);
        return;
    }
    // The real nonce search at the real target, on the miner's current tip.
    core::BlockRef block = host.node->solve_block();
    recorder_.block_found(scheduler_.now(), host.id_, block);
    trace(TraceKind::kBlockFound, host.id_, -1, 0, block->hash());
    (void)host.node->submit_block(block);
    schedule_find(host);
}

// --- Workload -------------------------------------------------------------------------------

void World::schedule_tx() {
    scheduler_.schedule_after(workload_->next_delay(), [this] { on_tx(); });
}

void World::on_tx() {
    schedule_tx();
    if (up_count_ == 0) return;
    // A random running node receives it.
    auto target = workload_->pick_node(static_cast<std::size_t>(up_count_));
    NodeHost* host = nullptr;
    for (auto& h : hosts_) {
        if (h->up && target-- == 0) {
            host = h.get();
            break;
        }
    }
    const Workload::Submission s = workload_->next(*host->node);
    const core::ValidationResult result = host->node->submit_transaction(s.tx);
    workload_->submitted(s, result);
    recorder_.tx_submitted(scheduler_.now(), host->id_, s.tx, s.intended, result.reason);
}

// --- Faults ---------------------------------------------------------------------------------

void World::apply_event(std::size_t index) {
    const EventSpec& e = scenario_.events[index];
    const std::string description = describe(e);
    recorder_.fault(scheduler_.now(), std::string(event_name(e.kind)), description);
    trace(TraceKind::kFault, static_cast<int>(index), -1, static_cast<std::uint32_t>(e.kind),
          core::Hash256{});
    bool measure = false;
    switch (e.kind) {
        case EventKind::kPartition:
            (void)network_->partition(e.groups);
            break;
        case EventKind::kHeal:
            network_->heal();
            measure = true;
            break;
        case EventKind::kCut:
            if (network_->cut(e.a, e.b).ok())
                cut_links_.insert({std::min(e.a, e.b), std::max(e.a, e.b)});
            break;
        case EventKind::kRestore:
            if (network_->restore(e.a, e.b).ok())
                cut_links_.erase({std::min(e.a, e.b), std::max(e.a, e.b)});
            measure = true;
            break;
        case EventKind::kCrash:
            for (int node : e.nodes)
                set_up(*hosts_[node], false);
            break;
        case EventKind::kRestart:
            for (int node : e.nodes)
                set_up(*hosts_[node], true);
            measure = true;
            break;
        case EventKind::kLatency:
            (void)network_->set_latency(e.latency, latency_rng_);
            break;
        case EventKind::kHashrate:
            for (int node : e.nodes) {
                hosts_[node]->hashrate = total_hashrate_ * e.share / e.nodes.size();
                record_hashrate(*hosts_[node]);
                schedule_find(*hosts_[node]);
            }
            break;
    }
    if (measure) {
        recorder_.convergence_started(scheduler_.now(), description);
        awaiting_convergence_ = true;
        check_convergence();
    }
    if (options_.after_event) options_.after_event(*this, index);
}

void World::set_up(NodeHost& host, bool up) {
    if (host.up == up) return;
    ++host.incarnation;
    if (up) {
        host.up = true;
        host.busy_until = scheduler_.now();
        ++up_count_;
        ++tip_counts_[host.tip];
        (void)network_->set_node_up(host.id_, true);  // links up: tips are exchanged
        record_hashrate(host);
        schedule_find(host);
    } else {
        // The block store survives a crash; the mempool and in-flight work are lost now (so a
        // crashed node never shows a mempool), and nothing reaches the node until it restarts.
        host.node->restart();
        host.up = false;
        (void)scheduler_.cancel(host.next_find);
        host.next_find = EventId{};
        --up_count_;
        if (--tip_counts_[host.tip] == 0) tip_counts_.erase(host.tip);
        (void)network_->set_node_up(host.id_, false);
        record_hashrate(host);
    }
}

void World::set_tip(NodeHost& host, const core::Hash256& tip) {
    if (host.up) {
        if (--tip_counts_[host.tip] == 0) tip_counts_.erase(host.tip);
        ++tip_counts_[tip];
    }
    host.tip = tip;
}

void World::check_convergence() {
    if (!awaiting_convergence_ || up_count_ == 0 || tip_counts_.size() != 1) return;
    recorder_.converged(scheduler_.now());
    awaiting_convergence_ = false;
}

void World::sample_tips() {
    reports::TipSample s;
    s.at = scheduler_.now();
    s.up_nodes = up_count_;
    s.distinct_tips = static_cast<int>(tip_counts_.size());
    int best_count = 0;
    const core::Hash256* best = nullptr;
    for (const auto& [hash, count] : tip_counts_) {
        if (count > best_count) {
            best_count = count;
            best = &hash;
        }
    }
    for (const auto& host : hosts_) {
        if (best != nullptr && host->up && host->tip == *best) {
            s.best_height = host->node->chain().tip()->height;
            break;
        }
    }
    s.agreement = up_count_ == 0 ? 0.0 : static_cast<double>(best_count) / up_count_;
    recorder_.tip_sample(s);
    // Keep sampling while anything else can still happen.
    if (scheduler_.pending() > 0) {
        scheduler_.schedule_after(scenario_.report.sample_every, [this] { sample_tips(); });
    }
}

// --- Observer -------------------------------------------------------------------------------

void World::on_block_accepted(int node, const core::BlockRef& block, core::PeerId from) {
    recorder_.block_accepted(scheduler_.now(), node, block->hash());
    NodeHost& host = *hosts_[static_cast<std::size_t>(node)];
    if (host.adversary && from != core::kLocal) {
        // After the node has finished with the block (the strategy may publish or submit).
        scheduler_.schedule_after(0, [&host, block, incarnation = host.incarnation] {
            if (host.up && host.incarnation == incarnation) host.adversary->on_public_block(block);
        });
    }
}

void World::on_block_rejected(int node, const core::BlockRef& block, core::PeerId from,
                              const core::ValidationResult& why) {
    ++blocks_rejected_;
    trace(TraceKind::kBlockRejected, node, from, static_cast<std::uint32_t>(why.reason),
          block->hash());
}

void World::on_tip_changed(int node, const core::TipChange& change) {
    NodeHost& host = *hosts_[node];
    trace(TraceKind::kTipChanged, node, -1, static_cast<std::uint32_t>(change.reorg_depth()),
          change.new_tip->hash());
    recorder_.tip_changed(scheduler_.now(), node, change);
    set_tip(host, change.new_tip->hash());
    check_convergence();
    if (options_.after_tip_change) options_.after_tip_change(*this, node, change);
    if (node == merchant_) {
        scheduler_.schedule_after(0, [this] {
            for (auto& h : hosts_) {
                if (h->adversary && h->up) h->adversary->on_merchant_tip(hosts_[merchant_]->node->chain());
            }
        });
    }
    // A retarget changes the expected work: redraw this miner's next find.
    if (host.hashrate > 0 && host.node->chain().next_bits(change.new_tip) != host.find_bits) {
        schedule_find(host);
    }
    if (scenario_.until_height > 0 && change.new_tip->height >= scenario_.until_height) {
        until_reached_ = true;
        scheduler_.stop();
    }
}

void World::on_compact_block(int /*node*/, const core::Hash256& /*block*/, std::uint64_t missing,
                             bool whole) {
    if (whole) {
        ++compact_.fetched_whole;
    } else if (missing == 0) {
        ++compact_.received;
        ++compact_.rebuilt_without_round_trip;
    } else {
        ++compact_.received;
        ++compact_.round_trips;
        compact_.missing_txs += missing;
    }
}

void World::on_tx_accepted(int node, const core::TransactionRef& tx, core::PeerId from) {
    trace(TraceKind::kTxAccepted, node, from, 0, tx->txid());
}

void World::on_tx_rejected(int node, const core::TransactionRef& tx, core::PeerId from,
                           const core::ValidationResult& why) {
    trace(TraceKind::kTxRejected, node, from, static_cast<std::uint32_t>(why.reason), tx->txid());
}

}  // namespace sim

#include "sim/world/swarm.h"

#include <cstdio>
#include <map>
#include <set>

#include "sim/world/invariants.h"

namespace sim {
namespace {

// Simulated time for messages: "1234.567s".
std::string sim_time(core::Nanos t) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%.3fs", core::to_seconds(t));
    return buf;
}

// The checks made while the world runs; it calls them through RunOptions' observers.
class RunningChecks {
  public:
    RunningChecks(const SwarmScenario& generated, const SwarmHooks& hooks, SwarmResult& result)
        : generated_(generated), hooks_(hooks), result_(result) {}

    // Before the run: each node's confirmed transactions are genesis'.
    void start(const World& world) {
        supply_ = genesis_supply(*world.node(0).chain().genesis()->block);
        confirmed_.resize(static_cast<std::size_t>(world.node_count()));
        for (auto& txids : confirmed_) {
            for (const auto& tx : world.node(0).chain().genesis()->block->txs())
                txids.insert(tx->txid());
        }
    }

    void after_tip_change(const World& world, int node, const core::TipChange& change) {
        ++result_.tip_changes;
        const core::Chain& chain = world.node(node).chain();
        const std::string where =
            "node " + std::to_string(node) + " at " + sim_time(world.now()) + ": ";
        if (chain.tip() != change.new_tip)
            fail(where + "the tip change names another tip than the chain's");
        std::set<core::Hash256>& txids = confirmed_[static_cast<std::size_t>(node)];
        for (const auto& block : change.disconnected) {
            for (const auto& tx : block->txs())
                txids.erase(tx->txid());
        }
        for (const auto& block : change.connected) {
            for (const auto& tx : block->txs()) {
                if (!txids.insert(tx->txid()).second) {
                    fail(where + "transaction " + tx->txid().display_hex() +
                         " confirmed twice on its chain (again in block " +
                         block->hash().display_hex() + ")");
                }
            }
        }
        std::string supply;
        if (hooks_.corrupt_state) {
            core::LedgerState copy = chain.state();
            hooks_.corrupt_state(node, world.now(), copy);
            supply = check_supply(copy, chain.height(), world.params(), supply_);
        } else {
            supply = check_supply(chain.state(), chain.height(), world.params(), supply_);
        }
        if (!supply.empty()) fail(where + supply);
        check_converged(world);
    }

    void after_event(const World& world, std::size_t /*event*/) { check_converged(world); }

  private:
    // From the final heal on: the first moment every node is up on one tip, where their
    // ledgers must be identical.
    void check_converged(const World& world) {
        if (result_.converged_after || world.now() < generated_.heal_at) return;
        const core::Chain& first = world.node(0).chain();
        for (int i = 0; i < world.node_count(); ++i) {
            if (!world.node_up(i) || world.node(i).chain().tip() != first.tip()) return;
        }
        result_.converged_after = world.now() - generated_.heal_at;
        const core::Hash256 digest = first.state().digest();
        for (int i = 1; i < world.node_count(); ++i) {
            if (world.node(i).chain().state().digest() != digest) {
                fail("at " + sim_time(world.now()) + " every node holds tip " +
                     first.tip()->hash().display_hex() + ", but node " + std::to_string(i) +
                     "'s ledger differs from node 0's");
            }
        }
    }

    void fail(std::string message) {
        if (++failures_ <= kMaxFailures) result_.failures.push_back(std::move(message));
    }

    static constexpr int kMaxFailures = 5;  // a broken invariant tends to break at every block
    const SwarmScenario& generated_;
    const SwarmHooks& hooks_;
    SwarmResult& result_;
    unsigned __int128 supply_ = 0;
    std::vector<std::set<core::Hash256>> confirmed_;  // per node: txids on its active chain
    int failures_ = 0;
};

// The checks on the world as the run left it.
void check_end(const World& world, const RunResult& run, const SwarmScenario& generated,
               SwarmResult& result) {
    auto fail = [&](std::string message) { result.failures.push_back(std::move(message)); };
    if (!run.stopped.empty()) fail("the run stopped early: " + run.stopped);
    for (int i = 0; i < world.node_count(); ++i) {
        if (!world.node_up(i))
            fail("node " + std::to_string(i) + " is still down after the final heal");
    }
    if (!result.converged_after) {
        fail("the nodes never agreed on one tip within " + sim_time(generated.convergence_bound) +
             " of the final heal at " + sim_time(generated.heal_at));
    }
    if (run.blocks_rejected > 0) {
        fail(std::to_string(run.blocks_rejected) +
             " block rejection(s), though every miner is honest");
    }
    for (const auto& tx : world.recorder().txs()) {
        if (tx.intended != core::Reject::kNone && tx.rejected == core::Reject::kNone) {
            fail("transaction " + tx.tx->txid().display_hex() + ", sent bad on purpose (" +
                 std::string(core::reject_name(tx.intended)) + "), was accepted by node " +
                 std::to_string(tx.node));
        }
    }
    // Every distinct tip's chain once: nodes on the same tip hold the same chain.
    const unsigned __int128 supply = genesis_supply(*world.node(0).chain().genesis()->block);
    std::map<core::Hash256, int> tips;
    for (int i = 0; i < world.node_count(); ++i)
        tips.emplace(world.node(i).chain().tip()->hash(), i);
    for (const auto& [hash, node] : tips) {
        const core::Chain& chain = world.node(node).chain();
        const std::vector<core::BlockRef> blocks = active_blocks(chain);
        const std::string where = "node " + std::to_string(node) + " (tip " + hash.display_hex() +
                                  ", height " + std::to_string(chain.height()) + "): ";
        for (const std::string& problem :
             {revalidate_chain(world.params(), blocks, chain.state()), check_unique_txs(blocks),
              check_supply(chain.state(), chain.height(), world.params(), supply)}) {
            if (!problem.empty()) fail(where + problem);
        }
    }
    result.height = world.node(0).chain().height();
}

}  // namespace

SwarmResult run_swarm_seed(std::uint64_t seed, const SwarmHooks& hooks) {
    SwarmResult result;
    result.seed = seed;
    result.generated = generate_swarm_scenario(seed);
    const SwarmScenario& generated = result.generated;
    ScenarioLoad load =
        parse_scenario_text(generated.yaml, "swarm-" + std::to_string(seed) + ".yaml");
    if (!load.ok()) {
        result.failures.push_back("the generated scenario does not load:\n" + load.error_text());
        return result;
    }
    Scenario scenario = std::move(*load.scenario);
    if (hooks.edit_scenario) hooks.edit_scenario(scenario);

    RunningChecks checks(generated, hooks, result);
    RunOptions options;
    options.seed = scenario.seed;
    options.after_tip_change = [&checks](const World& world, int node, const core::TipChange& c) {
        checks.after_tip_change(world, node, c);
    };
    options.after_event = [&checks](const World& world, std::size_t event) {
        checks.after_event(world, event);
    };
    Expected<std::unique_ptr<World>> world = World::create(scenario, options);
    if (!world) {
        result.failures.push_back("the generated scenario cannot be built: " + world.error());
        return result;
    }
    checks.start(**world);
    const RunResult run = (*world)->run();
    result.digest = run.trace_digest;
    check_end(**world, run, generated, result);

    // The same seed again, without the observers: the digest must not move. Every fourth seed
    // (seed % 4 == 1) reruns with every node checking everything itself, which must not move
    // it either (that rerun costs about twice the first).
    RunOptions again;
    again.seed = scenario.seed;
    again.shared_validation = seed % 4 != 1;
    if (hooks.edit_rerun) hooks.edit_rerun(again);
    Expected<std::unique_ptr<World>> rerun = World::create(scenario, again);
    if (!rerun) {
        result.failures.push_back("the rerun cannot be built: " + rerun.error());
        return result;
    }
    const std::string digest = (*rerun)->run().trace_digest;
    if (digest != result.digest) {
        result.failures.push_back(
            "a rerun of the same seed" +
            std::string(again.shared_validation ? "" : " (without shared validation)") +
            " gave trace digest " + digest + ", the first run " + result.digest);
    }
    return result;
}

}  // namespace sim

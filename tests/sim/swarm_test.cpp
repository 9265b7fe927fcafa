// chainsim swarm: the scenario generator (deterministic, valid, covering every feature), the
// invariant checks (each seen failing on injected faults), and a few seeds end to end.
#include <gtest/gtest.h>

#include <limits>
#include <set>
#include <string>

#include "sim/scenario/scenario.h"
#include "sim/scenario/swarm_scenario.h"
#include "sim/world/invariants.h"
#include "sim/world/swarm.h"
#include "sim/world/world.h"

namespace sim {
namespace {

bool mentions(const SwarmResult& r, const std::string& part) {
    for (const std::string& f : r.failures) {
        if (f.find(part) != std::string::npos) return true;
    }
    return false;
}

std::string failures(const SwarmResult& r) {
    std::string text;
    for (const std::string& f : r.failures)
        text += f + "\n";
    return text;
}

Scenario load(const SwarmScenario& generated) {
    ScenarioLoad load = parse_scenario_text(generated.yaml, "generated.yaml");
    EXPECT_TRUE(load.ok()) << "seed " << generated.seed << ":\n"
                           << load.error_text() << generated.yaml;
    return load.ok() ? *load.scenario : Scenario{};
}

TEST(SwarmGenerator, SameSeedSameScenarioOtherSeedAnother) {
    for (std::uint64_t seed : {1ull, 2ull, 77ull, 123456789ull}) {
        EXPECT_EQ(generate_swarm_scenario(seed).yaml, generate_swarm_scenario(seed).yaml);
    }
    std::set<std::string> distinct;
    for (std::uint64_t seed = 1; seed <= 50; ++seed)
        distinct.insert(generate_swarm_scenario(seed).yaml);
    EXPECT_EQ(distinct.size(), 50u);
}

// Every generated file loads, builds (cuts name links of the seed's graph), ends with the
// final heal at heal_at, and lasts heal_at + convergence_bound; re-reading the reader's own
// emission of it gives the same scenario.
TEST(SwarmGenerator, EveryScenarioLoadsBuildsAndRoundTrips) {
    for (std::uint64_t seed = 1; seed <= 300; ++seed) {
        SCOPED_TRACE("seed " + std::to_string(seed));
        const SwarmScenario g = generate_swarm_scenario(seed);
        const Scenario s = load(g);
        if (HasFatalFailure() || s.name.empty()) return;
        EXPECT_EQ(s.seed, seed);
        EXPECT_EQ(s.network.nodes, g.nodes);
        EXPECT_EQ(s.duration, g.heal_at + g.convergence_bound);
        ASSERT_FALSE(s.events.empty());
        EXPECT_EQ(s.events.back().at, g.heal_at);
        bool healed = false;
        for (const EventSpec& e : s.events) {
            EXPECT_LE(e.at, g.heal_at);
            if (e.at == g.heal_at && e.kind == EventKind::kHeal) healed = true;
        }
        EXPECT_TRUE(healed);

        RunOptions options;
        options.seed = s.seed;
        Expected<std::unique_ptr<World>> world = World::create(s, options);
        ASSERT_TRUE(world) << world.error() << "\n" << g.yaml;
        EXPECT_TRUE((*world)->warnings().empty()) << (*world)->warnings().front();

        ScenarioLoad again = parse_scenario_text(s.effective_yaml, "effective.yaml");
        ASSERT_TRUE(again.ok()) << again.error_text();
        EXPECT_EQ(again.scenario->events.size(), s.events.size());
        EXPECT_EQ(again.scenario->effective_yaml, s.effective_yaml);
    }
}

// Across 300 seeds every topology kind, latency model, relay and fault kind shows up, as do
// uneven hashrates, invalid transactions, retargeting and runs without a workload.
TEST(SwarmGenerator, EveryFeatureIsExercisedAcrossSeeds) {
    std::set<TopologyKind> topologies;
    std::set<std::string> latencies;
    std::set<Relay> relays;
    std::set<EventKind> fault_kinds;
    int uneven = 0, invalid = 0, retarget = 0, no_workload = 0, default_mining = 0, loss = 0;
    int all_crashed = 0;
    for (std::uint64_t seed = 1; seed <= 300; ++seed) {
        const SwarmScenario g = generate_swarm_scenario(seed);
        const Scenario s = load(g);
        if (s.name.empty()) return;
        topologies.insert(s.network.topology.kind);
        latencies.insert(g.features.latency);
        relays.insert(s.network.relay);
        for (const EventSpec& e : s.events) {
            if (e.at < g.heal_at) fault_kinds.insert(e.kind);
            if (e.kind == EventKind::kCrash && static_cast<int>(e.nodes.size()) == s.network.nodes)
                ++all_crashed;
        }
        // The features the generator reports agree with the file as read.
        int partitions = 0, cuts = 0, crashes = 0, restarts = 0, spikes = 0, shifts = 0;
        for (const EventSpec& e : s.events) {
            if (e.at == g.heal_at) continue;
            partitions += e.kind == EventKind::kPartition;
            cuts += e.kind == EventKind::kCut;
            crashes += e.kind == EventKind::kCrash;
            restarts += e.kind == EventKind::kRestart;
            spikes += e.kind == EventKind::kLatency;
            shifts += e.kind == EventKind::kHashrate;
        }
        EXPECT_EQ(partitions, g.features.partitions) << seed;
        EXPECT_EQ(cuts, g.features.cuts) << seed;
        EXPECT_EQ(crashes, g.features.crashes) << seed;
        EXPECT_EQ(restarts, g.features.restarts) << seed;
        EXPECT_EQ(shifts, g.features.hashrate_shifts) << seed;
        EXPECT_GE(spikes, g.features.latency_spikes) << seed;  // a spike's end is a latency too
        bool shares_differ = s.mining.size() > 1;
        int miners = 0;
        for (const MinerSpec& m : s.mining)
            miners += static_cast<int>(m.nodes.size());
        shares_differ = shares_differ || miners < s.network.nodes;
        EXPECT_EQ(shares_differ, g.features.uneven_shares) << seed;
        uneven += shares_differ;
        invalid += s.workload && s.workload->invalid_fraction > 0;
        EXPECT_EQ(s.workload && s.workload->invalid_fraction > 0, g.features.invalid_txs) << seed;
        retarget += s.consensus.retarget_window > 0;
        no_workload += !s.workload;
        default_mining += s.mining_defaulted;
        loss += s.network.loss > 0;
    }
    EXPECT_EQ(topologies.size(), 11u);
    EXPECT_EQ(latencies, (std::set<std::string>{"constant", "uniform", "normal", "lognormal",
                                                "pareto", "regions"}));
    EXPECT_EQ(relays.size(), 3u);
    EXPECT_EQ(fault_kinds,
              (std::set<EventKind>{EventKind::kPartition, EventKind::kHeal, EventKind::kCut,
                                   EventKind::kRestore, EventKind::kCrash, EventKind::kRestart,
                                   EventKind::kLatency, EventKind::kHashrate}));
    EXPECT_GT(uneven, 100);
    EXPECT_GT(invalid, 100);
    EXPECT_GT(retarget, 20);
    EXPECT_GT(no_workload, 10);
    EXPECT_GT(default_mining, 10);
    EXPECT_GT(loss, 10);
    EXPECT_GT(all_crashed, 0);
}

// --- The invariant checks, on a real chain --------------------------------------------------

class InvariantTest : public ::testing::Test {
  protected:
    void SetUp() override {
        ScenarioLoad load = parse_scenario_text(R"(
name: invariants
duration: 30m
consensus: {block_interval: 1m, pow_bits: 8}
network: {nodes: 3, topology: full}
workload: {accounts: 5, tx_rate: 1/s, invalid_fraction: 0.2}
)",
                                                "invariants.yaml");
        ASSERT_TRUE(load.ok()) << load.error_text();
        RunOptions options;
        options.seed = 3;
        auto created = World::create(*load.scenario, options);
        ASSERT_TRUE(created);
        world = std::move(*created);
        world->run();
        blocks = active_blocks(world->node(0).chain());
        ASSERT_GT(blocks.size(), 10u);
        ASSERT_GT(blocks.back()->txs().size() + blocks[blocks.size() - 2]->txs().size(), 2u);
    }
    const core::Chain& chain() const { return world->node(0).chain(); }
    unsigned __int128 supply() const { return genesis_supply(*blocks.front()); }

    std::unique_ptr<World> world;
    std::vector<core::BlockRef> blocks;
};

TEST_F(InvariantTest, AnHonestChainPassesEveryCheck) {
    EXPECT_EQ(check_supply(chain().state(), chain().height(), world->params(), supply()), "");
    EXPECT_EQ(check_unique_txs(blocks), "");
    EXPECT_EQ(revalidate_chain(world->params(), blocks, chain().state()), "");
}

TEST_F(InvariantTest, OneCoinTooManyBreaksTheSupply) {
    core::LedgerState state = chain().state();
    auto [address, account] = state.sorted_accounts().front();
    ++account.balance;
    state.set(address, account);
    EXPECT_NE(
        check_supply(state, chain().height(), world->params(), supply()).find("balances sum to"),
        std::string::npos);
    // The wrong height is caught too: one block reward missing.
    EXPECT_NE(check_supply(chain().state(), chain().height() + 1, world->params(), supply()), "");
    // And a replay of the chain disagrees with the tampered ledger.
    EXPECT_NE(revalidate_chain(world->params(), blocks, state).find("differs from a replay"),
              std::string::npos);
}

TEST_F(InvariantTest, ABalanceBelowZeroIsCaught) {
    core::LedgerState state = chain().state();
    auto [address, account] = state.sorted_accounts().front();
    account.balance = std::numeric_limits<std::uint64_t>::max() - 2;  // -3, wrapped
    state.set(address, account);
    EXPECT_NE(check_supply(state, chain().height(), world->params(), supply()).find("below zero"),
              std::string::npos);
}

TEST_F(InvariantTest, ATransactionTwiceIsCaught) {
    std::vector<core::BlockRef> twice = blocks;
    twice.push_back(blocks.back());
    EXPECT_NE(check_unique_txs(twice).find("confirmed twice"), std::string::npos);
}

TEST_F(InvariantTest, ReValidationRefusesBlocksOutOfPlace) {
    std::vector<core::BlockRef> swapped = blocks;
    std::swap(swapped[1], swapped[2]);
    EXPECT_NE(revalidate_chain(world->params(), swapped, chain().state()).find("height 1"),
              std::string::npos);
    std::vector<core::BlockRef> other_genesis = blocks;
    other_genesis[0] = blocks[1];
    EXPECT_NE(revalidate_chain(world->params(), other_genesis, chain().state()).find("genesis"),
              std::string::npos);
}

// A block whose transaction's signature was forged passes the run's shared caches but not a
// re-validation from scratch.
TEST_F(InvariantTest, ReValidationChecksEverySignatureAgain) {
    std::size_t h = blocks.size() - 1;
    while (h > 0 && blocks[h]->txs().size() < 2)
        --h;
    ASSERT_GT(h, 0u);
    const core::Block& block = *blocks[h];
    std::vector<core::TransactionRef> txs = block.txs();
    const core::Transaction& tx = *txs[1];
    core::Signature bad = tx.signature();
    bad.bytes[5] ^= 1;
    txs[1] = core::Transaction::transfer(*tx.sender(), tx.recipient(), tx.amount(), tx.fee(),
                                         tx.nonce(), bad);
    std::vector<core::BlockRef> forged(blocks.begin(), blocks.begin() + static_cast<long>(h));
    forged.push_back(core::Block::make(block.header(), txs));  // same merkle root: txid
                                                               // excludes the signature
    const std::string problem = revalidate_chain(world->params(), forged, chain().state());
    EXPECT_NE(problem.find("fails re-validation"), std::string::npos) << problem;
}

// --- Whole seeds ----------------------------------------------------------------------------

TEST(Swarm, AFewSeedsPassAndAreDeterministic) {
    for (std::uint64_t seed = 1; seed <= 4; ++seed) {
        const SwarmResult r = run_swarm_seed(seed);
        EXPECT_TRUE(r.passed()) << "seed " << seed << ":\n" << failures(r) << r.generated.yaml;
        EXPECT_GT(r.tip_changes, 0u);
        EXPECT_TRUE(r.converged_after.has_value());
        EXPECT_EQ(run_swarm_seed(seed).digest, r.digest);
    }
}

TEST(Swarm, ACorruptedLedgerIsCaughtDuringTheRun) {
    SwarmHooks hooks;
    hooks.corrupt_state = [](int node, core::Nanos, core::LedgerState& state) {
        if (node != 1 || state.size() == 0) return;
        auto [address, account] = state.sorted_accounts().back();
        account.balance += 7;
        state.set(address, account);
    };
    const SwarmResult r = run_swarm_seed(2, hooks);
    EXPECT_FALSE(r.passed());
    EXPECT_TRUE(mentions(r, "node 1 at ")) << failures(r);
    EXPECT_TRUE(mentions(r, "balances sum to")) << failures(r);
    EXPECT_LE(r.failures.size(), 5u);  // reported a few times, not at every block
}

TEST(Swarm, ANodeLeftDownIsCaught) {
    SwarmHooks hooks;
    hooks.edit_scenario = [](Scenario& s) {
        EventSpec crash;
        crash.at = s.events.back().at + core::kMillisecond;
        crash.kind = EventKind::kCrash;
        crash.nodes = {0};
        s.events.push_back(crash);
    };
    const SwarmResult r = run_swarm_seed(3, hooks);
    EXPECT_TRUE(mentions(r, "node 0 is still down")) << failures(r);
}

TEST(Swarm, APartitionThatNeverHealsIsCaught) {
    SwarmHooks hooks;
    hooks.edit_scenario = [](Scenario& s) {
        // Instead of the generated timeline: node 0 cut off from the start, mining alone at
        // the whole initial hashrate, and no heal.
        EventSpec split;
        split.kind = EventKind::kPartition;
        split.groups = {{0}, {}};
        for (int i = 1; i < s.network.nodes; ++i)
            split.groups[1].push_back(i);
        EventSpec mine;
        mine.kind = EventKind::kHashrate;
        mine.nodes = {0};
        mine.share = 1;
        s.events = {split, mine};
    };
    const SwarmResult r = run_swarm_seed(5, hooks);
    EXPECT_TRUE(mentions(r, "never agreed on one tip")) << failures(r);
}

TEST(Swarm, ADigestThatMovesOnARerunIsCaught) {
    SwarmHooks hooks;
    hooks.edit_rerun = [](RunOptions& options) { ++options.seed; };
    const SwarmResult r = run_swarm_seed(4, hooks);
    EXPECT_TRUE(mentions(r, "a rerun of the same seed gave trace digest")) << failures(r);
}

}  // namespace
}  // namespace sim

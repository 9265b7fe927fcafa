// Adversarial miners on the real node code against the published analyses
// (docs/adversaries.md). Every reference value is derived in this file: the selfish-mining
// closed form of Eyal & Sirer (FC 2014, §4), an independent Monte Carlo of lead-stubborn
// mining (Nayak et al., EuroS&P 2016, §3), and the exact double-spend race under our
// definition (negative binomial, then gambler's ruin with the give-up barrier).
//
// Statistics: figures come from R independent runs (seeds 1..R); the tolerance is 4
// standard errors of their mean (sample standard deviation / sqrt(R)), so a correct
// simulator fails about once in 16000 draws of the seeds (which are fixed). Each test also
// checks it has power: the alternative it must reject (honest revenue, or gamma 0 instead of
// 1/2) lies further away than the tolerance.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <unordered_set>
#include <vector>

#include "reports/metrics.h"
#include "sim/world/runner.h"
#include "world_test_util.h"

namespace sim {
namespace {

using nlohmann::json;

struct Sample {
    double mean = 0;
    double se = 0;  // standard error of the mean
};

Sample sample(const std::vector<double>& xs) {
    Sample s;
    for (double x : xs)
        s.mean += x;
    s.mean /= static_cast<double>(xs.size());
    double ss = 0;
    for (double x : xs)
        ss += (x - s.mean) * (x - s.mean);
    s.se = std::sqrt(ss / static_cast<double>(xs.size() - 1) / static_cast<double>(xs.size()));
    return s;
}

json run_report(const std::string& text, std::uint64_t seed) {
    Scenario scenario = testing::load_ok(text);
    RunConfig config;
    config.seed = seed;
    Expected<RunOutcome> outcome = run_scenario(scenario, config);
    EXPECT_TRUE(outcome.has_value()) << (outcome ? "" : outcome.error());
    return outcome ? outcome->report : json::object();
}

// Eyal & Sirer, FC 2014, §4 (their equation for R_pool), written out here on its own.
double eyal_sirer(double a, double g) {
    return (a * (1 - a) * (1 - a) * (4 * a + g * (1 - 2 * a)) - a * a * a) /
           (1 - a * (1 + (2 - a) * a));
}

// One attacker (node 0) against `honest` honest nodes on a full graph with 1 ms links:
// near-zero latency, so with one honest node and first-seen ties gamma is 0.
std::string withholding_scenario(const std::string& strategy, double alpha, int honest,
                                 const std::string& tie_break, int blocks) {
    return "name: adv\nduration: " + std::to_string(blocks * 10) +
           "m\nconsensus: {block_interval: 10m, pow_bits: 6, tie_break: " + tie_break +
           "}\nnetwork:\n  nodes: " + std::to_string(honest + 1) +
           "\n  topology: {kind: full}\n  latency: {dist: constant, value: 1ms}\n  relay: push\n"
           "mining:\n  - {nodes: \"0\", share: " +
           std::to_string(alpha) + ", " + strategy + "}\n  - {nodes: \"1-" +
           std::to_string(honest) + "\", share: rest}\n";
}

// The attacker's revenue share over `runs` seeds.
Sample attacker_revenue(const std::string& text, int runs) {
    std::vector<double> shares;
    for (int seed = 1; seed <= runs; ++seed) {
        const json report = run_report(text, static_cast<std::uint64_t>(seed));
        EXPECT_EQ(report["attacks"].size(), 1u);
        if (report["attacks"].empty()) return {};
        shares.push_back(report["attacks"][0]["revenue_share"].get<double>());
        EXPECT_EQ(report["blocks_rejected"].get<int>(), 0);
    }
    return sample(shares);
}

constexpr int kRuns = 8;
constexpr int kBlocks = 1500;

TEST(Selfish, AboveOneThirdEarnsEyalSirersRevenueAtGammaZero) {
    const double alpha = 0.4;
    const Sample s = attacker_revenue(
        withholding_scenario("strategy: selfish", alpha, 1, "first-seen", kBlocks), kRuns);
    const double expected = eyal_sirer(alpha, 0);
    EXPECT_NEAR(s.mean, expected, 4 * s.se) << "se " << s.se;
    EXPECT_GT(expected - alpha, 4 * s.se);  // power: honest revenue would fail
    EXPECT_GT(s.mean, alpha);
}

TEST(Selfish, BelowOneThirdEarnsLessThanItsShare) {
    const double alpha = 0.25;
    const Sample s = attacker_revenue(
        withholding_scenario("strategy: selfish", alpha, 1, "first-seen", kBlocks), kRuns);
    const double expected = eyal_sirer(alpha, 0);
    EXPECT_NEAR(s.mean, expected, 4 * s.se) << "se " << s.se;
    EXPECT_GT(alpha - expected, 4 * s.se);
    EXPECT_LT(s.mean, alpha);
}

TEST(Selfish, RandomTiesGiveGammaOneHalf) {
    // Eight honest nodes, each choosing between equal-work tips by its own coin.
    const double alpha = 0.3;
    const Sample s = attacker_revenue(
        withholding_scenario("strategy: selfish", alpha, 8, "random", kBlocks), kRuns);
    const double expected = eyal_sirer(alpha, 0.5);
    EXPECT_NEAR(s.mean, expected, 4 * s.se) << "se " << s.se;
    EXPECT_GT(std::fabs(eyal_sirer(alpha, 0) - expected), 4 * s.se);  // gamma 0 would fail
}

// --- Lead-stubborn mining: an independent Monte Carlo ------------------------------------

// Nayak et al. (EuroS&P 2016) §3, lead-stubborn ("L") at gamma = 0, simulated on block
// counts alone with its own generator: the attacker's private chain `priv` and the public
// chain `pub` above their last common block, `shown` private blocks published. A found
// block is the attacker's with probability alpha. The attacker, ahead, answers each honest
// block by publishing just enough to tie (never overriding); in a tie it wins by publishing
// its next block; behind, it gives up. With gamma = 0 honest miners always extend their own
// branch.
double lead_stubborn_monte_carlo(double alpha, std::uint64_t blocks, std::uint64_t seed) {
    std::uint64_t state = seed;
    auto uniform = [&state] {  // SplitMix64
        std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        z ^= z >> 31;
        return static_cast<double>(z >> 11) / 9007199254740992.0;
    };
    std::uint64_t priv = 0, pub = 0, shown = 0, mine = 0, theirs = 0;
    for (std::uint64_t i = 0; i < blocks; ++i) {
        if (uniform() < alpha) {
            const bool tie = pub > 0 && priv == pub && shown == pub;
            ++priv;
            if (tie) {  // publish everything: the public branch is now ours
                mine += priv;
                priv = pub = shown = 0;
            }
        } else {
            ++pub;
            if (priv < pub) {  // behind: adopt the public chain
                theirs += pub;
                priv = pub = shown = 0;
            } else {
                shown = pub;  // tie the public branch, no more
            }
        }
    }
    return static_cast<double>(mine) / static_cast<double>(mine + theirs);
}

TEST(Stubborn, LeadStubbornMatchesAnIndependentMonteCarlo) {
    const double alpha = 0.35;
    const Sample s = attacker_revenue(
        withholding_scenario("strategy: stubborn, variant: lead", alpha, 1, "first-seen", kBlocks),
        kRuns);
    std::vector<double> reference;
    for (std::uint64_t seed = 1; seed <= 20; ++seed)
        reference.push_back(lead_stubborn_monte_carlo(alpha, 2'000'000, seed));
    const Sample m = sample(reference);
    const double tolerance = 4 * std::sqrt(s.se * s.se + m.se * m.se);
    EXPECT_NEAR(s.mean, m.mean, tolerance) << "sim se " << s.se << ", reference " << m.mean;
    // Power: lead-stubborn must not look like selfish mining at this alpha.
    EXPECT_GT(std::fabs(eyal_sirer(alpha, 0) - m.mean), tolerance);
}

// --- Double spending -----------------------------------------------------------------------

// Our definition (docs/adversaries.md §4), derived here: while the merchant waits for z
// blocks the attacker finds k blocks, negative binomial P(k) = C(k+z-1, k) q^k p^z. Then it
// is z - k behind; k > z publishes at once. Otherwise a random walk (+1 with q) must reach a
// lead of one before falling more than g behind: gambler's ruin on g + 3 positions.
double double_spend_reference(double q, int z, int g) {
    const double p = 1 - q;
    double success = 0, mass = 0;
    for (int k = 0; k <= z; ++k) {
        double binomial = 1;  // C(k+z-1, k)
        for (int i = 1; i <= k; ++i)
            binomial = binomial * (z - 1 + i) / i;
        const double pk = binomial * std::pow(q, k) * std::pow(p, z);
        mass += pk;
        const int behind = z - k;
        if (behind > g) continue;
        const int from = g + 1 - behind, to = g + 2;  // distance from the losing barrier
        const double r = p / q;
        success += pk * (1 - std::pow(r, from)) / (1 - std::pow(r, to));
    }
    return success + (1 - mass);
}

struct DoubleSpendRuns {
    double rate = 0;
    double se = 0;
    std::uint64_t attempts = 0;
};

DoubleSpendRuns run_double_spends(double q, int z, int g, int runs, int blocks) {
    const std::string text =
        "name: ds\nduration: " + std::to_string(blocks * 10) +
        "m\nconsensus: {block_interval: 10m, pow_bits: 6}\nnetwork:\n  nodes: 3\n"
        "  topology: {kind: full}\n  latency: {dist: constant, value: 1ms}\n  relay: push\n"
        "mining:\n  - {nodes: \"0\", share: " +
        std::to_string(q) + ", strategy: double-spend, confirmations: " + std::to_string(z) +
        ", give_up: " + std::to_string(g) + "}\n  - {nodes: \"1-2\", share: rest}\n";
    std::uint64_t attempts = 0, successes = 0;
    for (int seed = 1; seed <= runs; ++seed) {
        const json report = run_report(text, static_cast<std::uint64_t>(seed));
        if (report["attacks"].empty()) return {};
        const json& a = report["attacks"][0];
        attempts += a["attempts"].get<std::uint64_t>();
        successes += a["successes"].get<std::uint64_t>();
        EXPECT_EQ(a["reversed_and_kept"].get<int>(), 0);
        EXPECT_EQ(report["blocks_rejected"].get<int>(), 0);
        // Every resolved attempt either kept the payment or reversed it.
        EXPECT_EQ(a["successes"].get<std::uint64_t>() + a["payments_kept"].get<std::uint64_t>(),
                  a["attempts"].get<std::uint64_t>());
    }
    DoubleSpendRuns r;
    r.attempts = attempts;
    r.rate = static_cast<double>(successes) / static_cast<double>(attempts);
    // Attempts are independent renewals: binomial standard error.
    r.se = std::sqrt(r.rate * (1 - r.rate) / static_cast<double>(attempts));
    return r;
}

TEST(DoubleSpend, SuccessRateMatchesTheExactRace) {
    struct Case {
        double q;
        int z, g;
    };
    for (const Case c : {Case{0.3, 2, 3}, Case{0.25, 1, 2}}) {
        const DoubleSpendRuns r = run_double_spends(c.q, c.z, c.g, 4, 1500);
        const double expected = double_spend_reference(c.q, c.z, c.g);
        const double se = std::sqrt(expected * (1 - expected) / static_cast<double>(r.attempts));
        EXPECT_GT(r.attempts, 200u);
        EXPECT_NEAR(r.rate, expected, 4 * se)
            << "q " << c.q << " z " << c.z << " g " << c.g << ": " << r.attempts << " attempts";
    }
}

TEST(DoubleSpend, NoPaymentIsBothReversedAndKept) {
    // Read the chain itself, not the report: every attempt's two transactions.
    Scenario scenario = testing::load_ok(R"(
name: ds
duration: 100h
consensus: {block_interval: 10m, pow_bits: 6}
network:
  nodes: 3
  topology: {kind: full}
  latency: {dist: constant, value: 1ms}
  relay: push
mining:
  - {nodes: "0", share: 0.35, strategy: double-spend, confirmations: 2, give_up: 3}
  - {nodes: "1-2", share: rest}
)");
    RunOptions options;
    options.seed = 3;
    testing::Ran ran = testing::run_world(scenario, options);
    ASSERT_TRUE(ran.world);
    const reports::Recorder& rec = ran.world->recorder();
    std::unordered_set<core::Hash256> on_main;
    for (const reports::BlockRecord* b : reports::main_chain(rec)) {
        for (const auto& tx : b->block->txs())
            on_main.insert(tx->txid());
    }
    ASSERT_EQ(rec.attacks().size(), 1u);
    std::size_t reversed = 0, kept = 0;
    for (const reports::AttemptRecord& a : rec.attacks()[0].attempts) {
        const bool paid = on_main.count(a.payment) != 0;
        const bool conflict = on_main.count(a.conflict) != 0;
        EXPECT_FALSE(paid && conflict);
        reversed += conflict;
        kept += paid;
    }
    EXPECT_GT(reversed, 0u);
    EXPECT_GT(kept, 0u);
}

// --- Honest miners and determinism ----------------------------------------------------------

TEST(HonestMiners, RevenueShareMatchesTimeWeightedHashrateShare) {
    // Three honest groups; at the middle of the run group 0 drops from 0.5 to 0.1 (the total
    // falls to 0.6). Over the run group 0 computes (0.5 + 0.1) / (1 + 0.6) = 0.375 of all
    // hashes, not its initial 0.5.
    const std::string text = R"(
name: honest
duration: 20000m
consensus: {block_interval: 10m, pow_bits: 6}
network:
  nodes: 6
  topology: {kind: full}
  latency: {dist: constant, value: 1ms}
  relay: push
mining:
  - {nodes: "0-1", share: 0.5}
  - {nodes: "2-3", share: 0.3}
  - {nodes: "4-5", share: 0.2}
events:
  - {at: 10000m, hashrate: {nodes: "0-1", share: 0.1}}
)";
    const double expected[] = {0.6 / 1.6, 0.6 / 1.6, 0.4 / 1.6};
    std::vector<std::vector<double>> revenue(3);
    for (int seed = 1; seed <= 4; ++seed) {
        const json report = run_report(text, static_cast<std::uint64_t>(seed));
        ASSERT_EQ(report["miners"].size(), 3u);
        for (std::size_t g = 0; g < 3; ++g) {
            EXPECT_NEAR(report["miners"][g]["hashrate_share"].get<double>(), expected[g], 1e-9);
            revenue[g].push_back(report["miners"][g]["revenue_share"].get<double>());
        }
        EXPECT_EQ(report["hashrate_timeline"].size(), 2u);
    }
    for (std::size_t g = 0; g < 3; ++g) {
        const Sample s = sample(revenue[g]);
        EXPECT_NEAR(s.mean, expected[g], std::max(4 * s.se, 1e-3)) << "group " << g;
    }
    // Power: the initial share of group 0 would be rejected.
    EXPECT_GT(std::fabs(sample(revenue[0]).mean - 0.5), 4 * sample(revenue[0]).se);
}

TEST(Adversaries, RunsAreDeterministic) {
    const std::string text =
        withholding_scenario("strategy: selfish", 0.35, 4, "random", 200);
    Scenario scenario = testing::load_ok(text);
    RunOptions options;
    options.seed = 9;
    options.record_trace = true;
    testing::Ran a = testing::run_world(scenario, options);
    testing::Ran b = testing::run_world(scenario, options);
    ASSERT_TRUE(a.world && b.world);
    EXPECT_EQ(a.result.trace_digest, b.result.trace_digest);
    EXPECT_FALSE(first_divergence(a.result.trace, b.result.trace).has_value());
    options.seed = 10;
    testing::Ran c = testing::run_world(scenario, options);
    EXPECT_NE(a.result.trace_digest, c.result.trace_digest);
}

TEST(Adversaries, ScenarioFieldsAreChecked) {
    EXPECT_NE(testing::only_error(testing::minimal_plus(R"(
mining:
  - {nodes: "0", share: 0.3, strategy: stubborn}
  - {nodes: "1-9", share: rest}
)")).find("variant"),
              std::string::npos);
    EXPECT_NE(testing::only_error(testing::minimal_plus(R"(
mining:
  - {nodes: "0", share: 0.3, strategy: stubborn, variant: lead, trail: 2}
  - {nodes: "1-9", share: rest}
)")).find("trail only applies"),
              std::string::npos);
    EXPECT_NE(testing::only_error(testing::minimal_plus(R"(
mining:
  - {nodes: "0", share: rest}
  - {nodes: "1-9", share: rest}
)")).find("only one mining entry"),
              std::string::npos);
    const Scenario s = testing::load_ok(testing::minimal_plus(R"(
consensus: {tie_break: random}
mining:
  - {nodes: "0", share: 0.3, strategy: stubborn, variant: trail, trail: 2}
  - {nodes: "1-9", share: rest}
)"));
    ASSERT_EQ(s.mining.size(), 2u);
    EXPECT_EQ(s.consensus.tie_break, TieBreak::kRandom);
    EXPECT_EQ(s.mining[0].variant, StubbornVariant::kTrail);
    EXPECT_EQ(s.mining[0].trail, 2);
    EXPECT_NEAR(s.mining[1].share, 0.7, 1e-12);
}

}  // namespace
}  // namespace sim

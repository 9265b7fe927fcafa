// What the published analyses predict for the adversarial miners of docs/adversaries.md, so
// reports, sweeps and `chainsim theory` can set simulated figures beside them.
//
// Sources:
//  - Selfish mining: Eyal & Sirer, "Majority is not Enough: Bitcoin Mining is Vulnerable"
//    (FC 2014), §4: the pool's relative revenue R(alpha, gamma) (their equation 8) and the
//    profit threshold (1 - gamma) / (3 - 2 gamma) (their Observation 1).
//  - Stubborn mining: Nayak, Kumar, Miller & Shi, "Stubborn Mining" (EuroS&P 2016) give no
//    closed form; withholding_revenue() solves the block race as a Markov reward process
//    (the model of docs/adversaries.md §3, the one the simulated miners follow) numerically,
//    by renewal-reward over the attacker's lead. With the selfish rules it reproduces Eyal &
//    Sirer's closed form (to 1e-9).
//  - Double spend: race_success() is our strict-win race, derived exactly (negative binomial
//    for the attacker's blocks while the merchant waits for z blocks, then gambler's ruin to
//    a strict lead against the give-up barrier); nakamoto_success() is the figure of
//    Nakamoto's whitepaper §11 (Poisson approximation, catching up counts as success).
//
// Pure functions; no I/O, no randomness.
#pragma once

#include <cstdint>
#include <optional>

namespace reports::theory {

// Eyal & Sirer's R(alpha, gamma). REQUIRES: 0 <= alpha < 1, 0 <= gamma <= 1. For alpha >= 1/2
// the formula is outside its derivation (the pool wins everything eventually); it is still
// evaluated.
double selfish_revenue(double alpha, double gamma);
// The smallest alpha for which selfish mining beats honest mining at this gamma.
double selfish_threshold(double gamma);

enum class Withholding { kSelfish, kLead, kEqualFork, kTrail };

struct WithholdingResult {
    double revenue_share = 0;  // the attacker's share of main-chain blocks in the long run
    double unresolved = 0;     // probability mass the truncated solve lost (error bound)
};

// REQUIRES: 0 < alpha < 0.5, 0 <= gamma <= 1, trail >= 1 (used by kTrail only).
WithholdingResult withholding_revenue(Withholding strategy, double alpha, double gamma,
                                      int trail = 1);

// Probability that one double-spend attempt succeeds, as docs/adversaries.md §4 defines it:
// attacker share q, merchant waits z >= 1 blocks, attacker abandons when more than give_up
// blocks behind after the confirmation (nullopt: never). REQUIRES: 0 < q < 1.
double race_success(double q, int z, std::optional<int> give_up);
// Nakamoto (2008) §11: P = 1 - sum_{k=0..z} Poisson(k; z q/p) (1 - (q/p)^(z-k)); 1 if q >= p.
double nakamoto_success(double q, int z);

}  // namespace reports::theory

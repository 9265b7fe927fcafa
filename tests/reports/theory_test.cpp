// reports::theory against closed forms and published figures.
#include <gtest/gtest.h>

#include <cmath>

#include "reports/theory.h"

namespace reports::theory {
namespace {

TEST(Theory, SelfishRevenueAtKnownPoints) {
    // Eyal & Sirer (FC 2014) §4: at the threshold the pool earns exactly its share; the
    // threshold is 1/3 at gamma 0, 1/4 at gamma 1/2, 0 at gamma 1.
    EXPECT_NEAR(selfish_revenue(1.0 / 3, 0), 1.0 / 3, 1e-12);
    EXPECT_NEAR(selfish_threshold(0), 1.0 / 3, 1e-12);
    EXPECT_NEAR(selfish_threshold(0.5), 0.25, 1e-12);
    EXPECT_NEAR(selfish_threshold(1), 0, 1e-12);
    EXPECT_NEAR(selfish_revenue(0.25, 0.5), 0.25, 1e-12);
    // R(0.4, 0) = (0.4 * 0.36 * 1.6 - 0.064) / (1 - 0.4 * 1.64), worked by hand.
    EXPECT_NEAR(selfish_revenue(0.4, 0), 0.1664 / 0.344, 1e-12);
    // Below the threshold the pool loses; above it gains.
    EXPECT_LT(selfish_revenue(0.25, 0), 0.25);
    EXPECT_GT(selfish_revenue(0.4, 0), 0.4);
    // gamma = 1: any alpha > 0 gains.
    EXPECT_GT(selfish_revenue(0.05, 1), 0.05);
}

TEST(Theory, MarkovSolveOfTheSelfishRulesReproducesEyalSirer) {
    for (double alpha : {0.1, 0.25, 1.0 / 3, 0.4, 0.45}) {
        for (double gamma : {0.0, 0.5, 1.0}) {
            const WithholdingResult r = withholding_revenue(Withholding::kSelfish, alpha, gamma);
            EXPECT_NEAR(r.revenue_share, selfish_revenue(alpha, gamma), 1e-6)
                << "alpha " << alpha << " gamma " << gamma;
            EXPECT_LT(r.unresolved, 1e-9);
        }
    }
}

TEST(Theory, StubbornVariantsDepartFromSelfishAsNayakEtAlReport) {
    // Nayak et al. (EuroS&P 2016) report that lead stubbornness pays off over selfish
    // mining at high alpha and gamma and costs at low alpha, gamma 0. (Not their numbers:
    // only the direction, which the model must reproduce.)
    const double sm = selfish_revenue(0.45, 0.5);
    EXPECT_GT(withholding_revenue(Withholding::kLead, 0.45, 0.5).revenue_share, sm);
    EXPECT_LT(withholding_revenue(Withholding::kLead, 0.2, 0).revenue_share,
              selfish_revenue(0.2, 0));
    // Every variant is a withholding strategy: below half the hashrate it never wins all.
    for (Withholding w : {Withholding::kLead, Withholding::kEqualFork, Withholding::kTrail}) {
        const double r = withholding_revenue(w, 0.3, 0.5, 1).revenue_share;
        EXPECT_GT(r, 0.0);
        EXPECT_LT(r, 1.0);
    }
}

TEST(Theory, NakamotoSectionElevenTable) {
    // Nakamoto, "Bitcoin: A Peer-to-Peer Electronic Cash System" (2008), §11's table.
    EXPECT_NEAR(nakamoto_success(0.1, 1), 0.2045873, 1e-7);
    EXPECT_NEAR(nakamoto_success(0.1, 2), 0.0509779, 1e-7);
    EXPECT_NEAR(nakamoto_success(0.1, 5), 0.0009137, 1e-7);
    EXPECT_NEAR(nakamoto_success(0.1, 10), 0.0000012, 1e-7);
    EXPECT_NEAR(nakamoto_success(0.3, 5), 0.1773523, 1e-7);
    EXPECT_NEAR(nakamoto_success(0.3, 10), 0.0416605, 1e-7);
    EXPECT_EQ(nakamoto_success(0.5, 3), 1.0);
}

TEST(Theory, StrictWinRaceAgainstItsClosedForms) {
    // z = 1, no give-up: k attacker blocks before the first honest one, P(k=0) = p,
    // P(k=1) = q p, P(k>=2) = q^2. Ahead (k >= 2) publishes at once; level (k = 1) must gain
    // one block net, (q/p); one behind (k = 0) must gain two, (q/p)^2.
    for (double q : {0.1, 0.25, 0.4}) {
        const double p = 1 - q;
        const double expected = q * q + q * p * (q / p) + p * (q / p) * (q / p);
        EXPECT_NEAR(race_success(q, 1, std::nullopt), expected, 1e-12) << q;
    }
    // Give-up 0 at z = 1: one behind is abandoned at once; level wins only if its next block
    // comes first (gambler's ruin from 1 of 2 gives q): P = q^2 + q p q.
    for (double q : {0.1, 0.3}) {
        const double p = 1 - q;
        EXPECT_NEAR(race_success(q, 1, 0), q * q + q * p * q, 1e-12) << q;
    }
    // A far barrier is no barrier; the strict win is harder than Nakamoto's catching up.
    EXPECT_NEAR(race_success(0.3, 4, 200), race_success(0.3, 4, std::nullopt), 1e-12);
    EXPECT_LT(race_success(0.3, 4, std::nullopt), nakamoto_success(0.3, 4));
    EXPECT_EQ(race_success(0.6, 3, std::nullopt), 1.0);
    // q = 1/2 with a barrier: the fair-coin branch.
    EXPECT_GT(race_success(0.5, 2, 3), 0.0);
    EXPECT_LT(race_success(0.5, 2, 3), 1.0);
}

}  // namespace
}  // namespace reports::theory

// `chainsim theory` through the real binary: JSON on stdout with the closed forms' values,
// exit 2 with one line naming the flag for bad input.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/chainsim_binary.h"

namespace {

using chainsim_test::BinaryRun;
using chainsim_test::run_chainsim;
using chainsim_test::ScratchDir;

nlohmann::json theory(const std::vector<std::string>& args) {
    ScratchDir dir;
    std::vector<std::string> all = {"theory"};
    all.insert(all.end(), args.begin(), args.end());
    const BinaryRun run = run_chainsim(all, dir);
    EXPECT_EQ(run.exit_code, 0) << run.err;
    return nlohmann::json::parse(run.out, nullptr, false);
}

TEST(TheoryCli, SelfishIsEyalSirersClosedForm) {
    // R(0.4, 0) = 0.1664 / 0.344; at gamma 1/2 the threshold is 1/4.
    const nlohmann::json r = theory({"selfish", "--alpha", "0.4"});
    EXPECT_NEAR(r["revenue_share"].get<double>(), 0.1664 / 0.344, 1e-12);
    EXPECT_NEAR(r["threshold"].get<double>(), 1.0 / 3, 1e-12);
    const nlohmann::json h = theory({"selfish", "--alpha", "0.25", "--gamma", "0.5"});
    EXPECT_NEAR(h["revenue_share"].get<double>(), 0.25, 1e-12);
    EXPECT_NEAR(h["threshold"].get<double>(), 0.25, 1e-12);
}

TEST(TheoryCli, DoubleSpendMatchesNakamotosTableAndTheStrictRace) {
    const nlohmann::json r = theory({"double-spend", "--q", "0.3", "--z", "5"});
    EXPECT_NEAR(r["nakamoto_section_11"].get<double>(), 0.1773523, 1e-7);  // Nakamoto §11
    // z = 1 without give-up: q^2 + q^2 + q^2 / p (tests/reports/theory_test.cpp derives it).
    const nlohmann::json z1 = theory({"double-spend", "--q", "0.2", "--z", "1"});
    EXPECT_NEAR(z1["success_probability"].get<double>(), 0.04 + 0.04 + 0.04 / 0.8, 1e-12);
    const nlohmann::json g = theory({"double-spend", "--q", "0.2", "--z", "1", "--give-up", "0"});
    EXPECT_NEAR(g["success_probability"].get<double>(), 0.04 + 0.2 * 0.8 * 0.2, 1e-12);
}

TEST(TheoryCli, StubbornSelfishRulesAgreeAndVariantsDiffer) {
    const nlohmann::json r = theory({"stubborn", "--variant", "lead", "--alpha", "0.3"});
    EXPECT_GT(r["revenue_share"].get<double>(), 0.0);
    EXPECT_LT(r["unresolved_mass"].get<double>(), 1e-9);
    EXPECT_NE(r["revenue_share"].get<double>(), r["selfish_revenue_share"].get<double>());
}

TEST(TheoryCli, BadInputExitsTwoNamingTheFlag) {
    ScratchDir dir;
    for (const std::vector<std::string>& args :
         std::vector<std::vector<std::string>>{{"theory", "selfish", "--alpha", "0.7"},
                                               {"theory", "double-spend", "--q", "0", "--z", "2"},
                                               {"theory", "stubborn", "--variant", "sideways",
                                                "--alpha", "0.3"}}) {
        const BinaryRun run = run_chainsim(args, dir);
        EXPECT_EQ(run.exit_code, 2) << args[1];
        EXPECT_NE(run.err.find("theory"), std::string::npos) << run.err;
    }
}

}  // namespace

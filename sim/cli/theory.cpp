// chainsim theory selfish --alpha A [--gamma G]
// chainsim theory stubborn --variant lead|equal-fork|trail [--trail J] --alpha A [--gamma G]
// chainsim theory double-spend --q Q --z Z [--give-up G]
//
// What the published analyses predict (reports/theory.h, docs/adversaries.md §5), printed
// as JSON. Out-of-range arguments are bad input (exit 2).
#include <cmath>
#include <memory>
#include <optional>
#include <string>

#include "reports/theory.h"
#include "sim/cli/cli.h"

namespace cli {
namespace {

using nlohmann::json;
namespace theory = reports::theory;

struct TheoryArgs {
    double alpha = 0;
    double gamma = 0;
    std::string variant;
    int trail = 1;
    double q = 0;
    int z = 0;
    std::optional<int> give_up;
};

void check_range(const char* name, double value, double lo, double hi, bool lo_open,
                 bool hi_open) {
    const bool ok = std::isfinite(value) && (lo_open ? value > lo : value >= lo) &&
                    (hi_open ? value < hi : value <= hi);
    if (ok) return;
    char buf[160];
    std::snprintf(buf, sizeof buf, "theory: %s must be in %c%g, %g%c (got %g)", name,
                  lo_open ? '(' : '[', lo, hi, hi_open ? ')' : ']', value);
    bad_input(buf);
}

json selfish(const TheoryArgs& a) {
    check_range("--alpha", a.alpha, 0, 0.5, false, true);
    check_range("--gamma", a.gamma, 0, 1, false, false);
    const double r = theory::selfish_revenue(a.alpha, a.gamma);
    return {{"strategy", "selfish"},
            {"alpha", a.alpha},
            {"gamma", a.gamma},
            {"revenue_share", r},
            {"honest_revenue_share", a.alpha},
            {"gain", r - a.alpha},
            {"threshold", theory::selfish_threshold(a.gamma)},
            {"source", "Eyal & Sirer, Majority is not Enough (FC 2014), section 4"}};
}

json stubborn(const TheoryArgs& a) {
    check_range("--alpha", a.alpha, 0, 0.5, true, true);
    check_range("--gamma", a.gamma, 0, 1, false, false);
    theory::Withholding kind;
    if (a.variant == "lead") {
        kind = theory::Withholding::kLead;
    } else if (a.variant == "equal-fork") {
        kind = theory::Withholding::kEqualFork;
    } else if (a.variant == "trail") {
        kind = theory::Withholding::kTrail;
    } else {
        bad_input("theory stubborn: --variant must be lead, equal-fork or trail (got '" +
                  a.variant + "')");
    }
    if (a.trail < 1) bad_input("theory stubborn: --trail must be at least 1");
    const theory::WithholdingResult r = theory::withholding_revenue(kind, a.alpha, a.gamma, a.trail);
    const double selfish_r = theory::selfish_revenue(a.alpha, a.gamma);
    json out = {{"strategy", "stubborn"},
                {"variant", a.variant},
                {"alpha", a.alpha},
                {"gamma", a.gamma},
                {"revenue_share", r.revenue_share},
                {"unresolved_mass", r.unresolved},
                {"selfish_revenue_share", selfish_r},
                {"gain_over_selfish", selfish_r > 0 ? r.revenue_share / selfish_r - 1 : 0.0},
                {"honest_revenue_share", a.alpha},
                {"method",
                 "Markov reward process of docs/adversaries.md section 3, solved numerically"},
                {"source", "Nayak, Kumar, Miller & Shi, Stubborn Mining (EuroS&P 2016)"}};
    if (kind == theory::Withholding::kTrail) out["trail"] = a.trail;
    return out;
}

json double_spend(const TheoryArgs& a) {
    check_range("--q", a.q, 0, 1, true, true);
    if (a.z < 1) bad_input("theory double-spend: --z must be at least 1");
    if (a.give_up && *a.give_up < 0) bad_input("theory double-spend: --give-up must be >= 0");
    return {{"strategy", "double-spend"},
            {"q", a.q},
            {"z", a.z},
            {"give_up", a.give_up ? json(*a.give_up) : json(nullptr)},
            {"success_probability", theory::race_success(a.q, a.z, a.give_up)},
            {"nakamoto_section_11", theory::nakamoto_success(a.q, a.z)},
            {"definition",
             "strict lead after z confirmations (the payment block the first); abandon when "
             "more than give_up blocks behind after the confirmation"},
            {"source", "exact: negative binomial then gambler's ruin; Nakamoto (2008) section 11"}};
}

}  // namespace

void add_theory_commands(CLI::App& app) {
    auto args = std::make_shared<TheoryArgs>();
    auto* cmd = app.add_subcommand("theory", "What the published analyses predict, as JSON");
    cmd->require_subcommand(1);

    auto* s = cmd->add_subcommand("selfish", "Eyal & Sirer's selfish-mining revenue R(alpha, gamma)");
    s->add_option("--alpha", args->alpha, "the selfish pool's hashrate share, 0 <= alpha < 0.5")
        ->required();
    s->add_option("--gamma", args->gamma, "share of honest miners that mine on the pool's block "
                                          "in a tie (default 0)");
    s->callback([args] { print_json(selfish(*args)); });

    auto* t = cmd->add_subcommand("stubborn", "Nayak et al.'s stubborn mining, solved numerically");
    t->add_option("--variant", args->variant, "lead | equal-fork | trail")->required();
    t->add_option("--trail", args->trail, "trail variant: blocks behind it keeps mining (default 1)");
    t->add_option("--alpha", args->alpha, "the attacker's hashrate share, 0 < alpha < 0.5")
        ->required();
    t->add_option("--gamma", args->gamma, "share of honest miners on the attacker's branch in a "
                                          "tie (default 0)");
    t->callback([args] { print_json(stubborn(*args)); });

    auto* d = cmd->add_subcommand("double-spend", "success probability of one double-spend attempt");
    d->add_option("--q", args->q, "the attacker's hashrate share, 0 < q < 1")->required();
    d->add_option("--z", args->z, "confirmations the merchant waits for, >= 1")->required();
    d->add_option("--give-up", args->give_up,
                  "abandon when more than this many blocks behind (default: never)");
    d->callback([args] { print_json(double_spend(*args)); });
}

}  // namespace cli

#include "reports/theory.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace reports::theory {

double selfish_revenue(double alpha, double gamma) {
    const double a = alpha;
    const double numerator = a * (1 - a) * (1 - a) * (4 * a + gamma * (1 - 2 * a)) - a * a * a;
    const double denominator = 1 - a * (1 + (2 - a) * a);
    return numerator / denominator;
}

double selfish_threshold(double gamma) {
    return (1 - gamma) / (3 - 2 * gamma);
}

namespace {

// The race of docs/adversaries.md §3 as a Markov reward process. A state is (a, h, matched):
// the attacker's private branch and the public branch above their fork point, and whether
// the attacker has published a branch as long as the public one (then a share gamma of the
// honest miners mines on it). Each step one block is found: the attacker's with probability
// alpha. Rewards are the blocks that become final for either side.
class RaceModel {
  public:
    RaceModel(Withholding strategy, double alpha, double gamma, int trail)
        : strategy_(strategy), alpha_(alpha), gamma_(gamma), trail_(trail) {}

    struct Outcome {
        int a, h;
        bool matched;
        double attacker = 0, honest = 0;  // blocks made final by this step
    };

    // After the attacker finds a block in state (a, h, matched).
    Outcome attacker_finds(int a, int h, bool matched) const {
        const bool race = matched && a == h;
        if (race) {
            if (strategy_ == Withholding::kEqualFork) return {a + 1, h, true};
            return {0, 0, false, static_cast<double>(a + 1), 0};  // publish all: override
        }
        if (a + 1 == h) return {a + 1, h, true};  // a trailing miner caught up: publish all
        return {a + 1, h, matched};
    }

    // After an honest block extends the public branch (on_attacker: on the attacker's
    // published branch, possible only when matched).
    Outcome honest_finds(int a, int h, bool on_attacker) const {
        Outcome o{a, h + 1, false};
        if (on_attacker) o = {a - h, 1, false, static_cast<double>(h), 0};
        decide(o);
        return o;
    }

    double alpha() const { return alpha_; }
    double gamma() const { return gamma_; }

  private:
    void decide(Outcome& o) const {
        const int d = o.a - o.h;
        if (d < 0) {
            if (strategy_ == Withholding::kTrail && o.a > 0 && -d <= trail_) return;
            o.honest += o.h;  // adopt
            o.a = o.h = 0;
        } else if (d == 0) {
            o.matched = true;  // publish all: a race
        } else if (d == 1 && strategy_ != Withholding::kLead) {
            o.attacker += o.a;  // publish all: override
            o.a = o.h = 0;
        } else {
            o.matched = true;  // publish as many as the public branch is long
        }
    }

    Withholding strategy_;
    double alpha_, gamma_;
    int trail_;
};

}  // namespace

WithholdingResult withholding_revenue(Withholding strategy, double alpha, double gamma,
                                      int trail) {
    const RaceModel model(strategy, alpha, gamma, trail);
    // Renewal-reward: push probability mass from the start state (0, 0) until it returns;
    // revenue share = E[attacker blocks per cycle] / E[all blocks per cycle].
    const int max_a = 160;
    const int max_h = max_a + trail + 2;
    const auto index = [&](int a, int h, bool m) {
        return (static_cast<std::size_t>(a) * (max_h + 1) + static_cast<std::size_t>(h)) * 2 +
               (m ? 1 : 0);
    };
    const std::size_t size = index(max_a, max_h, true) + 1;
    std::vector<double> mass(size, 0.0), next(size, 0.0);
    double attacker = 0, honest = 0, lost = 0, remaining = 1;
    // The first step from the start state.
    auto spread = [&](int a, int h, bool m, double p, std::vector<double>& into) {
        auto add = [&](const RaceModel::Outcome& o, double weight) {
            attacker += weight * o.attacker;
            honest += weight * o.honest;
            if (o.a == 0 && o.h == 0) return;  // back at the start: the cycle ends
            if (o.a > max_a || o.h > max_h) {
                lost += weight;
                return;
            }
            into[index(o.a, o.h, o.matched)] += weight;
        };
        add(model.attacker_finds(a, h, m), p * alpha);
        const double honest_p = p * (1 - alpha);
        if (m) {
            add(model.honest_finds(a, h, true), honest_p * gamma);
            add(model.honest_finds(a, h, false), honest_p * (1 - gamma));
        } else {
            add(model.honest_finds(a, h, false), honest_p);
        }
    };
    spread(0, 0, false, 1.0, mass);
    // Mass lives in a box that grows by one block a step: walk only that box.
    int reach = 1;
    for (int step = 0; step < 2'000'000 && remaining > 1e-13; ++step) {
        const int top_a = std::min(max_a, reach), top_h = std::min(max_h, reach);
        for (int a = 0; a <= std::min(max_a, reach + 1); ++a) {
            for (int h = 0; h <= std::min(max_h, reach + 1); ++h) {
                next[index(a, h, false)] = 0;
                next[index(a, h, true)] = 0;
            }
        }
        remaining = 0;
        for (int a = 0; a <= top_a; ++a) {
            for (int h = 0; h <= top_h; ++h) {
                for (int m = 0; m < 2; ++m) {
                    const double p = mass[index(a, h, m == 1)];
                    if (p == 0) continue;
                    remaining += p;
                    spread(a, h, m == 1, p, next);
                }
            }
        }
        mass.swap(next);
        ++reach;
    }
    WithholdingResult r;
    r.revenue_share = attacker + honest > 0 ? attacker / (attacker + honest) : 0;
    r.unresolved = lost + remaining;
    return r;
}

double race_success(double q, int z, std::optional<int> give_up) {
    const double p = 1 - q;
    const double r = p / q;
    // Probability of reaching a lead of +1 from `deficit` blocks behind.
    auto win_from = [&](int deficit) {
        if (give_up) {
            if (deficit > *give_up) return 0.0;
            const int i = *give_up + 1 - deficit;  // steps above the losing barrier
            const int n = *give_up + 2;            // from the barrier to a lead of one
            if (std::fabs(q - 0.5) < 1e-12) return static_cast<double>(i) / n;
            return (1 - std::pow(r, i)) / (1 - std::pow(r, n));
        }
        if (q >= p) return 1.0;
        return std::pow(q / p, deficit + 1);
    };
    // k attacker blocks before the z-th honest block: negative binomial.
    double term = std::pow(p, z);  // k = 0
    double total = 0, behind_or_level = 0;
    for (int k = 0; k <= z; ++k) {
        behind_or_level += term;
        total += term * win_from(z - k);
        term *= q * static_cast<double>(k + z) / static_cast<double>(k + 1);
    }
    return total + (1 - behind_or_level);  // k > z: ahead at the confirmation, publish at once
}

double nakamoto_success(double q, int z) {
    const double p = 1 - q;
    if (q >= p) return 1.0;
    const double lambda = z * (q / p);
    double sum = 1.0;
    double poisson = std::exp(-lambda);
    for (int k = 0; k <= z; ++k) {
        if (k > 0) poisson *= lambda / k;
        sum -= poisson * (1 - std::pow(q / p, z - k));
    }
    return sum;
}

}  // namespace reports::theory

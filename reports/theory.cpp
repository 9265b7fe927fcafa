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

// The race of docs/adversaries.md §3 as a Markov reward process. The rules depend on the
// attacker's private branch (a blocks above the fork point) and the public branch (h) only
// through the lead d = a - h, whether the attacker has published a branch as long as the
// public one ("matched": then a share gamma of the honest miners mines on it) and whether
// a = 0. Every reward is linear in a (a, a + 1, or h = a - d blocks become final), so the
// solve tracks, per (d, matched, a = 0), the probability mass and the mass-weighted sum of
// a: exact, with a state space of a few hundred leads.
//
// Each step one block is found: the attacker's with probability alpha.

// c1 * a + c0, for the a of the state a transition leaves.
struct Linear {
    double c1 = 0, c0 = 0;
};

struct Step {
    bool reset = false;  // back at the start: the cycle ends
    int d = 0;
    bool matched = false, zero = false;
    Linear a;                // the new a
    Linear attacker, honest;  // blocks made final
};

class RaceModel {
  public:
    RaceModel(Withholding strategy, int trail) : strategy_(strategy), trail_(trail) {}

    Step attacker_finds(int d, bool matched) const {
        Step s;
        s.a = {1, 1};
        if (matched && d == 0) {  // a race
            if (strategy_ == Withholding::kEqualFork) {
                s.d = 1;
                s.matched = true;
                return s;
            }
            s.reset = true;  // publish all: override with a + 1 blocks
            s.attacker = {1, 1};
            return s;
        }
        s.d = d + 1;
        s.matched = matched || s.d == 0;  // a trailing miner that caught up publishes all
        return s;
    }

    // An honest block on the public branch, or (on_attacker, only when matched) on the
    // attacker's published branch, whose h = a - d blocks become final for it.
    Step honest_finds(int d, bool zero, bool on_attacker) const {
        Step s;
        if (on_attacker) {
            s.attacker = {1, static_cast<double>(-d)};
            s.a = {0, static_cast<double>(d)};
            s.zero = d == 0;
        } else {
            s.a = {1, 0};
            s.zero = zero;
        }
        s.d = d - 1;
        decide(s);
        return s;
    }

  private:
    void decide(Step& s) const {
        if (s.d < 0) {
            if (strategy_ == Withholding::kTrail && !s.zero && -s.d <= trail_) return;
            s.reset = true;  // adopt: the public branch's h = a - d blocks are final
            s.honest = {s.a.c1, s.a.c0 - s.d};
        } else if (s.d == 1 && strategy_ != Withholding::kLead) {
            s.reset = true;  // override
            s.attacker = {s.attacker.c1 + s.a.c1, s.attacker.c0 + s.a.c0};
        } else {
            s.matched = true;  // d = 0: a race; d >= 1: match the public branch's length
        }
    }

    Withholding strategy_;
    int trail_;
};

}  // namespace

WithholdingResult withholding_revenue(Withholding strategy, double alpha, double gamma,
                                      int trail) {
    const RaceModel model(strategy, trail);
    // Renewal-reward: push probability mass (and its a-moment) from the start state until
    // it returns; revenue share = E[attacker blocks per cycle] / E[all blocks per cycle].
    const int min_d = -(trail + 1);
    const int max_d = 600;
    const auto index = [&](int d, bool matched, bool zero) {
        return (static_cast<std::size_t>(d - min_d) * 2 + (matched ? 1 : 0)) * 2 + (zero ? 1 : 0);
    };
    const std::size_t size = index(max_d, true, true) + 1;
    std::vector<double> mass(size, 0.0), moment(size, 0.0), next_mass(size), next_moment(size);
    double attacker = 0, honest = 0, lost = 0;
    auto apply = [&](const Step& s, double m, double sa) {
        attacker += s.attacker.c1 * sa + s.attacker.c0 * m;
        honest += s.honest.c1 * sa + s.honest.c0 * m;
        if (s.reset) return;
        if (s.d > max_d) {
            lost += m;
            return;
        }
        const std::size_t i = index(s.d, s.matched, s.zero);
        next_mass[i] += m;
        next_moment[i] += s.a.c1 * sa + s.a.c0 * m;
    };
    auto spread = [&](int d, bool matched, bool zero, double m, double sa) {
        apply(model.attacker_finds(d, matched), alpha * m, alpha * sa);
        const double h = 1 - alpha;
        if (matched) {
            apply(model.honest_finds(d, zero, true), h * gamma * m, h * gamma * sa);
            apply(model.honest_finds(d, zero, false), h * (1 - gamma) * m, h * (1 - gamma) * sa);
        } else {
            apply(model.honest_finds(d, zero, false), h * m, h * sa);
        }
    };
    std::fill(next_mass.begin(), next_mass.end(), 0.0);
    std::fill(next_moment.begin(), next_moment.end(), 0.0);
    spread(0, false, true, 1.0, 0.0);  // the start state: a = h = 0
    double remaining = 1;
    for (int step = 0; step < 10'000'000 && remaining > 1e-15; ++step) {
        mass.swap(next_mass);
        moment.swap(next_moment);
        std::fill(next_mass.begin(), next_mass.end(), 0.0);
        std::fill(next_moment.begin(), next_moment.end(), 0.0);
        remaining = 0;
        for (int d = min_d; d <= max_d; ++d) {
            for (int m = 0; m < 2; ++m) {
                for (int z = 0; z < 2; ++z) {
                    const std::size_t i = index(d, m == 1, z == 1);
                    if (mass[i] == 0) continue;
                    remaining += mass[i];
                    spread(d, m == 1, z == 1, mass[i], moment[i]);
                }
            }
        }
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

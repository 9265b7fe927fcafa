#include "sim/scenario/expectations.h"

#include <cstdio>
#include <string>

namespace sim {
namespace {

std::string format(const char* fmt, double a, double b) {
    char buf[160];
    std::snprintf(buf, sizeof buf, fmt, a, b);
    return buf;
}

}  // namespace

nlohmann::json evaluate_expectations(const std::vector<ExpectationSpec>& expectations,
                                     const nlohmann::json& report) {
    nlohmann::json out = nlohmann::json::array();
    for (const ExpectationSpec& e : expectations) {
        bool passed = true;
        std::string detail;
        switch (e.kind) {
            case ExpectationKind::kConvergedWithin: {
                const double limit = core::to_seconds(e.converged_within);
                const auto& records = report.at("convergence");
                if (records.empty()) {
                    detail = "no heal, restore or restart event to converge after";
                    break;
                }
                double worst = 0;
                for (const auto& c : records) {
                    const std::string what = c.at("event").get<std::string>() + " at " +
                                             format("%.1fs", c.at("at_s").get<double>(), 0);
                    if (c.at("seconds").is_null()) {
                        passed = false;
                        detail += (detail.empty() ? "" : "; ") + what + ": never converged";
                        continue;
                    }
                    const double s = c.at("seconds").get<double>();
                    worst = std::max(worst, s);
                    if (s > limit) {
                        passed = false;
                        detail += (detail.empty() ? "" : "; ") + what +
                                  format(": converged after %.3fs, limit %.3fs", s, limit);
                    }
                }
                if (passed) {
                    detail = format("slowest convergence %.3fs, limit %.3fs", worst, limit);
                }
                break;
            }
            case ExpectationKind::kMaxReorgDepth: {
                const auto depth = report.at("reorgs").at("max_depth").get<double>();
                passed = depth <= e.max_reorg_depth;
                detail = format("deepest reorg %.0f blocks, limit %.0f", depth, e.max_reorg_depth);
                break;
            }
            case ExpectationKind::kStaleRateBelow: {
                const auto rate = report.at("blocks").at("stale_rate").get<double>();
                passed = rate < e.stale_rate_below;
                detail = format("stale rate %.4f, must be below %.4f", rate, e.stale_rate_below);
                break;
            }
        }
        out.push_back({{"name", describe(e)}, {"passed", passed}, {"detail", detail}});
    }
    return out;
}

bool all_passed(const nlohmann::json& expectations) {
    for (const auto& e : expectations) {
        if (!e.at("passed").get<bool>()) return false;
    }
    return true;
}

}  // namespace sim

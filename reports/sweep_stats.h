// Statistics of a sweep (docs/report.md): for each parameter point, the mean, standard
// deviation and 95% confidence interval of every numeric figure of its runs' report.json.
//
// Definitions:
//  - Figures are flattened with dots: {"blocks": {"stale_rate": x}} -> "blocks.stale_rate",
//    list entries by index ("miners.0.revenue_share"). Booleans count as 0/1, so the mean
//    of "expectations.0.passed" is the pass rate. Strings and nulls are not figures.
//  - Left out: "seed" (the sweep's own variable) and "wall_seconds" (a measurement of the
//    machine, not of the simulation; sweep results must not depend on --jobs).
//  - Also left out: every "theory_curve" and "hashrate_timeline" (plotting data).
//  - Added: "convergence.max_seconds", the slowest convergence of a run (only when the run
//    has convergence records and every one converged).
//  - Count maps ("reorgs.depth_histogram.*", "transactions.rejected.*") only list what
//    happened: a run without a key counts 0 for it. Any other figure a run lacks (or has as
//    null) is left out of that figure's sample; `n` says how many runs it is over.
//  - stddev is the sample standard deviation (n - 1); the interval is
//    mean +- t(0.975, n - 1) * stddev / sqrt(n) with Student's t. With n = 1 the stddev and
//    interval are null.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace reports {

// Every figure of one report, by flattened name (sorted).
std::map<std::string, double> flatten_figures(const nlohmann::json& report);

struct FigureStats {
    std::size_t n = 0;
    double mean = 0;
    std::optional<double> stddev;
    std::optional<double> ci95_low;
    std::optional<double> ci95_high;
};

// REQUIRES: !values.empty().
FigureStats figure_stats(const std::vector<double>& values);

// The 0.975 quantile of Student's t with `df` degrees of freedom (df >= 1): exact to 4
// decimals up to 30, interpolated in 1/df beyond.
double student_t_975(std::size_t df);

// {figure: {n, mean, stddev, ci95_low, ci95_high}} over the reports of one point's runs.
nlohmann::json point_stats(const std::vector<nlohmann::json>& reports);

// sweep.csv from a sweep.json object: one row per point; columns point, folder, the params,
// runs, failed, then <figure>.mean, .stddev, .ci95_low, .ci95_high for every figure any
// point has (sorted). Empty cells for missing values.
std::string sweep_csv(const nlohmann::json& sweep);

}  // namespace reports

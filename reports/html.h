// report.html: one self-contained page for a run — the summary table, the expectations
// (pass/fail), the plots (PNG files of the folder embedded as data URIs, so the page can be
// mailed on its own) and the scenario as run.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace reports {

// The page for `report` (a report.json object), with the plots found in `dir` and the
// scenario YAML as run. `plots_note` is shown where plots are missing (why they are).
// Tolerates reports with missing or mistyped fields (shown as "n/a").
std::string render_html(const std::string& dir, const nlohmann::json& report,
                        const std::string& scenario_yaml, const std::string& plots_note);

// Writes render_html(...) to dir/report.html. Returns an empty string or an error message.
std::string write_html(const std::string& dir, const nlohmann::json& report,
                       const std::string& scenario_yaml, const std::string& plots_note);

}  // namespace reports

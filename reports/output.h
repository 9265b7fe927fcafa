// Writing a run's folder: report.json, the scenario as run, the CSV series (series.h), the
// plots (plots.h) and report.html (html.h). `chainsim run` calls write_run_directory and
// then render_run_directory; `chainsim report DIR` calls only the latter, so a folder can be
// re-rendered from its files alone.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "reports/plots.h"
#include "reports/recorder.h"
#include "reports/series.h"

namespace reports {

// Creates `dir` (and parents) and writes report.json, scenario.yaml and the CSV series,
// first removing plots, report.html and txs.csv an earlier run may have left there.
// Returns an empty string on success, else a message naming the file that could not be
// written.
std::string write_run_directory(const std::string& dir, const nlohmann::json& report,
                                const Recorder& recorder, const std::string& scenario_yaml,
                                const SeriesOptions& series = {});

struct RenderResult {
    // Bad input (a missing folder, an unreadable report.json or CSV) or a failed write: one
    // line naming the file. report.html is not written then.
    std::string error;
    PlotResult plots;  // with_plots: how plotting went; else kSkipped
};

// Reads dir/report.json and dir/scenario.yaml, checks the CSV series are there with their
// header rows, draws the plots (unless !with_plots) and writes dir/report.html. Never
// changes report.json or the CSV series.
RenderResult render_run_directory(const std::string& dir, bool with_plots);

}  // namespace reports

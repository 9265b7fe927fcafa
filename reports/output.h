// Writing a run's folder: report.json, the scenario as run, and (see the functions below)
// the CSV series, plots and report.html.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "reports/recorder.h"

namespace reports {

// Creates `dir` (and parents) and writes report.json and scenario.yaml. Returns an empty
// string on success, else a message naming the file that could not be written.
std::string write_run_directory(const std::string& dir, const nlohmann::json& report,
                                const Recorder& recorder, const std::string& scenario_yaml);

}  // namespace reports

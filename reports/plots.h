// Running the matplotlib plot script (reports/plot.py) on a run or sweep folder.
//
// The script is looked for next to the running executable (the build copies it there),
// then in the source tree this file was compiled from. It is run by /usr/bin/python3 (the
// Debian interpreter that has python3-matplotlib; never the first python3 on PATH), or by
// $CHAINSIM_PYTHON when set. Plotting only reads the folder: report.json, the CSV series and
// the trace digest are never touched.
#pragma once

#include <string>
#include <vector>

namespace reports {

enum class PlotStatus {
    kDone,      // every plot written
    kSkipped,   // no interpreter or no matplotlib: `message` says how to install it
    kBadInput,  // the folder's files are missing or malformed: `message` names the file
    kFailed,    // the script failed: `message` holds its output
};

struct PlotResult {
    PlotStatus status = PlotStatus::kDone;
    std::string message;  // empty when kDone
};

enum class PlotKind { kRun, kSweep };

// Draws the PNGs of `dir` (see plot.py for the files). Blocks until the script ends.
PlotResult render_plots(const std::string& dir, PlotKind kind);

// Where the script is (empty if nowhere), and the interpreter that runs it.
std::string plot_script_path();
std::string python_path();

// The files a run folder's plots are written to, in the order the HTML shows them, with a
// caption saying what each shows. confirmations.png exists only when a workload ran.
struct PlotFile {
    const char* file;
    const char* title;
    const char* caption;
};
const std::vector<PlotFile>& run_plot_files();

}  // namespace reports

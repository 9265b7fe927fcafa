// chainsim report DIR: (re)draws the plots and report.html of a run folder from its
// report.json and CSV series alone, or the plots of a sweep folder from its sweep.json.
// Exit codes: 0 done (also when matplotlib is missing: the HTML is written and the message
// says how to install it); 2 a missing folder or unreadable files; 3 the plot script failed.
#include <filesystem>
#include <iostream>

#include "reports/output.h"
#include "reports/plots.h"
#include "sim/cli/cli.h"

namespace cli {
namespace {

namespace fs = std::filesystem;

// Maps how plotting went onto the command's outcome; kDone and kSkipped are fine.
void check_plots(const reports::PlotResult& plots) {
    switch (plots.status) {
        case reports::PlotStatus::kDone:
            return;
        case reports::PlotStatus::kSkipped:
            std::cerr << "chainsim: " << plots.message << "\n";
            return;
        case reports::PlotStatus::kBadInput:
            bad_input(plots.message);
        case reports::PlotStatus::kFailed:
            throw Exit(kExitInternal, plots.message);
    }
}

void report_command(const std::string& dir) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) bad_input(dir + ": no such folder");
    if (fs::exists(fs::path(dir) / "report.json", ec)) {
        reports::RenderResult r = reports::render_run_directory(dir, /*with_plots=*/true);
        if (!r.error.empty()) bad_input(r.error);
        std::cout << "report: " << (fs::path(dir) / "report.html").string() << "\n";
        check_plots(r.plots);
        return;
    }
    if (fs::exists(fs::path(dir) / "sweep.json", ec)) {
        check_plots(reports::render_plots(dir, reports::PlotKind::kSweep));
        std::cout << "sweep plots: " << (fs::path(dir) / "sweep-*.png").string() << "\n";
        return;
    }
    bad_input(dir + ": neither report.json nor sweep.json here (not a run or sweep folder)");
}

}  // namespace

void add_report_commands(CLI::App& app) {
    auto dir = std::make_shared<std::string>();
    auto* report = app.add_subcommand("report", "Redraw the plots and report.html of a folder");
    report->add_option("DIR", *dir, "a run folder (report.json) or sweep folder (sweep.json)")
        ->required();
    report->callback([dir] { report_command(*dir); });
}

}  // namespace cli

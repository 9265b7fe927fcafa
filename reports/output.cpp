#include "reports/output.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "reports/html.h"

namespace reports {
namespace {

namespace fs = std::filesystem;

std::string write_text(const fs::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) return path.string() + ": cannot write: " + std::strerror(errno);
    out << text;
    out.flush();
    if (!out) return path.string() + ": write failed";
    return {};
}

// The file's contents, or nullopt with `error` naming it.
std::optional<std::string> read_text(const fs::path& path, std::string& error) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        error = path.string() + ": cannot read: " + std::strerror(errno);
        return std::nullopt;
    }
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// Each series the plots need, with the columns its header must name first.
struct SeriesHeader {
    const char* file;
    const char* header_start;
};
constexpr SeriesHeader kSeries[] = {
    {"blocks.csv", "hash,parent,height,miner,found_s,main_chain"},
    {"tips.csv", "t_s,agreement,distinct_tips"},
    {"reorgs.csv", "t_s,node,depth,old_tip,new_tip"},
    {"propagation.csv", "block,t50_ms,t90_ms,t100_ms"},
    {"events.csv", "t_s,kind,description"},
};

std::string check_series(const fs::path& dir) {
    for (const SeriesHeader& s : kSeries) {
        std::ifstream in(dir / s.file);
        std::string header;
        if (!in || !std::getline(in, header)) {
            return (dir / s.file).string() + ": missing or empty (a run folder has it)";
        }
        if (header.rfind(s.header_start, 0) != 0) {
            return (dir / s.file).string() + ": header row should start with " + s.header_start;
        }
    }
    return {};
}

}  // namespace

std::string write_run_directory(const std::string& dir, const nlohmann::json& report,
                                const Recorder& recorder, const std::string& scenario_yaml,
                                const SeriesOptions& series) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return dir + ": cannot create: " + ec.message();
    const fs::path base(dir);
    // Plots and a page from an earlier run in this folder would describe the wrong run.
    for (const PlotFile& plot : run_plot_files())
        fs::remove(base / plot.file, ec);
    fs::remove(base / "report.html", ec);
    fs::remove(base / "txs.csv", ec);
    if (auto e = write_text(base / "report.json", report.dump(2) + "\n"); !e.empty()) return e;
    if (auto e = write_text(base / "scenario.yaml", scenario_yaml + "\n"); !e.empty()) return e;
    return write_series(dir, recorder, series);
}

RenderResult render_run_directory(const std::string& dir, bool with_plots) {
    RenderResult result;
    const fs::path base(dir);
    std::error_code ec;
    if (!fs::is_directory(base, ec)) {
        result.error = dir + ": no such folder";
        return result;
    }
    std::optional<std::string> text = read_text(base / "report.json", result.error);
    if (!text) return result;
    nlohmann::json report = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
    if (report.is_discarded() || !report.is_object()) {
        result.error = (base / "report.json").string() + ": not a JSON object (damaged file?)";
        return result;
    }
    std::string ignored;
    const std::string yaml = read_text(base / "scenario.yaml", ignored)
                                 .value_or("# scenario.yaml is missing from this folder\n");
    if (auto e = check_series(base); !e.empty()) {
        result.error = e;
        return result;
    }

    std::string note;
    if (with_plots) {
        result.plots = render_plots(dir, PlotKind::kRun);
        if (result.plots.status == PlotStatus::kBadInput) {
            result.error = result.plots.message;
            return result;
        }
        note = result.plots.message;
    } else {
        result.plots = {PlotStatus::kSkipped, "plots not drawn (--no-plots)"};
        note = result.plots.message;
    }
    result.error = write_html(dir, report, yaml, note);
    return result;
}

}  // namespace reports

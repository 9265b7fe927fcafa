#include "reports/plots.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "reports/process.h"

namespace reports {
namespace {

// plot.py's exit codes.
constexpr int kScriptBadInput = 2;
constexpr int kScriptNoMatplotlib = 4;
// posix_spawn reports a program that cannot be executed as the child's exit code 127.
constexpr int kCannotExecute = 127;

std::string install_hint(const std::string& python) {
    return "plots skipped: " + python +
           " cannot import matplotlib. Install it (Debian/Ubuntu: sudo apt-get install "
           "python3-matplotlib), then draw them with `chainsim report DIR`";
}

std::string read_and_remove(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    std::error_code ec;
    std::filesystem::remove(path, ec);
    std::string s = text.str();
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r'))
        s.pop_back();
    return s;
}

}  // namespace

std::string python_path() {
    const char* custom = std::getenv("CHAINSIM_PYTHON");
    return custom != nullptr && *custom != '\0' ? custom : "/usr/bin/python3";
}

std::string plot_script_path() {
    namespace fs = std::filesystem;
    std::error_code ec;
    const std::string exe = self_executable();
    if (!exe.empty()) {
        const fs::path beside = fs::path(exe).parent_path() / "plot.py";
        if (fs::is_regular_file(beside, ec)) return beside.string();
    }
    const fs::path source = fs::path(__FILE__).parent_path() / "plot.py";
    if (source.is_absolute() && fs::is_regular_file(source, ec)) return source.string();
    return {};
}

PlotResult render_plots(const std::string& dir, PlotKind kind) {
    const std::string script = plot_script_path();
    if (script.empty()) {
        return {PlotStatus::kFailed,
                "plots skipped: plot.py was not found next to the chainsim binary or in the "
                "source tree"};
    }
    const std::string python = python_path();
    if (::access(python.c_str(), X_OK) != 0) {
        return {PlotStatus::kSkipped,
                "plots skipped: " + python +
                    " not found. Install Python 3 and matplotlib (Debian/Ubuntu: sudo apt-get "
                    "install python3 python3-matplotlib), then draw them with `chainsim report "
                    "DIR`"};
    }
    // A fresh file of our own for the script's output (mkstemp: no guessable name to race).
    std::string log = (std::filesystem::temp_directory_path() / "chainsim-plot-XXXXXX").string();
    const int fd = ::mkstemp(log.data());
    if (fd < 0) return {PlotStatus::kFailed, "plots skipped: cannot create a temporary file"};
    ::close(fd);
    Spawned child = spawn({python, script, kind == PlotKind::kRun ? "run" : "sweep", dir}, log);
    if (!child.error.empty()) {
        std::error_code ec;
        std::filesystem::remove(log, ec);
        return {PlotStatus::kSkipped, child.error};
    }
    const ChildExit exit = wait_for(child.pid);
    const std::string output = read_and_remove(log);
    if (exit.ok()) return {};
    if (exit.signal == 0 && exit.code == kScriptNoMatplotlib) {
        return {PlotStatus::kSkipped, install_hint(python)};
    }
    if (exit.signal == 0 && exit.code == kCannotExecute) {
        return {PlotStatus::kSkipped, "plots skipped: cannot run " + python};
    }
    if (exit.signal == 0 && exit.code == kScriptBadInput) {
        return {PlotStatus::kBadInput, output};
    }
    return {PlotStatus::kFailed, "the plot script failed (" + exit.describe() + "):\n" + output};
}

const std::vector<PlotFile>& run_plot_files() {
    static const std::vector<PlotFile> files = {
        {"block_tree.png", "Block tree",
         "Every block by height and the time it was found. The blue line is the main chain "
         "(the ancestry of the final tip); red crosses are stale blocks, joined to their "
         "parents, so a fork shows as a red branch leaving the blue line. Shaded bands are "
         "partitions (orange), crashed nodes (grey) and cut links (purple); dotted lines mark "
         "every fault event."},
        {"tip_agreement.png", "Tip agreement",
         "Top: the fraction of up nodes whose tip is the most common tip, sampled at a fixed "
         "simulated-time step; 1 means the network agrees. Bottom: how many distinct tips "
         "the up nodes hold. Dashed green lines mark when the network converged after a "
         "heal, restore or restart."},
        {"propagation.png", "Block propagation",
         "Left: for each block (grey) and the median block (blue), the fraction of nodes that "
         "had accepted it against the time since it was found; dots mark the median t50, "
         "t90 and t100. Right: the distribution over blocks of t50, t90 and t100 (log "
         "scale); a curve that stops below 1 means some blocks never reached that share of "
         "nodes (they lost a race or were cut off)."},
        {"reorg_depths.png", "Reorg depths",
         "How many times any node switched to a branch that disconnected N blocks of its "
         "chain, by N. Depth-1 reorgs are ordinary lost races; deep ones come from "
         "partitions and attacks."},
        {"miners.png", "Hashrate and revenue",
         "Each miner group's share of all hashes computed over the run (its time-weighted "
         "hashrate share; a hollow mark shows the share it started with when hashrate events "
         "or crashes changed it) beside its share of the main chain's block rewards and fees. "
         "Honest miners should earn about their time-weighted share; a gap is a cost of forks "
         "(or the gain of a strategy). When shares change, the lower panel shows each group's "
         "share over time."},
        {"attacks.png", "Attacks against theory",
         "Only with adversarial miners. Withholding (selfish, stubborn): revenue share "
         "against hashrate share for every miner group, with the published prediction for the "
         "attacker's strategy (solid) and the honest line y = x (dashed). Double spend: the "
         "success rate of the run's attempts at its z (95% interval) on the exact race curve "
         "and Nakamoto's section 11 figure for the attacker's share."},
        {"difficulty.png", "Block interval and difficulty",
         "Top: every main-chain block interval (grey dots, log scale) and their mean over the "
         "last retarget window (blue), against the target interval (dashed green). Bottom: "
         "the difficulty relative to the initial one, from each block's bits. After a "
         "hashrate change the interval strays from the target until a retarget moves the "
         "difficulty; dotted lines mark every event."},
        {"confirmations.png", "Transaction confirmations",
         "The distribution of the time from a transaction's submission until it had k "
         "confirmations on the final main chain (k is report.confirmations), over the "
         "transactions that got there; dashed lines mark the median and 90th percentile."},
    };
    return files;
}

}  // namespace reports

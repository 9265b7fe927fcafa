// Helpers for the reports tests: run the real chainsim binary on scenario files written to
// a temporary folder, and read what it wrote.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <yaml-cpp/yaml.h>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "reports/process.h"
#include "sim/scenario/scenario.h"
#include "sim/scenario/units.h"

namespace reports::testing {

namespace fs = std::filesystem;

// A fresh folder under the system temp dir, removed with everything in it at the end.
class TempDir {
  public:
    TempDir() {
        std::string pattern = (fs::temp_directory_path() / "chainsim-reports-XXXXXX").string();
        path_ = ::mkdtemp(pattern.data());
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const fs::path& path() const { return path_; }
    fs::path operator/(const std::string& name) const { return path_ / name; }

  private:
    fs::path path_;
};

inline void write_file(const fs::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    ASSERT_TRUE(out.good()) << "cannot write " << path;
}

inline std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

inline nlohmann::json read_json(const fs::path& path) {
    return nlohmann::json::parse(read_file(path), nullptr, false);
}

// A CSV file: the header's column names and the rows' cells (quotes removed).
struct Csv {
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> rows;

    // Index of a column; -1 if absent.
    int column(const std::string& name) const {
        for (std::size_t i = 0; i < header.size(); ++i)
            if (header[i] == name) return static_cast<int>(i);
        return -1;
    }
};

inline std::vector<std::string> split_csv_line(const std::string& line) {
    std::vector<std::string> cells(1);
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quoted) {
            if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
                cells.back() += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                cells.back() += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            cells.emplace_back();
        } else {
            cells.back() += c;
        }
    }
    return cells;
}

inline Csv read_csv(const fs::path& path) {
    Csv csv;
    std::istringstream in(read_file(path));
    std::string line;
    if (std::getline(in, line)) csv.header = split_csv_line(line);
    while (std::getline(in, line))
        csv.rows.push_back(split_csv_line(line));
    return csv;
}

struct CommandResult {
    int exit_code = -1;
    std::string output;  // stdout and stderr together
};

// Runs a command line through /bin/sh; `env` is prepended as VAR=value assignments.
inline CommandResult run_shell(const std::string& command) {
    CommandResult r;
    FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
    if (pipe == nullptr) return r;
    char buf[4096];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0)
        r.output.append(buf, n);
    const int status = ::pclose(pipe);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return r;
}

// Runs the chainsim binary with `args`; `env` ("NAME=value ...") is set for it alone.
inline CommandResult chainsim(const std::vector<std::string>& args, const std::string& env = "") {
    std::vector<std::string> argv = {CHAINSIM_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_shell((env.empty() ? "" : env + " ") + reports::shell_command(argv));
}

// True when /usr/bin/python3 can import matplotlib (the plot tests need it).
inline bool matplotlib_available() {
    return run_shell("/usr/bin/python3 -c 'import matplotlib'").exit_code == 0;
}

// A shipped scenario cut short, as YAML: the run ends two block intervals after its first
// heal, restore or restart (six intervals when it has none), and later events are dropped.
// The contract is about the report's shape, not long-run behaviour, and CI runs every
// shipped scenario in full anyway (scenario.run.* in tests/CMakeLists.txt).
inline std::string shortened_yaml(const std::filesystem::path& path, const sim::Scenario& s) {
    YAML::Node doc = YAML::LoadFile(path.string());
    if (s.until_height > 0) {
        doc["until"]["height"] = std::min<std::uint64_t>(s.until_height, 20);
        return YAML::Dump(doc);
    }
    const core::Nanos interval = s.consensus.block_interval;
    core::Nanos cut = 6 * interval;
    for (const sim::EventSpec& e : s.events) {
        if (e.kind == sim::EventKind::kHeal || e.kind == sim::EventKind::kRestore ||
            e.kind == sim::EventKind::kRestart) {
            cut = e.at + 2 * interval;
            break;
        }
    }
    cut = std::min(cut, s.duration);
    doc["duration"] = sim::format_duration(cut);
    if (doc["events"]) {
        YAML::Node kept(YAML::NodeType::Sequence);
        for (const auto& event : doc["events"]) {
            const auto at = sim::parse_duration(event["at"].as<std::string>());
            if (at.ok() && at.value <= cut) kept.push_back(event);
        }
        doc["events"] = kept;
    }
    return YAML::Dump(doc);
}

// A partition-heal scenario with a crash, a cut link and a workload: every series and
// every plot has data. About a second to run.
inline constexpr const char* kPartitionHeal = R"(name: test-partition-heal
description: Two halves mine apart, then reconnect; a node crashes and a link is cut.
seed: 3
duration: 90m
consensus: {block_interval: 1m, pow_bits: 8}
network:
  nodes: 16
  topology: {kind: random-regular, degree: 4}
  latency: {dist: lognormal, median: 80ms, sigma: 0.5}
  processing: {per_block: 2ms, per_tx: 50us}
mining:
  - {nodes: "0-7", share: 0.6}
  - {nodes: "8-15", share: 0.4}
workload: {accounts: 30, tx_rate: 0.5/s, invalid_fraction: 0.05}
events:
  - {at: 20m, partition: ["0-7", "8-15"]}
  - {at: 45m, heal: all}
  - {at: 55m, crash: "3"}
  - {at: 65m, restart: "3"}
  - {at: 70m, cut: ["0", "2"]}
  - {at: 75m, restore: ["0", "2"]}
expect:
  - {converged_within: 2m}
report: {confirmations: 2}
)";

}  // namespace reports::testing

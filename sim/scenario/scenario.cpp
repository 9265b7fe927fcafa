// Loading a scenario: read the file, parse YAML, apply --set overrides, validate every
// section (sim/scenario_*.cpp), and emit the effective document.
#include "sim/scenario/scenario.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <limits>
#include <memory>

#include <yaml-cpp/yaml.h>

#include "sim/scenario/overrides.h"
#include "sim/scenario/reader.h"
#include "sim/scenario/sections.h"

namespace sim {
namespace {

using scenario_internal::Diagnostics;
using scenario_internal::Field;
using scenario_internal::Place;

constexpr core::Nanos kMinSampleStep = core::kMillisecond;

bool is_name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.';
}

void read_name(const Field& field, std::string& out) {
    if (!field.require("name: partition-heal")) return;
    auto name = field.read_string();
    if (!name) return;
    bool valid = !name->empty() && name->size() <= 100 && name->front() != '.' &&
                 std::all_of(name->begin(), name->end(), is_name_char);
    if (!valid) {
        field.expected("a name of letters, digits, '-', '_' and '.' (it names the run folder)");
        return;
    }
    out = *name;
}

// `duration: 3h` or `until: {height: 500}`: exactly one.
void read_run_length(const Field& root, Scenario& out) {
    Field duration = root["duration"];
    Field until = root["until"];
    if (duration.present() && until.present()) {
        until.error("give either duration or until, not both");
        return;
    }
    if (!duration.present() && !until.present()) {
        root.error(
            "missing how long to run: give duration (e.g. duration: 3h) or until "
            "(e.g. until: {height: 500})");
        return;
    }
    if (duration.present()) {
        if (auto length = duration.read_duration(true)) out.duration = *length;
        return;
    }
    if (!until.expect_map()) return;
    until.check_keys({"height"}, "until");
    if (until["height"].require("height: 500")) {
        if (auto height = until["height"].read_int(1, 1'000'000'000)) {
            out.until_height = static_cast<std::uint64_t>(*height);
        }
    }
}

void read_consensus(const Field& field, ConsensusSpec& out) {
    if (!field.present() || !field.expect_map()) return;
    field.check_keys(
        {"block_interval", "pow_bits", "block_reward", "max_block_txs", "retarget", "tie_break"},
        "consensus");
    if (field["tie_break"].present()) {
        if (auto rule = read_enum(field["tie_break"], {TieBreak::kFirstSeen, TieBreak::kRandom},
                                  tie_break_name)) {
            out.tie_break = *rule;
        }
    }
    if (auto interval = field["block_interval"].read_duration(true)) out.block_interval = *interval;
    if (auto bits = field["pow_bits"].read_int(1, 32)) out.pow_bits = static_cast<int>(*bits);
    if (auto reward = field["block_reward"].read_int(0, std::numeric_limits<std::int64_t>::max())) {
        out.block_reward = static_cast<std::uint64_t>(*reward);
    }
    if (auto txs = field["max_block_txs"].read_int(0, 1'000'000)) {
        out.max_block_txs = static_cast<int>(*txs);
    }
    Field retarget = field["retarget"];
    if (!retarget.present() || !retarget.expect_map()) return;
    retarget.check_keys({"window"}, "consensus.retarget");
    if (!retarget["window"].require("window: 144")) return;
    if (auto window = retarget["window"].read_int(0, 1'000'000)) {
        if (*window == 1) {
            retarget["window"].expected("0 (off) or a window of at least 2 blocks");
        } else {
            out.retarget_window = static_cast<int>(*window);
        }
    }
}

void read_report(const Field& field, const ConsensusSpec& consensus, ReportSpec& out) {
    out.sample_every = std::max(consensus.block_interval / 10, kMinSampleStep);
    if (!field.present() || !field.expect_map()) return;
    field.check_keys({"confirmations", "sample_every"}, "report");
    if (auto k = field["confirmations"].read_int(1, 1'000'000))
        out.confirmations = static_cast<int>(*k);
    if (auto step = field["sample_every"].read_duration(true)) out.sample_every = *step;
}

Scenario read_scenario(const Field& root) {
    Scenario scenario;
    root.check_keys({"name", "description", "seed", "duration", "until", "consensus", "network",
                     "mining", "workload", "events", "expect", "report"},
                    "the scenario");
    read_name(root["name"], scenario.name);
    if (auto description = root["description"].read_string()) scenario.description = *description;
    if (auto seed = root["seed"].read_int(0, std::numeric_limits<std::int64_t>::max())) {
        scenario.seed = static_cast<std::uint64_t>(*seed);
    }
    read_run_length(root, scenario);
    read_consensus(root["consensus"], scenario.consensus);
    if (root["network"].require("network: {nodes: 100}")) {
        scenario_internal::read_network(root["network"], scenario.network);
    }
    const int nodes = scenario.network.nodes;
    scenario_internal::read_mining(root["mining"], nodes, scenario.mining,
                                   scenario.mining_defaulted);
    scenario.workload = scenario_internal::read_workload(root["workload"]);
    scenario_internal::read_events(root["events"], nodes, scenario.duration, scenario.events);
    scenario_internal::read_expectations(root["expect"], scenario.expectations);
    read_report(root["report"], scenario.consensus, scenario.report);
    return scenario;
}

std::string emit(const YAML::Node& document) {
    YAML::Emitter emitter;
    emitter << document;
    std::string text = emitter.c_str();
    if (!text.empty() && text.back() != '\n') text += '\n';
    return text;
}

}  // namespace

std::string ScenarioLoad::error_text() const {
    std::string text;
    for (const std::string& error : errors)
        text += error + "\n";
    return text;
}

ScenarioLoad parse_scenario_text(const std::string& text, const std::string& display_name,
                                 const std::vector<std::string>& overrides) {
    ScenarioLoad result;
    Diagnostics diagnostics(display_name);
    try {
        YAML::Node document;
        try {
            document = YAML::Load(text);
        } catch (const YAML::ParserException& e) {
            Place place{e.mark.is_null() ? 0 : e.mark.line + 1, e.mark.column + 1, ""};
            diagnostics.add(place, "", "YAML syntax error: " + e.msg);
        }
        scenario_internal::apply_overrides(overrides, document, diagnostics);
        Field root = Field::root(diagnostics, document);
        if (diagnostics.empty() && !root.is_map()) {
            root.expected("a map of scenario settings (name, duration, network, ...)");
        }
        if (root.is_map()) {
            Scenario scenario = read_scenario(root);
            scenario.source_path = display_name;
            scenario.effective_yaml = emit(document);
            if (diagnostics.empty()) result.scenario = std::move(scenario);
        }
    } catch (const std::exception& e) {
        // Guards against anything the checks above missed: the caller still gets a message.
        diagnostics.add(Place{}, "",
                        std::string("internal error while reading the scenario: ") + e.what());
        result.scenario.reset();
    }
    result.errors = diagnostics.lines();
    return result;
}

ScenarioLoad load_scenario(const std::string& path, const std::vector<std::string>& overrides) {
    ScenarioLoad result;
    try {
        std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"),
                                                             &std::fclose);
        int error = file ? 0 : errno;
        std::string text;
        if (file) {
            char buffer[1 << 16];
            std::size_t n = 0;
            errno = 0;
            while ((n = std::fread(buffer, 1, sizeof buffer, file.get())) > 0)
                text.append(buffer, n);
            if (std::ferror(file.get())) error = errno != 0 ? errno : EIO;
        }
        if (error == 0) return parse_scenario_text(text, path, overrides);
        result.errors.push_back(path + ": cannot read the scenario file: " + std::strerror(error));
    } catch (const std::exception& e) {
        result.errors.push_back(path + ": cannot read the scenario file: " + e.what());
    }
    return result;
}

}  // namespace sim

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
#include "sim/scenario/units.h"
#include "sim/scenario/yaml_text.h"

namespace sim {
namespace {

using scenario_internal::Diagnostics;
using scenario_internal::Field;
using scenario_internal::Place;

constexpr core::Nanos kMinSampleStep = core::kMillisecond;

// The first tab in the leading blanks of a line up to `last_line` (1-based; 0: any line):
// what a "syntax error" from yaml-cpp most often means to a user who indents with tabs.
std::optional<Place> first_indent_tab(const std::string& text, int last_line) {
    int line = 1;
    for (std::size_t start = 0; start < text.size(); ++line) {
        if (last_line > 0 && line > last_line) break;
        std::size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        for (std::size_t i = start; i < end && (text[i] == ' ' || text[i] == '\t'); ++i) {
            if (text[i] == '\t') return Place{line, static_cast<int>(i - start) + 1, ""};
        }
        start = end + 1;
    }
    return std::nullopt;
}

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
        // An empty `duration:` (in the file, or `--set duration=`) is where it went wrong.
        const Field& emptied = duration.node().IsDefined() ? duration : until;
        if (emptied.node().IsDefined()) {
            emptied.error(
                "empty, so the run has no length: give duration (e.g. duration: 3h) or until "
                "(e.g. until: {height: 500})");
            return;
        }
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
    if (auto seed = root["seed"].read_u64()) {
        scenario.seed = *seed;
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
            // Every document, so that a second one is refused rather than ignored.
            const std::vector<YAML::Node> documents = scenario_internal::load_all_documents(text);
            if (!documents.empty()) document = documents.front();
            if (documents.size() > 1) {
                const YAML::Mark mark = documents[1].Mark();
                const int line = mark.is_null() ? 0 : mark.line + 1;
                Place place{line, mark.is_null() ? 0 : mark.column + 1, ""};
                diagnostics.add(place, "",
                                "a second YAML document: a scenario is one document (remove the "
                                "'---' and what follows, or put it in a file of its own)");
            }
        } catch (const YAML::ParserException& e) {
            const int line = e.mark.is_null() ? 0 : e.mark.line + 1;
            if (const auto tab = first_indent_tab(text, line)) {
                diagnostics.add(*tab, "",
                                "a tab in the indentation: YAML indents with spaces only "
                                "(the parser said: " +
                                    e.msg + ")");
            } else {
                diagnostics.add(Place{line, e.mark.column + 1, ""}, "",
                                "YAML syntax error: " + e.msg);
            }
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

std::string field_place(const std::string& path, const std::vector<std::string>& overrides,
                        const std::string& field_path) {
    for (auto it = overrides.rbegin(); it != overrides.rend(); ++it) {
        const std::string set_path(
            trim_blanks(std::string_view(*it).substr(0, std::min(it->find('='), it->size()))));
        if (field_path == set_path || field_path.rfind(set_path + ".", 0) == 0)
            return "--set " + *it;
    }
    try {
        YAML::Node node = YAML::LoadFile(path);
        for (std::size_t start = 0; start <= field_path.size();) {
            std::size_t dot = std::min(field_path.find('.', start), field_path.size());
            const std::string key = field_path.substr(start, dot - start);
            YAML::Node next;
            if (node.IsSequence()) {
                if (key.empty() || key.find_first_not_of("0123456789") != std::string::npos ||
                    key.size() > 9 || std::stoul(key) >= node.size()) {
                    return path;
                }
                next.reset(node[std::stoul(key)]);
            } else if (const YAML::Node& map = node; map.IsMap() && map[key]) {
                next.reset(map[key]);
            } else {
                return path;
            }
            node.reset(next);
            start = dot + 1;
        }
        const YAML::Mark mark = node.Mark();
        if (mark.is_null()) return path;
        return path + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
    } catch (const std::exception&) {
        return path;
    }
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

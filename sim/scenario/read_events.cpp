// Reading `events:` (the fault timeline) and `expect:` (checks at the end of a run).
#include <algorithm>
#include <limits>

#include "sim/scenario/nodeset.h"
#include "sim/scenario/sections.h"
#include "sim/scenario/units.h"

namespace sim::scenario_internal {
namespace {

const std::vector<std::string_view> kActions = {"partition", "heal",    "crash",   "restart",
                                                "cut",       "restore", "latency", "hashrate"};

bool read_partition(const Field& field, int nodes, EventSpec& out) {
    if (!field.expect_sequence(R"(a list of node groups such as ["0-49", "50-99"])")) return false;
    if (field.size() < 2) {
        field.error("a partition needs at least 2 groups, got " + std::to_string(field.size()));
        return false;
    }
    std::vector<int> group_of(static_cast<std::size_t>(nodes), -1);
    bool ok = true;
    for (std::size_t i = 0; i < field.size(); ++i) {
        Field group = field.at(i);
        auto members = group.read_node_set(nodes);
        if (!members) {
            if (!group.present()) group.expected("a node set such as \"0-49\"");
            ok = false;
            continue;
        }
        for (int node : *members) {
            int& slot = group_of[static_cast<std::size_t>(node)];
            if (slot >= 0) {
                std::string first = field.at(static_cast<std::size_t>(slot)).scalar();
                group.error(concat("groups ", std::to_string(slot), " (\"", first, "\") and ",
                                   std::to_string(i), " (\"", group.scalar(), "\") share node ",
                                   std::to_string(node), "; partition groups must not overlap"));
                ok = false;
                break;
            }
            slot = static_cast<int>(i);
        }
        out.groups.push_back(std::move(*members));
    }
    if (!ok) return false;
    std::vector<int> rest;
    for (int node = 0; node < nodes; ++node) {
        if (group_of[static_cast<std::size_t>(node)] < 0) rest.push_back(node);
    }
    if (!rest.empty()) out.groups.push_back(std::move(rest));
    return true;
}

bool read_link(const Field& field, int nodes, EventSpec& out) {
    if (!field.is_sequence() || field.size() != 2) {
        field.expected(R"(a pair of nodes such as ["3", "4"])");
        return false;
    }
    auto a = field.at(0).read_node(nodes);
    auto b = field.at(1).read_node(nodes);
    if (!a || !b) return false;
    if (*a == *b) {
        field.error(
            concat("expected two different nodes, got node ", std::to_string(*a), " twice"));
        return false;
    }
    out.a = *a;
    out.b = *b;
    return true;
}

bool read_hashrate(const Field& field, int nodes, EventSpec& out) {
    if (!field.expect_map()) return false;
    bool ok = field.check_keys({"nodes", "share"}, "a hashrate event");
    if (!field["nodes"].require("nodes: \"10\"") || !field["share"].require("share: 0.2"))
        return false;
    auto members = field["nodes"].read_node_set(nodes);
    // A share of the initial total: 0 stops the nodes, 2.0 gives them twice the hashrate the
    // whole network started with.
    auto share = field["share"].read_number(0, std::numeric_limits<double>::infinity(), false, true);
    if (!members || !share) return false;
    out.nodes = std::move(*members);
    out.share = *share;
    return ok;
}

// The action of one event entry (already known to have exactly one).
bool read_action(const Field& entry, std::string_view action, int nodes, EventSpec& out) {
    Field field = entry[action];
    if (action == "latency") {
        out.kind = EventKind::kLatency;
        if (!field.present()) {
            field.expected("a latency such as {dist: constant, value: 2s}");
            return false;
        }
        return read_latency(field, nodes, out.latency);
    }
    if (action == "heal") {
        out.kind = EventKind::kHeal;
        if (field.scalar() == "all") return true;
        field.expected("all (heal: all)");
        return false;
    }
    if (nodes < 1) return false;  // node sets cannot be checked
    if (action == "partition") {
        out.kind = EventKind::kPartition;
        return read_partition(field, nodes, out);
    }
    if (action == "crash" || action == "restart") {
        out.kind = action == "crash" ? EventKind::kCrash : EventKind::kRestart;
        auto members = field.read_node_set(nodes);
        if (!members && !field.present()) field.expected("a node set such as \"7\"");
        if (!members) return false;
        out.nodes = std::move(*members);
        return true;
    }
    if (action == "cut" || action == "restore") {
        out.kind = action == "cut" ? EventKind::kCut : EventKind::kRestore;
        return read_link(field, nodes, out);
    }
    out.kind = EventKind::kHashrate;
    return read_hashrate(field, nodes, out);
}

bool read_event(const Field& field, int nodes, core::Nanos duration, EventSpec& out) {
    if (!field.expect_map()) return false;
    std::vector<std::string_view> allowed = {"at"};
    allowed.insert(allowed.end(), kActions.begin(), kActions.end());
    const bool keys_known = field.check_keys(allowed, "an event");
    bool ok = keys_known;

    if (field["at"].require("at: 30m")) {
        if (auto at = field["at"].read_duration()) {
            out.at = *at;
            if (duration > 0 && *at > duration) {
                field["at"].error(
                    "the event at " + format_duration(*at) +
                    " is after the end of the run (duration: " + format_duration(duration) + ")");
                ok = false;
            }
        } else {
            ok = false;
        }
    } else {
        ok = false;
    }

    std::vector<std::string_view> actions;
    for (const MapEntry& entry : field.entries()) {
        auto it = std::find(kActions.begin(), kActions.end(), entry.key);
        if (it != kActions.end()) actions.push_back(*it);
    }
    if (actions.size() > 1) {
        field.error("an event has one action, this one has " + join_names(actions) +
                    "; give each its own entry (entries with the same `at` run in listed order)");
        return false;
    }
    if (actions.empty()) {
        // A misspelt action is already reported as an unknown key.
        if (keys_known) field.error("expected an action: one of " + join_names(kActions));
        return false;
    }
    return read_action(field, actions.front(), nodes, out) && ok;
}

// A restart brings back crashed nodes; one naming a node that is up at that time would do
// nothing (and report a meaningless convergence), so it is an error at the restart.
// `restart: all` brings back whichever nodes are down, so it needs only one of them.
void check_restarts(const Field& list,
                    const std::vector<std::pair<EventSpec, std::size_t>>& timeline, int nodes) {
    std::vector<bool> down(static_cast<std::size_t>(std::max(nodes, 0)), false);
    for (const auto& [event, index] : timeline) {
        if (event.kind == EventKind::kCrash) {
            for (int node : event.nodes)
                down[static_cast<std::size_t>(node)] = true;
            continue;
        }
        if (event.kind != EventKind::kRestart) continue;
        std::vector<int> up, back;
        for (int node : event.nodes)
            (down[static_cast<std::size_t>(node)] ? back : up).push_back(node);
        const Field field = list.at(index)["restart"];
        const bool all = field.scalar() == "all";
        if (back.empty()) {
            field.error(concat("no node is down at ", format_duration(event.at),
                               " (none crashed before), so this restart would do nothing; "
                               "restart names nodes an earlier crash took down"));
        } else if (!up.empty() && !all) {
            field.error(concat("node(s) ", format_node_set(up), " did not crash before ",
                               format_duration(event.at),
                               ", so they cannot restart; down then: ", format_node_set(back)));
        }
        for (int node : back)
            down[static_cast<std::size_t>(node)] = false;
    }
}

}  // namespace

void read_events(const Field& field, int nodes, core::Nanos duration, std::vector<EventSpec>& out) {
    out.clear();
    if (!field.present()) return;
    if (!field.expect_sequence(R"(a list of events such as [{at: 30m, heal: all}])")) return;
    std::vector<std::pair<EventSpec, std::size_t>> timeline;  // (event, index in the list)
    for (std::size_t i = 0; i < field.size(); ++i) {
        EventSpec event;
        if (read_event(field.at(i), nodes, duration, event))
            timeline.emplace_back(std::move(event), i);
    }
    std::stable_sort(timeline.begin(), timeline.end(),
                     [](const auto& a, const auto& b) { return a.first.at < b.first.at; });
    // With an entry unreadable, a restart could only be checked against a guess.
    if (timeline.size() == field.size()) check_restarts(field, timeline, nodes);
    for (auto& entry : timeline)
        out.push_back(std::move(entry.first));
}

void read_expectations(const Field& field, std::vector<ExpectationSpec>& out) {
    out.clear();
    if (!field.present()) return;
    if (!field.expect_sequence("a list such as [{converged_within: 10m}, {max_reorg_depth: 6}]")) {
        return;
    }
    const std::vector<std::string_view> kinds = {"converged_within", "max_reorg_depth",
                                                 "stale_rate_below"};
    for (std::size_t i = 0; i < field.size(); ++i) {
        Field entry = field.at(i);
        if (!entry.expect_map()) continue;
        if (!entry.check_keys(kinds, "an expectation")) continue;
        if (entry.size() != 1) {
            entry.expected("exactly one check per entry, such as {max_reorg_depth: 6}");
            continue;
        }
        MapEntry check = entry.entries().front();
        if (!check.value.present()) {
            check.value.expected("a value such as " + check.key + ": " +
                                 (check.key == "converged_within"  ? "10m"
                                  : check.key == "max_reorg_depth" ? "6"
                                                                   : "0.05"));
            continue;
        }
        ExpectationSpec expectation;
        if (check.key == "converged_within") {
            expectation.kind = ExpectationKind::kConvergedWithin;
            auto within = check.value.read_duration(true);
            if (!within) continue;
            expectation.converged_within = *within;
        } else if (check.key == "max_reorg_depth") {
            expectation.kind = ExpectationKind::kMaxReorgDepth;
            auto depth = check.value.read_int(0, 1'000'000);
            if (!depth) continue;
            expectation.max_reorg_depth = static_cast<int>(*depth);
        } else {
            expectation.kind = ExpectationKind::kStaleRateBelow;
            auto rate = check.value.read_number(0, 1, true, false);
            if (!rate) continue;
            expectation.stale_rate_below = *rate;
        }
        out.push_back(expectation);
    }
}

}  // namespace sim::scenario_internal

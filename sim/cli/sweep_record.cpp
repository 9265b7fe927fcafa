// Sweep plans and run results as JSON, the order runs are handed out in, and atomic writes
// (sim/cli/sweep.h). These are what travel between the processes of a cluster sweep: the
// plan from `--plan` to every `--run-task` and to `--collect`, a result from a worker rank to
// rank 0 or from a Slurm task to `--collect`.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <numeric>

#include "sim/cli/cli.h"
#include "sim/cli/sweep.h"

namespace cli {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr int kPlanVersion = 1;

// Links per node of the scenario's topology, on average (only for the cost estimate).
double links_per_node(const sim::Scenario& s) {
    const double nodes = s.network.nodes;
    const sim::TopologySpec& t = s.network.topology;
    using K = sim::TopologyKind;
    if (t.kind == K::kFull) return nodes - 1;
    if (t.kind == K::kRandomRegular) return t.degree;
    if (t.kind == K::kErdosRenyi) return t.p * (nodes - 1);
    if (t.kind == K::kSmallWorld) return t.k;
    if (t.kind == K::kScaleFree) return 2.0 * t.m;
    if (t.kind == K::kExplicit)
        return nodes > 0 ? 2.0 * static_cast<double>(t.edges.size()) / nodes : 0;
    return 2;  // ring, line, star: about two links per node
}

}  // namespace

double run_cost(const sim::Scenario& s) {
    const double interval = static_cast<double>(s.consensus.block_interval) / 1e9;
    const double span = s.duration > 0 ? static_cast<double>(s.duration) / 1e9
                                       : static_cast<double>(s.until_height) * interval;
    const double per_second = 1.0 / interval + (s.workload ? s.workload->tx_rate : 0.0);
    return span * per_second * s.network.nodes * std::max(1.0, links_per_node(s));
}

std::vector<std::size_t> longest_first(const SweepPlan& plan) {
    std::vector<std::size_t> order(plan.tasks.size());
    std::iota(order.begin(), order.end(), 0);
    auto cost = [&](std::size_t k) {
        const std::size_t point = plan.tasks[k].point;
        return point < plan.costs.size() ? plan.costs[point] : 0.0;
    };
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return cost(a) > cost(b); });
    return order;
}

json task_record(std::size_t index, const Task& task) {
    json exit = nullptr;
    if (task.exit) exit = {{"code", task.exit->code}, {"signal", task.exit->signal}};
    return {{"task", index}, {"point", task.point}, {"seed", task.seed},
            {"exit", exit},  {"error", task.error}, {"report", task.report}};
}

bool from_record(const json& r, std::size_t index, Task& task) {
    if (!r.is_object() || r.value("task", json()) != json(index) ||
        r.value("point", json()) != json(task.point) || r.value("seed", json()) != json(task.seed))
        return false;
    const json exit = r.value("exit", json());
    const json error = r.value("error", json());
    if (!error.is_string()) return false;
    task.error = error.get<std::string>();
    task.exit.reset();
    if (exit.is_object()) {
        if (!exit.value("code", json()).is_number_integer() ||
            !exit.value("signal", json()).is_number_integer())
            return false;
        task.exit = reports::ChildExit{exit["code"].get<int>(), exit["signal"].get<int>()};
    } else if (!exit.is_null()) {
        return false;
    }
    if (task.error.empty() && (!task.exit || !r.value("report", json()).is_object())) return false;
    task.report = r.value("report", json());
    note_failed_expectations(task);
    return true;
}

json plan_json(const SweepPlan& plan) {
    json params = json::array();
    for (const sim::SweepParam& p : plan.params)
        params.push_back({{"path", p.path}, {"values", p.values}});
    json points = json::array();
    for (const sim::SweepPoint& p : plan.points) {
        json pairs = json::array();
        for (const auto& [path, value] : p.params)
            pairs.push_back({path, value});
        points.push_back(pairs);
    }
    json tasks = json::array();
    for (const Task& t : plan.tasks) {
        tasks.push_back({{"point", t.point},
                         {"seed", t.seed},
                         {"folder", t.folder.string()},
                         {"argv", t.argv}});
    }
    return {{"chainsim_sweep_plan", kPlanVersion},
            {"name", plan.name},
            {"scenario", plan.scenario},
            {"seeds", {{"first", plan.seeds.first}, {"last", plan.seeds.last}}},
            {"params", params},
            {"points", points},
            {"width", plan.width},
            {"out", plan.out.string()},
            {"costs", plan.costs},
            {"tasks", tasks}};
}

sim::Expected<SweepPlan> plan_from_json(const json& j) {
    try {
        if (!j.is_object() || j.value("chainsim_sweep_plan", 0) != kPlanVersion)
            return sim::Error{"not a chainsim sweep plan (version " + std::to_string(kPlanVersion) +
                              ")"};
        SweepPlan plan;
        plan.name = j.at("name").get<std::string>();
        plan.scenario = j.at("scenario").get<std::string>();
        plan.seeds.first = j.at("seeds").at("first").get<std::uint64_t>();
        plan.seeds.last = j.at("seeds").at("last").get<std::uint64_t>();
        for (const json& p : j.at("params"))
            plan.params.push_back(
                {p.at("path").get<std::string>(), p.at("values").get<std::vector<std::string>>()});
        for (const json& pairs : j.at("points")) {
            sim::SweepPoint point;
            for (const json& pair : pairs)
                point.params.emplace_back(pair.at(0).get<std::string>(),
                                          pair.at(1).get<std::string>());
            plan.points.push_back(std::move(point));
        }
        plan.width = j.at("width").get<std::size_t>();
        plan.out = j.at("out").get<std::string>();
        plan.costs = j.at("costs").get<std::vector<double>>();
        for (const json& t : j.at("tasks")) {
            Task task;
            task.point = t.at("point").get<std::size_t>();
            task.seed = t.at("seed").get<std::uint64_t>();
            task.folder = t.at("folder").get<std::string>();
            task.argv = t.at("argv").get<std::vector<std::string>>();
            if (task.point >= plan.points.size() || task.argv.empty())
                return sim::Error{"task " + std::to_string(plan.tasks.size()) +
                                  " names no point of the plan or has no command"};
            plan.tasks.push_back(std::move(task));
        }
        if (plan.points.empty() || plan.tasks.empty() || plan.costs.size() != plan.points.size())
            return sim::Error{"the plan has no points, no tasks, or a cost per point missing"};
        return plan;
    } catch (const json::exception& e) {
        return sim::Error{std::string("malformed plan: ") + e.what()};
    }
}

void write_file_atomically(const fs::path& path, const std::string& text) {
    // The temporary name is unique per host and process, so concurrent writers (a task run
    // twice) never share one; rename() replaces the target in one step.
    char host[256] = {};
    ::gethostname(host, sizeof host - 1);
    const fs::path tmp = path.string() + ".tmp." + host + "." + std::to_string(::getpid());
    {
        std::ofstream file(tmp, std::ios::binary | std::ios::trunc);
        file << text;
        file.flush();
        if (!file) throw Exit(kExitInternal, tmp.string() + ": cannot write");
    }
    std::error_code ec;
    fs::rename(tmp, path, ec);
    if (ec) {
        fs::remove(tmp, ec);
        throw Exit(kExitInternal, path.string() + ": cannot write");
    }
}

}  // namespace cli

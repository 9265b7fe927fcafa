#include "reports/sweep_stats.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

namespace reports {
namespace {

using nlohmann::json;

void flatten(const json& j, const std::string& name, std::map<std::string, double>& out) {
    if (j.is_object()) {
        for (auto it = j.begin(); it != j.end(); ++it) {
            // Curves and timelines are plotting data, not figures of the run.
            if (it.key() == "theory_curve" || it.key() == "hashrate_timeline") continue;
            flatten(it.value(), name.empty() ? it.key() : name + "." + it.key(), out);
        }
    } else if (j.is_array()) {
        for (std::size_t i = 0; i < j.size(); ++i)
            flatten(j[i], name + "." + std::to_string(i), out);
    } else if (j.is_boolean()) {
        out[name] = j.get<bool>() ? 1.0 : 0.0;
    } else if (j.is_number()) {
        out[name] = j.get<double>();
    }
}

bool is_count_map_entry(const std::string& figure) {
    return figure.rfind("reorgs.depth_histogram.", 0) == 0 ||
           figure.rfind("transactions.rejected.", 0) == 0;
}

std::string number(double v) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.10g", v);
    return buf;
}

std::string csv_cell(const json& v) {
    if (v.is_null()) return {};
    if (v.is_number()) return number(v.get<double>());
    std::string text = v.is_string() ? v.get<std::string>() : v.dump();
    if (text.find_first_of(",\"\n") == std::string::npos) return text;
    std::string quoted = "\"";
    for (char c : text)
        quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    return quoted + "\"";
}

void append_cell(std::string& line, const std::string& cell) {
    line += ',';
    line += cell;
}

}  // namespace

std::map<std::string, double> flatten_figures(const json& report) {
    std::map<std::string, double> out;
    flatten(report, "", out);
    out.erase("seed");
    out.erase("wall_seconds");
    const json& convergence = report.contains("convergence") ? report["convergence"] : json();
    if (convergence.is_array() && !convergence.empty()) {
        double slowest = 0;
        bool all = true;
        for (const auto& c : convergence) {
            if (!c.is_object() || !c.contains("seconds") || !c["seconds"].is_number()) {
                all = false;
                break;
            }
            slowest = std::max(slowest, c["seconds"].get<double>());
        }
        if (all) out["convergence.max_seconds"] = slowest;
    }
    return out;
}

double student_t_975(std::size_t df) {
    static constexpr double kTable[] = {
        12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.3060, 2.2622, 2.2281,
        2.2010,  2.1788, 2.1604, 2.1448, 2.1314, 2.1199, 2.1098, 2.1009, 2.0930, 2.0860,
        2.0796,  2.0739, 2.0687, 2.0639, 2.0595, 2.0555, 2.0518, 2.0484, 2.0452, 2.0423};
    if (df == 0) df = 1;
    if (df <= 30) return kTable[df - 1];
    // Beyond the table t is close to linear in 1/df: interpolate between known points.
    struct Point {
        double df;
        double t;
    };
    static constexpr Point kTail[] = {
        {30, 2.0423}, {40, 2.0211}, {60, 2.0003}, {120, 1.9799}, {1e300, 1.9600}};
    const double x = 1.0 / static_cast<double>(df);
    for (std::size_t i = 0; i + 1 < std::size(kTail); ++i) {
        const Point a = kTail[i], b = kTail[i + 1];
        if (static_cast<double>(df) <= b.df) {
            const double xa = 1.0 / a.df, xb = 1.0 / b.df;
            return a.t + (b.t - a.t) * (x - xa) / (xb - xa);
        }
    }
    return 1.9600;
}

FigureStats figure_stats(const std::vector<double>& values) {
    FigureStats s;
    s.n = values.size();
    double sum = 0;
    for (double v : values)
        sum += v;
    s.mean = sum / static_cast<double>(s.n);
    if (s.n < 2) return s;
    double squares = 0;
    for (double v : values)
        squares += (v - s.mean) * (v - s.mean);
    s.stddev = std::sqrt(squares / static_cast<double>(s.n - 1));
    const double half = student_t_975(s.n - 1) * *s.stddev / std::sqrt(static_cast<double>(s.n));
    s.ci95_low = s.mean - half;
    s.ci95_high = s.mean + half;
    return s;
}

json point_stats(const std::vector<json>& reports) {
    std::vector<std::map<std::string, double>> runs;
    std::set<std::string> names;
    for (const json& r : reports) {
        runs.push_back(flatten_figures(r));
        for (const auto& [name, value] : runs.back())
            names.insert(name);
    }
    const auto optional = [](const std::optional<double>& v) { return v ? json(*v) : json(); };
    json stats = json::object();
    for (const std::string& name : names) {
        std::vector<double> values;
        for (const auto& run : runs) {
            auto it = run.find(name);
            if (it != run.end()) {
                values.push_back(it->second);
            } else if (is_count_map_entry(name)) {
                values.push_back(0.0);
            }
        }
        const FigureStats s = figure_stats(values);
        stats[name] = {{"n", s.n},
                       {"mean", s.mean},
                       {"stddev", optional(s.stddev)},
                       {"ci95_low", optional(s.ci95_low)},
                       {"ci95_high", optional(s.ci95_high)}};
    }
    return stats;
}

std::string sweep_csv(const json& sweep) {
    const json& points = sweep.at("points");
    std::vector<std::string> params;
    std::set<std::string> figures;
    for (const auto& p : points) {
        for (auto it = p.at("params").begin(); it != p.at("params").end(); ++it) {
            if (std::find(params.begin(), params.end(), it.key()) == params.end())
                params.push_back(it.key());
        }
        for (auto it = p.at("stats").begin(); it != p.at("stats").end(); ++it)
            figures.insert(it.key());
    }
    static const char* kFields[] = {"mean", "stddev", "ci95_low", "ci95_high"};
    std::string out = "point,folder";
    // (out += "," + cell trips a GCC 12 -Wrestrict false positive.)
    for (const auto& p : params)
        append_cell(out, csv_cell(p));
    out += ",runs,failed";
    for (const auto& f : figures) {
        for (const char* field : kFields)
            append_cell(out, csv_cell(f + "." + field));
    }
    out += "\n";
    for (std::size_t i = 0; i < points.size(); ++i) {
        const json& p = points[i];
        out += std::to_string(i);
        append_cell(out, csv_cell(p.value("folder", "")));
        for (const auto& name : params)
            append_cell(out, csv_cell(p.at("params").value(name, json())));
        append_cell(out, csv_cell(p.value("runs", json())));
        append_cell(out, csv_cell(p.value("failed", json())));
        for (const auto& f : figures) {
            const json stat = p.at("stats").value(f, json::object());
            for (const char* field : kFields)
                append_cell(out, csv_cell(stat.value(field, json())));
        }
        out += "\n";
    }
    return out;
}

}  // namespace reports

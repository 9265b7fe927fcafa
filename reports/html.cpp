#include "reports/html.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "reports/plots.h"

namespace reports {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

constexpr const char* kStyle = R"(
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2em auto;
  max-width:1150px;padding:0 1em;color:#222;line-height:1.4}
h1{font-size:1.6em;margin-bottom:.2em} h2{font-size:1.25em;margin-top:1.6em;
  border-bottom:1px solid #ddd;padding-bottom:.2em}
.sub{color:#666;margin-top:0}
table{border-collapse:collapse;margin:.5em 0} td,th{padding:.25em .8em;text-align:left;
  border-bottom:1px solid #eee;vertical-align:top} th{background:#f5f5f5}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.pass{color:#1a7f37;font-weight:600} .fail{color:#c62828;font-weight:600}
.banner{padding:.6em 1em;border-radius:6px;margin:1em 0;font-weight:600}
.banner.pass{background:#e6f4ea} .banner.fail{background:#fdecea}
.grid{display:flex;flex-wrap:wrap;gap:2em} .grid>div{flex:1 1 420px}
figure{margin:1.5em 0} figure img{max-width:100%;border:1px solid #eee}
figcaption{color:#444;font-size:.92em;max-width:900px}
pre{background:#f7f7f7;padding:1em;overflow-x:auto;font-size:.88em}
.note{color:#8a6d00;background:#fff8e1;padding:.5em 1em;border-radius:6px}
code{font-size:.9em}
)";

std::string escape(const std::string& text) {
    std::string out;
    for (char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

std::string base64(const std::string& bytes) {
    static const char* kAlphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        const unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) |
                           (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                           static_cast<unsigned char>(bytes[i + 2]);
        for (int shift : {18, 12, 6, 0})
            out += kAlphabet[(v >> shift) & 63];
    }
    if (i < bytes.size()) {
        unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
        if (i + 1 < bytes.size()) v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
        out += kAlphabet[(v >> 18) & 63];
        out += kAlphabet[(v >> 12) & 63];
        out += i + 1 < bytes.size() ? kAlphabet[(v >> 6) & 63] : '=';
        out += '=';
    }
    return out;
}

// A field by JSON pointer ("/blocks/mined"), or null when absent.
json field(const json& j, const std::string& pointer) {
    const json::json_pointer p(pointer);
    return j.contains(p) ? j.at(p) : json(nullptr);
}

// A number with `digits` decimals and a unit, "n/a" for null or non-numbers, text as is.
std::string show(const json& v, int digits = -1, const std::string& unit = "") {
    if (v.is_string()) return escape(v.get<std::string>());
    if (v.is_boolean()) return v.get<bool>() ? "yes" : "no";
    if (!v.is_number()) return "n/a";
    std::string text;
    if (v.is_number_integer() || v.is_number_unsigned()) {
        text = v.dump();
    } else {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.*f", digits < 0 ? 3 : digits, v.get<double>());
        text = buf;
    }
    return unit.empty() ? text : text + " " + unit;
}

void row(std::ostringstream& o, const std::string& name, const std::string& value) {
    o << "<tr><td>" << name << "</td><td class=num>" << value << "</td></tr>\n";
}

// An expectation passed only if its "passed" is true; anything else (missing, mistyped)
// counts as a failure rather than an error.
bool passed(const json& expectation) {
    const json p = field(expectation, "/passed");
    return p.is_boolean() && p.get<bool>();
}

void expectations(std::ostringstream& o, const json& report) {
    const json list = field(report, "/expectations");
    o << "<h2>Expectations</h2>\n";
    if (!list.is_array() || list.empty()) {
        o << "<p>The scenario has no <code>expect:</code> entries.</p>\n";
        return;
    }
    std::size_t failed = 0;
    for (const auto& e : list)
        failed += passed(e) ? 0 : 1;
    if (failed == 0) {
        o << "<div class='banner pass'>All " << list.size() << " expectations passed.</div>\n";
    } else {
        o << "<div class='banner fail'>" << failed << " of " << list.size()
          << " expectations FAILED.</div>\n";
    }
    o << "<table><tr><th>expectation</th><th>result</th><th>detail</th></tr>\n";
    for (const auto& e : list) {
        o << "<tr><td><code>" << show(field(e, "/name"))
          << "</code></td><td class=" << (passed(e) ? "pass>pass" : "fail>FAIL") << "</td><td>"
          << show(field(e, "/detail")) << "</td></tr>\n";
    }
    o << "</table>\n";
}

void summary(std::ostringstream& o, const json& r) {
    o << "<h2>Summary</h2>\n<div class=grid><div><table>\n";
    row(o, "nodes", show(field(r, "/nodes")));
    row(o, "simulated time", show(field(r, "/sim_seconds"), 1, "s"));
    row(o, "wall time", show(field(r, "/wall_seconds"), 2, "s"));
    row(o, "events", show(field(r, "/events")));
    row(o, "blocks mined", show(field(r, "/blocks/mined")));
    row(o, "on the main chain", show(field(r, "/blocks/main_chain")));
    row(o, "stale", show(field(r, "/blocks/stale")));
    row(o, "stale rate", show(field(r, "/blocks/stale_rate"), 4));
    row(o, "forks (stale branches)", show(field(r, "/forks/count")));
    row(o, "longest stale branch", show(field(r, "/forks/max_depth"), 0, "blocks"));
    row(o, "reorgs (any node)", show(field(r, "/reorgs/count")));
    row(o, "deepest reorg", show(field(r, "/reorgs/max_depth"), 0, "blocks"));
    row(o, "tip agreement: min", show(field(r, "/tip_agreement/min"), 3));
    row(o, "tip agreement: mean", show(field(r, "/tip_agreement/mean"), 3));
    o << "</table></div><div>\n";

    o << "<table><tr><th>propagation (ms)</th><th>mean</th><th>median</th><th>p90</th></tr>\n";
    for (const char* q : {"t50_ms", "t90_ms", "t100_ms"}) {
        const std::string base = std::string("/propagation/") + q;
        o << "<tr><td>" << q << "</td><td class=num>" << show(field(r, base + "/mean"), 1)
          << "</td><td class=num>" << show(field(r, base + "/median"), 1) << "</td><td class=num>"
          << show(field(r, base + "/p90"), 1) << "</td></tr>\n";
    }
    o << "</table>\n";

    const json convergence = field(r, "/convergence");
    if (convergence.is_array() && !convergence.empty()) {
        o << "<table><tr><th>convergence after</th><th>at</th><th>took</th></tr>\n";
        for (const auto& c : convergence) {
            const json seconds = field(c, "/seconds");
            o << "<tr><td>" << show(field(c, "/event")) << "</td><td class=num>"
              << show(field(c, "/at_s"), 1, "s") << "</td><td class=num>"
              << (seconds.is_null() ? "<span class=fail>never</span>" : show(seconds, 3, "s"))
              << "</td></tr>\n";
        }
        o << "</table>\n";
    }

    const json tx = field(r, "/transactions");
    if (field(tx, "/submitted").is_number() && field(tx, "/submitted").get<double>() > 0) {
        o << "<table><tr><th colspan=2>transactions</th></tr>\n";
        row(o, "submitted", show(field(tx, "/submitted")));
        row(o, "confirmed (on the main chain)", show(field(tx, "/confirmed")));
        const json rejected = field(tx, "/rejected");
        if (rejected.is_object()) {
            for (auto it = rejected.begin(); it != rejected.end(); ++it)
                row(o, "rejected: " + escape(it.key()), show(it.value()));
        }
        const std::string k = show(field(tx, "/confirmations"));
        row(o, "with k=" + k + " confirmations", show(field(tx, "/confirmed_k")));
        row(o, "confirmation (k=" + k + "): median",
            show(field(tx, "/confirmation_s/median"), 1, "s"));
        row(o, "confirmation (k=" + k + "): p90", show(field(tx, "/confirmation_s/p90"), 1, "s"));
        o << "</table>\n";
    }
    o << "</div></div>\n";

    const json miners = field(r, "/miners");
    if (miners.is_array() && !miners.empty()) {
        o << "<table><tr><th>miners (nodes)</th><th>strategy</th><th>hashrate share "
             "(time-weighted)</th><th>at the start</th><th>main-chain blocks</th><th>revenue "
             "share</th></tr>\n";
        for (const auto& m : miners) {
            o << "<tr><td>" << show(field(m, "/nodes")) << "</td><td>"
              << show(field(m, "/strategy")) << "</td><td class=num>"
              << show(field(m, "/hashrate_share"), 3) << "</td><td class=num>"
              << show(field(m, "/hashrate_share_initial"), 3) << "</td><td class=num>"
              << show(field(m, "/main_chain_blocks")) << "</td><td class=num>"
              << show(field(m, "/revenue_share"), 3) << "</td></tr>\n";
        }
        o << "</table>\n";
    }
    const json attacks = field(r, "/attacks");
    if (attacks.is_array() && !attacks.empty()) {
        o << "<table><tr><th>attack</th><th>nodes</th><th>hashrate share</th><th>revenue "
             "share</th><th>attempts</th><th>successes</th><th>success rate</th><th>theory</th>"
             "</tr>\n";
        for (const auto& a : attacks) {
            const json theory = field(a, "/theory");
            json expected = nullptr;
            if (theory.is_object()) {
                expected = theory.contains("revenue_share") ? theory["revenue_share"]
                                                            : theory["success_probability"];
            }
            o << "<tr><td>" << show(field(a, "/kind")) << " " << show(field(a, "/variant"))
              << "</td><td>" << show(field(a, "/nodes")) << "</td><td class=num>"
              << show(field(a, "/hashrate_share"), 3) << "</td><td class=num>"
              << show(field(a, "/revenue_share"), 3) << "</td><td class=num>"
              << show(field(a, "/attempts")) << "</td><td class=num>"
              << show(field(a, "/successes")) << "</td><td class=num>"
              << show(field(a, "/success_rate"), 3) << "</td><td class=num>" << show(expected, 3)
              << "</td></tr>\n";
        }
        o << "</table>\n";
    }
    const json warnings = field(r, "/warnings");
    if (warnings.is_array() && !warnings.empty()) {
        o << "<p class=note>Warnings:";
        for (const auto& w : warnings)
            o << "<br>" << show(w);
        o << "</p>\n";
    }
}

void plots(std::ostringstream& o, const std::string& dir, const std::string& plots_note) {
    o << "<h2>Plots</h2>\n";
    const bool workload = fs::exists(fs::path(dir) / "txs.csv");
    bool missing = false;
    for (const PlotFile& p : run_plot_files()) {
        const fs::path path = fs::path(dir) / p.file;
        if (std::string(p.file) == "confirmations.png" && !workload) continue;
        std::ifstream in(path, std::ios::binary);
        if (!in) {
            missing = true;
            continue;
        }
        std::ostringstream bytes;
        bytes << in.rdbuf();
        o << "<figure><img alt='" << p.title << "' src='data:image/png;base64,"
          << base64(bytes.str()) << "'><figcaption><b>" << p.title << ".</b> " << p.caption
          << "</figcaption></figure>\n";
    }
    if (missing) {
        o << "<p class=note>Some plots are missing"
          << (plots_note.empty() ? std::string(".") : ": " + escape(plots_note))
          << "<br>Draw them with <code>chainsim report " << escape(dir) << "</code>.</p>\n";
    }
}

}  // namespace

std::string render_html(const std::string& dir, const json& report,
                        const std::string& scenario_yaml, const std::string& plots_note) {
    const std::string name = show(field(report, "/scenario"));
    const std::string seed = show(field(report, "/seed"));
    std::ostringstream o;
    o << "<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>\n<title>chainsim: " << name
      << " (seed " << seed << ")</title>\n<style>" << kStyle << "</style></head><body>\n";
    o << "<h1>chainsim report: " << name << "</h1>\n<p class=sub>seed " << seed
      << " &middot; trace digest <code>" << show(field(report, "/trace_digest")) << "</code></p>\n";
    expectations(o, report);
    summary(o, report);
    plots(o, dir, plots_note);
    o << "<h2>Files</h2>\n<p>";
    for (const char* f : {"report.json", "scenario.yaml", "blocks.csv", "tips.csv", "reorgs.csv",
                          "propagation.csv", "events.csv", "txs.csv"}) {
        if (fs::exists(fs::path(dir) / f)) o << "<a href='" << f << "'>" << f << "</a> &nbsp; ";
    }
    o << "</p>\n<h2>Scenario as run</h2>\n<p class=sub>The YAML with every <code>--set</code> "
         "override applied; run with seed "
      << seed << ".</p>\n<pre>" << escape(scenario_yaml) << "</pre>\n</body></html>\n";
    return o.str();
}

std::string write_html(const std::string& dir, const json& report, const std::string& scenario_yaml,
                       const std::string& plots_note) {
    const fs::path path = fs::path(dir) / "report.html";
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << render_html(dir, report, scenario_yaml, plots_note);
    out.flush();
    return out ? std::string() : path.string() + ": cannot write";
}

}  // namespace reports

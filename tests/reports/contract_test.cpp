// report.json against the contract of docs/report.md (every key present, types right, the
// figures consistent with each other) and the CSV series against report.json, for every
// shipped scenario and for test scenarios that exercise every part of the report.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cmath>

#include <yaml-cpp/yaml.h>
#include "reports_test_util.h"
#include "sim/scenario/scenario.h"
#include "sim/scenario/units.h"

namespace reports {
namespace {

using nlohmann::json;
using testing::Csv;
using testing::TempDir;
namespace fs = std::filesystem;

// Collects contract violations as "path: problem".
class ContractCheck {
  public:
    explicit ContractCheck(const json& report) : report_(report) {}

    const json* at(const std::string& path) {
        const json::json_pointer p(path);
        if (!report_.contains(p)) {
            problems_.push_back(path + ": missing");
            return nullptr;
        }
        return &report_.at(p);
    }
    void integer(const std::string& path) { check(path, "a non-negative integer", is_count); }
    void number(const std::string& path) { check(path, "a number", is_number); }
    void number_or_null(const std::string& path) {
        check(path, "a number or null", [](const json& v) { return v.is_null() || v.is_number(); });
    }
    void string(const std::string& path) {
        check(path, "a string", [](const json& v) { return v.is_string(); });
    }
    void boolean(const std::string& path) {
        check(path, "a boolean", [](const json& v) { return v.is_boolean(); });
    }
    void object(const std::string& path) {
        check(path, "an object", [](const json& v) { return v.is_object(); });
    }
    void array(const std::string& path) {
        check(path, "an array", [](const json& v) { return v.is_array(); });
    }
    void fail(const std::string& what) { problems_.push_back(what); }
    const std::vector<std::string>& problems() const { return problems_; }

  private:
    static bool is_count(const json& v) {
        return v.is_number_unsigned() || (v.is_number_integer() && v.get<long long>() >= 0);
    }
    static bool is_number(const json& v) { return v.is_number(); }
    template <class Pred>
    void check(const std::string& path, const char* expected, Pred pred) {
        const json* v = at(path);
        if (v != nullptr && !pred(*v))
            problems_.push_back(path + ": expected " + expected + ", got " + v->dump());
    }
    const json& report_;
    std::vector<std::string> problems_;
};

std::vector<std::string> contract_problems(const json& r) {
    ContractCheck c(r);
    if (!r.is_object()) return {"report.json is not an object"};
    c.string("/scenario");
    c.integer("/seed");
    c.string("/trace_digest");
    c.number("/sim_seconds");
    c.number("/wall_seconds");
    c.integer("/events");
    c.integer("/nodes");
    for (const char* k : {"mined", "main_chain", "stale"})
        c.integer(std::string("/blocks/") + k);
    c.number("/blocks/stale_rate");
    c.integer("/forks/count");
    c.integer("/forks/max_depth");
    c.integer("/reorgs/count");
    c.integer("/reorgs/max_depth");
    c.object("/reorgs/depth_histogram");
    for (const char* q : {"t50_ms", "t90_ms", "t95_ms", "t100_ms"}) {
        for (const char* s : {"mean", "median", "p90"})
            c.number_or_null(std::string("/propagation/") + q + "/" + s);
    }
    c.array("/convergence");
    c.number_or_null("/tip_agreement/min");
    c.number_or_null("/tip_agreement/mean");
    c.integer("/transactions/submitted");
    c.integer("/transactions/confirmed");
    c.object("/transactions/rejected");
    c.number_or_null("/transactions/confirmation_s/median");
    c.number_or_null("/transactions/confirmation_s/p90");
    c.array("/miners");
    c.array("/attacks");
    c.array("/expectations");
    if (!c.problems().empty()) return c.problems();

    // Entries of the lists and maps.
    const std::string digest = r["trace_digest"];
    if (digest.size() != 64 || digest.find_first_not_of("0123456789abcdef") != std::string::npos)
        c.fail("/trace_digest: expected 64 hex digits, got " + digest);
    for (auto it = r["reorgs"]["depth_histogram"].begin();
         it != r["reorgs"]["depth_histogram"].end(); ++it) {
        if (it.key().find_first_not_of("0123456789") != std::string::npos)
            c.fail("/reorgs/depth_histogram: key " + it.key() + " is not a depth");
        c.integer("/reorgs/depth_histogram/" + it.key());
    }
    for (auto it = r["transactions"]["rejected"].begin(); it != r["transactions"]["rejected"].end();
         ++it)
        c.integer("/transactions/rejected/" + it.key());
    for (std::size_t i = 0; i < r["convergence"].size(); ++i) {
        const std::string p = "/convergence/" + std::to_string(i);
        c.string(p + "/event");
        c.number(p + "/at_s");
        c.number_or_null(p + "/converged_at_s");
        c.number_or_null(p + "/seconds");
    }
    for (std::size_t i = 0; i < r["miners"].size(); ++i) {
        const std::string p = "/miners/" + std::to_string(i);
        c.string(p + "/nodes");
        c.string(p + "/strategy");
        c.number(p + "/hashrate_share");
        c.number(p + "/hashrate_share_initial");
        c.integer(p + "/main_chain_blocks");
        c.number(p + "/revenue_share");
    }
    for (std::size_t i = 0; i < r["attacks"].size(); ++i) {
        const std::string p = "/attacks/" + std::to_string(i);
        c.string(p + "/kind");
        c.integer(p + "/attempts");
        c.integer(p + "/successes");
        c.number_or_null(p + "/success_rate");
        c.number(p + "/hashrate_share");
        c.number(p + "/revenue_share");
    }
    c.array("/hashrate_timeline");
    for (std::size_t i = 0; i < r["expectations"].size(); ++i) {
        const std::string p = "/expectations/" + std::to_string(i);
        c.string(p + "/name");
        c.boolean(p + "/passed");
        c.string(p + "/detail");
    }
    if (!c.problems().empty()) return c.problems();

    // Figures that must agree with each other.
    const auto& b = r["blocks"];
    if (b["mined"].get<std::uint64_t>() !=
        b["main_chain"].get<std::uint64_t>() + b["stale"].get<std::uint64_t>())
        c.fail("/blocks: mined != main_chain + stale");
    const double rate = b["mined"] == 0 ? 0.0 : b["stale"].get<double>() / b["mined"].get<double>();
    if (std::abs(rate - b["stale_rate"].get<double>()) > 1e-12)
        c.fail("/blocks/stale_rate: not stale / mined");
    std::uint64_t histogram_total = 0, deepest = 0;
    for (auto it = r["reorgs"]["depth_histogram"].begin();
         it != r["reorgs"]["depth_histogram"].end(); ++it) {
        histogram_total += it.value().get<std::uint64_t>();
        deepest = std::max<std::uint64_t>(deepest, std::stoull(it.key()));
    }
    if (histogram_total != r["reorgs"]["count"])
        c.fail("/reorgs/depth_histogram: does not sum to count");
    if (deepest != r["reorgs"]["max_depth"])
        c.fail("/reorgs/max_depth: not the deepest histogram entry");
    if (r["transactions"]["confirmed"].get<std::uint64_t>() >
        r["transactions"]["submitted"].get<std::uint64_t>())
        c.fail("/transactions: more confirmed than submitted");
    double share = 0;
    std::uint64_t miner_blocks = 0;
    for (const auto& m : r["miners"]) {
        share += m["revenue_share"].get<double>();
        miner_blocks += m["main_chain_blocks"].get<std::uint64_t>();
    }
    if (!r["miners"].empty() && b["main_chain"] != 0 && std::abs(share - 1.0) > 1e-9)
        c.fail("/miners: revenue shares do not sum to 1");
    if (!r["miners"].empty() && miner_blocks != b["main_chain"])
        c.fail("/miners: main_chain_blocks do not sum to blocks.main_chain");
    return c.problems();
}

// The CSV series must describe the same run as report.json.
void expect_series_match(const fs::path& dir, const json& r, bool workload) {
    const Csv blocks = testing::read_csv(dir / "blocks.csv");
    EXPECT_EQ(blocks.header,
              (std::vector<std::string>{"hash", "parent", "height", "miner", "found_s",
                                        "main_chain", "txs", "reached", "bits"}));
    EXPECT_EQ(blocks.rows.size(), r["blocks"]["mined"].get<std::size_t>())
        << "blocks.csv rows = blocks.mined";
    std::size_t on_main = 0;
    for (const auto& row : blocks.rows)
        on_main += row.at(5) == "1" ? 1 : 0;
    EXPECT_EQ(on_main, r["blocks"]["main_chain"].get<std::size_t>())
        << "blocks.csv main_chain rows";

    const Csv propagation = testing::read_csv(dir / "propagation.csv");
    EXPECT_EQ(std::vector<std::string>(propagation.header.begin(), propagation.header.begin() + 4),
              (std::vector<std::string>{"block", "t50_ms", "t90_ms", "t100_ms"}));
    EXPECT_EQ(propagation.rows.size(), r["blocks"]["mined"].get<std::size_t>());
    std::size_t reached_half = 0;
    for (const auto& row : propagation.rows)
        reached_half += row.at(1).empty() ? 0 : 1;
    EXPECT_EQ(reached_half > 0, !r["propagation"]["t50_ms"]["median"].is_null());

    const Csv reorgs = testing::read_csv(dir / "reorgs.csv");
    EXPECT_EQ(reorgs.header,
              (std::vector<std::string>{"t_s", "node", "depth", "old_tip", "new_tip"}));
    EXPECT_EQ(reorgs.rows.size(), r["reorgs"]["count"].get<std::size_t>())
        << "reorgs.csv rows = reorgs.count";
    std::size_t deepest = 0;
    for (const auto& row : reorgs.rows)
        deepest = std::max<std::size_t>(deepest, std::stoul(row.at(2)));
    EXPECT_EQ(deepest, r["reorgs"]["max_depth"].get<std::size_t>());

    const Csv tips = testing::read_csv(dir / "tips.csv");
    EXPECT_EQ(std::vector<std::string>(tips.header.begin(), tips.header.begin() + 3),
              (std::vector<std::string>{"t_s", "agreement", "distinct_tips"}));
    EXPECT_EQ(tips.rows.size(), r["tip_agreement"]["samples"].get<std::size_t>());
    if (!tips.rows.empty()) {
        double lo = 1, sum = 0;
        for (const auto& row : tips.rows) {
            lo = std::min(lo, std::stod(row.at(1)));
            sum += std::stod(row.at(1));
        }
        EXPECT_NEAR(lo, r["tip_agreement"]["min"].get<double>(), 1e-8);
        EXPECT_NEAR(sum / tips.rows.size(), r["tip_agreement"]["mean"].get<double>(), 1e-8);
    }

    EXPECT_EQ(fs::exists(dir / "txs.csv"), workload);
    if (workload) {
        const Csv txs = testing::read_csv(dir / "txs.csv");
        EXPECT_EQ(txs.rows.size(), r["transactions"]["submitted"].get<std::size_t>())
            << "txs.csv rows = submitted";
        std::size_t included = 0;
        for (const auto& row : txs.rows)
            included += row.at(txs.column("included_s")).empty() ? 0 : 1;
        EXPECT_EQ(included, r["transactions"]["confirmed"].get<std::size_t>());
        // confirmed_k is what the confirmations plot counts: rows with a confirmation time.
        std::size_t deep = 0;
        for (const auto& row : txs.rows)
            deep += row.at(txs.column("confirmation_s")).empty() ? 0 : 1;
        EXPECT_EQ(deep, r["transactions"].value("confirmed_k", std::size_t{0} - 1));
    }
}

// Runs `scenario` (with `overrides`) and checks the folder it wrote.
void check_run(const fs::path& scenario, const std::vector<std::string>& overrides, bool workload) {
    TempDir out;
    std::vector<std::string> args = {"run",        scenario.string(), "--quiet",
                                     "--no-plots", "--out",           (out / "run").string()};
    for (const auto& o : overrides) {
        args.push_back("--set");
        args.push_back(o);
    }
    const testing::CommandResult result = testing::chainsim(args);
    // 1 (an expectation failed) still writes a complete report: a shortened run may miss one.
    ASSERT_TRUE(result.exit_code == 0 || result.exit_code == 1) << result.output;
    const json report = testing::read_json(out / "run" / "report.json");
    ASSERT_FALSE(report.is_discarded()) << "report.json is not JSON";
    for (const std::string& p : contract_problems(report))
        ADD_FAILURE() << scenario.filename() << ": " << p;
    expect_series_match(out / "run", report, workload);
    EXPECT_TRUE(fs::exists(out / "run" / "scenario.yaml"));
    EXPECT_TRUE(fs::exists(out / "run" / "report.html"));
}

TEST(ReportContract, CheckerRejectsBrokenReports) {
    TempDir out;
    testing::write_file(out / "s.yaml", testing::kPartitionHeal);
    ASSERT_EQ(testing::chainsim({"run", (out / "s.yaml").string(), "--quiet", "--no-plots", "--out",
                                 (out / "r").string()})
                  .exit_code,
              0);
    const json good = testing::read_json(out / "r" / "report.json");
    EXPECT_TRUE(contract_problems(good).empty());
    json missing = good;
    missing["propagation"].erase("t90_ms");
    EXPECT_FALSE(contract_problems(missing).empty());
    json mistyped = good;
    mistyped["blocks"]["mined"] = "87";
    EXPECT_FALSE(contract_problems(mistyped).empty());
    json inconsistent = good;
    inconsistent["blocks"]["stale"] = good["blocks"]["stale"].get<int>() + 1;
    EXPECT_FALSE(contract_problems(inconsistent).empty());
}

TEST(ReportContract, PartitionHealCrashCutAndWorkload) {
    TempDir dir;
    testing::write_file(dir / "s.yaml", testing::kPartitionHeal);
    check_run(dir / "s.yaml", {}, /*workload=*/true);
}

TEST(ReportContract, RunUntilHeightWithoutWorkload) {
    TempDir dir;
    testing::write_file(dir / "s.yaml", R"(name: until-height
until: {height: 15}
consensus: {block_interval: 30s, pow_bits: 8}
network: {nodes: 6, topology: {kind: ring}, relay: push}
)");
    check_run(dir / "s.yaml", {}, /*workload=*/false);
}

TEST(ReportContract, RunWithoutBlocksHasNullsNotGaps) {
    TempDir dir;
    testing::write_file(dir / "s.yaml", R"(name: no-blocks
duration: 2s
consensus: {block_interval: 1h, pow_bits: 8}
network: {nodes: 4}
workload: {accounts: 5, tx_rate: 2/s}
)");
    check_run(dir / "s.yaml", {}, /*workload=*/true);
}

std::vector<fs::path> shipped_scenarios() {
    std::vector<fs::path> scenarios;
    std::error_code ec;
    for (const auto& entry :
         fs::directory_iterator(fs::path(CHAINSIM_SOURCE_DIR) / "scenarios", ec)) {
        if (entry.path().extension() == ".yaml") scenarios.push_back(entry.path());
    }
    std::sort(scenarios.begin(), scenarios.end());
    return scenarios;
}

// One test per scenarios/*.yaml, found when the test binary starts.
class ShippedScenario : public ::testing::TestWithParam<fs::path> {};

TEST_P(ShippedScenario, ReportFollowsTheContract) {
    const fs::path& path = GetParam();
    sim::ScenarioLoad load = sim::load_scenario(path.string());
    ASSERT_TRUE(load.ok()) << load.error_text();
    TempDir dir;
    testing::write_file(dir / path.filename().string(),
                        testing::shortened_yaml(path, *load.scenario));
    check_run(dir / path.filename().string(), {}, load.scenario->workload.has_value());
}

INSTANTIATE_TEST_SUITE_P(Scenarios, ShippedScenario, ::testing::ValuesIn(shipped_scenarios()),
                         [](const ::testing::TestParamInfo<fs::path>& info) {
                             std::string name = info.param.stem().string();
                             for (char& c : name)
                                 if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                             return name;
                         });
// Until the lead ships scenarios/*.yaml there is nothing to instantiate; the test
// scenarios above keep the contract check from being vacuous meanwhile.
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(ShippedScenario);

}  // namespace
}  // namespace reports

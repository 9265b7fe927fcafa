// Reading `mining:` (who mines, with what share and strategy) and `workload:` (user
// transactions).
#include <cmath>
#include <limits>

#include "sim/scenario/nodeset.h"
#include "sim/scenario/sections.h"

namespace sim::scenario_internal {
namespace {

constexpr double kShareTolerance = 1e-9;
constexpr std::int64_t kMaxInt = std::numeric_limits<std::int64_t>::max();

// One mining entry. Returns false when malformed; `owner` maps node -> entry index so far.
bool read_miner(const Field& field, std::size_t index, int nodes, std::vector<int>& owner,
                MinerSpec& out, bool& rest) {
    if (!field.expect_map()) return false;
    bool ok = field.check_keys(
        {"nodes", "share", "strategy", "variant", "trail", "confirmations", "give_up"},
        "a mining entry");
    if (field["nodes"].require("nodes: \"0-9\"") && nodes >= 1) {
        if (auto members = field["nodes"].read_node_set(nodes)) {
            out.nodes = std::move(*members);
        } else {
            ok = false;
        }
    } else {
        ok = false;
    }
    rest = field["share"].is_scalar() && field["share"].scalar() == "rest";
    if (rest) {
        // Filled in by read_mining once the other shares are known.
    } else if (field["share"].require("share: 0.5")) {
        if (auto share = field["share"].read_number(0, 1, true, false)) {
            out.share = *share;
        } else {
            ok = false;
        }
    } else {
        ok = false;
    }
    using S = MinerStrategy;
    if (field["strategy"].present()) {
        if (auto strategy = read_enum(field["strategy"],
                                      {S::kHonest, S::kSelfish, S::kStubborn, S::kDoubleSpend},
                                      strategy_name)) {
            out.strategy = *strategy;
        } else {
            ok = false;
        }
    }
    using V = StubbornVariant;
    if (field["variant"].present()) {
        if (out.strategy != S::kStubborn) {
            field["variant"].error("variant only applies to strategy stubborn");
            ok = false;
        } else if (auto variant = read_enum(field["variant"], {V::kLead, V::kEqualFork, V::kTrail},
                                            variant_name)) {
            out.variant = *variant;
        } else {
            ok = false;
        }
    } else if (out.strategy == S::kStubborn) {
        field.error("a stubborn miner needs variant: lead | equal-fork | trail");
        ok = false;
    }
    if (field["trail"].present()) {
        if (out.strategy != S::kStubborn || out.variant != V::kTrail) {
            field["trail"].error("trail only applies to strategy stubborn, variant trail");
            ok = false;
        } else if (auto trail = field["trail"].read_int(1, 1000)) {
            out.trail = static_cast<int>(*trail);
        } else {
            ok = false;
        }
    }
    for (std::string_view key : {"confirmations", "give_up"}) {
        Field setting = field[key];
        if (!setting.present()) continue;
        if (out.strategy != S::kDoubleSpend) {
            setting.error(std::string(key) + " only applies to strategy double-spend");
            ok = false;
            continue;
        }
        auto value = setting.read_int(key == "confirmations" ? 1 : 0, 1'000'000);
        if (!value) {
            ok = false;
            continue;
        }
        (key == "confirmations" ? out.confirmations : out.give_up) = static_cast<int>(*value);
    }
    for (int node : out.nodes) {
        int& slot = owner[static_cast<std::size_t>(node)];
        if (slot >= 0) {
            field["nodes"].error("node " + std::to_string(node) + " is also in mining." +
                                 std::to_string(slot) + "; a node mines in one entry only");
            ok = false;
            break;
        }
        slot = static_cast<int>(index);
    }
    return ok;
}

// `amount: N` or `amount: {min, max}`, each at least `lowest`.
void read_amount_range(const Field& field, std::int64_t lowest, std::uint64_t& min,
                       std::uint64_t& max) {
    if (!field.present()) return;
    if (field.is_scalar()) {
        if (auto value = field.read_int(lowest, kMaxInt)) {
            min = max = static_cast<std::uint64_t>(*value);
        }
        return;
    }
    if (!field.is_map()) {
        field.expected("an integer or a range such as {min: 1, max: 100}");
        return;
    }
    field.check_keys({"min", "max"}, field.path());
    // Both are checked, so that a map missing both gets both errors.
    const bool has_min = field["min"].require("min: 1");
    const bool has_max = field["max"].require("max: 100");
    if (!has_min || !has_max) return;
    std::int64_t low = 0, high = 0;
    if (auto value = field["min"].read_int(lowest, kMaxInt)) {
        low = *value;
    } else {
        return;
    }
    if (auto value = field["max"].read_int(lowest, kMaxInt)) {
        high = *value;
    } else {
        return;
    }
    if (high < low) {
        field["max"].expected("a max of at least min (" + std::to_string(low) + ")");
        return;
    }
    min = static_cast<std::uint64_t>(low);
    max = static_cast<std::uint64_t>(high);
}

}  // namespace

void read_mining(const Field& field, int nodes, std::vector<MinerSpec>& out, bool& defaulted) {
    out.clear();
    defaulted = !field.present();
    if (defaulted) {
        if (nodes >= 1) {
            MinerSpec everyone;
            everyone.share = 1;
            for (int node = 0; node < nodes; ++node)
                everyone.nodes.push_back(node);
            out.push_back(std::move(everyone));
        }
        return;
    }
    if (!field.expect_sequence("a list of miners such as [{nodes: \"0-9\", share: 1}]")) return;
    if (field.size() == 0) {
        field.error(
            "the mining list is empty; remove it to let every node mine with an equal "
            "share");
        return;
    }
    std::vector<int> owner(static_cast<std::size_t>(std::max(nodes, 0)), -1);
    bool all_ok = true;
    double sum = 0;
    std::optional<std::size_t> rest_entry;
    for (std::size_t i = 0; i < field.size(); ++i) {
        MinerSpec miner;
        bool rest = false;
        if (read_miner(field.at(i), i, nodes, owner, miner, rest)) {
            if (rest && rest_entry) {
                field.at(i)["share"].error("only one mining entry may have share: rest (mining." +
                                           std::to_string(*rest_entry) + " has it)");
                all_ok = false;
            } else if (rest) {
                rest_entry = i;
            }
            sum += miner.share;
            out.push_back(std::move(miner));
        } else {
            all_ok = false;
        }
    }
    if (all_ok && rest_entry) {
        if (sum >= 1 - kShareTolerance) {
            field.at(*rest_entry)["share"].error("share: rest leaves nothing: the other shares sum to " +
                                                 number_text(sum));
            return;
        }
        out[*rest_entry].share = 1 - sum;
        sum = 1;
    }
    if (all_ok && std::fabs(sum - 1) > kShareTolerance) {
        field.error("the shares sum to " + number_text(sum) + "; they must sum to 1 (within 1e-9)");
    }
}

std::optional<WorkloadSpec> read_workload(const Field& field) {
    if (!field.present()) return std::nullopt;
    if (!field.expect_map()) return std::nullopt;
    field.check_keys({"accounts", "tx_rate", "invalid_fraction", "amount", "fee"}, "workload");
    WorkloadSpec workload;
    if (field["accounts"].require("accounts: 200")) {
        if (auto accounts = field["accounts"].read_int(2, 1'000'000)) {
            workload.accounts = static_cast<int>(*accounts);
        }
    }
    if (field["tx_rate"].require("tx_rate: 3/s")) {
        if (auto rate = field["tx_rate"].read_rate()) workload.tx_rate = *rate;
    }
    if (auto fraction = field["invalid_fraction"].read_number(0, 1)) {
        workload.invalid_fraction = *fraction;
    }
    read_amount_range(field["amount"], 1, workload.amount_min, workload.amount_max);
    read_amount_range(field["fee"], 0, workload.fee_min, workload.fee_max);
    return workload;
}

}  // namespace sim::scenario_internal

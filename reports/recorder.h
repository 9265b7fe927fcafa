// reports::Recorder: the raw observations of one run — every block found, who accepted it
// when, tip changes and reorgs, transactions, faults, convergence and tip-agreement
// samples. The simulator feeds it; metrics.h turns it into report.json, the CSV series and
// the plots. It knows nothing about the simulator (no sim/ includes): plain data in.
//
// Single-threaded. Memory: one record per block (with one delay per accepting node), per
// reorg, per transaction and per sample.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/block.h"
#include "core/chain.h"
#include "core/time.h"
#include "core/validation.h"

namespace reports {

struct BlockRecord {
    core::BlockRef block;
    core::Hash256 hash;
    core::Hash256 parent;
    std::uint64_t height = 0;
    int miner = -1;                   // node that found it
    core::Nanos found = 0;            // sim time found
    std::vector<core::Nanos> delays;  // accept time - found, one per accepting node, in order
};

struct ReorgRecord {
    core::Nanos at = 0;
    int node = 0;
    std::size_t depth = 0;  // blocks disconnected
    core::Hash256 old_tip;
    core::Hash256 new_tip;
};

struct TxRecord {
    core::TransactionRef tx;
    core::Nanos submitted = 0;
    int node = 0;                                 // where it was submitted
    core::Reject intended = core::Reject::kNone;  // what the workload meant it to fail with
    core::Reject rejected = core::Reject::kNone;  // what the node said (kNone: accepted)
};

struct FaultRecord {
    core::Nanos at = 0;
    std::string kind;         // partition, heal, crash, restart, cut, restore, latency, hashrate
    std::string description;  // "partition 0-49 | 50-99"
};

struct ConvergenceRecord {
    std::string event;  // description of the heal/restore/restart
    core::Nanos at = 0;
    std::optional<core::Nanos> converged_at;  // first time every up node shared one tip
};

struct TipSample {
    core::Nanos at = 0;
    double agreement = 0;   // fraction of up nodes on the most common tip
    int distinct_tips = 0;  // tips held by up nodes
    int up_nodes = 0;
    std::uint64_t best_height = 0;  // height of the most common tip
};

// A miner's hashrate from `at` on (hashes per simulated second; 0 while it does not mine,
// e.g. crashed).
struct HashrateRecord {
    core::Nanos at = 0;
    int node = 0;
    double rate = 0;
};

// One double-spend attempt (docs/adversaries.md §4).
struct AttemptRecord {
    core::Nanos started = 0;
    core::Hash256 payment;   // txid paying the merchant
    core::Hash256 conflict;  // txid of the conflicting spend (same nonce)
    enum class Outcome { kInProgress, kPublished, kAbandoned } outcome = Outcome::kInProgress;
    core::Nanos resolved = 0;
    std::optional<core::Nanos> confirmed;  // when the merchant saw z confirmations
};

// One adversarial mining entry: what its strategy did. Whether it paid off is read from
// the main chain by metrics.
struct AttackRecord {
    int group = 0;             // index into RunInfo::miners
    std::string kind;          // selfish | stubborn | double-spend
    std::string variant;       // stubborn: lead | equal-fork | trail
    int trail = 0;             // stubborn trail: j
    int confirmations = 0;     // double-spend: z
    int give_up = 0;           // double-spend: g
    std::uint64_t found = 0;      // blocks its miners found (all withheld at first)
    std::uint64_t published = 0;  // of those, published
    std::uint64_t abandoned = 0;  // of those, discarded when it gave up or adopted
    std::uint64_t rebased = 0;    // double-spend: forks restarted because the payment was
                                  // mined after an unrelated block
    std::vector<AttemptRecord> attempts;  // double-spend
};

class Recorder {
  public:
    explicit Recorder(int node_count) : node_count_(node_count) {}

    void block_found(core::Nanos at, int miner, const core::BlockRef& block);
    // A node (the miner included) accepted a block into its tree.
    void block_accepted(core::Nanos at, int node, const core::Hash256& hash);
    void tip_changed(core::Nanos at, int node, const core::TipChange& change);
    void tx_submitted(core::Nanos at, int node, const core::TransactionRef& tx,
                      core::Reject intended, core::Reject rejected);
    void fault(core::Nanos at, std::string kind, std::string description);
    // Starts a convergence measurement (after a heal, restore or restart).
    void convergence_started(core::Nanos at, std::string event);
    // Every up node now shares one tip: closes the open measurements.
    void converged(core::Nanos at);
    void tip_sample(const TipSample& sample) { samples_.push_back(sample); }
    void hashrate(core::Nanos at, int node, double rate) {
        hashrates_.push_back(HashrateRecord{at, node, rate});
    }
    // Registers an adversary; its record stays valid and mutable through attack(index).
    int add_attack(AttackRecord record) {
        attacks_.push_back(std::move(record));
        return static_cast<int>(attacks_.size()) - 1;
    }
    AttackRecord& attack(int index) { return attacks_[static_cast<std::size_t>(index)]; }
    // The tip the run ended on (the main chain is its ancestry).
    void set_final_tip(const core::Hash256& tip) { final_tip_ = tip; }

    int node_count() const { return node_count_; }
    const std::vector<BlockRecord>& blocks() const { return blocks_; }
    const BlockRecord* find_block(const core::Hash256& hash) const;
    const std::vector<ReorgRecord>& reorgs() const { return reorgs_; }
    const std::vector<TxRecord>& txs() const { return txs_; }
    const std::vector<FaultRecord>& faults() const { return faults_; }
    const std::vector<ConvergenceRecord>& convergence() const { return convergence_; }
    const std::vector<TipSample>& samples() const { return samples_; }
    const core::Hash256& final_tip() const { return final_tip_; }
    const std::vector<HashrateRecord>& hashrates() const { return hashrates_; }
    const std::vector<AttackRecord>& attacks() const { return attacks_; }

  private:
    int node_count_;
    std::vector<BlockRecord> blocks_;                         // in order found
    std::unordered_map<core::Hash256, std::size_t> by_hash_;  // lookups only
    std::vector<ReorgRecord> reorgs_;
    std::vector<TxRecord> txs_;
    std::vector<FaultRecord> faults_;
    std::vector<ConvergenceRecord> convergence_;
    std::vector<TipSample> samples_;
    core::Hash256 final_tip_;
    std::vector<HashrateRecord> hashrates_;  // in time order
    std::vector<AttackRecord> attacks_;
};

}  // namespace reports

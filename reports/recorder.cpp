#include "reports/recorder.h"

namespace reports {

void Recorder::block_found(core::Nanos at, int miner, const core::BlockRef& block) {
    BlockRecord r;
    r.block = block;
    r.hash = block->hash();
    r.parent = block->prev();
    r.height = block->height();
    r.miner = miner;
    r.found = at;
    by_hash_.emplace(r.hash, blocks_.size());
    blocks_.push_back(std::move(r));
}

const BlockRecord* Recorder::find_block(const core::Hash256& hash) const {
    auto it = by_hash_.find(hash);
    return it == by_hash_.end() ? nullptr : &blocks_[it->second];
}

void Recorder::block_accepted(core::Nanos at, int /*node*/, const core::Hash256& hash) {
    auto it = by_hash_.find(hash);
    if (it == by_hash_.end()) return;  // genesis or a block not found by a miner
    BlockRecord& r = blocks_[it->second];
    r.delays.push_back(at - r.found);
}

void Recorder::tip_changed(core::Nanos at, int node, const core::TipChange& change) {
    if (change.reorg_depth() == 0) return;
    reorgs_.push_back(ReorgRecord{at, node, change.reorg_depth(), change.old_tip->hash(),
                                  change.new_tip->hash()});
}

void Recorder::tx_submitted(core::Nanos at, int node, const core::TransactionRef& tx,
                            core::Reject intended, core::Reject rejected) {
    txs_.push_back(TxRecord{tx, at, node, intended, rejected});
}

void Recorder::fault(core::Nanos at, std::string kind, std::string description) {
    faults_.push_back(FaultRecord{at, std::move(kind), std::move(description)});
}

void Recorder::convergence_started(core::Nanos at, std::string event) {
    convergence_.push_back(ConvergenceRecord{std::move(event), at, std::nullopt});
}

void Recorder::converged(core::Nanos at) {
    for (auto& c : convergence_) {
        if (!c.converged_at && c.at <= at) c.converged_at = at;
    }
}

}  // namespace reports

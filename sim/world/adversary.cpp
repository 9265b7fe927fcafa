#include "sim/world/adversary.h"

#include <algorithm>
#include <vector>

#include "core/transaction.h"

namespace sim {
namespace {

using core::BlockIndex;

// The last block both branches share.
const BlockIndex* common_ancestor(const BlockIndex* a, const BlockIndex* b) {
    while (a->height > b->height)
        a = a->parent;
    while (b->height > a->height)
        b = b->parent;
    while (a != b) {
        a = a->parent;
        b = b->parent;
    }
    return a;
}

// What both strategies track: the best public block (most work among blocks from peers and
// blocks this node published; the first seen among equals) and the private branch above
// a fork point.
class PrivateBranch {
  public:
    explicit PrivateBranch(const AdversaryContext& context)
        : context_(context), fork_(context.node->chain().genesis()), public_tip_(fork_) {}

    const core::Chain& chain() const { return context_.node->chain(); }
    const BlockIndex* tip() const { return blocks_.empty() ? fork_ : blocks_.back(); }
    int a() const { return static_cast<int>(blocks_.size()); }
    int h() const { return static_cast<int>(public_tip_->height - fork_->height); }
    int published() const { return published_; }
    const BlockIndex* public_tip() const { return public_tip_; }

    // Mines one block on the private tip carrying `txs` and keeps it private.
    void mine(std::vector<core::TransactionRef> txs, reports::AttackRecord& record) {
        core::BlockRef block = context_.node->solve_block_on(tip(), std::move(txs));
        context_.found(block);
        (void)context_.node->keep_block(block);
        blocks_.push_back(chain().find(block->hash()));
        ++record.found;
    }

    // A block from a peer. Returns true when the public branch moved (more work).
    bool saw(const core::BlockRef& block) {
        const BlockIndex* index = chain().find(block->hash());
        if (index == nullptr || chain().invalid(index)) return false;
        if (index->chain_work <= public_tip_->chain_work) return false;
        public_tip_ = index;
        // Private blocks the public branch now contains (honest miners built on our
        // published blocks) are final: the fork point moves up to them.
        const BlockIndex* fork = common_ancestor(public_tip_, tip());
        if (fork->height > fork_->height) {
            const auto locked = static_cast<std::ptrdiff_t>(fork->height - fork_->height);
            blocks_.erase(blocks_.begin(), blocks_.begin() + locked);
            published_ = std::max(0, published_ - static_cast<int>(locked));
            fork_ = fork;
        }
        return true;
    }

    // Publishes the first `count` private blocks (those not yet public).
    void publish(int count, reports::AttackRecord& record) {
        count = std::min(count, a());
        for (int i = published_; i < count; ++i) {
            context_.node->publish_block(blocks_[static_cast<std::size_t>(i)]->hash());
            ++record.published;
        }
        published_ = std::max(published_, count);
        if (tip()->chain_work > public_tip_->chain_work && published_ == a()) public_tip_ = tip();
    }

    // Publishes everything and, as the public branch now ends there, starts afresh on it.
    void override_public(reports::AttackRecord& record) {
        publish(a(), record);
        restart_on(tip());
    }

    // Drops the private branch and mines on `base` from now on.
    void restart_on(const BlockIndex* base) {
        fork_ = base;
        blocks_.clear();
        published_ = 0;
        if (base->chain_work > public_tip_->chain_work) public_tip_ = base;
    }

  private:
    AdversaryContext context_;
    const BlockIndex* fork_;
    const BlockIndex* public_tip_;
    std::vector<const BlockIndex*> blocks_;  // private branch, lowest first
    int published_ = 0;
};

// Selfish and stubborn mining: docs/adversaries.md §3 (the rules of reports/theory.cpp).
class WithholdingMiner final : public Adversary {
  public:
    WithholdingMiner(const MinerSpec& spec, AdversaryContext context)
        : context_(context), branch_(context), spec_(spec) {
        reports::AttackRecord record;
        record.group = context.group;
        record.kind = std::string(strategy_name(spec.strategy));
        if (spec.strategy == MinerStrategy::kStubborn) {
            record.variant = std::string(variant_name(spec.variant));
            if (spec.variant == StubbornVariant::kTrail) record.trail = spec.trail;
        }
        record_ = context.recorder->add_attack(std::move(record));
    }

    void mine() override {
        reports::AttackRecord& record = context_.recorder->attack(record_);
        const int h = branch_.h();
        const bool race = h >= 1 && branch_.a() == h && branch_.published() == h;
        branch_.mine({}, record);
        if (race) {
            // Eyal & Sirer: a tie race that we now lead by one is won by publishing. The
            // equal-fork stubborn miner keeps the new block private instead.
            if (!is(StubbornVariant::kEqualFork)) branch_.override_public(record);
        } else if (branch_.a() == h) {
            branch_.publish(branch_.a(), record);  // a trailing miner caught up: a race
        }
    }

    void on_public_block(const core::BlockRef& block) override {
        if (!branch_.saw(block)) return;
        reports::AttackRecord& record = context_.recorder->attack(record_);
        const int a = branch_.a();
        const int h = branch_.h();
        const int d = a - h;
        if (d < 0) {
            const bool stubborn = is(StubbornVariant::kTrail) && a > 0 && -d <= spec_.trail;
            if (!stubborn) {
                record.abandoned += static_cast<std::uint64_t>(a - branch_.published());
                branch_.restart_on(branch_.public_tip());  // adopt
            }
        } else if (d == 0) {
            branch_.publish(a, record);  // match: a race
        } else if (d == 1 && !is(StubbornVariant::kLead)) {
            branch_.override_public(record);
        } else {
            branch_.publish(h, record);  // match the public branch's length
        }
    }

  private:
    bool is(StubbornVariant variant) const {
        return spec_.strategy == MinerStrategy::kStubborn && spec_.variant == variant;
    }

    AdversaryContext context_;
    PrivateBranch branch_;
    MinerSpec spec_;
    int record_ = 0;
};

// Double spending: docs/adversaries.md §4.
class DoubleSpender final : public Adversary {
  public:
    DoubleSpender(const MinerSpec& spec, AdversaryContext context, DoubleSpendAccounts accounts)
        : context_(context),
          branch_(context),
          spec_(spec),
          accounts_(std::move(accounts)),
          public_key_(accounts_.key.public_key()) {
        reports::AttackRecord record;
        record.group = context.group;
        record.kind = std::string(strategy_name(spec.strategy));
        record.confirmations = spec.confirmations;
        record.give_up = spec.give_up;
        record_ = context.recorder->add_attack(std::move(record));
    }

    void begin() override { start(branch_.public_tip()); }

    void mine() override {
        reports::AttackRecord& record = context_.recorder->attack(record_);
        std::vector<core::TransactionRef> txs;
        if (branch_.a() == 0) txs.push_back(conflict_);
        branch_.mine(std::move(txs), record);
        decide();
    }

    void on_public_block(const core::BlockRef& block) override {
        if (!payment_block_ && contains(*block, payment_->txid())) {
            const BlockIndex* index = branch_.chain().find(block->hash());
            if (index != nullptr && index->parent != base_) {
                // The payment went into a later block than the one it was sent before: the
                // fork must start from the payment block's parent.
                reports::AttackRecord& record = context_.recorder->attack(record_);
                ++record.rebased;
                record.abandoned += static_cast<std::uint64_t>(branch_.a());
                base_ = index->parent;
                branch_.restart_on(base_);
            }
            if (index != nullptr) payment_block_ = index;
        }
        (void)branch_.saw(block);
        decide();
    }

    void on_merchant_tip(const core::Chain& merchant) override {
        if (confirmed_) return;
        // The merchant's main chain holds the payment with z blocks (its own the first).
        for (std::uint64_t height = base_->height + 1; height <= merchant.height(); ++height) {
            const BlockIndex* b = merchant.at_height(height);
            if (!contains(*b->block, payment_->txid())) continue;
            if (merchant.height() + 1 >= height + static_cast<std::uint64_t>(spec_.confirmations)) {
                confirmed_ = true;
                // The attacker races the chain that confirmed the payment: until the block
                // that did it reaches the attacker too, it does not publish.
                confirmed_height_ = merchant.height();
                attempt().confirmed = context_.now();
                decide();
            }
            return;
        }
    }

  private:
    static bool contains(const core::Block& block, const core::Hash256& txid) {
        for (const auto& tx : block.txs()) {
            if (tx->txid() == txid) return true;
        }
        return false;
    }

    reports::AttemptRecord& attempt() {
        return context_.recorder->attack(record_).attempts.back();
    }

    // A new attempt from `base`: pay the merchant, and mine a private fork from `base`
    // holding the conflicting spend of the same nonce.
    void start(const BlockIndex* base) {
        base_ = base;
        branch_.restart_on(base);
        payment_block_ = nullptr;
        confirmed_ = false;
        confirmed_height_ = 0;
        const std::uint64_t nonce = next_nonce_++;
        payment_ = core::Transaction::sign_transfer(accounts_.key, public_key_, accounts_.merchant,
                                                    accounts_.amount, 1, nonce);
        conflict_ = core::Transaction::sign_transfer(accounts_.key, public_key_,
                                                     accounts_.beneficiary, accounts_.amount, 1,
                                                     nonce);
        reports::AttemptRecord a;
        a.started = context_.now();
        a.payment = payment_->txid();
        a.conflict = conflict_->txid();
        context_.recorder->attack(record_).attempts.push_back(a);
        (void)context_.node->submit_transaction(payment_);
    }

    void decide() {
        if (!confirmed_ || branch_.public_tip()->height < confirmed_height_) return;
        reports::AttackRecord& record = context_.recorder->attack(record_);
        const BlockIndex* tip = branch_.tip();
        const BlockIndex* public_tip = branch_.public_tip();
        if (tip->chain_work > public_tip->chain_work) {
            branch_.publish(branch_.a(), record);
            attempt().outcome = reports::AttemptRecord::Outcome::kPublished;
            attempt().resolved = context_.now();
            start(tip);
        } else if (public_tip->height > tip->height + static_cast<std::uint64_t>(spec_.give_up)) {
            record.abandoned += static_cast<std::uint64_t>(branch_.a());
            attempt().outcome = reports::AttemptRecord::Outcome::kAbandoned;
            attempt().resolved = context_.now();
            start(public_tip);
        }
    }

    AdversaryContext context_;
    PrivateBranch branch_;
    MinerSpec spec_;
    DoubleSpendAccounts accounts_;
    core::PublicKey public_key_;
    int record_ = 0;
    const BlockIndex* base_ = nullptr;
    const BlockIndex* payment_block_ = nullptr;
    bool confirmed_ = false;
    std::uint64_t confirmed_height_ = 0;  // the merchant's height when it confirmed
    std::uint64_t next_nonce_ = 0;
    core::TransactionRef payment_;
    core::TransactionRef conflict_;
};

}  // namespace

std::unique_ptr<Adversary> make_withholding_miner(const MinerSpec& spec, AdversaryContext context) {
    return std::make_unique<WithholdingMiner>(spec, std::move(context));
}

std::unique_ptr<Adversary> make_double_spender(const MinerSpec& spec, AdversaryContext context,
                                               DoubleSpendAccounts accounts) {
    return std::make_unique<DoubleSpender>(spec, std::move(context), std::move(accounts));
}

}  // namespace sim

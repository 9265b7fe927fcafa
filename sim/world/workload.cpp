#include "sim/world/workload.h"

#include <algorithm>
#include <cmath>

#include "core/wallet.h"

namespace sim {
namespace {

// Every account starts with this balance: far more than any run spends, so valid transfers
// never fail for want of funds.
constexpr std::uint64_t kInitialBalance = 1'000'000'000'000;
// Amount of an intentional overspend: more than the whole supply of a run.
constexpr std::uint64_t kOverspendAmount = std::uint64_t{1} << 62;
// Replays are drawn from this many of the most recent accepted transfers.
constexpr std::size_t kReplayWindow = 1000;

}  // namespace

Workload::Workload(const WorkloadSpec& spec, std::uint64_t seed)
    : spec_(spec), rng_(Rng::stream(seed, "workload")) {
    for (int i = 0; i < spec.accounts; ++i) {
        core::PrivateKey key = core::derive_account_key(seed, static_cast<std::uint64_t>(i));
        const core::PublicKey public_key = key.public_key();
        accounts_.push_back(Account{key, public_key, public_key.address(), 0});
    }
}

std::vector<core::GenesisAllocation> Workload::allocations() const {
    std::vector<core::GenesisAllocation> out;
    for (const Account& a : accounts_)
        out.push_back({a.address, kInitialBalance});
    return out;
}

core::Nanos Workload::next_delay() {
    const double seconds = rng_.exponential(1.0 / spec_.tx_rate);
    return std::max<core::Nanos>(1, core::seconds_to_nanos(seconds));
}

std::size_t Workload::pick_node(std::size_t count) {
    return rng_.below(count);
}

core::TransactionRef Workload::replay(const core::Node& receiver) {
    // A transfer the receiver already has confirmed (its nonce is behind the account's).
    const core::LedgerState& state = receiver.chain().state();
    std::vector<core::TransactionRef> confirmed;
    const std::size_t recent = std::min(accepted_.size(), kReplayWindow);
    for (auto it = accepted_.end() - static_cast<std::ptrdiff_t>(recent); it != accepted_.end();
         ++it) {
        if ((*it)->nonce() < state.account((*it)->sender_address()).next_nonce) {
            confirmed.push_back(*it);
        }
    }
    if (confirmed.empty()) return nullptr;
    return confirmed[rng_.below(confirmed.size())];
}

Workload::Submission Workload::next(const core::Node& receiver) {
    const std::size_t n = accounts_.size();
    Submission s;
    s.sender = rng_.below(n);
    const std::size_t other = rng_.below(n - 1);
    const Account& sender = accounts_[s.sender];
    const Account& recipient = accounts_[other >= s.sender ? other + 1 : other];
    const auto amount = static_cast<std::uint64_t>(rng_.uniform_int(
        static_cast<std::int64_t>(spec_.amount_min), static_cast<std::int64_t>(spec_.amount_max)));
    const auto fee = static_cast<std::uint64_t>(rng_.uniform_int(
        static_cast<std::int64_t>(spec_.fee_min), static_cast<std::int64_t>(spec_.fee_max)));
    auto sign = [&](std::uint64_t value, std::uint64_t nonce) {
        return core::Transaction::sign_transfer(sender.key, sender.public_key, recipient.address,
                                                value, fee, nonce);
    };
    if (!rng_.bernoulli(spec_.invalid_fraction)) {
        s.tx = sign(amount, sender.next_nonce);
        return s;
    }
    const std::uint64_t kind = rng_.below(3);
    if (kind == 2) {
        s.tx = replay(receiver);
        s.intended = core::Reject::kReplay;
    }
    if (!s.tx && kind == 1) {
        // With the nonce the receiver expects, so that the balance is the only thing wrong
        // with it: a node that has not seen the account's earlier transfers (they went to the
        // other side of a partition) would otherwise see a nonce gap first.
        s.tx = sign(kOverspendAmount,
                    receiver.mempool().expected_nonce(sender.address, receiver.chain().state()));
        s.intended = core::Reject::kInsufficientFunds;
    }
    if (!s.tx) {
        // A forged signature: a valid transfer with one bit of r flipped.
        const core::TransactionRef valid = sign(amount, sender.next_nonce);
        core::Signature broken = valid->signature();
        broken.bytes[5] ^= 0x01;
        s.tx = core::Transaction::transfer(sender.public_key, recipient.address, amount, fee,
                                           sender.next_nonce, broken);
        s.intended = core::Reject::kBadSignature;
    }
    return s;
}

void Workload::submitted(const Submission& s, const core::ValidationResult& result) {
    if (!result.ok() || s.intended != core::Reject::kNone) return;
    ++accounts_[s.sender].next_nonce;
    accepted_.push_back(s.tx);
}

}  // namespace sim

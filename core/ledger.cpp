#include "core/ledger.h"

#include <algorithm>
#include <limits>
#include <string>

namespace core {
namespace {

constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();

// Records the prior value at every write, so a block that fails half way can be rolled
// back by replaying the log newest first.
class TouchLog {
  public:
    explicit TouchLog(LedgerState& state) : state_(state) {}

    Account get(const Address& a) { return state_.account(a); }
    void put(const Address& a, const Account& acct) {
        previous_.emplace_back(a, state_.account(a));
        state_.set(a, acct);
    }
    void roll_back() {
        for (auto it = previous_.rbegin(); it != previous_.rend(); ++it) {
            state_.set(it->first, it->second);
        }
        previous_.clear();
    }

  private:
    LedgerState& state_;
    std::vector<std::pair<Address, Account>> previous_;
};

}  // namespace

const Account& LedgerState::account(const Address& address) const {
    static const Account kEmpty{};
    auto it = accounts_.find(address);
    return it == accounts_.end() ? kEmpty : it->second;
}

void LedgerState::set(const Address& address, const Account& account) {
    if (account == Account{}) {
        accounts_.erase(address);
    } else {
        accounts_[address] = account;
    }
}

std::vector<std::pair<Address, Account>> LedgerState::sorted_accounts() const {
    std::vector<std::pair<Address, Account>> out(accounts_.begin(), accounts_.end());
    std::sort(out.begin(), out.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    return out;
}

Hash256 LedgerState::digest() const {
    Sha256 hasher;
    for (const auto& [address, acct] : sorted_accounts()) {
        hasher.write(address.bytes).write_u64le(acct.balance).write_u64le(acct.next_nonce);
    }
    return hasher.finish();
}

void apply_genesis(LedgerState& state, const Block& genesis) {
    for (const auto& tx : genesis.txs()) {
        Account acct = state.account(tx->recipient());
        acct.balance = tx->amount() > kMax - acct.balance ? kMax : acct.balance + tx->amount();
        state.set(tx->recipient(), acct);
    }
}

ValidationResult check_against_account(const Transaction& tx, const Account& sender,
                                       std::uint64_t expected_nonce) {
    if (tx.nonce() < expected_nonce) {
        return ValidationResult::invalid(Reject::kReplay, "nonce " + std::to_string(tx.nonce()) +
                                                              " was already used (next is " +
                                                              std::to_string(expected_nonce) + ")");
    }
    if (tx.nonce() > expected_nonce) {
        return ValidationResult::invalid(Reject::kBadNonce, "nonce " + std::to_string(tx.nonce()) +
                                                                " is ahead of the next nonce " +
                                                                std::to_string(expected_nonce));
    }
    if (tx.fee() > kMax - tx.amount()) {
        return ValidationResult::invalid(Reject::kAmountOverflow,
                                         "amount + fee overflows a 64-bit integer");
    }
    if (sender.balance < tx.amount() + tx.fee()) {
        return ValidationResult::invalid(Reject::kInsufficientFunds,
                                         "balance " + std::to_string(sender.balance) +
                                             " does not cover amount + fee " +
                                             std::to_string(tx.amount() + tx.fee()));
    }
    return ValidationResult::valid();
}

ValidationResult apply_block(LedgerState& state, const Block& block, std::uint64_t height,
                             const ConsensusParams& params) {
    TouchLog log(state);
    const auto& txs = block.txs();
    auto fail = [&](ValidationResult r) {
        log.roll_back();
        return r;
    };
    if (txs.empty() || !txs[0]->is_coinbase() || txs[0]->nonce() != height) {
        return fail(ValidationResult::invalid(Reject::kBadCoinbase,
                                              "coinbase must come first and carry the height " +
                                                  std::to_string(height) + " as its nonce"));
    }
    std::uint64_t fees = 0;
    for (std::size_t i = 1; i < txs.size(); ++i) {
        const Transaction& tx = *txs[i];
        Account sender = log.get(tx.sender_address());
        ValidationResult r = check_against_account(tx, sender, sender.next_nonce);
        if (!r.ok()) {
            r.message = "transaction " + tx.txid().display_hex() + ": " + r.message;
            return fail(std::move(r));
        }
        sender.balance -= tx.amount() + tx.fee();
        sender.next_nonce += 1;
        log.put(tx.sender_address(), sender);

        Account recipient = log.get(tx.recipient());
        if (tx.amount() > kMax - recipient.balance) {
            return fail(ValidationResult::invalid(Reject::kAmountOverflow,
                                                  "recipient balance would overflow"));
        }
        recipient.balance += tx.amount();
        log.put(tx.recipient(), recipient);
        if (tx.fee() > kMax - fees) {
            return fail(ValidationResult::invalid(Reject::kAmountOverflow, "fees overflow"));
        }
        fees += tx.fee();
    }
    const Transaction& coinbase = *txs[0];
    if (params.block_reward > kMax - fees || coinbase.amount() > params.block_reward + fees) {
        return fail(ValidationResult::invalid(
            Reject::kBadCoinbase,
            "coinbase pays " + std::to_string(coinbase.amount()) + ", more than reward + fees"));
    }
    Account miner = log.get(coinbase.recipient());
    if (coinbase.amount() > kMax - miner.balance) {
        return fail(
            ValidationResult::invalid(Reject::kAmountOverflow, "miner balance would overflow"));
    }
    miner.balance += coinbase.amount();
    log.put(coinbase.recipient(), miner);
    return ValidationResult::valid();
}

void undo_block(LedgerState& state, const Block& block) {
    const auto& txs = block.txs();
    if (txs.empty()) return;
    Account miner = state.account(txs[0]->recipient());
    miner.balance -= txs[0]->amount();
    state.set(txs[0]->recipient(), miner);
    for (std::size_t i = txs.size() - 1; i >= 1; --i) {
        const Transaction& tx = *txs[i];
        Account recipient = state.account(tx.recipient());
        recipient.balance -= tx.amount();
        state.set(tx.recipient(), recipient);
        Account sender = state.account(tx.sender_address());
        sender.balance += tx.amount() + tx.fee();
        sender.next_nonce -= 1;
        state.set(tx.sender_address(), sender);
    }
}

}  // namespace core

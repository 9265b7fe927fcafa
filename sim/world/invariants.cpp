#include "sim/world/invariants.h"

#include <set>

namespace sim {
namespace {

// Decimal digits of a 128-bit count.
std::string decimal(unsigned __int128 x) {
    if (x == 0) return "0";
    std::string digits;
    while (x > 0) {
        digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(x % 10)));
        x /= 10;
    }
    return digits;
}

}  // namespace

unsigned __int128 genesis_supply(const core::Block& genesis) {
    unsigned __int128 total = 0;
    for (const auto& tx : genesis.txs())
        total += tx->amount();
    return total;
}

std::string check_supply(const core::LedgerState& state, std::uint64_t height,
                         const core::ConsensusParams& params, unsigned __int128 genesis) {
    const unsigned __int128 expected =
        genesis + static_cast<unsigned __int128>(height) * params.block_reward;
    unsigned __int128 total = 0;
    for (const auto& [address, account] : state.sorted_accounts()) {
        if (account.balance > expected) {
            return "account " + address.hex() + " holds " + std::to_string(account.balance) +
                   ", more than the " + decimal(expected) +
                   " that exist (a balance that went below zero)";
        }
        total += account.balance;
    }
    if (total != expected) {
        return "balances sum to " + decimal(total) + " at height " + std::to_string(height) +
               ", but genesis (" + decimal(genesis) + ") + " + std::to_string(height) +
               " block rewards of " + std::to_string(params.block_reward) + " make " +
               decimal(expected);
    }
    return {};
}

std::vector<core::BlockRef> active_blocks(const core::Chain& chain) {
    std::vector<core::BlockRef> blocks;
    blocks.reserve(chain.height() + 1);
    for (std::uint64_t h = 0; h <= chain.height(); ++h)
        blocks.push_back(chain.at_height(h)->block);
    return blocks;
}

std::string check_unique_txs(const std::vector<core::BlockRef>& blocks) {
    std::set<core::Hash256> seen;
    for (std::size_t h = 0; h < blocks.size(); ++h) {
        for (const auto& tx : blocks[h]->txs()) {
            if (!seen.insert(tx->txid()).second) {
                return "transaction " + tx->txid().display_hex() +
                       " is confirmed twice (again at height " + std::to_string(h) + ")";
            }
        }
    }
    return {};
}

std::string revalidate_chain(const core::ConsensusParams& params,
                             const std::vector<core::BlockRef>& blocks,
                             const core::LedgerState& state) {
    if (blocks.empty()) return "the chain has no genesis block";
    const core::BlockRef genesis = core::make_genesis(params);
    if (genesis->hash() != blocks.front()->hash()) {
        return "genesis " + blocks.front()->hash().display_hex() +
               " is not the genesis of the params (" + genesis->hash().display_hex() + ")";
    }
    core::ChainOptions options;
    options.shared_validation = false;
    core::Chain fresh(params, genesis, options);
    for (std::size_t h = 1; h < blocks.size(); ++h) {
        const core::AcceptResult r = fresh.accept(blocks[h], core::kNoFutureBound);
        if (r.status != core::AcceptResult::Status::kAccepted) {
            return "block " + blocks[h]->hash().display_hex() + " at height " + std::to_string(h) +
                   " fails re-validation" +
                   (r.status == core::AcceptResult::Status::kInvalid
                        ? ": " + r.result.message
                        : std::string(" (not accepted)"));
        }
        if (fresh.tip()->hash() != blocks[h]->hash()) {
            return "block " + blocks[h]->hash().display_hex() + " at height " + std::to_string(h) +
                   " does not become the tip when re-validated";
        }
    }
    if (!(fresh.state() == state)) {
        return "the ledger differs from a replay of its chain from genesis (" +
               state.digest().display_hex() + " against " + fresh.state().digest().display_hex() +
               ")";
    }
    return {};
}

}  // namespace sim

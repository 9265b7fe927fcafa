// Adversarial miners (docs/adversaries.md): strategies that decide where their node mines
// and when its blocks become public. They drive a real core::Node: blocks carry real proof
// of work, withheld blocks sit in the node's own chain (Node::keep_block) and are released
// with Node::publish_block; the double spender signs real transactions.
//
//  - Selfish (Eyal & Sirer, FC 2014, Algorithm 1) and stubborn (Nayak, Kumar, Miller, Shi,
//    EuroS&P 2016; variants lead, equal-fork, trail j) share one state machine: the private
//    branch (a blocks above the fork point), the public branch (h blocks above it), and how
//    many private blocks are published. Its rules are those of reports/theory.cpp's model.
//  - Double spend: repeated attempts against a merchant (an honest node), as §4 defines.
//
// An adversary is driven by the world: mine() when its hashrate draw fires,
// on_public_block() after its node accepted a block from a peer, on_merchant_tip() after
// the merchant's tip moved. Deterministic: it draws no randomness (mining times come from
// the world's "mining" stream).
#pragma once

#include <functional>
#include <memory>

#include "core/keys.h"
#include "core/node.h"
#include "reports/recorder.h"
#include "sim/scenario/spec.h"

namespace sim {

struct AdversaryContext {
    core::Node* node = nullptr;
    reports::Recorder* recorder = nullptr;
    std::function<core::Nanos()> now;
    // Records and traces a block its miner found (before the strategy keeps it).
    std::function<void(const core::BlockRef&)> found;
    int group = 0;  // the mining entry
};

// The accounts of a double spender, funded in the genesis block.
struct DoubleSpendAccounts {
    core::PrivateKey key;       // pays the merchant, then the conflicting spend
    core::Address merchant;     // receives the payment
    core::Address beneficiary;  // receives the conflicting spend (the attacker's own)
    std::uint64_t amount = 0;   // of each payment
};

class Adversary {
  public:
    virtual ~Adversary() = default;
    virtual void begin() {}  // the run starts
    virtual void mine() = 0;
    virtual void on_public_block(const core::BlockRef& block) = 0;
    virtual void on_merchant_tip(const core::Chain& /*merchant*/) {}
};

// REQUIRES: spec.strategy is selfish or stubborn.
std::unique_ptr<Adversary> make_withholding_miner(const MinerSpec& spec, AdversaryContext context);
// REQUIRES: spec.strategy is double-spend; the key's account is funded in the genesis.
std::unique_ptr<Adversary> make_double_spender(const MinerSpec& spec, AdversaryContext context,
                                               DoubleSpendAccounts accounts);

}  // namespace sim

// sim::Workload: the scenario's user transactions — funded accounts with deterministic keys,
// signed transfers at tx_rate, and a share of bad ones (forged signatures, overspends,
// replays of confirmed transfers) that every node must reject.
//
// The workload is a wallet per account: it tracks the nonce each account uses next and
// advances it only when the receiving node accepted the transfer. All randomness comes from
// the "workload" stream. Single-threaded.
#pragma once

#include <cstdint>
#include <vector>

#include "core/node.h"
#include "core/params.h"
#include "sim/engine/rng.h"
#include "sim/scenario/spec.h"

namespace sim {

class Workload {
  public:
    Workload(const WorkloadSpec& spec, std::uint64_t seed);

    // Genesis allocations that fund every account.
    std::vector<core::GenesisAllocation> allocations() const;

    // Time to the next submission: exponential at tx_rate.
    core::Nanos next_delay();
    // Which of `count` running nodes receives the next submission. REQUIRES: count > 0.
    std::size_t pick_node(std::size_t count);

    struct Submission {
        core::TransactionRef tx;
        core::Reject intended = core::Reject::kNone;  // kNone: meant to be valid
        std::size_t sender = 0;                       // account index
    };
    // The next transfer for `receiver`, valid or (with probability invalid_fraction) bad.
    Submission next(const core::Node& receiver);
    // What `receiver` said about it.
    void submitted(const Submission& submission, const core::ValidationResult& result);

  private:
    struct Account {
        core::PrivateKey key;
        core::PublicKey public_key;
        core::Address address;
        std::uint64_t next_nonce = 0;  // what this wallet signs with next
    };

    core::TransactionRef replay(const core::Node& receiver);

    WorkloadSpec spec_;
    Rng rng_;
    std::vector<Account> accounts_;
    std::vector<core::TransactionRef> accepted_;  // valid transfers nodes accepted, in order
};

}  // namespace sim

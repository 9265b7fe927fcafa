// Demo wallets (`--demo-wallets N`): named keys anyone can derive, funded by the genesis
// block, so that a PyChain tutorial's {"sender": "alice", "recipient": "bob", "amount": 5}
// works: the node signs it with the named key (core's own signing, RFC 6979, low-S).
//
// Key of wallet NAME: SHA-256("chainsim/demo-wallet/v1/" || NAME). These keys are public by
// construction: a demo network is for learning, and every answer that involves them says so.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/keys.h"
#include "core/params.h"

namespace live {

inline constexpr std::size_t kMaxDemoWallets = 16;
inline constexpr std::uint64_t kDemoWalletFunds = 1000;  // each wallet's genesis balance
inline constexpr const char* kDemoNote =
    "demo wallets: their keys are public (SHA-256 of a published name), for learning only";

struct DemoWallet {
    std::string name;  // "alice", "bob", ...
    core::PrivateKey key;
    core::PublicKey public_key;
    core::Address address;
};

// The first `count` demo wallets, always the same ones. REQUIRES: count <= kMaxDemoWallets.
std::vector<DemoWallet> make_demo_wallets(std::size_t count);

// What the genesis block credits them: kDemoWalletFunds each.
std::vector<core::GenesisAllocation> demo_allocations(const std::vector<DemoWallet>& wallets);

// The wallet called `name`, if any.
const DemoWallet* find_demo_wallet(const std::vector<DemoWallet>& wallets, std::string_view name);

}  // namespace live

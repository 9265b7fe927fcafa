#include "sim/live/demo_wallets.h"

#include <array>
#include <cstdlib>

#include "core/hash.h"

namespace live {

namespace {
constexpr std::array<const char*, kMaxDemoWallets> kNames = {
    "alice", "bob",   "carol", "dave",   "erin",    "frank", "grace", "heidi",
    "ivan",  "judy",  "mike",  "nadia",  "olivia",  "peggy", "rupert", "sybil"};
}  // namespace

std::vector<DemoWallet> make_demo_wallets(std::size_t count) {
    std::vector<DemoWallet> out;
    for (std::size_t i = 0; i < count && i < kNames.size(); ++i) {
        const std::string name = kNames[i];
        const core::Hash256 seed = core::sha256("chainsim/demo-wallet/v1/" + name);
        // A SHA-256 output is a valid secret key but for a chance of about 2^-128.
        const auto key = core::PrivateKey::from_bytes(seed.bytes);
        if (!key) std::abort();
        const core::PublicKey pub = key->public_key();
        out.push_back(DemoWallet{name, *key, pub, pub.address()});
    }
    return out;
}

std::vector<core::GenesisAllocation> demo_allocations(const std::vector<DemoWallet>& wallets) {
    std::vector<core::GenesisAllocation> out;
    for (const DemoWallet& w : wallets)
        out.push_back(core::GenesisAllocation{w.address, kDemoWalletFunds});
    return out;
}

const DemoWallet* find_demo_wallet(const std::vector<DemoWallet>& wallets, std::string_view name) {
    for (const DemoWallet& w : wallets) {
        if (w.name == name) return &w;
    }
    return nullptr;
}

}  // namespace live

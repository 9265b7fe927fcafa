// PeerIdentity: who a request claiming to come from a peer really comes from.
//
// A chainsim node names itself in `X-Chainsim-Node: <its URL>` (http_transport.h). That
// header alone is not trusted: anyone can write a peer's URL. The claim counts only when
// it also carries `X-Chainsim-Token: <token>` and the node at the claimed URL vouches for
// that token when asked:
//
//   sender A      every request to receiver R carries token_for(R): 64 hex digits of
//                 SHA-256("chainsim/peer-token/v1" || A's secret || R's URL). The secret is
//                 32 random bytes drawn when A starts, so tokens change on every restart.
//   receiver B    on the first claim (A, T) it has not verified, B asks A itself:
//                 GET {A}/peers/verify?token=T. A answers 200 {"node": A, "peer": R} when
//                 T is the token it sends to its registered peer R, else 404. B accepts
//                 when the answer comes from A's URL, names A, and R names B (so a token A
//                 gave one peer cannot be replayed at another). B then caches (A, T).
//
// Until a claim is verified it counts for nothing: the request is an ordinary client's.
// Guarantee: without a token the node at A's URL vouches for, a request cannot reach the
// peer-only routes as A nor keep B from relaying to A. What it does not protect against: a
// party that can read the traffic between A and B (tokens travel in clear over HTTP), or
// that answers at A's URL.
//
// Cost and bounds: one verification call per (peer, token), at most kMaxPendingTokens
// distinct tokens being verified per claimed peer at once (claims past that are unverified
// at once, without a call) and kMaxWaiters requests waiting on one verification; the cache
// holds one verified token per peer URL.
//
// Not thread-safe: the io_context's thread only.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/live/http_client.h"
#include "sim/live/url.h"

namespace live {

inline constexpr const char* kTokenHeader = "X-Chainsim-Token";
inline constexpr const char* kVerifyRoute = "/peers/verify";

class PeerIdentity {
  public:
    // How verification calls are made (an http_fetch that respects partitions).
    using Fetch = std::function<void(const PeerUrl&, ClientRequest, ClientCallback)>;
    // True if `url` names this node: what the receiver of a vouched-for token must be.
    using NamesMe = std::function<bool(const PeerUrl&)>;

    static constexpr std::size_t kMaxPendingTokens = 4;
    static constexpr std::size_t kMaxWaiters = 256;

    // `secret`: this process's 32 random bytes (from the OS in live nodes).
    PeerIdentity(std::array<std::uint8_t, 32> secret, Fetch fetch, NamesMe names_me);
    ~PeerIdentity();
    PeerIdentity(const PeerIdentity&) = delete;
    PeerIdentity& operator=(const PeerIdentity&) = delete;

    // Sender side: the token this node sends to `receiver` (64 lowercase hex).
    std::string token_for(const PeerUrl& receiver) const;
    // The verification route: which of `peers` this node gave `token` to; nullopt if none.
    std::optional<PeerUrl> issued_to(std::string_view token,
                                     const std::vector<PeerUrl>& peers) const;

    // Receiver side: `done(true)` once the node at `claimed` vouches for `token` (at once if
    // cached), `done(false)` if it does not, cannot be asked, or too many verifications of
    // `claimed` are under way. `done` runs exactly once; not after this object is gone.
    void check(const PeerUrl& claimed, const std::string& token, std::function<void(bool)> done);
    // Claims verified by a call to the claimed peer, and claims that counted for nothing
    // (no or unknown token, not vouched for, too many under way): for /metrics.
    std::uint64_t verified() const { return verified_count_; }
    std::uint64_t refused() const { return refused_count_; }

  private:
    void finish(const PeerUrl& claimed, const std::string& token, bool ok);

    std::array<std::uint8_t, 32> secret_;
    Fetch fetch_;
    NamesMe names_me_;
    std::map<PeerUrl, std::string> verified_;  // the last verified token of each peer URL
    // Verifications under way: (peer, token) -> the requests waiting for the answer.
    std::map<std::pair<PeerUrl, std::string>, std::vector<std::function<void(bool)>>> pending_;
    std::uint64_t verified_count_ = 0;
    std::uint64_t refused_count_ = 0;
    std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

}  // namespace live

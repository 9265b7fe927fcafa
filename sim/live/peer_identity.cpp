#include "sim/live/peer_identity.h"

#include <nlohmann/json.hpp>

#include "core/hash.h"
#include "sim/live/api.h"

namespace live {

namespace {

constexpr std::string_view kTokenDomain = "chainsim/peer-token/v1";

// Equal without an early exit, so the time taken does not tell how much of a guess matched.
bool same_token(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    unsigned char diff = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
        diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    return diff == 0;
}

}  // namespace

PeerIdentity::PeerIdentity(std::array<std::uint8_t, 32> secret, Fetch fetch, NamesMe names_me)
    : secret_(secret), fetch_(std::move(fetch)), names_me_(std::move(names_me)) {}

PeerIdentity::~PeerIdentity() = default;

std::string PeerIdentity::token_for(const PeerUrl& receiver) const {
    const std::string url = receiver.str();
    std::vector<std::uint8_t> bytes(kTokenDomain.begin(), kTokenDomain.end());
    bytes.insert(bytes.end(), secret_.begin(), secret_.end());
    bytes.insert(bytes.end(), url.begin(), url.end());
    return core::sha256(bytes).hex();
}

std::optional<PeerUrl> PeerIdentity::issued_to(std::string_view token,
                                               const std::vector<PeerUrl>& peers) const {
    for (const PeerUrl& peer : peers) {
        if (same_token(token, token_for(peer))) return peer;
    }
    return std::nullopt;
}

void PeerIdentity::check(const PeerUrl& claimed, const std::string& token,
                         std::function<void(bool)> done) {
    auto refuse = [this](std::function<void(bool)>& d) {
        ++refused_count_;
        d(false);
    };
    if (token.empty()) return refuse(done);
    if (auto it = verified_.find(claimed); it != verified_.end() && same_token(it->second, token)) {
        return done(true);
    }
    const auto key = std::make_pair(claimed, token);
    if (auto it = pending_.find(key); it != pending_.end()) {
        if (it->second.size() >= kMaxWaiters) return refuse(done);
        it->second.push_back(std::move(done));
        return;
    }
    std::size_t under_way = 0;
    for (auto it = pending_.lower_bound({claimed, std::string()});
         it != pending_.end() && it->first.first == claimed; ++it)
        ++under_way;
    if (under_way >= kMaxPendingTokens) return refuse(done);
    // A token is 64 hex digits; anything else cannot have been issued, so no call is made.
    if (token.size() != 64 || token.find_first_not_of("0123456789abcdef") != std::string::npos) {
        return refuse(done);
    }
    pending_[key].push_back(std::move(done));

    ClientRequest req;
    req.target = std::string(kVerifyRoute) + "?token=" + token;
    req.max_response = 4096;
    fetch_(claimed, std::move(req),
           [this, alive = std::weak_ptr<int>(alive_), claimed, token](ClientResult r) {
               if (alive.expired()) return;
               bool ok = false;
               if (r.ok && r.status == 200) {
                   std::string why;
                   const nlohmann::json j = api::parse_json(r.body, why);
                   if (j.is_object() && j.contains("node") && j["node"].is_string() &&
                       j.contains("peer") && j["peer"].is_string()) {
                       const PeerUrlParse node = parse_peer_url(j["node"].get<std::string>());
                       const PeerUrlParse peer = parse_peer_url(j["peer"].get<std::string>());
                       ok = node.url && *node.url == claimed && peer.url && names_me_(*peer.url);
                   }
               }
               finish(claimed, token, ok);
           });
}

void PeerIdentity::finish(const PeerUrl& claimed, const std::string& token, bool ok) {
    const auto it = pending_.find({claimed, token});
    if (it == pending_.end()) return;
    auto waiting = std::move(it->second);
    pending_.erase(it);
    if (ok) {
        verified_[claimed] = token;
        ++verified_count_;
    } else {
        ++refused_count_;
    }
    auto alive = std::weak_ptr<int>(alive_);
    for (auto& done : waiting) {
        if (alive.expired()) return;
        done(ok);
    }
}

}  // namespace live

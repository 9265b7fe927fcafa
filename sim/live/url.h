// Peer URLs: the only form a live node accepts for a peer is http://HOST:PORT (an optional
// trailing '/' is dropped), so a registered peer can never point a node at a path, a query,
// credentials or another scheme.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace live {

struct PeerUrl {
    std::string host;  // an IPv4 address, a bracket-free IPv6 address, or a host name
    std::uint16_t port = 0;

    // "http://host:port", the canonical spelling (IPv6 hosts in brackets).
    std::string str() const;
    // "host:port" (IPv6 hosts in brackets): how PyChain lists its nodes.
    std::string netloc() const;
    bool operator==(const PeerUrl&) const = default;
    auto operator<=>(const PeerUrl&) const = default;
};

struct PeerUrlParse {
    std::optional<PeerUrl> url;
    std::string error;  // why `text` is not a peer URL, when url is empty
};

// Parses "http://host:port" or "http://host:port/". Hosts are 1..253 characters of
// [A-Za-z0-9.-], or an IPv6 literal in brackets; the port is 1..65535 in decimal.
[[nodiscard]] PeerUrlParse parse_peer_url(std::string_view text);

// What /nodes/register and --peer accept: a peer URL as above, or a bare "host:port"
// (meaning http://host:port), as dvf/blockchain's register does.
[[nodiscard]] PeerUrlParse parse_peer_address(std::string_view text);

}  // namespace live

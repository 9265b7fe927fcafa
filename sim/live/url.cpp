#include "sim/live/url.h"

#include <cctype>

namespace live {

std::string PeerUrl::str() const {
    return "http://" + netloc();
}

std::string PeerUrl::netloc() const {
    const bool v6 = host.find(':') != std::string::npos;
    std::string out;
    if (v6) out += '[';
    out += host;
    if (v6) out += ']';
    out += ':';
    out += std::to_string(port);
    return out;
}

PeerUrlParse parse_peer_address(std::string_view text) {
    if (text.find("://") != std::string_view::npos) return parse_peer_url(text);
    std::string url = "http://";
    url.append(text.substr(0, 300));
    PeerUrlParse p = parse_peer_url(url);
    if (!p.url) {
        std::string message = "'";
        message.append(text.substr(0, 200));
        message.append("' is not a peer address (expected host:port or http://host:port)");
        p.error = std::move(message);
    }
    return p;
}

PeerUrlParse parse_peer_url(std::string_view text) {
    auto fail = [&](const std::string& why) {
        std::string message = "'";
        message.append(text.substr(0, 200));
        message.append("' is not a peer URL: ");
        message.append(why);
        message.append(" (expected http://host:port)");
        return PeerUrlParse{std::nullopt, std::move(message)};
    };
    constexpr std::string_view kScheme = "http://";
    if (text.size() > 300) return fail("too long");
    if (text.substr(0, kScheme.size()) != kScheme) return fail("it must start with http://");
    std::string_view rest = text.substr(kScheme.size());
    if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
    // A peer is a host and port only; say so instead of misreading "5000/x" as the port.
    if (const auto extra = rest.find_first_of("/?#"); extra != std::string_view::npos) {
        return fail("a peer URL has no path, query or fragment, but this one has '" +
                    std::string(rest.substr(extra, 100)) + "' after host:port");
    }

    PeerUrl url;
    std::string_view port_text;
    if (!rest.empty() && rest.front() == '[') {
        const auto close = rest.find(']');
        if (close == std::string_view::npos) return fail("unclosed '[' in the host");
        const std::string_view host = rest.substr(1, close - 1);
        if (host.empty()) return fail("empty host");
        for (char c : host) {
            if (!std::isxdigit(static_cast<unsigned char>(c)) && c != ':' && c != '.') {
                return fail("bad character in the IPv6 address");
            }
        }
        url.host = std::string(host);
        rest.remove_prefix(close + 1);
        if (rest.empty() || rest.front() != ':') return fail("missing :port");
        port_text = rest.substr(1);
    } else {
        const auto colon = rest.rfind(':');
        if (colon == std::string_view::npos) return fail("missing :port");
        const std::string_view host = rest.substr(0, colon);
        if (host.empty() || host.size() > 253) return fail("empty or overlong host");
        for (char c : host) {
            if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-') {
                return fail(std::string("character '") + c + "' is not allowed in a host");
            }
        }
        url.host = std::string(host);
        port_text = rest.substr(colon + 1);
    }
    if (port_text.empty() || port_text.size() > 5) return fail("the port must be 1..65535");
    unsigned port = 0;
    for (char c : port_text) {
        if (c < '0' || c > '9') return fail("the port must be a decimal number");
        port = port * 10 + static_cast<unsigned>(c - '0');
    }
    if (port == 0 || port > 65535) return fail("the port must be 1..65535");
    url.port = static_cast<std::uint16_t>(port);
    return PeerUrlParse{url, {}};
}

}  // namespace live

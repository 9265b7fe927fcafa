#include "sim/live/api.h"

#include <set>
#include <vector>

namespace live::api {

unsigned status_for(core::Reject reason) {
    using core::Reject;
    switch (reason) {
        case Reject::kNone:
            return 200;
        case Reject::kMalformed:
            return 400;
        case Reject::kBadSignature:
        case Reject::kHighS:
            return 403;
        case Reject::kReplay:
        case Reject::kNonceConflict:
        case Reject::kDuplicateTx:
        case Reject::kDuplicateBlock:
            return 409;
        case Reject::kMempoolFull:
            return 503;
        case Reject::kZeroAmount:
        case Reject::kAmountOverflow:
        case Reject::kInsufficientFunds:
        case Reject::kBadNonce:
        case Reject::kUnexpectedCoinbase:
        case Reject::kBadPow:
        case Reject::kBadBits:
        case Reject::kBadMerkle:
        case Reject::kDuplicateTxid:
        case Reject::kBadCoinbase:
        case Reject::kTooManyTxs:
        case Reject::kTimeTooOld:
        case Reject::kTimeTooNew:
        case Reject::kOrphan:
        case Reject::kInvalidParent:
        case Reject::kBadGenesis:
            return 422;
    }
    return 422;
}

std::string dump(const nlohmann::json& j) {
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Response json(unsigned status, const nlohmann::json& body) {
    Response r;
    r.status = status;
    r.body = dump(body);
    return r;
}

Response error(unsigned status, std::string_view code, std::string_view message) {
    return json(status, {{"error", code}, {"message", message}});
}

Response rejected(const core::ValidationResult& result) {
    return error(status_for(result.reason), core::reject_name(result.reason), result.message);
}

namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

bool percent_decode(std::string_view in, std::string& out, bool plus_is_space) {
    out.clear();
    out.reserve(in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
        const char c = in[i];
        if (c == '%') {
            if (i + 2 >= in.size()) return false;
            const int hi = hex_value(in[i + 1]);
            const int lo = hex_value(in[i + 2]);
            if (hi < 0 || lo < 0) return false;
            out.push_back(static_cast<char>(hi * 16 + lo));
            i += 2;
        } else if (c == '+' && plus_is_space) {
            out.push_back(' ');
        } else {
            out.push_back(c);
        }
    }
    return true;
}

}  // namespace

Target parse_target(std::string_view target) {
    Target t;
    const auto question = target.find('?');
    const std::string_view path = target.substr(0, question);
    t.ok = percent_decode(path, t.path, false);
    if (question == std::string_view::npos) return t;
    std::string_view rest = target.substr(question + 1);
    while (!rest.empty()) {
        const auto amp = rest.find('&');
        const std::string_view pair = rest.substr(0, amp);
        rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
        if (pair.empty()) continue;
        const auto eq = pair.find('=');
        std::string key, value;
        if (!percent_decode(pair.substr(0, eq), key, true)) t.ok = false;
        if (eq != std::string_view::npos && !percent_decode(pair.substr(eq + 1), value, true)) {
            t.ok = false;
        }
        t.query[key] = value;
    }
    return t;
}

nlohmann::json parse_json(std::string_view text, std::string& error) {
    using nlohmann::json;
    // The keys seen so far in each object being parsed, innermost last.
    std::vector<std::set<std::string>> keys;
    std::string duplicate;
    const json::parser_callback_t check = [&](int, json::parse_event_t event, json& parsed) {
        if (event == json::parse_event_t::object_start) {
            keys.emplace_back();
        } else if (event == json::parse_event_t::object_end) {
            if (!keys.empty()) keys.pop_back();
        } else if (event == json::parse_event_t::key && !keys.empty() && duplicate.empty()) {
            if (!keys.back().insert(parsed.get<std::string>()).second) {
                duplicate = parsed.get<std::string>();
            }
        }
        return true;
    };
    json out = json::parse(text, check, /*allow_exceptions=*/false);
    if (out.is_discarded()) {
        error = "not valid JSON";
    } else if (!duplicate.empty()) {
        if (duplicate.size() > 64) duplicate = duplicate.substr(0, 64) + "...";
        error = "not strict JSON: the key " +
                json(duplicate).dump(-1, ' ', false, json::error_handler_t::replace) +
                " appears twice in one object";
        out = json(json::value_t::discarded);
    }
    return out;
}

bool parse_object(std::string_view body, nlohmann::json& out, Response& error_out) {
    std::string why;
    out = parse_json(body, why);
    if (out.is_discarded()) {
        error_out = error(400, "malformed", "the body is " + why);
        return false;
    }
    if (!out.is_object()) {
        error_out = error(400, "malformed", "the body must be a JSON object");
        return false;
    }
    return true;
}

bool parse_u64(std::string_view text, std::uint64_t& out) {
    if (text.empty() || text.size() > 20) return false;
    std::uint64_t v = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return false;
        const std::uint64_t d = static_cast<std::uint64_t>(c - '0');
        if (v > (UINT64_MAX - d) / 10) return false;
        v = v * 10 + d;
    }
    out = v;
    return true;
}

}  // namespace live::api

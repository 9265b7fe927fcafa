// The HTTP face of a live node: status codes for validation results, JSON bodies, and
// request targets. Route handlers themselves live in live_node.cpp.
//
// Status codes (the live-mode contract, docs/live.md):
//   400 malformed: not JSON, wrong types, negative or fractional amounts, bad hex
//   403 bad signature (or a high-S one)
//   409 duplicate transaction, stale (replayed) nonce, another pending tx with that nonce
//   413 body over the limit;  404 unknown route;  405 wrong method (with Allow)
//   422 well-formed but not acceptable: overspend, zero amount, amount + fee overflow,
//       a nonce too far ahead, an invalid block (PoW, merkle, linkage, coinbase, time...)
//   503 mempool full, or the sender is across a partition
// Every error body is {"error": a kebab-case code, "message": what was wrong}.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/validation.h"
#include "sim/live/http_server.h"

namespace live::api {

unsigned status_for(core::Reject reason);

// JSON text of `j`; invalid UTF-8 from clients is replaced, never thrown on.
std::string dump(const nlohmann::json& j);

Response json(unsigned status, const nlohmann::json& body);
Response error(unsigned status, std::string_view code, std::string_view message);
// The error for a failed validation: status_for(reason), error = reject_name(reason).
Response rejected(const core::ValidationResult& result);

struct Target {
    std::string path;                          // percent-decoded, without the query
    std::map<std::string, std::string> query;  // last value wins
    bool ok = true;                            // false: bad percent-encoding
};
Target parse_target(std::string_view target);

// Parses JSON text strictly: besides the grammar, an object may not hold the same key twice
// (another parser could read the other value, so a signed transaction would mean two
// things). On failure returns a discarded value and says why in `error`.
nlohmann::json parse_json(std::string_view text, std::string& error);

// Parses a request body as a JSON object (strictly, as parse_json); on failure
// `error_out` is the 400 to send.
bool parse_object(std::string_view body, nlohmann::json& out, Response& error_out);

// A decimal uint64 (no sign, no spaces); false on anything else.
bool parse_u64(std::string_view text, std::uint64_t& out);

}  // namespace live::api

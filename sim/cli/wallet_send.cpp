// chainsim wallet send --key KEYFILE --to ADDR --amount N [--fee N] --node URL
// Reads the sender's next nonce from the node (GET /balance/{address}), signs, POSTs to
// /transactions/new and prints {"tx": the JSON posted, "status": HTTP status, "response":
// the body}. Exits 0 on 201, 1 otherwise.
#include <charconv>
#include <cstdint>

#include "core/codec.h"
#include "sim/cli/cli.h"
#include "sim/live/api.h"
#include "sim/live/http_client.h"

namespace cli {
namespace {

struct SendArgs {
    std::string key_file;
    std::string to;
    std::string amount;
    std::string fee = "0";
    std::string node;
};

// A whole number of coins given as `flag` TEXT; bad_input unless it is one (and, unless
// `zero_ok`, positive), so a transfer the node must refuse is never signed or sent.
std::uint64_t parse_coins(const std::string& flag, const std::string& text, bool zero_ok) {
    std::uint64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    const bool whole = !text.empty() && ec == std::errc() && end == text.data() + text.size();
    if (!whole || (value == 0 && !zero_ok)) {
        bad_input(flag + " must be " +
                  (zero_ok ? "a whole number, 0 or more" : "a positive whole number") + " (up to " +
                  std::to_string(UINT64_MAX) + "), got '" + text + "'");
    }
    return value;
}

nlohmann::json body_json(const std::string& body) {
    auto j = nlohmann::json::parse(body, nullptr, false);
    return j.is_discarded() ? nlohmann::json(body) : j;
}

int wallet_send(const SendArgs& args) {
    const std::uint64_t amount = parse_coins("--amount", args.amount, /*zero_ok=*/false);
    const std::uint64_t fee = parse_coins("--fee", args.fee, /*zero_ok=*/true);
    if (amount > UINT64_MAX - fee) bad_input("--amount plus --fee must not exceed 2^64-1");
    const core::PrivateKey key = load_key_file(args.key_file);
    const auto to = core::Address::from_hex(args.to);
    if (!to) bad_input("--to must be an address of 40 hex digits");
    const live::PeerUrlParse node = live::parse_peer_url(args.node);
    if (!node.url) bad_input("--node " + node.error);
    const core::Address from = key.public_key().address();

    live::ClientRequest get;
    get.target = "/balance/" + from.hex();
    const live::ClientResult balance = live::http_fetch_blocking(*node.url, get);
    if (!balance.ok) throw Exit(1, "cannot reach " + node.url->str() + ": " + balance.error);
    const auto account = nlohmann::json::parse(balance.body, nullptr, false);
    const auto nonce = account.is_object() ? account.find("nonce") : account.end();
    if (balance.status != 200 || nonce == account.end() || !nonce->is_number_unsigned()) {
        throw Exit(1, "cannot read the sender's nonce from " + node.url->str() + " (HTTP " +
                          std::to_string(balance.status) + ": " + balance.body.substr(0, 200) +
                          ")");
    }

    const core::TransactionRef tx =
        core::Transaction::sign_transfer(key, *to, amount, fee, nonce->get<std::uint64_t>());
    const nlohmann::json tx_json = core::tx_to_json(*tx);
    live::ClientRequest post;
    post.method = boost::beast::http::verb::post;
    post.target = "/transactions/new";
    post.body = live::api::dump(tx_json);
    const live::ClientResult sent = live::http_fetch_blocking(*node.url, post);
    if (!sent.ok) {
        print_json({{"tx", tx_json}, {"status", 0}, {"response", nullptr}, {"error", sent.error}});
        return 1;
    }
    print_json({{"tx", tx_json}, {"status", sent.status}, {"response", body_json(sent.body)}});
    return sent.status == 201 ? 0 : 1;
}

}  // namespace

void add_wallet_send(CLI::App& wallet, int& exit_code) {
    auto args = std::make_shared<SendArgs>();
    auto* send = wallet.add_subcommand("send", "Sign a transfer and send it to a live node");
    send->add_option("--key", args->key_file, "sender's key file")->required();
    send->add_option("--to", args->to, "recipient address (40 hex digits)")->required();
    send->add_option("--amount", args->amount, "amount to send (a positive integer)")->required();
    send->add_option("--fee", args->fee, "fee for the miner (default 0)");
    send->add_option("--node", args->node, "node URL, http://host:port")->required();
    send->callback([args, &exit_code] { exit_code = wallet_send(*args); });
}

}  // namespace cli

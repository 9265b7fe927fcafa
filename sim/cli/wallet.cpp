// chainsim wallet new [--out FILE] | address KEYFILE | sign --key HEX --message TEXT
// (wallet send, which talks to a live node over HTTP, is in wallet_send.cpp.)
#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

#include "core/hash.h"
#include "core/wallet.h"
#include "sim/cli/cli.h"

namespace cli {
namespace {

void write_private_file(const std::string& path, const std::string& text) {
    // O_EXCL: never overwrite a key; 0600: only the owner may read it.
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) bad_input(path + ": cannot create: " + std::strerror(errno));
    std::size_t done = 0;
    while (done < text.size()) {
        ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            ::close(fd);
            bad_input(path + ": write failed: " + std::strerror(errno));
        }
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
        bad_input(path + ": write failed: " + std::strerror(errno));
    }
}

void wallet_new(const std::string& out) {
    std::array<unsigned char, 32> entropy;
    os_random(entropy.data(), entropy.size());
    const core::PrivateKey key = core::key_from_entropy(entropy);
    const nlohmann::json j = core::key_file_json(key);
    if (out.empty()) {
        print_json(j);
        return;
    }
    write_private_file(out, j.dump(2) + "\n");
    print_json({{"address", j["address"]}, {"public_key", j["public_key"]}, {"file", out}});
}

}  // namespace

core::PrivateKey load_key_file(const std::string& path) {
    const std::string text = read_file(path);
    const nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) bad_input(path + ": not valid JSON");
    std::optional<core::PrivateKey> key;
    core::ValidationResult r = core::key_from_file_json(j, key);
    if (!r.ok()) bad_input(path + ": " + r.message);
    return *key;
}

void add_wallet_commands(CLI::App& app, int& exit_code) {
    auto* wallet = app.add_subcommand("wallet", "Keys, addresses and signatures");
    wallet->require_subcommand(1);

    auto* create = wallet->add_subcommand("new", "Create a key (printed, or written 0600)");
    auto out = std::make_shared<std::string>();
    create->add_option("--out", *out, "write the key file here (never overwritten)");
    create->callback([out] { wallet_new(*out); });

    auto* address = wallet->add_subcommand("address", "Show the address of a key file");
    auto key_file = std::make_shared<std::string>();
    address->add_option("KEYFILE", *key_file, "key file from `wallet new --out`")->required();
    address->callback([key_file] {
        const core::PrivateKey key = load_key_file(*key_file);
        print_json({{"address", key.public_key().address().hex()},
                    {"public_key", key.public_key().hex()}});
    });

    auto* sign = wallet->add_subcommand("sign", "Sign SHA-256(message) with RFC 6979 (low-S)");
    auto key_hex = std::make_shared<std::string>();
    auto message = std::make_shared<std::string>();
    sign->add_option("--key", *key_hex, "private key, 64 hex digits")->required();
    sign->add_option("--message", *message, "text to sign")->required();
    sign->callback([key_hex, message] {
        auto key = core::PrivateKey::from_hex(*key_hex);
        if (!key) bad_input("--key must be 64 hex digits encoding a valid secp256k1 key");
        const core::Signature sig = key->sign(core::sha256(*message));
        print_json({{"r", sig.r_hex()},
                    {"s", sig.s_hex()},
                    {"signature", sig.hex()},
                    {"public_key", key->public_key().hex()}});
    });

    add_wallet_send(*wallet, exit_code);
}

}  // namespace cli

#include <sys/random.h>

#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include "sim/cli/cli.h"
#include "sim/scenario/scenario.h"

namespace cli {

void print_json(const nlohmann::json& j) {
    std::cout << j.dump(2) << "\n";
}

sim::Scenario load_scenario_or_fail(const std::string& path, const std::vector<std::string>& sets,
                                    const std::string& where) {
    sim::ScenarioLoad load = sim::load_scenario(path, sets);
    if (!load.ok()) {
        std::string text = load.error_text();
        if (!text.empty() && text.back() == '\n') text.pop_back();
        // The first line names the file (errors from a --set argument name only the --set);
        // every error is on its own line.
        bad_input("invalid scenario " + path + where + ":\n" + text);
    }
    return std::move(*load.scenario);
}

void scenario_build_error(const std::string& path, const std::vector<std::string>& sets,
                          const std::string& error) {
    const std::size_t colon = error.find(": ");
    const std::string head = error.substr(0, colon);
    const bool names_field =
        colon != std::string::npos && !head.empty() &&
        head.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_.") == std::string::npos;
    if (!names_field) bad_input(path + ": " + error);
    bad_input("invalid scenario " + path + ":\n" + sim::field_place(path, sets, head) + ": " +
              error);
}

std::uint64_t parse_seed_flag(const std::string& flag, const std::string& text) {
    std::uint64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
        bad_input(flag + " must be an integer from 0 to " + std::to_string(UINT64_MAX) + ", got '" +
                  text + "'");
    }
    return value;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) bad_input(path + ": cannot read: " + std::strerror(errno));
    std::ostringstream s;
    s << in.rdbuf();
    if (in.bad()) bad_input(path + ": read error");
    return s.str();
}

void os_random(unsigned char* out, std::size_t size) {
    std::size_t done = 0;
    while (done < size) {
        ssize_t n = getrandom(out + done, size - done, 0);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw Exit(kExitInternal, std::string("getrandom failed: ") + std::strerror(errno));
        }
        done += static_cast<std::size_t>(n);
    }
}

}  // namespace cli

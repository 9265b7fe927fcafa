// The chainsim command line: each file in sim/cli registers its subcommands on the app.
// A subcommand reports failure by throwing cli::Exit; main prints its message as one line
// on stderr and exits with its code (docs/design.md §11: 1 expectation failed, 2 bad input,
// 3 internal error).
#pragma once

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/scenario/scenario.h"

namespace cli {

inline constexpr int kExitExpectation = 1;
inline constexpr int kExitBadInput = 2;
inline constexpr int kExitInternal = 3;

struct Exit : std::runtime_error {
    Exit(int code, const std::string& message) : std::runtime_error(message), code(code) {}
    int code;
};

[[noreturn]] inline void bad_input(const std::string& message) {
    throw Exit(kExitBadInput, message);
}

// Prints JSON (pretty, 2 spaces) and a newline on stdout.
void print_json(const nlohmann::json& j);

// Loads and validates a scenario with --set overrides; on errors, bad_input with every
// error on its own line under "invalid scenario PATH<where>:".
sim::Scenario load_scenario_or_fail(const std::string& path, const std::vector<std::string>& sets,
                                    const std::string& where = "");

// A seed given as `flag` TEXT: an integer from 0 to 2^64-1; bad_input saying so otherwise.
std::uint64_t parse_seed_flag(const std::string& flag, const std::string& text);

// bad_input for a scenario that loaded but cannot be built or run (World::create's error).
// An error that starts with a field path ("events.2.cut: ...") is placed like a load error,
// at the line of that field in PATH (or at the --set in `sets` that made it).
[[noreturn]] void scenario_build_error(const std::string& path,
                                       const std::vector<std::string>& sets,
                                       const std::string& error);

// Reads a whole file; bad_input naming the file if it cannot.
std::string read_file(const std::string& path);

// 32 bytes from the operating system's random source (for keys and context blinding;
// never used inside a simulation).
void os_random(unsigned char* out, std::size_t size);

// Transparent huge pages for large runs (huge_pages.cpp). remember_command_line comes first in
// main: it keeps argv for the restart and, in a restarted process, puts the environment back.
// use_huge_pages(mode, nodes), mode "auto" (on from kHugePageNodes nodes), "on" or "off":
// when on, the kernel offers huge pages and glibc's malloc is not yet using them, re-executes
// this process with GLIBC_TUNABLES=glibc.malloc.hugetlb=1 and does not return; otherwise (or
// if the restart fails) returns and the run goes on as it is. huge_pages_active() says whether
// glibc's malloc was started with huge pages: this process is the restarted one, or the user
// set glibc.malloc.hugetlb to a non-zero value themselves.
inline constexpr int kHugePageNodes = 10'000;
void remember_command_line(char** argv);
void use_huge_pages(const std::string& mode, int nodes);
bool huge_pages_active();

// `exit_code` is what main returns when a subcommand sets it without throwing.
void add_inspect_commands(CLI::App& app);
void add_wallet_commands(CLI::App& app, int& exit_code);
void add_run_commands(CLI::App& app, int& exit_code);
void add_sweep_commands(CLI::App& app, int& exit_code);
void add_report_commands(CLI::App& app);
void add_live_commands(CLI::App& app, int& exit_code);
// `swarm` (sim/cli/swarm.cpp): generated scenarios checked against the invariants.
void add_swarm_commands(CLI::App& app, int& exit_code);
// `theory` (sim/cli/theory.cpp): published predictions for the adversaries.
void add_theory_commands(CLI::App& app);
// `wallet send` (sim/cli/wallet_send.cpp), attached to the `wallet` subcommand.
void add_wallet_send(CLI::App& wallet, int& exit_code);

}  // namespace cli

#include "core/keys.h"
namespace cli {
// Reads and checks a key file; bad_input naming the file and the problem otherwise.
core::PrivateKey load_key_file(const std::string& path);
}  // namespace cli

// The chainsim command. Subcommands live in sim/cli/*.cpp.
#include <algorithm>
#include <array>
#include <iostream>
#include <string_view>

#include "core/keys.h"
#include "sim/cli/cli.h"

#ifndef CHAINSIM_VERSION
#define CHAINSIM_VERSION "unknown"
#endif
#ifndef CHAINSIM_GIT_COMMIT
#define CHAINSIM_GIT_COMMIT "unknown"
#endif
#ifndef CHAINSIM_BUILD_TYPE
#define CHAINSIM_BUILD_TYPE "unknown"
#endif

namespace {

// Edit distance, for suggesting the command a typo meant.
std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j)
        row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
            diagonal = above;
        }
    }
    return row[b.size()];
}

// Without arguments, or when the first argument is a word that names no command, bad_input
// saying so, with the closest command if one is close and the list of commands.
void check_command_word(const CLI::App& app, int argc, char** argv) {
    if (argc >= 2 && argv[1][0] == '-') return;
    const std::string word = argc >= 2 ? argv[1] : "";
    std::vector<std::string> names;
    std::string closest;
    std::size_t best = word.size() / 2 + 1;  // more edits than this is not a typo
    for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
        const std::string& name = sub->get_name();
        if (name == word) return;
        names.push_back(name);
        const std::size_t d = edit_distance(word, name);
        if (d < best || (name.rfind(word, 0) == 0 && closest.empty())) {
            best = std::min(best, d);
            closest = name;
        }
    }
    std::string message = word.empty() ? "a command is required" : "unknown command '" + word + "'";
    if (!word.empty() && !closest.empty()) message += " (did you mean '" + closest + "'?)";
    message += "; commands:";
    for (std::size_t i = 0; i < names.size(); ++i)
        message += (i == 0 ? " " : ", ") + names[i];
    cli::bad_input(message + " (chainsim --help for more)");
}

}  // namespace

int main(int argc, char** argv) {
    int exit_code = 0;
    cli::remember_command_line(argv);
    try {
        std::array<unsigned char, 32> blind;
        cli::os_random(blind.data(), blind.size());
        core::randomize_signing_context(blind);

        CLI::App app{"chainsim: a deterministic simulator for proof-of-work networks"};
        app.require_subcommand(1);
        app.set_help_all_flag("--help-all", "Show help for every command");
        // The commit and build type are fixed when CMake configures the build.
        app.set_version_flag("--version",
                             "chainsim " CHAINSIM_VERSION " (commit " CHAINSIM_GIT_COMMIT
                             ", " CHAINSIM_BUILD_TYPE " build)");
        cli::add_run_commands(app, exit_code);
        cli::add_sweep_commands(app, exit_code);
        cli::add_report_commands(app);
        cli::add_live_commands(app, exit_code);
        cli::add_wallet_commands(app, exit_code);
        cli::add_inspect_commands(app);
        cli::add_theory_commands(app);
        cli::add_swarm_commands(app, exit_code);
        check_command_word(app, argc, argv);
        try {
            app.parse(argc, argv);
        } catch (const CLI::CallForHelp& e) {
            return app.exit(e);
        } catch (const CLI::CallForAllHelp& e) {
            return app.exit(e);
        } catch (const CLI::CallForVersion& e) {
            return app.exit(e);
        } catch (const CLI::ParseError& e) {
            std::cerr << "chainsim: " << e.what() << "\n";
            return cli::kExitBadInput;
        }
    } catch (const cli::Exit& e) {
        std::cerr << "chainsim: " << e.what() << "\n";
        return e.code;
    } catch (const std::exception& e) {
        std::cerr << "chainsim: internal error: " << e.what() << "\n";
        return cli::kExitInternal;
    }
    return exit_code;
}

// The chainsim command. Subcommands live in sim/cli/*.cpp.
#include <array>
#include <iostream>

#include "core/keys.h"
#include "sim/cli/cli.h"

int main(int argc, char** argv) {
    int exit_code = 0;
    try {
        std::array<unsigned char, 32> blind;
        cli::os_random(blind.data(), blind.size());
        core::randomize_signing_context(blind);

        CLI::App app{"chainsim: a deterministic simulator for proof-of-work networks"};
        app.require_subcommand(1);
        app.set_help_all_flag("--help-all", "Show help for every command");
        cli::add_run_commands(app, exit_code);
        cli::add_sweep_commands(app, exit_code);
        cli::add_report_commands(app);
        cli::add_live_commands(app, exit_code);
        cli::add_wallet_commands(app, exit_code);
        cli::add_inspect_commands(app);
        cli::add_theory_commands(app);
        try {
            app.parse(argc, argv);
        } catch (const CLI::CallForHelp& e) {
            return app.exit(e);
        } catch (const CLI::CallForAllHelp& e) {
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

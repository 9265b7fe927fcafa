#include "sim/cli/cli.h"
namespace cli {
void add_run_commands(CLI::App&, int&) {}
void add_sweep_commands(CLI::App&, int&) {}
void add_live_commands(CLI::App&, int&) {}
}  // namespace cli

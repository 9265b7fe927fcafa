// Commands not built yet: `sweep` and `report` (reports issue). Registering nothing keeps
// them out of --help until then.
#include "sim/cli/cli.h"

namespace cli {
void add_sweep_commands(CLI::App&, int&) {}
}  // namespace cli

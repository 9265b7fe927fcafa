// Commands not built yet: `node`, `live` and `wallet send` (live-mode issue). Registering
// nothing keeps them out of --help until then.
#include "sim/cli/cli.h"

namespace cli {
void add_live_commands(CLI::App&, int&) {}
}  // namespace cli

// Transparent huge pages for large simulations (docs/performance.md §12).
//
// At 100 000 nodes the run is bound by cache and TLB misses: each event touches a few lines of
// per-node and per-link state spread over hundreds of megabytes, and with 4 KB pages nearly
// each of those lines also misses the TLB. glibc's malloc can back its heap with transparent
// huge pages (the tunable glibc.malloc.hugetlb=1, glibc 2.35 and later), but it reads tunables
// only from the environment at start-up. So `chainsim run` sets the tunable and re-executes
// itself once; the restarted process puts the environment back as it was, so that what it
// starts (the plot script) inherits the user's. Only where and how memory is mapped changes:
// the run, its events and its digest are the same.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "sim/cli/cli.h"

namespace cli {
namespace {

constexpr const char* kTunables = "GLIBC_TUNABLES";
constexpr const char* kHugeTunable = "glibc.malloc.hugetlb";
// Set across the restart: the marker, and the user's own GLIBC_TUNABLES if there was one.
constexpr const char* kRestarted = "CHAINSIM_HUGE_PAGES_RESTART";
constexpr const char* kSavedTunables = "CHAINSIM_SAVED_GLIBC_TUNABLES";

char** command_line = nullptr;
bool restarted = false;
// The user's own GLIBC_TUNABLES sets glibc.malloc.hugetlb (user_chose), to a non-zero value
// (user_asked).
bool user_chose = false;
bool user_asked = false;

// Puts GLIBC_TUNABLES back to `saved` (nullptr: it was not set).
void restore_tunables(const char* saved) {
    if (saved != nullptr) {
        ::setenv(kTunables, saved, 1);
    } else {
        ::unsetenv(kTunables);
    }
}

// The kernel gives huge pages to regions that ask for them (madvise) or to all.
bool kernel_offers_huge_pages() {
    std::ifstream in("/sys/kernel/mm/transparent_hugepage/enabled");
    std::string modes;
    if (!std::getline(in, modes)) return false;
    return modes.find("[always]") != std::string::npos ||
           modes.find("[madvise]") != std::string::npos;
}

}  // namespace

void remember_command_line(char** argv) {
    command_line = argv;
    if (std::getenv(kRestarted) == nullptr) {
        const char* tunables = std::getenv(kTunables);
        const std::string set = std::string(kHugeTunable) + "=";
        const std::string all = tunables != nullptr ? tunables : "";
        const std::size_t at = all.find(set);
        if (at == std::string::npos) return;
        std::string value = all.substr(at + set.size());
        value = value.substr(0, value.find(':'));
        user_chose = true;
        user_asked = !value.empty() && value != "0";
        return;
    }
    restarted = true;
    ::unsetenv(kRestarted);
    const char* saved = std::getenv(kSavedTunables);
    restore_tunables(saved);  // copies `saved` before it is unset
    if (saved != nullptr) ::unsetenv(kSavedTunables);
}

bool huge_pages_active() {
    return restarted || (user_asked && kernel_offers_huge_pages());
}

void use_huge_pages(const std::string& mode, int nodes) {
    if (mode == "off" || (mode == "auto" && nodes < kHugePageNodes)) return;
    // The user chose for this tunable already (perhaps 0): theirs stands.
    if (restarted || user_chose || command_line == nullptr || !kernel_offers_huge_pages()) return;
    const char* tunables = std::getenv(kTunables);
    const std::string before = tunables != nullptr ? tunables : "";
    const std::string after = (before.empty() ? "" : before + ":") + kHugeTunable + "=1";
    if (tunables != nullptr) ::setenv(kSavedTunables, before.c_str(), 1);
    ::setenv(kTunables, after.c_str(), 1);
    ::setenv(kRestarted, "1", 1);
    std::fflush(nullptr);
    ::execv("/proc/self/exe", command_line);
    // Could not restart: run as we are, with the environment as it was.
    ::unsetenv(kRestarted);
    ::unsetenv(kSavedTunables);
    restore_tunables(tunables != nullptr ? before.c_str() : nullptr);
}

}  // namespace cli

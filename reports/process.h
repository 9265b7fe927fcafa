// Child processes, for the plot script and for sweeps (one chainsim process per run, so a
// crash in one run cannot take down the others).
//
// POSIX only. Not thread-safe with respect to other code that reaps children: wait_any()
// collects any child of this process.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

namespace reports {

// How a child ended.
struct ChildExit {
    int code = 0;    // exit status when it exited normally
    int signal = 0;  // the signal that killed it, else 0
    bool ok() const { return signal == 0 && code == 0; }
    // "exit code 3", "killed by signal 11 (Segmentation fault)".
    std::string describe() const;
};

// Starts argv[0] (a path, not searched on PATH) with `argv`. With `log_path` set, the
// child's stdout and stderr go to that file (created or truncated); otherwise they are
// inherited. Returns the pid, or an error message (the program could not be started).
struct Spawned {
    pid_t pid = -1;
    std::string error;  // empty on success
};
Spawned spawn(const std::vector<std::string>& argv,
              const std::optional<std::string>& log_path = std::nullopt);

// Waits for `pid` to end.
ChildExit wait_for(pid_t pid);

// Whether `pid` has ended, without waiting: its exit once it has, else nothing. An error
// (not our child) counts as ended with exit code 127.
std::optional<ChildExit> try_wait(pid_t pid);

// Waits for any child to end; returns its pid (or -1 when there is none).
pid_t wait_any(ChildExit& exit);

// The path of the running executable (/proc/self/exe resolved); empty if unknown.
std::string self_executable();

// `argv` as one line a POSIX shell runs as given: words quoted only when they need it.
std::string shell_command(const std::vector<std::string>& argv);

}  // namespace reports

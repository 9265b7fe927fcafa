#include "reports/process.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

extern char** environ;

namespace reports {
namespace {

ChildExit from_status(int status) {
    ChildExit e;
    if (WIFEXITED(status)) e.code = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) e.signal = WTERMSIG(status);
    return e;
}

}  // namespace

std::string ChildExit::describe() const {
    if (signal != 0) {
        return "killed by signal " + std::to_string(signal) + " (" + ::strsignal(signal) + ")";
    }
    return "exit code " + std::to_string(code);
}

Spawned spawn(const std::vector<std::string>& argv, const std::optional<std::string>& log_path) {
    std::vector<char*> args;
    for (const std::string& a : argv)
        args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    if (log_path) {
        posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log_path->c_str(),
                                         O_WRONLY | O_CREAT | O_TRUNC, 0644);
        posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
    }
    Spawned out;
    const int rc = posix_spawn(&out.pid, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
        out.pid = -1;
        out.error = argv[0] + ": cannot start: " + std::strerror(rc);
    }
    return out;
}

ChildExit wait_for(pid_t pid) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) return ChildExit{127, 0};
    }
    return from_status(status);
}

std::optional<ChildExit> try_wait(pid_t pid) {
    int status = 0;
    pid_t got;
    while ((got = ::waitpid(pid, &status, WNOHANG)) < 0) {
        if (errno != EINTR) return ChildExit{127, 0};
    }
    if (got == 0) return std::nullopt;
    return from_status(status);
}

pid_t wait_any(ChildExit& exit) {
    int status = 0;
    pid_t pid;
    while ((pid = ::waitpid(-1, &status, 0)) < 0) {
        if (errno != EINTR) return -1;
    }
    exit = from_status(status);
    return pid;
}

std::string self_executable() {
    std::error_code ec;
    auto path = std::filesystem::read_symlink("/proc/self/exe", ec);
    return ec ? std::string() : path.string();
}

std::string shell_command(const std::vector<std::string>& argv) {
    std::string line;
    for (const std::string& a : argv) {
        if (!line.empty()) line += ' ';
        const bool plain = !a.empty() && a.find_first_not_of(
                                             "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                             "0123456789_-./=:,@%+") == std::string::npos;
        if (plain) {
            line += a;
            continue;
        }
        line += '\'';
        for (char c : a)
            line += c == '\'' ? std::string("'\\''") : std::string(1, c);
        line += '\'';
    }
    return line;
}

}  // namespace reports

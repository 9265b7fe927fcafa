// Child processes for end-to-end tests: `chainsim` started with arguments, its stdout and
// stderr in a log file, always killed and reaped when the guard goes away.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace e2e {

class Process {
  public:
    Process(const std::vector<std::string>& args, const std::filesystem::path& log) : log_(log) {
        std::vector<std::string> argv_storage{CHAINSIM_BINARY};
        argv_storage.insert(argv_storage.end(), args.begin(), args.end());
        std::vector<char*> argv;
        for (auto& a : argv_storage)
            argv.push_back(a.data());
        argv.push_back(nullptr);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                         0644);
        posix_spawn_file_actions_adddup2(&actions, 1, 2);
        if (posix_spawn(&pid_, CHAINSIM_BINARY, &actions, nullptr, argv.data(), environ) != 0) {
            pid_ = -1;
        }
        posix_spawn_file_actions_destroy(&actions);
    }
    ~Process() { kill(SIGKILL); }
    Process(const Process&) = delete;
    Process& operator=(const Process&) = delete;

    bool started() const { return pid_ > 0; }

    // Sends `signal` and reaps the child; returns its wait status (or the earlier one).
    int kill(int signal) {
        if (pid_ > 0 && !status_) {
            ::kill(pid_, signal);
            int status = 0;
            ::waitpid(pid_, &status, 0);
            status_ = status;
        }
        return status_.value_or(0);
    }

    // The exit code once the child ends by itself within `timeout`; nullopt otherwise.
    std::optional<int> wait_exit(std::chrono::milliseconds timeout) {
        const auto end = std::chrono::steady_clock::now() + timeout;
        while (!status_ && std::chrono::steady_clock::now() < end) {
            int status = 0;
            if (::waitpid(pid_, &status, WNOHANG) == pid_) {
                status_ = status;
                break;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        if (!status_ || !WIFEXITED(*status_)) return std::nullopt;
        return WEXITSTATUS(*status_);
    }

    std::string output() const {
        std::ifstream in(log_);
        std::stringstream s;
        s << in.rdbuf();
        return s.str();
    }

    // The word that follows the first `prefix` in the output (up to whitespace), waiting
    // up to `timeout` for it to appear.
    std::optional<std::string> wait_for(
        const std::string& prefix,
        std::chrono::milliseconds timeout = std::chrono::milliseconds(10'000)) {
        const auto end = std::chrono::steady_clock::now() + timeout;
        do {
            const std::string out = output();
            const auto at = out.find(prefix);
            if (at != std::string::npos) {
                const auto from = at + prefix.size();
                const auto to = out.find_first_of(" \t\r\n", from);
                if (to != std::string::npos) return out.substr(from, to - from);
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        } while (std::chrono::steady_clock::now() < end);
        return std::nullopt;
    }

  private:
    std::filesystem::path log_;
    pid_t pid_ = -1;
    std::optional<int> status_;
};

// A directory removed when the test ends.
class TempDir {
  public:
    explicit TempDir(const std::string& name)
        : path_(std::filesystem::temp_directory_path() /
                ("chainsim-e2e-" + name + "-" + std::to_string(::getpid()))) {
        std::filesystem::remove_all(path_);
        std::filesystem::create_directories(path_);
    }
    ~TempDir() { std::filesystem::remove_all(path_); }
    const std::filesystem::path& path() const { return path_; }
    std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

  private:
    std::filesystem::path path_;
};

}  // namespace e2e

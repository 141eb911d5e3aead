#pragma once
// Runs wirewatchd (or any program) as a child process with stdout/stderr captured in files.

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "support/temp_dir.hpp"

namespace ww::testing {

class Process {
public:
    // Starts `argv` in `cwd`; output goes to files in `log_dir`.
    Process(std::vector<std::string> argv, const std::filesystem::path& log_dir,
            const std::filesystem::path& cwd = {})
        : out_(log_dir / ("out-" + std::to_string(counter()++))), err_(out_.string() + ".err") {
        pid_ = fork();
        if (pid_ == 0) {
            if (!cwd.empty() && chdir(cwd.c_str()) != 0) {
                _exit(127);
            }
            FILE* out = std::freopen(out_.c_str(), "w", stdout);
            FILE* err = std::freopen(err_.c_str(), "w", stderr);
            (void)out;
            (void)err;
            std::vector<char*> args;
            for (auto& a : argv) {
                args.push_back(a.data());
            }
            args.push_back(nullptr);
            execv(args[0], args.data());
            _exit(127);
        }
    }
    ~Process() {
        if (pid_ > 0 && !exited_) {
            kill(pid_, SIGKILL);
            int status = 0;
            waitpid(pid_, &status, 0);
        }
    }

    void signal(int sig) const { kill(pid_, sig); }

    // Exit code, or -signal when killed by one, or nullopt-like -1000 on timeout.
    int wait(std::chrono::seconds timeout = std::chrono::seconds(60)) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            int status = 0;
            pid_t r = waitpid(pid_, &status, WNOHANG);
            if (r == pid_) {
                exited_ = true;
                return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        return -1000;
    }

    std::string out() const { return read_file(out_); }
    std::string err() const { return read_file(err_); }

    // Waits until stdout or stderr contains `text`.
    bool wait_for_output(const std::string& text,
                         std::chrono::seconds timeout = std::chrono::seconds(30)) const {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            if (out().find(text) != std::string::npos || err().find(text) != std::string::npos) {
                return true;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        return false;
    }

private:
    static int& counter() {
        static int n = 0;
        return n;
    }

    std::filesystem::path out_;
    std::filesystem::path err_;
    pid_t pid_ = -1;
    bool exited_ = false;
};

// Runs to completion and returns the exit code.
inline int run(std::vector<std::string> argv, const std::filesystem::path& log_dir,
               std::string* out = nullptr, std::string* err = nullptr,
               const std::filesystem::path& cwd = {}) {
    Process p(std::move(argv), log_dir, cwd);
    int code = p.wait();
    if (out) {
        *out = p.out();
    }
    if (err) {
        *err = p.err();
    }
    return code;
}

}  // namespace ww::testing

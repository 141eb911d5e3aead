#pragma once
// Starts tests/support/smtp_sink.py (a real aiosmtpd server) on 127.0.0.1 and reads what it
// received; parses messages with tests/support/smtp_parse.py (Python's email package).

#include <signal.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace ww::testing {

// Debian's python3 (the one python3-aiosmtpd is installed for), whatever is first on PATH.
inline constexpr const char* kSystemPython = "/usr/bin/python3";

class SmtpServer {
public:
    // port 0: pick a free one; else reuse `port` (restart after stop()).
    explicit SmtpServer(const std::filesystem::path& folder, int port = 0) : folder_(folder) {
        std::filesystem::create_directories(folder_);
        start(port);
    }
    ~SmtpServer() { stop(); }

    bool ok() const { return port_ > 0; }
    int port() const { return port_; }
    std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }

    void stop() {
        if (process_) {
            process_->signal(SIGKILL);
            process_->wait();
            process_.reset();
        }
    }
    void start(int port) {
        std::filesystem::remove(folder_ / "port");
        std::vector<std::string> argv = {kSystemPython,
                                         std::string(WW_SOURCE_DIR) + "/tests/support/smtp_sink.py",
                                         folder_.string()};
        if (port > 0) {
            argv.push_back("--port");
            argv.push_back(std::to_string(port));
        }
        process_ = std::make_unique<Process>(argv, folder_.parent_path());
        for (int i = 0; i < 500 && !std::filesystem::exists(folder_ / "port"); ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        const std::string text = read_file(folder_ / "port");
        port_ = text.empty() ? 0 : std::stoi(text);
    }

    // Messages received so far, oldest first.
    std::vector<std::filesystem::path> messages() const {
        std::vector<std::filesystem::path> out;
        for (const auto& e : std::filesystem::directory_iterator(folder_)) {
            if (e.path().extension() == ".eml") {
                out.push_back(e.path());
            }
        }
        std::sort(out.begin(), out.end());
        return out;
    }

    static nlohmann::json parse(const std::filesystem::path& message) {
        std::string out;
        run({kSystemPython, std::string(WW_SOURCE_DIR) + "/tests/support/smtp_parse.py",
             message.string()},
            message.parent_path().parent_path(), &out);
        return nlohmann::json::parse(out);
    }

private:
    std::filesystem::path folder_;
    std::unique_ptr<Process> process_;
    int port_ = 0;
};

}  // namespace ww::testing

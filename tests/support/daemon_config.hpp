#pragma once
// The config the integration tests run wirewatchd with, and the helpers to feed it: one spool
// source "drop" (folder spool/, polled every second), rules from rules/*.toml (not watched),
// one stdout channel "out" printing JSON lines, one subscriber "desk" taking every rule.

#include <filesystem>
#include <regex>
#include <string>

#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace ww::testing {

struct DaemonTestConfig {
    std::string daemon_keys;  // extra lines for [daemon], e.g. "admin_channel = \"out\"\n"
    std::string listen;       // non-empty: [daemon.http] listen
    std::string more;         // appended: more [[source]]s, [[channel]]s...
};

inline std::string daemon_test_config(const DaemonTestConfig& c = {}) {
    std::string text = "[daemon]\nlog_level = \"info\"\nshutdown_grace = \"2s\"\n" + c.daemon_keys;
    if (!c.listen.empty()) {
        text += "\n[daemon.http]\nlisten = \"" + c.listen + "\"\n";
    }
    return text + R"(
[rules]
files = ["rules/*.toml"]
watch = false

[[source]]
id = "drop"
type = "spool"
path = "spool"
interval = "1s"

[[channel]]
id = "out"
type = "stdout"
format = "json"

[[subscriber]]
id = "desk"
rules = ["*"]
channels = ["out"]
)" + c.more;
}

// Drops a file into the spool the way writers should: written aside, then renamed in.
inline void drop_file(const TempDir& dir, const std::string& name, const std::string& text) {
    dir.write("spool/.incoming", text);
    std::filesystem::rename(dir / "spool/.incoming", dir / ("spool/" + name));
}

// The port from "http: listening on 127.0.0.1:PORT" in the daemon's log; 0 when absent.
inline unsigned short bound_port(const Process& daemon) {
    std::smatch m;
    const std::string err = daemon.err();
    if (!std::regex_search(err, m, std::regex(R"(http: listening on 127\.0\.0\.1:(\d+))"))) {
        return 0;
    }
    return static_cast<unsigned short>(std::stoi(m[1]));
}

}  // namespace ww::testing

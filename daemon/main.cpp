// wirewatchd: argv -> subcommand. Everything else lives in the core library.

#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "wirewatch/ops/commands.hpp"

namespace {

constexpr const char* kHelp = R"(wirewatchd — media-monitoring alert daemon

usage:
  wirewatchd [run] [--config PATH] [--once] [--state-dir PATH]
  wirewatchd check [--config PATH] [--rules PATH]...
  wirewatchd match --rules PATH [--json] [--stats] [FILE|-]...
  wirewatchd explain --rules PATH RULE FILE
  wirewatchd fetch SOURCE_ID|URL [--json] [--config PATH]
  wirewatchd outbox [list|retry ID|drop ID] [--config PATH] [--state-dir PATH]
  wirewatchd notify-test CHANNEL_ID [--config PATH]
  wirewatchd --version | --help

commands:
  run        poll the configured sources, match every new article against the rules and
             send alerts (the default). --once polls every source once, delivers and exits.
             SIGHUP reloads config and rules; SIGTERM/SIGINT stop gracefully.
  check      validate the config and every rule file it names (or, with --rules, rule files
             or a folder of them on their own); prints every problem as file:line:col.
  match      run a rule set over text/HTML files or stdin and print the hits.
  explain    show why one rule did or did not hit one file.
  fetch      fetch and parse one configured source, or any http(s):// or file:// URL (no
             config needed), and print its documents (--json: one object per line) and the
             rules they would hit. Sends nothing, marks nothing seen.
  outbox     list pending and dead (undeliverable) alerts; `retry ID` queues one again now,
             `drop ID` removes it. Safe while the daemon runs.
  notify-test  send a sample alert through one channel; prints success or the server's answer.

options:
  --config PATH     config file (default: $WIREWATCH_CONFIG, else /etc/wirewatch/wirewatch.toml)
  --state-dir PATH  overrides [daemon] state_dir (SQLite state and the compiled-rule cache)

exit status:
  0   success
  1   run-time failure (state dir unusable, unreadable input)
  64  bad command line (EX_USAGE)
  78  the config or a rule file has errors (EX_CONFIG); systemd does not restart on it
)";

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    for (const auto& arg : args) {
        if (arg == "--help" || arg == "-h") {
            std::cout << kHelp;
            return ww::ops::kExitOk;
        }
        if (arg == "--version") {
            std::cout << "wirewatchd " << WW_VERSION << "\n";
            return ww::ops::kExitOk;
        }
    }
    std::string command = "run";
    if (!args.empty() && args.front().rfind("-", 0) != 0) {
        command = args.front();
        args.erase(args.begin());
    }
    if (command == "run") {
        return ww::ops::cmd_run(args);
    }
    if (command == "check") {
        return ww::ops::cmd_check(args);
    }
    if (command == "match") {
        return ww::ops::cmd_match(args);
    }
    if (command == "explain") {
        return ww::ops::cmd_explain(args);
    }
    if (command == "fetch") {
        return ww::ops::cmd_fetch(args);
    }
    if (command == "outbox") {
        return ww::ops::cmd_outbox(args);
    }
    if (command == "notify-test") {
        return ww::ops::cmd_notify_test(args);
    }
    std::cerr << "wirewatchd: unknown command '" << command << "' (try --help)\n";
    return ww::ops::kExitUsage;
}

#pragma once
// The wirewatchd subcommands. main() picks one by name and passes the remaining arguments;
// each returns the process exit code (see kExit* below and `wirewatchd --help`).

#include <string>
#include <vector>

namespace ww::ops {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // a run-time failure (e.g. state dir not writable)
inline constexpr int kExitUsage = 64;   // EX_USAGE: bad command line
inline constexpr int kExitConfig = 78;  // EX_CONFIG: the config or a rule file has errors

using Args = std::vector<std::string>;

int cmd_run(const Args& args);          // run [--config PATH] [--once] [--state-dir PATH]
int cmd_check(const Args& args);        // check [--config PATH] [--rules PATH]
int cmd_match(const Args& args);        // match --rules PATH [--json] [--stats] [FILE|-]...
int cmd_explain(const Args& args);      // explain --rules PATH RULE FILE
int cmd_fetch(const Args& args);        // fetch SOURCE_ID|URL [--json] [--config PATH]
int cmd_outbox(const Args& args);       // outbox [list|retry ID|drop ID] [--config PATH]
int cmd_notify_test(const Args& args);  // notify-test CHANNEL_ID [--config PATH]

}  // namespace ww::ops

#pragma once
// A small command-line reader for the subcommands: "--name VALUE", "--name=VALUE", flags and
// positional arguments, with errors worded for the user.

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "wirewatch/diagnostics.hpp"

namespace ww::ops {

class ArgReader {
public:
    // `with_value` names the options that take a value; `flags` those that don't.
    ArgReader(const std::vector<std::string>& args, std::set<std::string> with_value,
              std::set<std::string> flags);

    bool ok() const { return error_.empty(); }
    const std::string& error() const { return error_; }

    std::optional<std::string> value(const std::string& name) const;
    std::vector<std::string> values(const std::string& name) const;
    bool flag(const std::string& name) const;
    const std::vector<std::string>& positional() const { return positional_; }

private:
    std::vector<std::pair<std::string, std::string>> values_;
    std::set<std::string> flags_seen_;
    std::vector<std::string> positional_;
    std::string error_;
};

// The default config file: $WIREWATCH_CONFIG, else /etc/wirewatch/wirewatch.toml.
std::string default_config_path();

// Shows a diagnostic's file relative to the working directory when it lies below it, as a
// compiler does.
std::string display(const Diagnostic& d);

// Every diagnostic on stderr, one per line, as display() shows it (the CLI commands).
void print_diagnostics(const Diagnostics& diags);

// Every diagnostic as a log line of `logger_name`: errors at error level, the rest at warn
// (the daemon, at start-up and on reload).
void log_diagnostics(const Diagnostics& diags, const std::string& logger_name);

}  // namespace ww::ops

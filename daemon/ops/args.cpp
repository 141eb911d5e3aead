#include "ops/args.hpp"

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "wirewatch/diagnostics.hpp"
#include "wirewatch/log.hpp"

namespace ww::ops {

ArgReader::ArgReader(const std::vector<std::string>& args, std::set<std::string> with_value,
                     std::set<std::string> flags) {
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg == "-" || arg.rfind("--", 0) != 0) {
            positional_.push_back(arg);
            continue;
        }
        if (arg == "--") {
            positional_.insert(positional_.end(), args.begin() + static_cast<long>(i) + 1,
                               args.end());
            break;
        }
        std::string name = arg;
        std::optional<std::string> inline_value;
        if (auto eq = arg.find('='); eq != std::string::npos) {
            name = arg.substr(0, eq);
            inline_value = arg.substr(eq + 1);
        }
        if (with_value.count(name)) {
            if (inline_value) {
                values_.emplace_back(name, *inline_value);
            } else if (i + 1 < args.size()) {
                values_.emplace_back(name, args[++i]);
            } else {
                error_ = "option " + name + " needs a value";
                return;
            }
        } else if (flags.count(name) && !inline_value) {
            flags_seen_.insert(name);
        } else {
            error_ = "unknown option " + arg;
            return;
        }
    }
}

std::optional<std::string> ArgReader::value(const std::string& name) const {
    std::optional<std::string> last;
    for (const auto& [key, value] : values_) {
        if (key == name) {
            last = value;
        }
    }
    return last;
}

std::vector<std::string> ArgReader::values(const std::string& name) const {
    std::vector<std::string> all;
    for (const auto& [key, value] : values_) {
        if (key == name) {
            all.push_back(value);
        }
    }
    return all;
}

bool ArgReader::flag(const std::string& name) const { return flags_seen_.count(name) > 0; }

std::string default_config_path() {
    const char* env = std::getenv("WIREWATCH_CONFIG");
    return env && *env ? env : "/etc/wirewatch/wirewatch.toml";
}

std::string display(const Diagnostic& d) {
    Diagnostic shown = d;
    std::error_code ec;
    std::filesystem::path file(d.where.file);
    if (file.is_absolute()) {
        auto relative = std::filesystem::relative(file, std::filesystem::current_path(ec), ec);
        if (!ec && !relative.empty() && relative.native().rfind("..", 0) != 0) {
            shown.where.file = relative.string();
        }
    }
    return shown.str();
}

void print_diagnostics(const Diagnostics& diags) {
    for (const auto& d : diags.all()) {
        std::cerr << display(d) << "\n";
    }
}

void log_diagnostics(const Diagnostics& diags, const std::string& logger_name) {
    auto log = logger(logger_name);
    for (const auto& d : diags.all()) {
        if (d.level == Level::Error) {
            log->error("{}", display(d));
        } else {
            log->warn("{}", display(d));
        }
    }
}

}  // namespace ww::ops

#pragma once
// Named spdlog loggers per part ("sources", "notify.slack"), all writing to one stderr sink.
// Thread-safe.

#include <spdlog/logger.h>

#include <memory>
#include <string>

namespace ww {

enum class LogStyle {
    Auto,      // journald prefix when JOURNAL_STREAM matches stderr, colours on a TTY, else plain
    Plain,     // "2026-11-25 09:14:03.120 info sources: message"
    Journald,  // "<6>sources: message": journald adds its own timestamp
};

// Sets up the shared sink and level for every logger, including ones created earlier.
// `level` is trace|debug|info|warn|error; false if the name is unknown.
bool configure_logging(const std::string& level, LogStyle style = LogStyle::Auto);

// The logger for a part, created on first use.
std::shared_ptr<spdlog::logger> logger(const std::string& name);

}  // namespace ww

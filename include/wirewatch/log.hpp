#pragma once
// Named spdlog loggers per part ("sources", "notify.slack"), all writing to one stderr sink.
// Every line passes through redact_secrets() on its way to the sink, so a secret quoted in an
// error message (libcurl's, a server's, ours) never reaches the journal. Thread-safe.

#include <spdlog/logger.h>

#include <memory>
#include <string>
#include <string_view>

namespace ww {

enum class LogStyle {
    Auto,      // journald prefix when JOURNAL_STREAM matches stderr, colours on a TTY, else plain
    Plain,     // "2026-11-25 09:14:03.120 info sources: message"
    Journald,  // "<6>sources: message": journald adds its own timestamp
};

// Sets up the shared sink and level for every logger, including ones created earlier.
// `level` is trace|debug|info|warn|error; false if the name is unknown.
bool configure_logging(const std::string& level, LogStyle style = LogStyle::Auto);

// Like configure_logging, but every logger writes to `sink` (still through the redaction):
// for tests, which read what would have reached stderr.
void configure_logging(const std::string& level, spdlog::sink_ptr sink);

// Changes the level of every logger (and of loggers created later), keeping the sink: how
// `[daemon] log_level` takes effect at start and on reload. False if the name is unknown.
bool set_log_level(const std::string& level);

// The logger for a part, created on first use.
std::shared_ptr<spdlog::logger> logger(const std::string& name);

// A resolved secret (password, webhook URL, HMAC key, header token): from now on every log
// line shows "***" in its place. Values shorter than 4 bytes are not registered: they are no
// secret and would mangle ordinary words.
void register_secret(std::string_view value);

// What the sink applies to each line, and what code calls on text it quotes (libcurl errors,
// URLs in log context): registered secrets, URL userinfo (scheme://user:pass@ -> scheme://***@),
// the secret path of hooks.slack.com webhooks, the values of Authorization, Proxy-Authorization,
// API-key, token and Cookie headers, and credential query parameters (token=, api_key=, sig=...)
// become "***".
std::string redact_secrets(std::string text);

}  // namespace ww

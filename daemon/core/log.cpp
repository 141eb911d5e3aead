#include "wirewatch/log.hpp"

#include <spdlog/details/log_msg.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/ansicolor_sink.h>
#include <spdlog/sinks/sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <regex>
#include <shared_mutex>
#include <string>
#include <vector>

namespace ww {

namespace {

std::mutex g_mutex;
spdlog::sink_ptr g_sink;
spdlog::level::level_enum g_level = spdlog::level::info;

std::shared_mutex g_secrets_mutex;
std::vector<std::string> g_secrets;  // longest first, so a secret inside another goes too

constexpr std::size_t kMinSecret = 4;

bool contains_nocase(std::string_view text, std::string_view lower_word) {
    auto it = std::search(
        text.begin(), text.end(), lower_word.begin(), lower_word.end(),
        [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; });
    return it != text.end();
}

void replace_all(std::string& text, const std::string& secret) {
    for (auto pos = text.find(secret); pos != std::string::npos; pos = text.find(secret, pos + 3)) {
        text.replace(pos, secret.size(), "***");
    }
}

// Wraps the real sink and hands it each line with its secrets replaced. Formatting and
// locking stay the wrapped sink's.
class RedactingSink final : public spdlog::sinks::sink {
public:
    explicit RedactingSink(spdlog::sink_ptr inner) : inner_(std::move(inner)) {}

    void log(const spdlog::details::log_msg& msg) override {
        std::string text(msg.payload.data(), msg.payload.size());
        std::string clean = redact_secrets(text);
        if (clean == text) {
            inner_->log(msg);
            return;
        }
        spdlog::details::log_msg copy = msg;
        copy.payload = spdlog::string_view_t(clean.data(), clean.size());
        inner_->log(copy);
    }
    void flush() override { inner_->flush(); }
    void set_pattern(const std::string& pattern) override { inner_->set_pattern(pattern); }
    void set_formatter(std::unique_ptr<spdlog::formatter> formatter) override {
        inner_->set_formatter(std::move(formatter));
    }

private:
    spdlog::sink_ptr inner_;
};

// journald reads "<N>" at the start of each stderr line as the syslog priority.
class JournaldPriority final : public spdlog::custom_flag_formatter {
public:
    void format(const spdlog::details::log_msg& msg, const std::tm&,
                spdlog::memory_buf_t& dest) override {
        static constexpr char kPriority[] = {'7', '7', '6', '4', '3', '2', '6'};
        dest.push_back('<');
        dest.push_back(kPriority[static_cast<int>(msg.level)]);
        dest.push_back('>');
    }
    std::unique_ptr<custom_flag_formatter> clone() const override {
        return std::make_unique<JournaldPriority>();
    }
};

// systemd sets JOURNAL_STREAM to "device:inode" of the stream it connected to stderr; only
// when it matches is stderr really going to the journal.
bool stderr_is_journal() {
    const char* value = std::getenv("JOURNAL_STREAM");
    if (value == nullptr) {
        return false;
    }
    struct stat st {};
    if (fstat(STDERR_FILENO, &st) != 0) {
        return false;
    }
    unsigned long long dev = 0;
    unsigned long long ino = 0;
    if (std::sscanf(value, "%llu:%llu", &dev, &ino) != 2) {
        return false;
    }
    return dev == static_cast<unsigned long long>(st.st_dev) &&
           ino == static_cast<unsigned long long>(st.st_ino);
}

spdlog::sink_ptr make_sink(LogStyle style) {
    if (style == LogStyle::Auto) {
        style = stderr_is_journal() ? LogStyle::Journald : LogStyle::Plain;
    }
    if (style == LogStyle::Journald) {
        auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
        auto formatter = std::make_unique<spdlog::pattern_formatter>();
        formatter->add_flag<JournaldPriority>('*').set_pattern("%*%n: %v");
        sink->set_formatter(std::move(formatter));
        return sink;
    }
    // The colour sink only colours when stderr is a terminal, so pipes and files stay plain.
    auto sink =
        std::make_shared<spdlog::sinks::ansicolor_stderr_sink_mt>(spdlog::color_mode::automatic);
    sink->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%l%$ %n: %v");
    return sink;
}

spdlog::sink_ptr shared_sink() {
    if (!g_sink) {
        g_sink = std::make_shared<RedactingSink>(make_sink(LogStyle::Auto));
    }
    return g_sink;
}

bool use_sink(const std::string& level, spdlog::sink_ptr sink) {
    auto parsed = spdlog::level::from_str(level);
    if (parsed == spdlog::level::off && level != "off") {
        return false;
    }
    std::lock_guard lock(g_mutex);
    g_level = parsed;
    g_sink = std::make_shared<RedactingSink>(std::move(sink));
    spdlog::apply_all([](const std::shared_ptr<spdlog::logger>& l) {
        l->sinks().assign({g_sink});
        l->set_level(g_level);
    });
    return true;
}

}  // namespace

bool configure_logging(const std::string& level, LogStyle style) {
    return use_sink(level, make_sink(style));
}

void configure_logging(const std::string& level, spdlog::sink_ptr sink) {
    use_sink(level, std::move(sink));
}

bool set_log_level(const std::string& level) {
    auto parsed = spdlog::level::from_str(level);
    if (parsed == spdlog::level::off && level != "off") {
        return false;
    }
    std::lock_guard lock(g_mutex);
    g_level = parsed;
    spdlog::apply_all([](const std::shared_ptr<spdlog::logger>& l) { l->set_level(g_level); });
    return true;
}

void register_secret(std::string_view value) {
    if (value.size() < kMinSecret) {
        return;
    }
    std::unique_lock lock(g_secrets_mutex);
    if (std::find(g_secrets.begin(), g_secrets.end(), value) != g_secrets.end()) {
        return;
    }
    g_secrets.emplace_back(value);
    std::stable_sort(
        g_secrets.begin(), g_secrets.end(),
        [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

std::string redact_secrets(std::string text) {
    {
        std::shared_lock lock(g_secrets_mutex);
        for (const auto& secret : g_secrets) {
            replace_all(text, secret);
        }
    }
    // Each pattern needs a literal that most text lacks ('@', '=', a header name), and
    // std::regex is slow enough to show in profiles (sources redact every polled URL for their
    // log context): look for the literals first and run only the patterns that could match.
    auto has = [&](std::string_view lower_word) { return contains_nocase(text, lower_word); };
    // userinfo: scheme://user:pass@host -> scheme://***@host
    if (text.find('@') != std::string::npos && text.find("://") != std::string::npos) {
        static const std::regex userinfo(R"(([A-Za-z][A-Za-z0-9+.-]*://)[^/@\s"'<>]*@)");
        text = std::regex_replace(text, userinfo, "$1***@");
    }
    // Slack incoming webhooks: the path is the secret.
    if (has("hooks.slack")) {
        static const std::regex slack(R"((hooks\.slack(?:-gov)?\.com/)[^\s"'<>]*)",
                                      std::regex::icase);
        text = std::regex_replace(text, slack, "$1***");
    }
    // Header-like "Authorization: Bearer xyz", "X-Api-Key: xyz", "Cookie: ...".
    if (has("authorization") || has("api-key") || has("auth-token") || has("private-token") ||
        has("cookie")) {
        static const std::regex header(
            R"(((?:proxy-)?authorization|x-api-key|api-key|x-auth-token|private-token|set-cookie|cookie)(\s*[:=]\s*)[^\r\n]*)",
            std::regex::icase);
        text = std::regex_replace(text, header, "$1$2***");
    }
    // Credentials in query strings: ?token=..., &api_key=...
    if (text.find('=') != std::string::npos) {
        static const std::regex param(
            R"(([?&;](?:access_token|token|api_key|apikey|key|secret|password|sig|signature)=)[^&#\s"'<>]*)",
            std::regex::icase);
        text = std::regex_replace(text, param, "$1***");
    }
    return text;
}

std::shared_ptr<spdlog::logger> logger(const std::string& name) {
    std::lock_guard lock(g_mutex);
    if (auto existing = spdlog::get(name)) {
        return existing;
    }
    auto created = std::make_shared<spdlog::logger>(name, shared_sink());
    created->set_level(g_level);
    spdlog::register_logger(created);
    return created;
}

}  // namespace ww

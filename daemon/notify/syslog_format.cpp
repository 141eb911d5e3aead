// RFC 5424 records: one line per alert, structured data escaped, the size capped at a UTF-8
// boundary so a relay never splits a character.

#include <ctime>
#include <nlohmann/json.hpp>

#include "notify/format_util.hpp"
#include "wirewatch/notify/formats.hpp"

namespace ww::notify {

namespace {

constexpr std::size_t kMaxParamValue = 512;  // so one huge URL cannot crowd out the rest

// PRINTUSASCII (33..126) only, as HOSTNAME / APP-NAME / MSGID demand; "-" when empty.
std::string header_field(std::string_view text, std::size_t max) {
    std::string out;
    for (char c : text) {
        if (c >= 33 && c <= 126 && out.size() < max) {
            out += c;
        }
    }
    return out.empty() ? std::string("-") : out;
}

std::string timestamp(std::chrono::system_clock::time_point t) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch());
    std::time_t seconds = static_cast<std::time_t>(ms.count() / 1000);
    long millis = static_cast<long>(ms.count() % 1000);
    if (millis < 0) {
        millis += 1000;
        --seconds;
    }
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
    return buffer;
}

std::string param(std::string_view name, std::string_view value) {
    // Cut before escaping so the escape of a cut character is never split.
    // Appended in steps: GCC 12 -O3 reports a false -Wrestrict on operator+(const char*,
    // string&&), which fails a Release build under CI=true (as in eml.cpp).
    std::string out = " ";
    out += name;
    out += "=\"";
    out += syslog_sd_escape(utf8_prefix(one_line(value), kMaxParamValue));
    out += '"';
    return out;
}

}  // namespace

std::optional<int> syslog_facility(std::string_view name) {
    static constexpr std::pair<std::string_view, int> kFacilities[] = {
        {"kern", 0},      {"user", 1},    {"mail", 2},    {"daemon", 3},  {"auth", 4},
        {"syslog", 5},    {"lpr", 6},     {"news", 7},    {"uucp", 8},    {"cron", 9},
        {"authpriv", 10}, {"ftp", 11},    {"local0", 16}, {"local1", 17}, {"local2", 18},
        {"local3", 19},   {"local4", 20}, {"local5", 21}, {"local6", 22}, {"local7", 23},
    };
    for (const auto& [n, v] : kFacilities) {
        if (n == name) {
            return v;
        }
    }
    return std::nullopt;
}

int syslog_severity(rules::Severity severity) {
    switch (severity) {
        case rules::Severity::Critical:
            return 2;
        case rules::Severity::High:
            return 3;
        case rules::Severity::Medium:
            return 4;
        case rules::Severity::Low:
            return 5;
        case rules::Severity::Info:
            return 6;
    }
    return 5;
}

std::string syslog_sd_escape(std::string_view value) {
    std::string out;
    out.reserve(value.size());
    for (char c : value) {
        if (c == '"' || c == '\\' || c == ']') {
            out += '\\';
        }
        out += c;
    }
    return out;
}

std::string format_syslog(const Alert& alert, const SyslogOptions& options) {
    const int pri = options.facility * 8 + syslog_severity(alert.severity);
    std::string record = "<" + std::to_string(pri) + ">1 " + timestamp(options.timestamp) + " " +
                         header_field(options.hostname, 255) + " " +
                         header_field(options.app_name, 48) + " " +
                         (options.pid > 0 ? std::to_string(options.pid) : std::string("-")) + " " +
                         (alert.is_digest() ? "digest" : "alert") + " ";
    std::string sd = "[wirewatch@32473" + param("id", alert.id);
    for (const auto& r : alert.rules) {
        sd += param("rule", r.id);
    }
    sd += param("severity", rules::severity_name(alert.severity));
    sd += param("source", alert.source_id);
    if (!alert.url.empty()) {
        sd += param("url", alert.url);
    }
    if (alert.is_digest()) {
        sd += param("count", std::to_string(alert.items.size()));
    }
    sd += "]";
    std::string message = one_line(alert.title);
    if (!alert.also_reported_by.empty()) {
        message +=
            " (also reported by " + one_line(detail::join(alert.also_reported_by, ", ")) + ")";
    }
    if (record.size() + sd.size() > options.max_size) {
        // Even the structured data does not fit: keep the header, drop SD and cut the message,
        // rather than send a record whose SD element is cut open.
        sd = "-";
    }
    record += sd;
    if (!message.empty()) {
        record += " " + message;
    }
    return std::string(utf8_prefix(record, options.max_size));
}

std::string format_webhook_body(const Alert& alert) {
    return to_json(alert).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace ww::notify

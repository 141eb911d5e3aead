#include "notify/stream_channel.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <nlohmann/json.hpp>

#include "notify/format_util.hpp"

namespace ww::notify {

namespace {

std::string with_highlights(const Alert& alert, bool ansi) {
    const char* open = ansi ? "\x1b[1m" : "**";
    const char* close = ansi ? "\x1b[0m" : "**";
    std::string out;
    std::size_t pos = 0;
    for (const auto& [begin, end] : alert.highlights) {
        if (begin < pos || end > alert.snippet.size() || begin >= end) {
            continue;  // overlapping or out of range: show the text unmarked rather than garble
        }
        out.append(alert.snippet, pos, begin - pos);
        out += open;
        out.append(alert.snippet, begin, end - begin);
        out += close;
        pos = end;
    }
    out.append(alert.snippet, pos, std::string::npos);
    for (char& c : out) {
        if (c == '\n' || c == '\r' || c == '\t') {
            c = ' ';
        }
    }
    return out;
}

std::string format_time(std::chrono::sys_seconds t) {
    std::time_t seconds = t.time_since_epoch().count();
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M UTC", &tm);
    return buffer;
}

bool write_all(int fd, const std::string& data) {
    std::size_t written = 0;
    while (written < data.size()) {
        ssize_t n = ::write(fd, data.data() + written, data.size() - written);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return false;
        }
        written += static_cast<std::size_t>(n);
    }
    return true;
}

}  // namespace

std::string render_text(const Alert& alert, bool ansi) {
    std::string out;
    out += ansi ? "\x1b[1m" : "";
    out += "== ";
    out += rules::severity_name(alert.severity);
    out += " · ";
    out += alert.title.empty() ? std::string("(untitled)") : alert.title;
    out += ansi ? "\x1b[0m\n" : "\n";

    std::vector<std::string> where = {alert.source_id};
    if (alert.published) {
        where.push_back(format_time(*alert.published));
    }
    if (!alert.url.empty()) {
        where.push_back(alert.url);
    }
    out += "   " + detail::join(where, " · ") + "\n";
    if (!alert.snippet.empty()) {
        out += "   " + with_highlights(alert, ansi) + "\n";
    }
    std::vector<std::string> rule_names;
    for (const auto& r : alert.rules) {
        rule_names.push_back(r.id + " (" + rules::severity_name(r.severity) + ")");
    }
    out += "   rules: " + detail::join(rule_names, " · ");
    if (!alert.tags.empty()) {
        out += "   tags: " + detail::join(alert.tags, ", ");
    }
    out += "\n   subscriber: " + alert.subscriber_id + " · alert " + alert.id + "\n\n";
    return out;
}

StreamChannel::StreamChannel(std::string id, StreamFormat format, std::filesystem::path path)
    : Notifier(std::move(id)), format_(format), path_(std::move(path)) {}

void StreamChannel::do_send(const Alert& alert, DeliveryCallback done) {
    const bool to_stdout = path_.empty();
    std::string data =
        format_ == StreamFormat::Json
            ? to_json(alert).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n"
            : render_text(alert, to_stdout && isatty(STDOUT_FILENO));
    if (to_stdout) {
        if (!write_all(STDOUT_FILENO, data)) {
            done(DeliveryResult::retry(std::string("stdout: ") + std::strerror(errno)));
            return;
        }
        done(DeliveryResult::delivered());
        return;
    }
    // Open per alert: a log rotator may move the file away at any time.
    std::FILE* file = std::fopen(path_.c_str(), "a");
    if (file == nullptr) {
        done(DeliveryResult::retry(path_.string() + ": " + std::strerror(errno)));
        return;
    }
    bool ok = std::fwrite(data.data(), 1, data.size(), file) == data.size();
    ok = (std::fflush(file) == 0) && ok;
    ok = (fsync(fileno(file)) == 0) && ok;
    std::fclose(file);
    if (!ok) {
        done(DeliveryResult::retry(path_.string() + ": write failed"));
        return;
    }
    done(DeliveryResult::delivered());
}

}  // namespace ww::notify

#include "wirewatch/log.hpp"

#include <spdlog/details/log_msg.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/ansicolor_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>

namespace ww {

namespace {

std::mutex g_mutex;
spdlog::sink_ptr g_sink;
spdlog::level::level_enum g_level = spdlog::level::info;

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
        g_sink = make_sink(LogStyle::Auto);
    }
    return g_sink;
}

}  // namespace

bool configure_logging(const std::string& level, LogStyle style) {
    auto parsed = spdlog::level::from_str(level);
    if (parsed == spdlog::level::off && level != "off") {
        return false;
    }
    std::lock_guard lock(g_mutex);
    g_level = parsed;
    g_sink = make_sink(style);
    spdlog::apply_all([](const std::shared_ptr<spdlog::logger>& l) {
        l->sinks().assign({g_sink});
        l->set_level(g_level);
    });
    return true;
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

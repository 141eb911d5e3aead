#pragma once
// Helpers shared by the parse tests: fixtures and printable dates.

#include <chrono>
#include <cstdio>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

namespace ww::parse::test {

inline std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

inline std::string feed_fixture(const std::string& name) {
    return read_file(std::string(WW_TEST_DATA) + "/feeds/" + name);
}

inline std::string page_fixture(const std::string& name) {
    return read_file(std::string(WW_TEST_DATA) + "/pages/" + name);
}

// "2026-11-25T09:14:03Z", or "" for no date: readable in table rows and failure messages.
inline std::string iso(const std::optional<std::chrono::sys_seconds>& t) {
    if (!t) {
        return "";
    }
    using namespace std::chrono;
    auto day = floor<days>(*t);
    year_month_day ymd{day};
    hh_mm_ss hms{*t - day};
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                  static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                  static_cast<int>(hms.seconds().count()));
    return buf;
}

}  // namespace ww::parse::test

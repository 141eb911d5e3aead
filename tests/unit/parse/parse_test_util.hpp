#pragma once
// Helpers shared by the parse tests: fixtures, printable dates, and the input damage the
// differential tests (stream_diff_test, html_diff_test) compare two readers on.

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <random>
#include <span>
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

// An integer from the environment (DIFF_SEED, DIFF_N for longer local runs), else `fallback`.
inline int env_int(const char* name, int fallback) {
    const char* value = std::getenv(name);
    return value != nullptr ? std::atoi(value) : fallback;
}

// `input` damaged 1 to `max_steps` times: up to 15 bytes erased, a token inserted at a random
// place, a stretch of up to 63 bytes repeated, or a token inserted just after a '>' so that
// tokens land between elements too. `kinds` is 4 for one draw of each, 5 to draw the random
// insertion twice as often.
inline std::string mutate_markup(std::string input, std::minstd_rand& random,
                                 std::span<const char* const> tokens, int max_steps, int kinds) {
    const int steps = 1 + static_cast<int>(random() % static_cast<unsigned>(max_steps));
    for (int i = 0; i < steps; ++i) {
        const std::size_t pos = input.empty() ? 0 : random() % (input.size() + 1);
        switch (random() % static_cast<unsigned>(kinds)) {
            case 0:
                input.erase(pos, random() % 16);
                break;
            case 2:
                if (!input.empty()) {
                    const std::size_t from = random() % input.size();
                    input.insert(pos, input.substr(from, random() % 64));
                }
                break;
            case 3: {
                std::size_t gt = input.find('>', pos);
                const char* token = tokens[random() % tokens.size()];
                if (gt != std::string::npos) {
                    input.insert(gt + 1, token);
                }
                break;
            }
            default:
                input.insert(pos, tokens[random() % tokens.size()]);
                break;
        }
    }
    return input;
}

}  // namespace ww::parse::test

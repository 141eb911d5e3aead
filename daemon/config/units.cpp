// Durations and sizes as people write them in the config: "1h30m", "10MiB".

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "wirewatch/config/config.hpp"

namespace ww::config {

namespace {

// Reads the leading digits of `text` from `pos`; nullopt when there are none or the number
// does not fit, so "99999999999999999999d" is rejected instead of wrapping around.
std::optional<std::uint64_t> read_number(std::string_view text, std::size_t& pos) {
    const std::size_t start = pos;
    std::uint64_t value = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
        const auto digit = static_cast<std::uint64_t>(text[pos] - '0');
        if (value > (std::numeric_limits<std::uint64_t>::max() - digit) / 10) {
            return std::nullopt;
        }
        value = value * 10 + digit;
        ++pos;
    }
    if (pos == start) {
        return std::nullopt;
    }
    return value;
}

bool multiply(std::uint64_t a, std::uint64_t b, std::uint64_t& out) {
    if (b != 0 && a > std::numeric_limits<std::uint64_t>::max() / b) {
        return false;
    }
    out = a * b;
    return true;
}

}  // namespace

std::optional<Duration> parse_duration(const std::string& text) {
    struct Unit {
        std::string_view name;
        std::uint64_t ms;
    };
    // "ms" first so it is not read as "m" followed by garbage. Units must get strictly smaller:
    // "1h30m" is fine, "30m1h" and "1m1m" are almost certainly mistakes.
    static constexpr Unit kUnits[] = {
        {"ms", 1}, {"d", 86'400'000}, {"h", 3'600'000}, {"m", 60'000}, {"s", 1'000}};
    std::size_t pos = 0;
    std::uint64_t total = 0;
    std::uint64_t previous_unit = std::numeric_limits<std::uint64_t>::max();
    if (text.empty()) {
        return std::nullopt;
    }
    while (pos < text.size()) {
        auto number = read_number(text, pos);
        if (!number) {
            return std::nullopt;
        }
        const Unit* unit = nullptr;
        for (const auto& candidate : kUnits) {
            if (std::string_view(text).substr(pos, candidate.name.size()) == candidate.name) {
                unit = &candidate;
                break;
            }
        }
        if (unit == nullptr || unit->ms >= previous_unit) {
            return std::nullopt;
        }
        previous_unit = unit->ms;
        pos += unit->name.size();
        std::uint64_t part = 0;
        if (!multiply(*number, unit->ms, part) ||
            total > std::numeric_limits<std::uint64_t>::max() - part) {
            return std::nullopt;
        }
        total += part;
    }
    if (total > static_cast<std::uint64_t>(std::numeric_limits<Duration::rep>::max())) {
        return std::nullopt;
    }
    return Duration(static_cast<Duration::rep>(total));
}

std::optional<std::uint64_t> parse_size(const std::string& text) {
    struct Unit {
        std::string_view name;
        std::uint64_t bytes;
    };
    // Case matters: "Mb" would be megabits, so only the spellings below are accepted.
    static constexpr Unit kUnits[] = {
        {"", 1},
        {"B", 1},
        {"KB", 1'000},
        {"MB", 1'000'000},
        {"GB", 1'000'000'000},
        {"TB", 1'000'000'000'000},
        {"KiB", 1ull << 10},
        {"MiB", 1ull << 20},
        {"GiB", 1ull << 30},
        {"TiB", 1ull << 40},
    };
    std::size_t pos = 0;
    auto number = read_number(text, pos);
    if (!number) {
        return std::nullopt;
    }
    const std::string_view suffix = std::string_view(text).substr(pos);
    for (const auto& unit : kUnits) {
        if (suffix == unit.name) {
            std::uint64_t bytes = 0;
            if (!multiply(*number, unit.bytes, bytes)) {
                return std::nullopt;
            }
            return bytes;
        }
    }
    return std::nullopt;
}

}  // namespace ww::config

#include "notify/format_util.hpp"

#include <algorithm>
#include <ctime>

#include "wirewatch/notify/formats.hpp"

namespace ww::notify {

std::string_view utf8_prefix(std::string_view text, std::size_t max) {
    if (text.size() <= max) {
        return text;
    }
    std::size_t end = max;
    // Back up over continuation bytes (10xxxxxx) to the start of the cut character.
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
        --end;
    }
    return text.substr(0, end);
}

std::string one_line(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    bool space = true;  // trims leading spaces
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        bool blank = c < 0x20 || c == 0x7F || c == ' ';
        // C1 controls (U+0080..U+009F, encoded C2 80..C2 9F) and the line/paragraph separators
        // (U+2028/U+2029, E2 80 A8/A9) end lines in some readers: treat them as blanks.
        std::size_t skip = 0;
        if (c == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
            static_cast<unsigned char>(text[i + 1]) <= 0x9F) {
            blank = true;
            skip = 1;
        } else if (c == 0xE2 && i + 2 < text.size() &&
                   static_cast<unsigned char>(text[i + 1]) == 0x80 &&
                   (static_cast<unsigned char>(text[i + 2]) == 0xA8 ||
                    static_cast<unsigned char>(text[i + 2]) == 0xA9)) {
            blank = true;
            skip = 2;
        }
        if (blank) {
            if (!space) {
                out += ' ';
                space = true;
            }
            i += skip;
            continue;
        }
        out += static_cast<char>(c);
        space = false;
    }
    if (!out.empty() && out.back() == ' ') {
        out.pop_back();
    }
    return out;
}

namespace detail {

std::string marked_snippet(const Alert& alert,
                           const std::function<std::string(std::string_view)>& escape,
                           std::string_view open, std::string_view close) {
    const std::string_view snippet = alert.snippet;
    std::string out;
    std::size_t pos = 0;
    for (const auto& [begin, end] : alert.highlights) {
        if (begin < pos || end > snippet.size() || begin >= end) {
            continue;
        }
        out += escape(snippet.substr(pos, begin - pos));
        out += open;
        out += escape(snippet.substr(begin, end - begin));
        out += close;
        pos = end;
    }
    out += escape(snippet.substr(pos));
    return out;
}

std::string join(const std::vector<std::string>& items, std::string_view separator) {
    std::string out;
    for (const auto& item : items) {
        if (!out.empty()) {
            out += separator;
        }
        out += item;
    }
    return out;
}

std::string rule_ids(const Alert& alert) {
    std::vector<std::string> ids;
    for (const auto& r : alert.rules) {
        ids.push_back(r.id);
    }
    return join(ids, ", ");
}

std::string rules_with_severity(const Alert& alert) {
    std::vector<std::string> out;
    for (const auto& r : alert.rules) {
        out.push_back(r.id + " (" + rules::severity_name(r.severity) + ")");
    }
    return join(out, " · ");
}

std::string format_utc_minute(std::chrono::sys_seconds t) {
    std::time_t seconds = t.time_since_epoch().count();
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M UTC", &tm);
    return buffer;
}

std::vector<RuleGroup> group_by_rule(const Alert& digest) {
    std::vector<RuleGroup> groups;
    for (const auto& item : digest.items) {
        const std::string rule = item.rules.empty() ? std::string("(no rule)") : item.rules[0].id;
        auto it = std::find_if(groups.begin(), groups.end(),
                               [&](const RuleGroup& g) { return g.rule_id == rule; });
        if (it == groups.end()) {
            groups.push_back({rule, {}});
            it = std::prev(groups.end());
        }
        it->alerts.push_back(&item);
    }
    return groups;
}

}  // namespace detail

}  // namespace ww::notify

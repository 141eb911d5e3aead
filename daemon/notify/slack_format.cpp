// Slack Block Kit: mrkdwn with &, <, > escaped everywhere (Slack's only control characters,
// and what turns text into links and mentions), within Slack's size limits.

#include <nlohmann/json.hpp>

#include "notify/format_util.hpp"
#include "wirewatch/notify/formats.hpp"

namespace ww::notify {

namespace {

using detail::join;
using nlohmann::json;

constexpr std::size_t kMaxTitle = 500;
constexpr std::size_t kAlertsPerSection = 10;  // a readable screenful per block

// A link target: escaped like text, and '|' (which ends the target) percent-encoded.
std::string slack_url(std::string_view url) {
    std::string out;
    for (char c : one_line(url)) {
        if (c == '|') {
            out += "%7C";
        } else if (c == ' ') {
            out += "%20";
        } else {
            out += c;
        }
    }
    return slack_escape(out);
}

bool linkable(const std::string& url) {
    return url.rfind("https://", 0) == 0 || url.rfind("http://", 0) == 0;
}

std::string linked_title(const Alert& alert) {
    std::string title = slack_escape(one_line(alert.title), kMaxTitle);
    if (title.empty()) {
        title = "(untitled)";
    }
    return linkable(alert.url) ? "<" + slack_url(alert.url) + "|" + title + ">" : title;
}

json section(std::string text) {
    return {{"type", "section"}, {"text", {{"type", "mrkdwn"}, {"text", std::move(text)}}}};
}

json context(std::string text) {
    return {{"type", "context"},
            {"elements", json::array({{{"type", "mrkdwn"}, {"text", std::move(text)}}})}};
}

std::string clock_time(std::chrono::sys_seconds t) {
    const std::string full = detail::format_utc_minute(t);  // "2026-11-25 09:14 UTC"
    return full.substr(11);
}

std::string context_line(const Alert& alert) {
    std::vector<std::string> parts = {slack_escape(alert.source_id)};
    if (alert.published) {
        parts.push_back(clock_time(*alert.published));
    }
    parts.push_back("rules: " + slack_escape(detail::rule_ids(alert)));
    if (!alert.tags.empty()) {
        parts.push_back("tags: " + slack_escape(join(alert.tags, ", ")));
    }
    if (!alert.also_reported_by.empty()) {
        const auto n = alert.also_reported_by.size();
        parts.push_back("also reported by " + std::to_string(n) + " more outlet" +
                        (n == 1 ? "" : "s"));
    }
    parts.push_back("alert " + slack_escape(alert.id));
    return join(parts, " · ");
}

std::string fallback(const Alert& alert) {
    std::string text = slack_escape(rules::severity_name(alert.severity)) + " · " +
                       slack_escape(one_line(alert.title), kMaxTitle);
    if (!alert.url.empty()) {
        text += " — " + slack_escape(one_line(alert.url));
    }
    return text + " — rules: " + slack_escape(detail::rule_ids(alert));
}

json instant_payload(const Alert& alert) {
    json blocks = json::array();
    blocks.push_back(section(":rotating_light: *" +
                             std::string(rules::severity_name(alert.severity)) + "* · " +
                             linked_title(alert)));
    if (!alert.snippet.empty()) {
        std::string text = detail::marked_snippet(
            alert, [](std::string_view s) { return slack_escape(one_line(s)); }, "*", "*");
        if (text.size() > kSlackMaxSectionText) {
            // Cutting marked text could split an entity or a bold pair: drop the marks.
            text = slack_escape(one_line(alert.snippet), kSlackMaxSectionText);
        }
        blocks.push_back(section(std::move(text)));
    }
    blocks.push_back(context(context_line(alert)));
    return {{"text", fallback(alert)}, {"blocks", std::move(blocks)}};
}

json digest_payload(const Alert& digest) {
    json blocks = json::array();
    blocks.push_back(
        section(":newspaper: *" + slack_escape(one_line(digest.title), kMaxTitle) + "*"));
    std::size_t shown = 0;
    bool full = false;
    for (const auto& group : detail::group_by_rule(digest)) {
        std::size_t i = 0;
        while (i < group.alerts.size()) {
            // Keep one block free for the "…and N more" line.
            if (blocks.size() + 1 >= kSlackMaxBlocks) {
                full = true;
                break;
            }
            std::string text = i == 0 ? "*" + slack_escape(group.rule_id) + "* (" +
                                            std::to_string(group.alerts.size()) + ")"
                                      : "*" + slack_escape(group.rule_id) + "* (continued)";
            std::size_t in_section = 0;
            while (i < group.alerts.size() && in_section < kAlertsPerSection) {
                const Alert& a = *group.alerts[i];
                std::string line = "\n• " + linked_title(a) + " — " + slack_escape(a.source_id);
                if (!a.also_reported_by.empty()) {
                    line += " (also " + slack_escape(join(a.also_reported_by, ", ")) + ")";
                }
                if (text.size() + line.size() > kSlackMaxSectionText) {
                    if (in_section == 0) {  // one huge line: show it cut rather than loop
                        line = std::string(utf8_prefix(line, kSlackMaxSectionText - text.size()));
                        const auto amp = line.rfind('&');
                        if (amp != std::string::npos && line.find(';', amp) == std::string::npos) {
                            line.resize(amp);  // never leave half an entity
                        }
                    } else {
                        break;
                    }
                }
                text += line;
                ++i;
                ++in_section;
                ++shown;
            }
            blocks.push_back(section(std::move(text)));
        }
        if (full) {
            break;
        }
    }
    const std::size_t total = digest.items.size();
    if (shown < total) {
        blocks.push_back(context("…and " + std::to_string(total - shown) + " more alert" +
                                 (total - shown == 1 ? "" : "s")));
    }
    std::string text = slack_escape(one_line(digest.title), kMaxTitle) + " (" +
                       std::to_string(total) + " alert" + (total == 1 ? "" : "s") + ")";
    return {{"text", std::move(text)}, {"blocks", std::move(blocks)}};
}

}  // namespace

std::string slack_escape(std::string_view text, std::size_t max) {
    std::string out;
    std::size_t i = 0;
    while (i < text.size()) {
        const auto c = static_cast<unsigned char>(text[i]);
        std::string_view piece;
        std::size_t length = 1;
        if (c == '&') {
            piece = "&amp;";
        } else if (c == '<') {
            piece = "&lt;";
        } else if (c == '>') {
            piece = "&gt;";
        } else {
            length = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
            length = std::min(length, text.size() - i);
            piece = text.substr(i, length);
        }
        if (max != std::string::npos && out.size() + piece.size() > max) {
            break;
        }
        out += piece;
        i += length;
    }
    return out;
}

std::string format_slack(const Alert& alert) {
    const json payload = alert.is_digest() ? digest_payload(alert) : instant_payload(alert);
    return payload.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace ww::notify

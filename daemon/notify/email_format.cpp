// Email: RFC 5322 headers that no title can break, a multipart/alternative body in
// quoted-printable (7-bit, short lines), RFC 2047 encoded-words for anything non-ASCII.

#include <algorithm>
#include <ctime>

#include "notify/format_util.hpp"
#include "wirewatch/hash.hpp"
#include "wirewatch/notify/formats.hpp"

namespace ww::notify {

namespace {

using detail::join;

constexpr std::size_t kMaxTitleBytes = 300;  // subjects past this help nobody
constexpr std::size_t kEncodedChunk = 45;    // 45 bytes -> 60 base64 chars -> 72-char word

bool is_ascii_printable(std::string_view text) {
    return std::all_of(text.begin(), text.end(), [](char c) {
        return static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7F;
    });
}

std::string base64(std::string_view data) {
    static constexpr char kAlphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    std::size_t i = 0;
    for (; i + 2 < data.size(); i += 3) {
        const unsigned v = (static_cast<unsigned char>(data[i]) << 16) |
                           (static_cast<unsigned char>(data[i + 1]) << 8) |
                           static_cast<unsigned char>(data[i + 2]);
        out += kAlphabet[(v >> 18) & 63];
        out += kAlphabet[(v >> 12) & 63];
        out += kAlphabet[(v >> 6) & 63];
        out += kAlphabet[v & 63];
    }
    if (i + 1 == data.size()) {
        const unsigned v = static_cast<unsigned char>(data[i]) << 16;
        out += kAlphabet[(v >> 18) & 63];
        out += kAlphabet[(v >> 12) & 63];
        out += "==";
    } else if (i + 2 == data.size()) {
        const unsigned v = (static_cast<unsigned char>(data[i]) << 16) |
                           (static_cast<unsigned char>(data[i + 1]) << 8);
        out += kAlphabet[(v >> 18) & 63];
        out += kAlphabet[(v >> 12) & 63];
        out += kAlphabet[(v >> 6) & 63];
        out += '=';
    }
    return out;
}

bool address_char(char c) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7F) {
        return false;
    }
    return std::string_view("\"(),:;<>@[\\]").find(c) == std::string_view::npos;
}

bool valid_address(std::string_view address, std::string& error) {
    const auto at = address.find('@');
    if (address.empty() || address.size() > 254) {
        error = "address is empty or longer than 254 bytes";
        return false;
    }
    if (at == std::string_view::npos || address.find('@', at + 1) != std::string_view::npos) {
        error = "address must contain exactly one '@'";
        return false;
    }
    const auto local = address.substr(0, at);
    const auto domain = address.substr(at + 1);
    if (local.empty() || local.size() > 64 || local.front() == '.' || local.back() == '.' ||
        !std::all_of(local.begin(), local.end(), address_char)) {
        error = "invalid local part";
        return false;
    }
    if (domain.empty() || domain.front() == '.' || domain.back() == '.' ||
        domain.find("..") != std::string_view::npos ||
        !std::all_of(domain.begin(), domain.end(), [](char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   c == '-' || c == '.';
        })) {
        error = "invalid domain";
        return false;
    }
    return true;
}

std::string trim(std::string_view text) {
    const auto b = text.find_first_not_of(" \t");
    if (b == std::string_view::npos) {
        return {};
    }
    const auto e = text.find_last_not_of(" \t");
    return std::string(text.substr(b, e - b + 1));
}

// A display name as a header phrase: encoded-words when non-ASCII, else a quoted-string.
std::string phrase(std::string_view name, std::size_t offset) {
    const std::string clean = one_line(name);
    if (clean.empty()) {
        return {};
    }
    if (!is_ascii_printable(clean)) {
        return encode_header_value(clean, offset);
    }
    std::string out = "\"";
    for (char c : clean) {
        if (c == '"' || c == '\\') {
            out += '\\';
        }
        out += c;
    }
    return out + "\"";
}

std::string mailbox_header(const Mailbox& box, std::size_t offset) {
    std::string name = phrase(box.name, offset);
    return name.empty() ? box.address : name + " <" + box.address + ">";
}

std::string html_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&#39;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

bool linkable(const std::string& url) {
    return url.rfind("https://", 0) == 0 || url.rfind("http://", 0) == 0;
}

std::string title_of(const Alert& alert) {
    std::string title = one_line(alert.title);
    return title.empty() ? std::string("(untitled)") : title;
}

std::string where_line(const Alert& alert) {
    std::vector<std::string> where = {alert.source_id};
    if (alert.published) {
        where.push_back(detail::format_utc_minute(*alert.published));
    }
    if (!alert.url.empty()) {
        where.push_back(one_line(alert.url));
    }
    return join(where, " · ");
}

std::string also_line(const Alert& alert) {
    return alert.also_reported_by.empty()
               ? std::string()
               : "Also reported by: " + join(alert.also_reported_by, ", ");
}

void text_alert(const Alert& alert, std::string& out, std::string_view indent) {
    out += std::string(indent) + title_of(alert) + "\n";
    out += std::string(indent) + where_line(alert) + "\n";
    if (!alert.snippet.empty()) {
        out += "\n" + std::string(indent) + "  " +
               detail::marked_snippet(
                   alert, [](std::string_view s) { return one_line(s); }, "**", "**") +
               "\n";
    }
    out += "\n";
    out += std::string(indent) + "Rules:   " + detail::rules_with_severity(alert) + "\n";
    if (!alert.tags.empty()) {
        out += std::string(indent) + "Tags:    " + join(alert.tags, ", ") + "\n";
    }
    out += std::string(indent) + "Source:  " + alert.source_id + "\n";
    if (!alert.also_reported_by.empty()) {
        out += std::string(indent) + also_line(alert) + "\n";
    }
}

void html_alert(const Alert& alert, std::string& out) {
    const std::string title = html_escape(title_of(alert));
    out += "<h3>";
    out += linkable(alert.url) ? "<a href=\"" + html_escape(alert.url) + "\">" + title + "</a>"
                               : title;
    out += "</h3>\n<p>" + html_escape(where_line(alert)) + "</p>\n";
    if (!alert.snippet.empty()) {
        out +=
            "<blockquote>" +
            detail::marked_snippet(
                alert, [](std::string_view s) { return html_escape(one_line(s)); }, "<b>", "</b>") +
            "</blockquote>\n";
    }
    out += "<p>Rules: " + html_escape(detail::rules_with_severity(alert));
    if (!alert.tags.empty()) {
        out += "<br>\nTags: " + html_escape(join(alert.tags, ", "));
    }
    out += "<br>\nSource: " + html_escape(alert.source_id);
    if (!alert.also_reported_by.empty()) {
        out += "<br>\n" + html_escape(also_line(alert));
    }
    out += "</p>\n";
}

std::string footer(const Alert& alert) {
    return "--\nYou get this because subscriber \"" + one_line(alert.subscriber_id) +
           "\" follows these rules. Alert id " + alert.id + ".\n";
}

std::string rfc5322_date(std::chrono::sys_seconds t) {
    std::time_t seconds = t.time_since_epoch().count();
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%s, %02d %s %04d %02d:%02d:%02d +0000",
                  kDays[tm.tm_wday % 7], tm.tm_mday, kMonths[tm.tm_mon % 12], tm.tm_year + 1900,
                  tm.tm_hour, tm.tm_min, tm.tm_sec);
    return buffer;
}

// Only what is safe inside a msg-id or a list-id: letters, digits, '-', '.', '_'.
std::string token(std::string_view text) {
    std::string out;
    for (char c : text) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '.' || c == '_') {
            out += c;
        }
    }
    return out.empty() ? std::string("x") : out;
}

}  // namespace

std::optional<Mailbox> parse_mailbox(std::string_view text, std::string& error) {
    if (std::any_of(text.begin(), text.end(),
                    [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7F; })) {
        error = "control characters in an address";
        return std::nullopt;
    }
    Mailbox box;
    const auto open = text.rfind('<');
    if (open != std::string_view::npos) {
        const auto close = text.find('>', open);
        if (close == std::string_view::npos || !trim(text.substr(close + 1)).empty()) {
            error = "expected 'Name <local@domain>'";
            return std::nullopt;
        }
        std::string name = trim(text.substr(0, open));
        if (name.size() >= 2 && name.front() == '"' && name.back() == '"') {
            name = name.substr(1, name.size() - 2);
        }
        box.name = one_line(name);
        box.address = std::string(text.substr(open + 1, close - open - 1));
    } else {
        box.address = trim(text);
    }
    std::string why;
    if (!valid_address(box.address, why)) {
        error = "invalid email address '" + one_line(box.address) + "': " + why;
        return std::nullopt;
    }
    return box;
}

std::string encode_header_value(std::string_view text, std::size_t header_name_length) {
    const std::string clean = one_line(text);
    if (is_ascii_printable(clean)) {
        // Fits on one line well under 998 bytes (titles are capped before they get here);
        // folding ASCII is optional, so keep it readable.
        return std::string(
            utf8_prefix(clean, 900 - std::min<std::size_t>(header_name_length, 100)));
    }
    std::string out;
    std::string_view rest = clean;
    while (!rest.empty()) {
        const std::string_view chunk = utf8_prefix(rest, kEncodedChunk);
        if (chunk.empty()) {
            break;  // cannot happen with valid UTF-8 (a character is ≤ 4 bytes)
        }
        if (!out.empty()) {
            out += "\r\n ";
        }
        out += "=?UTF-8?B?" + base64(chunk) + "?=";
        rest.remove_prefix(chunk.size());
    }
    return out;
}

std::string quoted_printable(std::string_view text) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    std::size_t line_length = 0;
    auto emit = [&](std::string_view piece) {
        if (line_length + piece.size() > 75) {  // 75 + '=' soft break = 76
            out += "=\r\n";
            line_length = 0;
        }
        out += piece;
        line_length += piece.size();
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c == '\n') {
            out += "\r\n";
            line_length = 0;
            continue;
        }
        if (c == '\r') {
            continue;  // line ends are normalized to CRLF above
        }
        const bool at_line_end = i + 1 == text.size() || text[i + 1] == '\n' || text[i + 1] == '\r';
        const bool literal =
            (c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !at_line_end);
        // A leading '.' is escaped too, so no relay's dot-stuffing can mangle the line.
        if (literal && !(c == '.' && line_length == 0)) {
            const char ch = static_cast<char>(c);
            emit(std::string_view(&ch, 1));
        } else {
            const char encoded[3] = {'=', kHex[c >> 4], kHex[c & 15]};
            emit(std::string_view(encoded, 3));
        }
    }
    return out;
}

std::string email_subject(const Alert& alert) {
    const std::string title(utf8_prefix(title_of(alert), kMaxTitleBytes));
    if (alert.is_digest()) {
        return "[wirewatch] " + title;
    }
    return "[wirewatch] " + std::string(rules::severity_name(alert.severity)) + " · " +
           detail::rule_ids(alert) + " — " + title;
}

std::string email_text_body(const Alert& alert) {
    std::string out;
    if (!alert.is_digest()) {
        text_alert(alert, out, "");
        out += "\n" + footer(alert);
        return out;
    }
    out += title_of(alert) + "\n\n";
    const auto groups = detail::group_by_rule(alert);
    out += "Contents\n";
    for (const auto& group : groups) {
        out += "  " + group.rule_id + " (" + std::to_string(group.alerts.size()) + ")\n";
    }
    for (const auto& group : groups) {
        out += "\n== " + group.rule_id + " (" + std::to_string(group.alerts.size()) + ")\n\n";
        for (const Alert* item : group.alerts) {
            text_alert(*item, out, "");
            out += "\n";
        }
    }
    out += footer(alert);
    return out;
}

std::string email_html_body(const Alert& alert) {
    std::string out = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"></head><body>\n";
    if (!alert.is_digest()) {
        html_alert(alert, out);
    } else {
        out += "<h2>" + html_escape(title_of(alert)) + "</h2>\n";
        const auto groups = detail::group_by_rule(alert);
        out += "<ul>\n";
        for (std::size_t i = 0; i < groups.size(); ++i) {
            out += "<li><a href=\"#rule-" + std::to_string(i) + "\">" +
                   html_escape(groups[i].rule_id) + "</a> (" +
                   std::to_string(groups[i].alerts.size()) + ")</li>\n";
        }
        out += "</ul>\n";
        for (std::size_t i = 0; i < groups.size(); ++i) {
            out += "<h2 id=\"rule-" + std::to_string(i) + "\">" + html_escape(groups[i].rule_id) +
                   "</h2>\n";
            for (const Alert* item : groups[i].alerts) {
                html_alert(*item, out);
            }
        }
    }
    out += "<hr><p>" + html_escape(footer(alert)) + "</p>\n</body></html>\n";
    return out;
}

EmailMessage format_email(const Alert& alert, const EmailOptions& options) {
    EmailMessage message;
    message.envelope_from = options.from.address;
    std::vector<std::string> to_headers;
    for (const auto& to : options.to) {
        message.envelope_to.push_back(to.address);
        to_headers.push_back(mailbox_header(to, 4));
    }
    const auto at = options.from.address.find('@');
    const std::string domain = at == std::string::npos ? std::string("wirewatch.invalid")
                                                       : options.from.address.substr(at + 1);
    const std::string boundary =
        "=_ww_" + hex64(fnv1a64(options.boundary_seed.empty() ? alert.id : options.boundary_seed));

    std::string& d = message.data;
    d += "From: " + mailbox_header(options.from, 6) + "\r\n";
    d += "To: " + join(to_headers, ",\r\n ") + "\r\n";
    d += "Subject: " + encode_header_value(email_subject(alert), 9) + "\r\n";
    d += "Date: " + rfc5322_date(options.date) + "\r\n";
    d += "Message-ID: <" + token(alert.id) + "@" + domain + ">\r\n";
    d += "List-Id: wirewatch alerts <" + token(alert.subscriber_id) + ".wirewatch>\r\n";
    d += "X-Wirewatch-Alert-Id: " + token(alert.id) + "\r\n";
    d += "Auto-Submitted: auto-generated\r\n";
    d += "MIME-Version: 1.0\r\n";
    d += "Content-Type: multipart/alternative; boundary=\"" + boundary + "\"\r\n";
    d += "\r\n";
    d += "--" + boundary + "\r\n";
    d += "Content-Type: text/plain; charset=utf-8\r\n";
    d += "Content-Transfer-Encoding: quoted-printable\r\n\r\n";
    d += quoted_printable(email_text_body(alert)) + "\r\n";
    d += "--" + boundary + "\r\n";
    d += "Content-Type: text/html; charset=utf-8\r\n";
    d += "Content-Transfer-Encoding: quoted-printable\r\n\r\n";
    d += quoted_printable(email_html_body(alert)) + "\r\n";
    d += "--" + boundary + "--\r\n";
    return message;
}

}  // namespace ww::notify

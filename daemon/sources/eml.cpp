#include "sources/eml.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <vector>

#include "wirewatch/parse/date.hpp"
#include "wirewatch/parse/feed.hpp"
#include "wirewatch/text/normalize.hpp"

namespace ww::sources {

namespace {

constexpr int kMaxDepth = 5;  // nested multiparts; deeper is junk or an attack

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

std::string trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) {
        s.remove_prefix(1);
    }
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) {
        s.remove_suffix(1);
    }
    return std::string(s);
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

struct Part {
    std::map<std::string, std::string> headers;  // lower-case names, unfolded values
    std::string_view body;
};

// Splits headers from body; headers unfolded. Accepts CRLF or LF.
Part split_part(std::string_view text) {
    Part part;
    std::size_t pos = 0;
    std::string current_name;
    while (pos < text.size()) {
        std::size_t eol = text.find('\n', pos);
        if (eol == std::string_view::npos) {
            eol = text.size();
        }
        std::string_view line = text.substr(pos, eol - pos);
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        pos = std::min(eol + 1, text.size());
        if (line.empty()) {
            part.body = text.substr(pos);
            return part;
        }
        if ((line.front() == ' ' || line.front() == '\t') && !current_name.empty()) {
            // Two appends, not `" " + trim(line)`: GCC 12 at -O3 reports a false -Wrestrict on
            // operator+(const char*, string&&), which fails a Release build under -Werror.
            auto& value = part.headers[current_name];
            value += ' ';
            value += trim(line);
            continue;
        }
        const auto colon = line.find(':');
        if (colon == std::string_view::npos) {
            continue;
        }
        current_name = lower(trim(line.substr(0, colon)));
        if (part.headers.count(current_name) == 0) {
            part.headers[current_name] = trim(line.substr(colon + 1));
        } else {
            current_name = "\x01ignored";  // a repeated header: first one wins
        }
    }
    return part;
}

std::string header(const Part& p, const std::string& name) {
    auto it = p.headers.find(name);
    return it == p.headers.end() ? std::string() : it->second;
}

// The value of `param` in a header like `text/plain; charset="utf-8"`.
std::string parameter(const std::string& value, const std::string& param) {
    const std::string l = lower(value);
    std::size_t pos = 0;
    while ((pos = l.find(param + "=", pos)) != std::string::npos) {
        if (pos == 0 || l[pos - 1] == ';' || l[pos - 1] == ' ' || l[pos - 1] == '\t') {
            std::string v = value.substr(pos + param.size() + 1);
            if (!v.empty() && v.front() == '"') {
                return v.substr(1, v.find('"', 1) - 1);
            }
            return trim(v.substr(0, v.find(';')));
        }
        ++pos;
    }
    return {};
}

std::string decode_body(const Part& p) {
    const std::string encoding = lower(header(p, "content-transfer-encoding"));
    std::string raw;
    if (encoding == "quoted-printable") {
        raw = decode_quoted_printable(p.body);
    } else if (encoding == "base64") {
        raw = decode_base64(p.body);
    } else {
        raw = std::string(p.body);
    }
    return text::to_utf8(raw, parameter(header(p, "content-type"), "charset"));
}

struct Found {
    std::optional<std::string> plain;
    std::optional<std::string> html;
};

void walk(const Part& p, int depth, Found& found) {
    std::string type = lower(header(p, "content-type"));
    if (type.empty()) {
        type = "text/plain";
    }
    if (lower(header(p, "content-disposition")).rfind("attachment", 0) == 0) {
        return;
    }
    if (type.rfind("multipart/", 0) == 0) {
        const std::string boundary = parameter(header(p, "content-type"), "boundary");
        if (boundary.empty() || depth >= kMaxDepth) {
            return;
        }
        const std::string delimiter = "--" + boundary;
        std::size_t pos = p.body.find(delimiter);
        while (pos != std::string_view::npos) {
            std::size_t start = p.body.find('\n', pos);
            if (start == std::string_view::npos ||
                p.body.substr(pos + delimiter.size(), 2) == "--") {
                break;
            }
            ++start;
            std::size_t next = p.body.find(delimiter, start);
            std::string_view inner = p.body.substr(
                start, next == std::string_view::npos ? std::string_view::npos : next - start);
            walk(split_part(inner), depth + 1, found);
            pos = next;
        }
        return;
    }
    if (type.rfind("text/plain", 0) == 0 && !found.plain) {
        found.plain = decode_body(p);
    } else if (type.rfind("text/html", 0) == 0 && !found.html) {
        found.html = decode_body(p);
    }
}

}  // namespace

std::string decode_quoted_printable(std::string_view in, bool header_q) {
    std::string out;
    out.reserve(in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
        const char c = in[i];
        if (header_q && c == '_') {
            out += ' ';
        } else if (c == '=') {
            if (i + 2 < in.size() + 0 && hex_value(in[i + 1]) >= 0 && hex_value(in[i + 2]) >= 0) {
                out += static_cast<char>(hex_value(in[i + 1]) * 16 + hex_value(in[i + 2]));
                i += 2;
            } else if (i + 1 < in.size() && (in[i + 1] == '\n' || in[i + 1] == '\r')) {
                // Soft line break.
                i += in[i + 1] == '\r' && i + 2 < in.size() && in[i + 2] == '\n' ? 2 : 1;
            } else {
                out += c;
            }
        } else {
            out += c;
        }
    }
    return out;
}

std::string decode_base64(std::string_view in) {
    static const auto table = [] {
        std::array<int, 256> t{};
        t.fill(-1);
        const char* chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (int i = 0; i < 64; ++i) {
            t[static_cast<unsigned char>(chars[i])] = i;
        }
        return t;
    }();
    std::string out;
    int bits = 0;
    unsigned value = 0;
    for (char c : in) {
        const int v = table[static_cast<unsigned char>(c)];
        if (v < 0) {
            continue;  // whitespace, '=' padding, junk
        }
        value = (value << 6) | static_cast<unsigned>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((value >> bits) & 0xFF);
        }
    }
    return out;
}

std::string decode_encoded_words(std::string_view h) {
    std::string out;
    std::size_t pos = 0;
    bool last_was_word = false;
    std::string pending_space;
    while (pos < h.size()) {
        std::size_t start = h.find("=?", pos);
        if (start == std::string_view::npos) {
            out += pending_space;
            out += text::sanitize_utf8(h.substr(pos));
            break;
        }
        // =?charset?Q|B?text?=
        std::size_t q1 = h.find('?', start + 2);
        std::size_t q2 = q1 == std::string_view::npos ? q1 : h.find('?', q1 + 1);
        std::size_t end = q2 == std::string_view::npos ? q2 : h.find("?=", q2 + 1);
        if (end == std::string_view::npos || q2 != q1 + 2) {
            out += pending_space;
            out += text::sanitize_utf8(h.substr(pos));
            break;
        }
        std::string_view between = h.substr(pos, start - pos);
        // Whitespace between two encoded words is dropped (RFC 2047 section 6.2).
        const bool only_space = between.find_first_not_of(" \t\r\n") == std::string_view::npos;
        if (!(last_was_word && only_space)) {
            out += text::sanitize_utf8(between);
        }
        std::string charset(h.substr(start + 2, q1 - start - 2));
        charset = charset.substr(0, charset.find('*'));  // RFC 2231 language suffix
        const char kind = static_cast<char>(std::toupper(static_cast<unsigned char>(h[q1 + 1])));
        std::string_view payload = h.substr(q2 + 1, end - q2 - 1);
        std::string raw = kind == 'B' ? decode_base64(payload)
                                      : decode_quoted_printable(payload, /*header_q=*/true);
        out += text::to_utf8(raw, charset);
        last_was_word = true;
        pos = end + 2;
    }
    return out;
}

std::optional<Document> parse_eml(std::string_view message, std::string& error) {
    Part top = split_part(message);
    if (top.headers.empty()) {
        error = "not an email (no headers)";
        return std::nullopt;
    }
    Found found;
    walk(top, 0, found);
    Document doc;
    doc.title = decode_encoded_words(header(top, "subject"));
    if (found.plain && found.plain->find_first_not_of(" \t\r\n") != std::string::npos) {
        doc.body = *found.plain;
    } else if (found.html) {
        parse::Article article = parse::extract_article(*found.html, "");
        doc.body = article.body;
        if (doc.title.empty()) {
            doc.title = article.title;
        }
    }
    doc.author = decode_encoded_words(header(top, "from"));
    std::string id = trim(header(top, "message-id"));
    if (!id.empty()) {
        doc.item_id = "mid:" + text::sanitize_utf8(id);
    }
    if (auto date = parse::parse_date(header(top, "date"))) {
        doc.published = *date;
    }
    if (doc.title.empty() && doc.body.empty()) {
        error = "email has neither a subject nor a text body";
        return std::nullopt;
    }
    return doc;
}

}  // namespace ww::sources

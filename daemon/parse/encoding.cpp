#include "parse/encoding.hpp"

#include <cstddef>

#include "parse/text_builder.hpp"
#include "wirewatch/text/normalize.hpp"

namespace ww::parse::detail {

namespace {

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string lowercase(std::string_view s) {
    std::string out(s);
    for (auto& c : out) {
        c = lower(c);
    }
    return out;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

std::string trim_label(std::string_view s) {
    while (!s.empty() && (is_space(s.front()) || s.front() == '"' || s.front() == '\'')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (is_space(s.back()) || s.back() == '"' || s.back() == '\'')) {
        s.remove_suffix(1);
    }
    return std::string(s);
}

bool is_utf8_label(std::string_view label) {
    std::string l = lowercase(label);
    return l == "utf-8" || l == "utf8" || l == "unicode-1-1-utf-8";
}

// Encodings whose bytes are all ASCII, so "valid UTF-8" says nothing about them.
bool is_seven_bit_stateful(std::string_view label) {
    std::string l = lowercase(label);
    return l.rfind("iso-2022", 0) == 0 || l == "utf-7" || l == "hz-gb-2312" || l == "csiso2022jp";
}

struct Utf8Stats {
    std::size_t multibyte = 0;  // well-formed sequences of 2-4 bytes
    std::size_t invalid = 0;    // bytes that start no well-formed sequence
};

Utf8Stats utf8_stats(std::string_view s) {
    Utf8Stats st;
    std::size_t i = 0;
    const std::size_t n = s.size();
    while (i < n) {
        auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) {
            ++i;
            continue;
        }
        std::size_t len = 0;
        unsigned char lo = 0x80;
        unsigned char hi = 0xBF;
        if (c >= 0xC2 && c <= 0xDF) {
            len = 2;
        } else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            if (c == 0xE0) {
                lo = 0xA0;
            } else if (c == 0xED) {
                hi = 0x9F;  // no surrogates
            }
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            if (c == 0xF0) {
                lo = 0x90;
            } else if (c == 0xF4) {
                hi = 0x8F;
            }
        }
        bool ok = len != 0 && i + len <= n;
        if (ok) {
            auto c1 = static_cast<unsigned char>(s[i + 1]);
            ok = c1 >= lo && c1 <= hi;
            for (std::size_t k = 2; ok && k < len; ++k) {
                auto ck = static_cast<unsigned char>(s[i + k]);
                ok = ck >= 0x80 && ck <= 0xBF;
            }
        }
        if (ok) {
            ++st.multibyte;
            i += len;
        } else {
            ++st.invalid;
            ++i;
        }
    }
    return st;
}

// Value of `key=` inside `s` starting at `pos` (quoted or not).
std::string value_after(std::string_view s, std::size_t pos) {
    while (pos < s.size() && is_space(s[pos])) {
        ++pos;
    }
    if (pos < s.size() && (s[pos] == '"' || s[pos] == '\'')) {
        char q = s[pos++];
        std::size_t end = s.find(q, pos);
        if (end == std::string_view::npos) {
            return {};
        }
        return trim_label(s.substr(pos, end - pos));
    }
    std::size_t end = pos;
    while (end < s.size() && !is_space(s[end]) && s[end] != ';' && s[end] != '"' &&
           s[end] != '\'' && s[end] != '>' && s[end] != '/') {
        ++end;
    }
    return trim_label(s.substr(pos, end - pos));
}

}  // namespace

std::string sniff_prefix(std::string_view bytes, std::size_t max_bytes) {
    std::string_view s = bytes.substr(0, max_bytes);
    if (s.size() >= 3 && s.substr(0, 3) == "\xEF\xBB\xBF") {
        return std::string(s.substr(3));
    }
    bool wide = (s.size() >= 2 && ((s[0] == '\0') != (s[1] == '\0'))) ||
                (s.size() >= 2 && ((s.substr(0, 2) == "\xFF\xFE") || s.substr(0, 2) == "\xFE\xFF"));
    if (!wide) {
        return std::string(s);
    }
    // UTF-16/32: the markup we sniff for is ASCII, so dropping zero bytes (and the BOM's
    // non-ASCII bytes) leaves a readable projection.
    std::string out;
    for (char c : s) {
        auto u = static_cast<unsigned char>(c);
        if (u != 0 && u < 0x80) {
            out += c;
        }
    }
    return out;
}

std::string xml_declared_encoding(std::string_view bytes) {
    std::string storage;  // only UTF-16/32 and a BOM need a copy of the head
    const std::string_view head = ascii_head(bytes, 512, storage);
    std::size_t p = 0;
    while (p < head.size() && is_space(head[p])) {
        ++p;
    }
    if (head.compare(p, 5, "<?xml") != 0) {
        return {};
    }
    std::size_t end = head.find("?>", p);
    std::string_view decl =
        head.substr(p, end == std::string_view::npos ? std::string_view::npos : end - p);
    std::size_t key = decl.find("encoding");
    if (key == std::string_view::npos) {
        return {};
    }
    std::size_t eq = decl.find('=', key);
    if (eq == std::string_view::npos) {
        return {};
    }
    return value_after(decl, eq + 1);
}

namespace {

// Where the next "<meta" starts in `head` at or after `pos`, in any case; npos if none.
std::size_t find_meta(std::string_view head, std::size_t pos) {
    auto is = [&](std::size_t at, char lower) { return (head[at] | 0x20) == lower; };
    while ((pos = head.find('<', pos)) != std::string_view::npos) {
        if (head.size() - pos >= 5 && is(pos + 1, 'm') && is(pos + 2, 'e') && is(pos + 3, 't') &&
            is(pos + 4, 'a')) {
            return pos;
        }
        ++pos;
    }
    return std::string_view::npos;
}

}  // namespace

std::string html_meta_charset(std::string_view bytes) {
    // Plain 8-bit text is searched in place; only UTF-16/32 and a BOM need sniff_prefix's copy.
    std::string projected;
    std::string_view head = bytes.substr(0, 8192);
    const bool plain = head.size() < 2 || (head[0] != '\0' && head[1] != '\0' &&
                                           static_cast<unsigned char>(head[0]) < 0xEF);
    if (!plain) {
        projected = sniff_prefix(bytes, 8192);
        head = projected;
    }
    std::size_t pos = 0;
    while ((pos = find_meta(head, pos)) != std::string_view::npos) {
        std::size_t end = head.find('>', pos);
        if (end == std::string_view::npos) {
            break;
        }
        const std::string lowered = lowercase(head.substr(pos, end - pos));
        std::string_view tag(lowered);
        std::size_t cs = tag.find("charset");
        // "charset=" appears both as an attribute and inside content="text/html; charset=x".
        if (cs != std::string_view::npos) {
            std::size_t eq = tag.find('=', cs);
            if (eq != std::string_view::npos) {
                std::string v = value_after(tag, eq + 1);
                if (!v.empty()) {
                    return v;
                }
            }
        }
        pos = end;
    }
    return {};
}

namespace {

// A byte order mark, or UTF-16 without one ("<\0" / "\0<"): rules 1 and 2.
bool is_marked_unicode(std::string_view bytes) {
    if (bytes.size() < 2) {
        return false;
    }
    auto b0 = static_cast<unsigned char>(bytes[0]);
    auto b1 = static_cast<unsigned char>(bytes[1]);
    return (b0 == 0xEF && b1 == 0xBB && bytes.size() >= 3 &&
            static_cast<unsigned char>(bytes[2]) == 0xBF) ||
           (b0 == 0xFF && b1 == 0xFE) || (b0 == 0xFE && b1 == 0xFF) || (b0 == '<' && b1 == 0) ||
           (b0 == 0 && b1 == '<');
}

// The first label that is not UTF-8, HTTP's before the declared one; "" if none.
std::string non_utf8_label(std::string_view http_charset, std::string_view declared_charset) {
    for (std::string_view candidate : {http_charset, declared_charset}) {
        std::string l = trim_label(candidate);
        if (!l.empty() && !is_utf8_label(l)) {
            return l;
        }
    }
    return {};
}

}  // namespace

std::string decode_to_utf8(std::string_view bytes, std::string_view http_charset,
                           std::string_view declared_charset) {
    if (is_marked_unicode(bytes)) {
        auto b0 = static_cast<unsigned char>(bytes[0]);
        auto b1 = static_cast<unsigned char>(bytes[1]);
        if (b0 == '<' && b1 == 0) {
            return ww::text::to_utf8(bytes, "UTF-16LE");
        }
        if (b0 == 0 && b1 == '<') {
            return ww::text::to_utf8(bytes, "UTF-16BE");
        }
        // to_utf8 lets a BOM override any label; drop the UTF-8 BOM it may leave behind.
        std::string out = ww::text::to_utf8(bytes, "");
        if (out.compare(0, 3, "\xEF\xBB\xBF") == 0) {
            out.erase(0, 3);
        }
        return out;
    }
    std::string label = non_utf8_label(http_charset, declared_charset);
    if (!label.empty() && is_seven_bit_stateful(label)) {
        return ww::text::to_utf8(bytes, label);
    }
    // Nearly every feed is clean UTF-8 already: one quick check and a copy instead of the
    // statistics pass and a sanitizing copy.
    if (is_clean_utf8(bytes)) {
        return std::string(bytes);
    }
    Utf8Stats st = utf8_stats(bytes);
    if (st.invalid == 0) {
        return ww::text::sanitize_utf8(bytes);
    }
    if (!label.empty()) {
        return ww::text::to_utf8(bytes, label);
    }
    if (st.multibyte * 4 >= st.invalid && st.multibyte > 0) {
        return ww::text::sanitize_utf8(bytes);  // broken bytes become U+FFFD
    }
    return ww::text::to_utf8(bytes, "windows-1252");
}

std::string_view utf8_view(std::string_view bytes, std::string_view http_charset,
                           std::string_view declared_charset, std::string& storage) {
    if (!is_marked_unicode(bytes) &&
        !is_seven_bit_stateful(non_utf8_label(http_charset, declared_charset)) &&
        is_clean_utf8(bytes)) {
        return bytes;  // exactly what decode_to_utf8 would copy
    }
    storage = decode_to_utf8(bytes, http_charset, declared_charset);
    return storage;
}

std::string_view ascii_head(std::string_view bytes, std::size_t max_bytes, std::string& storage) {
    std::string_view s = bytes.substr(0, max_bytes);
    const bool marked =
        s.size() >= 2 && (s[0] == '\0' || s[1] == '\0' || static_cast<unsigned char>(s[0]) >= 0xEF);
    if (!marked) {
        return s;  // sniff_prefix would return these bytes unchanged
    }
    storage = sniff_prefix(bytes, max_bytes);
    return storage;
}

}  // namespace ww::parse::detail

#include "parse/repair.hpp"

#include <cctype>
#include <set>
#include <string>

#include "parse/text_builder.hpp"

namespace ww::parse::detail {

namespace {

bool is_name_start(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
           static_cast<unsigned char>(c) >= 0x80;
}

bool is_name_char(char c) {
    return is_name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Copies the construct starting at `i` up to and including `terminator`; returns the new index.
std::size_t copy_until(std::string_view s, std::size_t i, std::string_view terminator,
                       std::string& out) {
    std::size_t end = s.find(terminator, i);
    std::size_t stop = end == std::string_view::npos ? s.size() : end + terminator.size();
    out.append(s.substr(i, stop - i));
    return stop;
}

// Copies a DOCTYPE (with its internal subset) and records the general entities it declares.
std::size_t copy_doctype(std::string_view s, std::size_t i, std::string& out,
                         std::set<std::string, std::less<>>& declared) {
    std::size_t j = i + 9;
    int bracket = 0;
    char quote = 0;
    for (; j < s.size(); ++j) {
        char c = s[j];
        if (quote != 0) {
            if (c == quote) {
                quote = 0;
            }
            continue;
        }
        if (c == '"' || c == '\'') {
            quote = c;
        } else if (c == '[') {
            ++bracket;
        } else if (c == ']') {
            --bracket;
        } else if (c == '>' && bracket <= 0) {
            break;
        } else if (c == '<' && s.compare(j, 8, "<!ENTITY") == 0) {
            std::size_t k = j + 8;
            while (k < s.size() && is_space(s[k])) {
                ++k;
            }
            if (k < s.size() && s[k] != '%') {
                std::size_t b = k;
                while (k < s.size() && is_name_char(s[k])) {
                    ++k;
                }
                declared.emplace(s.substr(b, k - b));
            }
        }
    }
    std::size_t stop = j < s.size() ? j + 1 : s.size();
    out.append(s.substr(i, stop - i));
    return stop;
}

bool xml_char_allowed(char32_t cp) {
    return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
           (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
}

// Handles the '&' at s[i]; returns the index after what was consumed.
std::size_t repair_ampersand(std::string_view s, std::size_t i, std::string& out,
                             const std::set<std::string, std::less<>>& declared) {
    std::size_t j = i + 1;
    if (j < s.size() && s[j] == '#') {
        std::size_t k = j + 1;
        bool hex = k < s.size() && (s[k] == 'x' || s[k] == 'X');
        if (hex) {
            ++k;
        }
        std::size_t digits = k;
        while (k < s.size() && k - digits < 10 &&
               (std::isxdigit(static_cast<unsigned char>(s[k])) != 0)) {
            ++k;
        }
        if (k > digits && k < s.size() && s[k] == ';') {
            std::string_view body = s.substr(j, k - j);
            auto cp = numeric_entity(body);
            if (cp && xml_char_allowed(*cp)) {
                out += "&#";
                out += std::to_string(static_cast<unsigned long>(*cp));
                out += ';';
            }
            return k + 1;
        }
        out += "&amp;";
        return j;
    }
    if (j < s.size() && is_name_start(s[j])) {
        std::size_t k = j;
        while (k < s.size() && k - j < 64 && is_name_char(s[k])) {
            ++k;
        }
        if (k < s.size() && s[k] == ';') {
            std::string_view name = s.substr(j, k - j);
            if (name == "amp" || name == "lt" || name == "gt" || name == "quot" || name == "apos" ||
                declared.find(name) != declared.end()) {
                out.append(s.substr(i, k + 1 - i));
                return k + 1;
            }
            if (auto cp = named_entity(name)) {
                out += "&#";
                out += std::to_string(static_cast<unsigned long>(*cp));
                out += ';';
                return k + 1;
            }
        }
    }
    out += "&amp;";
    return j;
}

}  // namespace

std::string repair_markup(std::string_view s) {
    std::string out;
    out.reserve(s.size() + s.size() / 16);
    std::set<std::string, std::less<>> declared;
    std::size_t i = 0;
    while (i < s.size()) {
        std::size_t special = s.find_first_of("<&", i);
        if (special == std::string_view::npos) {
            out.append(s.substr(i));
            break;
        }
        out.append(s.substr(i, special - i));
        i = special;
        if (s[i] == '&') {
            i = repair_ampersand(s, i, out, declared);
            continue;
        }
        if (s.compare(i, 4, "<!--") == 0) {
            i = copy_until(s, i, "-->", out);
        } else if (s.compare(i, 9, "<![CDATA[") == 0) {
            i = copy_until(s, i, "]]>", out);
        } else if (s.compare(i, 9, "<!DOCTYPE") == 0) {
            i = copy_doctype(s, i, out, declared);
        } else if (s.compare(i, 2, "<?") == 0) {
            i = copy_until(s, i, "?>", out);
        } else if (i + 1 < s.size() &&
                   (is_name_start(s[i + 1]) || s[i + 1] == '/' || s[i + 1] == '!')) {
            out += '<';  // a tag: its attribute values get the same '&' treatment
            ++i;
        } else {
            out += "&lt;";
            ++i;
        }
    }
    return out;
}

}  // namespace ww::parse::detail

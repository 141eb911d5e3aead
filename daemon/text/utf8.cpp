// UTF-8 validation, sanitizing and word-character tests.

#include "text/utf8.hpp"

#include <utf8proc.h>

#include "wirewatch/text/normalize.hpp"

namespace ww::text {
namespace detail {

std::size_t decode(const unsigned char* p, std::size_t avail, char32_t& cp, std::size_t* bad_len) {
    const unsigned char c = p[0];
    if (c < 0x80) {
        cp = c;
        return 1;
    }
    // Table 3-7 of the Unicode standard: the lead byte fixes the length and the range of the
    // second byte, which is what excludes overlongs (E0, F0), surrogates (ED) and values past
    // U+10FFFF (F4). 80..C1 and F5..FF never start a sequence.
    std::size_t len = 0;
    unsigned char lo = 0x80;
    unsigned char hi = 0xBF;
    char32_t value = 0;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
        value = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        value = c & 0x0F;
        if (c == 0xE0) {
            lo = 0xA0;
        } else if (c == 0xED) {
            hi = 0x9F;
        }
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        value = c & 0x07;
        if (c == 0xF0) {
            lo = 0x90;
        } else if (c == 0xF4) {
            hi = 0x8F;
        }
    } else {
        if (bad_len != nullptr) {
            *bad_len = 1;
        }
        return 0;
    }
    for (std::size_t k = 1; k < len; ++k) {
        const unsigned char b = k < avail ? p[k] : 0;
        if (k >= avail || b < lo || b > hi) {
            // The bytes so far are a maximal subpart: a prefix of some valid sequence.
            if (bad_len != nullptr) {
                *bad_len = k;
            }
            return 0;
        }
        value = (value << 6) | (b & 0x3F);
        lo = 0x80;
        hi = 0xBF;
    }
    cp = value;
    return len;
}

std::size_t encode(char32_t cp, char* buf) {
    if (cp < 0x80) {
        buf[0] = static_cast<char>(cp);
        return 1;
    }
    if (cp < 0x800) {
        buf[0] = static_cast<char>(0xC0 | (cp >> 6));
        buf[1] = static_cast<char>(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        buf[0] = static_cast<char>(0xE0 | (cp >> 12));
        buf[1] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        buf[2] = static_cast<char>(0x80 | (cp & 0x3F));
        return 3;
    }
    buf[0] = static_cast<char>(0xF0 | (cp >> 18));
    buf[1] = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    buf[2] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    buf[3] = static_cast<char>(0x80 | (cp & 0x3F));
    return 4;
}

void append_utf8(std::string& out, char32_t cp) {
    char buf[4];
    out.append(buf, encode(cp, buf));
}

std::size_t previous_start(std::string_view text, std::size_t pos) {
    std::size_t start = pos - 1;
    // At most three continuation bytes precede a lead byte in valid UTF-8.
    for (int k = 0; k < 3 && start > 0 && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80;
         ++k) {
        --start;
    }
    return start;
}

}  // namespace detail

namespace {

// Printable ASCII plus tab, LF and CR pass sanitize_utf8 unchanged.
constexpr bool is_plain_ascii(unsigned char c) {
    return (c >= 0x20 && c < 0x7F) || c == '\t' || c == '\n' || c == '\r';
}

constexpr bool is_ascii_word(unsigned char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool is_word_code_point(char32_t cp) {
    if (cp < 0x80) {
        return is_ascii_word(static_cast<unsigned char>(cp));
    }
    switch (utf8proc_category(static_cast<utf8proc_int32_t>(cp))) {
        case UTF8PROC_CATEGORY_LU:
        case UTF8PROC_CATEGORY_LL:
        case UTF8PROC_CATEGORY_LT:
        case UTF8PROC_CATEGORY_LM:
        case UTF8PROC_CATEGORY_LO:
        case UTF8PROC_CATEGORY_MN:
        case UTF8PROC_CATEGORY_MC:
        case UTF8PROC_CATEGORY_ME:
        case UTF8PROC_CATEGORY_ND:
        case UTF8PROC_CATEGORY_NL:
        case UTF8PROC_CATEGORY_NO:
            return true;
        default:
            return false;
    }
}

}  // namespace

std::string sanitize_utf8(std::string_view bytes) {
    std::string out;
    out.reserve(bytes.size());
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
    const std::size_t n = bytes.size();
    std::size_t i = 0;
    while (i < n) {
        // Fast path: copy a whole run of ordinary ASCII at once.
        std::size_t run = i;
        while (run < n && is_plain_ascii(p[run])) {
            ++run;
        }
        if (run > i) {
            out.append(bytes.data() + i, run - i);
            i = run;
            continue;
        }
        if (p[i] < 0x80) {
            ++i;  // C0 control, NUL or DEL: dropped
            continue;
        }
        char32_t cp = 0;
        std::size_t bad = 1;
        const std::size_t len = detail::decode(p + i, n - i, cp, &bad);
        if (len == 0) {
            detail::append_utf8(out, detail::kReplacement);
            i += bad;
            continue;
        }
        if (cp >= 0x80 && cp <= 0x9F) {
            i += len;  // C1 control: dropped
            continue;
        }
        out.append(bytes.data() + i, len);
        i += len;
    }
    return out;
}

bool word_char_at(std::string_view text, std::size_t pos) {
    if (pos >= text.size()) {
        return false;
    }
    const auto c = static_cast<unsigned char>(text[pos]);
    if (c < 0x80) {
        return is_ascii_word(c);
    }
    char32_t cp = 0;
    const auto* p = reinterpret_cast<const unsigned char*>(text.data()) + pos;
    if (detail::decode(p, text.size() - pos, cp) == 0) {
        return false;
    }
    return is_word_code_point(cp);
}

bool word_char_before(std::string_view text, std::size_t pos) {
    if (pos == 0 || pos > text.size()) {
        return false;
    }
    const auto c = static_cast<unsigned char>(text[pos - 1]);
    if (c < 0x80) {
        return is_ascii_word(c);
    }
    const std::size_t start = detail::previous_start(text, pos);
    char32_t cp = 0;
    const auto* p = reinterpret_cast<const unsigned char*>(text.data()) + start;
    if (detail::decode(p, pos - start, cp) != pos - start) {
        return false;
    }
    return is_word_code_point(cp);
}

}  // namespace ww::text

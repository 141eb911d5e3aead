// Charset conversion to UTF-8: BOM sniffing, browser-compatible label handling, iconv for the
// rest. Never throws on bad input: undecodable bytes become U+FFFD.

#include <errno.h>
#include <iconv.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <string>
#include <string_view>

#include "text/utf8.hpp"
#include "wirewatch/text/normalize.hpp"

namespace ww::text {
namespace {

// Windows-1252 0x80..0x9F. The five undefined bytes map to the C1 control of the same value,
// as the WHATWG Encoding Standard does; sanitize_utf8 then drops them.
constexpr std::array<char16_t, 32> kCp1252High = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
};

enum class Kind { kGuess, kUtf8, kCp1252, kUtf16Le, kUtf16Be, kIconv };

struct Resolved {
    Kind kind;
    std::string iconv_name;  // for kIconv
};

std::string lower_trimmed(std::string_view label) {
    while (!label.empty() && std::isspace(static_cast<unsigned char>(label.front())) != 0) {
        label.remove_prefix(1);
    }
    while (!label.empty() && std::isspace(static_cast<unsigned char>(label.back())) != 0) {
        label.remove_suffix(1);
    }
    std::string out(label);
    for (char& c : out) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return out;
}

bool one_of(std::string_view s, std::initializer_list<std::string_view> names) {
    return std::find(names.begin(), names.end(), s) != names.end();
}

// Labels follow the WHATWG Encoding Standard where it differs from iconv's idea of the name,
// because feeds are written against what browsers display, not against what they declare.
Resolved resolve(std::string_view charset) {
    const std::string label = lower_trimmed(charset);
    if (label.empty()) {
        return {Kind::kGuess, {}};
    }
    if (one_of(label, {"utf-8", "utf8", "unicode-1-1-utf-8", "x-unicode20utf8"})) {
        return {Kind::kUtf8, {}};
    }
    if (one_of(label,
               {"iso-8859-1", "iso8859-1", "iso_8859-1", "iso88591", "iso_8859-1:1987", "latin1",
                "l1", "iso-ir-100", "csisolatin1", "cp819", "ibm819", "us-ascii", "ascii",
                "ansi_x3.4-1968", "iso646-us", "windows-1252", "cp1252", "x-cp1252"})) {
        return {Kind::kCp1252, {}};
    }
    if (one_of(label, {"utf-16le", "utf-16", "unicode", "ucs-2", "csunicode", "iso-10646-ucs-2",
                       "unicodefeff"})) {
        return {Kind::kUtf16Le, {}};  // WHATWG: a bare "utf-16" label means little-endian
    }
    if (one_of(label, {"utf-16be", "unicodefffe"})) {
        return {Kind::kUtf16Be, {}};
    }
    if (one_of(label, {"gb2312", "gbk", "x-gbk", "chinese", "csgb2312", "iso-ir-58"})) {
        return {Kind::kIconv, "GB18030"};
    }
    if (one_of(label, {"euc-kr", "ks_c_5601-1987", "ks_c_5601-1989", "korean", "windows-949",
                       "cseuckr", "csksc56011987"})) {
        return {Kind::kIconv, "CP949"};
    }
    if (one_of(label, {"shift_jis", "shift-jis", "sjis", "ms_kanji", "windows-31j", "x-sjis",
                       "csshiftjis"})) {
        return {Kind::kIconv, "CP932"};
    }
    if (one_of(label, {"big5", "big5-hkscs", "cn-big5", "x-x-big5", "csbig5"})) {
        return {Kind::kIconv, "BIG5-HKSCS"};
    }
    if (one_of(label, {"iso-8859-9", "iso8859-9", "latin5", "l5"})) {
        return {Kind::kIconv, "WINDOWS-1254"};
    }
    if (one_of(label, {"tis-620", "iso-8859-11", "iso8859-11"})) {
        return {Kind::kIconv, "WINDOWS-874"};
    }
    return {Kind::kIconv, label};
}

bool is_valid_utf8(std::string_view bytes) {
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
    std::size_t i = 0;
    while (i < bytes.size()) {
        if (p[i] < 0x80) {
            ++i;
            continue;
        }
        char32_t cp = 0;
        const std::size_t len = detail::decode(p + i, bytes.size() - i, cp);
        if (len == 0) {
            return false;
        }
        i += len;
    }
    return true;
}

std::string from_cp1252(std::string_view bytes) {
    std::string out;
    out.reserve(bytes.size() + bytes.size() / 4);
    for (const char ch : bytes) {
        const auto c = static_cast<unsigned char>(ch);
        if (c < 0x80) {
            out.push_back(ch);
        } else if (c < 0xA0) {
            detail::append_utf8(out, kCp1252High[c - 0x80]);
        } else {
            detail::append_utf8(out, c);  // 0xA0..0xFF are U+00A0..U+00FF
        }
    }
    return out;
}

std::string from_utf16(std::string_view bytes, bool little_endian) {
    std::string out;
    out.reserve(bytes.size() + bytes.size() / 2);
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
    const std::size_t units = bytes.size() / 2;
    auto unit = [&](std::size_t k) -> char32_t {
        return little_endian ? static_cast<char32_t>(p[2 * k] | (p[2 * k + 1] << 8))
                             : static_cast<char32_t>((p[2 * k] << 8) | p[2 * k + 1]);
    };
    for (std::size_t k = 0; k < units; ++k) {
        const char32_t u = unit(k);
        if (u >= 0xD800 && u <= 0xDBFF && k + 1 < units) {
            const char32_t low = unit(k + 1);
            if (low >= 0xDC00 && low <= 0xDFFF) {
                detail::append_utf8(out, 0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00));
                ++k;
                continue;
            }
        }
        if (u >= 0xD800 && u <= 0xDFFF) {
            detail::append_utf8(out, detail::kReplacement);  // lone surrogate
        } else {
            detail::append_utf8(out, u);
        }
    }
    if (bytes.size() % 2 != 0) {
        detail::append_utf8(out, detail::kReplacement);  // truncated final unit
    }
    return out;
}

// Returns false when iconv does not know the charset, so the caller can guess instead.
bool from_iconv(std::string_view bytes, const std::string& name, std::string& out) {
    iconv_t cd = iconv_open("UTF-8", name.c_str());
    if (cd == reinterpret_cast<iconv_t>(-1)) {
        return false;
    }
    out.clear();
    out.resize(bytes.size() * 2 + 16);
    // iconv's interface is not const-correct; it never writes through the input pointer.
    char* in = const_cast<char*>(bytes.data());
    std::size_t in_left = bytes.size();
    std::size_t used = 0;
    bool flushed = false;
    while (true) {
        char* dst = out.data() + used;
        std::size_t dst_left = out.size() - used;
        std::size_t rc = 0;
        if (in_left > 0) {
            rc = iconv(cd, &in, &in_left, &dst, &dst_left);
        } else {
            // Flush any shift state (ISO-2022-JP and friends).
            rc = iconv(cd, nullptr, nullptr, &dst, &dst_left);
            flushed = true;
        }
        used = out.size() - dst_left;
        if (rc != static_cast<std::size_t>(-1)) {
            if (flushed) {
                break;
            }
            continue;
        }
        if (errno == E2BIG) {
            flushed = false;
            out.resize(out.size() * 2);
            continue;
        }
        if (out.size() - used < 4) {
            out.resize(out.size() * 2);
        }
        char buf[4];
        const std::size_t len = detail::encode(detail::kReplacement, buf);
        std::copy(buf, buf + len, out.data() + used);
        used += len;
        if (errno == EILSEQ && in_left > 0) {
            ++in;  // skip one undecodable byte and resynchronize
            --in_left;
        } else {
            in_left = 0;  // EINVAL: truncated multibyte sequence at the end
        }
        flushed = false;
    }
    iconv_close(cd);
    out.resize(used);
    return true;
}

std::string guess(std::string_view bytes) {
    if (is_valid_utf8(bytes)) {
        return sanitize_utf8(bytes);
    }
    return sanitize_utf8(from_cp1252(bytes));
}

}  // namespace

std::string to_utf8(std::string_view bytes, std::string_view charset) {
    // A byte order mark is stronger evidence than any label (WHATWG "BOM sniff").
    if (bytes.size() >= 3 && bytes.substr(0, 3) == "\xEF\xBB\xBF") {
        return sanitize_utf8(bytes.substr(3));
    }
    if (bytes.size() >= 2 && bytes.substr(0, 2) == "\xFF\xFE") {
        return sanitize_utf8(from_utf16(bytes.substr(2), true));
    }
    if (bytes.size() >= 2 && bytes.substr(0, 2) == "\xFE\xFF") {
        return sanitize_utf8(from_utf16(bytes.substr(2), false));
    }
    const Resolved r = resolve(charset);
    switch (r.kind) {
        case Kind::kUtf8:
            return sanitize_utf8(bytes);
        case Kind::kCp1252:
            return sanitize_utf8(from_cp1252(bytes));
        case Kind::kUtf16Le:
            return sanitize_utf8(from_utf16(bytes, true));
        case Kind::kUtf16Be:
            return sanitize_utf8(from_utf16(bytes, false));
        case Kind::kIconv: {
            std::string out;
            if (from_iconv(bytes, r.iconv_name, out)) {
                return sanitize_utf8(out);
            }
            return guess(bytes);
        }
        case Kind::kGuess:
            break;
    }
    return guess(bytes);
}

}  // namespace ww::text

#include "wirewatch/parse/url.hpp"

#include <libxml/uri.h>

#include <cstdint>
#include <memory>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "parse/readers.hpp"
#include "parse/xml.hpp"
#include "wirewatch/hash.hpp"

namespace ww::parse {

namespace {

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string_view trim(std::string_view s) {
    auto space = [](char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
    };
    while (!s.empty() && space(s.front())) {
        s.remove_prefix(1);
    }
    while (!s.empty() && space(s.back())) {
        s.remove_suffix(1);
    }
    return s;
}

// Case-insensitive: does `s` start with the lowercase ASCII `prefix`?
bool starts_with_lower(std::string_view s, std::string_view prefix) {
    if (s.size() < prefix.size()) {
        return false;
    }
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        if (lower(s[i]) != prefix[i]) {
            return false;
        }
    }
    return true;
}

bool is_tracking_param(std::string_view name) {
    static constexpr std::string_view kPrefixes[] = {"utm_", "ns_", "at_"};
    for (auto p : kPrefixes) {
        if (starts_with_lower(name, p)) {
            return true;
        }
    }
    static constexpr std::string_view kNames[] = {
        "fbclid",      "gclid",      "gclsrc",  "dclid",    "gbraid", "wbraid", "msclkid",
        "mc_cid",      "mc_eid",     "ocid",    "cmpid",    "cmp",    "igshid", "yclid",
        "twclid",      "ttclid",     "_ga",     "_gl",      "_hsenc", "_hsmi",  "mkt_tok",
        "oly_anon_id", "oly_enc_id", "vero_id", "wt.mc_id", "xtor"};
    for (auto n : kNames) {
        if (name.size() == n.size() && starts_with_lower(name, n)) {
            return true;
        }
    }
    return false;
}

// Scheme of an absolute URL ("" if `s` has none): ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ).
std::size_t scheme_length(std::string_view s) {
    if (s.empty() || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z'))) {
        return 0;
    }
    for (std::size_t i = 1; i < s.size(); ++i) {
        char c = s[i];
        if (c == ':') {
            return i;
        }
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '+' || c == '-' || c == '.';
        if (!ok) {
            return 0;
        }
    }
    return 0;
}

// Appends the query's parameters minus the tracking ones, '&'-joined, to `out`; returns
// whether it appended anything.
bool append_filtered_query(std::string_view query, std::string& out) {
    bool any = false;
    std::size_t pos = 0;
    while (pos <= query.size()) {
        std::size_t amp = query.find('&', pos);
        std::string_view param =
            query.substr(pos, amp == std::string_view::npos ? query.npos : amp - pos);
        std::string_view name = param.substr(0, param.find('='));
        if (!param.empty() && !is_tracking_param(name)) {
            if (any) {
                out += '&';
            }
            out.append(param);
            any = true;
        }
        if (amp == std::string_view::npos) {
            break;
        }
        pos = amp + 1;
    }
    return any;
}

// Percent-encodes what xmlBuildURI refuses in hand-written links: spaces, non-ASCII bytes and
// a few characters RFC 3986 does not allow unescaped.
std::string escape_loose(std::string_view s) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (char ch : s) {
        auto c = static_cast<unsigned char>(ch);
        if (c <= 0x20 || c >= 0x7F || ch == '"' || ch == '<' || ch == '>' || ch == '\\' ||
            ch == '^' || ch == '`' || ch == '{' || ch == '|' || ch == '}') {
            out += '%';
            out += kHex[c >> 4];
            out += kHex[c & 0xF];
        } else {
            out += ch;
        }
    }
    return out;
}

// Byte classes of is_plain_absolute: a host name, and what RFC 3986 allows unescaped in a
// path and query.
struct ByteClass {
    bool table[256] = {};
    constexpr ByteClass(std::string_view extra) {
        for (int c = 0; c < 256; ++c) {
            table[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        }
        for (char c : extra) {
            table[static_cast<unsigned char>(c)] = true;
        }
    }
    bool operator[](unsigned char c) const { return table[c]; }
};
constexpr ByteClass kHostChar("-.");
constexpr ByteClass kPathChar("-._~!$&'()*+,;=:@/?");
// A host name byte that lowercasing leaves as it is.
constexpr struct LowerHostChar : ByteClass {
    constexpr LowerHostChar() : ByteClass("-.") {
        for (int c = 'A'; c <= 'Z'; ++c) {
            table[c] = false;
        }
    }
} kLowerHostChar;

#ifdef __SSE2__
// Bytes of the sixteen at `p` that kPathChar refuses: outside '!'..'~' (bytes >= 0x80 are
// negative as signed chars), '"' '#' '%' '<' '>' '`', '['..'^' and '{'..'}'.
int path_char_misses(const char* p) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const auto eq = [&v](char c) { return _mm_cmpeq_epi8(v, _mm_set1_epi8(c)); };
    const auto in = [&v](char lo, char hi) {
        return _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8(static_cast<char>(lo - 1))),
                             _mm_cmplt_epi8(v, _mm_set1_epi8(static_cast<char>(hi + 1))));
    };
    __m128i bad = _mm_or_si128(_mm_cmplt_epi8(v, _mm_set1_epi8('!')), eq(0x7F));
    bad = _mm_or_si128(bad, _mm_or_si128(in('"', '#'), eq('%')));
    bad = _mm_or_si128(bad, _mm_or_si128(eq('<'), eq('>')));
    bad = _mm_or_si128(bad, _mm_or_si128(in('[', '^'), eq('`')));
    bad = _mm_or_si128(bad, in('{', '}'));
    return _mm_movemask_epi8(bad);
}
#endif

// Whether kPathChar allows every byte of `s`: sixteen per step where SSE2 is there (every
// x86-64), the last step overlapping the one before.
bool all_path_chars(std::string_view s) {
    std::size_t i = 0;
#ifdef __SSE2__
    if (s.size() >= 16) {
        for (; i + 16 <= s.size(); i += 16) {
            if (path_char_misses(s.data() + i) != 0) {
                return false;
            }
        }
        return i == s.size() || path_char_misses(s.data() + s.size() - 16) == 0;
    }
#endif
    for (; i < s.size(); ++i) {
        if (!kPathChar[static_cast<unsigned char>(s[i])]) {
            return false;
        }
    }
    return true;
}

// Length of a leading "http://" or "https://" (lowercase, as plain links have it), else 0.
std::size_t http_prefix(std::string_view url) {
    if (url.starts_with("https://")) {
        return 8;
    }
    return url.starts_with("http://") ? 7 : 0;
}

// ASCII-lowercases out[from..].
void lower_from(std::string& out, std::size_t from) {
    for (std::size_t i = from; i < out.size(); ++i) {
        out[i] = lower(out[i]);
    }
}

std::string build_uri(const std::string& ref, const std::string& base) {
    xml::XmlString built(xmlBuildURI(xml::xs(ref.c_str()), xml::xs(base.c_str())));
    return built ? std::string(xml::cs(built.get())) : std::string();
}

}  // namespace

namespace detail {

// An absolute http(s) URL that xmlBuildURI would return unchanged (it returns any reference
// with a scheme as it is, once the reference parses): a plain host name, then only characters
// RFC 3986 allows unescaped in a path and query. Lets most feed links skip libxml2's URI
// parser; anything unusual (ports, userinfo, '%', fragments, IPv6) still goes through it.
bool is_plain_absolute(std::string_view ref) {
    std::size_t i = http_prefix(ref);
    if (i == 0) {
        return false;
    }
    const std::size_t host_begin = i;
    while (i < ref.size() && kHostChar[static_cast<unsigned char>(ref[i])]) {
        ++i;
    }
    if (i == host_begin || (i < ref.size() && ref[i] != '/' && ref[i] != '?')) {
        return false;
    }
    return all_path_chars(ref.substr(i));
}

// canonical_url of the commonest feed link in one pass: a plain absolute http(s) URL (see
// is_plain_absolute) with a lowercase host not ending in '.' and a path. Nothing of it
// changes but its tracking parameters. False, with `out` untouched, for any other input.
bool canonical_plain_url(std::string_view url, std::string& out) {
    std::size_t i = http_prefix(url);
    if (i == 0) {
        return false;
    }
    const std::size_t host_begin = i;
    while (i < url.size() && kLowerHostChar[static_cast<unsigned char>(url[i])]) {
        ++i;
    }
    if (i == host_begin || i == url.size() || url[i] != '/' || url[i - 1] == '.') {
        return false;
    }
    if (!all_path_chars(url.substr(i))) {
        return false;
    }
    const std::size_t query = url.find('?', i);
    if (query == std::string_view::npos) {
        out.assign(url);
        return true;
    }
    out.reserve(url.size());
    out.assign(url.substr(0, query + 1));
    if (!append_filtered_query(url.substr(query + 1), out)) {
        out.pop_back();
    }
    return true;
}

}  // namespace detail

std::string canonical_url(std::string_view input) {
    if (std::string plain; detail::canonical_plain_url(input, plain)) {
        return plain;
    }
    return detail::canonical_other_url(input);
}

namespace detail {

std::string canonical_other_url(std::string_view input) {
    std::string_view url = trim(input);
    if (auto hash = url.find('#'); hash != std::string_view::npos) {
        url = url.substr(0, hash);
    }
    std::size_t slen = scheme_length(url);
    if (slen == 0) {
        return std::string(url);
    }
    // Built in place in one string: this runs for every item of every feed.
    std::string out;
    out.reserve(url.size() + 1);
    out.append(url.substr(0, slen));
    lower_from(out, 0);
    const bool http = out == "http";
    const bool https = out == "https";
    out += ':';
    std::string_view rest = url.substr(slen + 1);
    if (rest.substr(0, 2) == "//") {
        rest.remove_prefix(2);
        // One pass to the end of the authority (the first '/' or '?'), noting the last '@' and,
        // after it, the last ':' and ']' (an IPv6 literal: "[::1]:8080").
        constexpr std::size_t npos = std::string_view::npos;
        std::size_t auth_end = 0;
        std::size_t at = npos;
        std::size_t colon = npos;
        std::size_t bracket = npos;
        for (; auth_end < rest.size(); ++auth_end) {
            const char c = rest[auth_end];
            if (c == '/' || c == '?') {
                break;
            }
            if (c == '@') {
                at = auth_end;
                colon = npos;
                bracket = npos;
            } else if (c == ':') {
                colon = auth_end;
            } else if (c == ']') {
                bracket = auth_end;
            }
        }
        const std::size_t host_start = at == npos ? 0 : at + 1;
        std::string_view userinfo = rest.substr(0, host_start);
        std::string_view host = rest.substr(host_start, auth_end - host_start);
        std::string_view port;
        if (colon != npos && (bracket == npos || colon > bracket)) {
            host = rest.substr(host_start, colon - host_start);
            port = rest.substr(colon + 1, auth_end - colon - 1);
        }
        rest = rest.substr(auth_end);
        if (!host.empty() && host.back() == '.') {
            host.remove_suffix(1);
        }
        bool default_port = port.empty() || (http && port == "80") || (https && port == "443");
        out += "//";
        out.append(userinfo);
        const std::size_t host_begin = out.size();
        out.append(host);
        lower_from(out, host_begin);
        if (!default_port) {
            out += ':';
            out.append(port);
        }
        if ((http || https) && (rest.empty() || rest[0] == '?')) {
            out += '/';
        }
    }
    std::size_t q = rest.find('?');
    out.append(rest.substr(0, q));
    if (q != std::string_view::npos) {
        out += '?';
        if (!append_filtered_query(rest.substr(q + 1), out)) {
            out.pop_back();
        }
    }
    return out;
}

}  // namespace detail

std::string resolve_url(std::string_view base, std::string_view ref) {
    if (std::string_view plain = trim(ref); detail::is_plain_absolute(plain)) {
        return std::string(plain);  // what xmlBuildURI would return, whatever the base
    }
    std::string r(trim(ref));
    std::string b(trim(base));
    if (b.empty()) {
        return r;
    }
    if (r.empty()) {
        return b;
    }
    std::string built = build_uri(r, b);
    if (built.empty()) {
        built = build_uri(escape_loose(r), escape_loose(b));
    }
    return built.empty() ? r : built;
}

std::string fnv1a64_hex(std::string_view bytes) { return hex64(fnv1a64(bytes)); }

}  // namespace ww::parse

#include "wirewatch/parse/url.hpp"

#include <libxml/uri.h>

#include <cstdint>
#include <memory>

#include "parse/xml.hpp"
#include "wirewatch/hash.hpp"

namespace ww::parse {

namespace {

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string lowercase(std::string_view s) {
    std::string out(s);
    for (auto& c : out) {
        c = lower(c);
    }
    return out;
}

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

bool is_tracking_param(std::string_view raw_name) {
    std::string name = lowercase(raw_name);
    static constexpr std::string_view kPrefixes[] = {"utm_", "ns_", "at_"};
    for (auto p : kPrefixes) {
        if (name.rfind(p, 0) == 0) {
            return true;
        }
    }
    static constexpr std::string_view kNames[] = {
        "fbclid",      "gclid",      "gclsrc",  "dclid",    "gbraid", "wbraid", "msclkid",
        "mc_cid",      "mc_eid",     "ocid",    "cmpid",    "cmp",    "igshid", "yclid",
        "twclid",      "ttclid",     "_ga",     "_gl",      "_hsenc", "_hsmi",  "mkt_tok",
        "oly_anon_id", "oly_enc_id", "vero_id", "wt.mc_id", "xtor"};
    for (auto n : kNames) {
        if (name == n) {
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

std::string filter_query(std::string_view query) {
    std::string out;
    std::size_t pos = 0;
    while (pos <= query.size()) {
        std::size_t amp = query.find('&', pos);
        std::string_view param =
            query.substr(pos, amp == std::string_view::npos ? query.npos : amp - pos);
        std::string_view name = param.substr(0, param.find('='));
        if (!param.empty() && !is_tracking_param(name)) {
            if (!out.empty()) {
                out += '&';
            }
            out.append(param);
        }
        if (amp == std::string_view::npos) {
            break;
        }
        pos = amp + 1;
    }
    return out;
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

std::string build_uri(const std::string& ref, const std::string& base) {
    xml::XmlString built(xmlBuildURI(xml::xs(ref.c_str()), xml::xs(base.c_str())));
    return built ? std::string(xml::cs(built.get())) : std::string();
}

}  // namespace

std::string canonical_url(std::string_view input) {
    std::string_view url = trim(input);
    if (auto hash = url.find('#'); hash != std::string_view::npos) {
        url = url.substr(0, hash);
    }
    std::size_t slen = scheme_length(url);
    if (slen == 0) {
        return std::string(url);
    }
    std::string scheme = lowercase(url.substr(0, slen));
    std::string_view rest = url.substr(slen + 1);
    std::string out = scheme + ":";
    if (rest.substr(0, 2) == "//") {
        rest.remove_prefix(2);
        std::size_t auth_end = rest.find_first_of("/?");
        std::string_view authority = rest.substr(0, auth_end);
        rest = auth_end == std::string_view::npos ? std::string_view() : rest.substr(auth_end);
        std::string userinfo;
        if (auto at = authority.rfind('@'); at != std::string_view::npos) {
            userinfo = std::string(authority.substr(0, at + 1));
            authority.remove_prefix(at + 1);
        }
        std::string_view host = authority;
        std::string_view port;
        std::size_t colon = authority.rfind(':');
        std::size_t bracket = authority.rfind(']');  // IPv6 literal: "[::1]:8080"
        if (colon != std::string_view::npos &&
            (bracket == std::string_view::npos || colon > bracket)) {
            host = authority.substr(0, colon);
            port = authority.substr(colon + 1);
        }
        std::string lhost = lowercase(host);
        if (!lhost.empty() && lhost.back() == '.') {
            lhost.pop_back();
        }
        bool default_port = port.empty() || (scheme == "http" && port == "80") ||
                            (scheme == "https" && port == "443");
        out += "//" + userinfo + lhost;
        if (!default_port) {
            out += ':';
            out.append(port);
        }
        if ((scheme == "http" || scheme == "https") && (rest.empty() || rest[0] == '?')) {
            out += '/';
        }
    }
    std::size_t q = rest.find('?');
    out.append(rest.substr(0, q));
    if (q != std::string_view::npos) {
        std::string query = filter_query(rest.substr(q + 1));
        if (!query.empty()) {
            out += '?';
            out += query;
        }
    }
    return out;
}

std::string resolve_url(std::string_view base, std::string_view ref) {
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

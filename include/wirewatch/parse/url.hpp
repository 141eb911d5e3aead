#pragma once
// URL helpers for documents: resolving feed links and canonicalizing them so the same article
// reached through a newsletter, a share button or a feed gets one identity.
// Pure functions, thread-safe.

#include <string>
#include <string_view>

namespace ww::parse {

// Canonical form used for Document::url and item ids:
//  - surrounding whitespace and the #fragment dropped;
//  - scheme and host lowercased, a trailing dot on the host dropped, default ports (http 80,
//    https 443) and empty ports removed, an empty http(s) path becomes "/";
//  - tracking query parameters removed: utm_*, fbclid, gclid, gclsrc, dclid, gbraid, wbraid,
//    msclkid, mc_cid, mc_eid, ocid, cmpid, cmp, igshid, yclid, twclid, ttclid, _ga, _gl,
//    _hsenc, _hsmi, mkt_tok, oly_anon_id, oly_enc_id, vero_id, wt.mc_id, xtor, ns_*, at_*
//    (names compared case-insensitively); the other parameters keep their order and spelling.
// Anything that is not an absolute URL is returned trimmed, without its fragment.
std::string canonical_url(std::string_view url);

// `ref` resolved against `base` (RFC 3986, via libxml2's xmlBuildURI). An empty base returns
// `ref` trimmed; an unparsable reference is returned trimmed as it is.
std::string resolve_url(std::string_view base, std::string_view ref);

// FNV-1a 64-bit hash of `bytes` as 16 lowercase hex digits. Item ids fall back to
// "fnv1a:" + hash(title + "\x1f" + date text) for items with neither id nor link; the
// function is fixed so such ids stay stable across runs and versions.
std::string fnv1a64_hex(std::string_view bytes);

}  // namespace ww::parse

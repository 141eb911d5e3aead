#pragma once
// Turning fetched bytes into Documents: feeds of every common format, sitemaps, HTML pages.
// Pure functions: no network, no file access, no entity expansion. Thread-safe: any number of
// threads may parse at once.
//
// Process-wide effect: the first call initialises libxml2 once and installs an external-entity
// loader that refuses everything (libxml2 2.9 has no per-parse switch for that), so nothing else
// in the process can make libxml2 read files or URLs either.
//
// Every Document string is sanitized UTF-8. item_id is the guid/id, else the canonical link,
// else "fnv1a:" + fnv1a64_hex(title + "\x1f" + date text) (see url.hpp). Dates: date.hpp.

#include <string>
#include <string_view>
#include <vector>

#include "wirewatch/document.hpp"

namespace ww::parse {

enum class ContentKind { Rss, Rdf, Atom, JsonFeed, Sitemap, SitemapIndex, Html, Text, Unknown };
const char* content_kind_name(ContentKind kind);

// Looks at the bytes (BOM, first element, JSON "version"), never at the URL or Content-Type.
ContentKind detect(std::string_view bytes);

struct ParseResult {
    ContentKind kind = ContentKind::Unknown;
    std::vector<Document> documents;  // source_id left empty: the caller sets it
    bool recovered = false;           // input was malformed and had to be repaired
    // Problems worth a log line, e.g. "line 12: xmlParseEntityRef: no name". Empty when clean.
    std::vector<std::string> errors;
    bool ok() const { return kind != ContentKind::Unknown; }
};

// Parses a feed, sitemap or page. `base_url` resolves relative links; `charset` is the HTTP
// Content-Type charset when known ("" otherwise). An HTML page yields one document whose body
// is the extracted article text.
ParseResult parse(std::string_view bytes, std::string_view base_url, std::string_view charset = {});

// How RSS, RDF and Atom feeds are read: streamed with SAX (anything the streaming reader is not
// sure about still goes through the tree) or always through a libxml2 tree. Both give the same
// ParseResult; the switch is process-wide, for tests and benchmarks comparing them.
inline constexpr bool kFeedStreamingDefault = true;
void set_feed_streaming(bool on);

struct Article {
    std::string title;
    std::string body;  // paragraphs separated by "\n\n"
    std::string language;
    std::string canonical_url;
};

// Main text of an HTML article page: scripts, styles, navigation, headers, footers, cookie and
// newsletter chrome dropped.
Article extract_article(std::string_view html, std::string_view base_url,
                        std::string_view charset = {});

}  // namespace ww::parse

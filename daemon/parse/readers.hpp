#pragma once
// One reader per format. Each appends Documents to a ParseResult; strings come out sanitized.

#include <chrono>
#include <cstddef>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "parse/xml.hpp"
#include "wirewatch/parse/feed.hpp"

namespace ww::parse::detail {

struct ReadContext {
    std::string_view base_url;
    bool recovered = false;
    // After recovery from truncated input, only the first `max_items` items closed with an
    // end tag are trusted; the one cut off mid-way is left out.
    std::size_t max_items = std::numeric_limits<std::size_t>::max();
};

void read_rss(const xmlDoc* doc, const ReadContext& ctx, ParseResult& out);  // 0.9x, 2.0, RDF
// RSS 2.0, 0.9x or RDF read with libxml2's SAX2 interface, without building a tree: the
// same documents read_rss gives, much faster. Returns false, leaving `out` as it was, for
// anything it is not sure to read exactly like the tree readers (errors, a DOCTYPE, entity
// references, xml:base); the caller then parses the tree. `root` receives the root's local name.
bool stream_rss(std::string_view utf8, const ReadContext& ctx, ParseResult& out, std::string& root);
void read_atom(const xmlDoc* doc, const ReadContext& ctx, ParseResult& out);
void read_sitemap(const xmlDoc* doc, const ReadContext& ctx, ParseResult& out);
void read_json_feed(std::string_view utf8, const ReadContext& ctx, ParseResult& out);
void read_text(std::string_view utf8, const ReadContext& ctx, ParseResult& out);
void read_html(std::string_view utf8, const ReadContext& ctx, ParseResult& out);

// Sets url (canonical form of `link`), item_id (clean `id`, else the url, else
// "fnv1a:" + FNV-1a of title and date text) and recovered.
void finish_document(Document& doc, std::string_view id, std::string_view link,
                     std::string_view date_text, const ReadContext& ctx);
// finish_document's steps after the url, for a reader that has set doc.url itself.
void finish_ids(Document& doc, std::string_view id, std::string_view date_text,
                const ReadContext& ctx);

// "jane@example.com (Jane Doe)" -> "Jane Doe"; anything else cleaned as it is.
std::string clean_author(std::string_view raw);
// An absolute http(s) URL that resolve_url returns unchanged whatever the base (url.cpp).
bool is_plain_absolute(std::string_view ref);
// canonical_url of a plain absolute link with a lowercase host and a path (most feed links),
// which is printable ASCII; false, leaving `out` as it was, for any other link (url.cpp).
bool canonical_plain_url(std::string_view link, std::string& out);
// canonical_url of any other link: canonical_url is canonical_plain_url, else this (url.cpp).
std::string canonical_other_url(std::string_view link);

// "en_US " -> "en-US".
std::string clean_language(std::string_view raw);

}  // namespace ww::parse::detail

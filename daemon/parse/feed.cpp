// Entry points: content detection and dispatch to the format readers.

#include "wirewatch/parse/feed.hpp"

#include <atomic>
#include <nlohmann/json.hpp>

#include "parse/atom_stream.hpp"
#include "parse/encoding.hpp"
#include "parse/readers.hpp"
#include "parse/text_builder.hpp"
#include "wirewatch/parse/url.hpp"

namespace ww::parse {

namespace {

// Enough to get past an XML declaration, stylesheet PIs, comments and a DOCTYPE.
constexpr std::size_t kSniffBytes = 64 * 1024;

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

std::string lowercase(std::string_view s) {
    std::string out(s);
    for (auto& c : out) {
        c = lower(c);
    }
    return out;
}

bool is_html_element(std::string_view name) {
    static constexpr std::string_view kNames[] = {
        "html", "head",    "body",    "meta",   "title", "link", "script",   "style", "div",
        "p",    "article", "section", "header", "main",  "nav",  "span",     "table", "h1",
        "h2",   "a",       "br",      "img",    "ul",    "form", "noscript", "base"};
    for (auto n : kNames) {
        if (name == n) {
            return true;
        }
    }
    return false;
}

ContentKind kind_of_root(std::string_view raw_name) {
    std::string name = lowercase(raw_name);
    if (auto colon = name.rfind(':'); colon != std::string::npos) {
        name.erase(0, colon + 1);  // <rdf:RDF>, <atom:feed>
    }
    if (name == "rss" || name == "channel") {
        return ContentKind::Rss;
    }
    if (name == "rdf") {
        return ContentKind::Rdf;
    }
    if (name == "feed") {
        return ContentKind::Atom;
    }
    if (name == "urlset") {
        return ContentKind::Sitemap;
    }
    if (name == "sitemapindex") {
        return ContentKind::SitemapIndex;
    }
    if (is_html_element(name)) {
        return ContentKind::Html;
    }
    return ContentKind::Unknown;
}

// Skips prolog constructs and names the first element; `doctype_html` when the DOCTYPE says so.
ContentKind detect_markup(std::string_view s, std::size_t p) {
    while (p < s.size()) {
        while (p < s.size() && is_space(s[p])) {
            ++p;
        }
        if (p >= s.size() || s[p] != '<') {
            return ContentKind::Unknown;
        }
        if (s.compare(p, 4, "<!--") == 0) {
            std::size_t end = s.find("-->", p + 4);
            if (end == std::string_view::npos) {
                return ContentKind::Unknown;
            }
            p = end + 3;
        } else if (s.compare(p, 2, "<?") == 0) {
            std::size_t end = s.find("?>", p + 2);
            if (end == std::string_view::npos) {
                return ContentKind::Unknown;
            }
            p = end + 2;
        } else if (s.size() - p >= 9 && lowercase(s.substr(p, 9)) == "<!doctype") {
            std::size_t q = p + 9;
            while (q < s.size() && is_space(s[q])) {
                ++q;
            }
            std::size_t name_end = q;
            while (name_end < s.size() && !is_space(s[name_end]) && s[name_end] != '>' &&
                   s[name_end] != '[') {
                ++name_end;
            }
            if (lowercase(s.substr(q, name_end - q)) == "html") {
                return ContentKind::Html;
            }
            // Skip the internal subset, which may itself contain '>' (entity declarations).
            int depth = 0;
            char quote = 0;
            for (q = name_end; q < s.size(); ++q) {
                char c = s[q];
                if (quote != 0) {
                    quote = c == quote ? 0 : quote;
                } else if (c == '"' || c == '\'') {
                    quote = c;
                } else if (c == '[') {
                    ++depth;
                } else if (c == ']') {
                    --depth;
                } else if (c == '>' && depth <= 0) {
                    break;
                }
            }
            if (q >= s.size()) {
                return ContentKind::Unknown;
            }
            p = q + 1;
        } else {
            std::size_t q = p + 1;
            while (q < s.size() && !is_space(s[q]) && s[q] != '>' && s[q] != '/') {
                ++q;
            }
            return kind_of_root(s.substr(p + 1, q - p - 1));
        }
    }
    return ContentKind::Unknown;
}

bool looks_like_json_feed(std::string_view bytes, std::string_view head) {
    if (head.find("jsonfeed.org") != std::string_view::npos &&
        head.find("\"version\"") != std::string_view::npos) {
        return true;
    }
    if (head.size() < bytes.size()) {
        // "version" may come after a long "items" array; only then pay for a full parse.
        auto j = nlohmann::json::parse(bytes.begin(), bytes.end(), nullptr, false);
        if (j.is_object()) {
            auto v = j.find("version");
            return v != j.end() && v->is_string() &&
                   v->get<std::string>().find("jsonfeed.org") != std::string::npos;
        }
    }
    return false;
}

// Text or binary? NUL bytes, control characters, or mostly high bytes that do not even form
// UTF-8 mean binary. Legacy 8-bit text is mostly ASCII, so it passes.
bool looks_like_text(std::string_view head) {
    std::size_t control = 0;
    std::size_t high = 0;
    std::size_t bad_utf8 = 0;
    for (std::size_t i = 0; i < head.size(); ++i) {
        auto c = static_cast<unsigned char>(head[i]);
        if (c == 0) {
            return false;
        }
        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') || c == 0x7F) {
            ++control;
        }
        if (c >= 0x80) {
            ++high;
            bool lead = c >= 0xC2 && c <= 0xF4;
            bool cont =
                i + 1 < head.size() && (static_cast<unsigned char>(head[i + 1]) & 0xC0) == 0x80;
            if ((c & 0xC0) != 0x80 && !(lead && cont)) {
                ++bad_utf8;
            }
        }
    }
    return control * 20 <= head.size() && !(high * 3 > head.size() && bad_utf8 * 4 > high);
}

// Number of end tags "</item>" / "</prefix:item >" in `s`.
std::size_t count_end_tags(std::string_view s, std::string_view local) {
    std::size_t count = 0;
    std::size_t pos = 0;
    while ((pos = s.find("</", pos)) != std::string_view::npos) {
        pos += 2;
        std::size_t q = pos;
        while (q < s.size() && s[q] != '>' && !is_space(s[q])) {
            ++q;
        }
        std::string_view name = s.substr(pos, q - pos);
        if (auto colon = name.rfind(':'); colon != std::string_view::npos) {
            name.remove_prefix(colon + 1);
        }
        while (q < s.size() && is_space(s[q])) {
            ++q;
        }
        if (name == local && q < s.size() && s[q] == '>') {
            ++count;
        }
    }
    return count;
}

std::atomic<bool> g_streaming{kFeedStreamingDefault};

// The streaming reader's result when it read the whole feed, nothing otherwise.
bool stream_feed(std::string_view utf8, const detail::ReadContext& ctx, ParseResult& result) {
    const bool rss = result.kind == ContentKind::Rss || result.kind == ContentKind::Rdf;
    const bool atom = result.kind == ContentKind::Atom;
    if (!g_streaming.load(std::memory_order_relaxed) || !(rss || atom)) {
        return false;
    }
    ParseResult streamed;
    std::string root;
    if (!(rss ? detail::stream_rss(utf8, ctx, streamed, root)
              : detail::stream_atom(utf8, ctx, streamed, root))) {
        return false;
    }
    // The same kind the tree path settles on from the parsed root, read by the same reader.
    ContentKind parsed_kind = kind_of_root(root);
    const bool same_reader =
        rss ? (parsed_kind == ContentKind::Rss || parsed_kind == ContentKind::Rdf)
            : parsed_kind == ContentKind::Atom;
    if (!same_reader) {
        return false;
    }
    streamed.kind = parsed_kind;
    result = std::move(streamed);
    return true;
}

std::string_view item_element(ContentKind kind) {
    switch (kind) {
        case ContentKind::Rss:
        case ContentKind::Rdf:
            return "item";
        case ContentKind::Atom:
            return "entry";
        case ContentKind::Sitemap:
            return "url";
        case ContentKind::SitemapIndex:
            return "sitemap";
        default:
            return {};
    }
}

}  // namespace

const char* content_kind_name(ContentKind kind) {
    switch (kind) {
        case ContentKind::Rss:
            return "rss";
        case ContentKind::Rdf:
            return "rdf";
        case ContentKind::Atom:
            return "atom";
        case ContentKind::JsonFeed:
            return "jsonfeed";
        case ContentKind::Sitemap:
            return "sitemap";
        case ContentKind::SitemapIndex:
            return "sitemapindex";
        case ContentKind::Html:
            return "html";
        case ContentKind::Text:
            return "text";
        case ContentKind::Unknown:
            return "unknown";
    }
    return "unknown";
}

void set_feed_streaming(bool on) { g_streaming.store(on, std::memory_order_relaxed); }

ContentKind detect(std::string_view bytes) {
    std::string storage;
    std::string_view head = detail::ascii_head(bytes, kSniffBytes, storage);
    std::size_t p = 0;
    while (p < head.size() && is_space(head[p])) {
        ++p;
    }
    if (p >= head.size()) {
        return ContentKind::Unknown;
    }
    if (head[p] == '{') {
        return looks_like_json_feed(bytes, head) ? ContentKind::JsonFeed : ContentKind::Unknown;
    }
    if (head[p] == '<') {
        ContentKind kind = detect_markup(head, p);
        if (kind != ContentKind::Unknown) {
            return kind;
        }
    }
    std::string start = lowercase(head.substr(0, 2048));
    if (start.find("<html") != std::string::npos ||
        start.find("<!doctype html") != std::string::npos) {
        return ContentKind::Html;  // junk (a stray BOM, whitespace, a PHP notice) before <html>
    }
    if (head[p] == '<' || !looks_like_text(head.substr(0, 4096))) {
        return ContentKind::Unknown;
    }
    return ContentKind::Text;
}

ParseResult parse(std::string_view bytes, std::string_view base_url, std::string_view charset) {
    ParseResult result;
    ContentKind kind = detect(bytes);
    if (kind == ContentKind::Unknown) {
        if (!bytes.empty()) {
            result.errors.emplace_back("line 1: content is not a feed, sitemap, page or text");
        }
        return result;
    }
    result.kind = kind;
    std::string declared;
    if (kind == ContentKind::Html) {
        declared = detail::html_meta_charset(bytes);
    } else if (kind != ContentKind::JsonFeed && kind != ContentKind::Text) {
        declared = detail::xml_declared_encoding(bytes);
    }
    std::string converted;
    std::string_view utf8 = detail::utf8_view(bytes, charset, declared, converted);
    detail::ReadContext ctx;
    ctx.base_url = base_url;

    switch (kind) {
        case ContentKind::JsonFeed:
            detail::read_json_feed(utf8, ctx, result);
            return result;
        case ContentKind::Text:
            detail::read_text(utf8, ctx, result);
            return result;
        case ContentKind::Html:
            detail::read_html(utf8, ctx, result);
            return result;
        default:
            break;
    }

    if (stream_feed(utf8, ctx, result)) {
        return result;
    }
    xml::XmlParse parsed = xml::parse_xml(utf8, base_url);
    result.recovered = parsed.recovered;
    result.errors = std::move(parsed.errors);
    ctx.recovered = parsed.recovered;
    if (parsed.recovered) {
        ctx.max_items = count_end_tags(utf8, item_element(kind));
    }
    const xmlNode* root = xml::root_element(parsed.doc.get());
    if (root == nullptr) {
        return result;
    }
    // The parsed root decides, in case recovery saw something the sniffer did not.
    ContentKind parsed_kind = kind_of_root(xml::local_name(root));
    if (parsed_kind != ContentKind::Unknown && parsed_kind != ContentKind::Html) {
        result.kind = parsed_kind;
    }
    switch (result.kind) {
        case ContentKind::Rss:
        case ContentKind::Rdf:
            detail::read_rss(parsed.doc.get(), ctx, result);
            break;
        case ContentKind::Atom:
            detail::read_atom(parsed.doc.get(), ctx, result);
            break;
        case ContentKind::Sitemap:
        case ContentKind::SitemapIndex:
            detail::read_sitemap(parsed.doc.get(), ctx, result);
            break;
        default:
            break;
    }
    return result;
}

namespace detail {

void finish_document(Document& doc, std::string_view id, std::string_view link,
                     std::string_view date_text, const ReadContext& ctx) {
    // Most links are plain, and their canonical form is printable ASCII, clean as it is.
    if (!canonical_plain_url(link, doc.url)) {
        doc.url = canonical_other_url(link);
        if (!is_clean_utf8(doc.url)) {
            doc.url = sanitize(doc.url);
        }
    }
    finish_ids(doc, id, date_text, ctx);
}

void finish_ids(Document& doc, std::string_view id, std::string_view date_text,
                const ReadContext& ctx) {
    if (!id.empty()) {
        doc.item_id = clean_token(id);
    }
    if (doc.item_id.empty()) {
        doc.item_id = doc.url;
    }
    if (doc.item_id.empty()) {
        doc.item_id = "fnv1a:" + fnv1a64_hex(doc.title + "\x1f" + clean_token(date_text));
    }
    doc.recovered = ctx.recovered;
}

std::string clean_author(std::string_view raw) {
    std::string s = clean_token(raw);
    // RSS 2.0 wants an e-mail address: "jane@example.com (Jane Doe)".
    auto open = s.find(" (");
    if (open != std::string::npos && s.back() == ')' &&
        s.substr(0, open).find('@') != std::string::npos) {
        return s.substr(open + 2, s.size() - open - 3);
    }
    return s;
}

std::string clean_language(std::string_view raw) {
    std::string s = clean_token(raw);
    for (auto& c : s) {
        if (c == '_') {
            c = '-';
        }
    }
    return s;
}

void read_text(std::string_view utf8, const ReadContext& ctx, ParseResult& out) {
    // First non-empty line is the title, the rest the body.
    std::size_t pos = 0;
    std::string title;
    while (pos < utf8.size()) {
        std::size_t nl = utf8.find('\n', pos);
        std::size_t end = nl == std::string_view::npos ? utf8.size() : nl;
        title = plain_text(utf8.substr(pos, end - pos), true);
        pos = nl == std::string_view::npos ? utf8.size() : nl + 1;
        if (!title.empty()) {
            break;
        }
    }
    Document doc;
    doc.title = title;
    doc.body = plain_text(utf8.substr(pos), false);
    if (doc.title.empty() && doc.body.empty()) {
        return;
    }
    finish_document(doc, {}, clean_token(ctx.base_url), {}, ctx);
    out.documents.push_back(std::move(doc));
}

}  // namespace detail

}  // namespace ww::parse

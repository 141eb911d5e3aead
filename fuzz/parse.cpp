// Feeds, sitemaps and pages: whatever bytes a server sends must parse or fail cleanly, and
// every string that comes out must be valid UTF-8.

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "parse/html_article.hpp"
#include "parse/html_page.hpp"
#include "wirewatch/parse/feed.hpp"
#include "wirewatch/text/normalize.hpp"

namespace {

void require_clean(const std::string& s) {
    if (ww::text::sanitize_utf8(s) != s) {
        std::abort();  // a document field that is not sanitized UTF-8 reached the matcher
    }
}

bool same(const ww::parse::ParseResult& a, const ww::parse::ParseResult& b) {
    if (a.kind != b.kind || a.recovered != b.recovered || a.errors != b.errors ||
        a.documents.size() != b.documents.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.documents.size(); ++i) {
        const auto& x = a.documents[i];
        const auto& y = b.documents[i];
        if (x.item_id != y.item_id || x.url != y.url || x.title != y.title ||
            x.summary != y.summary || x.body != y.body || x.author != y.author ||
            x.language != y.language || x.published != y.published || x.recovered != y.recovered) {
            return false;
        }
    }
    return true;
}

bool same(const ww::parse::detail::HtmlArticle& a, const ww::parse::detail::HtmlArticle& b) {
    return a.article.title == b.article.title && a.article.body == b.article.body &&
           a.article.language == b.article.language &&
           a.article.canonical_url == b.article.canonical_url && a.summary == b.summary &&
           a.author == b.author && a.published == b.published;
}

bool same(const ww::parse::detail::HtmlPage& a, const ww::parse::detail::HtmlPage& b) {
    if (a.text != b.text || a.nodes.size() != b.nodes.size() || a.attrs.size() != b.attrs.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.nodes.size(); ++i) {
        const auto& x = a.nodes[i];
        const auto& y = b.nodes[i];
        if (x.kind != y.kind || x.tag != y.tag || x.removed != y.removed || x.parent != y.parent ||
            x.end != y.end || x.begin != y.begin || x.size != y.size) {
            return false;
        }
    }
    for (std::size_t i = 0; i < a.attrs.size(); ++i) {
        if (a.attrs[i].name != b.attrs[i].name || a.attrs[i].begin != b.attrs[i].begin ||
            a.attrs[i].size != b.attrs[i].size) {
            return false;
        }
    }
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view bytes(reinterpret_cast<const char*>(data), size);
    // Feeds read streamed and through the tree must come out the same.
    ww::parse::set_feed_streaming(true);
    auto result = ww::parse::parse(bytes, "https://example.org/feed/", "");
    ww::parse::set_feed_streaming(false);
    auto tree = ww::parse::parse(bytes, "https://example.org/feed/", "");
    ww::parse::set_feed_streaming(ww::parse::kFeedStreamingDefault);
    if (!same(result, tree)) {
        std::abort();
    }
    for (const auto& doc : result.documents) {
        require_clean(doc.title);
        require_clean(doc.summary);
        require_clean(doc.body);
        require_clean(doc.url);
        require_clean(doc.item_id);
    }
    auto article = ww::parse::extract_article(bytes, "https://example.org/a", "");
    require_clean(article.body);
    // Pages read through the SAX-built flat page and through libxml2's tree must agree.
    const std::string utf8 = ww::text::sanitize_utf8(bytes);
    if (!same(ww::parse::detail::extract_html(utf8, "https://example.org/a"),
              ww::parse::detail::extract_html_tree(utf8, "https://example.org/a"))) {
        std::abort();
    }
    // libxml2 reading the page without script, style and comment contents and with its text
    // runs replaced by placeholders (html_cut.hpp) must build the same flat page, node for
    // node, as reading it whole.
    ww::parse::detail::HtmlPage whole;
    ww::parse::detail::HtmlPage cut;
    ww::parse::detail::read_html_page(utf8, whole, false);
    ww::parse::detail::read_html_page(utf8, cut, true);
    if (!same(whole, cut) ||
        !same(ww::parse::detail::extract_html(utf8, "https://example.org/a", false, true),
              ww::parse::detail::extract_html(utf8, "https://example.org/a", false, false))) {
        std::abort();
    }
    return 0;
}

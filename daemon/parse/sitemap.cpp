// Sitemaps (sitemaps.org 0.9), Google News sitemaps and sitemap indexes.

#include "parse/readers.hpp"
#include "parse/text_builder.hpp"
#include "wirewatch/parse/date.hpp"
#include "wirewatch/parse/url.hpp"

namespace ww::parse::detail {

namespace {

using xml::Ns;

bool is_sitemap_el(const xmlNode* n, std::string_view local) {
    if (n == nullptr || n->type != XML_ELEMENT_NODE || xml::local_name(n) != local) {
        return false;
    }
    Ns ns = xml::ns_of(n);
    return ns == Ns::Sitemap || ns == Ns::None;
}

const xmlNode* child(const xmlNode* parent, Ns ns, std::string_view local) {
    for (const xmlNode* c = xml::first_element(parent); c != nullptr; c = xml::next_element(c)) {
        if (xml::local_name(c) == local &&
            (xml::ns_of(c) == ns || (ns == Ns::Sitemap && xml::ns_of(c) == Ns::None))) {
            return c;
        }
    }
    return nullptr;
}

std::string child_text(const xmlNode* parent, Ns ns, std::string_view local) {
    const xmlNode* c = child(parent, ns, local);
    return c != nullptr ? xml::raw_text(c) : std::string();
}

void read_entry(const xmlNode* entry, const ReadContext& ctx, ParseResult& out) {
    std::string loc = clean_token(child_text(entry, Ns::Sitemap, "loc"));
    if (loc.empty()) {
        return;
    }
    Document doc;
    std::string date_text = child_text(entry, Ns::Sitemap, "lastmod");
    if (const xmlNode* news = child(entry, Ns::News, "news")) {
        doc.title = html_to_text(child_text(news, Ns::News, "title"), true);
        std::string pub = child_text(news, Ns::News, "publication_date");
        if (!pub.empty()) {
            date_text = pub;
        }
        if (const xmlNode* publication = child(news, Ns::News, "publication")) {
            doc.language = clean_language(child_text(publication, Ns::News, "language"));
        }
        std::string keywords = clean_token(child_text(news, Ns::News, "keywords"));
        if (!keywords.empty()) {
            doc.summary = keywords;
        }
    }
    doc.published = parse_date(date_text);
    std::string url = resolve_url(xml::base_of(entry), loc);
    finish_document(doc, {}, url, date_text, ctx);
    out.documents.push_back(std::move(doc));
}

}  // namespace

void read_sitemap(const xmlDoc* doc, const ReadContext& ctx, ParseResult& out) {
    const xmlNode* root = xml::root_element(doc);
    if (root == nullptr) {
        return;
    }
    bool index = xml::local_name(root) == "sitemapindex";
    out.kind = index ? ContentKind::SitemapIndex : ContentKind::Sitemap;
    std::string_view entry_name = index ? "sitemap" : "url";
    std::size_t taken = 0;
    for (const xmlNode* c = xml::first_element(root); c != nullptr; c = xml::next_element(c)) {
        if (is_sitemap_el(c, entry_name) && taken < ctx.max_items) {
            ++taken;
            read_entry(c, ctx, out);
        }
    }
}

}  // namespace ww::parse::detail

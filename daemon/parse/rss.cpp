// RSS 0.91/0.92/2.0 and RSS 1.0/0.90 (RDF): the same item vocabulary, different nesting.

#include <vector>

#include "parse/readers.hpp"
#include "parse/rss_item.hpp"
#include "parse/text_builder.hpp"
#include "wirewatch/parse/date.hpp"
#include "wirewatch/parse/url.hpp"

namespace ww::parse::detail {

namespace {

using xml::Ns;

// Unprefixed RSS 2.0 elements, or the RSS 1.0/0.90 namespace.
bool is_core(const xmlNode* n, std::string_view local) {
    if (n->type != XML_ELEMENT_NODE || xml::local_name(n) != local) {
        return false;
    }
    Ns ns = xml::ns_of(n);
    return ns == Ns::None || ns == Ns::Rss1 || ns == Ns::Rss09;
}

std::string channel_language(const xmlNode* channel) {
    for (const xmlNode* c = xml::first_element(channel); c != nullptr; c = xml::next_element(c)) {
        if (is_core(c, "language") || xml::is_element(c, Ns::Dc, "language")) {
            return clean_language(xml::raw_text(c));
        }
    }
    return clean_language(xml::lang_of(channel));
}

void read_item(const xmlNode* item, const std::string& feed_language, const ReadContext& ctx,
               ParseResult& out) {
    RssItem fields;
    const xmlNode* link_node = nullptr;
    for (const xmlNode* c = xml::first_element(item); c != nullptr; c = xml::next_element(c)) {
        // Name and namespace once per child, not once per comparison in rss_child.
        RssChild child = rss_child(fields, xml::ns_of(c), xml::local_name(c),
                                   [c](const char* name) { return xml::attr(c, name); });
        if (child.text != RssText::None) {
            take_rss_text(fields, child, xml::raw_text(c));
        }
        if (child.link) {
            link_node = c;
        }
    }
    finish_rss_item(
        fields, xml::attr(item, "about"), feed_language,
        [&](bool link_from_guid) {
            return xml::base_of(link_node != nullptr && !link_from_guid ? link_node : item);
        },
        ctx, out.documents);
}

}  // namespace

void finish_rss_item(const RssItem& item, std::string_view about, const std::string& feed_language,
                     const std::function<std::string(bool)>& base, const ReadContext& ctx,
                     std::vector<Document>& out) {
    Document& doc = out.emplace_back();
    // Absent fields are skipped outright: the text functions would only return "" for them.
    if (!item.title.empty()) {
        doc.title = html_to_text(item.title, true);
    }
    if (!item.description.empty()) {
        doc.summary = html_to_text(item.description, false);
    }
    if (!item.content.empty()) {
        doc.body = html_to_text(item.content, false);
    }
    for (const auto& creator : item.creators) {
        if (creator.empty()) {
            continue;
        }
        if (!doc.author.empty()) {
            doc.author += ", ";
        }
        doc.author += creator;
    }
    if (doc.author.empty() && !item.rss_author.empty()) {
        doc.author = clean_author(item.rss_author);
    }
    const std::string& date_text =
        !item.date.empty() ? item.date : (!item.dc_date.empty() ? item.dc_date : item.atom_date);
    // A date that does not parse is still tried in the other places before giving up.
    for (const std::string* d : {&date_text, &item.date, &item.dc_date, &item.atom_date}) {
        if (!d->empty()) {
            doc.published = parse_date(*d);
            if (doc.published) {
                break;
            }
        }
    }
    doc.language = !item.language.empty() ? item.language : feed_language;

    // A plain absolute link is its own clean token and resolves to itself whatever the base:
    // most feeds' links need neither step. The commonest (lowercase host, a path) gets its
    // canonical url here, which finish_document would otherwise work out from the same link.
    std::string clean_link;
    std::string_view link = item.link;
    const bool url_done = canonical_plain_url(link, doc.url);
    const bool plain_link = url_done || is_plain_absolute(link);
    if (!plain_link && !link.empty()) {
        clean_link = clean_token(link);
        link = clean_link;
    }
    // clean_token(guid) without its copy when the guid is already a clean token (most are).
    const bool guid_is_token = is_clean_token(item.guid);
    std::string guid_storage;
    std::string_view clean_guid = item.guid;
    if (!guid_is_token && !item.guid.empty()) {
        guid_storage = plain_text(item.guid, true);  // what clean_token does with it
        clean_guid = guid_storage;
    }
    bool link_from_guid = false;
    if (link.empty() && item.guid_is_permalink &&
        (clean_guid.rfind("http://", 0) == 0 || clean_guid.rfind("https://", 0) == 0)) {
        link = clean_guid;
        link_from_guid = true;
    }
    if (!link.empty() && !plain_link && !is_plain_absolute(link)) {
        clean_link = resolve_url(base(link_from_guid), link);
        link = clean_link;
    }
    std::string_view id = clean_guid;
    std::string clean_about;
    if (id.empty() && !about.empty()) {
        clean_about = clean_token(about);  // RDF: rdf:about is the item's URI
        id = clean_about;
    }
    std::string clean_enclosure;
    if (id.empty() && link.empty() && !item.enclosure.empty()) {
        // Podcast-style items with neither guid nor link: the media file names the item
        // better than a hash of an often empty title.
        clean_enclosure = clean_token(item.enclosure);
        id = clean_enclosure;
    }
    if (guid_is_token) {
        // The id is the guid, and finish_document would clean it again: a clean token cleans
        // to itself.
        doc.item_id = id;
        id = {};
    }
    if (url_done) {
        finish_ids(doc, id, date_text, ctx);  // `link` is item.link, its url is doc.url
    } else {
        finish_document(doc, id, link, date_text, ctx);
    }
}

void read_rss(const xmlDoc* doc, const ReadContext& ctx, ParseResult& out) {
    const xmlNode* root = xml::root_element(doc);
    if (root == nullptr) {
        return;
    }
    const xmlNode* channel = xml::is_element(root, "channel") ? root : nullptr;
    for (const xmlNode* c = xml::first_element(root); c != nullptr && channel == nullptr;
         c = xml::next_element(c)) {
        if (is_core(c, "channel")) {
            channel = c;
        }
    }
    std::string feed_language =
        channel != nullptr ? channel_language(channel) : clean_language(xml::lang_of(root));
    // RSS 2.0 nests items in <channel>; RSS 1.0 and 0.90 put them beside it.
    std::size_t taken = 0;
    for (const xmlNode* parent : {channel, root}) {
        if (parent == nullptr || (parent == root && parent == channel)) {
            continue;
        }
        for (const xmlNode* c = xml::first_element(parent); c != nullptr;
             c = xml::next_element(c)) {
            if (is_core(c, "item") && taken < ctx.max_items) {
                ++taken;
                read_item(c, feed_language, ctx, out);
            }
        }
    }
}

}  // namespace ww::parse::detail

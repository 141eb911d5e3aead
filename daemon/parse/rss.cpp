// RSS 0.91/0.92/2.0 and RSS 1.0/0.90 (RDF): the same item vocabulary, different nesting.

#include <vector>

#include "parse/readers.hpp"
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

bool is_alternate_atom_link(const xmlNode* n) {
    if (!xml::is_element(n, Ns::Atom, "link")) {
        return false;
    }
    std::string rel = xml::attr(n, "rel");
    return rel.empty() || rel == "alternate";
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
    std::string title;
    std::string link;
    const xmlNode* link_node = nullptr;
    std::string guid;
    bool guid_is_permalink = true;
    std::string description;
    std::string content;
    std::string rss_author;
    std::vector<std::string> creators;
    std::string date;
    std::string dc_date;
    std::string atom_date;
    std::string language;
    std::string enclosure;
    for (const xmlNode* c = xml::first_element(item); c != nullptr; c = xml::next_element(c)) {
        // Name and namespace once per child, not once per comparison below.
        Ns ns = xml::ns_of(c);
        std::string_view name = xml::local_name(c);
        const bool core = ns == Ns::None || ns == Ns::Rss1 || ns == Ns::Rss09;
        if (core && name == "title") {
            title = xml::raw_text(c);
        } else if (core && name == "link" && link.empty()) {
            link = xml::raw_text(c);
            link_node = c;
        } else if (is_alternate_atom_link(c) && link.empty()) {
            link = xml::attr(c, "href");
            link_node = c;
        } else if (core && name == "guid") {
            guid = xml::raw_text(c);
            std::string permalink = xml::attr(c, "isPermaLink");
            guid_is_permalink = permalink != "false" && permalink != "False";
        } else if (core && name == "description") {
            description = xml::raw_text(c);
        } else if (ns == Ns::Content && name == "encoded") {
            content = xml::raw_text(c);
        } else if (core && name == "author") {
            rss_author = xml::raw_text(c);
        } else if (ns == Ns::Dc && name == "creator") {
            creators.push_back(clean_author(xml::raw_text(c)));
        } else if (core && (name == "pubDate" || name == "pubdate")) {
            date = xml::raw_text(c);
        } else if (ns == Ns::Dc && name == "date") {
            dc_date = xml::raw_text(c);
        } else if (ns == Ns::Atom && (name == "published" || name == "updated")) {
            if (atom_date.empty() || name == "published") {
                atom_date = xml::raw_text(c);
            }
        } else if (core && name == "enclosure" && enclosure.empty()) {
            enclosure = xml::attr(c, "url");
        } else if (ns == Ns::Dc && name == "language") {
            language = clean_language(xml::raw_text(c));
        }
    }

    Document doc;
    doc.title = html_to_text(title, true);
    doc.summary = html_to_text(description, false);
    doc.body = html_to_text(content, false);
    for (const auto& creator : creators) {
        if (creator.empty()) {
            continue;
        }
        if (!doc.author.empty()) {
            doc.author += ", ";
        }
        doc.author += creator;
    }
    if (doc.author.empty()) {
        doc.author = clean_author(rss_author);
    }
    std::string date_text = !date.empty() ? date : (!dc_date.empty() ? dc_date : atom_date);
    // A date that does not parse is still tried in the other places before giving up.
    for (const std::string* d : {&date_text, &date, &dc_date, &atom_date}) {
        if (!d->empty()) {
            doc.published = parse_date(*d);
            if (doc.published) {
                break;
            }
        }
    }
    doc.language = !language.empty() ? language : feed_language;

    std::string clean_link = clean_token(link);
    std::string clean_guid = clean_token(guid);
    if (clean_link.empty() && guid_is_permalink &&
        (clean_guid.rfind("http://", 0) == 0 || clean_guid.rfind("https://", 0) == 0)) {
        clean_link = clean_guid;
        link_node = item;
    }
    if (!clean_link.empty()) {
        clean_link = resolve_url(xml::base_of(link_node != nullptr ? link_node : item), clean_link);
    }
    std::string id = clean_guid;
    if (id.empty()) {
        id = clean_token(xml::attr(item, "about"));  // RDF: rdf:about is the item's URI
    }
    if (id.empty() && clean_link.empty()) {
        // Podcast-style items with neither guid nor link: the media file names the item
        // better than a hash of an often empty title.
        id = clean_token(enclosure);
    }
    finish_document(doc, id, clean_link, date_text, ctx);
    out.documents.push_back(std::move(doc));
}

}  // namespace

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

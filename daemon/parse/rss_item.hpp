#pragma once
// The fields of one RSS item, shared by the tree reader (rss.cpp) and the streaming reader
// (rss_stream.cpp) so that both apply exactly the same rules.

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "parse/readers.hpp"

namespace ww::parse::detail {

struct RssItem {
    std::string title;
    std::string link;
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

    // Empty again, keeping the strings' buffers for the next item.
    void clear() {
        for (std::string* s : {&title, &link, &guid, &description, &content, &rss_author, &date,
                               &dc_date, &atom_date, &language, &enclosure}) {
            s->clear();
        }
        guid_is_permalink = true;
        creators.clear();
    }
};

// Takes one child element of an item. `text()` is the child's raw text (asked at most once),
// `attr(name)` an attribute value ("" when absent); both are called only when the child is wanted.
// Returns whether the child became the item's link.
template <typename Text, typename Attr>
bool take_rss_child(RssItem& item, xml::Ns ns, std::string_view name, const Text& text,
                    const Attr& attr) {
    using xml::Ns;
    const bool core = ns == Ns::None || ns == Ns::Rss1 || ns == Ns::Rss09;
    if (core && name == "title") {
        item.title = text();
    } else if (core && name == "link" && item.link.empty()) {
        item.link = text();
        return true;
    } else if (ns == Ns::Atom && name == "link" && item.link.empty() &&
               (attr("rel").empty() || attr("rel") == "alternate")) {
        item.link = attr("href");
        return true;
    } else if (core && name == "guid") {
        item.guid = text();
        std::string permalink = attr("isPermaLink");
        item.guid_is_permalink = permalink != "false" && permalink != "False";
    } else if (core && name == "description") {
        item.description = text();
    } else if (ns == Ns::Content && name == "encoded") {
        item.content = text();
    } else if (core && name == "author") {
        item.rss_author = text();
    } else if (ns == Ns::Dc && name == "creator") {
        item.creators.push_back(clean_author(text()));
    } else if (core && (name == "pubDate" || name == "pubdate")) {
        item.date = text();
    } else if (ns == Ns::Dc && name == "date") {
        item.dc_date = text();
    } else if (ns == Ns::Atom && (name == "published" || name == "updated")) {
        if (item.atom_date.empty() || name == "published") {
            item.atom_date = text();
        }
    } else if (core && name == "enclosure" && item.enclosure.empty()) {
        item.enclosure = attr("url");
    } else if (ns == Ns::Dc && name == "language") {
        item.language = clean_language(text());
    }
    return false;
}

// Turns the fields into a Document appended to `out`. `about` is the item's rdf:about;
// `base(link_from_guid)` is the base URI for the link (the link element's, or the item's when
// the link came from a permalink guid), asked only when there is a relative link to resolve.
void finish_rss_item(const RssItem& item, std::string_view about, const std::string& feed_language,
                     const std::function<std::string(bool)>& base, const ReadContext& ctx,
                     std::vector<Document>& out);

}  // namespace ww::parse::detail

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

// Where one child element of an item goes. Attribute-only children (atom:link, enclosure) are
// taken by rss_child itself; for the others the child's raw text is either stored in `field`
// as it is or, for Creator and Language, cleaned by take_rss_text.
enum class RssText { None, Field, Creator, Language };
struct RssChild {
    RssText text = RssText::None;
    std::string* field = nullptr;  // RssText::Field: the item's string for the raw text
    bool link = false;             // the child is (or holds) the item's link
};

// Decides what the child `ns`:`name` of an item gives, before its text is read. `attr(name)` is
// an attribute value ("" when absent), called only when the child is wanted. The tree reader
// then stores the child's text with take_rss_text; the streaming reader appends the text to
// `field` as it arrives (after clearing it), so it needs no copy of its own.
template <typename Attr>
RssChild rss_child(RssItem& item, xml::Ns ns, std::string_view name, const Attr& attr) {
    using xml::Ns;
    const bool core = ns == Ns::None || ns == Ns::Rss1 || ns == Ns::Rss09;
    if (core && name == "title") {
        return {RssText::Field, &item.title};
    }
    if (core && name == "link" && item.link.empty()) {
        return {RssText::Field, &item.link, true};
    }
    if (ns == Ns::Atom && name == "link" && item.link.empty() &&
        (attr("rel").empty() || attr("rel") == "alternate")) {
        item.link = attr("href");
        return {RssText::None, nullptr, true};
    }
    if (core && name == "guid") {
        const auto permalink = attr("isPermaLink");
        item.guid_is_permalink = permalink != "false" && permalink != "False";
        return {RssText::Field, &item.guid};
    }
    if (core && name == "description") {
        return {RssText::Field, &item.description};
    }
    if (ns == Ns::Content && name == "encoded") {
        return {RssText::Field, &item.content};
    }
    if (core && name == "author") {
        return {RssText::Field, &item.rss_author};
    }
    if (ns == Ns::Dc && name == "creator") {
        return {RssText::Creator};
    }
    if (core && (name == "pubDate" || name == "pubdate")) {
        return {RssText::Field, &item.date};
    }
    if (ns == Ns::Dc && name == "date") {
        return {RssText::Field, &item.dc_date};
    }
    if (ns == Ns::Atom && (name == "published" || name == "updated")) {
        if (item.atom_date.empty() || name == "published") {
            return {RssText::Field, &item.atom_date};
        }
        return {};
    }
    if (core && name == "enclosure" && item.enclosure.empty()) {
        item.enclosure = attr("url");
        return {};
    }
    if (ns == Ns::Dc && name == "language") {
        return {RssText::Language};
    }
    return {};
}

// Stores the raw text of a child as rss_child decided.
inline void take_rss_text(RssItem& item, const RssChild& child, std::string text) {
    switch (child.text) {
        case RssText::Field:
            *child.field = std::move(text);
            break;
        case RssText::Creator:
            item.creators.push_back(clean_author(text));
            break;
        case RssText::Language:
            item.language = clean_language(text);
            break;
        case RssText::None:
            break;
    }
}

// Turns the fields into a Document appended to `out`. `about` is the item's rdf:about;
// `base(link_from_guid)` is the base URI for the link (the link element's, or the item's when
// the link came from a permalink guid), asked only when there is a relative link to resolve.
void finish_rss_item(const RssItem& item, std::string_view about, const std::string& feed_language,
                     const std::function<std::string(bool)>& base, const ReadContext& ctx,
                     std::vector<Document>& out);

}  // namespace ww::parse::detail

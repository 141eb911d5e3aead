// Atom 1.0 (RFC 4287) and its predecessor Atom 0.3.

#include <vector>

#include "parse/readers.hpp"
#include "parse/text_builder.hpp"
#include "wirewatch/parse/date.hpp"
#include "wirewatch/parse/url.hpp"

namespace ww::parse::detail {

namespace {

using xml::Ns;

bool is_atom(const xmlNode* n, std::string_view local) {
    if (n == nullptr || n->type != XML_ELEMENT_NODE || xml::local_name(n) != local) {
        return false;
    }
    Ns ns = xml::ns_of(n);
    return ns == Ns::Atom || ns == Ns::Atom03 || ns == Ns::None;
}

std::string lowercase(std::string s) {
    for (auto& c : s) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return s;
}

// An Atom text construct: type="text" (default), "html" (escaped markup) or "xhtml" (inline
// XHTML in a <div>). Atom 0.3 says type="text/html" and mode="escaped"|"xml"|"base64".
std::string text_construct(const xmlNode* n, bool single_line) {
    std::string type = lowercase(xml::attr(n, "type"));
    std::string mode = lowercase(xml::attr(n, "mode"));
    if (mode == "base64") {
        return {};  // binary payloads are not text we can match
    }
    bool has_elements = xml::first_element(n) != nullptr;
    if (type == "xhtml" || type == "application/xhtml+xml" ||
        (has_elements && (mode == "xml" || type == "text/html" || type == "html"))) {
        return dom_text(n, single_line);
    }
    if (type == "html" || type == "text/html" || mode == "escaped") {
        return html_to_text(xml::raw_text(n), single_line);
    }
    return plain_text(xml::raw_text(n), single_line);
}

std::string person_names(const std::vector<const xmlNode*>& people) {
    std::string out;
    for (const xmlNode* p : people) {
        std::string name;
        for (const xmlNode* c = xml::first_element(p); c != nullptr; c = xml::next_element(c)) {
            if (is_atom(c, "name")) {
                name = clean_token(xml::raw_text(c));
            }
        }
        if (name.empty()) {
            name = clean_token(xml::raw_text(p));  // <author>Jane Doe</author>, seen in the wild
        }
        if (!name.empty()) {
            if (!out.empty()) {
                out += ", ";
            }
            out += name;
        }
    }
    return out;
}

// rel="alternate" (or no rel), preferring text/html when several are offered.
const xmlNode* alternate_link(const xmlNode* entry) {
    const xmlNode* best = nullptr;
    for (const xmlNode* c = xml::first_element(entry); c != nullptr; c = xml::next_element(c)) {
        if (!is_atom(c, "link") || !xml::has_attr(c, "href")) {
            continue;
        }
        std::string rel = lowercase(xml::attr(c, "rel"));
        if (!rel.empty() && rel != "alternate") {
            continue;
        }
        std::string type = lowercase(xml::attr(c, "type"));
        if (best == nullptr || type == "text/html") {
            best = c;
            if (type == "text/html") {
                break;
            }
        }
    }
    return best;
}

void read_entry(const xmlNode* entry, const std::string& feed_authors, const ReadContext& ctx,
                ParseResult& out) {
    Document doc;
    std::string id;
    std::string published;
    std::string updated;
    std::vector<const xmlNode*> authors;
    std::vector<std::string> creators;
    for (const xmlNode* c = xml::first_element(entry); c != nullptr; c = xml::next_element(c)) {
        std::string_view name = xml::local_name(c);
        if (xml::ns_of(c) == Ns::Dc) {
            if (name == "creator") {
                creators.push_back(clean_token(xml::raw_text(c)));
            } else if (name == "date" && published.empty()) {
                published = xml::raw_text(c);
            }
            continue;
        }
        if (!is_atom(c, name)) {
            continue;
        }
        if (name == "id") {
            id = xml::raw_text(c);
        } else if (name == "title") {
            doc.title = text_construct(c, true);
        } else if (name == "summary") {
            doc.summary = text_construct(c, false);
        } else if (name == "content") {
            doc.body = text_construct(c, false);
        } else if (name == "published" || name == "issued" ||
                   (name == "created" && published.empty())) {
            published = xml::raw_text(c);
        } else if (name == "updated" || (name == "modified" && updated.empty())) {
            updated = xml::raw_text(c);
        } else if (name == "author") {
            authors.push_back(c);
        }
    }
    doc.author = person_names(authors);
    for (const auto& creator : creators) {
        if (doc.author.empty() && !creator.empty()) {
            doc.author = creator;
        }
    }
    if (doc.author.empty()) {
        doc.author = feed_authors;
    }
    std::string date_text = !published.empty() ? published : updated;
    doc.published = parse_date(date_text);
    if (!doc.published && !updated.empty()) {
        date_text = updated;
        doc.published = parse_date(updated);
    }
    doc.language = clean_language(xml::lang_of(entry));
    std::string link;
    if (const xmlNode* l = alternate_link(entry)) {
        link = resolve_url(xml::base_of(l), clean_token(xml::attr(l, "href")));
    }
    finish_document(doc, id, link, date_text, ctx);
    out.documents.push_back(std::move(doc));
}

}  // namespace

void read_atom(const xmlDoc* doc, const ReadContext& ctx, ParseResult& out) {
    const xmlNode* feed = xml::root_element(doc);
    if (feed == nullptr) {
        return;
    }
    std::vector<const xmlNode*> feed_author_nodes;
    for (const xmlNode* c = xml::first_element(feed); c != nullptr; c = xml::next_element(c)) {
        if (is_atom(c, "author")) {
            feed_author_nodes.push_back(c);
        }
    }
    std::string feed_authors = person_names(feed_author_nodes);
    std::size_t taken = 0;
    for (const xmlNode* c = xml::first_element(feed); c != nullptr; c = xml::next_element(c)) {
        if (is_atom(c, "entry") && taken < ctx.max_items) {
            ++taken;
            read_entry(c, feed_authors, ctx, out);
        }
    }
}

}  // namespace ww::parse::detail

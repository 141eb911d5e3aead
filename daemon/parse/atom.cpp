// Atom 1.0 (RFC 4287) and its predecessor Atom 0.3.

#include <functional>
#include <vector>

#include "parse/atom_stream.hpp"
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
    switch (atom_text_kind(xml::attr(n, "type"), xml::attr(n, "mode"),
                           xml::first_element(n) != nullptr)) {
        case AtomText::Skip:
            return {};
        case AtomText::Dom:
            return dom_text(n, single_line);
        case AtomText::Html:
            return html_to_text(xml::raw_text(n), single_line);
        case AtomText::Plain:
            break;
    }
    return plain_text(xml::raw_text(n), single_line);
}

// The name of one person construct: its last <name> child's text, else all of its text
// (<author>Jane Doe</author>, seen in the wild).
std::string person_name(const xmlNode* p) {
    std::string name;
    for (const xmlNode* c = xml::first_element(p); c != nullptr; c = xml::next_element(c)) {
        if (is_atom(c, "name")) {
            name = clean_token(xml::raw_text(c));
        }
    }
    return name.empty() ? clean_token(xml::raw_text(p)) : name;
}

std::string person_names(const std::vector<const xmlNode*>& people) {
    std::vector<std::string> names;
    for (const xmlNode* p : people) {
        names.push_back(person_name(p));
    }
    return join_names(names);
}

// rel="alternate" (or no rel), preferring text/html when several are offered.
const xmlNode* alternate_link(const xmlNode* entry) {
    const xmlNode* best = nullptr;
    for (const xmlNode* c = xml::first_element(entry); c != nullptr; c = xml::next_element(c)) {
        if (!is_atom(c, "link") || !xml::has_attr(c, "href")) {
            continue;
        }
        const AtomLink rank = atom_link_rank(xml::attr(c, "rel"), xml::attr(c, "type"));
        if (rank != AtomLink::No && (best == nullptr || rank == AtomLink::Html)) {
            best = c;
            if (rank == AtomLink::Html) {
                break;
            }
        }
    }
    return best;
}

void read_entry(const xmlNode* entry, const std::string& feed_authors, const ReadContext& ctx,
                ParseResult& out) {
    AtomEntry e;
    for (const xmlNode* c = xml::first_element(entry); c != nullptr; c = xml::next_element(c)) {
        std::string_view name = xml::local_name(c);
        if (xml::ns_of(c) == Ns::Dc) {
            take_atom_dc(e, name, xml::raw_text(c));
            continue;
        }
        if (!is_atom(c, name)) {
            continue;
        }
        if (name == "title") {
            e.doc.title = text_construct(c, true);
        } else if (name == "summary") {
            e.doc.summary = text_construct(c, false);
        } else if (name == "content") {
            e.doc.body = text_construct(c, false);
        } else if (name == "author") {
            e.authors.push_back(person_name(c));
        } else if (is_atom_text(name)) {
            take_atom_text(e, name, xml::raw_text(c));
        }
    }
    e.language = xml::lang_of(entry);
    const xmlNode* l = alternate_link(entry);
    if (l != nullptr) {
        e.has_link = true;
        e.link_href = xml::attr(l, "href");
    }
    finish_atom_entry(
        e, feed_authors, [l] { return xml::base_of(l); }, ctx, out.documents);
}

}  // namespace

AtomText atom_text_kind(std::string_view type_attr, std::string_view mode_attr, bool has_elements) {
    std::string type = lowercase(std::string(type_attr));
    std::string mode = lowercase(std::string(mode_attr));
    if (mode == "base64") {
        return AtomText::Skip;  // binary payloads are not text we can match
    }
    if (type == "xhtml" || type == "application/xhtml+xml" ||
        (has_elements && (mode == "xml" || type == "text/html" || type == "html"))) {
        return AtomText::Dom;
    }
    if (type == "html" || type == "text/html" || mode == "escaped") {
        return AtomText::Html;
    }
    return AtomText::Plain;
}

void take_atom_dc(AtomEntry& e, std::string_view name, std::string text) {
    if (name == "creator") {
        e.creators.push_back(clean_token(text));
    } else if (name == "date" && e.published.empty()) {
        e.published = std::move(text);
    }
}

bool is_atom_text(std::string_view name) {
    return name == "id" || name == "published" || name == "issued" || name == "created" ||
           name == "updated" || name == "modified";
}

void take_atom_text(AtomEntry& e, std::string_view name, std::string text) {
    if (name == "id") {
        e.id = std::move(text);
    } else if (name == "published" || name == "issued" ||
               (name == "created" && e.published.empty())) {
        e.published = std::move(text);
    } else if (name == "updated" || (name == "modified" && e.updated.empty())) {
        e.updated = std::move(text);
    }
}

AtomLink atom_link_rank(std::string_view rel_attr, std::string_view type_attr) {
    std::string rel = lowercase(std::string(rel_attr));
    if (!rel.empty() && rel != "alternate") {
        return AtomLink::No;
    }
    return lowercase(std::string(type_attr)) == "text/html" ? AtomLink::Html : AtomLink::Yes;
}

std::string join_names(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& name : names) {
        if (!name.empty()) {
            if (!out.empty()) {
                out += ", ";
            }
            out += name;
        }
    }
    return out;
}

void finish_atom_entry(AtomEntry& e, const std::string& feed_authors,
                       const std::function<std::string()>& link_base, const ReadContext& ctx,
                       std::vector<Document>& out) {
    Document& doc = e.doc;
    doc.author = join_names(e.authors);
    for (const auto& creator : e.creators) {
        if (doc.author.empty() && !creator.empty()) {
            doc.author = creator;
        }
    }
    if (doc.author.empty()) {
        doc.author = feed_authors;
    }
    std::string date_text = !e.published.empty() ? e.published : e.updated;
    doc.published = parse_date(date_text);
    if (!doc.published && !e.updated.empty()) {
        date_text = e.updated;
        doc.published = parse_date(e.updated);
    }
    doc.language = clean_language(e.language);
    std::string link;
    if (e.has_link) {
        link = resolve_url(link_base(), clean_token(e.link_href));
    }
    finish_document(doc, e.id, link, date_text, ctx);
    out.push_back(std::move(doc));
}

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

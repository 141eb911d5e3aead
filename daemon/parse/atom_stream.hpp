#pragma once
// The fields of one Atom entry, shared by the tree reader (atom.cpp) and the streaming reader
// (atom_stream.cpp) so that both apply exactly the same rules.

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "parse/readers.hpp"

namespace ww::parse::detail {

struct AtomEntry {
    Document doc;  // title, summary and body already converted
    std::string id;
    std::string published;
    std::string updated;
    std::vector<std::string> authors;   // each <author>'s name, "" when it has none
    std::vector<std::string> creators;  // dc:creator, cleaned
    std::string language;               // xml:lang in scope, raw
    bool has_link = false;              // an alternate link was chosen
    std::string link_href;              // its href, raw
};

// How a text construct is read, from its type and mode attributes and whether it has element
// children: skipped (base64), from the element tree (xhtml), as escaped HTML or as plain text.
enum class AtomText { Skip, Dom, Html, Plain };
AtomText atom_text_kind(std::string_view type_attr, std::string_view mode_attr, bool has_elements);

// A dc:creator or dc:date child of an entry, with its raw text.
void take_atom_dc(AtomEntry& e, std::string_view name, std::string text);
// id, published, issued, created, updated and modified: the Atom children kept as raw text.
bool is_atom_text(std::string_view name);
void take_atom_text(AtomEntry& e, std::string_view name, std::string text);

// A link of an entry with an href: not an alternate link, one, or one of type text/html (the
// first of those wins, else the first alternate).
enum class AtomLink { No, Yes, Html };
AtomLink atom_link_rank(std::string_view rel_attr, std::string_view type_attr);

// Names joined with ", ", empty ones left out.
std::string join_names(const std::vector<std::string>& names);

// Author, date, language, link and id rules; appends the Document to `out`. `link_base()` is
// the base URI of the chosen link, asked only when there is one.
void finish_atom_entry(AtomEntry& e, const std::string& feed_authors,
                       const std::function<std::string()>& link_base, const ReadContext& ctx,
                       std::vector<Document>& out);

// Atom without a tree: the same documents read_atom gives, or false (leaving `out` as it was)
// for anything it is not sure to read exactly like it (errors, a DOCTYPE, entity references,
// xml:base, XHTML content). `root` receives the root's local name.
bool stream_atom(std::string_view utf8, const ReadContext& ctx, ParseResult& out,
                 std::string& root);

}  // namespace ww::parse::detail

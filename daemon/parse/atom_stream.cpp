// Atom 1.0 and 0.3 without a tree: libxml2's SAX2 callbacks collect the same fields read_atom
// takes from the tree (atom_stream.hpp), with a small element stack. Anything whose tree
// reading is not plainly the same (a DOCTYPE, entity references, xml:base, XHTML text
// constructs, any error) stops the parse, and the caller falls back to the tree.

#include "parse/atom_stream.hpp"

#include <optional>
#include <utility>

#include "parse/sax_stream.hpp"
#include "parse/text_builder.hpp"

namespace ww::parse::detail {

namespace {

using xml::Ns;

// What a child of an entry (or an <author> of the feed) is, as read_entry sorts it.
enum class Child { Other, Dc, Text, Title, Summary, Content, Author };

struct State : sax::Base {
    const ReadContext* ctx = nullptr;
    std::optional<std::string> base;  // the document URL, for relative links, once asked
    int depth = 0;                    // of the innermost open element; the root is 1
    std::string root_name;
    std::optional<std::string> root_lang;
    std::vector<std::string> feed_authors;
    // The entry being read (depth 2), and its child being read (depth 3), or an <author> of the
    // feed (depth 2): kind, local name, text of all descendants, text construct attributes.
    bool in_entry = false;
    AtomEntry entry;
    bool link_is_html = false;
    int child_depth = 0;
    Child child = Child::Other;
    std::string child_name;
    std::string child_text;
    std::string child_type;
    std::string child_mode;
    bool child_has_elements = false;
    // A <name> of the author being read, and the last such name, cleaned.
    int name_depth = 0;
    std::string name_text;
    std::string author_name;
    std::vector<Document> docs;
    std::string scratch;
};

State& state_of(void* ctx) { return sax::state_of<State>(ctx); }

const std::string& base_url(State& st) {
    if (!st.base) {
        st.base = sax::document_url(st.ctx->base_url);
    }
    return *st.base;
}

bool is_atom_ns(Ns ns) { return ns == Ns::Atom || ns == Ns::Atom03 || ns == Ns::None; }

Child child_kind(Ns ns, std::string_view name) {
    if (ns == Ns::Dc) {
        return Child::Dc;
    }
    if (!is_atom_ns(ns)) {
        return Child::Other;
    }
    if (name == "title") {
        return Child::Title;
    }
    if (name == "summary") {
        return Child::Summary;
    }
    if (name == "content") {
        return Child::Content;
    }
    if (name == "author") {
        return Child::Author;
    }
    return is_atom_text(name) ? Child::Text : Child::Other;
}

void start_child(State& st, Child kind, std::string_view name, int nb_attributes,
                 const xmlChar** attributes) {
    st.child_depth = st.depth;
    st.child = kind;
    st.child_name = name;
    st.child_text.clear();
    st.child_has_elements = false;
    if (kind == Child::Title || kind == Child::Summary || kind == Child::Content) {
        st.child_type = sax::attribute(nb_attributes, attributes, "type");
        st.child_mode = sax::attribute(nb_attributes, attributes, "mode");
    }
    st.author_name.clear();
}

// An alternate link of the entry, chosen as alternate_link chooses among the tree's children.
void consider_link(State& st, int nb_attributes, const xmlChar** attributes) {
    bool has_href = false;
    std::string href = sax::attribute(nb_attributes, attributes, "href", &has_href);
    if (!has_href || st.link_is_html) {
        return;
    }
    const AtomLink rank = atom_link_rank(sax::attribute(nb_attributes, attributes, "rel"),
                                         sax::attribute(nb_attributes, attributes, "type"));
    if (rank != AtomLink::No && (!st.entry.has_link || rank == AtomLink::Html)) {
        st.entry.has_link = true;
        st.entry.link_href = std::move(href);
        st.link_is_html = rank == AtomLink::Html;
    }
}

void start_element(void* ctx, const xmlChar* localname, const xmlChar* prefix, const xmlChar* uri,
                   int /*nb_namespaces*/, const xmlChar** /*namespaces*/, int nb_attributes,
                   int /*nb_defaulted*/, const xmlChar** attributes) {
    State& st = state_of(ctx);
    std::optional<std::string> lang;
    std::string_view name;
    if (!sax::element_name(st, localname, prefix, uri, name) ||
        (nb_attributes != 0 &&
         !sax::check_attributes(nb_attributes, attributes, st.scratch, lang))) {
        sax::give_up(ctx);
        return;
    }
    const Ns ns = sax::element_ns(prefix, uri);
    ++st.depth;
    if (st.depth == 1) {
        st.root_name = name;
        st.root_lang = lang;
    } else if (st.depth == 2) {
        if (is_atom_ns(ns) && name == "entry") {
            st.in_entry = true;
            st.entry = AtomEntry{};
            st.link_is_html = false;
            st.entry.language = lang ? *lang : st.root_lang.value_or("");
        } else if (is_atom_ns(ns) && name == "author") {
            start_child(st, Child::Author, name, nb_attributes, attributes);
        }
    } else if (st.depth == 3 && st.in_entry) {
        if (is_atom_ns(ns) && name == "link") {
            consider_link(st, nb_attributes, attributes);
        }
        start_child(st, child_kind(ns, name), name, nb_attributes, attributes);
    } else if (st.child_depth != 0 && st.depth == st.child_depth + 1) {
        st.child_has_elements = true;
        if (st.child == Child::Author && is_atom_ns(ns) && name == "name") {
            st.name_depth = st.depth;
            st.name_text.clear();
        }
    }
}

// The text construct's converted text; false when only the tree can convert it (XHTML).
bool text_construct(State& st, bool single_line, std::string& out) {
    switch (atom_text_kind(st.child_type, st.child_mode, st.child_has_elements)) {
        case AtomText::Skip:
            out.clear();
            return true;
        case AtomText::Dom:
            return false;
        case AtomText::Html:
            out = html_to_text(st.child_text, single_line);
            return true;
        case AtomText::Plain:
            break;
    }
    out = plain_text(st.child_text, single_line);
    return true;
}

// The child at st.child_depth closes: taken as read_entry takes it.
bool end_child(State& st) {
    AtomEntry& e = st.entry;
    std::string_view name = st.child_name;
    switch (st.child) {
        case Child::Dc:
            take_atom_dc(e, name, std::move(st.child_text));
            return true;
        case Child::Text:
            take_atom_text(e, name, std::move(st.child_text));
            return true;
        case Child::Title:
            return text_construct(st, true, e.doc.title);
        case Child::Summary:
            return text_construct(st, false, e.doc.summary);
        case Child::Content:
            return text_construct(st, false, e.doc.body);
        case Child::Author: {
            std::string person =
                st.author_name.empty() ? clean_token(st.child_text) : st.author_name;
            (st.in_entry ? e.authors : st.feed_authors).push_back(std::move(person));
            return true;
        }
        case Child::Other:
            return true;
    }
    return true;
}

void end_element(void* ctx, const xmlChar* /*localname*/, const xmlChar* /*prefix*/,
                 const xmlChar* /*uri*/) {
    State& st = state_of(ctx);
    if (st.depth == st.name_depth) {
        st.author_name = clean_token(st.name_text);
        st.name_depth = 0;
    } else if (st.depth == st.child_depth) {
        st.child_depth = 0;
        if (!end_child(st)) {
            sax::give_up(ctx);
            return;
        }
    } else if (st.depth == 2 && st.in_entry) {
        st.in_entry = false;
        finish_atom_entry(
            st.entry, {}, [&] { return base_url(st); }, *st.ctx, st.docs);
    }
    --st.depth;
}

void characters(void* ctx, const xmlChar* text, int len) {
    State& st = state_of(ctx);
    if (st.child_depth != 0) {
        st.child_text.append(xml::cs(text), static_cast<std::size_t>(len));
        if (st.name_depth != 0) {
            st.name_text.append(xml::cs(text), static_cast<std::size_t>(len));
        }
    }
}

}  // namespace

bool stream_atom(std::string_view utf8, const ReadContext& ctx, ParseResult& out,
                 std::string& root) {
    if (utf8.size() > sax::kMaxStreamBytes) {
        return false;
    }
    static const xmlSAXHandler kHandler = sax::handler(&start_element, &end_element, &characters);
    State st;
    st.ctx = &ctx;
    st.docs.reserve(sax::likely_items(utf8.size()));
    std::vector<std::string> errors;
    if (!xml::sax_parse(utf8, kHandler, static_cast<sax::Base*>(&st), errors) || st.unsure ||
        st.depth != 0 || st.root_name.empty()) {
        return false;
    }
    root = st.root_name;
    const std::string feed_authors = join_names(st.feed_authors);
    if (!feed_authors.empty()) {
        for (auto& doc : st.docs) {
            if (doc.author.empty()) {
                doc.author = feed_authors;
            }
        }
    }
    out.documents = std::move(st.docs);
    return true;
}

}  // namespace ww::parse::detail

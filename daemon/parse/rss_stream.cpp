// RSS 2.0, 0.9x and RDF without a tree: libxml2's SAX2 callbacks collect the same fields
// read_rss takes from the tree (rss_item.hpp), with a small element stack. Anything whose tree
// reading is not plainly the same (a DOCTYPE, entity references, xml:base, any error) stops the
// parse, and the caller falls back to the tree.

#include <libxml/uri.h>

#include <cstring>
#include <functional>
#include <iterator>
#include <optional>
#include <utility>
#include <vector>

#include "parse/readers.hpp"
#include "parse/rss_item.hpp"

namespace ww::parse::detail {

namespace {

using xml::Ns;

constexpr const char* kXmlNs = "http://www.w3.org/XML/1998/namespace";
// libxml2 refuses text nodes above 10 MB without XML_PARSE_HUGE while building the tree; the
// streaming reader never sees that limit, so larger documents go to the tree.
constexpr std::size_t kMaxStreamBytes = 10'000'000;

struct State {
    const ReadContext* ctx = nullptr;
    std::function<std::string(bool)> base;  // the document URL, for relative links
    bool unsure = false;
    int depth = 0;  // of the innermost open element; the root is 1
    std::string root_name;
    int channel_depth = 0;  // 0 until the channel is open or found
    bool channel_found = false;
    std::optional<std::string> root_lang;
    std::optional<std::string> channel_lang;
    // The channel's first <language> or <dc:language>.
    bool language_found = false;
    int language_depth = 0;
    std::string language_text;
    // The item being read, and its child being read; both reused from item to item.
    int item_depth = 0;
    bool item_in_channel = false;
    RssItem item;
    std::string about;
    int child_depth = 0;
    RssChild child;
    std::string child_text;  // for the children whose text is cleaned, not stored as it is
    // Items are finished as they close, channel items before the others (the tree reader's
    // order); the feed's language is filled in at the end, when it is known.
    std::vector<Document> channel_docs;
    std::vector<Document> root_docs;
    std::string scratch;
};

State& state_of(void* ctx) {
    return *static_cast<State*>(static_cast<xmlParserCtxtPtr>(ctx)->_private);
}

void give_up(void* ctx) {
    state_of(ctx).unsure = true;
    xmlStopParser(static_cast<xmlParserCtxtPtr>(ctx));
}

// Same classification as xml::ns_of on the tree node libxml2 would build.
Ns ns_of(const xmlChar* prefix, const xmlChar* uri) {
    if (uri != nullptr) {
        return xml::ns_of_uri(xml::cs(uri));
    }
    if (prefix != nullptr) {
        return xml::ns_of_prefix(xml::cs(prefix));
    }
    return Ns::None;
}

bool is_core(Ns ns) { return ns == Ns::None || ns == Ns::Rss1 || ns == Ns::Rss09; }

// The value the tree's attribute would hold. Without entity substitution libxml2 hands SAX an
// '&' as "&#38;" (the tree builder decodes it); any other reference means an entity, which
// only the tree path handles.
bool attr_value(const xmlChar* begin, const xmlChar* end, std::string& out) {
    std::string_view v(xml::cs(begin), static_cast<std::size_t>(end - begin));
    out.clear();
    std::size_t pos = 0;
    while (true) {
        std::size_t amp = v.find('&', pos);
        out.append(v.substr(pos, amp == std::string_view::npos ? amp : amp - pos));
        if (amp == std::string_view::npos) {
            return true;
        }
        if (v.compare(amp, 5, "&#38;") != 0) {
            return false;
        }
        out.push_back('&');
        pos = amp + 5;
    }
}

// Checks every attribute and reads xml:lang; false when one needs the tree.
bool check_attributes(State& st, int nb_attributes, const xmlChar** attributes) {
    for (int i = 0; i < nb_attributes; ++i) {
        const xmlChar** a = attributes + static_cast<std::ptrdiff_t>(i) * 5;
        std::string_view name(xml::cs(a[0]));
        bool xml_ns = a[2] != nullptr && std::strcmp(xml::cs(a[2]), kXmlNs) == 0;
        if (xml_ns && name == "base") {
            return false;  // xml:base scoping: the tree resolves it
        }
        if (!(xml_ns && name == "lang")) {
            // Not read here, but an entity reference in it still means the tree decides.
            if (std::memchr(a[3], '&', static_cast<std::size_t>(a[4] - a[3])) != nullptr &&
                !attr_value(a[3], a[4], st.scratch)) {
                return false;
            }
            continue;
        }
        std::string value;
        if (!attr_value(a[3], a[4], value)) {
            return false;
        }
        if (st.depth == 1 && !st.root_lang) {
            st.root_lang = value;
        }
        if (st.depth == st.channel_depth && !st.channel_lang) {
            st.channel_lang = value;
        }
    }
    return true;
}

// The value of the attribute with local name `wanted` in any namespace, as xml::attr reads it
// from the tree ("" when absent). check_attributes has already refused entity references.
std::string attribute(int nb_attributes, const xmlChar** attributes, const char* wanted) {
    std::string value;
    for (int i = 0; i < nb_attributes; ++i) {
        const xmlChar** a = attributes + static_cast<std::ptrdiff_t>(i) * 5;
        if (std::strcmp(xml::cs(a[0]), wanted) == 0) {
            attr_value(a[3], a[4], value);
            break;
        }
    }
    return value;
}

void start_element(void* ctx, const xmlChar* localname, const xmlChar* prefix, const xmlChar* uri,
                   int /*nb_namespaces*/, const xmlChar** /*namespaces*/, int nb_attributes,
                   int /*nb_defaulted*/, const xmlChar** attributes) {
    State& st = state_of(ctx);
    std::string_view name(xml::cs(localname));
    if (name.find(':') != std::string_view::npos ||
        (prefix != nullptr && std::strchr(xml::cs(prefix), ':') != nullptr) ||
        (uri != nullptr && *uri == 0)) {
        give_up(ctx);
        return;
    }
    ++st.depth;
    Ns ns = ns_of(prefix, uri);
    bool child = false;
    if (st.depth == 1) {
        st.root_name = name;
        if (name == "channel") {
            st.channel_depth = 1;
            st.channel_found = true;
        }
    } else if (st.item_depth != 0) {
        if (st.depth == st.item_depth + 1) {
            child = true;
        }
    } else if (st.depth == 2 && !st.channel_found && is_core(ns) && name == "channel") {
        st.channel_depth = 2;
        st.channel_found = true;
    } else if ((st.depth == st.channel_depth + 1 || (st.depth == 2 && st.channel_depth != 1)) &&
               is_core(ns) && name == "item") {
        st.item_depth = st.depth;
        st.item_in_channel = st.depth == st.channel_depth + 1;
        st.item.clear();
        st.about.clear();
        for (int i = 0; i < nb_attributes; ++i) {
            const xmlChar** a = attributes + static_cast<std::ptrdiff_t>(i) * 5;
            if (std::strcmp(xml::cs(a[0]), "about") == 0) {
                if (!attr_value(a[3], a[4], st.about)) {
                    give_up(ctx);
                    return;
                }
                break;
            }
        }
    } else if (st.depth == st.channel_depth + 1 && !st.language_found &&
               (is_core(ns) || ns == Ns::Dc) && name == "language") {
        st.language_found = true;
        st.language_depth = st.depth;
    }
    if (!check_attributes(st, nb_attributes, attributes)) {
        give_up(ctx);
        return;
    }
    if (child) {
        st.child_depth = st.depth;
        st.child = rss_child(st.item, ns, name, [&](const char* wanted) {
            return attribute(nb_attributes, attributes, wanted);
        });
        if (st.child.text == RssText::Field) {
            st.child.field->clear();
        } else {
            st.child_text.clear();
        }
    }
}

void end_element(void* ctx, const xmlChar* /*localname*/, const xmlChar* /*prefix*/,
                 const xmlChar* /*uri*/) {
    State& st = state_of(ctx);
    if (st.depth == st.child_depth) {
        if (st.child.text == RssText::Creator || st.child.text == RssText::Language) {
            take_rss_text(st.item, st.child, st.child_text);
        }
        st.child = {};
        st.child_depth = 0;
    } else if (st.depth == st.item_depth) {
        finish_rss_item(st.item, st.about, {}, st.base, *st.ctx,
                        st.item_in_channel ? st.channel_docs : st.root_docs);
        st.item_depth = 0;
    } else if (st.depth == st.language_depth) {
        st.language_depth = 0;
    } else if (st.depth == st.channel_depth) {
        st.channel_depth = -1;  // closed: later elements are not its children
    }
    --st.depth;
}

void characters(void* ctx, const xmlChar* text, int len) {
    State& st = state_of(ctx);
    if (st.child_depth != 0) {
        // A stored field gets its text directly; cleaned ones and unused ones collect it.
        std::string& to = st.child.field != nullptr ? *st.child.field : st.child_text;
        to.append(xml::cs(text), static_cast<std::size_t>(len));
    } else if (st.language_depth != 0) {
        st.language_text.append(xml::cs(text), static_cast<std::size_t>(len));
    }
}

// Entities (declared in a DOCTYPE or referenced) are read from the tree, which never expands
// them beyond a short internal value.
void internal_subset(void* ctx, const xmlChar*, const xmlChar*, const xmlChar*) { give_up(ctx); }
xmlEntityPtr get_entity(void* ctx, const xmlChar*) {
    give_up(ctx);
    return nullptr;
}
void reference(void* ctx, const xmlChar*) { give_up(ctx); }
void entity_decl(void* ctx, const xmlChar*, int, const xmlChar*, const xmlChar*, xmlChar*) {
    give_up(ctx);
}

xmlSAXHandler rss_handler() {
    xmlSAXHandler sax;
    std::memset(&sax, 0, sizeof sax);
    sax.startElementNs = &start_element;
    sax.endElementNs = &end_element;
    sax.characters = &characters;
    sax.ignorableWhitespace = &characters;
    sax.cdataBlock = &characters;
    sax.internalSubset = &internal_subset;
    sax.externalSubset = &internal_subset;
    sax.getEntity = &get_entity;
    sax.getParameterEntity = &get_entity;
    sax.reference = &reference;
    sax.entityDecl = &entity_decl;
    return sax;
}

// doc->URL of the tree libxml2 would build for `base_url`.
std::string document_url(std::string_view base_url) {
    if (base_url.empty()) {
        return {};
    }
    std::string url(base_url);
    xml::XmlString uri(xmlPathToURI(xml::xs(url.c_str())));
    return uri ? std::string(xml::cs(uri.get())) : std::string();
}

}  // namespace

bool stream_rss(std::string_view utf8, const ReadContext& ctx, ParseResult& out,
                std::string& root) {
    if (utf8.size() > kMaxStreamBytes) {
        return false;
    }
    static const xmlSAXHandler kHandler = rss_handler();
    State st;
    st.ctx = &ctx;
    std::string base;
    bool base_known = false;
    st.base = [&](bool) -> std::string {
        if (!base_known) {
            base = document_url(ctx.base_url);
            base_known = true;
        }
        return base;
    };
    std::vector<std::string> errors;
    if (!xml::sax_parse(utf8, kHandler, &st, errors) || st.unsure || st.depth != 0 ||
        st.root_name.empty()) {
        return false;
    }
    root = st.root_name;
    std::string feed_language;
    if (st.language_found) {
        feed_language = clean_language(st.language_text);
    } else if (st.channel_found && st.channel_lang) {
        feed_language = clean_language(*st.channel_lang);
    } else if (st.root_lang) {
        feed_language = clean_language(*st.root_lang);
    }
    out.documents = std::move(st.channel_docs);
    out.documents.insert(out.documents.end(), std::make_move_iterator(st.root_docs.begin()),
                         std::make_move_iterator(st.root_docs.end()));
    if (!feed_language.empty()) {
        for (auto& doc : out.documents) {
            if (doc.language.empty()) {
                doc.language = feed_language;
            }
        }
    }
    return true;
}

}  // namespace ww::parse::detail

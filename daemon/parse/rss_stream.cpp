// RSS 2.0, 0.9x and RDF without a tree: libxml2's SAX2 callbacks collect the same fields
// read_rss takes from the tree (rss_item.hpp), with a small element stack. Anything whose tree
// reading is not plainly the same (a DOCTYPE, entity references, xml:base, any error) stops the
// parse, and the caller falls back to the tree.

#include <cstring>
#include <functional>
#include <iterator>
#include <optional>
#include <utility>
#include <vector>

#include "parse/readers.hpp"
#include "parse/rss_item.hpp"
#include "parse/sax_stream.hpp"

namespace ww::parse::detail {

namespace {

using xml::Ns;

struct State : sax::Base {
    const ReadContext* ctx = nullptr;
    std::function<std::string(bool)> base;  // the document URL, for relative links
    int depth = 0;                          // of the innermost open element; the root is 1
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

State& state_of(void* ctx) { return sax::state_of<State>(ctx); }

bool is_core(Ns ns) { return ns == Ns::None || ns == Ns::Rss1 || ns == Ns::Rss09; }

// check_attributes on an element's attributes, keeping the xml:lang of the root and of the
// channel. Apart from start_element, which most elements (without attributes) pass through
// without its string and optional.
bool read_attributes(State& st, int nb_attributes, const xmlChar** attributes) {
    std::optional<std::string> lang;
    if (!sax::check_attributes(nb_attributes, attributes, st.scratch, lang)) {
        return false;
    }
    if (lang && st.depth == 1 && !st.root_lang) {
        st.root_lang = lang;
    }
    if (lang && st.depth == st.channel_depth && !st.channel_lang) {
        st.channel_lang = lang;
    }
    return true;
}

void start_element(void* ctx, const xmlChar* localname, const xmlChar* prefix, const xmlChar* uri,
                   int /*nb_namespaces*/, const xmlChar** /*namespaces*/, int nb_attributes,
                   int /*nb_defaulted*/, const xmlChar** attributes) {
    State& st = state_of(ctx);
    std::string_view name;
    if (!sax::element_name(st, localname, prefix, uri, name)) {
        sax::give_up(ctx);
        return;
    }
    ++st.depth;
    Ns ns = sax::element_ns(prefix, uri);
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
                if (!sax::attr_value(a[3], a[4], st.about)) {
                    sax::give_up(ctx);
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
    if (nb_attributes != 0 && !read_attributes(st, nb_attributes, attributes)) {
        sax::give_up(ctx);
        return;
    }
    if (child) {
        st.child_depth = st.depth;
        st.child = rss_child(st.item, ns, name, [&](const char* wanted) {
            return sax::attribute_view(nb_attributes, attributes, wanted, st.scratch);
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

}  // namespace

bool stream_rss(std::string_view utf8, const ReadContext& ctx, ParseResult& out,
                std::string& root) {
    if (utf8.size() > sax::kMaxStreamBytes) {
        return false;
    }
    static const xmlSAXHandler kHandler = sax::handler(&start_element, &end_element, &characters);
    State st;
    st.ctx = &ctx;
    st.channel_docs.reserve(sax::likely_items(utf8.size()));
    // Worked out on first use. Two captured references fit in std::function itself (three
    // made it allocate for every feed).
    struct {
        std::string url;
        bool known = false;
    } base;
    st.base = [&base, &ctx](bool) -> std::string {
        if (!base.known) {
            base.url = sax::document_url(ctx.base_url);
            base.known = true;
        }
        return base.url;
    };
    std::vector<std::string> errors;
    if (!xml::sax_parse(utf8, kHandler, static_cast<sax::Base*>(&st), errors) || st.unsure ||
        st.depth != 0 || st.root_name.empty()) {
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

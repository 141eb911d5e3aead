#include "parse/html_page.hpp"

#include <libxml/HTMLparser.h>
#include <libxml/parserInternals.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <unordered_map>

#include "parse/html_cut.hpp"
#include "parse/placeholder.hpp"
#include "parse/xml.hpp"

namespace ww::parse::detail {

namespace {

constexpr std::array<std::string_view, static_cast<std::size_t>(Tag::count)> kTagNames = {
    "",       "a",      "address", "article", "aside",    "audio",    "base",       "blockquote",
    "body",   "br",     "button",  "canvas",  "caption",  "center",   "dd",         "details",
    "dialog", "div",    "dl",      "dt",      "embed",    "fieldset", "figcaption", "figure",
    "footer", "form",   "h1",      "h2",      "h3",       "h4",       "h5",         "h6",
    "head",   "header", "hr",      "html",    "iframe",   "img",      "input",      "li",
    "link",   "main",   "math",    "menu",    "meta",     "nav",      "noscript",   "object",
    "ol",     "p",      "pre",     "script",  "section",  "select",   "style",      "summary",
    "svg",    "table",  "tbody",   "td",      "template", "textarea", "th",         "thead",
    "time",   "title",  "tr",      "ul",      "video"};

struct AttrName {
    std::string_view name;
    Attr attr;
};

constexpr AttrName kAttrNames[] = {{"class", Attr::class_},      {"id", Attr::id},
                                   {"role", Attr::role},         {"itemprop", Attr::itemprop},
                                   {"style", Attr::style},       {"aria-hidden", Attr::aria_hidden},
                                   {"hidden", Attr::hidden},     {"property", Attr::property},
                                   {"name", Attr::name},         {"http-equiv", Attr::http_equiv},
                                   {"content", Attr::content},   {"rel", Attr::rel},
                                   {"href", Attr::href},         {"lang", Attr::lang},
                                   {"datetime", Attr::datetime}, {"pubdate", Attr::pubdate}};

const std::unordered_map<std::string_view, Tag>& tag_table() {
    static const auto table = [] {
        std::unordered_map<std::string_view, Tag> t;
        for (std::size_t i = 1; i < kTagNames.size(); ++i) {
            t.emplace(kTagNames[i], static_cast<Tag>(i));
        }
        return t;
    }();
    return table;
}

bool attr_of(std::string_view name, Attr& out) {
    for (const auto& a : kAttrNames) {
        if (a.name == name) {
            out = a.attr;
            return true;
        }
    }
    return false;
}

// libxml2's tree builder (SAX2.c) as far as the page needs it. The parser's own element
// stack (ctxt->nameNr) is the reference: the tree builder's node stack matches it except
// where the parser pops a node behind the builder's back ("Couldn't find end of Start Tag"
// calls nodePop, not endElement), which `sync` reproduces at the next event.
class Builder {
public:
    explicit Builder(HtmlPage& page) : page_(page) {}
    // The page parsed is `original` with `cuts` taken out (html_cut.hpp): the builder checks
    // each cut against the parser's events and puts script and style contents back as the
    // CDATA the whole page would have given, and text runs back as text.
    Builder(HtmlPage& page, std::string_view original, const std::vector<HtmlCut>& cuts)
        : page_(page), original_(original), cuts_(&cuts) {}

    static Builder& of(void* ctx) {
        return *static_cast<Builder*>(static_cast<htmlParserCtxtPtr>(ctx)->_private);
    }

    void start(htmlParserCtxtPtr ctxt, const xmlChar* name, const xmlChar** atts) {
        restore_cut();
        sync(ctxt->nameNr > 0 ? static_cast<std::size_t>(ctxt->nameNr - 1) : 0);
        last_text_ = kNoNode;
        if (open_.size() > xmlParserMaxDepth) {
            // nodePush refuses the node and halts the parser ("Excessive depth in document").
            xmlStopParser(ctxt);
            return;
        }
        const auto index = static_cast<std::uint32_t>(page_.nodes.size());
        HtmlNode node;
        node.kind = HtmlNode::Kind::element;
        node.tag = tag_for(name);
        if (!open_.empty()) {
            node.parent = open_.back();
        } else if (first_ == First::none) {
            first_ = First::element;  // the root
        } else if (first_ == First::element) {
            // Another top-level element (after </html>): the tree builder makes it a child
            // of the document's first node, here the root, which grows to hold it.
            node.parent = 0;
        }
        node.begin = static_cast<std::uint32_t>(page_.attrs.size());
        if (atts != nullptr) {
            for (std::size_t i = 0; atts[i] != nullptr; i += 2) {
                add_attr(node, atts[i], atts[i + 1]);
            }
        }
        page_.nodes.push_back(node);
        open_.push_back(index);
        confirm_raw_text(ctxt, name);
    }

    void end(htmlParserCtxtPtr ctxt) {
        restore_cut();
        sync(static_cast<std::size_t>(std::max(ctxt->nameNr, 0)));
        last_text_ = kNoNode;
        if (!open_.empty()) {
            close_top();
        }
    }

    void text(htmlParserCtxtPtr ctxt, const xmlChar* ch, int len, HtmlNode::Kind kind) {
        restore_cut();
        sync(static_cast<std::size_t>(std::max(ctxt->nameNr, 0)));
        if (len <= 0) {
            return;
        }
        const std::string_view chunk(xml::cs(ch), static_cast<std::size_t>(len));
        if (cuts_ == nullptr || kind != HtmlNode::Kind::text) {
            append_text(ctxt, chunk.data(), chunk.size(), kind);
            return;
        }
        expand_placeholders(
            chunk,
            [&](std::string_view piece) {
                append_text(ctxt, piece.data(), piece.size(), HtmlNode::Kind::text);
            },
            [&] { restore_text(ctxt); });
    }

    void append_text(htmlParserCtxtPtr ctxt, const char* ch, std::size_t n, HtmlNode::Kind kind) {
        if (open_.empty()) {
            return;  // no current node: the tree builder drops the text
        }
        if (last_text_ != kNoNode && page_.nodes[last_text_].kind == kind) {
            HtmlNode& run = page_.nodes[last_text_];
            if (run.size + n > XML_MAX_TEXT_LENGTH) {
                // xmlSAX2Characters: "huge text node", reported as out of memory.
                ctxt->errNo = XML_ERR_NO_MEMORY;
                ctxt->instate = XML_PARSER_EOF;
                ctxt->disableSAX = 1;
                return;
            }
            page_.text.append(ch, n);  // the run is the last thing in `text`
            run.size += static_cast<std::uint32_t>(n);
            return;
        }
        HtmlNode node;
        node.kind = kind;
        node.parent = open_.back();
        node.begin = static_cast<std::uint32_t>(page_.text.size());
        node.size = static_cast<std::uint32_t>(n);
        node.end = static_cast<std::uint32_t>(page_.nodes.size() + 1);
        page_.text.append(ch, n);
        last_text_ = static_cast<std::uint32_t>(page_.nodes.size());
        page_.nodes.push_back(node);
    }

    // A comment or processing instruction: not kept, but it ends the text run before it, and
    // at the top level before the root it becomes the document's first node.
    void other(htmlParserCtxtPtr ctxt) {
        restore_cut();
        sync(static_cast<std::size_t>(std::max(ctxt->nameNr, 0)));
        last_text_ = kNoNode;
        if (open_.empty() && first_ == First::none) {
            first_ = First::other;
        }
    }

    // A DOCTYPE: its node goes first in the document.
    void doctype() {
        restore_cut();
        first_ = First::other;
    }

    void comment(htmlParserCtxtPtr ctxt, const xmlChar* value) {
        restore_cut();
        const HtmlCut* cut = next_cut();
        if (cut != nullptr && cut->kind == HtmlCut::Kind::comment && offset(ctxt) == cut->at &&
            value != nullptr && value[0] == 0) {
            ++confirmed_;
        }
        other(ctxt);
    }

    // Whether the parser confirmed every cut; if not, the page must be read whole.
    bool cuts_confirmed() const {
        return cuts_ == nullptr || (!out_of_order_ && confirmed_ == cuts_->size());
    }

    void finish() {
        restore_cut();
        while (!open_.empty()) {
            close_top();
        }
    }

private:
    // Where the parser is in the page it reads (SHRINK moves `base` and counts `consumed`).
    static std::size_t offset(htmlParserCtxtPtr ctxt) {
        return static_cast<std::size_t>(ctxt->input->consumed) +
               static_cast<std::size_t>(ctxt->input->cur - ctxt->input->base);
    }

    const HtmlCut* next_cut() const {
        return cuts_ != nullptr && confirmed_ < cuts_->size() ? &(*cuts_)[confirmed_] : nullptr;
    }

    // A script or style cut is confirmed by the start tag of that name the parser stands at
    // the end of: the parser then reads the content htmlParseScript would have read from the
    // whole page, up to the same "</" + name. Its text comes back at the next event, as the
    // CDATA node the whole page would have given the element just opened.
    void confirm_raw_text(htmlParserCtxtPtr ctxt, const xmlChar* name) {
        const HtmlCut* cut = next_cut();
        if (cut == nullptr || cut->kind == HtmlCut::Kind::comment || offset(ctxt) != cut->at) {
            return;
        }
        const char* expected = cut->kind == HtmlCut::Kind::script ? "script" : "style";
        if (xmlStrEqual(name, reinterpret_cast<const xmlChar*>(expected)) != 0) {
            pending_ = cut;
            ++confirmed_;
        }
    }

    void restore_cut() {
        if (pending_ != nullptr) {
            const HtmlCut* cut = pending_;
            pending_ = nullptr;
            // A new node under the script or style just opened: no run to extend, so no
            // text-size stop to report through the parser context.
            append_text(nullptr, original_.data() + cut->begin, cut->size, HtmlNode::Kind::cdata);
        }
    }

    // A placeholder the parser handed back as text: the next cut must be the text run it
    // stands for, which goes in its place. Anything else means the parser read the cut page
    // differently from what the cuts assumed.
    void restore_text(htmlParserCtxtPtr ctxt) {
        const HtmlCut* cut = next_cut();
        if (cut == nullptr || cut->kind != HtmlCut::Kind::text) {
            out_of_order_ = true;
            return;
        }
        ++confirmed_;
        append_text(ctxt, original_.data() + cut->begin, cut->size, HtmlNode::Kind::text);
    }

    static std::string_view local_name(std::string_view name) {
        auto colon = name.rfind(':');
        return colon == std::string_view::npos ? name : name.substr(colon + 1);
    }

    // The parser interns names in its dictionary, so within one parse a name's pointer stands
    // for its spelling: a small cache keyed by pointer saves the lookups by text.
    static std::size_t slot(const xmlChar* name) {
        return (reinterpret_cast<std::uintptr_t>(name) >> 3) % kCacheSize;
    }

    Tag tag_for(const xmlChar* name) {
        TagSeen& seen = tags_seen_[slot(name)];
        if (seen.name != name) {
            seen = {name, tag_of(local_name(xml::cs(name)))};
        }
        return seen.tag;
    }

    void add_attr(HtmlNode& node, const xmlChar* name, const xmlChar* value) {
        AttrSeen& seen = attrs_seen_[slot(name)];
        if (seen.name != name) {
            seen.name = name;
            seen.kept = attr_of(xml::cs(name), seen.attr);
        }
        if (!seen.kept) {
            return;
        }
        const Attr key = seen.attr;
        for (std::uint32_t i = 0; i < node.size; ++i) {
            if (page_.attrs[node.begin + i].name == key) {
                return;  // the first one wins, as in xml::attr
            }
        }
        std::string_view v = value != nullptr ? std::string_view(xml::cs(value)) : "";
        page_.attrs.push_back({key, static_cast<std::uint32_t>(page_.text.size()),
                               static_cast<std::uint32_t>(v.size())});
        page_.text.append(v);
        ++node.size;
    }

    void close_top() {
        HtmlNode& node = page_.nodes[open_.back()];
        node.end = static_cast<std::uint32_t>(page_.nodes.size());
        if (node.parent == 0 && open_.size() == 1) {
            page_.nodes[0].end = node.end;  // an element hung under the closed root
        }
        open_.pop_back();
    }

    void sync(std::size_t parser_depth) {
        while (open_.size() > parser_depth) {
            close_top();
            last_text_ = kNoNode;
        }
    }

    // What the document's first child is (xmlSAX2StartElement hangs a second top-level
    // element under it when it is an element).
    enum class First { none, element, other };

    static constexpr std::size_t kCacheSize = 64;
    struct TagSeen {
        const xmlChar* name = nullptr;
        Tag tag = Tag::other;
    };
    struct AttrSeen {
        const xmlChar* name = nullptr;
        bool kept = false;
        Attr attr{};
    };

    HtmlPage& page_;
    std::string_view original_;
    const std::vector<HtmlCut>* cuts_ = nullptr;
    std::size_t confirmed_ = 0;         // cuts the parser has confirmed, in order
    bool out_of_order_ = false;         // a placeholder came back where no text cut was next
    const HtmlCut* pending_ = nullptr;  // confirmed script/style text not yet put back
    std::array<TagSeen, kCacheSize> tags_seen_{};
    std::array<AttrSeen, kCacheSize> attrs_seen_{};
    First first_ = First::none;
    std::vector<std::uint32_t> open_;    // the tree builder's node stack
    std::uint32_t last_text_ = kNoNode;  // text node that is the current node's last child
};

void on_start(void* ctx, const xmlChar* name, const xmlChar** atts) {
    Builder::of(ctx).start(static_cast<htmlParserCtxtPtr>(ctx), name, atts);
}

void on_end(void* ctx, const xmlChar* /*name*/) {
    Builder::of(ctx).end(static_cast<htmlParserCtxtPtr>(ctx));
}

void on_characters(void* ctx, const xmlChar* ch, int len) {
    Builder::of(ctx).text(static_cast<htmlParserCtxtPtr>(ctx), ch, len, HtmlNode::Kind::text);
}

void on_cdata(void* ctx, const xmlChar* ch, int len) {
    Builder::of(ctx).text(static_cast<htmlParserCtxtPtr>(ctx), ch, len, HtmlNode::Kind::cdata);
}

void on_comment(void* ctx, const xmlChar* value) {
    Builder::of(ctx).comment(static_cast<htmlParserCtxtPtr>(ctx), value);
}

void on_pi(void* ctx, const xmlChar* /*target*/, const xmlChar* /*data*/) {
    Builder::of(ctx).other(static_cast<htmlParserCtxtPtr>(ctx));
}

void on_doctype(void* ctx, const xmlChar* /*name*/, const xmlChar* /*external_id*/,
                const xmlChar* /*system_id*/) {
    Builder::of(ctx).doctype();
}

}  // namespace

std::string_view tag_name(Tag tag) { return kTagNames[static_cast<std::size_t>(tag)]; }

Tag tag_of(std::string_view local_name) {
    const auto& table = tag_table();
    auto it = table.find(local_name);
    return it == table.end() ? Tag::other : it->second;
}

void HtmlPage::clear() {
    nodes.clear();
    attrs.clear();
    text.clear();
}

namespace {

// Parses `utf8` into `page`; with `builder` set up for a cut page, false when a cut was not
// confirmed.
bool parse_page(std::string_view utf8, Builder& builder) {
    htmlSAXHandler sax{};
    sax.startElement = &on_start;
    sax.endElement = &on_end;
    sax.characters = &on_characters;
    sax.cdataBlock = &on_cdata;
    sax.comment = &on_comment;
    sax.processingInstruction = &on_pi;
    sax.internalSubset = &on_doctype;
    xml::html_sax_parse(utf8, sax, &builder);
    builder.finish();
    return builder.cuts_confirmed();
}

struct CutPage {
    std::string text;
    std::vector<HtmlCut> cuts;
};

}  // namespace

bool read_html_page(std::string_view utf8, HtmlPage& page, bool cut_raw, bool clean_input) {
    page.clear();
    page.text.reserve(utf8.size());
    if (cut_raw) {
        thread_local CutPage cut;
        if (cut_raw_text(utf8, cut.text, cut.cuts, clean_input)) {
            page.nodes.reserve(cut.text.size() / 32);
            Builder builder(page, utf8, cut.cuts);
            const bool confirmed = parse_page(cut.text, builder);
            // What one huge page needed is not kept for the small ones after it (a 10 MiB
            // page of short paragraphs makes hundreds of thousands of text cuts).
            if (cut.text.capacity() > (std::size_t{1} << 22) ||
                cut.cuts.capacity() * sizeof(HtmlCut) > (std::size_t{1} << 22)) {
                cut = CutPage{};
            }
            if (confirmed) {
                return true;
            }
            page.clear();  // a cut libxml2 would not have made: read the page whole
        }
    }
    page.nodes.reserve(utf8.size() / 32);
    Builder builder(page);
    parse_page(utf8, builder);
    return false;
}

}  // namespace ww::parse::detail

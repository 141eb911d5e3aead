#pragma once
// An HTML page as a flat list of nodes, read with libxml2's HTML parser in SAX mode: the
// elements and text runs that parse_html's tree would hold, in document order, with only what
// article extraction reads (tag, parent, subtree extent, a few attributes, text) and no
// libxml2 tree to build and free.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ww::parse::detail {

// Element names article extraction asks about (local names, lowercase); every other element
// is Tag::other.
enum class Tag : std::uint8_t {
    other,
    a,
    address,
    article,
    aside,
    audio,
    base,
    blockquote,
    body,
    br,
    button,
    canvas,
    caption,
    center,
    dd,
    details,
    dialog,
    div,
    dl,
    dt,
    embed,
    fieldset,
    figcaption,
    figure,
    footer,
    form,
    h1,
    h2,
    h3,
    h4,
    h5,
    h6,
    head,
    header,
    hr,
    html,
    iframe,
    img,
    input,
    li,
    link,
    main,
    math,
    menu,
    meta,
    nav,
    noscript,
    object,
    ol,
    p,
    pre,
    script,
    section,
    select,
    style,
    summary,
    svg,
    table,
    tbody,
    td,
    template_,
    textarea,
    th,
    thead,
    time,
    title,
    tr,
    ul,
    video,
    count
};

std::string_view tag_name(Tag tag);  // "" for Tag::other
Tag tag_of(std::string_view local_name);

// Attributes article extraction reads; the others are not kept.
enum class Attr : std::uint8_t {
    class_,
    id,
    role,
    itemprop,
    style,
    aria_hidden,
    hidden,
    property,
    name,
    http_equiv,
    content,
    rel,
    href,
    lang,
    datetime,
    pubdate
};

constexpr std::uint32_t kNoNode = 0xFFFFFFFF;

struct HtmlNode {
    enum class Kind : std::uint8_t { element, text, cdata };
    Kind kind = Kind::element;
    Tag tag = Tag::other;
    bool removed = false;            // set by the extractor: the node and its subtree are gone
    std::uint32_t parent = kNoNode;  // kNoNode at the top level
    std::uint32_t end = 0;           // one past the last node of the subtree
    std::uint32_t begin = 0;         // text: offset in HtmlPage::text; element: first attribute
    std::uint32_t size = 0;          // text: bytes; element: number of attributes
};

struct HtmlAttr {
    Attr name;
    std::uint32_t begin;  // value: offset and size in HtmlPage::text
    std::uint32_t size;
};

struct HtmlPage {
    std::vector<HtmlNode> nodes;  // document order; nodes[0] is the root element, if any
    std::vector<HtmlAttr> attrs;
    std::string text;  // text runs and attribute values

    std::string_view text_of(std::uint32_t node) const {
        return std::string_view(text).substr(nodes[node].begin, nodes[node].size);
    }
    // Inline: the extractor asks several of these of every element, and most have no
    // attributes at all.
    const HtmlAttr* find_attr(std::uint32_t node, Attr name) const {
        const HtmlNode& n = nodes[node];
        if (n.kind != HtmlNode::Kind::element) {
            return nullptr;
        }
        for (std::uint32_t i = 0; i < n.size; ++i) {
            if (attrs[n.begin + i].name == name) {
                return &attrs[n.begin + i];
            }
        }
        return nullptr;
    }
    bool has_attr(std::uint32_t node, Attr name) const { return find_attr(node, name) != nullptr; }
    // Value of the attribute, "" when absent or without a value.
    std::string_view attr(std::uint32_t node, Attr name) const {
        const HtmlAttr* a = find_attr(node, name);
        return a != nullptr ? std::string_view(text).substr(a->begin, a->size) : std::string_view();
    }
    void clear();
};

// Parses `utf8` (already UTF-8) as xml::parse_html would, into `page` (cleared first). The
// nodes mirror the tree libxml2's tree builder makes from the same events: adjacent text
// coalesced into one node, script/style content as CDATA, attribute values as given, the
// same nesting-depth stop; comments and processing instructions are not kept.
// `cut_raw`: libxml2 reads the page without the contents of scripts, styles and comments and
// with each plain text run replaced by one placeholder character (html_cut.hpp), all of which
// it would otherwise walk character by character; the page built is the same either way
// (html_cut_test compares them). Returns whether it was read from the cut page.
// `clean_input`: `utf8` is known to pass is_clean_utf8.
bool read_html_page(std::string_view utf8, HtmlPage& page, bool cut_raw = true,
                    bool clean_input = false);

// Depth-first walk of the subtree below `root` (not `root` itself), skipping removed nodes,
// with xml::walk's contract: `enter(i)` returns whether to descend into element i, `leave(i)`
// is called after the children of every element that was entered.
template <typename Enter, typename Leave>
void walk(const HtmlPage& page, std::uint32_t root, Enter&& enter, Leave&& leave) {
    // The open elements are `cur` and its ancestors up to `root`: every element between them
    // was entered, or the walk would have skipped past it.
    std::uint32_t cur = root;
    auto close_until = [&](std::uint32_t pos) {
        while (cur != root && page.nodes[cur].end <= pos) {
            leave(cur);
            cur = page.nodes[cur].parent;
        }
    };
    const std::uint32_t end = page.nodes[root].end;
    std::uint32_t i = root + 1;
    while (i < end) {
        close_until(i);
        const HtmlNode& n = page.nodes[i];
        if (!n.removed && enter(i) && n.kind == HtmlNode::Kind::element) {
            if (n.end == i + 1) {
                leave(i);
            } else {
                cur = i;
            }
            ++i;
        } else {
            i = n.end;
        }
    }
    close_until(end);
}

// The same walk for callers with nothing to do on leaving an element: the same `enter` calls in
// the same order, without keeping track of the open elements.
template <typename Enter>
void walk(const HtmlPage& page, std::uint32_t root, Enter&& enter) {
    const std::uint32_t end = page.nodes[root].end;
    std::uint32_t i = root + 1;
    while (i < end) {
        const HtmlNode& n = page.nodes[i];
        if (!n.removed && enter(i) && n.kind == HtmlNode::Kind::element) {
            ++i;
        } else {
            i = n.end;
        }
    }
}

}  // namespace ww::parse::detail

// Main text of news article pages: strip the chrome, find the article, keep its paragraphs.
//
// Order of work: read metadata (title, canonical URL, language) from the untouched tree; remove
// elements that are chrome by tag, ARIA role or class/id vocabulary; take the article container
// if the page marks one (itemprop=articleBody, <article>, <main>), else the block whose
// paragraphs score highest (readability-style: text length and commas, penalised by the share
// of link text); turn it into paragraphs and drop the ones that are mostly links.

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <unordered_map>
#include <vector>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "parse/encoding.hpp"
#include "parse/html_article.hpp"
#include "parse/html_page.hpp"
#include "parse/readers.hpp"
#include "parse/text_builder.hpp"
#include "wirewatch/parse/date.hpp"
#include "wirewatch/parse/url.hpp"

namespace ww::parse {

namespace {

using detail::Attr;
using detail::HtmlArticle;
using detail::HtmlNode;
using detail::HtmlPage;
using detail::Tag;
using xml::cs;

std::string lowercase(std::string_view s) {
    std::string out(s);
    for (auto& c : out) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return out;
}

std::vector<std::string> words_of(std::string_view s) {
    std::vector<std::string> words;
    std::string cur;
    for (char c : s) {
        bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (alnum) {
            cur += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
        } else if (!cur.empty()) {
            words.push_back(std::move(cur));
            cur.clear();
        }
    }
    if (!cur.empty()) {
        words.push_back(std::move(cur));
    }
    return words;
}

bool contains(std::initializer_list<std::string_view> set, std::string_view word) {
    for (auto w : set) {
        if (w == word) {
            return true;
        }
    }
    return false;
}

// Tags whose whole subtree is chrome or not text.
bool is_chrome_tag(std::string_view tag) {
    return contains(
        {"script", "style",    "noscript", "nav",      "header", "footer", "aside",  "form",
         "iframe", "svg",      "button",   "template", "object", "embed",  "canvas", "select",
         "input",  "textarea", "dialog",   "menu",     "link",   "meta",   "video",  "audio"},
        tag);
}

// Class/id words that mark chrome whatever else the element says about itself.
bool is_strong_negative(std::string_view w) {
    return contains({"nav",
                     "navbar",
                     "navigation",
                     "menu",
                     "breadcrumb",
                     "breadcrumbs",
                     "cookie",
                     "cookies",
                     "consent",
                     "gdpr",
                     "newsletter",
                     "subscribe",
                     "subscription",
                     "signup",
                     "share",
                     "sharing",
                     "social",
                     "comment",
                     "comments",
                     "disqus",
                     "related",
                     "recommended",
                     "recommendations",
                     "promo",
                     "advert",
                     "advertisement",
                     "ad",
                     "ads",
                     "sponsor",
                     "sponsored",
                     "outbrain",
                     "taboola",
                     "popup",
                     "modal",
                     "paywall",
                     "trending",
                     "popular",
                     "skip",
                     "toolbar",
                     "login",
                     "banner",
                     "masthead",
                     "pagination",
                     "pager",
                     "sronly"},
                    w);
}

// Words that are chrome only when nothing marks the element as content.
bool is_weak_negative(std::string_view w) {
    return contains({"sidebar", "widget", "header", "footer", "hidden", "tags", "meta", "aside",
                     "more", "topbar", "dropdown"},
                    w);
}

bool is_positive(std::string_view w) {
    return contains({"article", "body", "content", "story", "entry", "main", "post", "text",
                     "prose", "articlebody"},
                    w);
}

struct TextStats {
    std::size_t chars = 0;
    std::size_t link_chars = 0;
    std::size_t commas = 0;
    std::size_t long_paragraphs = 0;  // <p> with at least 100 bytes of text
};

// Bytes of `t` other than ' ', '\n', '\t' and '\r'; adds its commas to `commas`. Sixteen bytes
// per step where SSE2 is there, counted in byte lanes (this count over the article was a third
// of the extractor's own work).
std::size_t count_text(std::string_view t, std::size_t& commas) {
    std::size_t visible = 0;
    std::size_t i = 0;
#ifdef __SSE2__
    const char* p = t.data();
    while (t.size() - i >= 16) {
        // Each lane counts down by one per match (a match is 0xFF); 255 steps at most per round.
        __m128i space_lanes = _mm_setzero_si128();
        __m128i comma_lanes = _mm_setzero_si128();
        const std::size_t steps = std::min<std::size_t>((t.size() - i) / 16, 255);
        for (std::size_t k = 0; k < steps; ++k, i += 16) {
            const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
            const __m128i space =
                _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(' ')),
                                          _mm_cmpeq_epi8(v, _mm_set1_epi8('\n'))),
                             _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\t')),
                                          _mm_cmpeq_epi8(v, _mm_set1_epi8('\r'))));
            space_lanes = _mm_sub_epi8(space_lanes, space);
            comma_lanes = _mm_sub_epi8(comma_lanes, _mm_cmpeq_epi8(v, _mm_set1_epi8(',')));
        }
        const __m128i zero = _mm_setzero_si128();
        const __m128i space_sum = _mm_sad_epu8(space_lanes, zero);
        const __m128i comma_sum = _mm_sad_epu8(comma_lanes, zero);
        const auto spaces = static_cast<std::size_t>(_mm_cvtsi128_si32(space_sum)) +
                            static_cast<std::size_t>(_mm_extract_epi16(space_sum, 4));
        commas += static_cast<std::size_t>(_mm_cvtsi128_si32(comma_sum)) +
                  static_cast<std::size_t>(_mm_extract_epi16(comma_sum, 4));
        visible += steps * 16 - spaces;
    }
#endif
    for (; i < t.size(); ++i) {
        const char c = t[i];
        if (c != ' ' && c != '\n' && c != '\t' && c != '\r') {
            ++visible;
        }
        if (c == ',') {
            ++commas;
        }
    }
    return visible;
}

TextStats stats_of(const xmlNode* node) {
    TextStats st;
    int link_depth = 0;
    std::vector<std::size_t> p_starts;
    xml::walk(
        node,
        [&](const xmlNode* n) {
            if (n->type == XML_TEXT_NODE && n->content != nullptr) {
                std::string_view t(cs(n->content));
                std::size_t visible = count_text(t, st.commas);
                st.chars += visible;
                if (link_depth > 0) {
                    st.link_chars += visible;
                }
                return false;
            }
            if (n->type != XML_ELEMENT_NODE || detail::is_invisible_tag(xml::local_name(n))) {
                return false;
            }
            if (xml::local_name(n) == "a") {
                ++link_depth;
            } else if (xml::local_name(n) == "p") {
                p_starts.push_back(st.chars);
            }
            return true;
        },
        [&](const xmlNode* n) {
            if (xml::local_name(n) == "a") {
                --link_depth;
            } else if (xml::local_name(n) == "p" && !p_starts.empty()) {
                if (st.chars - p_starts.back() >= 100) {
                    ++st.long_paragraphs;
                }
                p_starts.pop_back();
            }
        });
    return st;
}

bool is_chrome(const xmlNode* n) {
    std::string_view tag = xml::local_name(n);
    if (tag == "html" || tag == "body") {
        return false;
    }
    if (is_chrome_tag(tag)) {
        return true;
    }
    if (xml::has_attr(n, "hidden") || lowercase(xml::attr(n, "aria-hidden")) == "true") {
        return true;
    }
    std::string style = lowercase(xml::attr(n, "style"));
    style.erase(std::remove(style.begin(), style.end(), ' '), style.end());
    if (style.find("display:none") != std::string::npos ||
        style.find("visibility:hidden") != std::string::npos) {
        return true;
    }
    std::string role = lowercase(xml::attr(n, "role"));
    if (contains({"navigation", "menu", "menubar", "banner", "contentinfo", "complementary",
                  "dialog", "alertdialog", "search", "tablist"},
                 role)) {
        return true;
    }
    if (tag == "article" || tag == "main" || role == "main" || role == "article") {
        return false;
    }
    std::string names = xml::attr(n, "class") + " " + xml::attr(n, "id");
    std::string lnames = lowercase(names);
    // Screen-reader-only text ("Skip to content") is chrome under any spelling.
    if (lnames.find("sr-only") != std::string::npos ||
        lnames.find("visually-hidden") != std::string::npos ||
        lnames.find("screen-reader") != std::string::npos) {
        return true;
    }
    bool strong = false;
    bool weak = false;
    bool positive = false;
    for (const auto& w : words_of(names)) {
        strong = strong || is_strong_negative(w);
        weak = weak || is_weak_negative(w);
        positive = positive || is_positive(w);
    }
    if (strong) {
        // "article-body ad-free" should survive: a block holding several real paragraphs and
        // calling itself content is content.
        return !(positive && stats_of(n).long_paragraphs >= 3);
    }
    return weak && !positive;
}

void remove_chrome(xmlNode* root) {
    std::vector<xmlNode*> doomed;
    xml::walk(
        root,
        [&](const xmlNode* n) {
            if (n->type == XML_COMMENT_NODE) {
                doomed.push_back(const_cast<xmlNode*>(n));
                return false;
            }
            if (n->type != XML_ELEMENT_NODE) {
                return false;
            }
            if (is_chrome(n)) {
                doomed.push_back(const_cast<xmlNode*>(n));
                return false;
            }
            return true;
        },
        [](const xmlNode*) {});
    for (xmlNode* n : doomed) {
        xmlUnlinkNode(n);
        xmlFreeNode(n);
    }
}

struct Meta {
    std::string og_title;
    std::string og_url;
    std::string og_description;
    std::string description;
    std::string author;
    std::string published;
    std::string og_locale;
    std::string content_language;
    std::string canonical;
    std::string title;
    std::string h1;
    std::string base_href;
    std::string lang;

    // A <meta> element; the first value each field gets wins. Both readers call this.
    void add_meta(std::string_view property, std::string_view name, std::string_view itemprop,
                  std::string_view http_equiv, std::string_view content) {
        std::string key = lowercase(property);
        if (key.empty()) {
            key = lowercase(name);
        }
        if (key.empty()) {
            key = lowercase(itemprop);
        }
        auto set = [&](std::string& field) {
            if (field.empty()) {
                field = content;
            }
        };
        if (key == "og:title") {
            set(og_title);
        } else if (key == "og:url") {
            set(og_url);
        } else if (key == "og:description") {
            set(og_description);
        } else if (key == "description") {
            set(description);
        } else if (key == "author" || key == "article:author" || key == "byl") {
            set(author);
        } else if (key == "article:published_time" || key == "datepublished" || key == "pubdate" ||
                   key == "date") {
            set(published);
        } else if (key == "og:locale") {
            set(og_locale);
        } else if (lowercase(http_equiv) == "content-language") {
            set(content_language);
        }
    }

    // A <link> element: the first rel=canonical gives the canonical URL.
    void add_link(std::string_view rel, std::string_view href) {
        for (const auto& word : words_of(rel)) {
            if (word == "canonical" && canonical.empty()) {
                canonical = href;
            }
        }
    }
};

Meta read_meta(const xmlNode* root) {
    Meta m;
    m.lang = xml::attr(root, "lang");
    if (m.lang.empty()) {
        m.lang = xml::lang_of(root);
    }
    xml::walk(
        root,
        [&](const xmlNode* n) {
            if (n->type != XML_ELEMENT_NODE) {
                return false;
            }
            std::string_view tag = xml::local_name(n);
            if (tag == "meta") {
                m.add_meta(xml::attr(n, "property"), xml::attr(n, "name"), xml::attr(n, "itemprop"),
                           xml::attr(n, "http-equiv"), xml::attr(n, "content"));
                return false;
            }
            if (tag == "link") {
                m.add_link(xml::attr(n, "rel"), xml::attr(n, "href"));
                return false;
            }
            if (tag == "base" && m.base_href.empty()) {
                m.base_href = xml::attr(n, "href");
                return false;
            }
            if (tag == "title" && m.title.empty()) {
                m.title = xml::raw_text(n);
                return false;
            }
            if (tag == "h1" && m.h1.empty()) {
                m.h1 = detail::dom_text(n, true);
                return false;
            }
            if (tag == "time" && m.published.empty() && xml::has_attr(n, "datetime") &&
                xml::has_attr(n, "pubdate")) {
                m.published = xml::attr(n, "datetime");
            }
            return !detail::is_invisible_tag(tag) || tag == "head";
        },
        [](const xmlNode*) {});
    return m;
}

// "Ceasefire talks resume | The Daily Courier" -> "Ceasefire talks resume".
std::string strip_site_suffix(const std::string& title) {
    static constexpr std::string_view kSeparators[] = {
        " | ", " - ", " \xE2\x80\x93 ", " \xE2\x80\x94 ", " :: ", " \xC2\xBB "};
    std::size_t best = std::string::npos;
    for (auto sep : kSeparators) {
        std::size_t p = title.rfind(sep);
        if (p != std::string::npos && (best == std::string::npos || p > best)) {
            best = p;
        }
    }
    if (best != std::string::npos && best >= 15) {
        return title.substr(0, best);
    }
    return title;
}

const xmlNode* find_body(const xmlNode* root) {
    for (const xmlNode* c = xml::first_element(root); c != nullptr; c = xml::next_element(c)) {
        if (xml::local_name(c) == "body") {
            return c;
        }
    }
    return root;
}

// The container the page itself declares, if it holds a real article.
const xmlNode* marked_container(const xmlNode* root) {
    const xmlNode* article_body = nullptr;
    const xmlNode* best_article = nullptr;
    std::size_t best_article_chars = 0;
    const xmlNode* main = nullptr;
    xml::walk(
        root,
        [&](const xmlNode* n) {
            if (n->type != XML_ELEMENT_NODE) {
                return false;
            }
            std::string_view tag = xml::local_name(n);
            if (article_body == nullptr && lowercase(xml::attr(n, "itemprop")) == "articlebody") {
                article_body = n;
            }
            if (tag == "article") {
                std::size_t chars = stats_of(n).chars;
                if (chars > best_article_chars) {
                    best_article = n;
                    best_article_chars = chars;
                }
            }
            if (main == nullptr && (tag == "main" || lowercase(xml::attr(n, "role")) == "main")) {
                main = n;
            }
            return true;
        },
        [](const xmlNode*) {});
    if (article_body != nullptr && stats_of(article_body).chars >= 200) {
        return article_body;
    }
    if (best_article != nullptr && best_article_chars >= 200) {
        return best_article;  // its text was counted above; a second walk would say the same
    }
    if (main != nullptr && stats_of(main).chars >= 200) {
        return main;
    }
    return nullptr;
}

// Readability-style scoring: each paragraph-like block gives its parent a score for its
// length and commas, and half of that to its grandparent; the best parent, discounted by its
// link density, holds the article.
const xmlNode* densest_block(const xmlNode* root) {
    // Scores in the order blocks were first scored, so a tie goes to the first in document
    // order (an unordered_map's order would depend on the nodes' addresses).
    std::vector<std::pair<const xmlNode*, double>> scores;
    std::unordered_map<const xmlNode*, std::size_t> slot;
    auto add = [&](const xmlNode* n, double score) {
        auto [it, fresh] = slot.try_emplace(n, scores.size());
        if (fresh) {
            scores.emplace_back(n, 0.0);
        }
        scores[it->second].second += score;
    };
    xml::walk(
        root,
        [&](const xmlNode* n) {
            if (n->type != XML_ELEMENT_NODE) {
                return false;
            }
            std::string_view tag = xml::local_name(n);
            if (tag == "p" || tag == "pre" || tag == "blockquote" || tag == "td") {
                TextStats st = stats_of(n);
                if (st.chars >= 25 && n->parent != nullptr) {
                    double score = 1.0 + static_cast<double>(st.commas) +
                                   std::min(3.0, static_cast<double>(st.chars) / 100.0);
                    add(n->parent, score);
                    if (n->parent->parent != nullptr &&
                        n->parent->parent->type == XML_ELEMENT_NODE) {
                        add(n->parent->parent, score / 2.0);
                    }
                }
                return false;
            }
            return true;
        },
        [](const xmlNode*) {});
    const xmlNode* best = nullptr;
    double best_score = 0.0;
    for (const auto& [node, score] : scores) {
        TextStats st = stats_of(node);
        double density = st.chars == 0
                             ? 1.0
                             : static_cast<double>(st.link_chars) / static_cast<double>(st.chars);
        double adjusted = score * (1.0 - density);
        if (adjusted > best_score) {
            best = node;
            best_score = adjusted;
        }
    }
    return best;
}

// Title, language, canonical URL, summary, author and date from the page's metadata.
HtmlArticle article_from_meta(const Meta& meta, std::string_view base_url) {
    HtmlArticle page;
    std::string base(base_url);
    if (!meta.base_href.empty()) {
        base = resolve_url(base, detail::clean_token(meta.base_href));
    }

    Article& a = page.article;
    a.title = detail::plain_text(meta.og_title, true);
    if (a.title.empty()) {
        a.title = meta.h1;
    }
    if (a.title.empty()) {
        a.title = strip_site_suffix(detail::plain_text(meta.title, true));
    }
    a.language = detail::clean_language(meta.lang);
    if (a.language.empty()) {
        a.language = detail::clean_language(meta.content_language);
    }
    if (a.language.empty()) {
        a.language = detail::clean_language(meta.og_locale);
    }
    std::string canonical = detail::clean_token(meta.canonical);
    if (canonical.empty()) {
        canonical = detail::clean_token(meta.og_url);
    }
    if (!canonical.empty()) {
        a.canonical_url = detail::sanitize(canonical_url(resolve_url(base, canonical)));
    }
    page.summary = detail::plain_text(
        !meta.description.empty() ? meta.description : meta.og_description, false);
    std::string author = detail::clean_token(meta.author);
    if (author.rfind("http", 0) != 0) {  // article:author is often a profile URL
        page.author = author;
    }
    page.published = parse_date(meta.published);
    return page;
}

// The container's paragraphs, without link lists and the repeated headline. `clean` says the
// paragraphs are known to be what sanitize() would leave unchanged.
std::string article_body(detail::TextBuilder& tb, const std::string& title, bool clean = false) {
    std::size_t total = 0;
    for (const auto& p : tb.paragraphs()) {
        total += p.text.size() + 2;
    }
    std::string text;
    text.reserve(total);
    for (const auto& p : tb.paragraphs()) {
        // Mostly-link paragraphs are "Read more:" lists and tag clouds, not article text.
        if (p.link_bytes * 2 > p.text.size()) {
            continue;
        }
        if (text.empty() && p.text == title) {
            continue;  // the headline repeated at the top of the article body
        }
        if (!text.empty()) {
            text += "\n\n";
        }
        text += p.text;
    }
    if (clean) {
        return text;
    }
    return detail::sanitize(std::move(text));
}

// --- the same rules on the flat page --------------------------------------------------------

// lowercase(s) == lower, without building the string.
bool equals_lower(std::string_view s, std::string_view lower) {
    if (s.size() != lower.size()) {
        return false;
    }
    for (std::size_t k = 0; k < s.size(); ++k) {
        char c = s[k];
        if ((c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c) != lower[k]) {
            return false;
        }
    }
    return true;
}

bool is_element(const HtmlPage& page, std::uint32_t i) {
    return page.nodes[i].kind == HtmlNode::Kind::element;
}

bool is_chrome_tag(Tag tag) {
    static const auto table = [] {
        std::array<bool, static_cast<std::size_t>(Tag::count)> t{};
        for (std::size_t i = 0; i < t.size(); ++i) {
            t[i] = is_chrome_tag(detail::tag_name(static_cast<Tag>(i)));
        }
        return t;
    }();
    return table[static_cast<std::size_t>(tag)];
}

TextStats stats_of(const HtmlPage& page, std::uint32_t node) {
    TextStats st;
    int link_depth = 0;
    std::vector<std::size_t> p_starts;
    detail::walk(
        page, node,
        [&](std::uint32_t i) {
            const HtmlNode& n = page.nodes[i];
            if (n.kind == HtmlNode::Kind::text) {
                std::size_t visible = count_text(page.text_of(i), st.commas);
                st.chars += visible;
                if (link_depth > 0) {
                    st.link_chars += visible;
                }
                return false;
            }
            if (n.kind != HtmlNode::Kind::element || detail::is_invisible(n.tag)) {
                return false;
            }
            if (n.tag == Tag::a) {
                ++link_depth;
            } else if (n.tag == Tag::p) {
                p_starts.push_back(st.chars);
            }
            return true;
        },
        [&](std::uint32_t i) {
            Tag tag = page.nodes[i].tag;
            if (tag == Tag::a) {
                --link_depth;
            } else if (tag == Tag::p && !p_starts.empty()) {
                if (st.chars - p_starts.back() >= 100) {
                    ++st.long_paragraphs;
                }
                p_starts.pop_back();
            }
        });
    return st;
}

// stats_of(page, node).chars, counted only until it reaches `enough`: the article checks ask
// whether a container holds 200 visible bytes, and counting a whole article to learn that was
// the largest share of the extractor's own work after the text itself.
std::size_t visible_chars(const HtmlPage& page, std::uint32_t node,
                          std::size_t enough = std::numeric_limits<std::size_t>::max()) {
    std::size_t chars = 0;
    std::size_t commas = 0;
    const std::uint32_t end = page.nodes[node].end;
    std::uint32_t i = node + 1;
    while (i < end && chars < enough) {
        const HtmlNode& n = page.nodes[i];
        if (n.removed || (n.kind == HtmlNode::Kind::element && detail::is_invisible(n.tag))) {
            i = n.end;  // the walk in stats_of skips these subtrees
            continue;
        }
        if (n.kind == HtmlNode::Kind::text) {
            chars += count_text(page.text_of(i), commas);
        }
        ++i;
    }
    return chars;
}

bool is_chrome(const HtmlPage& page, std::uint32_t i) {
    const Tag tag = page.nodes[i].tag;
    if (tag == Tag::html || tag == Tag::body) {
        return false;
    }
    if (is_chrome_tag(tag)) {
        return true;
    }
    if (page.nodes[i].size == 0) {
        return false;  // the rest reads attributes; most elements have none
    }
    if (page.has_attr(i, Attr::hidden) || equals_lower(page.attr(i, Attr::aria_hidden), "true")) {
        return true;
    }
    std::string_view style_attr = page.attr(i, Attr::style);
    if (!style_attr.empty()) {
        std::string style = lowercase(style_attr);
        style.erase(std::remove(style.begin(), style.end(), ' '), style.end());
        if (style.find("display:none") != std::string::npos ||
            style.find("visibility:hidden") != std::string::npos) {
            return true;
        }
    }
    std::string_view role_attr = page.attr(i, Attr::role);
    std::string role = role_attr.empty() ? std::string() : lowercase(role_attr);
    if (!role.empty() && contains({"navigation", "menu", "menubar", "banner", "contentinfo",
                                   "complementary", "dialog", "alertdialog", "search", "tablist"},
                                  role)) {
        return true;
    }
    if (tag == Tag::article || tag == Tag::main || role == "main" || role == "article") {
        return false;
    }
    std::string_view class_attr = page.attr(i, Attr::class_);
    std::string_view id_attr = page.attr(i, Attr::id);
    if (class_attr.empty() && id_attr.empty()) {
        return false;  // " " has no words and no screen-reader marker
    }
    std::string names;
    names.reserve(class_attr.size() + 1 + id_attr.size());
    names.append(class_attr).append(" ").append(id_attr);
    std::string lnames = lowercase(names);
    // Screen-reader-only text ("Skip to content") is chrome under any spelling.
    if (lnames.find("sr-only") != std::string::npos ||
        lnames.find("visually-hidden") != std::string::npos ||
        lnames.find("screen-reader") != std::string::npos) {
        return true;
    }
    bool strong = false;
    bool weak = false;
    bool positive = false;
    for (const auto& w : words_of(names)) {
        strong = strong || is_strong_negative(w);
        weak = weak || is_weak_negative(w);
        positive = positive || is_positive(w);
    }
    if (strong) {
        // "article-body ad-free" should survive: a block holding several real paragraphs and
        // calling itself content is content.
        return !(positive && stats_of(page, i).long_paragraphs >= 3);
    }
    return weak && !positive;
}

void remove_chrome(HtmlPage& page, std::uint32_t root) {
    std::vector<std::uint32_t> doomed;
    detail::walk(page, root, [&](std::uint32_t i) {
        if (!is_element(page, i)) {
            return false;
        }
        if (is_chrome(page, i)) {
            doomed.push_back(i);
            return false;
        }
        return true;
    });
    for (std::uint32_t i : doomed) {
        page.nodes[i].removed = true;
    }
}

// Text and CDATA of the subtree, like xml::raw_text.
std::string raw_text(const HtmlPage& page, std::uint32_t node) {
    std::string out;
    detail::walk(page, node, [&](std::uint32_t i) {
        if (!is_element(page, i)) {
            out.append(page.text_of(i));
        }
        return true;
    });
    return out;
}

Meta read_meta(const HtmlPage& page, std::uint32_t root) {
    Meta m;
    // xml::lang_of finds nothing in an HTML tree: its attributes carry no namespace.
    m.lang = std::string(page.attr(root, Attr::lang));
    detail::walk(page, root, [&](std::uint32_t i) {
        if (!is_element(page, i)) {
            return false;
        }
        const Tag tag = page.nodes[i].tag;
        if (tag == Tag::meta) {
            m.add_meta(page.attr(i, Attr::property), page.attr(i, Attr::name),
                       page.attr(i, Attr::itemprop), page.attr(i, Attr::http_equiv),
                       page.attr(i, Attr::content));
            return false;
        }
        if (tag == Tag::link) {
            m.add_link(page.attr(i, Attr::rel), page.attr(i, Attr::href));
            return false;
        }
        if (tag == Tag::base && m.base_href.empty()) {
            m.base_href = page.attr(i, Attr::href);
            return false;
        }
        if (tag == Tag::title && m.title.empty()) {
            m.title = raw_text(page, i);
            return false;
        }
        if (tag == Tag::h1 && m.h1.empty()) {
            detail::TextBuilder tb(true);
            detail::page_text_into(page, i, tb);
            m.h1 = tb.finish();
            return false;
        }
        if (tag == Tag::time && m.published.empty() && page.has_attr(i, Attr::datetime) &&
            page.has_attr(i, Attr::pubdate)) {
            m.published = page.attr(i, Attr::datetime);
        }
        return !detail::is_invisible(tag) || tag == Tag::head;
    });
    return m;
}

std::uint32_t find_body(const HtmlPage& page, std::uint32_t root) {
    for (std::uint32_t i = root + 1; i < page.nodes[root].end; i = page.nodes[i].end) {
        if (is_element(page, i) && page.nodes[i].tag == Tag::body) {
            return i;
        }
    }
    return root;
}

// The container the page itself declares, if it holds a real article.
std::uint32_t marked_container(const HtmlPage& page, std::uint32_t root) {
    constexpr std::size_t kEnough = 200;
    std::uint32_t article_body = detail::kNoNode;
    std::vector<std::uint32_t> articles;
    std::uint32_t main = detail::kNoNode;
    detail::walk(page, root, [&](std::uint32_t i) {
        if (!is_element(page, i)) {
            return false;
        }
        const Tag tag = page.nodes[i].tag;
        if (article_body == detail::kNoNode &&
            equals_lower(page.attr(i, Attr::itemprop), "articlebody")) {
            article_body = i;
        }
        if (tag == Tag::article) {
            articles.push_back(i);
        }
        if (main == detail::kNoNode &&
            (tag == Tag::main || equals_lower(page.attr(i, Attr::role), "main"))) {
            main = i;
        }
        return true;
    });
    if (article_body != detail::kNoNode && visible_chars(page, article_body, kEnough) >= kEnough) {
        return article_body;
    }
    // The <article> with the most text; a lone one only has to reach the threshold.
    std::uint32_t best_article = detail::kNoNode;
    std::size_t best_article_chars = 0;
    const std::size_t enough =
        articles.size() == 1 ? kEnough : std::numeric_limits<std::size_t>::max();
    for (std::uint32_t i : articles) {
        std::size_t chars = visible_chars(page, i, enough);
        if (chars > best_article_chars) {
            best_article = i;
            best_article_chars = chars;
        }
    }
    if (best_article != detail::kNoNode && best_article_chars >= kEnough) {
        return best_article;
    }
    if (main != detail::kNoNode && visible_chars(page, main, kEnough) >= kEnough) {
        return main;
    }
    return detail::kNoNode;
}

// densest_block on the flat page: same scores, same order, same tie rule.
std::uint32_t densest_block(const HtmlPage& page, std::uint32_t root) {
    std::vector<std::pair<std::uint32_t, double>> scores;
    std::unordered_map<std::uint32_t, std::size_t> slot;
    auto add = [&](std::uint32_t n, double score) {
        auto [it, fresh] = slot.try_emplace(n, scores.size());
        if (fresh) {
            scores.emplace_back(n, 0.0);
        }
        scores[it->second].second += score;
    };
    detail::walk(page, root, [&](std::uint32_t i) {
        if (!is_element(page, i)) {
            return false;
        }
        const Tag tag = page.nodes[i].tag;
        if (tag == Tag::p || tag == Tag::pre || tag == Tag::blockquote || tag == Tag::td) {
            TextStats st = stats_of(page, i);
            const std::uint32_t parent = page.nodes[i].parent;
            if (st.chars >= 25 && parent != detail::kNoNode) {
                double score = 1.0 + static_cast<double>(st.commas) +
                               std::min(3.0, static_cast<double>(st.chars) / 100.0);
                add(parent, score);
                if (page.nodes[parent].parent != detail::kNoNode) {
                    add(page.nodes[parent].parent, score / 2.0);
                }
            }
            return false;
        }
        return true;
    });
    std::uint32_t best = detail::kNoNode;
    double best_score = 0.0;
    for (const auto& [node, score] : scores) {
        TextStats st = stats_of(page, node);
        double density = st.chars == 0
                             ? 1.0
                             : static_cast<double>(st.link_chars) / static_cast<double>(st.chars);
        double adjusted = score * (1.0 - density);
        if (adjusted > best_score) {
            best = node;
            best_score = adjusted;
        }
    }
    return best;
}

// One page buffer per thread, kept between pages unless a large page grew it.
HtmlPage& page_buffer() {
    thread_local HtmlPage page;
    return page;
}

void release_if_large(HtmlPage& page) {
    if (page.text.capacity() > (std::size_t{1} << 20) ||
        page.nodes.capacity() > (std::size_t{1} << 16)) {
        page = HtmlPage{};
    }
}

}  // namespace

Article extract_article(std::string_view html, std::string_view base_url,
                        std::string_view charset) {
    std::string converted;
    std::string_view utf8 =
        detail::utf8_view(html, charset, detail::html_meta_charset(html), converted);
    // utf8_view hands back the bytes themselves only when they are clean UTF-8.
    return detail::extract_html(utf8, base_url, utf8.data() == html.data()).article;
}

namespace detail {

// Whether text libxml2 reads from `utf8` is clean when `utf8` is: the parser copies the
// page's characters and decodes entities, and only a numeric character reference can make a
// control character (&#150; is the C1 control sanitize() maps to an en dash); the HTML named
// entities are all printable.
bool text_stays_clean(std::string_view utf8, bool clean_input) {
    return clean_input && utf8.find("&#") == std::string_view::npos;
}

HtmlArticle extract_html(std::string_view utf8, std::string_view base_url, bool clean_input,
                         bool cut_raw) {
    HtmlPage& page = page_buffer();
    read_html_page(utf8, page, cut_raw, clean_input);
    if (page.nodes.empty()) {
        return {};
    }
    const std::uint32_t root = 0;
    HtmlArticle result = article_from_meta(read_meta(page, root), base_url);
    const std::uint32_t body = find_body(page, root);
    remove_chrome(page, body);
    std::uint32_t container = marked_container(page, body);
    if (container == kNoNode) {
        container = densest_block(page, body);
    }
    if (container == kNoNode) {
        container = body;
    }
    TextBuilder tb;
    page_text_into(page, container, tb);
    result.article.body =
        article_body(tb, result.article.title, text_stays_clean(utf8, clean_input));
    release_if_large(page);
    return result;
}

HtmlArticle extract_html_tree(std::string_view utf8, std::string_view base_url) {
    xml::DocPtr doc = xml::parse_html(utf8, base_url);
    xmlNode* root = doc ? xmlDocGetRootElement(doc.get()) : nullptr;
    if (root == nullptr) {
        return {};
    }
    HtmlArticle result = article_from_meta(read_meta(root), base_url);
    xmlNode* body = const_cast<xmlNode*>(find_body(root));
    remove_chrome(body);
    const xmlNode* container = marked_container(body);
    if (container == nullptr) {
        container = densest_block(body);
    }
    if (container == nullptr) {
        container = body;
    }
    TextBuilder tb;
    dom_text_into(container, tb);
    result.article.body = article_body(tb, result.article.title);
    return result;
}

void read_html(std::string_view utf8, const ReadContext& ctx, ParseResult& out) {
    HtmlArticle page = extract_html(utf8, ctx.base_url);
    Document doc;
    doc.title = std::move(page.article.title);
    doc.body = std::move(page.article.body);
    doc.language = std::move(page.article.language);
    doc.summary = std::move(page.summary);
    doc.author = std::move(page.author);
    doc.published = page.published;
    std::string link = !page.article.canonical_url.empty() ? page.article.canonical_url
                                                           : std::string(ctx.base_url);
    finish_document(doc, {}, link, {}, ctx);
    out.documents.push_back(std::move(doc));
}

}  // namespace detail

}  // namespace ww::parse

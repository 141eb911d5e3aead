#pragma once
// Plain text out of markup: whitespace collapsing, paragraph structure, entity decoding.

#include <libxml/tree.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parse/html_page.hpp"

namespace ww::parse::detail {

// Code point of an HTML/XML named entity without '&' and ';' ("eacute" -> U+00E9), or nullopt.
std::optional<char32_t> named_entity(std::string_view name);
// Numeric character reference body ("#233", "#xE9"). Windows-1252 code points 128-159, which
// old CMSs emit for curly quotes and dashes, are mapped to what they meant; NUL, surrogates and
// out-of-range values become U+FFFD.
std::optional<char32_t> numeric_entity(std::string_view body);
void append_utf8(std::string& out, char32_t cp);

// Builds plain text from a stream of inline text and block boundaries. Runs of whitespace
// (including NBSP) collapse to one space; blocks become paragraphs. Tracks how much of each
// paragraph sat inside links so article extraction can drop link lists.
class TextBuilder {
public:
    struct Paragraph {
        std::string text;
        std::size_t link_bytes = 0;
    };

    explicit TextBuilder(bool single_line = false) : single_line_(single_line) {}

    void text(std::string_view s);
    void line_break();
    void block_break();
    void enter_link() { ++link_depth_; }
    void leave_link() {
        if (link_depth_ > 0) {
            --link_depth_;
        }
    }

    // Paragraphs so far (the open one is closed first).
    const std::vector<Paragraph>& paragraphs();
    // Paragraphs joined with "\n\n" (or " " in single-line mode), sanitized UTF-8. The last
    // call on a builder: it may move the paragraphs' text out.
    std::string finish();

private:
    bool single_line_;
    bool pending_space_ = false;
    bool pending_newline_ = false;
    int link_depth_ = 0;
    Paragraph current_;
    std::vector<Paragraph> paragraphs_;
};

// Plain text of an HTML fragment (an RSS description, an Atom type="html" title): tags
// stripped, script/style content dropped, entities decoded, block elements turned into
// paragraph breaks ("\n\n"), or everything on one line when `single_line`. Linear time.
std::string html_to_text(std::string_view html, bool single_line);

// Text of a parsed (X)HTML subtree with the same block/inline rules as html_to_text. Never
// descends into entity references.
void dom_text_into(const xmlNode* node, TextBuilder& out);
std::string dom_text(const xmlNode* node, bool single_line);

// The same for a node of a flat HtmlPage (and its subtree).
void page_text_into(const HtmlPage& page, std::uint32_t node, TextBuilder& out);

// Element classes shared by the string and DOM converters (lowercase local names).
bool is_block_tag(std::string_view name);
bool is_invisible_tag(std::string_view name);
// The same classes by HtmlPage tag.
bool is_block(Tag tag);
bool is_invisible(Tag tag);

// Plain text that needs no markup handling: sanitized, whitespace collapsed like html_to_text.
std::string plain_text(std::string_view text, bool single_line);

// Printable ASCII words separated by single spaces, nothing to trim: what plain_text(text, true)
// returns unchanged, and html_to_text too when there is no markup. Most ids, links, dates and
// titles look like this. clean_token returns such a text as it is.
bool is_clean_token(std::string_view text);

// Sanitized single line with only leading/trailing whitespace trimmed (ids, URLs, language).
std::string clean_token(std::string_view text);

// Windows-1252 bytes 0x80-0x9F decoded into C1 controls by a misdeclared ISO-8859-1 (or a
// numeric reference like &#146;) are mapped to the characters they stood for; then
// ww::text::sanitize_utf8.
std::string sanitize(std::string_view text);
std::string sanitize(std::string&& text);  // no copy when `text` is clean

// True when sanitize() would return `text` unchanged: valid UTF-8 with no NUL, no C0 control
// other than tab, LF and CR, no DEL and no C1 control. Eight ASCII bytes per step, so callers
// can skip the copying passes on the common, already clean text.
bool is_clean_utf8(std::string_view text);

}  // namespace ww::parse::detail

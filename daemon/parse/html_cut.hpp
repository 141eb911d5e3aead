#pragma once
// Text libxml2 would walk character by character: the contents of <script> and <style>
// elements and of comments, which article extraction never reads, and runs of plain text
// between tags, which it reads at about 70 instructions a byte. cut_raw_text finds them the way
// libxml2 2.9.14's HTML parser in recover mode does and hands back the page without them, with
// a list of what was cut. The reader (html_page.cpp) parses the cut page and checks every cut
// against the parser's own events: a script or style cut must follow a start tag of that name
// ending at the cut, a comment cut must come back as an empty comment ending there, and a text
// cut, which leaves a placeholder character (placeholder.hpp), must come back as text. A cut
// the parser does not confirm, in page order, sends the reader back to the whole page, so the
// page it builds is the one the whole page gives, node for node.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ww::parse::detail {

struct HtmlCut {
    enum class Kind : std::uint8_t { script, style, comment, text };
    Kind kind;
    std::uint32_t at;     // in the cut page: script/style, the '>' of the start tag; comment,
                          // one past the "-->"; text, the placeholder
    std::uint32_t begin;  // the bytes cut, in the original page
    std::uint32_t size;
};

// Writes the page without the cut contents to `out` and the cuts, in page order, to `cuts`
// (both cleared first). Returns false, leaving `out` empty, when nothing was cut. `page_clean`:
// `page` is known to pass is_clean_utf8, so the cuts need no check of their own.
bool cut_raw_text(std::string_view page, std::string& out, std::vector<HtmlCut>& cuts,
                  bool page_clean = false);

}  // namespace ww::parse::detail

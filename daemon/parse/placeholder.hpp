#pragma once
// Runs of plain text libxml2 would otherwise read character by character can be taken out of a
// document before it is parsed and put back from the original afterwards. Each run leaves one
// placeholder, U+E000 (a private-use character), which the parser hands back as text like any
// other character; the reader swaps each placeholder it gets for the run it stands for, in
// order. The reader counts them: every run must come back exactly once, as text, or the
// document is read again whole. That only holds when nothing else in the document can turn
// into U+E000, which may_forge_placeholder checks first.

#include <cstddef>
#include <string_view>

namespace ww::parse::detail {

inline constexpr std::string_view kPlaceholder = "\xEE\x80\x80";  // U+E000 in UTF-8

// Whether parsing `doc` could produce U+E000 other than from a placeholder: the character
// itself, or a numeric reference that stands for it (&#57344;, &#xE000;, with any leading
// zeros, with or without the ';' HTML lets go). Documents for which this is true keep their
// text in place.
bool may_forge_placeholder(std::string_view doc);

// Calls `text(piece)` for the text between placeholders in `chunk` and `run()` for each
// placeholder, in order. A parser never splits a character across two calls of its text
// callback, so a placeholder always arrives whole.
template <class Text, class Run>
void expand_placeholders(std::string_view chunk, Text&& text, Run&& run) {
    for (;;) {
        const std::size_t at = chunk.find(kPlaceholder);
        if (at == std::string_view::npos) {
            if (!chunk.empty()) {
                text(chunk);
            }
            return;
        }
        if (at > 0) {
            text(chunk.substr(0, at));
        }
        run();
        chunk.remove_prefix(at + kPlaceholder.size());
    }
}

}  // namespace ww::parse::detail

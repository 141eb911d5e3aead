#pragma once
// Evidence snippets: a window of original text around a hit, for alerts and highlighting.

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ww::rules::detail {

inline constexpr std::size_t kSnippetChars = 200;

struct Snippet {
    std::string text;
    std::vector<std::pair<std::size_t, std::size_t>> marks;  // byte ranges inside `text`
};

// About `chars` code points of `original` around [begin, end) (byte offsets, half-open), cut
// at word boundaries and never inside a UTF-8 sequence, with "…" where text was cut. Line
// breaks and tabs become spaces. `ranges` (byte ranges in `original`, e.g. every span in this
// field) become `marks` where they fall inside the window.
Snippet make_snippet(std::string_view original, std::size_t begin, std::size_t end,
                     const std::vector<std::pair<std::size_t, std::size_t>>& ranges,
                     std::size_t chars = kSnippetChars);

}  // namespace ww::rules::detail

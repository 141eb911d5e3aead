#pragma once
// Article extraction from HTML pages (article.cpp), with both front ends reachable so tests can
// compare them: the flat HtmlPage read in SAX mode (the one extract_article and read_html use)
// and the libxml2 tree it replaced.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "wirewatch/parse/feed.hpp"

namespace ww::parse::detail {

struct HtmlArticle {
    Article article;
    std::string summary;
    std::string author;
    std::optional<std::chrono::sys_seconds> published;
};

// `utf8` must already be UTF-8. Same rules, same results; extract_html does not build a tree.
// `clean_input`: `utf8` is known to pass is_clean_utf8 (the article body then skips its final
// sanitizing pass when no character reference could have brought a control character in).
// `cut_raw`: read_html_page's cut of script, style and comment contents and of plain text runs
// (tests turn it off to compare).
HtmlArticle extract_html(std::string_view utf8, std::string_view base_url, bool clean_input = false,
                         bool cut_raw = true);
HtmlArticle extract_html_tree(std::string_view utf8, std::string_view base_url);

}  // namespace ww::parse::detail

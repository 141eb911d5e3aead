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
HtmlArticle extract_html(std::string_view utf8, std::string_view base_url);
HtmlArticle extract_html_tree(std::string_view utf8, std::string_view base_url);

}  // namespace ww::parse::detail

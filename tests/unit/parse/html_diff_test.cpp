// The flat SAX-built page against the libxml2 tree it replaced: every fixture, the demo
// corpus, pages built to hit the tree builder's corners, and mutations of all of them must
// give identical articles (every field) on both paths.

#include <gtest/gtest.h>

#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "../../../bench/html_pages.hpp"
#include "parse/encoding.hpp"
#include "parse/html_article.hpp"
#include "parse_test_util.hpp"

namespace ww::parse {
namespace {

std::string describe(const detail::HtmlArticle& a) {
    return "title=" + a.article.title + "\nlanguage=" + a.article.language +
           "\ncanonical=" + a.article.canonical_url + "\nsummary=" + a.summary +
           "\nauthor=" + a.author + "\npublished=" + test::iso(a.published) +
           "\nbody=" + a.article.body + "\n";
}

// "" when both paths agree, else both descriptions. The bytes are converted to UTF-8 the way
// extract_article does.
std::string difference(const std::string& bytes, const std::string& base_url) {
    std::string converted;
    std::string_view utf8 =
        detail::utf8_view(bytes, "", detail::html_meta_charset(bytes), converted);
    std::string flat = describe(detail::extract_html(utf8, base_url, utf8.data() == bytes.data()));
    std::string tree = describe(detail::extract_html_tree(utf8, base_url));
    return flat == tree ? std::string() : "flat:\n" + flat + "\ntree:\n" + tree;
}

// Pages that reach what the flat page reproduces of libxml2's tree builder.
std::vector<std::string> built_pages() {
    const std::string bench = bench::clean_article_page();

    const std::string para =
        "<p>Officials said on Monday that the talks, which had stalled for weeks, would resume "
        "in the capital, with observers from three countries attending.</p>";
    std::string deep = "<html><body>" + para;
    for (int i = 0; i < 300; ++i) {
        deep += "<div>" + para;
    }
    std::string soup = "<html><body><div id=main-content>";
    for (int i = 0; i < 6; ++i) {
        soup += "<div class=\"story-body\">" + para + para + "</div><td>" + para + "</td>";
    }
    soup += "<div class=\"related\"><a href=/1>One</a> <a href=/2>Two</a></div></div>";
    return {
        bench,
        deep,
        soup,
        "",
        "<!-- only a comment -->",
        "plain text, no markup at all, but long enough to be a paragraph of its own",
        "<p>unclosed <div class=\"article-body\"" + para + para + para + "<div class=\"x\"",
        "<html><head><title>T</title><meta name=description content=\"D\"></head>"
        "<body><p>x<sup>1</sup> <time>y</time> z<input> <b>w</b></p></body></html>",
        "<html><body><p>a</p></body></html><p>after the root " + para,
        // An element hung under the root, then a DOCTYPE (it becomes the document's first
        // node), then a top-level element outside the root.
        "<html><body><p>a</p></body></html><p>after the root " + para +
            "<!DOCTYPE html PUBLIC \"-//W3C//DTD HTML 4.01//EN\"> more</html>outside " + para,
        "<html><body><p>a<!-- c -->b<?pi x?>c</p><script>var a = 1 < 2;</script>" + para +
            "</body></html>",
        "<!DOCTYPE html PUBLIC \"-//W3C//DTD HTML 4.01//EN\"><html><body> <p> a </p> " + para +
            " <div> </div> </body></html>",
        "<html><body><xhtml:p>prefixed " + para + "</xhtml:p><a:>x</a:></body></html>",
        "<title>Ceasefire talks resume in the capital | The Daily Courier</title>"
        "<h1><span>Head</span> <em>line</em></h1><main>" +
            para + para + "</main>",
        "<html lang=en_US><head><meta property=og:title content=\"OG &amp; title\">"
        "<meta property=article:author content=\"https://x/author\"><meta name=date "
        "content=\"2026-11-25T09:14:03Z\"><link rel=\"alternate canonical\" "
        "href=\"/c?utm_source=rss&id=4#frag\"><base href=\"https://b.example/d/\"></head>"
        "<body><div itemprop=articleBody>" +
            para + para + "</div></body></html>",
    };
}

std::vector<std::string> corpus() {
    std::vector<std::string> inputs = built_pages();
    std::vector<std::string> dirs = {std::string(WW_TEST_DATA) + "/pages",
                                     std::string(WW_TEST_DATA) + "/feeds",
                                     std::string(WW_SOURCE_DIR) + "/demo"};
    for (const auto& dir : dirs) {
        for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
            if (e.is_regular_file()) {
                inputs.push_back(test::read_file(e.path().string()));
            }
        }
    }
    return inputs;
}

const char* const kBaseUrls[] = {"https://site.example/section/page", "",
                                 "http://ex ample.org/a b/c?d=%zz", "relative/path"};

TEST(HtmlDiff, EveryFixtureAndBuiltPageExtractsTheSame) {
    std::size_t inputs = 0;
    for (const auto& bytes : corpus()) {
        for (const char* base : kBaseUrls) {
            EXPECT_EQ(difference(bytes, base), "") << "base " << base << "\ninput:\n" << bytes;
        }
        ++inputs;
    }
    EXPECT_GT(inputs, 20u);
}

TEST(HtmlDiff, TheFlatPathFindsTheArticle) {
    // Guards against the comparison passing because both paths return nothing.
    detail::HtmlArticle a = detail::extract_html(built_pages().front(), "https://x.example/");
    EXPECT_EQ(a.article.title, "Talks resume");
    EXPECT_EQ(a.article.language, "en");
    EXPECT_NE(a.article.body.find("Paragraph 39: negotiators"), std::string::npos);
    EXPECT_EQ(a.article.body.find("Home"), std::string::npos);
}

TEST(HtmlDiff, TooDeepAPageStopsBothPathsAtTheSamePlace) {
    std::string deep = built_pages()[1];
    detail::HtmlArticle a = detail::extract_html(deep, "");
    EXPECT_FALSE(a.article.body.empty());
    EXPECT_EQ(difference(deep, ""), "");
}

TEST(HtmlDiff, HugeTextNodeStopsBothPathsAtTheSamePlace) {
    // libxml2's tree builder stops at a text node over 10,000,000 bytes.
    std::string huge = "<html><body><p>" + std::string(10'000'100, 'x') + "</p><p>after</p>";
    EXPECT_EQ(difference(huge, ""), "");
}

// Constructs the flat page must treat as the tree builder does, spliced into pages.
const char* const kTokens[] = {
    "<",
    ">",
    "&",
    "&amp;",
    "&nbsp;",
    "&#150;",
    "&bogus;",
    "\xc2\xa0",
    "\xc3",
    "\"",
    "'",
    "\n",
    "  ",
    "<!-- c -->",
    "<?pi x?>",
    "<![CDATA[x<b>y</b>]]>",
    "<!DOCTYPE html PUBLIC \"-//W3C//DTD HTML 4.01//EN\">",
    "<script>if (a < b) { x = '</p>'; }</script>",
    "<style>p { color: red }</style>",
    "<noscript><p>Enable JavaScript to read this page, please, thank you.</p></noscript>",
    "<math><p>m</p></math>",
    "<html lang=\"fr\">",
    "<head>",
    "</head>",
    "<body>",
    "</body>",
    "</html>",
    "<title>A title long enough | Site</title>",
    "<meta property=\"og:title\" content=\"OG title\">",
    "<meta name=\"description\" content=\"A summary, of sorts.\">",
    "<meta http-equiv=\"content-language\" content=\"de\">",
    "<link rel=\"canonical\" href=\"/c?utm_source=x&amp;a=1\">",
    "<base href=\"/b/\">",
    "<time datetime=\"2026-01-02T03:04:05Z\" pubdate>",
    "<h1>Headline</h1>",
    "<p>",
    "</p>",
    "<p class=\"x\"",
    "<div>",
    "</div>",
    "<div class=\"nav\">",
    "<div class=\"article-body ad\">",
    "<div class=\"sidebar\">",
    "<div id=\"sr-only\">",
    "<article>",
    "</article>",
    "<main>",
    "<section role=\"main\">",
    "<div itemprop=\"articleBody\">",
    "<a href=\"/x\">",
    "</a>",
    "<br>",
    "<br/>",
    "<img src=x>",
    "<table><tr><td>",
    "</td>",
    "<th>",
    "<sup>1</sup>",
    "<input>",
    "<xhtml:p>",
    " hidden",
    " aria-hidden=\"true\"",
    " style=\"display: none\"",
    " class=\"story\"",
    "<p>Negotiators met on Tuesday, in a neutral capital, to discuss corridors, exchanges "
    "and a truce that both sides said they wanted to hold through the winter.</p>",
};

TEST(HtmlDiff, MutatedPagesExtractTheSame) {
    std::minstd_rand random(test::env_int("DIFF_SEED", 13));
    const int per_input = test::env_int("DIFF_N", 40);
    std::size_t inputs = 0;
    for (const auto& bytes : corpus()) {
        if (bytes.size() > 200'000) {
            continue;
        }
        for (int i = 0; i < per_input; ++i) {
            std::string mutated = test::mutate_markup(bytes, random, kTokens, 4, 5);
            const char* base = kBaseUrls[random() % (sizeof kBaseUrls / sizeof *kBaseUrls)];
            ASSERT_EQ(difference(mutated, base), "")
                << "mutation " << i << " base " << base << "\ninput:\n"
                << mutated;
            ++inputs;
        }
    }
    EXPECT_GT(inputs, 1000u);
}

}  // namespace
}  // namespace ww::parse

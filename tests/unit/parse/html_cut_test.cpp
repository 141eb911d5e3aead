// read_html_page hands libxml2 the page without script, style and comment contents and checks
// every cut against the parser's events (html_cut.hpp). Read with and without the cut, every
// fixture, demo page, built corner and mutation must give the same flat page, node for node,
// and the same article, field for field; and the corners the cut is for must really be read cut,
// or the comparison would pass by falling back.

#include "parse/html_cut.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "../../../bench/html_pages.hpp"
#include "parse/encoding.hpp"
#include "parse/html_article.hpp"
#include "parse/html_page.hpp"
#include "parse/placeholder.hpp"
#include "parse_test_util.hpp"

namespace ww::parse {
namespace {

using detail::HtmlPage;

std::string describe(const HtmlPage& page) {
    std::ostringstream out;
    for (std::size_t i = 0; i < page.nodes.size(); ++i) {
        const auto& n = page.nodes[i];
        out << i << ' ' << static_cast<int>(n.kind) << ' ' << static_cast<int>(n.tag) << " parent "
            << n.parent << " end " << n.end;
        if (n.kind == detail::HtmlNode::Kind::element) {
            for (std::uint32_t a = 0; a < n.size; ++a) {
                const auto& attr = page.attrs[n.begin + a];
                out << " [" << static_cast<int>(attr.name) << '='
                    << page.text.substr(attr.begin, attr.size) << ']';
            }
        } else {
            out << " \"" << page.text_of(static_cast<std::uint32_t>(i)) << '"';
        }
        out << '\n';
    }
    return out.str();
}

std::string describe(const detail::HtmlArticle& a) {
    return "title=" + a.article.title + "\nlanguage=" + a.article.language +
           "\ncanonical=" + a.article.canonical_url + "\nsummary=" + a.summary +
           "\nauthor=" + a.author + "\npublished=" + test::iso(a.published) +
           "\nbody=" + a.article.body + "\n";
}

struct Outcome {
    std::string difference;  // "" when both reads agree
    bool read_cut = false;
};

// Both reads of `bytes`, converted to UTF-8 the way extract_article does.
Outcome compare(const std::string& bytes, const std::string& base_url = "https://x.example/a") {
    std::string converted;
    std::string_view utf8 =
        detail::utf8_view(bytes, "", detail::html_meta_charset(bytes), converted);
    const bool clean = utf8.data() == bytes.data();
    Outcome out;
    HtmlPage whole;
    HtmlPage cut;
    detail::read_html_page(utf8, whole, false);
    out.read_cut = detail::read_html_page(utf8, cut, true, clean);
    const std::string a = describe(whole);
    const std::string b = describe(cut);
    if (a != b) {
        out.difference = "whole:\n" + a + "\ncut:\n" + b;
        return out;
    }
    const std::string x = describe(detail::extract_html(utf8, base_url, clean, false));
    const std::string y = describe(detail::extract_html(utf8, base_url, clean, true));
    if (x != y) {
        out.difference = "whole:\n" + x + "\ncut:\n" + y;
    }
    return out;
}

const std::string kPara =
    "<p>Officials said on Monday that the talks, which had stalled for weeks, would resume in "
    "the capital, with observers from three countries attending.</p>";

// Corners of libxml2's script, style and comment reading that the cut reproduces: each must be
// read cut, and the same.
std::vector<std::string> cut_corners() {
    std::string big_json = "<script type=\"application/json\">{\"items\":[";
    for (int i = 0; i < 3000; ++i) {
        big_json += "{\"id\":" + std::to_string(i) + ",\"t\":\"caf\xc3\xa9 <b> & </p>\"},";
    }
    big_json += "0]}</script>";
    return {
        "<html><head><script>var a = '<p>x</p>'; if (a < b) {}</script><style>p{}</style>"
        "</head><body>" +
            kPara + "</body></html>",
        "<SCRIPT type=\"text/javascript\">x = 1;</SCRIPT >" + kPara,
        "<script>a</scriptx>b</script>c" + kPara,
        "<script>a</ScRiPt>b" + kPara,
        "<script data-x=\"a>b\" src='c>d' defer>var x;</script>" + kPara,
        "<script a b='>' c=d>x</script>" + kPara,
        "<script\n\ttype=module\n>x</script>" + kPara,
        "<script src=/a.js/>x</script>" + kPara,
        "<body>" + kPara + "<script>x = 1; // unterminated, takes the rest <p>not text</p>",
        "<!-- a <!-- b --> c --> d" + kPara,
        "<!----->x<!-- - -->" + kPara,
        "<script>\n</script>" + kPara,
        "<script><!-- hidden from old browsers --></script>" + kPara,
        "<script><![CDATA[ x ]]></script>" + kPara,
        "<title>T<script>x</script>U</title>" + kPara,
        "<textarea><script>x</script></textarea>" + kPara,
        "<svg><style>.a{}</style><path d=\"M0\"/></svg>" + kPara,
        "<script>x\r\ny</script>" + kPara,
        "<style>a</STYLE>b" + kPara,
        "<script>a</script><script>b</script><style>c</style><!--d-->" + kPara,
        "<!-- c --><!DOCTYPE html><script>a</script><html><body>" + kPara +
            "</body></html><script>z</script><!-- after -->",
        big_json + kPara,
        "<div><script>a</script>b<!-- c -->d</div>" + kPara,
        "<script>a</ script>b</script>" + kPara,
        "<p>a<!-- c -->b</p>" + kPara,
        "<script>caf\xc3\xa9 \xe2\x80\x94 \xf0\x9f\x98\x80</script>" + kPara,
        bench::news_article_page(),
        bench::clean_article_page(),
    };
}

// Corners of libxml2's character data that text cuts must reproduce: where a run starts and
// stops, references inside it, implied elements opened by the first non-blank chunk of text,
// blank chunks of 1,000 bytes and more ahead of it. Each must be read cut, and the same.
std::vector<std::string> text_corners() {
    const std::string blanks_999(999, ' ');
    const std::string blanks_1500 = std::string(700, ' ') + "\n\t" + std::string(798, ' ');
    std::string long_run;
    for (int i = 0; i < 60; ++i) {
        long_run += "word" + std::to_string(i) + (i % 7 == 0 ? "\n   " : " ");
    }
    return {
        "Plain text before any tag at all, which opens html, body and p" + kPara,
        "<html><head>Text that sits in the head element itself</head><body>" + kPara,
        "<html>Text right inside the html element, ahead of any body" + kPara,
        "<html><head><title>A title long enough to be cut</title></head>" + kPara,
        "<html><head>" + blanks_999 + "text after 999 blanks in the head</head>" + kPara,
        "<html><head>" + blanks_1500 + "text after 1500 blanks in the head</head>" + kPara,
        "<html><head>" + blanks_1500 + "</head><body>" + blanks_1500 + "x and then text" + kPara,
        "<p>Tom &amp; Jerry went out &copy; 2024 and came back &#8217;s later</p>" + kPara,
        "<p>An &unknown entity and &amp more &#x2014 dashes &# and &#x; and &</p>" + kPara,
        "<p>&amp;no blank after the reference for a long while</p>" + kPara,
        "<p>caf\xc3\xa9 \xe2\x80\x94 na\xc3\xafve \xe5\x8c\x97\xe4\xba\xac \xf0\x9f\x98\x80 "
        "text</p>" +
            kPara,
        "<p>Windows lines\r\nwith carriage returns\r\nin them</p>" + kPara,
        "<p>a < b and a longer text after the lone angle bracket</p>" + kPara,
        "<p>x</ p>text after a bogus end tag runs on</p>" + kPara,
        "<textarea>Text inside a text area element here</textarea>" + kPara,
        "<p>" + long_run + long_run + long_run + "</p>" + kPara,
        "<ul><li>First item text long<li>Second item text long</ul>" + kPara,
        "<table><tr><td>Cell text that is long</td></tr>Stray text in the table</table>" + kPara,
        "<html><body>" + kPara + "</body></html>Text after the end of the html element",
        "<p>Text then a comment<!-- c -->and more text after it</p>" + kPara,
        "<div>text<script>x</script>more text right after a script</div>" + kPara,
    };
}

// Corners the cut must leave alone or get confirmed; only sameness is required.
std::vector<std::string> other_corners() {
    std::string nul_script = "<script>a";
    nul_script += '\0';
    nul_script += "b</script>" + kPara;
    std::string deep = "<html><body>";
    for (int i = 0; i < 300; ++i) {
        deep += "<div><script>var d = " + std::to_string(i) + ";</script>";
    }
    return {
        // The parser stops at depth 256: the cuts after it are never confirmed.
        deep + kPara,
        // The bogus comment "<![CDATA[<script>" ends at the script tag's '>'.
        "<![CDATA[<script>x</script>]]>" + kPara,
        "<p title=\"<script>x</script>\">t</p>" + kPara,
        "<p title=<script>x</script>>t</p>" + kPara,
        "<p title='<!-- x -->'>t</p>" + kPara,
        "<script/>after" + kPara,
        "<script />after" + kPara,
        "<script></div>x</script>" + kPara,
        "<script><b>x</b></script>" + kPara,
        "<script>\xef\xbf\xbe</script>" + kPara,
        "<script>\x01</script>" + kPara,
        "<script>\xc2\x85</script>" + kPara,
        "<style>a</style" + kPara,
        "<!-- a --!> b -->" + kPara,
        "<!-->x<!--->y<!---->z" + kPara,
        "<x:script>y</x:script><scripts>z</scripts>" + kPara,
        "<div class=\"a>" + kPara + "<script>x</script>",
        "<div class=\"a\"<script>x</script>" + kPara,
        "<?php echo '<script>'; ?><script>x</script>" + kPara,
        "<!DOCTYPE html \"<script>\"><script>x</script>" + kPara,
        "</div <script>>x</script>" + kPara,
        "<script>a</script" + kPara,
        "<scr<script>ipt>x</script>" + kPara,
        nul_script,
        // Text runs the cut leaves in place, or confirms only in part.
        std::string("<p>A NUL\0 inside a long run of text, and text after it</p>", 58) + kPara,
        "<p>U+FFFE \xef\xbf\xbe inside a long run of text</p>" + kPara,
        "<p>Invalid \xc3 UTF-8 inside a long run of text</p>" + kPara,
        "<p>A private-use \xee\x80\x80 character in a long run of text</p>" + kPara,
        "<p>A reference &#xE000; to the placeholder in a long run of text</p>" + kPara,
        "<p>A reference &#57344 to the placeholder, no semicolon</p><script>x</script>" + kPara,
        "<p title=\"a long attribute value with text\" id=x>text in a long run</p>" + kPara,
        "<p title=a\"b'c>text right after odd quoting in a tag</p>" + kPara,
        "<a href=x'long text that looks like a run'>y</a>" + kPara,
        "<div <p>text after a start tag with a junk attribute</p>" + kPara,
    };
}

std::vector<std::string> corpus() {
    std::vector<std::string> inputs = cut_corners();
    for (auto& page : text_corners()) {
        inputs.push_back(std::move(page));
    }
    for (auto& page : other_corners()) {
        inputs.push_back(std::move(page));
    }
    for (const auto& dir :
         {std::string(WW_TEST_DATA) + "/pages", std::string(WW_TEST_DATA) + "/feeds",
          std::string(WW_SOURCE_DIR) + "/demo"}) {
        for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
            if (e.is_regular_file()) {
                inputs.push_back(test::read_file(e.path().string()));
            }
        }
    }
    return inputs;
}

TEST(HtmlCut, CornersAreReadCutAndTheSame) {
    for (const auto& page : cut_corners()) {
        Outcome o = compare(page);
        EXPECT_EQ(o.difference, "") << "input:\n" << page;
        EXPECT_TRUE(o.read_cut) << "not read cut:\n" << page;
    }
}

TEST(HtmlCut, TextCornersAreReadCutAndTheSame) {
    for (const auto& page : text_corners()) {
        Outcome o = compare(page);
        EXPECT_EQ(o.difference, "") << "input:\n" << page;
        EXPECT_TRUE(o.read_cut) << "not read cut:\n" << page;
    }
}

// The parser skips up to two byte order marks at the start of a page it is told is UTF-8, and
// reads a third as text. (extract_article's conversion drops a leading mark before the reader
// sees the page; other callers hand pages on as they are.)
TEST(HtmlCut, AByteOrderMarkAtTheStartIsNotText) {
    for (const std::string& page :
         {"\xef\xbb\xbfText right after a byte order mark" + kPara,
          "\xef\xbb\xbf\xef\xbb\xbfText after two byte order marks" + kPara,
          "\xef\xbb\xbf\xef\xbb\xbf\xef\xbb\xbfText after three byte order marks" + kPara}) {
        HtmlPage whole;
        HtmlPage cut;
        detail::read_html_page(page, whole, false);
        EXPECT_TRUE(detail::read_html_page(page, cut, true, true)) << page;
        EXPECT_EQ(describe(whole), describe(cut)) << page;
    }
}

// A page that could make the parser hand back U+E000 itself keeps its text in place: with no
// script, style or comment it is not cut at all, and the character stays what it was.
TEST(HtmlCut, APageThatCouldForgeAPlaceholderKeepsItsText) {
    for (const std::string& page :
         {"<p>A private-use \xee\x80\x80 character in a long run of text</p>" + kPara,
          "<p>A reference &#xE000; to the placeholder in a long run of text</p>" + kPara}) {
        Outcome o = compare(page);
        EXPECT_EQ(o.difference, "") << page;
        EXPECT_FALSE(o.read_cut) << page;
        HtmlPage read;
        detail::read_html_page(page, read, true, false);
        EXPECT_NE(read.text.find("\xee\x80\x80"), std::string::npos) << page;
    }
}

// Past depth 256 the parser stops: the text cuts after that point never come back, so the page
// must be read whole, and reads the same.
TEST(HtmlCut, TextCutsTheParserNeverReturnsSendItBackToTheWholePage) {
    std::string deep = "<html><body>";
    for (int i = 0; i < 300; ++i) {
        deep += "<div>text at depth " + std::to_string(i) + " of the page";
    }
    Outcome o = compare(deep + kPara);
    EXPECT_EQ(o.difference, "");
    EXPECT_FALSE(o.read_cut);
}

TEST(HtmlCut, EveryFixtureAndCornerReadsTheSame) {
    std::size_t read_cut = 0;
    std::size_t inputs = 0;
    for (const auto& page : corpus()) {
        Outcome o = compare(page);
        EXPECT_EQ(o.difference, "") << "input:\n" << page;
        read_cut += o.read_cut ? 1 : 0;
        ++inputs;
    }
    EXPECT_GT(inputs, 60u);
    EXPECT_GT(read_cut, 30u);
}

TEST(HtmlCut, CutsTextRunsFromTheirFirstNonBlankByteToTheNextReferenceOrTag) {
    std::string out;
    std::vector<detail::HtmlCut> cuts;
    const std::string page =
        "<p>\n  A first run of text &amp; then a second one</p><b>short</b>"
        "<p>&copy;after-the-reference words follow</p>";
    ASSERT_TRUE(detail::cut_raw_text(page, out, cuts, true));
    const std::string mark(detail::kPlaceholder);
    EXPECT_EQ(out, "<p>\n  " + mark + "&amp; " + mark +
                       "</p><b>short</b><p>&copy;after-the-reference " + mark + "</p>");
    ASSERT_EQ(cuts.size(), 3u);
    EXPECT_EQ(page.substr(cuts[0].begin, cuts[0].size), "A first run of text ");
    EXPECT_EQ(page.substr(cuts[1].begin, cuts[1].size), "then a second one");
    EXPECT_EQ(page.substr(cuts[2].begin, cuts[2].size), "words follow");
    for (const auto& cut : cuts) {
        EXPECT_EQ(cut.kind, detail::HtmlCut::Kind::text);
        EXPECT_EQ(out.substr(cut.at, mark.size()), mark);
    }
}

TEST(HtmlCut, CutsWhatLibxml2WouldWalk) {
    std::string out;
    std::vector<detail::HtmlCut> cuts;
    const std::string page =
        "<head><script a='>'>var x = '</p>';</script><style>p{}</STYLE><!-- note --></head>"
        "<p title=\"<!-- not a comment -->\">text</p>";
    ASSERT_TRUE(detail::cut_raw_text(page, out, cuts));
    EXPECT_EQ(out,
              "<head><script a='>'></script><style></STYLE><!----></head>"
              "<p title=\"<!-- not a comment -->\">text</p>");
    ASSERT_EQ(cuts.size(), 3u);
    EXPECT_EQ(page.substr(cuts[0].begin, cuts[0].size), "var x = '</p>';");
    EXPECT_EQ(out[cuts[0].at], '>');
    EXPECT_EQ(page.substr(cuts[1].begin, cuts[1].size), "p{}");
    EXPECT_EQ(page.substr(cuts[2].begin, cuts[2].size), " note ");
    EXPECT_EQ(out.substr(cuts[2].at - 3, 3), "-->");
}

TEST(HtmlCut, TheRealisticPageKeepsItsArticle) {
    const std::string page = bench::news_article_page();
    detail::HtmlArticle a = detail::extract_html(page, "https://news.example/", true);
    EXPECT_FALSE(a.article.title.empty());
    EXPECT_NE(a.article.body.find("negotiators"), std::string::npos);
    EXPECT_EQ(a.article.body.find("function("), std::string::npos);
    EXPECT_EQ(a.article.body.find("Subscribe"), std::string::npos);
}

// Constructs around scripts, styles and comments, spliced into pages.
const char* const kTokens[] = {
    "<script>",
    "</script>",
    "<SCRIPT type=\"a>b\">",
    "</scriptx>",
    "</ScRiPt",
    "<style>",
    "</style>",
    "<script/>",
    "<script>var a = '<p>' + \"</div>\";</script>",
    "<style>p > a { color: red }</style>",
    "<!--",
    "-->",
    "--!>",
    "<!-- c -->",
    "<!---->",
    "<!-->",
    "<![CDATA[",
    "]]>",
    "<",
    ">",
    "</",
    "\"",
    "'",
    "=",
    " ",
    "\r\n",
    "/>",
    "<p title=\"",
    "<div class='",
    "<?pi x?>",
    "<!DOCTYPE html>",
    "<title>",
    "</title>",
    "<textarea>",
    "<svg>",
    "\xc3\xa9",
    "\xef\xbf\xbf",
    "\xc3",
    "&amp;",
    "&",
    "&#8217;",
    "&nbsp",
    "\xee\x80\x80",
    "&#xE000;",
    "A longer run of plain text ",
    "                                                                ",
    "<p>",
    "<html>",
    "<head>",
    "</body>",
};

TEST(HtmlCut, MutatedPagesReadTheSame) {
    std::minstd_rand random(test::env_int("DIFF_SEED", 17));
    const int per_input = test::env_int("DIFF_N", 40);
    std::size_t inputs = 0;
    std::size_t read_cut = 0;
    for (const auto& bytes : corpus()) {
        if (bytes.size() > 200'000) {
            continue;
        }
        for (int i = 0; i < per_input; ++i) {
            std::string mutated = test::mutate_markup(bytes, random, kTokens, 4, 5);
            Outcome o = compare(mutated);
            ASSERT_EQ(o.difference, "") << "mutation " << i << "\ninput:\n" << mutated;
            read_cut += o.read_cut ? 1 : 0;
            ++inputs;
        }
    }
    EXPECT_GT(inputs, 1000u);
    EXPECT_GT(read_cut, inputs / 4);
}

}  // namespace
}  // namespace ww::parse

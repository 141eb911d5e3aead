#include "parse/text_builder.hpp"

#include <gtest/gtest.h>

#include <string>

#include "parse/repair.hpp"

namespace ww::parse::detail {
namespace {

struct HtmlCase {
    const char* html;
    bool single_line;
    const char* text;
};

class HtmlToText : public ::testing::TestWithParam<HtmlCase> {};

TEST_P(HtmlToText, Table) {
    EXPECT_EQ(html_to_text(GetParam().html, GetParam().single_line), GetParam().text)
        << GetParam().html;
}

INSTANTIATE_TEST_SUITE_P(
    Table, HtmlToText,
    ::testing::Values(
        HtmlCase{"plain", true, "plain"}, HtmlCase{"  lots   of\n\tspace  ", true, "lots of space"},
        HtmlCase{"<b>bold</b> and <i>it</i>", true, "bold and it"},
        HtmlCase{"Caf&eacute; &amp; bar &mdash; &#8217; &#x2019; &hellip;", true,
                 "Caf\u00e9 & bar \u2014 \u2019 \u2019 \u2026"},
        HtmlCase{"AT&T and Q&A &bogus; &", true, "AT&T and Q&A &bogus; &"},
        HtmlCase{"5 < 6 > 4", true, "5 < 6 > 4"},
        HtmlCase{"<p>one</p><p>two</p>", false, "one\n\ntwo"},
        HtmlCase{"<p>one</p><p>two</p>", true, "one two"},
        HtmlCase{"line<br>next<br/>last", false, "line\nnext\nlast"},
        HtmlCase{"a<script>if (x < 1) { y = '</p>'; }</script>b", true, "ab"},
        HtmlCase{"a<style>p{}</style><!-- hidden -->b", true, "ab"},
        HtmlCase{"<a href=\"x>y\" title='a>b'>link</a>", true, "link"},
        HtmlCase{"x&nbsp;&nbsp;y", true, "x y"},
        HtmlCase{"&#146;quoted&#148;", true, "\u2019quoted\u201d"},
        HtmlCase{"<ul><li>one</li><li>two</li></ul>", false, "one\n\ntwo"},
        // plain text takes a 16-bytes-at-a-time path; its edges:
        HtmlCase{"abcdefghijklmno  x", true, "abcdefghijklmno x"},
        HtmlCase{"abcdefghijklmnop  x", false, "abcdefghijklmnop x"},
        HtmlCase{"abcdefghijklmnopq\xC2\xA0r", true, "abcdefghijklmnopq r"},
        HtmlCase{"abcdefghijklmnopqrstuvwxyz\tend ", true, "abcdefghijklmnopqrstuvwxyz end"},
        HtmlCase{"abcdefghijklmnopqrstuvwxyz end", false, "abcdefghijklmnopqrstuvwxyz end"},
        HtmlCase{"<![CDATA[<kept>]]>", true, "<kept>"}, HtmlCase{"", true, ""}));

TEST(TextBuilder, LinkBytesCountWordsNotTheSpacesBetweenThem) {
    TextBuilder tb;
    tb.text("before ");
    tb.enter_link();
    tb.text(
        "two words\xC2\xA0"
        "and  more");
    tb.leave_link();
    const auto& paragraphs = tb.paragraphs();
    ASSERT_EQ(paragraphs.size(), 1u);
    EXPECT_EQ(paragraphs[0].text, "before two words and more");
    EXPECT_EQ(paragraphs[0].link_bytes, std::string("twowordsandmore").size());
}

TEST(TextBuilder, LatinOneCharactersStayInsideTheirWord) {
    TextBuilder tb(true);
    tb.text("caf\xC3\xA9 \xC2\xA9 2026 \xC2\xBDkg\xC2\xA0x");
    EXPECT_EQ(tb.finish(), "caf\xC3\xA9 \xC2\xA9 2026 \xC2\xBDkg x");
}

struct CleanCase {
    std::string text;
    bool clean;
};

class IsCleanUtf8 : public ::testing::TestWithParam<CleanCase> {};

// is_clean_utf8 lets callers skip sanitize(), so it must never call dirty what sanitize would
// change... and never call clean what it would change, at any offset of the 8-byte steps.
TEST_P(IsCleanUtf8, AgreesWithSanitize) {
    const std::string& text = GetParam().text;
    EXPECT_EQ(is_clean_utf8(text), GetParam().clean);
    for (std::size_t pad = 0; pad < 9; ++pad) {
        std::string padded = std::string(pad, 'a') + text + std::string(9 - pad, 'b');
        EXPECT_EQ(is_clean_utf8(padded), sanitize(padded) == padded) << pad;
    }
}

INSTANTIATE_TEST_SUITE_P(
    Table, IsCleanUtf8,
    ::testing::Values(CleanCase{"", true}, CleanCase{"plain ASCII text, no surprises", true},
                      CleanCase{"tab\tline\ncr\r", true},
                      CleanCase{"caf\xC3\xA9 \xE2\x80\x99", true},
                      CleanCase{"\xF0\x9F\x93\xB0 news", true},
                      CleanCase{std::string(1, '\0'), false}, CleanCase{"bell\x07", false},
                      CleanCase{"del\x7F", false}, CleanCase{"form\ffeed", false},
                      CleanCase{"c1 \xC2\x92", false}, CleanCase{"latin1 \xE9t\xE9", false},
                      CleanCase{"cut \xE2\x80", false}, CleanCase{"surrogate \xED\xA0\x80", false},
                      CleanCase{"overlong \xC0\xAF", false}, CleanCase{"\xFF", false}));

struct RepairCase {
    const char* in;
    const char* out;
};

class RepairMarkup : public ::testing::TestWithParam<RepairCase> {};

TEST_P(RepairMarkup, Table) { EXPECT_EQ(repair_markup(GetParam().in), GetParam().out); }

INSTANTIATE_TEST_SUITE_P(
    Table, RepairMarkup,
    ::testing::Values(RepairCase{"<t>Q&A</t>", "<t>Q&amp;A</t>"},
                      RepairCase{"<l>?a=1&b=2</l>", "<l>?a=1&amp;b=2</l>"},
                      RepairCase{"<t>&amp; &lt; &#38; &#x26;</t>", "<t>&amp; &lt; &#38; &#38;</t>"},
                      RepairCase{"<t>&eacute;&nbsp;</t>", "<t>&#233;&#160;</t>"},
                      RepairCase{"<t>&nosuch;</t>", "<t>&amp;nosuch;</t>"},
                      RepairCase{"<t>&#0;&#x1B;x</t>",
                                 "<t>&#65533;x</t>"},  // NUL: U+FFFD; ESC: dropped
                      RepairCase{"<t>&#150;</t>", "<t>&#8211;</t>"},
                      RepairCase{"<t>a < b</t>", "<t>a &lt; b</t>"},
                      RepairCase{"<t><![CDATA[a & b < c]]></t>", "<t><![CDATA[a & b < c]]></t>"},
                      RepairCase{"<!-- a & b --><t/>", "<!-- a & b --><t/>"},
                      RepairCase{"<!DOCTYPE t [<!ENTITY me \"x\">]><t>&me;&you;</t>",
                                 "<!DOCTYPE t [<!ENTITY me \"x\">]><t>&me;&amp;you;</t>"},
                      RepairCase{"<a href=\"x?a&b\">", "<a href=\"x?a&amp;b\">"}));

}  // namespace
}  // namespace ww::parse::detail

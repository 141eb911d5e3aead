#include "parse/text_builder.hpp"

#include <gtest/gtest.h>

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
    ::testing::Values(HtmlCase{"plain", true, "plain"},
                      HtmlCase{"  lots   of\n\tspace  ", true, "lots of space"},
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
                      HtmlCase{"<![CDATA[<kept>]]>", true, "<kept>"}, HtmlCase{"", true, ""}));

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

// may_forge_placeholder must see every way a document can make libxml2 hand back U+E000, or a
// reader would take a character of the page for a run it cut; expand_placeholders must hand
// back every piece of text and every placeholder, in order.

#include "parse/placeholder.hpp"

#include <gtest/gtest.h>

#include <string>

namespace ww::parse::detail {
namespace {

TEST(Placeholder, ForgedByTheCharacterOrAReferenceToIt) {
    EXPECT_TRUE(may_forge_placeholder("<p>a\xEE\x80\x80z</p>"));
    EXPECT_TRUE(may_forge_placeholder("<p>&#57344;</p>"));
    EXPECT_TRUE(may_forge_placeholder("<p>&#xE000;</p>"));
    EXPECT_TRUE(may_forge_placeholder("<p>&#Xe000;</p>"));
    EXPECT_TRUE(may_forge_placeholder("<p>&#x0000e000;</p>"));
    EXPECT_TRUE(may_forge_placeholder("<p>&#0057344 and no semicolon</p>"));
    EXPECT_TRUE(may_forge_placeholder("&#1;&#xE000"));  // the last reference, at the very end
}

TEST(Placeholder, NotForgedByOtherCharactersOrReferences) {
    EXPECT_FALSE(may_forge_placeholder(""));
    EXPECT_FALSE(may_forge_placeholder("<p>caf\xC3\xA9 &#8217; &#xE001; &#57343; &amp;</p>"));
    EXPECT_FALSE(may_forge_placeholder("\xEE\x80\x81 \xEE\x81\x80 &# &#x &#;"));
    EXPECT_FALSE(may_forge_placeholder("&#xE0000;"));  // U+E0000, a different character
    EXPECT_FALSE(may_forge_placeholder("&#573440;"));  // likewise
    // A value that would wrap round a 32-bit counter back to 0xE000 sticks at the cap instead.
    EXPECT_FALSE(may_forge_placeholder("&#x10000E000;"));
    EXPECT_FALSE(may_forge_placeholder("&#4295024640;"));  // 2^32 + 0xE000
}

TEST(Placeholder, ExpandHandsBackTextAndRunsInOrder) {
    std::string out;
    int runs = 0;
    const std::string chunk = std::string("a") + std::string(kPlaceholder) +
                              std::string(kPlaceholder) + "b c" + std::string(kPlaceholder);
    expand_placeholders(
        chunk, [&](std::string_view piece) { out += "[" + std::string(piece) + "]"; },
        [&] { out += "<" + std::to_string(runs++) + ">"; });
    EXPECT_EQ(out, "[a]<0><1>[b c]<2>");

    out.clear();
    expand_placeholders(
        "no runs here", [&](std::string_view piece) { out += std::string(piece); },
        [&] { out += "!"; });
    EXPECT_EQ(out, "no runs here");
}

}  // namespace
}  // namespace ww::parse::detail

// explain(): the verdict, where each term was found, and which clause failed.

#include "wirewatch/rules/explain.hpp"

#include "rules_test_util.hpp"

namespace ww::rules {
namespace {

std::shared_ptr<const RuleDef> rule_from(const std::string& keys) {
    Diagnostics diags;
    auto defs = load_rule_text("[[rule]]\nid = \"r\"\n" + keys + "\n", "x.toml", diags);
    EXPECT_EQ(defs.size(), 1u) << diags.str();
    return defs.empty() ? nullptr : defs.front();
}

TEST(Explain, QueryHitListsWhereTermsWere) {
    auto rule = rule_from("query = '\"war crimes\" AND (Aleppo OR Halab) AND NOT \"video game\"'");
    ASSERT_TRUE(rule);
    const std::string out = explain(*rule, testing::make_doc("War crimes in Halab"));
    EXPECT_TRUE(out.starts_with("rule \"r\" (x.toml:1): HIT\n")) << out;
    EXPECT_NE(out.find("[x] '\"war crimes\"': found 1x: body 0..10 \"War crimes\""),
              std::string::npos)
        << out;
    EXPECT_NE(out.find("[ ] 'Aleppo': not found"), std::string::npos) << out;
    EXPECT_NE(out.find("[x] 'Halab': found 1x: body 14..19 \"Halab\""), std::string::npos) << out;
    EXPECT_NE(out.find("[x] NOT: absent, as required"), std::string::npos) << out;
}

TEST(Explain, NamesTheFailedClause) {
    auto rule = rule_from("query = '\"war crimes\" AND (Aleppo OR Halab)'");
    ASSERT_TRUE(rule);
    const std::string out = explain(*rule, testing::make_doc("war crimes in Damascus"));
    EXPECT_NE(out.find("NO HIT: the query failed at '(Aleppo OR Halab)' (none of the "
                       "alternatives found)"),
              std::string::npos)
        << out;
}

TEST(Explain, NearTooFarApart) {
    auto rule = rule_from("query = 'Russia NEAR/2 strikes'");
    ASSERT_TRUE(rule);
    const std::string out =
        explain(*rule, testing::make_doc("Russia said on Monday that strikes would go on"));
    EXPECT_NE(out.find("failed at 'Russia NEAR/2 strikes' (too far apart)"), std::string::npos)
        << out;
    EXPECT_NE(out.find("both found, but never within 2 words"), std::string::npos) << out;
}

TEST(Explain, ExcludeAndLanguage) {
    auto rule = rule_from("keywords = ['Aleppo']\nexclude = ['video game']\nlanguages = ['en']");
    ASSERT_TRUE(rule);
    std::string out = explain(*rule, testing::make_doc("Aleppo video game"));
    EXPECT_NE(out.find("NO HIT: an exclude term was found"), std::string::npos) << out;
    out = explain(*rule, testing::make_doc("lang: fr || Aleppo"));
    EXPECT_NE(out.find("NO HIT: the document's language is not one of the rule's"),
              std::string::npos)
        << out;
    out = explain(*rule, testing::make_doc("nothing"));
    EXPECT_NE(out.find("NO HIT: no keyword or regex was found"), std::string::npos) << out;
    EXPECT_NE(out.find("[ ] Aleppo: not found"), std::string::npos) << out;
}

TEST(Explain, AgreesWithMatch) {
    const char* docs[] = {"war crimes in Halab", "war crimes in Halab video game", "Halab",
                          "title: war crimes || Aleppo"};
    auto rule = rule_from("query = '\"war crimes\" AND (Aleppo OR Halab) -\"video game\"'");
    ASSERT_TRUE(rule);
    Diagnostics diags;
    auto set = compile({rule}, {}, diags);
    ASSERT_TRUE(set);
    for (const char* d : docs) {
        const bool hit = !testing::match_text(*set, d).empty();
        const std::string out = explain(*rule, testing::make_doc(d));
        EXPECT_EQ(out.find(": HIT\n") != std::string::npos, hit) << d << "\n" << out;
    }
}

}  // namespace
}  // namespace ww::rules

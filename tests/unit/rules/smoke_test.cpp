#include "rules_test_util.hpp"

namespace ww::rules {
namespace {

using testing::compile_text;
using testing::match_text;

TEST(RulesSmoke, KeywordHitsWholeWord) {
    auto set = compile_text("[[rule]]\nid = \"r\"\nkeywords = [\"war\"]\n");
    ASSERT_TRUE(set);
    EXPECT_EQ(match_text(*set, "the war began").size(), 1u);
    EXPECT_EQ(match_text(*set, "new software").size(), 0u);
}

}  // namespace
}  // namespace ww::rules

// The query grammar: precedence and associativity shown through the fully parenthesized form,
// and syntax errors with the exact offset of the offending token.

#include "wirewatch/rules/query.hpp"

#include <gtest/gtest.h>

namespace ww::rules {
namespace {

struct Parsed {
    const char* query;
    const char* tree;
};

class QueryParse : public ::testing::TestWithParam<Parsed> {};

TEST_P(QueryParse, Tree) {
    QuerySyntaxError err;
    auto q = parse_query(GetParam().query, err);
    ASSERT_TRUE(q) << GetParam().query << ": " << err.message << " at " << err.offset;
    EXPECT_EQ(to_string(*q), GetParam().tree) << GetParam().query;
}

// clang-format off
INSTANTIATE_TEST_SUITE_P(Grammar, QueryParse, ::testing::Values(
    Parsed{"a", "a"},
    Parsed{"a b", "(a AND b)"},
    Parsed{"a AND b AND c", "(a AND b AND c)"},
    Parsed{"a OR b AND c", "(a OR (b AND c))"},
    Parsed{"a b OR c", "((a AND b) OR c)"},
    Parsed{"a OR b c NEAR/3 d", "(a OR (b AND (c NEAR/3 d)))"},
    Parsed{"NOT a b", "(NOT a AND b)"},
    Parsed{"NOT (a OR b) c", "(NOT (a OR b) AND c)"},
    Parsed{"a -b", "(a AND NOT b)"},
    Parsed{"-\"video game\" a", "(NOT \"video game\" AND a)"},
    Parsed{"cease-fire", "cease-fire"},
    Parsed{"a NEAR/2 b NEAR/3 c", "((a NEAR/2 b) NEAR/3 c)"},
    Parsed{"a ONEAR/2 (b OR c*)", "(a ONEAR/2 (b OR c*))"},
    Parsed{"\"war crimes\" AND (Aleppo OR Halab)", "(\"war crimes\" AND (Aleppo OR Halab))"},
    Parsed{"title:Aleppo url:reuters", "(title:Aleppo AND url:reuters)"},
    Parsed{"title:(a OR b)", "(title:a OR title:b)"},
    Parsed{"summary:\"war crimes\"*", "summary:\"war crimes\"*"},
    Parsed{"and or not near", "(and AND or AND not AND near)"},
    Parsed{"10:30 https://x.org", "(10:30 AND https://x.org)"},
    Parsed{"((a))", "a"}));
// clang-format on

struct Bad {
    const char* query;
    std::size_t offset;
    const char* message_part;
};

class QueryError : public ::testing::TestWithParam<Bad> {};

TEST_P(QueryError, OffsetAndMessage) {
    QuerySyntaxError err;
    EXPECT_FALSE(parse_query(GetParam().query, err)) << GetParam().query;
    EXPECT_EQ(err.offset, GetParam().offset) << GetParam().query << ": " << err.message;
    EXPECT_NE(err.message.find(GetParam().message_part), std::string::npos) << err.message;
}

// clang-format off
INSTANTIATE_TEST_SUITE_P(Errors, QueryError, ::testing::Values(
    Bad{"", 0, "empty query"},
    Bad{"a AND", 5, "after 'AND'"},
    Bad{"AND a", 0, "before 'AND'"},
    Bad{"(a OR b", 0, "unclosed '('"},
    Bad{"a ) b", 2, "unexpected ')'"},
    Bad{"a \"b c", 2, "unterminated phrase"},
    Bad{"\"\" a", 0, "empty phrase"},
    Bad{"a NEAR b", 2, "needs a distance"},
    Bad{"a NEAR/x b", 7, "whole number"},
    Bad{"a ONEAR/0 b", 8, "whole number"},
    Bad{"a NEAR/3", 8, "after 'NEAR/3'"},
    Bad{"st*ke", 2, "only allowed at the end"},
    Bad{"*", 0, "needs a word"},
    Bad{"titel:a", 0, "did you mean 'title'"},
    Bad{"title: a", 6, "after 'title:'"},
    Bad{"a NEAR/2 (b AND c)", 9, "no AND/NOT"},
    Bad{"a NEAR/2 -b", 9, "no AND/NOT"},
    Bad{"a ()", 2, "empty parentheses"},
    Bad{"a NOT", 5, "after 'NOT'"},
    Bad{"\"a\"b", 3, "after the closing"}));
// clang-format on

TEST(Query, OffsetsCoverTheirSource) {
    QuerySyntaxError err;
    const std::string text = "x AND (Aleppo OR Halab) AND NOT \"video game\"";
    auto q = parse_query(text, err);
    ASSERT_TRUE(q);
    ASSERT_EQ(q->children.size(), 3u);
    EXPECT_EQ(text.substr(q->children[1].offset, q->children[1].length), "(Aleppo OR Halab)");
    EXPECT_EQ(text.substr(q->children[2].offset, q->children[2].length), "NOT \"video game\"");
    std::vector<const QueryNode*> terms;
    collect_terms(*q, terms);
    ASSERT_EQ(terms.size(), 4u);
    EXPECT_EQ(terms[3]->text, "video game");
    EXPECT_TRUE(terms[3]->phrase);
}

}  // namespace
}  // namespace ww::rules

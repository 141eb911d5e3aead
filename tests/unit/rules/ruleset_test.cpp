// RuleSet as the daemon uses it: rule infos, one scratch per thread, scratch ownership.

#include <thread>

#include "rules_test_util.hpp"

namespace ww::rules {
namespace {

const char* kRules = R"(
[[rule]]
id = "ceasefire"
keywords = ["cease-fire"]
tags = ["conflict"]
severity = "critical"

[[rule]]
id = "russia-strikes"
query = 'Russia NEAR/8 (strike* OR airstrike OR bombing)'
)";

TEST(RuleSet, InfosInRuleOrder) {
    auto set = testing::compile_text(kRules);
    ASSERT_TRUE(set);
    ASSERT_EQ(set->size(), 2u);
    const auto& infos = set->rules();
    EXPECT_EQ(infos[0].id, "ceasefire");
    EXPECT_EQ(infos[0].severity, Severity::Critical);
    EXPECT_EQ(infos[0].tags, (std::vector<std::string>{"conflict"}));
    EXPECT_EQ(infos[0].where.line, 2);
    EXPECT_EQ(infos[1].id, "russia-strikes");
    EXPECT_EQ(infos[1].severity, Severity::Medium);
}

TEST(RuleSet, HitsInRuleOrder) {
    auto set = testing::compile_text(kRules);
    ASSERT_TRUE(set);
    auto hits = testing::match_text(*set, "Russia broke the ceasefire with strikes");
    ASSERT_EQ(hits.size(), 2u);
    EXPECT_EQ(hits[0].rule_id, "ceasefire");
    EXPECT_EQ(hits[1].rule_id, "russia-strikes");
}

TEST(RuleSet, ScratchIsReusableAcrossDocuments) {
    auto set = testing::compile_text(kRules);
    ASSERT_TRUE(set);
    auto scratch = set->make_scratch();
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(set->match(testing::make_doc("a cease fire"), *scratch).size(), 1u);
        EXPECT_EQ(set->match(testing::make_doc("nothing at all"), *scratch).size(), 0u);
        EXPECT_EQ(set->match(testing::make_doc("Russia: strikes"), *scratch).size(), 1u);
    }
}

TEST(RuleSet, OneScratchPerThread) {
    auto set = testing::compile_text(kRules);
    ASSERT_TRUE(set);
    std::vector<std::thread> threads;
    std::vector<int> counts(4, 0);
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            auto scratch = set->make_scratch();
            for (int i = 0; i < 200; ++i) {
                counts[t] += static_cast<int>(
                    set->match(testing::make_doc("Russia broke the cease-fire with strikes"),
                               *scratch)
                        .size());
            }
        });
    }
    for (auto& th : threads) {
        th.join();
    }
    EXPECT_EQ(counts, (std::vector<int>{400, 400, 400, 400}));
}

TEST(RuleSetDeathTest, ScratchOfAnotherRuleSetAborts) {
    auto a = testing::compile_text(kRules);
    auto b = testing::compile_text(kRules);
    ASSERT_TRUE(a && b);
    auto scratch = a->make_scratch();
    EXPECT_DEATH(b->match(testing::make_doc("x"), *scratch), "rule set other than");
}

TEST(Severity, NamesRoundTrip) {
    for (Severity s :
         {Severity::Info, Severity::Low, Severity::Medium, Severity::High, Severity::Critical}) {
        Severity parsed = Severity::Medium;
        EXPECT_TRUE(parse_severity(severity_name(s), parsed));
        EXPECT_EQ(parsed, s);
    }
    Severity parsed = Severity::Low;
    EXPECT_FALSE(parse_severity("High", parsed));
    EXPECT_EQ(parsed, Severity::Low);
}

TEST(LoadRuleFiles, MissingFileIsAnError) {
    Diagnostics diags;
    auto defs = load_rule_files({"/nonexistent/rules.toml"}, diags);
    EXPECT_TRUE(defs.empty());
    EXPECT_EQ(diags.str(),
              "/nonexistent/rules.toml: error: cannot read rule file: No such file or directory\n");
}

}  // namespace
}  // namespace ww::rules

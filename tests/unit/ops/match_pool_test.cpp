// MatchPool: every document of a batch gets its own rule set's hits, in batch order, whatever
// the number of threads.

#include "ops/match_pool.hpp"

#include <gtest/gtest.h>

#include "support/temp_dir.hpp"

namespace ww::ops {
namespace {

std::shared_ptr<const rules::RuleSet> three_rules(const testing::TempDir& dir) {
    dir.write("r.toml",
              "[[rule]]\nid = \"truce\"\nkeywords = [\"truce\"]\n"
              "[[rule]]\nid = \"aleppo\"\nkeywords = [\"Aleppo\"]\n"
              "[[rule]]\nid = \"near\"\nquery = 'Russia NEAR/3 strike*'\n");
    Diagnostics diags;
    auto defs = rules::load_rule_files({dir / "r.toml"}, diags);
    auto set = rules::compile(defs, {}, diags);
    EXPECT_TRUE(set) << diags.str();
    return set;
}

// Document i says "truce" when i % 2 == 0, "Aleppo" when i % 3 == 0, and has a Russian strike
// when i % 5 == 0; its body is padded so that threads really overlap.
std::vector<Document> batch(int n) {
    std::vector<Document> docs(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
        std::string body(2000, 'x');
        body += " story " + std::to_string(i);
        body += i % 2 == 0 ? " a truce" : " a pause";
        body += i % 3 == 0 ? " in Aleppo" : " in Homs";
        body += i % 5 == 0 ? " as Russia said strikes went on" : " as talks went on";
        docs[static_cast<std::size_t>(i)].body = body;
    }
    return docs;
}

std::vector<std::string> expected_rules(int i) {
    std::vector<std::string> ids;
    if (i % 2 == 0) {
        ids.push_back("truce");
    }
    if (i % 3 == 0) {
        ids.push_back("aleppo");
    }
    if (i % 5 == 0) {
        ids.push_back("near");
    }
    return ids;
}

std::vector<std::string> rule_ids(const std::vector<rules::Hit>& hits) {
    std::vector<std::string> ids;
    for (const auto& hit : hits) {
        ids.push_back(hit.rule_id);
    }
    return ids;
}

class MatchPoolThreads : public ::testing::TestWithParam<unsigned> {};

TEST_P(MatchPoolThreads, EveryDocumentGetsItsOwnHitsInBatchOrder) {
    testing::TempDir dir;
    MatchPool pool(three_rules(dir), GetParam());
    EXPECT_EQ(pool.threads(), GetParam());
    const auto docs = batch(300);
    std::vector<const Document*> pointers;
    for (const auto& doc : docs) {
        pointers.push_back(&doc);
    }
    for (int round = 0; round < 3; ++round) {  // scratches are reused between batches
        const auto results = pool.match(pointers);
        ASSERT_EQ(results.size(), docs.size());
        for (int i = 0; i < 300; ++i) {
            EXPECT_EQ(rule_ids(results[static_cast<std::size_t>(i)].hits), expected_rules(i))
                << "document " << i << ", round " << round;
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Threads, MatchPoolThreads, ::testing::Values(1u, 2u, 4u));

TEST(MatchPool, EmptyAndSingleBatches) {
    testing::TempDir dir;
    MatchPool pool(three_rules(dir), 3);
    EXPECT_TRUE(pool.match({}).empty());
    const auto docs = batch(1);
    const auto results = pool.match({&docs[0]});
    ASSERT_EQ(results.size(), 1u);
    EXPECT_EQ(rule_ids(results[0].hits), expected_rules(0));
}

TEST(MatchPool, WorkersZeroIsOnePerCoreAndLargeCountsAreCapped) {
    EXPECT_GE(match_threads(0), 1u);
    EXPECT_EQ(match_threads(3), 3u);
    EXPECT_EQ(match_threads(1000), 64u);
}

}  // namespace
}  // namespace ww::ops

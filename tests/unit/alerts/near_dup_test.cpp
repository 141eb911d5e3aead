// Near-duplicate stories: the same wire story as several outlets carry it folds; different
// stories on the same topic do not.

#include "wirewatch/alerts/near_dup.hpp"

#include <gtest/gtest.h>

namespace ww::alerts {
namespace {

const std::string kLead =
    "Syrian government and opposition negotiators agreed on Tuesday to a ceasefire in the "
    "northern city of Aleppo, the United Nations envoy said after two days of talks in Geneva, "
    "the first such deal since the fighting resumed in March.";

Document story(std::string source, std::string title, std::string summary) {
    Document d;
    d.source_id = std::move(source);
    d.title = std::move(title);
    d.summary = std::move(summary);
    return d;
}

int distance(const Document& a, const Document& b) {
    return hamming_distance(story_fingerprint(a), story_fingerprint(b));
}

TEST(NearDup, SameWireStoryWithOtherHeadlinesAndDatelinesFolds) {
    const Document reuters = story("reuters", "Ceasefire agreed for Aleppo after Geneva talks",
                                   "GENEVA (Reuters) - " + kLead);
    const Document ap = story("ap", "Aleppo ceasefire agreed at Geneva talks, UN says",
                              "BEIRUT (AP) \u2014 " + kLead);
    const Document paper = story("paper", "Truce for Aleppo", kLead);
    EXPECT_LE(distance(reuters, ap), kNearDuplicateBits);
    EXPECT_LE(distance(reuters, paper), kNearDuplicateBits);
    // Case and diacritics are folded first.
    Document upper = paper;
    upper.summary =
        "SYRIAN government and opposition negotiators agreed on Tuesday to a "
        "ceasefire in the northern city of Al\u00e9ppo, the United Nations envoy "
        "said after two days of talks in Geneva, the first such deal since the "
        "fighting resumed in March.";
    EXPECT_EQ(distance(paper, upper), 0);
}

TEST(NearDup, DifferentStoriesOnTheSameTopicDoNotFold) {
    const Document agreed =
        story("reuters", "Ceasefire agreed for Aleppo after Geneva talks", kLead);
    const Document violated = story(
        "ap", "Aleppo ceasefire violated hours after Geneva deal",
        "Shelling resumed in eastern Aleppo on Wednesday, hours after a ceasefire agreed in "
        "Geneva was due to take effect, residents and a monitoring group said, casting doubt on "
        "the United Nations deal.");
    const Document aid = story(
        "bbc", "Aid convoys wait outside Aleppo as ceasefire holds",
        "Dozens of United Nations aid trucks were waiting on Thursday at the edge of Aleppo for "
        "permission to enter, two days after the ceasefire agreed in Geneva took effect, "
        "officials said.");
    EXPECT_GT(distance(agreed, violated), 10);
    EXPECT_GT(distance(agreed, aid), 10);
    EXPECT_GT(distance(violated, aid), 10);
}

TEST(NearDup, TitleOnlyItemsUseTheirTitle) {
    const Document a = story("a", "Ceasefire agreed for Aleppo after Geneva talks", "");
    const Document b = story("b", "Ceasefire agreed for Aleppo after Geneva talks.", "Read more");
    const Document c = story("c", "Shelling resumes in Aleppo hours after ceasefire", "");
    EXPECT_EQ(distance(a, b), 0);
    EXPECT_GT(distance(a, c), 10);
    EXPECT_EQ(story_words(a).front(), "ceasefire");
}

TEST(NearDup, LeadIsTheFirstFortyWordsWithoutTheDateline) {
    const auto words =
        story_words(story("s", "t", "LONDON, Nov 25 (Reuters) - " + kLead + " " + kLead));
    ASSERT_EQ(words.size(), 40u);
    EXPECT_EQ(words.front(), "syrian");
}

}  // namespace
}  // namespace ww::alerts

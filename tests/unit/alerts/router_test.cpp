#include "wirewatch/alerts/router.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace ww::alerts {
namespace {

using rules::Hit;
using rules::Severity;

config::SubscriberConfig subscriber(std::string id, std::vector<std::string> rules,
                                    std::vector<std::string> tags = {},
                                    std::string min_severity = "info") {
    config::SubscriberConfig s;
    s.id = std::move(id);
    s.rules = std::move(rules);
    s.tags = std::move(tags);
    s.min_severity = std::move(min_severity);
    s.channels = {"out"};
    return s;
}

Hit hit(std::string rule, Severity severity, std::vector<std::string> tags = {}) {
    Hit h;
    h.rule_id = std::move(rule);
    h.severity = severity;
    h.tags = std::move(tags);
    h.terms = {"term-of-" + h.rule_id};
    h.snippet = "snippet of " + h.rule_id;
    h.marks = {{0, 7}};
    return h;
}

Document doc(std::string url = "https://example.org/a") {
    Document d;
    d.source_id = "wire";
    d.item_id = "item-1";
    d.url = std::move(url);
    d.title = "A title";
    return d;
}

const std::chrono::sys_seconds kNow{std::chrono::seconds(1'800'000'000)};

TEST(Router, OneAlertPerSubscriberListingEveryFollowedRuleMostSevereFirst) {
    Router router({subscriber("desk", {"ceasefire", "aleppo-*"})});
    auto alerts =
        router.route(doc(),
                     {hit("aleppo-city", Severity::Medium), hit("other", Severity::Critical),
                      hit("ceasefire", Severity::High, {"conflict"})},
                     kNow);
    ASSERT_EQ(alerts.size(), 1u);
    const auto& a = alerts[0];
    EXPECT_EQ(a.subscriber_id, "desk");
    ASSERT_EQ(a.rules.size(), 2u);
    EXPECT_EQ(a.rules[0].id, "ceasefire");
    EXPECT_EQ(a.rules[1].id, "aleppo-city");
    EXPECT_EQ(a.severity, Severity::High);
    EXPECT_EQ(a.snippet, "snippet of ceasefire");
    EXPECT_EQ(a.tags, std::vector<std::string>{"conflict"});
    EXPECT_EQ(a.created_at, kNow);
}

TEST(Router, TagsFollowRulesAndNeitherFollowsEverything) {
    Router router({subscriber("sanctions", {}, {"sanctions"}), subscriber("all", {})});
    auto alerts = router.route(doc(), {hit("ofac", Severity::Low, {"sanctions"})}, kNow);
    ASSERT_EQ(alerts.size(), 2u);
    auto none = router.route(doc(), {hit("weather", Severity::Low, {"misc"})}, kNow);
    ASSERT_EQ(none.size(), 1u);
    EXPECT_EQ(none[0].subscriber_id, "all");
}

TEST(Router, MinSeverityDropsLowerHits) {
    Router router({subscriber("desk", {"*"}, {}, "high")});
    EXPECT_TRUE(router.route(doc(), {hit("a", Severity::Medium)}, kNow).empty());
    auto alerts =
        router.route(doc(), {hit("a", Severity::Medium), hit("b", Severity::Critical)}, kNow);
    ASSERT_EQ(alerts.size(), 1u);
    ASSERT_EQ(alerts[0].rules.size(), 1u);
    EXPECT_EQ(alerts[0].rules[0].id, "b");
}

TEST(Router, AlertIdIsStablePerStoryAndSubscriber) {
    Document a = doc("https://example.org/story");
    Document b = doc("https://example.org/story");
    b.source_id = "other-feed";
    b.item_id = "different";
    b.title = "A changed title";
    EXPECT_EQ(alert_id("desk", a), alert_id("desk", b));  // same canonical URL, same story
    EXPECT_NE(alert_id("desk", a), alert_id("team", a));
    Document no_url = doc("");
    Document same_item = doc("");
    same_item.title = "Edited";
    EXPECT_EQ(alert_id("desk", no_url), alert_id("desk", same_item));
    same_item.item_id = "item-2";
    EXPECT_NE(alert_id("desk", no_url), alert_id("desk", same_item));
}

TEST(Router, AlertSurvivesTheJsonRoundTrip) {
    Router router({subscriber("desk", {"*"})});
    Document d = doc();
    d.published = std::chrono::sys_seconds(std::chrono::seconds(1'764'062'040));
    auto alert = router.route(d, {hit("ceasefire", Severity::High, {"conflict"})}, kNow).at(0);
    auto back = notify::alert_from_json(notify::to_json(alert));
    EXPECT_EQ(back.id, alert.id);
    EXPECT_EQ(back.title, "A title");
    EXPECT_EQ(back.published, d.published);
    EXPECT_EQ(back.highlights, alert.highlights);
    ASSERT_EQ(back.rules.size(), 1u);
    EXPECT_EQ(back.rules[0].severity, Severity::High);
    EXPECT_EQ(back.rules[0].terms, alert.rules[0].terms);
    EXPECT_EQ(notify::to_json(back), notify::to_json(alert));
}

}  // namespace
}  // namespace ww::alerts

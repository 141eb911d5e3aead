#include "wirewatch/alerts/router.hpp"

#include <date/date.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "alerts_test_util.hpp"
#include "rules/snippet.hpp"
#include "support/temp_dir.hpp"

namespace ww::alerts {
namespace {

using namespace std::chrono_literals;
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

TEST(Router, ATimeZoneTheDatabaseCannotReadIsASubscriberErrorAtItsTable) {
    auto s = subscriber("desk", {"*"});
    s.where = {"wirewatch.toml", 12, 1};
    s.timezone = "zone.tab";  // a file in /usr/share/zoneinfo, but no zone
    try {
        Router router({s});
        FAIL() << "no error";
    } catch (const SubscriberError& e) {
        EXPECT_EQ(e.where.line, 12);
        EXPECT_NE(std::string(e.what()).find("subscriber \"desk\": timezone: 'zone.tab'"),
                  std::string::npos)
            << e.what();
    }
}

// --- highlights -------------------------------------------------------------------------

Hit hit_at(std::string rule, Severity severity, const std::string& text,
           std::vector<std::string> words) {
    Hit h;
    h.rule_id = std::move(rule);
    h.severity = severity;
    for (const auto& w : words) {
        const std::size_t at = text.find(w);
        h.spans.push_back({Field::Summary, at, at + w.size()});
    }
    std::vector<std::pair<std::size_t, std::size_t>> ranges;
    for (const auto& sp : h.spans) {
        ranges.emplace_back(sp.begin, sp.end);
    }
    // What the matcher does: a snippet around the first span, this rule's spans marked.
    auto snippet = rules::detail::make_snippet(text, h.spans[0].begin, h.spans[0].end, ranges, 80);
    h.snippet = snippet.text;
    h.marks = snippet.marks;
    return h;
}

std::vector<std::string> marked(const notify::Alert& a) {
    std::vector<std::string> out;
    for (const auto& [b, e] : a.highlights) {
        out.push_back(a.snippet.substr(b, e - b));
    }
    return out;
}

TEST(Router, HighlightsMarkTheSpansOfEveryRuleThatHit) {
    Document d = doc();
    d.summary =
        "Diplomats said on Tuesday that\nthe talks had gone on all night before the ceasefire "
        "for Aleppo was agreed by both sides in Geneva, and that Aleppo would see aid convoys "
        "soon. Much later text follows here about other matters entirely unrelated.";
    Router router({subscriber("desk", {"*"})});
    auto alerts = router.route(d,
                               {hit_at("aleppo", Severity::Medium, d.summary, {"Aleppo"}),
                                hit_at("ceasefire", Severity::High, d.summary, {"ceasefire"}),
                                hit_at("geneva", Severity::Low, d.summary, {"Geneva"})},
                               kNow);
    ASSERT_EQ(alerts.size(), 1u);
    const auto& a = alerts[0];
    EXPECT_EQ(a.snippet.substr(0, 3), "\xE2\x80\xA6");  // cut: the offset has to be found
    // Geneva and the second Aleppo are outside the snippet.
    EXPECT_EQ(a.snippet.find("Geneva"), std::string::npos) << a.snippet;
    EXPECT_EQ(marked(a), (std::vector<std::string>{"ceasefire", "Aleppo"}));
}

TEST(Router, HighlightsWithoutSpansKeepTheTopRulesMarks) {
    Router router({subscriber("desk", {"*"})});
    auto a = router.route(doc(), {hit("a", Severity::High), hit("b", Severity::Low)}, kNow).at(0);
    EXPECT_EQ(a.highlights, (std::vector<std::pair<std::size_t, std::size_t>>{{0, 7}}));
}

// --- digests, quiet hours and near-duplicates against a store on disk ---------------------

using test::utc;

const std::string kLead =
    "Syrian government and opposition negotiators agreed on Tuesday to a ceasefire in the "
    "northern city of Aleppo, the United Nations envoy said after two days of talks in Geneva, "
    "the first such deal since the fighting resumed in March.";

Document wire(std::string source, std::string url, std::string title, std::string lead = kLead) {
    return test::story(std::move(source), std::move(url), std::move(title), std::move(lead));
}

class RouterStoreTest : public ::testing::Test {
protected:
    // Routes one document as the daemon does: one record() per batch.
    int feed(const Router& router, const Document& d, TimePoint now,
             std::vector<Hit> hits = {hit("ceasefire", Severity::Medium)}) {
        Routed routed;
        router.route_into(d, hits, now, *store_, routed);
        last_ = routed;
        return store_->record(d.source_id, {d.item_id}, routed.alerts, routed.prints, now);
    }

    notify::Alert held(const std::string& id) {
        auto payload = store_->held_payload(id);
        EXPECT_TRUE(payload) << id;
        return notify::alert_from_json(nlohmann::json::parse(payload.value_or("{}")));
    }

    std::vector<notify::Alert> outbox(TimePoint now) {
        std::vector<notify::Alert> out;
        for (const auto& item : store_->due(now, 100)) {
            out.push_back(notify::alert_from_json(nlohmann::json::parse(item.payload)));
        }
        return out;
    }

    ww::testing::TempDir dir_;
    std::unique_ptr<state::Store> store_ = state::Store::open(dir_.path());
    Routed last_;
};

config::SubscriberConfig digest_sub(std::string id, std::vector<std::string> at) {
    auto s = subscriber(std::move(id), {"*"});
    s.mode = "digest";
    s.digest_at = std::move(at);
    s.timezone = "Europe/Berlin";
    return s;
}

TEST_F(RouterStoreTest, DigestSubscriberAlertsAreHeldThenSentAsOneDigest) {
    Router router({digest_sub("desk", {"08:00", "17:00"}), subscriber("now", {"*"})});
    const TimePoint t0 = utc(2026, 1, 15, 9);  // 10:00 in Berlin: next digest 17:00 = 16:00Z
    EXPECT_EQ(feed(router, wire("a", "https://a/1", "Ceasefire in Aleppo"), t0), 2);
    ASSERT_EQ(last_.alerts.size(), 2u);
    EXPECT_EQ(last_.alerts[0].hold_until, utc(2026, 1, 15, 16));
    EXPECT_FALSE(last_.alerts[1].hold_until);  // the instant subscriber gets it now
    feed(router,
         wire("b", "https://b/2", "Floods in Valencia",
              "Heavy rain flooded the streets of "
              "Valencia overnight, emergency services "
              "said, and schools were closed."),
         t0 + 1h);
    EXPECT_EQ(outbox(t0 + 2h).size(), 2u);  // only the instant subscriber's two

    EXPECT_EQ(release_due_digests(*store_, router, utc(2026, 1, 15, 15, 59)), 0);
    EXPECT_EQ(release_due_digests(*store_, router, utc(2026, 1, 15, 16)), 1);
    auto sent = outbox(utc(2026, 1, 15, 16));
    ASSERT_EQ(sent.size(), 3u);
    const auto& digest = sent[2];
    EXPECT_EQ(digest.id, digest_id("desk", utc(2026, 1, 15, 16)));
    EXPECT_EQ(digest.subscriber_id, "desk");
    ASSERT_EQ(digest.items.size(), 2u);
    EXPECT_EQ(digest.items[0].title, "Ceasefire in Aleppo");
    EXPECT_EQ(digest.items[1].title, "Floods in Valencia");
    // The next period is empty: nothing is sent.
    EXPECT_EQ(release_due_digests(*store_, router, utc(2026, 1, 16, 7)), 0);
    EXPECT_EQ(outbox(utc(2026, 1, 16, 7)).size(), 3u);
    // A story already in a digest does not come back.
    EXPECT_EQ(
        feed(router, wire("c", "https://a/1", "Ceasefire in Aleppo (update)"), utc(2026, 1, 16, 8)),
        0);
}

TEST_F(RouterStoreTest, ASecondDigestForAPeriodAfterTheClockWentBackIsNotLost) {
    Router router({digest_sub("desk", {"17:00"})});
    feed(router, wire("a", "https://a/1", "First"), utc(2026, 1, 15, 9));
    EXPECT_EQ(release_due_digests(*store_, router, utc(2026, 1, 15, 16)), 1);
    // The clock is set back an hour: a new alert is held for the same 17:00 again.
    feed(router,
         wire("b", "https://b/1", "Second",
              "Heavy rain flooded the streets of Valencia overnight, emergency services said."),
         utc(2026, 1, 15, 15));
    EXPECT_EQ(release_due_digests(*store_, router, utc(2026, 1, 15, 16)), 1);
    auto sent = outbox(utc(2026, 1, 15, 16));
    ASSERT_EQ(sent.size(), 2u);
    EXPECT_NE(sent[0].id, sent[1].id);
    EXPECT_EQ(sent[1].items.at(0).title, "Second");
}

TEST_F(RouterStoreTest, QuietHoursHoldAllButUrgentAlerts) {
    auto night = subscriber("night", {"*"});
    night.quiet_hours = {"22:00", "06:00"};
    night.urgent_severity = "high";
    Router router({night});
    const TimePoint late = utc(2026, 1, 15, 23);  // UTC subscriber: quiet until 06:00
    feed(router, wire("a", "https://a/1", "Minor"), late, {hit("x", Severity::Medium)});
    EXPECT_EQ(last_.alerts.at(0).hold_until, utc(2026, 1, 16, 6));
    feed(router, wire("a", "https://a/2", "Urgent"), late, {hit("x", Severity::High)});
    EXPECT_FALSE(last_.alerts.at(0).hold_until);
    EXPECT_EQ(outbox(late).size(), 1u);
    EXPECT_EQ(release_due_digests(*store_, router, utc(2026, 1, 16, 6)), 1);
    auto sent = outbox(utc(2026, 1, 16, 6));
    ASSERT_EQ(sent.size(), 2u);
    EXPECT_EQ(sent[1].items.at(0).title, "Minor");
}

TEST_F(RouterStoreTest, NearDuplicateFromAnotherOutletFoldsIntoTheHeldAlert) {
    Router router({digest_sub("desk", {"17:00"})});
    const TimePoint t0 = utc(2026, 1, 15, 9);
    feed(router,
         wire("reuters", "https://r/1", "Ceasefire agreed for Aleppo after Geneva talks",
              "GENEVA (Reuters) - " + kLead),
         t0);
    EXPECT_EQ(feed(router,
                   wire("ap", "https://ap/9", "Aleppo ceasefire agreed at Geneva talks, UN says",
                        "BEIRUT (AP) \u2014 " + kLead),
                   t0 + 10min),
              0);
    ASSERT_EQ(last_.alerts.size(), 1u);
    EXPECT_TRUE(last_.alerts[0].fold);
    feed(router, wire("bbc", "https://bbc/3", "Truce for Aleppo"), t0 + 20min);
    feed(router, wire("ap", "https://ap/10", "Aleppo truce (corrected)"), t0 + 30min);
    const std::string first = alert_id("desk", wire("reuters", "https://r/1", ""));
    EXPECT_EQ(held(first).also_reported_by, (std::vector<std::string>{"ap", "bbc"}));

    // A different story on the same topic is an alert of its own.
    feed(router,
         wire("ap", "https://ap/11", "Aleppo ceasefire violated hours after Geneva deal",
              "Shelling resumed in eastern Aleppo on Wednesday, hours after a ceasefire agreed "
              "in Geneva was due to take effect, residents and a monitoring group said."),
         t0 + 40min);
    EXPECT_FALSE(last_.alerts.at(0).fold);

    release_due_digests(*store_, router, utc(2026, 1, 15, 16));
    auto sent = outbox(utc(2026, 1, 15, 16));
    ASSERT_EQ(sent.size(), 1u);
    ASSERT_EQ(sent[0].items.size(), 2u);
    EXPECT_EQ(sent[0].items[0].also_reported_by, (std::vector<std::string>{"ap", "bbc"}));
    EXPECT_TRUE(sent[0].items[1].also_reported_by.empty());
}

TEST_F(RouterStoreTest, NearDuplicateOfASentAlertIsDroppedUnlessEveryOutlet) {
    auto all = subscriber("all", {"*"});
    all.every_outlet = true;
    Router router({subscriber("first", {"*"}), all}, std::chrono::hours(6));
    const TimePoint t0 = utc(2026, 1, 15, 9);
    EXPECT_EQ(feed(router, wire("reuters", "https://r/1", "Ceasefire agreed for Aleppo"), t0), 2);
    EXPECT_EQ(feed(router, wire("ap", "https://ap/1", "Aleppo ceasefire agreed"), t0 + 1h), 1);
    ASSERT_EQ(last_.alerts.size(), 1u);
    EXPECT_EQ(last_.alerts[0].subscriber_id, "all");
    // The same outlet never folds (feeds whose summaries are all alike).
    EXPECT_EQ(feed(router, wire("reuters", "https://r/2", "Ceasefire agreed (update)"), t0 + 2h),
              2);
    // Past the window it is news again.
    EXPECT_EQ(feed(router, wire("bbc", "https://bbc/1", "Aleppo truce"), t0 + 9h), 2);
}

}  // namespace
}  // namespace ww::alerts

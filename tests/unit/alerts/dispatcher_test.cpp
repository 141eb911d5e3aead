#include "wirewatch/alerts/dispatcher.hpp"

#include <gtest/gtest.h>

#include <deque>
#include <nlohmann/json.hpp>
#include <set>

#include "support/temp_dir.hpp"

namespace ww::alerts {
namespace {

using namespace std::chrono_literals;
using notify::DeliveryResult;

// A channel that answers from a script, for injecting failures; records what it was given.
class ScriptedChannel final : public notify::Notifier {
public:
    explicit ScriptedChannel(std::deque<DeliveryResult> script)
        : Notifier("out"), script_(std::move(script)) {}
    std::vector<std::string> sent;
    std::vector<notify::Alert> alerts;

protected:
    void do_send(const notify::Alert& alert, notify::DeliveryCallback done) override {
        sent.push_back(alert.id);
        alerts.push_back(alert);
        DeliveryResult result = DeliveryResult::delivered();
        if (!script_.empty()) {
            result = script_.front();
            script_.pop_front();
        }
        done(result);
    }

private:
    std::deque<DeliveryResult> script_;
};

// A channel that answers only when the test says so: deliveries stay in flight meanwhile.
class HeldChannel final : public notify::Notifier {
public:
    HeldChannel() : Notifier("out") {}
    std::vector<notify::Alert> alerts;
    std::vector<notify::DeliveryCallback> waiting;

protected:
    void do_send(const notify::Alert& alert, notify::DeliveryCallback done) override {
        alerts.push_back(alert);
        waiting.push_back(std::move(done));
    }
};

class DispatcherTest : public ::testing::Test {
protected:
    DispatcherTest()
        : clock_(std::chrono::system_clock::time_point(std::chrono::hours(500000))),
          store_(state::Store::open(dir_.path())) {}

    void queue(const std::string& id) {
        notify::Alert alert;
        alert.id = id;
        alert.subscriber_id = "desk";
        alert.title = "title " + id;
        store_->record("src", {id}, {{id, "desk", notify::to_json(alert).dump(), {"out"}}},
                       clock_.now());
    }

    std::vector<std::string> item_ids(const notify::Alert& alert) {
        std::vector<std::string> ids;
        for (const auto& item : alert.items) {
            ids.push_back(item.id);
        }
        return ids;
    }

    std::string exposed() { return registry_.expose(); }

    std::shared_ptr<ScriptedChannel> channel(std::deque<DeliveryResult> script) {
        auto c = std::make_shared<ScriptedChannel>(std::move(script));
        dispatcher_.set_channels({{"out", c}});
        return c;
    }

    ww::testing::TempDir dir_;
    metrics::Registry registry_;
    ManualClock clock_;
    boost::asio::io_context io_;
    std::unique_ptr<state::Store> store_;
    RetryPolicy policy_{10s, 1h, 24h};
    Dispatcher dispatcher_{io_, *store_, clock_, policy_};
};

TEST_F(DispatcherTest, DeliversEachDueAlertOnceAndMarksIt) {
    auto out = channel({});
    queue("a-1");
    queue("a-2");
    dispatcher_.kick();
    EXPECT_EQ(out->sent, (std::vector<std::string>{"a-1", "a-2"}));
    EXPECT_EQ(store_->pending_count(), 0);
    dispatcher_.kick();
    EXPECT_EQ(out->sent.size(), 2u);
}

TEST_F(DispatcherTest, RetryBacksOffExponentiallyThenDelivers) {
    auto out = channel(
        {DeliveryResult::retry("451 local error"), DeliveryResult::retry("451 local error")});
    queue("a-1");
    dispatcher_.kick();
    ASSERT_EQ(out->sent.size(), 1u);
    auto first = store_->next_due();
    ASSERT_TRUE(first);
    auto delay1 = *first - clock_.now();
    EXPECT_GE(delay1, 8s);  // 10 s ± 20 %
    EXPECT_LE(delay1, 12s);

    clock_.advance(7s);
    dispatcher_.kick();
    EXPECT_EQ(out->sent.size(), 1u) << "retried before its backoff ran out";

    clock_.set(*first);
    dispatcher_.kick();
    ASSERT_EQ(out->sent.size(), 2u);
    auto delay2 = *store_->next_due() - clock_.now();
    EXPECT_GE(delay2, 16s);  // doubled
    EXPECT_LE(delay2, 24s);

    clock_.advance(delay2);
    dispatcher_.kick();
    EXPECT_EQ(out->sent.size(), 3u);
    EXPECT_EQ(store_->pending_count(), 0);
    auto rows = store_->list(state::DeliveryState::Delivered, 10);
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].attempts, 3);
}

TEST_F(DispatcherTest, RetryAfterFromTheServerIsHonoured) {
    auto out = channel({DeliveryResult::retry("429 Too Many Requests", 120s)});
    queue("a-1");
    dispatcher_.kick();
    EXPECT_GE(*store_->next_due() - clock_.now(), 120s);
}

TEST_F(DispatcherTest, PermanentFailureGoesToDeadLettersWithTheReason) {
    auto out = channel({DeliveryResult::failed("550 5.1.1 no such user")});
    queue("a-1");
    dispatcher_.kick();
    EXPECT_EQ(store_->pending_count(), 0);
    auto dead = store_->list(state::DeliveryState::Dead, 10);
    ASSERT_EQ(dead.size(), 1u);
    EXPECT_EQ(dead[0].last_error, "550 5.1.1 no such user");
}

TEST_F(DispatcherTest, GivesUpAfterTheDeadline) {
    std::deque<DeliveryResult> always;
    for (int i = 0; i < 100; ++i) {
        always.push_back(DeliveryResult::retry("connection refused"));
    }
    auto out = channel(always);
    queue("a-1");
    for (int i = 0; i < 100 && store_->pending_count() > 0; ++i) {
        clock_.set(*store_->next_due());
        dispatcher_.kick();
    }
    EXPECT_EQ(store_->pending_count(), 0);
    auto dead = store_->list(state::DeliveryState::Dead, 10);
    ASSERT_EQ(dead.size(), 1u);
    EXPECT_NE(dead[0].last_error.find("connection refused"), std::string::npos);
    EXPECT_GT(out->sent.size(), 20u);  // an hour apart at most, for a day
}

TEST_F(DispatcherTest, AlertForARemovedChannelStaysPending) {
    dispatcher_.set_channels({});
    queue("a-1");
    dispatcher_.kick();
    EXPECT_EQ(store_->pending_count(), 1);
}

TEST_F(DispatcherTest, DrainCallsBackAndStartsNothingAfter) {
    auto out = channel({});
    queue("a-1");
    bool drained = false;
    dispatcher_.drain(1s, [&] { drained = true; });
    EXPECT_TRUE(drained);
    EXPECT_EQ(out->sent.size(), 1u);
    queue("a-2");
    dispatcher_.kick();
    EXPECT_EQ(out->sent.size(), 1u);
}

TEST_F(DispatcherTest, OverTheRateLimitFoldsIntoOneSummaryWhenATokenIsBack) {
    auto out = channel({});
    dispatcher_.set_rate_limits({{"out", {1, 1}}});
    dispatcher_.set_metrics(registry_);
    for (int i = 1; i <= 5; ++i) {
        queue("a-" + std::to_string(i));
    }
    const auto t0 = clock_.now();
    dispatcher_.kick();
    ASSERT_EQ(out->sent, (std::vector<std::string>{"a-1"}));
    EXPECT_EQ(store_->pending_count(), 4);  // held back, not dropped
    EXPECT_EQ(*store_->next_due(), t0 + 1s);
    EXPECT_NE(exposed().find("wirewatch_channel_paused{channel=\"out\"} 1"), std::string::npos);

    clock_.advance(999ms);
    dispatcher_.kick();
    EXPECT_EQ(out->sent.size(), 1u) << "sent before the bucket had a token";

    clock_.advance(1ms);
    dispatcher_.kick();
    ASSERT_EQ(out->alerts.size(), 2u);
    const auto& summary = out->alerts[1];
    EXPECT_EQ(summary.title, "4 more alerts");
    EXPECT_EQ(item_ids(summary), (std::vector<std::string>{"a-2", "a-3", "a-4", "a-5"}));
    EXPECT_EQ(summary.subscriber_id, "desk");
    EXPECT_EQ(store_->pending_count(), 0);
    EXPECT_EQ(store_->list(state::DeliveryState::Delivered, 10).size(), 5u);
    EXPECT_NE(exposed().find("wirewatch_alerts_total{channel=\"out\",result=\"delivered\"} 5"),
              std::string::npos);
    EXPECT_NE(exposed().find("wirewatch_channel_paused{channel=\"out\"} 0"), std::string::npos);
}

TEST_F(DispatcherTest, BurstSendsSingleAlertsWhileTokensLastThenOneSummary) {
    auto out = channel({});
    dispatcher_.set_rate_limits({{"out", {2, 3}}});
    for (int i = 1; i <= 6; ++i) {
        queue("a-" + std::to_string(i));
    }
    dispatcher_.kick();
    EXPECT_EQ(out->sent, (std::vector<std::string>{"a-1", "a-2", "a-3"}));
    EXPECT_EQ(store_->pending_count(), 3);

    clock_.advance(500ms);  // 2 tokens/s: one token back
    queue("a-7");
    dispatcher_.kick();
    ASSERT_EQ(out->alerts.size(), 4u);
    EXPECT_EQ(item_ids(out->alerts[3]), (std::vector<std::string>{"a-4", "a-5", "a-6"}));
    EXPECT_EQ(out->alerts[3].title, "3 more alerts");
    EXPECT_EQ(store_->pending_count(), 1);  // a-7 waits for the next token

    clock_.advance(500ms);
    dispatcher_.kick();
    ASSERT_EQ(out->alerts.size(), 5u);
    EXPECT_EQ(out->sent[4], "a-7");  // held back alone: sent as itself, not as a summary of one
    EXPECT_FALSE(out->alerts[4].is_digest());
    EXPECT_EQ(store_->pending_count(), 0);
}

TEST_F(DispatcherTest, FoldedRowsStayPendingUntilTheSummaryIsAcceptedAndSurviveARestart) {
    auto held = std::make_shared<HeldChannel>();
    std::string summary_id;
    {
        Dispatcher first(io_, *store_, clock_, policy_);
        first.set_channels({{"out", held}});
        first.set_rate_limits({{"out", {1, 1}}});
        for (int i = 1; i <= 4; ++i) {
            queue("a-" + std::to_string(i));
        }
        first.kick();
        ASSERT_EQ(held->waiting.size(), 1u);
        held->waiting[0](DeliveryResult::delivered());
        io_.poll();
        clock_.advance(1s);
        first.kick();
        ASSERT_EQ(held->alerts.size(), 2u);
        summary_id = held->alerts[1].id;
        EXPECT_EQ(held->alerts[1].items.size(), 3u);
        EXPECT_EQ(store_->pending_count(), 3);  // in flight, not yet accepted
        // The daemon dies here, the summary unanswered.
    }
    io_.restart();
    io_.poll();
    EXPECT_EQ(store_->pending_count(), 3);

    auto out = channel({});
    dispatcher_.set_rate_limits({{"out", {1, 1}}});
    dispatcher_.kick();
    ASSERT_EQ(out->alerts.size(), 1u);
    EXPECT_EQ(out->alerts[0].id, summary_id) << "the same rows make the same summary id";
    EXPECT_EQ(item_ids(out->alerts[0]), (std::vector<std::string>{"a-2", "a-3", "a-4"}));
    EXPECT_EQ(store_->pending_count(), 0);
}

TEST_F(DispatcherTest, ARetriedSummaryRetriesEveryFoldedRow) {
    auto out = channel({DeliveryResult::delivered(), DeliveryResult::retry("HTTP 503")});
    dispatcher_.set_rate_limits({{"out", {1, 1}}});
    dispatcher_.set_metrics(registry_);
    for (int i = 1; i <= 3; ++i) {
        queue("a-" + std::to_string(i));
    }
    dispatcher_.kick();
    clock_.advance(1s);
    dispatcher_.kick();
    ASSERT_EQ(out->alerts.size(), 2u);
    EXPECT_EQ(store_->pending_count(), 2);
    for (const auto& row : store_->list(state::DeliveryState::Pending, 10)) {
        EXPECT_EQ(row.attempts, 1) << row.alert_id;
        EXPECT_EQ(row.last_error, "HTTP 503");
    }
    EXPECT_NE(exposed().find("wirewatch_alerts_total{channel=\"out\",result=\"retried\"} 2"),
              std::string::npos);
    clock_.set(*store_->next_due() + 10s);
    dispatcher_.kick();
    EXPECT_EQ(store_->pending_count(), 0);
}

TEST_F(DispatcherTest, MetricsCountOutcomesPerChannelAndLatencyFromCreation) {
    dispatcher_.set_metrics(registry_);
    auto out = channel({DeliveryResult::retry("451 busy"),
                        DeliveryResult::failed("550 no such user"), DeliveryResult::delivered()});
    // Pre-created at 0 for a configured channel, before any delivery.
    for (const char* result : {"delivered", "retried", "dead"}) {
        EXPECT_NE(exposed().find(std::string("wirewatch_alerts_total{channel=\"out\",result=\"") +
                                 result + "\"} 0"),
                  std::string::npos)
            << result;
    }
    queue("a-1");
    queue("a-2");
    clock_.advance(3s);
    dispatcher_.kick();  // a-1 retried, a-2 dead
    clock_.set(*store_->next_due());
    dispatcher_.kick();  // a-1 delivered
    const auto text = exposed();
    EXPECT_NE(text.find("wirewatch_alerts_total{channel=\"out\",result=\"delivered\"} 1"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("wirewatch_alerts_total{channel=\"out\",result=\"retried\"} 1"),
              std::string::npos);
    EXPECT_NE(text.find("wirewatch_alerts_total{channel=\"out\",result=\"dead\"} 1"),
              std::string::npos);
    EXPECT_NE(text.find("wirewatch_delivery_latency_seconds_count 1"), std::string::npos);
    // Created at t0, accepted after 3 s and a ~10 s backoff: in the (10, 20] s range.
    EXPECT_NE(text.find("wirewatch_delivery_latency_seconds_bucket{le=\"10\"} 0"),
              std::string::npos)
        << text;
}

TEST_F(DispatcherTest, RetryAfterPausesTheChannelInTheGauge) {
    dispatcher_.set_metrics(registry_);
    auto out = channel({DeliveryResult::retry("HTTP 429", 30s)});
    queue("a-1");
    dispatcher_.kick();
    EXPECT_NE(exposed().find("wirewatch_channel_paused{channel=\"out\"} 1"), std::string::npos);
    clock_.advance(30s);
    dispatcher_.kick();
    EXPECT_EQ(store_->pending_count(), 0);
    EXPECT_NE(exposed().find("wirewatch_channel_paused{channel=\"out\"} 0"), std::string::npos);
}

TEST_F(DispatcherTest, AtMost64InFlightPerChannelTheRestStartAsAnswersComeBack) {
    auto held = std::make_shared<HeldChannel>();
    dispatcher_.set_channels({{"out", held}});
    for (int i = 0; i < 150; ++i) {
        queue("a-" + std::to_string(i));
    }
    dispatcher_.kick();
    EXPECT_EQ(held->waiting.size(), 64u);
    EXPECT_EQ(dispatcher_.in_flight(), 64u);
    for (std::size_t answered = 0; answered < held->waiting.size(); ++answered) {
        held->waiting[answered](DeliveryResult::delivered());
        io_.restart();
        io_.poll();
        EXPECT_LE(dispatcher_.in_flight(), 64u);
    }
    ASSERT_EQ(held->alerts.size(), 150u);
    std::set<std::string> ids;
    for (const auto& alert : held->alerts) {
        ids.insert(alert.id);
    }
    EXPECT_EQ(ids.size(), 150u) << "an alert was sent twice";
    EXPECT_EQ(store_->pending_count(), 0);
}

TEST(RateLimits, SlackDefaultsToOnePerSecondOthersOnlyWhenSet) {
    std::vector<config::ChannelConfig> channels(4);
    channels[0].id = "team";
    channels[0].type = "slack";
    channels[1].id = "hook";
    channels[1].type = "webhook";
    channels[2].id = "mail";
    channels[2].type = "email";
    channels[2].rate_per_second = 0.5;
    channels[3].id = "ops";
    channels[3].type = "webhook";
    channels[3].rate_per_second = 10;
    channels[3].burst = 20;
    const auto limits = rate_limits(channels);
    EXPECT_EQ(limits.at("team"), (RateLimit{1, 1}));
    EXPECT_FALSE(limits.count("hook"));
    EXPECT_EQ(limits.at("mail"), (RateLimit{0.5, 1}));
    EXPECT_EQ(limits.at("ops"), (RateLimit{10, 20}));
}

}  // namespace
}  // namespace ww::alerts

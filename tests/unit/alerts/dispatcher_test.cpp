#include "wirewatch/alerts/dispatcher.hpp"

#include <gtest/gtest.h>

#include <deque>
#include <nlohmann/json.hpp>

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

protected:
    void do_send(const notify::Alert& alert, notify::DeliveryCallback done) override {
        sent.push_back(alert.id);
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

    std::shared_ptr<ScriptedChannel> channel(std::deque<DeliveryResult> script) {
        auto c = std::make_shared<ScriptedChannel>(std::move(script));
        dispatcher_.set_channels({{"out", c}});
        return c;
    }

    ww::testing::TempDir dir_;
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

}  // namespace
}  // namespace ww::alerts

// The dispatcher with the real Slack/webhook channel against a scripted HTTP endpoint: the
// order of attempts and the waits between them, read off an injected clock (no sleeping).

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>

#include "notify/channels.hpp"
#include "support/temp_dir.hpp"
#include "support/webhook_server.hpp"
#include "wirewatch/alerts/dispatcher.hpp"
#include "wirewatch/net/transfers.hpp"

namespace ww::alerts {
namespace {

using namespace std::chrono_literals;
using ww::testing::WebhookServer;

class HttpDeliveryTest : public ::testing::Test {
protected:
    HttpDeliveryTest() : store_(state::Store::open(dir_.path())) {}

    void queue(const std::string& id, const std::string& channel) {
        notify::Alert alert;
        alert.id = id;
        alert.subscriber_id = "desk";
        alert.title = "title " + id;
        store_->record("src", {id}, {{id, "desk", notify::to_json(alert).dump(), {channel}}},
                       clock_.now());
    }

    // Kicks and runs the loop until `n` more requests reached the server and were answered.
    void deliver_until(std::size_t requests) {
        dispatcher_.kick();
        const auto give_up = std::chrono::steady_clock::now() + 30s;
        while ((server_.count() < requests || dispatcher_.in_flight() > 0) &&
               std::chrono::steady_clock::now() < give_up) {
            io_.run_for(10ms);
        }
        ASSERT_GE(server_.count(), requests);
    }

    state::OutboxItem row() { return store_->list(std::nullopt, 10).at(0); }

    ww::testing::TempDir dir_;
    ManualClock clock_{std::chrono::system_clock::time_point(std::chrono::hours(500000))};
    boost::asio::io_context io_;
    net::Transfers transfers_{io_};
    std::unique_ptr<state::Store> store_;
    WebhookServer server_;
    notify::NotifierContext context_{&io_, &transfers_, &clock_, "host"};
    Dispatcher dispatcher_{io_, *store_, clock_, RetryPolicy{10s, 1h, 24h}};
};

TEST_F(HttpDeliveryTest, RetryAfterThenServerErrorThenDelivered) {
    server_.script({{429, {{"Retry-After", "30"}}, "rate limited"},
                    {500, {}, "upstream down"},
                    {200, {}, "ok"}});
    dispatcher_.set_channels(
        {{"slack", std::make_shared<notify::HttpChannel>("slack", notify::HttpChannel::Kind::Slack,
                                                         server_.url(), "", context_)}});
    queue("a-1", "slack");
    const auto t0 = clock_.now();

    deliver_until(1);  // 429: waits exactly Retry-After
    EXPECT_EQ(row().attempts, 1);
    EXPECT_EQ(row().next_attempt_at, t0 + 30s);
    EXPECT_NE(row().last_error.find("HTTP 429"), std::string::npos);

    clock_.advance(29s);
    dispatcher_.kick();
    io_.poll();
    EXPECT_EQ(server_.count(), 1u);  // not due yet: nothing sent

    clock_.advance(1s);
    deliver_until(2);  // 500: our backoff for a second attempt, 2 × 10 s ± 20%
    EXPECT_EQ(row().attempts, 2);
    const auto wait = row().next_attempt_at - clock_.now();
    EXPECT_GE(wait, 16s);
    EXPECT_LE(wait, 24s);

    clock_.advance(24s);
    deliver_until(3);
    EXPECT_EQ(row().state, state::DeliveryState::Delivered);
    EXPECT_EQ(store_->pending_count(), 0);
    // The same stable id every time, so a receiver can drop repeats.
    for (const auto& got : server_.received()) {
        EXPECT_EQ(got.headers.at("x-wirewatch-alert-id"), "a-1");
    }
}

TEST_F(HttpDeliveryTest, A429PausesTheWholeChannel) {
    server_.script({{429, {{"Retry-After", "60"}}, ""}});
    dispatcher_.set_channels(
        {{"hook", std::make_shared<notify::HttpChannel>("hook", notify::HttpChannel::Kind::Webhook,
                                                        server_.url(), "", context_)}});
    queue("a-1", "hook");
    const auto t0 = clock_.now();
    deliver_until(1);
    queue("a-2", "hook");
    dispatcher_.kick();
    io_.poll();
    EXPECT_EQ(server_.count(), 1u);  // a-2 waits for the pause instead of drawing its own 429
    for (const auto& item : store_->list(state::DeliveryState::Pending, 10)) {
        EXPECT_EQ(item.next_attempt_at, t0 + 60s) << item.alert_id;
    }
    clock_.advance(60s);
    deliver_until(3);
    EXPECT_EQ(store_->pending_count(), 0);
}

TEST_F(HttpDeliveryTest, BadRequestIsDeadLetteredAndAnnouncedOnTheAdminChannel) {
    WebhookServer admin;
    server_.script({{400, {}, "invalid_payload"}});
    dispatcher_.set_channels(
        {{"hook", std::make_shared<notify::HttpChannel>("hook", notify::HttpChannel::Kind::Webhook,
                                                        server_.url(), "", context_)},
         {"ops", std::make_shared<notify::HttpChannel>("ops", notify::HttpChannel::Kind::Webhook,
                                                       admin.url(), "", context_)}});
    dispatcher_.set_admin_channel("ops");
    queue("a-1", "hook");
    deliver_until(1);
    EXPECT_EQ(dispatcher_.dead_letters(), 1u);
    auto dead = store_->list(state::DeliveryState::Dead, 10);
    ASSERT_EQ(dead.size(), 1u);
    EXPECT_NE(dead[0].last_error.find("invalid_payload"), std::string::npos);
    // The notice goes out on the admin channel.
    dispatcher_.kick();
    const auto give_up = std::chrono::steady_clock::now() + 30s;
    while (admin.count() < 1 && std::chrono::steady_clock::now() < give_up) {
        io_.run_for(10ms);
    }
    ASSERT_EQ(admin.count(), 1u);
    const auto notice = nlohmann::json::parse(admin.received()[0].body);
    EXPECT_NE(notice["title"].get<std::string>().find("undeliverable alert a-1"),
              std::string::npos);
}

}  // namespace
}  // namespace ww::alerts

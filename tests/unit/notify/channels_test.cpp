// The channels against real peers on loopback: a syslog collector (Unix datagram, UDP, TCP),
// a scripted HTTP endpoint for Slack and webhooks, and the result table.

#include "notify/channels.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>

#include "support/syslog_receiver.hpp"
#include "support/temp_dir.hpp"
#include "support/webhook_server.hpp"
#include "wirewatch/net/transfers.hpp"
#include "wirewatch/notify/results.hpp"

namespace ww::notify {
namespace {

using namespace std::chrono_literals;
using ww::testing::SyslogReceiver;
using ww::testing::WebhookServer;

Alert sample(const std::string& id = "a-1") {
    Alert a;
    a.id = id;
    a.subscriber_id = "desk";
    a.severity = rules::Severity::High;
    a.source_id = "wire-world";
    a.url = "https://daily.example.org/world/aleppo-truce";
    a.title = "Talks to revive Aleppo truce";
    a.snippet = "the cease-fire around Aleppo";
    a.highlights = {{4, 14}};
    a.rules = {{"ceasefire", rules::Severity::High, {"cease-fire"}}};
    a.created_at = std::chrono::sys_seconds(std::chrono::seconds(1795598043));
    return a;
}

// Runs the loop until `result` is set; the bound only keeps a broken test from hanging.
DeliveryResult send_and_wait(boost::asio::io_context& io, Notifier& channel, const Alert& alert) {
    std::optional<DeliveryResult> result;
    channel.send(alert, [&](DeliveryResult r) { result = std::move(r); });
    const auto give_up = std::chrono::steady_clock::now() + 30s;
    io.restart();
    while (!result && std::chrono::steady_clock::now() < give_up) {
        io.run_for(20ms);
    }
    EXPECT_TRUE(result.has_value());
    return result.value_or(DeliveryResult::retry("test gave up"));
}

// <PRI>1 TS HOST APP PID MSGID [SD] MSG
struct Parsed {
    int pri = -1;
    std::string app, msgid, sd, msg;
};
Parsed parse_record(const std::string& record) {
    static const std::regex kRecord(
        R"(^<(\d+)>1 \S+ \S+ (\S+) \d+ (\S+) (\[wirewatch@32473(?:[^\]\\"]|\\.|"(?:[^"\\]|\\.)*")*\]) (.*)$)");
    std::smatch m;
    Parsed p;
    if (std::regex_match(record, m, kRecord)) {
        p.pri = std::stoi(m[1]);
        p.app = m[2];
        p.msgid = m[3];
        p.sd = m[4];
        p.msg = m[5];
    }
    return p;
}

class SyslogChannelTest : public ::testing::Test {
protected:
    ww::testing::TempDir dir_;
    boost::asio::io_context io_;
    ManualClock clock_{std::chrono::system_clock::time_point(1795598043120ms)};
    NotifierContext context_{&io_, nullptr, &clock_, "testhost"};

    SyslogOptions options() {
        SyslogOptions o;
        o.facility = *syslog_facility("local3");
        o.hostname = "testhost";
        o.app_name = "ww";
        return o;
    }
};

TEST_F(SyslogChannelTest, UnixDatagramCarriesOneRecordPerAlert) {
    const std::string path = (dir_ / "log.sock").string();
    SyslogReceiver receiver(SyslogReceiver::Kind::Unix, path);
    ASSERT_TRUE(receiver.ok());
    SyslogChannel channel("siem", "unix:" + path, options(), context_);
    Alert hostile = sample("a-2");
    hostile.title = "line one\nline two ] \"q\"";
    hostile.source_id = "src]\"x";
    ASSERT_EQ(send_and_wait(io_, channel, sample()).kind, DeliveryResult::Kind::Delivered);
    ASSERT_EQ(send_and_wait(io_, channel, hostile).kind, DeliveryResult::Kind::Delivered);
    auto first = receiver.next();
    auto second = receiver.next();
    ASSERT_TRUE(first && second);
    Parsed p = parse_record(*first);
    EXPECT_EQ(p.pri, 19 * 8 + 3) << *first;
    EXPECT_EQ(p.app, "ww");
    EXPECT_EQ(p.msgid, "alert");
    EXPECT_NE(p.sd.find("rule=\"ceasefire\""), std::string::npos);
    EXPECT_NE(p.sd.find("severity=\"high\""), std::string::npos);
    EXPECT_NE(p.sd.find("url=\"https://daily.example.org/world/aleppo-truce\""), std::string::npos);
    EXPECT_EQ(p.msg, "Talks to revive Aleppo truce");
    Parsed q = parse_record(*second);
    EXPECT_EQ(second->find('\n'), std::string::npos);
    EXPECT_NE(q.sd.find("source=\"src\\]\\\"x\""), std::string::npos) << *second;
    EXPECT_EQ(q.msg, "line one line two ] \"q\"");
}

TEST_F(SyslogChannelTest, UdpAndMissingSocket) {
    SyslogReceiver receiver(SyslogReceiver::Kind::Udp);
    ASSERT_TRUE(receiver.ok());
    SyslogChannel channel("siem", "udp://127.0.0.1:" + std::to_string(receiver.port()), options(),
                          context_);
    ASSERT_EQ(send_and_wait(io_, channel, sample()).kind, DeliveryResult::Kind::Delivered);
    auto record = receiver.next();
    ASSERT_TRUE(record);
    EXPECT_EQ(parse_record(*record).msg, "Talks to revive Aleppo truce");

    SyslogChannel nowhere("siem", "unix:" + (dir_ / "absent.sock").string(), options(), context_);
    EXPECT_EQ(send_and_wait(io_, nowhere, sample()).kind, DeliveryResult::Kind::Retry);
}

TEST_F(SyslogChannelTest, TcpUsesOctetCounting) {
    SyslogReceiver receiver(SyslogReceiver::Kind::Tcp);
    ASSERT_TRUE(receiver.ok());
    SyslogChannel channel("siem", "tcp://127.0.0.1:" + std::to_string(receiver.port()), options(),
                          context_);
    Alert a = sample();
    a.title = "multi\nline";
    ASSERT_EQ(send_and_wait(io_, channel, a).kind, DeliveryResult::Kind::Delivered);
    ASSERT_EQ(send_and_wait(io_, channel, sample("a-3")).kind, DeliveryResult::Kind::Delivered);
    auto first = receiver.next();
    auto second = receiver.next();
    ASSERT_TRUE(first && second);
    EXPECT_EQ(parse_record(*first).msg, "multi line");
    EXPECT_NE(second->find("id=\"a-3\""), std::string::npos);
}

// --- HTTP ---------------------------------------------------------------------------------

TEST(HttpResults, Table) {
    const auto now = std::chrono::system_clock::from_time_t(1445412480);  // 07:28:00
    using K = DeliveryResult::Kind;
    struct Row {
        CURLcode code;
        long status;
        std::optional<std::string> retry_after;
        K kind;
        std::chrono::milliseconds after;
    };
    for (const Row& row : {
             Row{CURLE_OK, 200, {}, K::Delivered, 0ms},
             Row{CURLE_OK, 204, {}, K::Delivered, 0ms},
             Row{CURLE_OK, 429, "7", K::Retry, 7s},
             Row{CURLE_OK, 429, "Wed, 21 Oct 2015 07:30:00 GMT", K::Retry, 120s},
             Row{CURLE_OK, 429, {}, K::Retry, 60s},
             Row{CURLE_OK, 500, {}, K::Retry, 0ms},
             Row{CURLE_OK, 503, "3", K::Retry, 3s},
             Row{CURLE_OK, 408, {}, K::Retry, 0ms},
             Row{CURLE_OK, 400, {}, K::Failed, 0ms},
             Row{CURLE_OK, 404, {}, K::Failed, 0ms},
             Row{CURLE_OK, 301, {}, K::Failed, 0ms},
             Row{CURLE_OPERATION_TIMEDOUT, 0, {}, K::Retry, 0ms},
             Row{CURLE_COULDNT_CONNECT, 0, {}, K::Retry, 0ms},
         }) {
        const auto r = http_delivery_result(row.code, "", row.status, row.retry_after, "x", now);
        EXPECT_EQ(r.kind, row.kind) << row.status;
        EXPECT_EQ(r.retry_after, row.after) << row.status;
    }
    using S = DeliveryResult::Kind;
    EXPECT_EQ(smtp_delivery_result(CURLE_OK, "", 250).kind, S::Delivered);
    EXPECT_EQ(smtp_delivery_result(CURLE_SEND_ERROR, "RCPT failed: 451", 451).kind, S::Retry);
    EXPECT_EQ(smtp_delivery_result(CURLE_SEND_ERROR, "RCPT failed: 550", 550).kind, S::Failed);
    EXPECT_EQ(smtp_delivery_result(CURLE_USE_SSL_FAILED, "", 0).kind, S::Failed);
    EXPECT_EQ(smtp_delivery_result(CURLE_COULDNT_CONNECT, "", 0).kind, S::Retry);
    EXPECT_EQ(smtp_delivery_result(CURLE_LOGIN_DENIED, "", 535).kind, S::Failed);
}

class HttpChannelTest : public ::testing::Test {
protected:
    boost::asio::io_context io_;
    net::Transfers transfers_{io_};
    ManualClock clock_{std::chrono::system_clock::time_point(1795598043120ms)};
    NotifierContext context_{&io_, &transfers_, &clock_, "testhost"};
    WebhookServer server_;
};

TEST_F(HttpChannelTest, WebhookPostsTheAlertJsonSigned) {
    HttpChannel channel("hook", HttpChannel::Kind::Webhook, server_.url(), "s3cret", context_);
    ASSERT_EQ(send_and_wait(io_, channel, sample()).kind, DeliveryResult::Kind::Delivered);
    const auto got = server_.received();
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].method, "POST");
    EXPECT_EQ(got[0].target, "/hook");
    EXPECT_EQ(nlohmann::json::parse(got[0].body)["id"], "a-1");
    EXPECT_EQ(got[0].headers.at("x-wirewatch-signature"),
              "sha256=" + hmac_sha256_hex("s3cret", got[0].body));
    EXPECT_EQ(got[0].headers.at("x-wirewatch-alert-id"), "a-1");
    EXPECT_NE(got[0].headers.at("content-type").find("application/json"), std::string::npos);
}

TEST_F(HttpChannelTest, ServerAnswersMapToResults) {
    server_.script({{200, {}, "ok"},
                    {429, {{"Retry-After", "12"}}, "slow down"},
                    {500, {}, "oops"},
                    {400, {}, "invalid_blocks"}});
    HttpChannel channel("slack", HttpChannel::Kind::Slack, server_.url("/services/T0/B0/XYZ"), "",
                        context_);
    EXPECT_EQ(send_and_wait(io_, channel, sample()).kind, DeliveryResult::Kind::Delivered);
    auto r429 = send_and_wait(io_, channel, sample());
    EXPECT_EQ(r429.kind, DeliveryResult::Kind::Retry);
    EXPECT_EQ(r429.retry_after, 12s);
    auto r500 = send_and_wait(io_, channel, sample());
    EXPECT_EQ(r500.kind, DeliveryResult::Kind::Retry);
    EXPECT_NE(r500.reason.find("HTTP 500: oops"), std::string::npos);
    auto r400 = send_and_wait(io_, channel, sample());
    EXPECT_EQ(r400.kind, DeliveryResult::Kind::Failed);
    EXPECT_NE(r400.reason.find("invalid_blocks"), std::string::npos);
    const auto got = server_.received();
    ASSERT_EQ(got.size(), 4u);
    const auto payload = nlohmann::json::parse(got[0].body);
    EXPECT_TRUE(payload.contains("blocks"));
    EXPECT_TRUE(payload.contains("text"));
    EXPECT_EQ(got[0].headers.count("x-wirewatch-signature"), 0u);
}

TEST_F(HttpChannelTest, UnreachableEndpointIsRetried) {
    const int port = server_.port();
    HttpChannel channel("hook", HttpChannel::Kind::Webhook,
                        "http://127.0.0.1:1/" + std::to_string(port), "", context_);
    EXPECT_EQ(send_and_wait(io_, channel, sample()).kind, DeliveryResult::Kind::Retry);
}

}  // namespace
}  // namespace ww::notify

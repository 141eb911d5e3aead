// Secrets are redacted at the log sink: whatever a message quotes (libcurl's error text, a
// server's answer, our own context), a registered secret, URL userinfo and Authorization or
// Cookie header values never reach the sink.

#include "wirewatch/log.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>

#include <sstream>

namespace ww {
namespace {

// Routes every logger into a string for the test's lifetime.
class CapturedSink {
public:
    CapturedSink() {
        auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out_);
        sink->set_pattern("%l %n: %v");
        configure_logging("info", sink);
    }
    ~CapturedSink() { configure_logging("info", LogStyle::Plain); }
    std::string text() const { return out_.str(); }

private:
    std::ostringstream out_;
};

TEST(Log, ARegisteredSecretInAnErrorMessageNeverReachesTheSink) {
    CapturedSink captured;
    // Created before the secret is known: redaction happens at the sink, for every logger.
    auto log = logger("notify.webhook");
    register_secret("hooks-t0ken-4711");
    register_secret("pw-of-smtp-user");
    const std::string libcurl_error =
        "The requested URL returned error: 401 (https://example.invalid/in/hooks-t0ken-4711)";
    log->error("channel=ops: delivery failed: {}", libcurl_error);
    log->warn("channel=mail: AUTH rejected for password pw-of-smtp-user, retrying");
    log->info("channel=mail: key pw-of-smtp-user and again pw-of-smtp-user");
    const std::string text = captured.text();
    EXPECT_EQ(text.find("hooks-t0ken-4711"), std::string::npos) << text;
    EXPECT_EQ(text.find("pw-of-smtp-user"), std::string::npos) << text;
    EXPECT_NE(text.find("error notify.webhook: channel=ops: delivery failed: The requested URL "
                        "returned error: 401 (https://example.invalid/in/***)"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("key *** and again ***"), std::string::npos) << text;
}

TEST(Log, UserinfoAndAuthHeadersAreRedactedWithoutRegistration) {
    CapturedSink captured;
    auto log = logger("sources");
    log->warn("source=s url=https://alice:opensesame@feeds.example/x: HTTP 500");
    log->warn("sent Authorization: Bearer eyJhbGciOi.payload.sig");
    log->warn("sent cookie=session=abc123; other");
    log->warn("sent Proxy-Authorization: Basic YWxhZGRpbjpvcGVu");
    const std::string text = captured.text();
    for (const char* secret : {"opensesame", "eyJhbGciOi", "abc123", "YWxhZGRpbjpvcGVu"}) {
        EXPECT_EQ(text.find(secret), std::string::npos) << secret << "\n" << text;
    }
    EXPECT_NE(text.find("url=https://***@feeds.example/x: HTTP 500"), std::string::npos) << text;
    EXPECT_NE(text.find("Authorization: ***"), std::string::npos) << text;
}

TEST(Log, RedactionLeavesOrdinaryTextAlone) {
    register_secret("abc");  // too short to be a secret: ignored
    EXPECT_EQ(redact_secrets("abc news about the cookie banner, mail to a@b"),
              "abc news about the cookie banner, mail to a@b");
    register_secret("outer-s3cret-value");
    register_secret("s3cret");  // a secret inside a longer one: the longer one goes first
    EXPECT_EQ(redact_secrets("x outer-s3cret-value y s3cret z"), "x *** y *** z");
}

TEST(Log, SetLogLevelFiltersEveryLoggerAndKeepsTheSink) {
    CapturedSink captured;
    auto early = logger("sources");
    ASSERT_TRUE(set_log_level("warn"));
    auto late = logger("notify.level-test");  // created after the change: same level
    early->info("info from an early logger");
    late->info("info from a late logger");
    early->warn("warn still shown");
    ASSERT_TRUE(set_log_level("debug"));
    late->debug("debug now shown");
    EXPECT_FALSE(set_log_level("chatty"));
    late->debug("an unknown level changed nothing");
    set_log_level("info");
    const std::string text = captured.text();
    EXPECT_EQ(text.find("info from"), std::string::npos) << text;
    EXPECT_NE(text.find("warning sources: warn still shown"), std::string::npos) << text;
    EXPECT_NE(text.find("debug notify.level-test: debug now shown"), std::string::npos) << text;
    EXPECT_NE(text.find("an unknown level changed nothing"), std::string::npos) << text;
}

TEST(Log, RedactSecretsRemovesPatternsWithoutRegistration) {
    EXPECT_EQ(redact_secrets("Failed to connect to https://user:pa55@example.com/x"),
              "Failed to connect to https://***@example.com/x");
    EXPECT_EQ(redact_secrets("POST https://hooks.slack.com/services/T000/B000/XXXX failed"),
              "POST https://hooks.slack.com/*** failed");
    EXPECT_EQ(redact_secrets("Authorization: Bearer abc.def"), "Authorization: ***");
    EXPECT_EQ(redact_secrets("https://api.example.com/feed?id=3&token=s3cr3t&x=1"),
              "https://api.example.com/feed?id=3&token=***&x=1");
    EXPECT_EQ(redact_secrets("plain text, nothing secret"), "plain text, nothing secret");
    // The patterns run only when their literal is there; case must not hide it.
    EXPECT_EQ(redact_secrets("X-API-KEY: abc"), "X-API-KEY: ***");
    EXPECT_EQ(redact_secrets("Proxy-Authorization: Basic eA=="), "Proxy-Authorization: ***");
    EXPECT_EQ(redact_secrets("Cookie: session=1"), "Cookie: ***");
    EXPECT_EQ(redact_secrets("HTTPS://HOOKS.SLACK.COM/services/T/B/X"),
              "HTTPS://HOOKS.SLACK.COM/***");
    EXPECT_EQ(redact_secrets("GET https://x.example/a?SIG=abc"), "GET https://x.example/a?SIG=***");
    EXPECT_EQ(redact_secrets("https://example.com/feed?page=2"), "https://example.com/feed?page=2");
    EXPECT_EQ(redact_secrets("mail jane@example.com"), "mail jane@example.com");
}

}  // namespace
}  // namespace ww

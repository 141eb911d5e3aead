// GET /metrics, /healthz and /readyz from a real wirewatchd: the scrape must be valid
// Prometheus text (strict parser), carry every series pre-initialized, and count what the
// daemon did.

#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>
#include <cstdlib>

#include "support/daemon_config.hpp"
#include "support/http_server.hpp"
#include "support/metrics_exposition.hpp"
#include "support/metrics_http_client.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace ww {
namespace {

using testing::bound_port;
using testing::http_get;
using testing::parse_exposition;
using testing::Process;
using testing::TempDir;

const std::string kBinary = WW_BINARY;

const char* kRules = R"(
[[rule]]
id = "ceasefire"
keywords = ["cease-fire", "truce"]
severity = "high"

[[rule]]
id = "harvest"
keywords = ["harvest"]
)";

std::string config(const std::string& listen) {
    return testing::daemon_test_config({.listen = listen});
}

TEST(Metrics, ScrapeIsValidAndCountsWhatTheDaemonDid) {
    TempDir dir;
    dir.write("wirewatch.toml", config("127.0.0.1:0"));
    dir.write("rules/a.toml", kRules);
    std::filesystem::create_directories(dir / "spool");
    Process daemon({kBinary, "run", "--config", "wirewatch.toml", "--state-dir", "state"},
                   dir.path(), dir.path());
    ASSERT_TRUE(daemon.wait_for_output("running:")) << daemon.err();
    const unsigned short port = bound_port(daemon);
    ASSERT_NE(port, 0) << daemon.err();

    // Before anything happened: every known series is there at 0.
    auto reply = http_get(port, "/metrics");
    ASSERT_EQ(reply.status, 200);
    EXPECT_EQ(reply.content_type, "text/plain; version=0.0.4; charset=utf-8");
    auto before = parse_exposition(reply.body);
    EXPECT_EQ(before.value("wirewatch_documents_total", {{"source", "drop"}}), 0);
    EXPECT_EQ(before.value("wirewatch_rule_hits_total", {{"rule", "ceasefire"}}), 0);
    EXPECT_EQ(before.value("wirewatch_rule_hits_total", {{"rule", "harvest"}}), 0);
    EXPECT_EQ(before.value("wirewatch_reloads_total", {{"result", "success"}}), 0);
    EXPECT_EQ(before.value("wirewatch_reloads_total", {{"result", "failure"}}), 0);
    EXPECT_EQ(before.value("wirewatch_rules"), 2);
    EXPECT_EQ(before.value("wirewatch_sources", {{"type", "spool"}}), 1);
    EXPECT_EQ(before.value("wirewatch_sources", {{"type", "feed"}}), 0);
    EXPECT_EQ(before.value("wirewatch_outbox_pending"), 0);
    EXPECT_GT(before.value("wirewatch_last_reload_success_timestamp_seconds"), 1.7e9);
    for (const auto& name : before.order) {
        EXPECT_EQ(name.rfind("wirewatch_", 0), 0u) << name;
        const auto& family = before.families.at(name);
        EXPECT_TRUE(family.has_help) << name;
        EXPECT_FALSE(family.type.empty()) << name;
        if (family.type == "counter") {
            EXPECT_TRUE(name.size() > 6 && name.substr(name.size() - 6) == "_total") << name;
        }
    }

    // One article that hits one rule.
    testing::drop_file(dir, "a.txt", "Truce talks resume\nEnvoys discussed the cease-fire.\n");
    ASSERT_TRUE(daemon.wait_for_output("\"title\":\"Truce talks resume\"")) << daemon.err();
    auto after = parse_exposition(http_get(port, "/metrics").body);
    EXPECT_EQ(after.value("wirewatch_documents_total", {{"source", "drop"}}), 1);
    EXPECT_EQ(after.value("wirewatch_rule_hits_total", {{"rule", "ceasefire"}}), 1);
    EXPECT_EQ(after.value("wirewatch_rule_hits_total", {{"rule", "harvest"}}), 0);
    EXPECT_EQ(after.value("wirewatch_alerts_queued_total"), 1);
    EXPECT_EQ(after.value("wirewatch_match_duration_seconds_count"), 1);

    // A reload is counted by result.
    daemon.signal(SIGHUP);
    ASSERT_TRUE(daemon.wait_for_output("reloaded:")) << daemon.err();
    auto reloaded = parse_exposition(http_get(port, "/metrics").body);
    EXPECT_EQ(reloaded.value("wirewatch_reloads_total", {{"result", "success"}}), 1);
    EXPECT_EQ(reloaded.value("wirewatch_reloads_total", {{"result", "failure"}}), 0);

    EXPECT_EQ(http_get(port, "/healthz").status, 200);
    EXPECT_EQ(http_get(port, "/readyz").status, 200);
    EXPECT_EQ(http_get(port, "/metrics", "HEAD").status, 200);
    EXPECT_EQ(http_get(port, "/nope").status, 404);
    EXPECT_EQ(http_get(port, "/metrics", "POST").status, 405);
    // An oversized request gets no answer at all, and the listener carries on.
    EXPECT_EQ(testing::http_raw(port, "GET /metrics HTTP/1.1\r\nX-Big: " +
                                          std::string(64 * 1024, 'x') + "\r\n\r\n")
                  .status,
              0);
    EXPECT_EQ(http_get(port, "/healthz").status, 200);

    daemon.signal(SIGTERM);
    EXPECT_EQ(daemon.wait(), 0) << daemon.err();
}

// promtool (Debian package prometheus: 96 MB installed, so not in scripts/packages.txt) checks
// the scrape too where it is installed; the strict parser in parse_exposition always does.
void check_with_promtool(const TempDir& dir, const std::string& scrape) {
    if (std::system("command -v promtool >/dev/null 2>&1") != 0) {
        return;
    }
    dir.write("scrape.txt", scrape);
    std::string out;
    EXPECT_EQ(testing::run({"/bin/sh", "-c", "promtool check metrics < scrape.txt"}, dir.path(),
                           &out, &out, dir.path()),
              0)
        << out;
}

const char* kFileFeeds = R"(
[[source]]
id = "wire"
type = "feed"
url = "file:feeds/wire.xml"
interval = "1h"

[[source]]
id = "messy"
type = "feed"
url = "file:feeds/messy.xml"
interval = "1h"

[[source]]
id = "missing"
type = "feed"
url = "file:feeds/missing.xml"
interval = "1h"
)";

TEST(Metrics, FetchSeriesAppearDuringARealRunAndTheScrapeStaysValid) {
    TempDir dir;
    dir.write("wirewatch.toml",
              testing::daemon_test_config({.listen = "127.0.0.1:0", .more = kFileFeeds}));
    dir.write("rules/a.toml", kRules);
    dir.write("feeds/wire.xml",
              "<rss version=\"2.0\"><channel><title>W</title><item><guid>w1</guid>"
              "<title>Truce holds</title></item></channel></rss>");
    // Cut off mid-item: recovered, and counted as a parse error.
    dir.write("feeds/messy.xml",
              "<rss version=\"2.0\"><channel><title>M</title><item><guid>m1</guid>"
              "<title>Harvest in</title></item><item><guid>m2</guid><title>Cut");
    std::filesystem::create_directories(dir / "spool");
    Process daemon({kBinary, "run", "--config", "wirewatch.toml", "--state-dir", "state"},
                   dir.path(), dir.path());
    ASSERT_TRUE(daemon.wait_for_output("running:")) << daemon.err();
    const unsigned short port = bound_port(daemon);
    ASSERT_NE(port, 0) << daemon.err();
    // Every fetching source has every result from the start; a spool source fetches nothing.
    auto before = parse_exposition(http_get(port, "/metrics").body);
    for (const char* source : {"wire", "messy", "missing"}) {
        for (const char* result : {"ok", "not_modified", "error", "gone", "paused"}) {
            EXPECT_TRUE(
                before.has("wirewatch_fetches_total", {{"source", source}, {"result", result}}))
                << source << " " << result;
        }
        EXPECT_TRUE(before.has("wirewatch_parse_errors_total", {{"source", source}})) << source;
    }
    EXPECT_FALSE(before.has("wirewatch_fetches_total", {{"source", "drop"}, {"result", "ok"}}));
    EXPECT_TRUE(before.has("wirewatch_fetch_duration_seconds_count", {}));
    EXPECT_TRUE(before.has("wirewatch_sources_by_state", {{"state", "never_polled"}}));

    // Each feed polls once within its first two seconds, the spool every second.
    ASSERT_TRUE(daemon.wait_for_output("source=wire: first poll")) << daemon.err();
    ASSERT_TRUE(daemon.wait_for_output("source=messy: first poll")) << daemon.err();
    ASSERT_TRUE(daemon.wait_for_output("source=missing url=")) << daemon.err();
    testing::drop_file(dir, "a.txt", "Truce talks resume\nEnvoys discussed the cease-fire.\n");
    ASSERT_TRUE(daemon.wait_for_output("\"title\":\"Truce talks resume\"")) << daemon.err();

    const std::string scrape = http_get(port, "/metrics").body;
    check_with_promtool(dir, scrape);
    auto after = parse_exposition(scrape);
    EXPECT_EQ(after.value("wirewatch_fetches_total", {{"source", "wire"}, {"result", "ok"}}), 1);
    EXPECT_EQ(after.value("wirewatch_fetches_total", {{"source", "messy"}, {"result", "ok"}}), 1);
    EXPECT_EQ(after.value("wirewatch_fetches_total", {{"source", "missing"}, {"result", "error"}}),
              1);
    EXPECT_EQ(after.value("wirewatch_fetches_total", {{"source", "wire"}, {"result", "error"}}), 0);
    EXPECT_EQ(after.value("wirewatch_parse_errors_total", {{"source", "messy"}}), 1);
    EXPECT_EQ(after.value("wirewatch_parse_errors_total", {{"source", "wire"}}), 0);
    EXPECT_EQ(after.value("wirewatch_sources_by_state", {{"state", "ok"}}), 3);
    EXPECT_EQ(after.value("wirewatch_sources_by_state", {{"state", "failing"}}), 1);
    EXPECT_EQ(after.value("wirewatch_sources_by_state", {{"state", "never_polled"}}), 0);
    EXPECT_EQ(after.value("wirewatch_sources_by_state", {{"state", "disabled"}}), 0);
    EXPECT_EQ(after.value("wirewatch_sources", {{"type", "feed"}}), 3);
    // No label value is ever a URL or a path.
    for (const auto& [name, family] : after.families) {
        for (const auto& sample : family.samples) {
            for (const auto& [label, value] : sample.labels) {
                EXPECT_EQ(value.find('/'), std::string::npos) << name << " " << label;
            }
        }
    }

    daemon.signal(SIGTERM);
    EXPECT_EQ(daemon.wait(), 0) << daemon.err();
}

TEST(Metrics, AGoneSourceIsDisabledCountedLoggedAndAnnouncedOnTheAdminChannel) {
    testing::HttpServer server;
    server.route("/feed", testing::Reply{410, {}, ""});
    TempDir dir;
    dir.write("wirewatch.toml", testing::daemon_test_config(
                                    {.daemon_keys = "admin_channel = \"out\"\n",
                                     .listen = "127.0.0.1:0",
                                     .more = "[[source]]\nid = \"old\"\ntype = \"feed\"\n"
                                             "url = \"" +
                                             server.url("/feed") + "\"\ninterval = \"1h\"\n"}));
    dir.write("rules/a.toml", kRules);
    Process daemon({kBinary, "run", "--config", "wirewatch.toml", "--state-dir", "state"},
                   dir.path(), dir.path());
    ASSERT_TRUE(daemon.wait_for_output("running:")) << daemon.err();
    const unsigned short port = bound_port(daemon);
    ASSERT_TRUE(daemon.wait_for_output("source \\\"old\\\" disabled")) << daemon.out();
    EXPECT_NE(
        daemon.err().find("source=old url=" + server.url("/feed") + ": 410 Gone; source disabled"),
        std::string::npos)
        << daemon.err();
    const std::string notice = daemon.out();
    EXPECT_NE(notice.find("410 Gone"), std::string::npos) << notice;
    EXPECT_NE(notice.find("source-disabled"), std::string::npos) << notice;

    auto scrape = parse_exposition(http_get(port, "/metrics").body);
    EXPECT_EQ(scrape.value("wirewatch_fetches_total", {{"source", "old"}, {"result", "gone"}}), 1);
    EXPECT_EQ(scrape.value("wirewatch_sources_by_state", {{"state", "disabled"}}), 1);
    EXPECT_EQ(scrape.value("wirewatch_fetch_duration_seconds_count"), 1);
    EXPECT_EQ(server.count("/feed"), 1);

    daemon.signal(SIGTERM);
    EXPECT_EQ(daemon.wait(), 0) << daemon.err();
}

TEST(Metrics, AListenAddressThatCannotBeBoundStopsTheStartWithExit1) {
    // Hold a port, then configure the daemon to listen on it.
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor taken(io, {boost::asio::ip::make_address("127.0.0.1"), 0},
                                         /*reuse_address=*/false);
    const auto port = taken.local_endpoint().port();
    TempDir dir;
    dir.write("wirewatch.toml", config("127.0.0.1:" + std::to_string(port)));
    dir.write("rules/a.toml", kRules);
    std::filesystem::create_directories(dir / "spool");
    std::string err;
    EXPECT_EQ(testing::run({kBinary, "run", "--config", "wirewatch.toml", "--state-dir", "state"},
                           dir.path(), nullptr, &err, dir.path()),
              1);
    EXPECT_NE(err.find("[daemon.http] listen: cannot listen on 127.0.0.1:"), std::string::npos)
        << err;
}

}  // namespace
}  // namespace ww

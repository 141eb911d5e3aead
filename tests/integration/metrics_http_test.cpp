// GET /metrics, /healthz and /readyz from a real wirewatchd: the scrape must be valid
// Prometheus text (strict parser), carry every series pre-initialized, and count what the
// daemon did.

#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>
#include <regex>

#include "support/metrics_exposition.hpp"
#include "support/metrics_http_client.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace ww {
namespace {

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
    return "[daemon]\nshutdown_grace = \"2s\"\n\n[daemon.http]\nlisten = \"" + listen + "\"\n" +
           R"(
[rules]
files = ["rules/*.toml"]
watch = false

[[source]]
id = "drop"
type = "spool"
path = "spool"
interval = "1s"

[[channel]]
id = "out"
type = "stdout"
format = "json"

[[subscriber]]
id = "desk"
rules = ["*"]
channels = ["out"]
)";
}

// The port from "http: listening on 127.0.0.1:PORT".
unsigned short bound_port(const Process& daemon) {
    std::smatch m;
    const std::string err = daemon.err();
    if (!std::regex_search(err, m, std::regex(R"(http: listening on 127\.0\.0\.1:(\d+))"))) {
        return 0;
    }
    return static_cast<unsigned short>(std::stoi(m[1]));
}

void drop(const TempDir& dir, const std::string& name, const std::string& text) {
    dir.write("spool/.incoming", text);
    std::filesystem::rename(dir / "spool/.incoming", dir / ("spool/" + name));
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
    drop(dir, "a.txt", "Truce talks resume\nEnvoys discussed the cease-fire.\n");
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

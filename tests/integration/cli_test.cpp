// The wirewatchd binary as an administrator uses it: check, run --once, signals.

#include <gtest/gtest.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <nlohmann/json.hpp>
#include <sstream>

#include "support/daemon_config.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace ww {
namespace {

using testing::Process;
using testing::TempDir;

const std::string kBinary = WW_BINARY;

const char* kRules = R"(
[[rule]]
id = "ceasefire"
keywords = ["cease-fire", "truce"]
severity = "high"
tags = ["conflict"]

[[rule]]
id = "aleppo"
keywords = ["Aleppo", "Alep"]
)";

std::string config_with(const std::string& extra_daemon = "") {
    return testing::daemon_test_config({.daemon_keys = extra_daemon});
}

TEST(Cli, CheckReportsAConfigTypoAndABadRegexTogetherAndExits78) {
    TempDir dir;
    dir.write("wirewatch.toml", "[daemon]\nlog_levl = \"info\"\n\n[rules]\nfiles = [\"r.toml\"]\n");
    dir.write("r.toml", "[[rule]]\nid = \"broken\"\nregex = ['sanction(s|ed']\n");
    std::string out;
    std::string err;
    int code = testing::run({kBinary, "check", "--config", "wirewatch.toml"}, dir.path(), &out,
                            &err, dir.path());
    EXPECT_EQ(code, 78);
    EXPECT_NE(err.find("wirewatch.toml:2:1: error: [daemon]: unknown key 'log_levl' (did you "
                       "mean 'log_level'?)"),
              std::string::npos)
        << err;
    EXPECT_NE(err.find("r.toml:3:10: error: rule \"broken\": regex 'sanction(s|ed' is not "
                       "supported by Hyperscan"),
              std::string::npos)
        << err;
    EXPECT_NE(err.find("2 errors"), std::string::npos) << err;
}

TEST(Cli, CheckOfAGoodConfigExitsZeroAndSummarises) {
    TempDir dir;
    dir.write("wirewatch.toml", config_with());
    dir.write("rules/a.toml", kRules);
    std::string out;
    std::string err;
    int code = testing::run({kBinary, "check", "--config", "wirewatch.toml"}, dir.path(), &out,
                            &err, dir.path());
    EXPECT_EQ(code, 0) << err;
    EXPECT_EQ(out, "wirewatch.toml: ok (1 source, 2 rules, 1 channel, 1 subscriber)\n");
}

TEST(Cli, CheckAcceptsHttpSources) {
    TempDir dir;
    dir.write("wirewatch.toml", testing::daemon_test_config(
                                    {.more = "[[source]]\nid = \"wire\"\ntype = \"feed\"\n"
                                             "url = \"https://news.example.org/rss.xml\"\n"}));
    dir.write("rules/a.toml", kRules);
    std::string out;
    std::string err;
    EXPECT_EQ(testing::run({kBinary, "check", "--config", "wirewatch.toml"}, dir.path(), &out, &err,
                           dir.path()),
              0)
        << out << err;
    EXPECT_NE(out.find("2 sources"), std::string::npos) << out;
}

TEST(Cli, MatchJsonSpansNameTheirFieldAndPointAtTheOriginalText) {
    TempDir dir;
    dir.write("rules/a.toml", kRules);
    const std::string text = "Talks resume\nEnvoys discussed a truce near Aleppo.\n";
    dir.write("a.txt", text);
    std::string out;
    std::string err;
    ASSERT_EQ(testing::run({kBinary, "match", "--rules", "rules", "--json", "a.txt"}, dir.path(),
                           &out, &err, dir.path()),
              0)
        << err;
    int lines = 0;
    std::istringstream in(out);
    for (std::string line; std::getline(in, line); ++lines) {
        const auto hit = nlohmann::json::parse(line);
        ASSERT_FALSE(hit["spans"].empty()) << line;
        for (const auto& span : hit["spans"]) {
            EXPECT_EQ(span["field"], "body") << line;  // a .txt file is one body
            const auto start = span["start"].get<std::size_t>();
            const auto end = span["end"].get<std::size_t>();
            const std::string found = text.substr(start, end - start);
            EXPECT_TRUE(found == "truce" || found == "Aleppo") << found;
        }
    }
    EXPECT_EQ(lines, 2) << out;
}

TEST(Cli, CheckRulesAloneNeedsNoConfig) {
    TempDir dir;
    dir.write("rules/a.toml", kRules);
    dir.write("rules/b.toml", "[[rule]]\nid = \"aleppo\"\nkeywords = [\"Halab\"]\n");
    std::string err;
    int code =
        testing::run({kBinary, "check", "--rules", "rules"}, dir.path(), nullptr, &err, dir.path());
    EXPECT_EQ(code, 78);
    EXPECT_NE(err.find("duplicate"), std::string::npos) << err;
}

TEST(Cli, UsageErrorsExit64AndHelpDocumentsExitCodes) {
    TempDir dir;
    EXPECT_EQ(testing::run({kBinary, "frobnicate"}, dir.path()), 64);
    EXPECT_EQ(testing::run({kBinary, "run", "--bogus"}, dir.path()), 64);
    std::string out;
    EXPECT_EQ(testing::run({kBinary, "--help"}, dir.path(), &out), 0);
    EXPECT_NE(out.find("78"), std::string::npos);
    EXPECT_NE(out.find("64"), std::string::npos);
}

TEST(Cli, RunOnceAlertsOnASpoolFileAndExitsZero) {
    TempDir dir;
    dir.write("wirewatch.toml", config_with());
    dir.write("rules/a.toml", kRules);
    dir.write("spool/report.txt",
              "Truce talks resume\nEnvoys discussed the cease‑fire near Alèp.\n");
    std::string out;
    std::string err;
    int code = testing::run(
        {kBinary, "run", "--once", "--config", "wirewatch.toml", "--state-dir", "state"},
        dir.path(), &out, &err, dir.path());
    ASSERT_EQ(code, 0) << err;
    auto alert = nlohmann::json::parse(out.substr(0, out.find('\n')));
    EXPECT_EQ(alert["title"], "Truce talks resume");
    EXPECT_EQ(alert["source"], "drop");
    EXPECT_EQ(alert["severity"], "high");
    ASSERT_EQ(alert["rules"].size(), 2u);
    EXPECT_EQ(alert["rules"][0]["id"], "ceasefire");
    EXPECT_EQ(alert["rules"][1]["id"], "aleppo");
    EXPECT_TRUE(std::filesystem::exists(dir / "spool/done/report.txt"));
    EXPECT_FALSE(std::filesystem::exists(dir / "spool/report.txt"));

    // The same state and nothing new: nothing alerts again.
    code = testing::run(
        {kBinary, "run", "--once", "--config", "wirewatch.toml", "--state-dir", "state"},
        dir.path(), &out, &err, dir.path());
    EXPECT_EQ(code, 0) << err;
    EXPECT_EQ(out, "");
}

TEST(Cli, RunRefusesABrokenConfigWithExit78) {
    TempDir dir;
    dir.write("wirewatch.toml", "[daemon]\nworkers = \"two\"\n");
    std::string err;
    EXPECT_EQ(testing::run({kBinary, "run", "--config", "wirewatch.toml", "--state-dir", "s"},
                           dir.path(), nullptr, &err, dir.path()),
              78);
    EXPECT_NE(err.find("workers"), std::string::npos) << err;
}

TEST(Cli, SighupWithABrokenConfigKeepsTheOldOneAndSigtermExitsZero) {
    TempDir dir;
    dir.write("wirewatch.toml", config_with());
    dir.write("rules/a.toml", kRules);
    Process daemon({kBinary, "run", "--config", "wirewatch.toml", "--state-dir", "state"},
                   dir.path(), dir.path());
    ASSERT_TRUE(daemon.wait_for_output("running:")) << daemon.err();

    dir.write("wirewatch.toml", config_with("bogus_key = 1\n"));
    daemon.signal(SIGHUP);
    ASSERT_TRUE(daemon.wait_for_output("reload failed")) << daemon.err();
    EXPECT_NE(daemon.err().find("unknown key 'bogus_key'"), std::string::npos) << daemon.err();

    // Still running on the old config: a dropped file alerts.
    testing::drop_file(dir, "flash.txt", "Aleppo truce holds\nQuiet night reported.\n");
    ASSERT_TRUE(daemon.wait_for_output("\"title\":\"Aleppo truce holds\"")) << daemon.err();

    // A fixed config with a new rule is taken on the next SIGHUP.
    dir.write("wirewatch.toml", config_with());
    dir.write("rules/b.toml", "[[rule]]\nid = \"harvest\"\nkeywords = [\"harvest\"]\n");
    daemon.signal(SIGHUP);
    ASSERT_TRUE(daemon.wait_for_output("3 rules")) << daemon.err();
    testing::drop_file(dir, "harvest.txt", "Harvest festival\nApples everywhere.\n");
    ASSERT_TRUE(daemon.wait_for_output("\"title\":\"Harvest festival\"")) << daemon.err();

    daemon.signal(SIGTERM);
    EXPECT_EQ(daemon.wait(), 0) << daemon.err();
    EXPECT_NE(daemon.err().find("stopped"), std::string::npos);
}

TEST(Cli, RuleFileEditsAreReloadedWithoutASignal) {
    TempDir dir;
    std::string config = config_with();
    config.replace(config.find("watch = false"), 13, "watch = true");
    dir.write("wirewatch.toml", config);
    dir.write("rules/a.toml", kRules);
    Process daemon({kBinary, "run", "--config", "wirewatch.toml", "--state-dir", "state"},
                   dir.path(), dir.path());
    ASSERT_TRUE(daemon.wait_for_output("running:")) << daemon.err();
    dir.write("rules/c.toml", "[[rule]]\nid = \"flood\"\nkeywords = [\"flood\"]\n");
    ASSERT_TRUE(daemon.wait_for_output("rule files changed")) << daemon.err();
    ASSERT_TRUE(daemon.wait_for_output("3 rules")) << daemon.err();
    daemon.signal(SIGTERM);
    EXPECT_EQ(daemon.wait(), 0);
}

// A datagram socket standing in for systemd's $NOTIFY_SOCKET.
class NotifySocket {
public:
    explicit NotifySocket(const std::filesystem::path& path)
        : fd_(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) {
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::strncpy(addr.sun_path, path.c_str(), sizeof(addr.sun_path) - 1);
        EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0)
            << std::strerror(errno);
    }
    ~NotifySocket() { ::close(fd_); }
    NotifySocket(const NotifySocket&) = delete;
    NotifySocket& operator=(const NotifySocket&) = delete;

    // Reads messages until one contains `text` and returns it; "" when none came in 30 s.
    std::string until(const std::string& text) {
        for (int waited = 0; waited < 300; ++waited) {
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, 100) <= 0) {
                continue;
            }
            char buffer[4096];
            const ssize_t n = ::recv(fd_, buffer, sizeof(buffer), 0);
            if (n > 0 &&
                std::string(buffer, static_cast<std::size_t>(n)).find(text) != std::string::npos) {
                return std::string(buffer, static_cast<std::size_t>(n));
            }
        }
        return "";
    }

private:
    int fd_;
};

TEST(Cli, SystemdHearsReadyStatusReloadWatchdogAndStopping) {
    TempDir dir;
    dir.write("wirewatch.toml", config_with());
    dir.write("rules/a.toml", kRules);
    NotifySocket notify(dir / "notify");
    // Only the child sees these: they are set around the fork.
    setenv("NOTIFY_SOCKET", (dir / "notify").c_str(), 1);
    setenv("WATCHDOG_USEC", "1000000", 1);
    Process daemon({kBinary, "run", "--config", "wirewatch.toml", "--state-dir", "state"},
                   dir.path(), dir.path());
    unsetenv("NOTIFY_SOCKET");
    unsetenv("WATCHDOG_USEC");

    const std::string ready = notify.until("READY=1");
    EXPECT_NE(ready.find("STATUS=1 source, 2 rules, 1 channel, 1 subscriber; sources: 1 "
                         "never_polled; outbox 0 pending"),
              std::string::npos)
        << ready;
    EXPECT_NE(notify.until("WATCHDOG=1"), "");

    testing::drop_file(dir, "a.txt", "Truce talks\nA truce was agreed.\n");
    ASSERT_TRUE(daemon.wait_for_output("\"title\":\"Truce talks\"")) << daemon.err();
    daemon.signal(SIGHUP);
    EXPECT_NE(notify.until("RELOADING=1\nMONOTONIC_USEC="), "");
    // After the reload the source keeps its health: it is not "never polled" again.
    const std::string reloaded = notify.until("READY=1");
    EXPECT_NE(reloaded.find("; sources: 1 ok; outbox "), std::string::npos) << reloaded;

    daemon.signal(SIGTERM);
    EXPECT_NE(notify.until("STOPPING=1"), "");
    EXPECT_EQ(daemon.wait(), 0) << daemon.err();
}

}  // namespace
}  // namespace ww

// The wirewatchd binary as an administrator uses it: check, run --once, signals.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

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
    return "[daemon]\nlog_level = \"info\"\nshutdown_grace = \"2s\"\n" + extra_daemon +
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
    dir.write("spool/.incoming", "Aleppo truce holds\nQuiet night reported.\n");
    std::filesystem::rename(dir / "spool/.incoming", dir / "spool/flash.txt");
    ASSERT_TRUE(daemon.wait_for_output("\"title\":\"Aleppo truce holds\"")) << daemon.err();

    // A fixed config with a new rule is taken on the next SIGHUP.
    dir.write("wirewatch.toml", config_with());
    dir.write("rules/b.toml", "[[rule]]\nid = \"harvest\"\nkeywords = [\"harvest\"]\n");
    daemon.signal(SIGHUP);
    ASSERT_TRUE(daemon.wait_for_output("3 rules")) << daemon.err();
    dir.write("spool/.incoming", "Harvest festival\nApples everywhere.\n");
    std::filesystem::rename(dir / "spool/.incoming", dir / "spool/harvest.txt");
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

}  // namespace
}  // namespace ww

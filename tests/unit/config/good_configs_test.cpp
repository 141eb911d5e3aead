// Good configs load without a single diagnostic and every value comes out as written:
// durations and sizes converted, relative paths made absolute against the config's folder,
// secrets kept as references until resolve().

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include "wirewatch/config/config.hpp"
#include "wirewatch/log.hpp"

namespace ww::config {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

const fs::path kGoodDir = fs::path(WW_TEST_DATA) / "config" / "good";

// Sets (or unsets, with nullopt) an environment variable for one test and restores it after.
class ScopedEnv {
public:
    ScopedEnv(std::string name, std::optional<std::string> value) : name_(std::move(name)) {
        if (const char* old = std::getenv(name_.c_str())) {
            old_ = old;
        }
        if (value) {
            ::setenv(name_.c_str(), value->c_str(), 1);
        } else {
            ::unsetenv(name_.c_str());
        }
    }
    ~ScopedEnv() {
        if (old_) {
            ::setenv(name_.c_str(), old_->c_str(), 1);
        } else {
            ::unsetenv(name_.c_str());
        }
    }
    ScopedEnv(const ScopedEnv&) = delete;
    ScopedEnv& operator=(const ScopedEnv&) = delete;

private:
    std::string name_;
    std::optional<std::string> old_;
};

class TempDir {
public:
    TempDir() {
        std::string pattern = (fs::temp_directory_path() / "ww-config-XXXXXX").string();
        path_ = ::mkdtemp(pattern.data());
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    const fs::path& path() const { return path_; }
    fs::path write(const std::string& name, const std::string& text) const {
        const fs::path file = path_ / name;
        fs::create_directories(file.parent_path());
        std::ofstream(file, std::ios::binary) << text;
        return file;
    }

private:
    fs::path path_;
};

Config load_clean(const fs::path& file) {
    Diagnostics diags;
    auto config = load(file, diags);
    EXPECT_TRUE(diags.empty()) << diags.str();
    if (!config) {
        ADD_FAILURE() << file << " did not load";
        return {};
    }
    return *config;
}

const SourceConfig& source(const Config& config, const std::string& id) {
    for (const auto& s : config.sources) {
        if (s.id == id) {
            return s;
        }
    }
    throw std::runtime_error("no source " + id);
}

const ChannelConfig& channel(const Config& config, const std::string& id) {
    for (const auto& c : config.channels) {
        if (c.id == id) {
            return c;
        }
    }
    throw std::runtime_error("no channel " + id);
}

SecretRef inline_secret(std::string value) {
    SecretRef ref;
    ref.value = std::move(value);
    return ref;
}

SecretRef env_secret(std::string name) {
    SecretRef ref;
    ref.env = std::move(name);
    return ref;
}

SecretRef file_secret(fs::path file, std::string credential = {}) {
    SecretRef ref;
    ref.file = std::move(file);
    ref.credential = std::move(credential);
    return ref;
}

std::string must_resolve(const SecretRef& ref) {
    std::string error;
    auto value = resolve(ref, error);
    EXPECT_TRUE(value.has_value()) << error;
    return value.value_or("");
}

TEST(GoodConfig, TheExampleConfigLoadsAsWritten) {
    ScopedEnv state("STATE_DIRECTORY", std::nullopt);
    const Config config = load_clean(kGoodDir / "wirewatch.toml");

    EXPECT_EQ(config.file, kGoodDir / "wirewatch.toml");
    EXPECT_EQ(config.daemon.state_dir, "/var/lib/wirewatch");
    EXPECT_EQ(config.daemon.log_level, "info");
    EXPECT_EQ(config.daemon.workers, 0);
    EXPECT_EQ(config.daemon.user_agent, "wirewatch/1.0 (+mailto:ops@example.org)");
    ASSERT_TRUE(config.daemon.http);
    EXPECT_EQ(config.daemon.http->listen, "127.0.0.1:9465");

    EXPECT_EQ(config.rules.files, std::vector<std::string>{(kGoodDir / "rules/*.toml").string()});
    EXPECT_TRUE(config.rules.watch);
    EXPECT_EQ(config.rules.where.line, 16);
    EXPECT_EQ(config.rules.where.column, 1);

    EXPECT_EQ(config.fetch.timeout, 30s);
    EXPECT_EQ(config.fetch.max_body, 10u << 20);
    EXPECT_EQ(config.fetch.per_host, 2);
    EXPECT_EQ(config.fetch.max_parallel, 64);

    ASSERT_EQ(config.sources.size(), 5u);
    const auto& world = source(config, "wire-world");
    EXPECT_EQ(world.type, "feed");
    EXPECT_EQ(world.url, "https://news.example.org/world/rss.xml");
    EXPECT_EQ(world.interval, 5min);
    EXPECT_EQ(world.jitter, 30s);  // interval / 10 when not written
    EXPECT_TRUE(world.fetch_article);
    EXPECT_EQ(world.tags, std::vector<std::string>{"wire"});
    EXPECT_EQ(world.where.line, 25);
    EXPECT_EQ(source(config, "ministry-press").type, "page");
    EXPECT_EQ(source(config, "ministry-press").interval, 15min);
    EXPECT_EQ(source(config, "paper-sitemap").type, "sitemap");
    const auto& drop = source(config, "monitoring-drop");
    EXPECT_EQ(drop.path, "/var/spool/wirewatch/in");
    EXPECT_EQ(drop.after, "move");
    EXPECT_EQ(drop.interval, 10min);
    const auto& partner = source(config, "partner-api");
    ASSERT_EQ(partner.headers.count("Authorization"), 1u);
    EXPECT_EQ(partner.headers.at("Authorization").env, "PARTNER_TOKEN");
    EXPECT_TRUE(partner.headers.at("Authorization").value.empty());

    ASSERT_EQ(config.channels.size(), 4u);
    const auto& mail = channel(config, "desk-mail");
    EXPECT_EQ(mail.type, "email");
    EXPECT_EQ(mail.url.value, "smtp://mail.example.org:587");
    EXPECT_TRUE(mail.starttls);
    EXPECT_EQ(mail.username, "wirewatch");
    EXPECT_EQ(mail.password.file, "/etc/wirewatch/secrets/smtp");
    EXPECT_EQ(mail.password.credential, "");  // absolute: not a credential name
    EXPECT_EQ(mail.from, "wirewatch <alerts@example.org>");
    EXPECT_EQ(mail.to, std::vector<std::string>{"syria-desk@example.org"});
    EXPECT_EQ(channel(config, "desk-slack").url.file, "/etc/wirewatch/secrets/slack-webhook");
    EXPECT_EQ(channel(config, "siem").target, "udp://127.0.0.1:514");
    EXPECT_EQ(channel(config, "siem").facility, "local3");
    EXPECT_EQ(channel(config, "case-system").url.value,
              "https://cases.example.org/hooks/wirewatch");
    EXPECT_EQ(channel(config, "case-system").secret.file, "/etc/wirewatch/secrets/hmac");

    ASSERT_EQ(config.subscribers.size(), 2u);
    const auto& desk = config.subscribers[0];
    EXPECT_EQ(desk.id, "syria-desk");
    EXPECT_EQ(desk.rules, (std::vector<std::string>{"ceasefire", "aleppo-*"}));
    EXPECT_EQ(desk.tags, std::vector<std::string>{"syria"});
    EXPECT_EQ(desk.min_severity, "low");
    EXPECT_EQ(desk.mode, "instant");
    EXPECT_EQ(desk.quiet_hours, (std::vector<std::string>{"22:00", "06:00"}));
    EXPECT_EQ(desk.urgent_severity, "critical");
    EXPECT_EQ(desk.timezone, "Asia/Damascus");
    EXPECT_EQ(desk.channels, (std::vector<std::string>{"desk-slack", "desk-mail"}));
    const auto& sanctions = config.subscribers[1];
    EXPECT_EQ(sanctions.mode, "digest");
    EXPECT_EQ(sanctions.digest_at, (std::vector<std::string>{"08:00", "17:00"}));
    EXPECT_FALSE(sanctions.digest_every);
    EXPECT_EQ(sanctions.timezone, "Europe/Brussels");

    Diagnostics diags;
    EXPECT_EQ(config.rule_files(diags), (std::vector<fs::path>{kGoodDir / "rules/syria.toml",
                                                               kGoodDir / "rules/world.toml"}));
    EXPECT_TRUE(diags.empty()) << diags.str();
}

TEST(GoodConfig, EveryKeyComesOutAsWritten) {
    const Config config = load_clean(kGoodDir / "full.toml");

    EXPECT_EQ(config.daemon.state_dir, kGoodDir / "state");
    EXPECT_EQ(config.daemon.log_level, "debug");
    EXPECT_EQ(config.daemon.workers, 3);
    EXPECT_EQ(config.daemon.user_agent, "wirewatch-test/1.0");
    EXPECT_EQ(config.daemon.shutdown_grace, 2s);
    EXPECT_EQ(config.daemon.admin_channel, "siem");
    EXPECT_EQ(config.daemon.seen_retention, std::chrono::hours(24 * 45));
    ASSERT_TRUE(config.daemon.http);
    EXPECT_EQ(config.daemon.http->listen, "[::1]:9465");
    EXPECT_FALSE(config.rules.watch);
    EXPECT_EQ(config.fetch.timeout, 45s);
    EXPECT_EQ(config.fetch.connect_timeout, 5s);
    EXPECT_EQ(config.fetch.max_body, 512u * 1024);
    EXPECT_EQ(config.fetch.per_host, 4);
    EXPECT_EQ(config.fetch.max_parallel, 16);

    const auto& demo = source(config, "demo");
    EXPECT_EQ(demo.url, "file://" + (kGoodDir / "feeds/demo.xml").string());
    EXPECT_EQ(demo.interval, 90min);
    EXPECT_EQ(demo.jitter, 2min);
    EXPECT_EQ(demo.tags, (std::vector<std::string>{"demo", "wire"}));
    EXPECT_TRUE(demo.fetch_article);
    EXPECT_TRUE(demo.alert_on_first_poll);
    ASSERT_EQ(demo.headers.size(), 3u);
    EXPECT_EQ(demo.headers.at("Authorization").env, "WW_TEST_TOKEN");
    EXPECT_EQ(demo.headers.at("X-Api-Key").file, kGoodDir / "secrets/hmac");
    EXPECT_EQ(demo.headers.at("X-Api-Key").credential, "secrets/hmac");
    EXPECT_EQ(demo.headers.at("Accept-Language").value, "en");
    EXPECT_EQ(must_resolve(demo.headers.at("X-Api-Key")), "hmac-key");
    EXPECT_EQ(source(config, "absolute-file").url, "file:///srv/feeds/sitemap.xml");
    EXPECT_EQ(source(config, "press").interval, 30s);
    EXPECT_EQ(source(config, "press").jitter, 3s);
    const auto& drop = source(config, "drop");
    EXPECT_EQ(drop.path, kGoodDir / "spool/in");
    EXPECT_EQ(drop.interval, 1s);
    EXPECT_EQ(drop.after, "delete");

    EXPECT_EQ(channel(config, "console").format, "json");
    EXPECT_FALSE(channel(config, "console").rate_per_second);
    const auto& log = channel(config, "log");
    EXPECT_EQ(log.path, kGoodDir / "out/alerts.jsonl");
    EXPECT_EQ(log.rate_per_second, 2.0);
    const auto& mail = channel(config, "mail");
    EXPECT_EQ(mail.url.value, "smtps://mail.example.org:465");
    EXPECT_FALSE(mail.starttls);
    EXPECT_EQ(mail.password.file, kGoodDir / "secrets/smtp");
    EXPECT_EQ(must_resolve(mail.password), "smtp-pass");
    EXPECT_EQ(mail.to, (std::vector<std::string>{"a@example.org", "b@example.org"}));
    const auto& slack = channel(config, "slack");
    EXPECT_EQ(slack.rate_per_second, 0.5);
    EXPECT_EQ(must_resolve(slack.url), "https://hooks.example.org/services/T000");
    const auto& siem = channel(config, "siem");
    EXPECT_EQ(siem.target, "tcp://127.0.0.1:6514");
    EXPECT_EQ(siem.facility, "local3");
    EXPECT_EQ(siem.app_name, "ww");
    EXPECT_EQ(siem.max_size, 1024u);
    const auto& hook = channel(config, "hook");
    EXPECT_EQ(hook.url.env, "WW_TEST_HOOK_URL");
    EXPECT_EQ(hook.secret.env, "WW_TEST_HOOK_SECRET");
    {
        ScopedEnv url("WW_TEST_HOOK_URL", "https://cases.example.org/hook");
        EXPECT_EQ(must_resolve(hook.url), "https://cases.example.org/hook");
    }

    const auto& desk = config.subscribers.at(0);
    EXPECT_EQ(desk.min_severity, "medium");
    EXPECT_EQ(desk.mode, "digest");
    EXPECT_EQ(desk.digest_every, Duration(4h));
    EXPECT_EQ(desk.digest_at, (std::vector<std::string>{"08:00", "17:30"}));
    EXPECT_EQ(desk.urgent_severity, "high");
    EXPECT_TRUE(desk.every_outlet);
    const auto& all = config.subscribers.at(1);
    EXPECT_EQ(all.min_severity, "info");
    EXPECT_EQ(all.timezone, "UTC");
    EXPECT_FALSE(all.every_outlet);
}

TEST(GoodConfig, RuleGlobsAreExpandedSortedAndDeduplicated) {
    const Config config = load_clean(kGoodDir / "full.toml");
    ASSERT_EQ(config.rules.files.size(), 4u);
    EXPECT_EQ(config.rules.files[0], (kGoodDir / "rules/*.toml").string());
    Diagnostics diags;
    EXPECT_EQ(config.rule_files(diags), (std::vector<fs::path>{kGoodDir / "rules/syria.toml",
                                                               kGoodDir / "rules/world.toml"}));
    EXPECT_TRUE(diags.empty()) << diags.str();
}

TEST(GoodConfig, AGlobMatchingNothingIsAWarningAtTheFilesKey) {
    TempDir dir;
    dir.write("rules/a.toml", "");
    dir.write("rules/sub/b.toml", "");  // folders are not searched recursively
    const fs::path file =
        dir.write("w.toml",
                  "[rules]\n"
                  "watch = true\n"
                  "files = [\"rules/*.toml\", \"missing/*.toml\", \"rules/su*\"]\n");
    const Config config = load_clean(file);
    Diagnostics diags;
    EXPECT_EQ(config.rule_files(diags), std::vector<fs::path>{dir.path() / "rules/a.toml"});
    EXPECT_EQ(diags.str(), file.string() + ":3:1: warning: [rules] files: '" +
                               (dir.path() / "missing/*.toml").string() + "' matches no file\n" +
                               file.string() + ":3:1: warning: [rules] files: '" +
                               (dir.path() / "rules/su*").string() + "' matches no file\n");
    EXPECT_FALSE(diags.has_errors());
}

TEST(GoodConfig, FolderNamesWithGlobCharactersAreTakenLiterally) {
    TempDir dir;
    dir.write("odd[1]/rules/a.toml", "");
    const fs::path file = dir.write("odd[1]/w.toml", "[rules]\nfiles = [\"rules/*.toml\"]\n");
    const Config config = load_clean(file);
    Diagnostics diags;
    EXPECT_EQ(config.rule_files(diags), std::vector<fs::path>{dir.path() / "odd[1]/rules/a.toml"});
    EXPECT_TRUE(diags.empty()) << diags.str();
}

TEST(StateDir, ComesFromStateDirectoryWhenNotWritten) {
    {
        ScopedEnv state("STATE_DIRECTORY", std::nullopt);
        EXPECT_EQ(load_clean(kGoodDir / "minimal.toml").daemon.state_dir, "/var/lib/wirewatch");
    }
    {
        ScopedEnv state("STATE_DIRECTORY", "/var/lib/wirewatch-test");
        EXPECT_EQ(load_clean(kGoodDir / "minimal.toml").daemon.state_dir,
                  "/var/lib/wirewatch-test");
    }
    {
        // StateDirectory=a b gives "a:b": the first one is ours.
        ScopedEnv state("STATE_DIRECTORY", "/var/lib/one:/var/lib/two");
        EXPECT_EQ(load_clean(kGoodDir / "minimal.toml").daemon.state_dir, "/var/lib/one");
        // Written in the config, it wins.
        EXPECT_EQ(load_clean(kGoodDir / "full.toml").daemon.state_dir, kGoodDir / "state");
    }
}

TEST(GoodConfig, MinimalConfigHasTheDefaults) {
    const Config config = load_clean(kGoodDir / "minimal.toml");
    EXPECT_EQ(config.daemon.log_level, "info");
    EXPECT_FALSE(config.daemon.http);
    EXPECT_EQ(config.daemon.seen_retention, std::chrono::hours(24 * 30));
    EXPECT_TRUE(config.rules.files.empty());
    EXPECT_EQ(config.fetch.timeout, 30s);
    EXPECT_EQ(config.fetch.max_body, 10u << 20);
    EXPECT_TRUE(config.sources.empty());
}

TEST(GoodConfig, EmptyArraysOfTablesAreAllowed) {
    const Config config = load_clean(kGoodDir / "empty_arrays.toml");
    EXPECT_TRUE(config.sources.empty());
    EXPECT_TRUE(config.channels.empty());
    EXPECT_TRUE(config.subscribers.empty());
}

TEST(GoodConfig, ARelativeConfigPathIsReportedAsGiven) {
    TempDir dir;
    dir.write("w.toml", "[daemon]\nworkers = \"2\"\n");
    const fs::path old = fs::current_path();
    fs::current_path(dir.path());
    Diagnostics diags;
    EXPECT_FALSE(load("w.toml", diags));
    Diagnostics good;
    dir.write("ok.toml", "[daemon]\nstate_dir = \"st\"\n");
    auto config = load("ok.toml", good);
    fs::current_path(old);
    EXPECT_EQ(diags.str(),
              "w.toml:2:11: error: [daemon] workers: expected an integer, got a string\n");
    ASSERT_TRUE(config);
    EXPECT_EQ(config->file, dir.path() / "ok.toml");
    EXPECT_EQ(config->daemon.state_dir, dir.path() / "st");
}

// --- resolve(SecretRef) -------------------------------------------------------------------

TEST(Resolve, InlineValue) { EXPECT_EQ(must_resolve(inline_secret("v")), "v"); }

TEST(Resolve, EnvironmentVariable) {
    const SecretRef ref = env_secret("WW_TEST_SECRET");
    {
        ScopedEnv env("WW_TEST_SECRET", "s3cret");
        EXPECT_EQ(must_resolve(ref), "s3cret");
    }
    std::string error;
    {
        ScopedEnv env("WW_TEST_SECRET", std::nullopt);
        EXPECT_FALSE(resolve(ref, error));
        EXPECT_EQ(error, "environment variable 'WW_TEST_SECRET' is not set");
    }
    {
        ScopedEnv env("WW_TEST_SECRET", "");
        EXPECT_FALSE(resolve(ref, error));
        EXPECT_EQ(error, "environment variable 'WW_TEST_SECRET' is empty");
    }
}

TEST(Resolve, EverySecretTheConfigNamesIsRedactedFromTheLog) {
    ScopedEnv url("WW_TEST_HOOK_URL", "https://cases.example.org/hook/8f1e-c0de");
    ScopedEnv key("WW_TEST_HOOK_SECRET", "hmac-key-5e1f");
    ScopedEnv token("WW_TEST_TOKEN", "Bearer tok-77a1");
    const Config config = load_clean(kGoodDir / "full.toml");
    register_secrets(config);
    EXPECT_EQ(ww::redact_secrets("POST https://cases.example.org/hook/8f1e-c0de failed: key "
                                 "hmac-key-5e1f, header Bearer tok-77a1"),
              "POST *** failed: key ***, header ***");
}

TEST(Resolve, FileWithOneTrailingNewlineStripped) {
    TempDir dir;
    EXPECT_EQ(must_resolve(file_secret(dir.write("a", "token\n"))), "token");
    EXPECT_EQ(must_resolve(file_secret(dir.write("b", "token\r\n"))), "token");
    EXPECT_EQ(must_resolve(file_secret(dir.write("c", "token\n\n"))), "token\n");
    EXPECT_EQ(must_resolve(file_secret(dir.write("d", "token"))), "token");
    EXPECT_EQ(must_resolve(file_secret(dir.write("e", " two words \n"))), " two words ");
}

TEST(Resolve, MissingFileNamesTheFile) {
    ScopedEnv credentials("CREDENTIALS_DIRECTORY", std::nullopt);
    std::string error;
    EXPECT_FALSE(resolve(file_secret("/nonexistent/secret"), error));
    EXPECT_EQ(error, "cannot read secret file '/nonexistent/secret': No such file or directory");
}

TEST(Resolve, CredentialsDirectoryComesFirstForRelativeNames) {
    TempDir creds;
    TempDir config_dir;
    creds.write("smtp", "from-credentials\n");
    const fs::path beside_config = config_dir.write("smtp", "from-config-folder\n");
    const SecretRef ref = file_secret(beside_config, "smtp");
    {
        ScopedEnv env("CREDENTIALS_DIRECTORY", creds.path().string());
        EXPECT_EQ(must_resolve(ref), "from-credentials");
        // Not in the credentials directory: the file next to the config is used.
        const SecretRef other = file_secret(config_dir.write("other", "x\n"), "other");
        EXPECT_EQ(must_resolve(other), "x");
        // An absolute name never goes to the credentials directory.
        EXPECT_EQ(must_resolve(file_secret(beside_config)), "from-config-folder");
    }
    {
        ScopedEnv env("CREDENTIALS_DIRECTORY", std::nullopt);
        EXPECT_EQ(must_resolve(ref), "from-config-folder");
    }
}

TEST(Resolve, ThroughALoadedConfigUsesTheCredentialsDirectory) {
    TempDir creds;
    creds.write("secrets/smtp", "systemd-credential\n");
    ScopedEnv env("CREDENTIALS_DIRECTORY", creds.path().string());
    const Config config = load_clean(kGoodDir / "full.toml");
    EXPECT_EQ(must_resolve(channel(config, "mail").password), "systemd-credential");
}

TEST(Resolve, ErrorsNeverContainTheSecret) {
    TempDir dir;
    const fs::path unreadable = dir.write("dir-not-file/x", "");
    std::string error;
    EXPECT_FALSE(resolve(file_secret(unreadable.parent_path()), error));
    EXPECT_EQ(error.find("x\n"), std::string::npos);
    EXPECT_NE(error.find(unreadable.parent_path().string()), std::string::npos) << error;
    EXPECT_FALSE(resolve(SecretRef{}, error));
    EXPECT_EQ(error, "no secret configured");
}

}  // namespace
}  // namespace ww::config

#pragma once
// The daemon's configuration (conf/wirewatch.toml), loaded and validated with every error
// located at file:line:col. A Config is a plain value: load a new one to reload.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "wirewatch/diagnostics.hpp"

namespace ww::config {

using Duration = std::chrono::milliseconds;

// A value that may be written inline, or come from an environment variable or a file (for
// secrets). Exactly one of the three is set. Never log a resolved secret.
struct SecretRef {
    std::string value;
    std::string env;
    std::filesystem::path file;
    // The file name as written when it was relative (`file` is then made absolute against the
    // config file's folder): looked up in $CREDENTIALS_DIRECTORY before `file`.
    std::string credential;
    bool empty() const { return value.empty() && env.empty() && file.empty(); }
};

// Reads the secret now (trailing newline of a file stripped). A relative `file` is looked up
// in $CREDENTIALS_DIRECTORY first (systemd LoadCredential=). Errors name the env var / file,
// never the value.
std::optional<std::string> resolve(const SecretRef& ref, std::string& error);

struct HttpConfig {
    std::string listen;  // "127.0.0.1:9465"
};

struct DaemonConfig {
    std::filesystem::path state_dir = "/var/lib/wirewatch";
    std::string log_level = "info";  // trace | debug | info | warn | error
    int workers = 0;                 // matching threads; 0 = one per core
    std::string user_agent;          // empty = "wirewatch/<version>"
    std::optional<HttpConfig> http;
    Duration shutdown_grace{std::chrono::seconds(10)};
    // A channel id: dead letters (alerts no channel will take) are announced there.
    std::string admin_channel;
    // Near-duplicate stories (same story, another outlet) fold into the first alert within
    // this window; see daemon/alerts/near_dup.cpp.
    Duration near_duplicate_window{std::chrono::hours(24)};
    // Seen item ids and page fingerprints older than this are forgotten (pruned hourly).
    Duration seen_retention{std::chrono::hours(24 * 30)};
};

struct RulesConfig {
    std::vector<std::string> files;  // globs, relative to the config file's folder
    bool watch = true;
    Location where;
};

struct FetchConfig {
    Duration timeout{std::chrono::seconds(30)};
    Duration connect_timeout{std::chrono::seconds(10)};
    std::uint64_t max_body = 10ull << 20;
    int per_host = 2;
    int max_parallel = 64;
};

struct SourceConfig {
    Location where;
    std::string id;
    std::string type;            // feed | sitemap | page | spool
    std::string url;             // feed, sitemap, page
    std::filesystem::path path;  // spool (absolute after loading)
    Duration interval{std::chrono::minutes(10)};
    Duration jitter{std::chrono::seconds(0)};  // default: interval / 10
    std::vector<std::string> tags;
    bool fetch_article = false;
    bool alert_on_first_poll = false;
    std::map<std::string, SecretRef> headers;
    std::string after = "move";  // spool: "move" (to done/) | "delete"
};

struct ChannelConfig {
    Location where;
    std::string id;
    std::string type;  // stdout | file | email | slack | syslog | webhook
    // stdout / file
    std::string format = "text";  // text | json
    std::filesystem::path path;   // file
    // email, slack, webhook
    SecretRef url;  // url, url_env, url_file
    bool starttls = true;
    std::string username;
    SecretRef password;  // password, password_env, password_file
    std::string from;
    std::vector<std::string> to;
    // syslog
    std::string target = "local";  // local | udp://host:port | tcp://host:port
    std::string facility = "user";
    std::string app_name = "wirewatch";
    std::optional<std::uint64_t> max_size;  // bytes per record; default 2048
    // webhook
    SecretRef secret;  // secret_env, secret_file: HMAC-SHA256 key
    std::optional<double> rate_per_second;
    std::optional<double> burst;  // token-bucket size; default max(1, rate_per_second)
    // email, slack, webhook: PEM bundle of CAs to trust instead of the system store (private CA)
    std::filesystem::path ca_file;
};

struct SubscriberConfig {
    Location where;
    std::string id;
    std::vector<std::string> rules;  // rule ids or globs
    std::vector<std::string> tags;
    std::string min_severity = "info";
    std::string mode = "instant";  // instant | digest
    std::optional<Duration> digest_every;
    std::vector<std::string> digest_at;    // "HH:MM"
    std::vector<std::string> quiet_hours;  // ["22:00", "06:00"]
    std::string urgent_severity = "critical";
    std::string timezone = "UTC";
    bool every_outlet = false;
    std::vector<std::string> channels;
};

struct Config {
    std::filesystem::path file;  // the config file itself (absolute)
    DaemonConfig daemon;
    RulesConfig rules;
    FetchConfig fetch;
    std::vector<SourceConfig> sources;
    std::vector<ChannelConfig> channels;
    std::vector<SubscriberConfig> subscribers;

    // The rule file globs expanded (relative to the config file), sorted, deduplicated.
    // A glob that matches nothing is reported to `diags` as a warning.
    std::vector<std::filesystem::path> rule_files(Diagnostics& diags) const;
};

// Loads and validates `file`. Every problem goes to `diags` (syntax errors, unknown keys with a
// did-you-mean hint, wrong types, bad durations/sizes, duplicate ids, unknown channel ids in
// subscribers, missing required keys per type). Returns nullopt when there was any error.
std::optional<Config> load(const std::filesystem::path& file, Diagnostics& diags);

// Like load(), but hands back what could be read even when there were errors (nullopt only
// when the file is unreadable or not TOML), so `check` can go on to report the problems of
// the rule files too. Never run with a config that came back with errors.
std::optional<Config> load_best_effort(const std::filesystem::path& file, Diagnostics& diags);

// Resolves every secret `config` names (Slack and webhook urls, passwords, HMAC keys, source header
// values) so the log redacts them from the start (see ww::register_secret). A secret that
// cannot be read now is skipped: its channel or source reports that when it needs it.
void register_secrets(const Config& config);

// "30s", "5m", "1h30m", "2d", "250ms" -> duration; "10MiB", "512KiB", "1GB", "100" -> bytes.
std::optional<Duration> parse_duration(const std::string& text);
std::optional<std::uint64_t> parse_size(const std::string& text);

}  // namespace ww::config

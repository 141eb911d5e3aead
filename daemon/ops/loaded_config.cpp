#include "ops/loaded_config.hpp"

#include <fnmatch.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>

#include "wirewatch/net/transfers.hpp"
#include "wirewatch/notify/notifier.hpp"
#include "wirewatch/sources/fetcher.hpp"
#include "wirewatch/sources/source.hpp"

namespace ww::ops {

namespace fs = std::filesystem;

namespace {

std::string plural(std::size_t n, const char* word) {
    return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

// A subscriber pattern that names no rule is almost always a typo in a rule id.
void warn_unmatched_patterns(const config::Config& config, const rules::RuleSet& rule_set,
                             Diagnostics& diags) {
    std::vector<std::string> ids;
    for (const auto& info : rule_set.rules()) {
        ids.push_back(info.id);
    }
    for (const auto& subscriber : config.subscribers) {
        for (const auto& pattern : subscriber.rules) {
            bool any = std::any_of(ids.begin(), ids.end(), [&](const std::string& id) {
                return fnmatch(pattern.c_str(), id.c_str(), 0) == 0;
            });
            if (!any) {
                std::string hint = did_you_mean(pattern, ids);
                diags.warning(subscriber.where,
                              "subscriber \"" + subscriber.id + "\": rules pattern '" + pattern +
                                  "' matches no rule" +
                                  (hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
            }
        }
    }
}

// Builds (without starting) every source, so a type or URL scheme the registry cannot serve is
// reported by `check` and by a reload rather than when the source first polls.
void check_sources(const config::Config& config, Diagnostics& diags) {
    boost::asio::io_context io;
    SystemClock clock;
    sources::SourceContext context{io, clock, config.fetch, [](sources::Batch&) { return true; }};
    // Built, never run: without it every http(s) source would be refused, as it is by the
    // commands that fetch nothing.
    net::Transfers transfers(io);
    sources::Fetcher fetcher(transfers, clock, config.fetch, config.daemon.user_agent);
    context.fetcher = &fetcher;
    for (const auto& source : config.sources) {
        sources::make_source(source, context, diags);
    }
}

}  // namespace

std::vector<fs::path> rule_files_in(const fs::path& path, Diagnostics& diags) {
    std::error_code ec;
    if (!fs::is_directory(path, ec)) {
        return {path};
    }
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(path, ec)) {
        if (entry.path().extension() == ".toml") {
            files.push_back(entry.path());
        }
    }
    std::sort(files.begin(), files.end());
    if (files.empty()) {
        diags.warning({path.string(), 0, 0}, "no *.toml rule files in this folder");
    }
    return files;
}

const config::SubscriberConfig* LoadedConfig::subscriber(const std::string& id) const {
    for (const auto& s : config.subscribers) {
        if (s.id == id) {
            return &s;
        }
    }
    return nullptr;
}

std::string LoadedConfig::summary() const {
    return plural(config.sources.size(), "source") + ", " +
           plural(rules ? rules->size() : 0, "rule") + ", " +
           plural(config.channels.size(), "channel") + ", " +
           plural(config.subscribers.size(), "subscriber");
}

std::optional<LoadedConfig> load_config_and_rules(const fs::path& config_path,
                                                  const std::optional<fs::path>& state_dir,
                                                  bool use_cache, Diagnostics& diags,
                                                  const notify::NotifierContext& channels) {
    // Read as much as possible even past errors, so one run reports the config's problems
    // and the rule files' problems together.
    auto config = config::load_best_effort(config_path, diags);
    if (!config) {
        return std::nullopt;
    }
    if (state_dir) {
        config->daemon.state_dir = fs::absolute(*state_dir);
    }
    LoadedConfig loaded;
    loaded.rule_files = config->rule_files(diags);
    // Rule problems are counted apart from config problems: a config typo must not hide the
    // compile errors of the rules.
    Diagnostics rule_diags;
    auto defs = rules::load_rule_files(loaded.rule_files, rule_diags);
    rules::CompileOptions options;
    if (use_cache) {
        options.cache_dir = config->daemon.state_dir / "rules-cache";
    }
    if (!rule_diags.has_errors()) {
        loaded.rules = rules::compile(defs, options, rule_diags);
    }
    diags.append(rule_diags);
    check_sources(*config, diags);
    for (const auto& channel : config->channels) {
        if (auto notifier = notify::make_notifier(channel, channels, diags)) {
            loaded.channels.emplace(channel.id, std::move(notifier));
        }
    }
    if (loaded.rules) {
        warn_unmatched_patterns(*config, *loaded.rules, diags);
    }
    if (const auto& admin = config->daemon.admin_channel;
        !admin.empty() && std::none_of(config->channels.begin(), config->channels.end(),
                                       [&](const auto& c) { return c.id == admin; })) {
        diags.error({config->file.string(), 0, 0},
                    "[daemon] admin_channel: unknown channel '" + admin + "'");
    }
    if (diags.has_errors() || !loaded.rules) {
        return std::nullopt;
    }
    try {
        loaded.router = std::make_shared<alerts::Router>(config->subscribers,
                                                         config->daemon.near_duplicate_window);
    } catch (const alerts::SubscriberError& e) {  // a time zone the tz database cannot read
        diags.error(e.where, e.what());
        return std::nullopt;
    }
    loaded.config = std::move(*config);
    return loaded;
}

std::shared_ptr<const rules::RuleSet> load_rules_only(const fs::path& path, Diagnostics& diags) {
    auto defs = rules::load_rule_files(rule_files_in(path, diags), diags);
    if (diags.has_errors()) {
        return nullptr;
    }
    return rules::compile(defs, {}, diags);
}

}  // namespace ww::ops

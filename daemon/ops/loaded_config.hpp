#pragma once
// One consistent version of everything the config names: the config itself, the compiled
// rules, the router and the channels. Built off the loop on reload; shared by `check`.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "wirewatch/alerts/dispatcher.hpp"
#include "wirewatch/alerts/router.hpp"
#include "wirewatch/config/config.hpp"
#include "wirewatch/notify/notifier.hpp"
#include "wirewatch/rules/rule_set.hpp"

namespace ww::ops {

struct LoadedConfig {
    config::Config config;
    std::vector<std::filesystem::path> rule_files;
    std::shared_ptr<const rules::RuleSet> rules;
    std::shared_ptr<const alerts::Router> router;
    alerts::Channels channels;

    const config::SubscriberConfig* subscriber(const std::string& id) const;
    // "3 sources, 12 rules, 2 channels, 1 subscriber"
    std::string summary() const;
};

// Loads the config, every rule file it names and its channels; compiles the rules (through the
// cache in the state dir when `use_cache`). Every problem goes to `diags`; nullopt on errors.
// Channels are built with `channels` (the daemon's transport; left empty by `check`).
std::optional<LoadedConfig> load_config_and_rules(
    const std::filesystem::path& config_path, const std::optional<std::filesystem::path>& state_dir,
    bool use_cache, Diagnostics& diags, const notify::NotifierContext& channels = {});

// `path` itself when it is a file, else the *.toml files in that folder, sorted.
std::vector<std::filesystem::path> rule_files_in(const std::filesystem::path& path,
                                                 Diagnostics& diags);

// Loads and compiles rule files on their own (`check --rules`, `match`): `path` is a file or a
// folder whose *.toml files are read. nullptr on errors.
std::shared_ptr<const rules::RuleSet> load_rules_only(const std::filesystem::path& path,
                                                      Diagnostics& diags);

}  // namespace ww::ops

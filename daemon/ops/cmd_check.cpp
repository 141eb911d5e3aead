// `wirewatchd check`: validate the config and every rule file, print every problem.

#include <iostream>

#include "ops/args.hpp"
#include "ops/loaded_config.hpp"
#include "wirewatch/ops/commands.hpp"

namespace ww::ops {

namespace {

int report(const Diagnostics& diags, const std::string& what, const std::string& summary) {
    print_diagnostics(diags);
    if (diags.has_errors()) {
        std::cerr << what << ": " << diags.error_count() << " error"
                  << (diags.error_count() == 1 ? "" : "s") << ", " << diags.warning_count()
                  << " warning" << (diags.warning_count() == 1 ? "" : "s") << "\n";
        return kExitConfig;
    }
    std::cout << what << ": ok (" << summary << ")";
    if (diags.warning_count() > 0) {
        std::cout << ", " << diags.warning_count() << " warning"
                  << (diags.warning_count() == 1 ? "" : "s");
    }
    std::cout << "\n";
    return kExitOk;
}

}  // namespace

int cmd_check(const Args& args) {
    ArgReader reader(args, {"--config", "--rules"}, {});
    if (!reader.ok() || !reader.positional().empty()) {
        std::cerr << "wirewatchd check: "
                  << (reader.ok() ? "unexpected argument " + reader.positional().front()
                                  : reader.error())
                  << "\n";
        return kExitUsage;
    }
    int status = kExitOk;
    const auto rule_paths = reader.values("--rules");
    for (const auto& path : rule_paths) {
        Diagnostics diags;
        auto rule_set = load_rules_only(path, diags);
        std::string summary = rule_set ? std::to_string(rule_set->size()) + " rules" : "";
        status = std::max(status, report(diags, path, summary));
    }
    if (rule_paths.empty() || reader.value("--config")) {
        const std::string config_path = reader.value("--config").value_or(default_config_path());
        Diagnostics diags;
        auto loaded = load_config_and_rules(config_path, std::nullopt, /*use_cache=*/false, diags);
        status = std::max(status, report(diags, config_path, loaded ? loaded->summary() : ""));
    }
    return status;
}

}  // namespace ww::ops

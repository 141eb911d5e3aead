#pragma once
// Helpers shared by the channel formats (daemon/notify/*_format.cpp).

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "wirewatch/notify/alert.hpp"

namespace ww::notify::detail {

// The snippet on one line with each highlight wrapped in open/close; text outside and inside
// the marks goes through `escape`. Overlapping or out-of-range marks are shown unmarked.
std::string marked_snippet(const Alert& alert,
                           const std::function<std::string(std::string_view)>& escape,
                           std::string_view open, std::string_view close);

std::string join(const std::vector<std::string>& items, std::string_view separator);

// "ceasefire, aleppo"
std::string rule_ids(const Alert& alert);
// "ceasefire (high) · aleppo (medium)"
std::string rules_with_severity(const Alert& alert);
// "2026-11-25 09:14 UTC"
std::string format_utc_minute(std::chrono::sys_seconds t);

// Alerts of a digest grouped by their most severe rule, groups in order of first appearance.
struct RuleGroup {
    std::string rule_id;
    std::vector<const Alert*> alerts;
};
std::vector<RuleGroup> group_by_rule(const Alert& digest);

}  // namespace ww::notify::detail

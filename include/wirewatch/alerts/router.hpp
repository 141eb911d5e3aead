#pragma once
// Routing hits to subscribers: one alert per (subscriber, story) listing every rule of theirs
// that hit. Immutable after construction; safe to share between threads.

#include <chrono>
#include <string>
#include <vector>

#include "wirewatch/config/config.hpp"
#include "wirewatch/document.hpp"
#include "wirewatch/notify/alert.hpp"
#include "wirewatch/rules/rule_set.hpp"

namespace ww::alerts {

class Router {
public:
    explicit Router(std::vector<config::SubscriberConfig> subscribers);

    // Alerts for every subscriber that follows at least one hit at or above its min_severity.
    std::vector<notify::Alert> route(const Document& doc, const std::vector<rules::Hit>& hits,
                                     std::chrono::sys_seconds now) const;

    const std::vector<config::SubscriberConfig>& subscribers() const { return subscribers_; }

private:
    std::vector<config::SubscriberConfig> subscribers_;
};

// True when the subscriber follows the rule: its id matches one of `rules` (ids or globs), or
// one of its tags is in `tags`; a subscriber naming neither follows every rule.
bool follows(const config::SubscriberConfig& subscriber, const rules::Hit& hit);

// Stable id of the alert for a story: the same canonical URL (or, without a URL, the same
// source item) gives the same id for the same subscriber, so the outbox drops repeats.
std::string alert_id(const std::string& subscriber_id, const Document& doc);

}  // namespace ww::alerts

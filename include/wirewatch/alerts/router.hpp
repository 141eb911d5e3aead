#pragma once
// Routing hits to subscribers: one alert per (subscriber, story) listing every rule of theirs
// that hit; near-duplicate stories from other outlets folded into the first alert; alerts held
// for digests and quiet hours. Immutable after construction; safe to share between threads
// (route_into reads the store: event-loop thread only, like the store).

#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

#include "wirewatch/alerts/digest.hpp"
#include "wirewatch/config/config.hpp"
#include "wirewatch/document.hpp"
#include "wirewatch/notify/alert.hpp"
#include "wirewatch/rules/rule_set.hpp"
#include "wirewatch/state/store.hpp"

namespace ww::alerts {

// What routing a batch of documents decided, for one Store::record transaction.
struct Routed {
    std::vector<state::NewAlert> alerts;    // to queue, to hold, or folds into held alerts
    std::vector<state::StoryPrint> prints;  // fingerprints of the stories that alerted
};

// A subscriber the router cannot schedule: a time zone the tz database cannot read (a file in
// /usr/share/zoneinfo that is not a zone, like zone.tab) or a malformed time.
class SubscriberError : public std::runtime_error {
public:
    SubscriberError(Location where, const std::string& message)
        : std::runtime_error(message), where(std::move(where)) {}
    Location where;  // the [[subscriber]] table
};

class Router {
public:
    // Throws SubscriberError (`check` reports most such problems first, at the key).
    explicit Router(std::vector<config::SubscriberConfig> subscribers,
                    config::Duration near_duplicate_window = std::chrono::hours(24));

    // Alerts for every subscriber that follows at least one hit at or above its min_severity.
    std::vector<notify::Alert> route(const Document& doc, const std::vector<rules::Hit>& hits,
                                     std::chrono::sys_seconds now) const;

    // route(), then what each alert becomes given what the store remembers and `out` holds
    // already (earlier documents of the same batch), appended to `out`:
    //  - a near-duplicate (same story, another outlet, within the window) of a story that
    //    alerted the subscriber: folded into that alert's also_reported_by while it is held,
    //    else dropped, unless the subscriber asked for every_outlet;
    //  - held until the subscriber's next digest or the end of its quiet hours (Schedule);
    //  - else queued for its channels now.
    // Throws state::StoreError.
    void route_into(const Document& doc, const std::vector<rules::Hit>& hits, TimePoint now,
                    state::Store& store, Routed& out) const;

    const std::vector<config::SubscriberConfig>& subscribers() const { return subscribers_; }
    const config::SubscriberConfig* subscriber(const std::string& id) const;
    // The schedule the router holds that subscriber's alerts by; null for an unknown id.
    const Schedule* schedule(const std::string& id) const;
    config::Duration near_duplicate_window() const { return window_; }

private:
    // Folds `alert` into an earlier alert of the same story, or drops it; false when it is a
    // story of its own for this subscriber.
    bool fold_near_duplicate(const notify::Alert& alert, const config::SubscriberConfig& sub,
                             const std::vector<state::StoryPrint>& earlier, state::Store& store,
                             Routed& out) const;

    std::vector<config::SubscriberConfig> subscribers_;
    std::vector<Schedule> schedules_;  // one per subscriber
    config::Duration window_;
};

// True when the subscriber follows the rule: its id matches one of `rules` (ids or globs), or
// one of its tags is in `tags`; a subscriber naming neither follows every rule.
bool follows(const config::SubscriberConfig& subscriber, const rules::Hit& hit);

// Stable id of the alert for a story: the same canonical URL (or, without a URL, the same
// source item) gives the same id for the same subscriber, so the outbox drops repeats.
std::string alert_id(const std::string& subscriber_id, const Document& doc);

// The alert as the outbox stores it (notify::to_json, invalid UTF-8 replaced).
std::string alert_payload(const notify::Alert& alert);

// `top`'s highlights plus the spans of every other hit that fall inside `top`'s snippet (the
// snippet is the original text of one field around `top`'s first span), sorted and merged.
std::vector<std::pair<std::size_t, std::size_t>> highlights_of_all(
    const Document& doc, const rules::Hit& top, const std::vector<const rules::Hit*>& hits);

}  // namespace ww::alerts

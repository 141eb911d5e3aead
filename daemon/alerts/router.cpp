#include "wirewatch/alerts/router.hpp"

#include <fnmatch.h>

#include <algorithm>

#include "wirewatch/hash.hpp"

namespace ww::alerts {

namespace {

rules::Severity severity_or(const std::string& name, rules::Severity fallback) {
    rules::Severity s = fallback;
    rules::parse_severity(name, s);
    return s;
}

notify::Alert make_alert(const config::SubscriberConfig& subscriber, const Document& doc,
                         const std::vector<const rules::Hit*>& hits, std::chrono::sys_seconds now) {
    notify::Alert alert;
    alert.id = alert_id(subscriber.id, doc);
    alert.subscriber_id = subscriber.id;
    alert.source_id = doc.source_id;
    alert.item_id = doc.item_id;
    alert.url = doc.url;
    alert.title = doc.title;
    alert.author = doc.author;
    alert.language = doc.language;
    alert.published = doc.published;
    alert.created_at = now;
    const rules::Hit* top = hits.front();
    for (const rules::Hit* hit : hits) {
        if (hit->severity > top->severity) {
            top = hit;
        }
    }
    alert.severity = top->severity;
    alert.snippet = top->snippet;
    alert.highlights = top->marks;
    for (const rules::Hit* hit : hits) {
        alert.rules.push_back({hit->rule_id, hit->severity, hit->terms});
        for (const auto& tag : hit->tags) {
            if (std::find(alert.tags.begin(), alert.tags.end(), tag) == alert.tags.end()) {
                alert.tags.push_back(tag);
            }
        }
    }
    // Most severe first; the rule-set order among equals.
    std::stable_sort(alert.rules.begin(), alert.rules.end(),
                     [](const notify::AlertRule& a, const notify::AlertRule& b) {
                         return a.severity > b.severity;
                     });
    return alert;
}

}  // namespace

Router::Router(std::vector<config::SubscriberConfig> subscribers)
    : subscribers_(std::move(subscribers)) {}

bool follows(const config::SubscriberConfig& subscriber, const rules::Hit& hit) {
    if (subscriber.rules.empty() && subscriber.tags.empty()) {
        return true;
    }
    for (const auto& pattern : subscriber.rules) {
        if (fnmatch(pattern.c_str(), hit.rule_id.c_str(), 0) == 0) {
            return true;
        }
    }
    for (const auto& tag : subscriber.tags) {
        if (std::find(hit.tags.begin(), hit.tags.end(), tag) != hit.tags.end()) {
            return true;
        }
    }
    return false;
}

std::vector<notify::Alert> Router::route(const Document& doc, const std::vector<rules::Hit>& hits,
                                         std::chrono::sys_seconds now) const {
    std::vector<notify::Alert> alerts;
    for (const auto& subscriber : subscribers_) {
        const rules::Severity floor = severity_or(subscriber.min_severity, rules::Severity::Info);
        std::vector<const rules::Hit*> followed;
        for (const auto& hit : hits) {
            if (hit.severity >= floor && follows(subscriber, hit)) {
                followed.push_back(&hit);
            }
        }
        if (!followed.empty()) {
            alerts.push_back(make_alert(subscriber, doc, followed, now));
        }
    }
    return alerts;
}

std::string alert_id(const std::string& subscriber_id, const Document& doc) {
    const std::string story =
        doc.url.empty() ? "item\x1f" + doc.source_id + "\x1f" + doc.item_id : "url\x1f" + doc.url;
    return "a-" + hex64(fnv1a64(subscriber_id + "\x1f" + story));
}

}  // namespace ww::alerts

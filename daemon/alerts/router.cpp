#include "wirewatch/alerts/router.hpp"

#include <fnmatch.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "wirewatch/alerts/near_dup.hpp"
#include "wirewatch/hash.hpp"
#include "wirewatch/log.hpp"

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
    alert.highlights = highlights_of_all(doc, *top, hits);
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

Router::Router(std::vector<config::SubscriberConfig> subscribers,
               config::Duration near_duplicate_window)
    : subscribers_(std::move(subscribers)), window_(near_duplicate_window) {
    for (const auto& subscriber : subscribers_) {
        try {
            schedules_.emplace_back(subscriber);
        } catch (const std::exception& e) {
            throw SubscriberError(subscriber.where,
                                  "subscriber \"" + subscriber.id + "\": " + e.what());
        }
    }
}

const config::SubscriberConfig* Router::subscriber(const std::string& id) const {
    for (const auto& s : subscribers_) {
        if (s.id == id) {
            return &s;
        }
    }
    return nullptr;
}

const Schedule* Router::schedule(const std::string& id) const {
    const auto* s = subscriber(id);
    return s == nullptr ? nullptr : &schedules_[static_cast<std::size_t>(s - subscribers_.data())];
}

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

void Router::route_into(const Document& doc, const std::vector<rules::Hit>& hits, TimePoint now,
                        state::Store& store, Routed& out) const {
    auto alerts = route(doc, hits, std::chrono::floor<std::chrono::seconds>(now));
    if (alerts.empty()) {
        return;
    }
    const std::uint64_t print = story_fingerprint(doc);
    // Earlier stories of other outlets, from the store and from this batch, oldest first. The
    // same outlet never folds: a feed whose summaries are all alike is not one story.
    std::vector<state::StoryPrint> earlier;
    for (auto& p : store.similar_stories(print, kNearDuplicateBits, now - window_)) {
        if (p.source_id != doc.source_id) {
            earlier.push_back(std::move(p));
        }
    }
    for (const auto& p : out.prints) {
        if (p.source_id != doc.source_id &&
            hamming_distance(p.simhash, print) <= kNearDuplicateBits) {
            earlier.push_back(p);
        }
    }
    out.prints.push_back({doc.source_id, doc.item_id, doc.url, print, now});

    for (const auto& alert : alerts) {
        const auto index =
            static_cast<std::size_t>(subscriber(alert.subscriber_id) - subscribers_.data());
        const auto& sub = subscribers_[index];
        if (fold_near_duplicate(alert, sub, earlier, store, out)) {
            continue;
        }
        out.alerts.push_back({alert.id, sub.id, alert_payload(alert), sub.channels,
                              schedules_[index].hold_until(now, alert.severity)});
    }
}

bool Router::fold_near_duplicate(const notify::Alert& alert, const config::SubscriberConfig& sub,
                                 const std::vector<state::StoryPrint>& earlier, state::Store& store,
                                 Routed& out) const {
    for (const auto& story : earlier) {
        Document first;
        first.source_id = story.source_id;
        first.item_id = story.item_id;
        first.url = story.url;
        const std::string first_id = alert_id(sub.id, first);
        if (first_id == alert.id) {
            continue;  // the same story by URL: the store drops the repeat
        }
        // The first alert, held: in this batch (queued or folded into already), else in the
        // store.
        auto pending = std::find_if(out.alerts.begin(), out.alerts.end(), [&](const auto& a) {
            return a.alert_id == first_id && (a.hold_until || a.fold);
        });
        std::optional<std::string> payload;
        if (pending != out.alerts.end()) {
            payload = pending->payload;
        } else {
            payload = store.held_payload(first_id);
        }
        if (payload) {
            notify::Alert held = notify::alert_from_json(nlohmann::json::parse(*payload));
            auto& also = held.also_reported_by;
            if (alert.source_id != held.source_id &&
                std::find(also.begin(), also.end(), alert.source_id) == also.end()) {
                also.push_back(alert.source_id);
            }
            if (pending != out.alerts.end()) {
                pending->payload = alert_payload(held);
            } else {
                state::NewAlert fold{first_id, sub.id, alert_payload(held), {}};
                fold.fold = true;
                out.alerts.push_back(std::move(fold));
            }
            return true;
        }
        const bool alerted = store.has_alert(first_id) ||
                             std::any_of(out.alerts.begin(), out.alerts.end(),
                                         [&](const auto& a) { return a.alert_id == first_id; });
        if (alerted) {
            return !sub.every_outlet;  // sent already: this outlet only with every_outlet
        }
    }
    return false;
}

std::string alert_payload(const notify::Alert& alert) {
    return notify::to_json(alert).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::vector<std::pair<std::size_t, std::size_t>> highlights_of_all(
    const Document& doc, const rules::Hit& top, const std::vector<const rules::Hit*>& hits) {
    static constexpr std::string_view kEllipsis = "\xE2\x80\xA6";
    auto marks = top.marks;
    const std::string_view snippet = top.snippet;
    const std::size_t lead = snippet.starts_with(kEllipsis) ? kEllipsis.size() : 0;
    const std::size_t trail =
        snippet.size() > lead && snippet.ends_with(kEllipsis) ? kEllipsis.size() : 0;
    const std::string_view core = snippet.substr(lead, snippet.size() - lead - trail);
    if (core.empty()) {
        return marks;
    }
    // The snippet is the text of one field from some offset, with line breaks and tabs as
    // spaces: find that offset next to a span of the top rule (the matcher built the snippet
    // around one of them).
    const rules::Span* around = nullptr;
    std::size_t at = std::string::npos;
    for (const rules::Span& span : top.spans) {
        std::string field = doc.field(span.field);
        std::replace_if(
            field.begin(), field.end(), [](char c) { return c == '\n' || c == '\r' || c == '\t'; },
            ' ');
        const std::size_t from = span.begin > core.size() ? span.begin - core.size() : 0;
        at = field.find(core, from);
        if (at != std::string::npos && at <= span.begin && span.end <= at + core.size()) {
            around = &span;
            break;
        }
    }
    if (around == nullptr) {
        return marks;
    }
    for (const rules::Hit* hit : hits) {
        for (const rules::Span& span : hit->spans) {
            if (span.field == around->field && span.begin >= at && span.end <= at + core.size() &&
                span.end > span.begin) {
                marks.emplace_back(lead + span.begin - at, lead + span.end - at);
            }
        }
    }
    std::sort(marks.begin(), marks.end());
    std::vector<std::pair<std::size_t, std::size_t>> merged;
    for (const auto& m : marks) {
        if (!merged.empty() && m.first <= merged.back().second) {
            merged.back().second = std::max(merged.back().second, m.second);
        } else {
            merged.push_back(m);
        }
    }
    return merged;
}

std::string alert_id(const std::string& subscriber_id, const Document& doc) {
    const std::string story =
        doc.url.empty() ? "item\x1f" + doc.source_id + "\x1f" + doc.item_id : "url\x1f" + doc.url;
    return "a-" + hex64(fnv1a64(subscriber_id + "\x1f" + story));
}

}  // namespace ww::alerts

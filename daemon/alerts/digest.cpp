#include "wirewatch/alerts/digest.hpp"

#include <date/tz.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "wirewatch/alerts/router.hpp"
#include "wirewatch/hash.hpp"
#include "wirewatch/log.hpp"

namespace ww::alerts {

namespace {

using std::chrono::seconds;

constexpr auto kDay = std::chrono::hours(24);
// The timer re-checks at least this often: it waits on the steady clock for a wall-clock time.
constexpr auto kMaxWait = std::chrono::minutes(1);

seconds parse_or_throw(const std::string& text) {
    auto time = parse_time_of_day(text);
    if (!time) {
        throw std::runtime_error("bad time of day '" + text + "' (expected HH:MM)");
    }
    return *time;
}

const date::time_zone* locate(const std::string& name) {
    try {
        return date::locate_zone(name.empty() ? "UTC" : name);
    } catch (const std::runtime_error&) {
        throw std::runtime_error("timezone: '" + name +
                                 "' is not a time zone the system tz database can read");
    }
}

}  // namespace

std::optional<seconds> parse_time_of_day(std::string_view text) {
    if (text.size() != 5 || text[2] != ':') {
        return std::nullopt;
    }
    auto digit = [&](std::size_t i) -> int {
        return text[i] >= '0' && text[i] <= '9' ? text[i] - '0' : -1;
    };
    const int h1 = digit(0), h2 = digit(1), m1 = digit(3), m2 = digit(4);
    if (h1 < 0 || h2 < 0 || m1 < 0 || m2 < 0) {
        return std::nullopt;
    }
    const int hours = h1 * 10 + h2;
    const int minutes = m1 * 10 + m2;
    if (hours > 23 || minutes > 59) {
        return std::nullopt;
    }
    return seconds(hours * 3600 + minutes * 60);
}

Schedule::Schedule(const config::SubscriberConfig& subscriber)
    : zone_(locate(subscriber.timezone)), digest_(subscriber.mode == "digest") {
    rules::parse_severity(subscriber.urgent_severity, urgent_);
    for (const auto& at : subscriber.digest_at) {
        digest_times_.push_back(parse_or_throw(at));
    }
    if (digest_times_.empty() && subscriber.digest_every) {
        const auto every = std::chrono::duration_cast<seconds>(*subscriber.digest_every);
        if (every > kDay) {
            long_every_ = every;
        } else if (every.count() > 0) {
            for (seconds t{0}; t < kDay; t += every) {
                digest_times_.push_back(t);
            }
        }
    }
    if (digest_ && digest_times_.empty() && !long_every_) {
        digest_times_.push_back(seconds(0));  // `check` requires a schedule; midnight if none
    }
    std::sort(digest_times_.begin(), digest_times_.end());
    if (subscriber.quiet_hours.size() == 2) {
        const seconds start = parse_or_throw(subscriber.quiet_hours[0]);
        const seconds end = parse_or_throw(subscriber.quiet_hours[1]);
        if (start != end) {
            quiet_ = {start, end};
        }
    }
}

TimePoint Schedule::local_to_sys(std::chrono::sys_days day, seconds time) const {
    // choose::earliest: the first of a repeated local time; a skipped one maps to the change.
    const date::local_seconds local{day.time_since_epoch() + time};
    return zone_->to_sys(local, date::choose::earliest);
}

TimePoint Schedule::next_local(TimePoint now, const std::vector<seconds>& times) const {
    const auto local = zone_->to_local(std::chrono::floor<seconds>(now));
    const auto today = std::chrono::sys_days(date::floor<date::days>(local).time_since_epoch());
    for (int d = -1; d <= 2; ++d) {
        for (seconds t : times) {
            const TimePoint candidate = local_to_sys(today + date::days(d), t);
            if (candidate > now) {
                return candidate;
            }
        }
    }
    return now + kDay;  // unreachable with a non-empty `times`
}

TimePoint Schedule::next_digest(TimePoint now) const {
    if (long_every_) {
        const auto since_epoch = std::chrono::floor<seconds>(now.time_since_epoch());
        return TimePoint((since_epoch / *long_every_ + 1) * *long_every_);
    }
    return next_local(now, digest_times_);
}

std::optional<TimePoint> Schedule::quiet_until(TimePoint now) const {
    if (!quiet_) {
        return std::nullopt;
    }
    const auto [start, end] = *quiet_;
    const auto local = zone_->to_local(std::chrono::floor<seconds>(now));
    const auto today = std::chrono::sys_days(date::floor<date::days>(local).time_since_epoch());
    // The window that starts yesterday may still be running (it wraps midnight), else today's.
    for (int d = -1; d <= 0; ++d) {
        const auto day = today + date::days(d);
        const TimePoint from = local_to_sys(day, start);
        const TimePoint to = local_to_sys(end > start ? day : day + date::days(1), end);
        if (from <= now && now < to) {
            return to;
        }
    }
    return std::nullopt;
}

std::optional<TimePoint> Schedule::hold_until(TimePoint now, rules::Severity severity) const {
    if (digest_) {
        const TimePoint due = next_digest(now);
        return quiet_until(due).value_or(due);
    }
    if (severity >= urgent_) {
        return std::nullopt;
    }
    return quiet_until(now);
}

std::string digest_id(const std::string& subscriber_id, TimePoint due) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(due.time_since_epoch());
    return "d-" + hex64(fnv1a64(subscriber_id + "\x1f" + std::to_string(ms.count())));
}

notify::Alert make_digest(const std::string& subscriber_id, std::vector<notify::Alert> items,
                          TimePoint due, TimePoint now) {
    notify::Alert digest;
    digest.id = digest_id(subscriber_id, due);
    digest.subscriber_id = subscriber_id;
    digest.created_at = std::chrono::floor<seconds>(now);
    digest.title = "wirewatch digest: " + std::to_string(items.size()) +
                   (items.size() == 1 ? " alert" : " alerts");
    digest.severity = rules::Severity::Info;
    for (const auto& item : items) {
        digest.severity = std::max(digest.severity, item.severity);
        for (const auto& rule : item.rules) {
            auto same = [&](const notify::AlertRule& r) { return r.id == rule.id; };
            if (std::none_of(digest.rules.begin(), digest.rules.end(), same)) {
                digest.rules.push_back({rule.id, rule.severity, {}});
            }
        }
        for (const auto& tag : item.tags) {
            if (std::find(digest.tags.begin(), digest.tags.end(), tag) == digest.tags.end()) {
                digest.tags.push_back(tag);
            }
        }
    }
    std::stable_sort(digest.rules.begin(), digest.rules.end(),
                     [](const notify::AlertRule& a, const notify::AlertRule& b) {
                         return a.severity > b.severity;
                     });
    digest.items = std::move(items);
    for (auto& item : digest.items) {
        item.items.clear();  // one level deep only
    }
    return digest;
}

int release_due_digests(state::Store& store, const Router& router, TimePoint now) {
    auto log = logger("alerts");
    std::map<std::string, std::vector<state::HeldAlert>> by_subscriber;
    for (auto& held : store.held_due(now)) {
        by_subscriber[held.subscriber_id].push_back(std::move(held));
    }
    int queued = 0;
    for (auto& [subscriber_id, held] : by_subscriber) {
        std::vector<notify::Alert> items;
        std::vector<std::string> ids;
        TimePoint due = held.front().hold_until;
        for (const auto& h : held) {
            ids.push_back(h.alert_id);
            due = std::max(due, h.hold_until);
            try {
                items.push_back(notify::alert_from_json(nlohmann::json::parse(h.payload)));
            } catch (const nlohmann::json::exception& e) {
                log->error("subscriber={} alert={}: unreadable held alert dropped: {}",
                           subscriber_id, h.alert_id, e.what());
            }
        }
        const auto* subscriber = router.subscriber(subscriber_id);
        if (subscriber == nullptr) {
            log->warn("subscriber={}: no longer configured; dropping {} held alerts", subscriber_id,
                      ids.size());
        }
        if (items.empty() || subscriber == nullptr) {
            // Nothing to send: only forget the held rows (a digest row with no channels).
            store.release({digest_id(subscriber_id, due), subscriber_id, "{}", {}}, ids, now);
            continue;
        }
        const std::size_t count = items.size();
        notify::Alert alert = make_digest(subscriber_id, std::move(items), due, now);
        if (store.has_alert(alert.id)) {
            // This period went out already (the clock was set back past it): another id, or
            // the digest would be taken for a repeat and its alerts lost.
            alert.id += "-" + hex64(fnv1a64(ids.front()));
        }
        store.release({alert.id, subscriber_id, alert_payload(alert), subscriber->channels}, ids,
                      now);
        ++queued;
        log->info("subscriber={} digest={}: {} alert{} queued", subscriber_id, alert.id, count,
                  count == 1 ? "" : "s");
    }
    return queued;
}

int reschedule_held(state::Store& store, const Router& router, TimePoint now) {
    int moved = 0;
    for (const auto& subscriber_id : store.held_subscribers()) {
        const Schedule* schedule = router.schedule(subscriber_id);
        if (schedule == nullptr) {
            continue;  // dropped with a warning when due (release_due_digests)
        }
        const auto until = schedule->hold_until(now, rules::Severity::Info).value_or(now);
        if (const int n = store.hold_no_later_than(subscriber_id, until); n > 0) {
            logger("alerts")->info(
                "subscriber={}: schedule changed; {} held alert{} now due {}", subscriber_id, n,
                n == 1 ? "" : "s",
                date::format("%FT%TZ", std::chrono::floor<std::chrono::seconds>(until)));
            moved += n;
        }
    }
    return moved;
}

DigestTimer::DigestTimer(boost::asio::io_context& io, state::Store& store, const Clock& clock,
                         std::function<void()> queued)
    : io_(io), store_(store), clock_(clock), queued_(std::move(queued)), timer_(io) {}

DigestTimer::~DigestTimer() { stop(); }

void DigestTimer::stop() {
    stopped_ = true;
    timer_.cancel();
}

void DigestTimer::set_router(std::shared_ptr<const Router> router) {
    const bool replaced = router_ != nullptr;
    router_ = std::move(router);
    if (!replaced || stopped_) {
        return;
    }
    try {
        reschedule_held(store_, *router_, clock_.now());
    } catch (const state::StoreError& e) {
        logger("alerts")->error("cannot reschedule held alerts: {}", e.what());
    }
    kick();
}

void DigestTimer::kick() {
    if (stopped_ || !router_) {
        return;
    }
    const TimePoint now = clock_.now();
    try {
        if (release_due_digests(store_, *router_, now) > 0 && queued_) {
            queued_();
        }
        store_.prune_stories(now - router_->near_duplicate_window());
    } catch (const state::StoreError& e) {
        logger("alerts")->error("cannot release digests, will retry: {}", e.what());
    }
    arm();
}

void DigestTimer::arm() {
    std::chrono::steady_clock::duration wait = kMaxWait;
    try {
        if (auto next = store_.next_held()) {
            wait = std::clamp<std::chrono::steady_clock::duration>(
                *next - clock_.now(), std::chrono::seconds(0), kMaxWait);
        }
    } catch (const state::StoreError& e) {
        logger("alerts")->error("cannot read held alerts: {}", e.what());
    }
    timer_.expires_after(wait);
    timer_.async_wait([this](const boost::system::error_code& ec) {
        if (!ec && !stopped_) {
            kick();
        }
    });
}

}  // namespace ww::alerts

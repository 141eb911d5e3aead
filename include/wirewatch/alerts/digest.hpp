#pragma once
// Digests and quiet hours: when a subscriber's held alerts go out (Schedule, pure and
// clock-free), and the step that turns the held alerts that are due into one digest per
// subscriber in the outbox (release_due_digests, DigestTimer on the event loop).

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wirewatch/clock.hpp"
#include "wirewatch/config/config.hpp"
#include "wirewatch/notify/alert.hpp"
#include "wirewatch/rules/rule_set.hpp"
#include "wirewatch/state/store.hpp"

namespace date {
class time_zone;  // <date/tz.h>
}

namespace ww::alerts {

class Router;
using TimePoint = std::chrono::system_clock::time_point;

// "HH:MM" (00:00..23:59) -> time of day; nullopt when malformed.
std::optional<std::chrono::seconds> parse_time_of_day(std::string_view text);

// A subscriber's digest times and quiet hours in its time zone. Immutable; thread-safe.
// Local times are turned into instants with the zone's rules of that day: a time that does not
// exist (skipped by a DST change) happens at the change, and one that exists twice happens the
// first time.
class Schedule {
public:
    // Throws std::runtime_error for an unknown time zone (`check` reports that first) or a
    // malformed "HH:MM".
    explicit Schedule(const config::SubscriberConfig& subscriber);

    bool is_digest() const { return digest_; }
    // The first digest time strictly after `now`. `digest_at` times are local times of day;
    // `digest_every` up to 24h counts from local midnight (every = 6h: 00:00, 06:00, 12:00,
    // 18:00), a longer one from the Unix epoch.
    TimePoint next_digest(TimePoint now) const;
    // When `now` is inside quiet hours: the end of that window. A window may wrap midnight
    // (["22:00", "06:00"]); one that starts and ends at the same time is empty.
    std::optional<TimePoint> quiet_until(TimePoint now) const;
    // Until when an alert routed at `now` waits (nullopt: send at once). Digest subscribers
    // hold every alert until the next digest time (moved to the end of quiet hours when it
    // falls inside them); instant subscribers hold alerts during quiet hours, except those at
    // or above urgent_severity.
    std::optional<TimePoint> hold_until(TimePoint now, rules::Severity severity) const;

private:
    // The first of `times` (local times of day) strictly after `now`.
    TimePoint next_local(TimePoint now, const std::vector<std::chrono::seconds>& times) const;
    TimePoint local_to_sys(std::chrono::sys_days day, std::chrono::seconds time) const;

    const date::time_zone* zone_ = nullptr;
    bool digest_ = false;
    std::vector<std::chrono::seconds> digest_times_;  // sorted local times of day
    std::optional<std::chrono::seconds> long_every_;  // digest_every longer than a day
    std::optional<std::pair<std::chrono::seconds, std::chrono::seconds>> quiet_;
    rules::Severity urgent_ = rules::Severity::Critical;
};

// Stable id of the digest a subscriber gets at `due`: "d-" + hash of both.
std::string digest_id(const std::string& subscriber_id, TimePoint due);

// One digest alert gathering `items` (oldest first), titled with its size.
notify::Alert make_digest(const std::string& subscriber_id, std::vector<notify::Alert> items,
                          TimePoint due, TimePoint now);

// For every subscriber with held alerts due at `now`: one digest of them queued to the outbox
// in the transaction that removes them (nothing is queued for an empty period). Alerts of a
// subscriber no longer in the config are dropped with a warning. Returns how many digests were
// queued. Throws state::StoreError.
int release_due_digests(state::Store& store, const Router& router, TimePoint now);

// After a reload: every subscriber's held alerts are due no later than its new schedule says
// for an alert held `now` (daily -> hourly: the next hour; digest -> instant: now). A later
// schedule does not postpone what was already promised. Returns how many alerts moved.
int reschedule_held(state::Store& store, const Router& router, TimePoint now);

// Runs release_due_digests on the event loop when the earliest held alert is due (and at
// least every minute, so a wall-clock jump is noticed), and prunes old story fingerprints.
// Event-loop thread only.
class DigestTimer {
public:
    // `queued` is called after digests were queued (e.g. to kick the dispatcher).
    DigestTimer(boost::asio::io_context& io, state::Store& store, const Clock& clock,
                std::function<void()> queued);
    ~DigestTimer();

    // A replacement router (reload) reschedules what is held (reschedule_held) and kicks.
    void set_router(std::shared_ptr<const Router> router);
    // Releases what is due now (a digest due while the daemon was down goes out at start) and
    // re-arms. Call after holding new alerts too: they may be due before the armed time.
    void kick();
    void stop();

private:
    void arm();

    boost::asio::io_context& io_;
    state::Store& store_;
    const Clock& clock_;
    std::function<void()> queued_;
    std::shared_ptr<const Router> router_;
    boost::asio::steady_timer timer_;
    bool stopped_ = false;
};

}  // namespace ww::alerts

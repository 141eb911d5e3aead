#pragma once
// The daemon's durable state in SQLite (WAL): which items each source has seen, per-source
// poll state, and the alert outbox. Writes that belong together (marking items seen and
// queueing their alerts) happen in one transaction, so a crash loses neither.
//
// Not thread-safe: owned and used by the event-loop thread. Methods throw StoreError when
// SQLite fails (disk full, corrupt file); callers at the edge of the part log and carry on.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace ww::state {

class Database;  // daemon/state/sqlite.hpp

using TimePoint = std::chrono::system_clock::time_point;

class StoreError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// An alert ready to be queued: one row in `alerts`, one outbox row per channel.
struct NewAlert {
    std::string alert_id;  // stable: the same story for the same subscriber gives the same id
    std::string subscriber_id;
    std::string payload;  // JSON, the alert as every channel renders it
    std::vector<std::string> channels;
    // Set: the alert is held for a digest (quiet hours or digest mode) until then, with no
    // outbox rows; release() turns held alerts into one digest.
    std::optional<TimePoint> hold_until;
    // True: `payload` replaces that of the alert `alert_id`, if it is still held (a
    // near-duplicate folded into it); nothing else is written for it.
    bool fold = false;
};

// A held alert (see NewAlert::hold_until).
struct HeldAlert {
    std::string alert_id;
    std::string subscriber_id;
    std::string payload;
    TimePoint hold_until;
};

// A story that alerted, remembered to find near-duplicates of it (daemon/alerts/near_dup.cpp).
struct StoryPrint {
    std::string source_id;
    std::string item_id;
    std::string url;
    std::uint64_t simhash = 0;
    TimePoint seen_at;
};

enum class DeliveryState { Pending, Delivered, Dead };

struct OutboxItem {
    std::int64_t id = 0;
    std::string alert_id;
    std::string channel_id;
    std::string payload;
    int attempts = 0;
    DeliveryState state = DeliveryState::Pending;
    TimePoint created_at;
    TimePoint next_attempt_at;
    std::string last_error;
};

class Store {
public:
    // Opens (creating if needed) `dir`/state.db and migrates it to the current schema.
    static std::unique_ptr<Store> open(const std::filesystem::path& dir);
    virtual ~Store() = default;

    virtual bool has_seen(const std::string& source_id, const std::string& item_id) = 0;
    // False until the first record() for this source: its first poll only records what exists.
    virtual bool source_polled_before(const std::string& source_id) = 0;

    // One transaction: marks `item_ids` seen for the source, the source as polled, and queues
    // `alerts` (an alert id already queued before is skipped, so a story alerts once per
    // subscriber). Returns how many alerts were new.
    int record(const std::string& source_id, const std::vector<std::string>& item_ids,
               const std::vector<NewAlert>& alerts, TimePoint now) {
        return record(source_id, item_ids, alerts, {}, now);
    }
    // The same, also remembering the fingerprints of the stories that alerted. Held alerts
    // count as new; folds don't.
    virtual int record(const std::string& source_id, const std::vector<std::string>& item_ids,
                       const std::vector<NewAlert>& alerts, const std::vector<StoryPrint>& prints,
                       TimePoint now) = 0;

    // An alert with this id was queued or held before.
    virtual bool has_alert(const std::string& alert_id) = 0;
    // The payload of a held alert; nullopt when it is not (or no longer) held.
    virtual std::optional<std::string> held_payload(const std::string& alert_id) = 0;
    // Held alerts due at `now`, by subscriber, oldest first.
    virtual std::vector<HeldAlert> held_due(TimePoint now) = 0;
    // When the earliest held alert is due, if any.
    virtual std::optional<TimePoint> next_held() = 0;
    // Subscribers with held alerts, sorted.
    virtual std::vector<std::string> held_subscribers() = 0;
    // Brings every held alert of `subscriber_id` due after `until` forward to `until` (a
    // schedule changed by a reload); later ones are not moved back. Returns how many moved.
    virtual int hold_no_later_than(const std::string& subscriber_id, TimePoint until) = 0;
    // One transaction: queues `digest` (as record() queues an alert) and forgets the held
    // alerts `held_ids` (their ids stay known, so the same story does not alert again).
    virtual void release(const NewAlert& digest, const std::vector<std::string>& held_ids,
                         TimePoint now) = 0;

    // Stories seen at or after `since` whose fingerprint is within `max_distance` bits of
    // `simhash`, oldest first. Exact for max_distance <= 3.
    virtual std::vector<StoryPrint> similar_stories(std::uint64_t simhash, int max_distance,
                                                    TimePoint since) = 0;
    // Forgets fingerprints older than `cutoff`.
    virtual int prune_stories(TimePoint cutoff) = 0;

    // Pending outbox rows whose next attempt is due, oldest first.
    virtual std::vector<OutboxItem> due(TimePoint now, int limit) = 0;
    virtual std::vector<OutboxItem> list(std::optional<DeliveryState> state, int limit) = 0;
    virtual void mark_delivered(std::int64_t id, TimePoint now) = 0;
    virtual void mark_retry(std::int64_t id, TimePoint next_attempt, const std::string& error) = 0;
    virtual void mark_dead(std::int64_t id, const std::string& error) = 0;
    virtual std::int64_t pending_count() = 0;
    // When the earliest pending row becomes due, if any.
    virtual std::optional<TimePoint> next_due() = 0;

    // Forgets seen items older than `cutoff` (retention).
    virtual int prune_seen(TimePoint cutoff) = 0;

    // The connection, for other parts' state tables (see migrate() in daemon/state/sqlite.hpp):
    // sharing it lets their writes join the same transactions.
    virtual Database& database() = 0;
};

}  // namespace ww::state

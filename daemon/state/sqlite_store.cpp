#include <bit>
#include <system_error>

#include "state/sqlite.hpp"
#include "wirewatch/state/store.hpp"

namespace ww::state {

namespace {

// The core tables: seen items, alerts and their outbox. Append only (see migrate()).
const std::vector<std::string_view> kMigrations = {
    R"sql(
    CREATE TABLE sources (
        source_id TEXT PRIMARY KEY,
        first_poll_at INTEGER NOT NULL,
        last_poll_at INTEGER NOT NULL
    );
    CREATE TABLE seen (
        source_id TEXT NOT NULL,
        item_id TEXT NOT NULL,
        seen_at INTEGER NOT NULL,
        PRIMARY KEY (source_id, item_id)
    ) WITHOUT ROWID;
    CREATE INDEX seen_by_age ON seen (seen_at);
    CREATE TABLE alerts (
        alert_id TEXT PRIMARY KEY,
        subscriber_id TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        payload TEXT NOT NULL
    );
    CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        alert_id TEXT NOT NULL REFERENCES alerts (alert_id),
        channel_id TEXT NOT NULL,
        state INTEGER NOT NULL DEFAULT 0,
        attempts INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        next_attempt_at INTEGER NOT NULL,
        delivered_at INTEGER,
        last_error TEXT NOT NULL DEFAULT '',
        UNIQUE (alert_id, channel_id)
    );
    CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
    )sql",
    // Alerts held for a digest (their payload stays in `alerts`), and the fingerprints of
    // stories that alerted. The fingerprint is split in four 16-bit bands: two fingerprints
    // at most 3 bits apart agree on at least one band, so an indexed lookup finds them all.
    R"sql(
    CREATE TABLE held (
        alert_id TEXT PRIMARY KEY REFERENCES alerts (alert_id),
        subscriber_id TEXT NOT NULL,
        hold_until INTEGER NOT NULL,
        created_at INTEGER NOT NULL
    );
    CREATE INDEX held_due ON held (hold_until);
    CREATE TABLE stories (
        id INTEGER PRIMARY KEY,
        source_id TEXT NOT NULL,
        item_id TEXT NOT NULL,
        url TEXT NOT NULL,
        simhash INTEGER NOT NULL,
        band0 INTEGER NOT NULL,
        band1 INTEGER NOT NULL,
        band2 INTEGER NOT NULL,
        band3 INTEGER NOT NULL,
        seen_at INTEGER NOT NULL
    );
    CREATE INDEX stories_band0 ON stories (band0);
    CREATE INDEX stories_band1 ON stories (band1);
    CREATE INDEX stories_band2 ON stories (band2);
    CREATE INDEX stories_band3 ON stories (band3);
    CREATE INDEX stories_by_age ON stories (seen_at);
    )sql",
};

std::int64_t band(std::uint64_t simhash, int i) {
    return static_cast<std::int64_t>((simhash >> (16 * i)) & 0xFFFF);
}

std::int64_t to_ms(TimePoint t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

TimePoint from_ms(std::int64_t ms) { return TimePoint(std::chrono::milliseconds(ms)); }

constexpr const char* kOutboxColumns =
    "id, alert_id, channel_id, payload, attempts, state, outbox.created_at, next_attempt_at, "
    "last_error";

OutboxItem read_outbox_row(const Statement& s) {
    OutboxItem item;
    item.id = s.column_int(0);
    item.alert_id = s.column_text(1);
    item.channel_id = s.column_text(2);
    item.payload = s.column_text(3);
    item.attempts = static_cast<int>(s.column_int(4));
    item.state = static_cast<DeliveryState>(s.column_int(5));
    item.created_at = from_ms(s.column_int(6));
    item.next_attempt_at = from_ms(s.column_int(7));
    item.last_error = s.column_text(8);
    return item;
}

class SqliteStore final : public Store {
public:
    explicit SqliteStore(const std::filesystem::path& file) : db_(file) {
        // WAL: readers don't block the writer; synchronous=NORMAL is durable across process
        // crashes (only a power loss can drop the last transactions), which is the failure
        // the outbox has to survive.
        db_.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;");
        migrate(db_, "core", kMigrations);
    }

    Database& database() override { return db_; }

    bool has_seen(const std::string& source_id, const std::string& item_id) override {
        Statement s(db_, "SELECT 1 FROM seen WHERE source_id = ? AND item_id = ?");
        s.bind(1, source_id).bind(2, item_id);
        return s.step();
    }

    bool source_polled_before(const std::string& source_id) override {
        Statement s(db_, "SELECT 1 FROM sources WHERE source_id = ?");
        s.bind(1, source_id);
        return s.step();
    }

    int record(const std::string& source_id, const std::vector<std::string>& item_ids,
               const std::vector<NewAlert>& alerts, const std::vector<StoryPrint>& prints,
               TimePoint now) override {
        const std::int64_t now_ms = to_ms(now);
        Transaction tx(db_);
        Statement source(db_,
                         "INSERT INTO sources (source_id, first_poll_at, last_poll_at) "
                         "VALUES (?1, ?2, ?2) ON CONFLICT (source_id) DO UPDATE SET "
                         "last_poll_at = excluded.last_poll_at");
        source.bind(1, source_id).bind(2, now_ms).run();

        Statement seen(db_,
                       "INSERT OR IGNORE INTO seen (source_id, item_id, seen_at) VALUES (?, ?, ?)");
        for (const auto& item_id : item_ids) {
            seen.bind(1, source_id).bind(2, item_id).bind(3, now_ms).run();
        }

        int added = 0;
        for (const auto& a : alerts) {
            if (a.fold) {
                fold(a);
            } else if (queue(a, now_ms)) {
                ++added;
            }
        }
        Statement story(db_,
                        "INSERT INTO stories (source_id, item_id, url, simhash, band0, band1, "
                        "band2, band3, seen_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
        for (const auto& p : prints) {
            story.bind(1, p.source_id).bind(2, p.item_id).bind(3, p.url);
            story.bind(4, static_cast<std::int64_t>(p.simhash));
            for (int i = 0; i < 4; ++i) {
                story.bind(5 + i, band(p.simhash, i));
            }
            story.bind(9, to_ms(p.seen_at)).run();
        }
        tx.commit();
        return added;
    }

    bool has_alert(const std::string& alert_id) override {
        Statement s(db_, "SELECT 1 FROM alerts WHERE alert_id = ?");
        s.bind(1, alert_id);
        return s.step();
    }

    std::optional<std::string> held_payload(const std::string& alert_id) override {
        Statement s(db_,
                    "SELECT payload FROM held JOIN alerts USING (alert_id) WHERE alert_id = ?");
        s.bind(1, alert_id);
        if (!s.step()) {
            return std::nullopt;
        }
        return s.column_text(0);
    }

    std::vector<HeldAlert> held_due(TimePoint now) override {
        Statement s(db_,
                    "SELECT alert_id, held.subscriber_id, payload, hold_until FROM held JOIN "
                    "alerts USING (alert_id) WHERE hold_until <= ? ORDER BY "
                    "held.subscriber_id, held.created_at, held.rowid");
        s.bind(1, to_ms(now));
        std::vector<HeldAlert> held;
        while (s.step()) {
            held.push_back(
                {s.column_text(0), s.column_text(1), s.column_text(2), from_ms(s.column_int(3))});
        }
        return held;
    }

    std::optional<TimePoint> next_held() override {
        Statement s(db_, "SELECT min(hold_until) FROM held");
        if (!s.step() || s.column_is_null(0)) {
            return std::nullopt;
        }
        return from_ms(s.column_int(0));
    }

    std::vector<std::string> held_subscribers() override {
        Statement s(db_, "SELECT DISTINCT subscriber_id FROM held ORDER BY subscriber_id");
        std::vector<std::string> ids;
        while (s.step()) {
            ids.push_back(s.column_text(0));
        }
        return ids;
    }

    int hold_no_later_than(const std::string& subscriber_id, TimePoint until) override {
        Statement s(db_,
                    "UPDATE held SET hold_until = ?1 WHERE subscriber_id = ?2 AND hold_until > ?1");
        s.bind(1, to_ms(until));
        s.bind(2, subscriber_id);
        s.run();
        return static_cast<int>(db_.changes());
    }

    void release(const NewAlert& digest, const std::vector<std::string>& held_ids,
                 TimePoint now) override {
        Transaction tx(db_);
        NewAlert queued = digest;
        queued.hold_until.reset();
        queue(queued, to_ms(now));
        Statement forget(db_, "DELETE FROM held WHERE alert_id = ?");
        for (const auto& id : held_ids) {
            forget.bind(1, id).run();
        }
        tx.commit();
    }

    std::vector<StoryPrint> similar_stories(std::uint64_t simhash, int max_distance,
                                            TimePoint since) override {
        Statement s(db_,
                    "SELECT source_id, item_id, url, simhash, seen_at FROM stories WHERE "
                    "(band0 = ?1 OR band1 = ?2 OR band2 = ?3 OR band3 = ?4) AND seen_at >= ?5 "
                    "ORDER BY seen_at, id");
        for (int i = 0; i < 4; ++i) {
            s.bind(1 + i, band(simhash, i));
        }
        s.bind(5, to_ms(since));
        std::vector<StoryPrint> similar;
        while (s.step()) {
            const auto other = static_cast<std::uint64_t>(s.column_int(3));
            if (std::popcount(other ^ simhash) <= max_distance) {
                similar.push_back({s.column_text(0), s.column_text(1), s.column_text(2), other,
                                   from_ms(s.column_int(4))});
            }
        }
        return similar;
    }

    int prune_stories(TimePoint cutoff) override {
        Statement s(db_, "DELETE FROM stories WHERE seen_at < ?");
        s.bind(1, to_ms(cutoff)).run();
        return static_cast<int>(db_.changes());
    }

    std::vector<OutboxItem> due(TimePoint now, int limit) override {
        Statement s(db_, std::string("SELECT ") + kOutboxColumns +
                             " FROM outbox JOIN alerts USING (alert_id) WHERE state = 0 AND "
                             "next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?");
        s.bind(1, to_ms(now)).bind(2, static_cast<std::int64_t>(limit));
        std::vector<OutboxItem> items;
        while (s.step()) {
            items.push_back(read_outbox_row(s));
        }
        return items;
    }

    std::vector<OutboxItem> list(std::optional<DeliveryState> state, int limit) override {
        std::string sql =
            std::string("SELECT ") + kOutboxColumns + " FROM outbox JOIN alerts USING (alert_id)";
        if (state) {
            sql += " WHERE state = ?1";
        }
        sql += " ORDER BY id LIMIT ?2";
        Statement s(db_, sql);
        if (state) {
            s.bind(1, static_cast<std::int64_t>(*state));
        }
        s.bind(2, static_cast<std::int64_t>(limit));
        std::vector<OutboxItem> items;
        while (s.step()) {
            items.push_back(read_outbox_row(s));
        }
        return items;
    }

    void mark_delivered(std::int64_t id, TimePoint now) override {
        Statement s(db_,
                    "UPDATE outbox SET state = 1, attempts = attempts + 1, delivered_at = ? "
                    "WHERE id = ?");
        s.bind(1, to_ms(now)).bind(2, id).run();
    }

    void mark_retry(std::int64_t id, TimePoint next_attempt, const std::string& error) override {
        Statement s(db_,
                    "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, "
                    "last_error = ? WHERE id = ?");
        s.bind(1, to_ms(next_attempt)).bind(2, error).bind(3, id).run();
    }

    void mark_dead(std::int64_t id, const std::string& error) override {
        Statement s(db_,
                    "UPDATE outbox SET state = 2, attempts = attempts + 1, last_error = ? "
                    "WHERE id = ?");
        s.bind(1, error).bind(2, id).run();
    }

    std::int64_t pending_count() override {
        Statement s(db_, "SELECT count(*) FROM outbox WHERE state = 0");
        s.step();
        return s.column_int(0);
    }

    std::optional<TimePoint> next_due() override {
        Statement s(db_, "SELECT min(next_attempt_at) FROM outbox WHERE state = 0");
        if (!s.step() || s.column_is_null(0)) {
            return std::nullopt;
        }
        return from_ms(s.column_int(0));
    }

    int prune_seen(TimePoint cutoff) override {
        Statement s(db_, "DELETE FROM seen WHERE seen_at < ?");
        s.bind(1, to_ms(cutoff)).run();
        return static_cast<int>(db_.changes());
    }

private:
    // Inserts the alert and its outbox rows (or its held row). False when the id was known:
    // this story already alerted this subscriber.
    bool queue(const NewAlert& a, std::int64_t now_ms) {
        Statement alert(db_,
                        "INSERT OR IGNORE INTO alerts (alert_id, subscriber_id, created_at, "
                        "payload) VALUES (?, ?, ?, ?)");
        alert.bind(1, a.alert_id).bind(2, a.subscriber_id).bind(3, now_ms).bind(4, a.payload);
        alert.run();
        if (db_.changes() == 0) {
            return false;
        }
        if (a.hold_until) {
            Statement held(db_,
                           "INSERT INTO held (alert_id, subscriber_id, hold_until, created_at) "
                           "VALUES (?, ?, ?, ?)");
            held.bind(1, a.alert_id).bind(2, a.subscriber_id).bind(3, to_ms(*a.hold_until));
            held.bind(4, now_ms).run();
            return true;
        }
        Statement outbox(db_,
                         "INSERT OR IGNORE INTO outbox (alert_id, channel_id, created_at, "
                         "next_attempt_at) VALUES (?1, ?2, ?3, ?3)");
        for (const auto& channel : a.channels) {
            outbox.bind(1, a.alert_id).bind(2, channel).bind(3, now_ms).run();
        }
        return true;
    }

    void fold(const NewAlert& a) {
        Statement s(db_,
                    "UPDATE alerts SET payload = ?1 WHERE alert_id = ?2 AND EXISTS "
                    "(SELECT 1 FROM held WHERE held.alert_id = ?2)");
        s.bind(1, a.payload).bind(2, a.alert_id).run();
    }

    Database db_;
};

}  // namespace

std::unique_ptr<Store> Store::open(const std::filesystem::path& dir) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) {
        throw StoreError("cannot create state dir " + dir.string() + ": " + ec.message());
    }
    return std::make_unique<SqliteStore>(dir / "state.db");
}

}  // namespace ww::state

#include "wirewatch/state/source_state.hpp"

#include "state/sqlite.hpp"

namespace ww::state {

namespace {

// Append only (see migrate()).
const std::vector<std::string_view> kSourceMigrations = {
    R"sql(
    CREATE TABLE source_http (
        source_id TEXT PRIMARY KEY,
        config_url TEXT NOT NULL,
        url TEXT NOT NULL,
        etag TEXT NOT NULL DEFAULT '',
        last_modified TEXT NOT NULL DEFAULT '',
        last_success INTEGER,
        failures INTEGER NOT NULL DEFAULT 0,
        next_poll INTEGER,
        disabled INTEGER NOT NULL DEFAULT 0,
        disabled_reason TEXT NOT NULL DEFAULT '',
        redirect_target TEXT NOT NULL DEFAULT '',
        redirect_polls INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE page_fingerprints (
        source_id TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        seen_at INTEGER NOT NULL,
        PRIMARY KEY (source_id, fingerprint)
    ) WITHOUT ROWID;
    CREATE INDEX page_fingerprints_by_age ON page_fingerprints (seen_at);
    )sql",
};

std::int64_t to_ms(TimePoint t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

TimePoint from_ms(std::int64_t ms) { return TimePoint(std::chrono::milliseconds(ms)); }

std::optional<TimePoint> optional_time(const Statement& s, int column) {
    if (s.column_is_null(column)) {
        return std::nullopt;
    }
    return from_ms(s.column_int(column));
}

void bind_time(Statement& s, int index, const std::optional<TimePoint>& t) {
    if (t) {
        s.bind(index, to_ms(*t));
    } else {
        s.bind_null(index);
    }
}

}  // namespace

SourceState::SourceState(Store& store) : store_(store) {
    migrate(store_.database(), "sources", kSourceMigrations);
}

SourceRecord SourceState::load(const std::string& source_id, const std::string& config_url) {
    Statement s(store_.database(),
                "SELECT config_url, url, etag, last_modified, last_success, failures, next_poll, "
                "disabled, disabled_reason, redirect_target, redirect_polls FROM source_http "
                "WHERE source_id = ?");
    s.bind(1, source_id);
    SourceRecord r;
    r.config_url = config_url;
    r.url = config_url;
    if (!s.step() || s.column_text(0) != config_url) {
        return r;
    }
    r.url = s.column_text(1);
    r.etag = s.column_text(2);
    r.last_modified = s.column_text(3);
    r.last_success = optional_time(s, 4);
    r.failures = static_cast<int>(s.column_int(5));
    r.next_poll = optional_time(s, 6);
    r.disabled = s.column_int(7) != 0;
    r.disabled_reason = s.column_text(8);
    r.redirect_target = s.column_text(9);
    r.redirect_polls = static_cast<int>(s.column_int(10));
    return r;
}

void SourceState::save(const std::string& source_id, const SourceRecord& r) {
    Statement s(store_.database(),
                "INSERT OR REPLACE INTO source_http (source_id, config_url, url, etag, "
                "last_modified, last_success, failures, next_poll, disabled, disabled_reason, "
                "redirect_target, redirect_polls) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)");
    s.bind(1, source_id).bind(2, r.config_url).bind(3, r.url).bind(4, r.etag);
    s.bind(5, r.last_modified);
    bind_time(s, 6, r.last_success);
    s.bind(7, static_cast<std::int64_t>(r.failures));
    bind_time(s, 8, r.next_poll);
    s.bind(9, static_cast<std::int64_t>(r.disabled ? 1 : 0)).bind(10, r.disabled_reason);
    s.bind(11, r.redirect_target).bind(12, static_cast<std::int64_t>(r.redirect_polls));
    s.run();
}

bool SourceState::has_seen(const std::string& source_id, const std::string& item_id) {
    return store_.has_seen(source_id, item_id);
}

std::set<std::string> SourceState::fingerprints(const std::string& source_id) {
    Statement s(store_.database(), "SELECT fingerprint FROM page_fingerprints WHERE source_id = ?");
    s.bind(1, source_id);
    std::set<std::string> out;
    while (s.step()) {
        out.insert(s.column_text(0));
    }
    return out;
}

void SourceState::add_fingerprints(const std::string& source_id,
                                   const std::vector<std::string>& fps, TimePoint now) {
    Transaction tx(store_.database());
    Statement s(store_.database(),
                "INSERT OR REPLACE INTO page_fingerprints (source_id, fingerprint, seen_at) "
                "VALUES (?,?,?)");
    for (const auto& fp : fps) {
        s.bind(1, source_id).bind(2, fp).bind(3, to_ms(now));
        s.run();
    }
    tx.commit();
}

int SourceState::maybe_prune(TimePoint now, std::chrono::milliseconds retention) {
    if (last_prune_ && now - *last_prune_ < std::chrono::hours(1)) {
        return 0;
    }
    last_prune_ = now;
    const TimePoint cutoff = now - retention;
    int removed = store_.prune_seen(cutoff);
    Statement s(store_.database(), "DELETE FROM page_fingerprints WHERE seen_at < ?");
    s.bind(1, to_ms(cutoff));
    s.run();
    removed += static_cast<int>(store_.database().changes());
    return removed;
}

}  // namespace ww::state

#pragma once
// Per-source poll state that must survive restarts: HTTP validators (echoed byte-exact), health
// (last success, consecutive failures, next poll, disabled), permanent-redirect tracking and
// page paragraph fingerprints. Tables live in the Store's database under the "sources"
// schema component.
//
// Not thread-safe: owned by the event-loop thread, like the Store. Methods throw StoreError.

#include <chrono>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "wirewatch/state/store.hpp"

namespace ww::state {

struct SourceRecord {
    std::string config_url;  // the URL configured when this state was written
    std::string url;         // where to poll: config_url, or a permanent redirect's target
    std::string etag;
    std::string last_modified;
    std::optional<TimePoint> last_success;
    int failures = 0;  // consecutive
    std::optional<TimePoint> next_poll;
    bool disabled = false;
    std::string disabled_reason;
    std::string redirect_target;  // permanent redirect seen on consecutive polls...
    int redirect_polls = 0;       // ...this many times in a row
};

class SourceState {
public:
    // Migrates the "sources" tables in store.database(). `store` must outlive this object.
    explicit SourceState(Store& store);

    // The source's record; a fresh one (url = config_url) when none was stored or when the
    // configured URL changed since (old validators and redirects belong to the old URL).
    SourceRecord load(const std::string& source_id, const std::string& config_url);
    void save(const std::string& source_id, const SourceRecord& record);

    bool has_seen(const std::string& source_id, const std::string& item_id);

    // Page sources: fingerprints of paragraphs seen before.
    std::set<std::string> fingerprints(const std::string& source_id);
    // Adds `fps` (refreshing their time) in one transaction.
    void add_fingerprints(const std::string& source_id, const std::vector<std::string>& fps,
                          TimePoint now);

    // Forgets seen items and fingerprints older than `retention` ([daemon] seen_retention),
    // at most once an hour. Returns the number of rows removed (0 when it was not due).
    int maybe_prune(TimePoint now,
                    std::chrono::milliseconds retention = std::chrono::hours(24 * 30));

private:
    Store& store_;
    std::optional<TimePoint> last_prune_;
};

}  // namespace ww::state

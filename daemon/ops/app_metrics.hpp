#pragma once
// The daemon's own metrics (documents, rule hits, alerts queued, reloads, rule set, outbox),
// registered in one place so their names, help and labels are read together. Every label
// value comes from the config or the rule set, which the administrator bounds: source ids,
// source types, rule ids, reload results. Never a URL or a title.
//
// Loop thread only, except the counters themselves, which are atomics.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "wirewatch/metrics.hpp"
#include "wirewatch/rules/rule_set.hpp"
#include "wirewatch/sources/source_metrics.hpp"

namespace ww::ops {

struct LoadedConfig;

class AppMetrics {
public:
    explicit AppMetrics(metrics::Registry& registry);

    // A config and rule set went live (start or reload): pre-create their series at 0 and set
    // the gauges that describe them.
    void activated(const LoadedConfig& loaded, std::chrono::system_clock::time_point now);
    void reload_finished(bool ok);

    // One document matched against the rules, with its hits and how long matching took.
    void matched(const std::string& source_id, const std::vector<rules::Hit>& hits,
                 std::chrono::steady_clock::duration took);
    void alerts_queued(int n);

    // Outbox gauges, from the store just before a scrape.
    void outbox(std::int64_t pending, std::optional<double> oldest_age_seconds);

    metrics::Registry& registry() { return registry_; }
    // Fetches, fetch time, parse errors, sources by state: updated by the sources part.
    sources::SourceMetrics& sources() { return sources_metrics_; }

private:
    metrics::Registry& registry_;
    metrics::Family<metrics::Counter>& documents_;
    metrics::Family<metrics::Counter>& rule_hits_;
    metrics::Counter& alerts_queued_;
    metrics::Family<metrics::Counter>& reloads_;
    metrics::Histogram& match_seconds_;
    metrics::Gauge& rules_;
    metrics::Gauge& rules_compile_seconds_;
    metrics::Gauge& rules_database_bytes_;
    metrics::Family<metrics::Gauge>& sources_;
    metrics::Gauge& last_reload_;
    metrics::Gauge& outbox_pending_;
    metrics::Gauge& outbox_oldest_age_;
    sources::SourceMetrics sources_metrics_;
};

}  // namespace ww::ops

#pragma once
// The sources part's metrics: fetches by source and result, fetch time, parse errors by
// source, and sources by health. Labels are source ids from the config and the fixed names
// below: never URLs.
//
// Thread safety: like metrics::Registry (updates are atomics). Sources call it on the loop.

#include <chrono>
#include <string>
#include <vector>

#include "wirewatch/config/config.hpp"
#include "wirewatch/metrics.hpp"

namespace ww::sources {

// How one poll's fetch ended.
enum class FetchResult {
    Ok,           // 2xx, body used
    NotModified,  // 304
    Error,        // transport error, other HTTP status, unusable body
    Gone,         // 410: the source is disabled
    Paused,       // 429/503, or its host is paused by an earlier Retry-After
};
const char* fetch_result_name(FetchResult result);

// A source's health, for wirewatch_sources_by_state.
enum class Health {
    NeverPolled,  // no poll has finished since it was configured
    Ok,           // the last poll succeeded
    Failing,      // the last poll failed (it is backing off)
    Disabled,     // 410 Gone: not polled until its url changes
};
const char* health_name(Health health);

class SourceMetrics {
public:
    explicit SourceMetrics(metrics::Registry& registry);

    // The config in force (start, reload): creates every series of its sources at 0.
    void configured(const std::vector<config::SourceConfig>& sources);

    void fetched(const std::string& source_id, FetchResult result);
    // One HTTP transfer (poll, child sitemap or article), from its start to its answer.
    void fetch_took(std::chrono::steady_clock::duration took);
    // A body that was malformed (recovered) or could not be used at all.
    void parse_error(const std::string& source_id);
    // Sets wirewatch_sources_by_state from the health of every configured source.
    void health(const std::vector<Health>& sources);

private:
    metrics::Family<metrics::Counter>& fetches_;
    metrics::Histogram& fetch_seconds_;
    metrics::Family<metrics::Counter>& parse_errors_;
    metrics::Family<metrics::Gauge>& by_state_;
};

}  // namespace ww::sources

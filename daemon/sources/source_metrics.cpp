#include "wirewatch/sources/source_metrics.hpp"

#include <array>

namespace ww::sources {

namespace {

constexpr std::array kFetchResults = {FetchResult::Ok, FetchResult::NotModified, FetchResult::Error,
                                      FetchResult::Gone, FetchResult::Paused};
constexpr std::array kHealths = {Health::NeverPolled, Health::Ok, Health::Failing,
                                 Health::Disabled};

bool fetches(const config::SourceConfig& source) { return source.type != "spool"; }

}  // namespace

const char* fetch_result_name(FetchResult result) {
    switch (result) {
        case FetchResult::Ok:
            return "ok";
        case FetchResult::NotModified:
            return "not_modified";
        case FetchResult::Error:
            return "error";
        case FetchResult::Gone:
            return "gone";
        case FetchResult::Paused:
            return "paused";
    }
    return "error";
}

const char* health_name(Health health) {
    switch (health) {
        case Health::NeverPolled:
            return "never_polled";
        case Health::Ok:
            return "ok";
        case Health::Failing:
            return "failing";
        case Health::Disabled:
            return "disabled";
    }
    return "never_polled";
}

SourceMetrics::SourceMetrics(metrics::Registry& registry)
    : fetches_(registry.counter("wirewatch_fetches_total",
                                "Polls of feed, sitemap and page sources, by source and result "
                                "(ok, not_modified, error, gone, paused).",
                                {"source", "result"})),
      fetch_seconds_(registry
                         .histogram("wirewatch_fetch_duration_seconds",
                                    "Time of one HTTP fetch (poll, child sitemap or article), "
                                    "from its start to the end of the answer.",
                                    {}, metrics::seconds_buckets())
                         .get()),
      parse_errors_(registry.counter("wirewatch_parse_errors_total",
                                     "Fetched bodies that were malformed (recovered) or unusable, "
                                     "by source.",
                                     {"source"})),
      by_state_(registry.gauge("wirewatch_sources_by_state",
                               "Configured sources by health (ok, failing, disabled, "
                               "never_polled).",
                               {"state"})) {
    for (Health health : kHealths) {
        by_state_.with({health_name(health)});
    }
}

void SourceMetrics::configured(const std::vector<config::SourceConfig>& sources) {
    for (const auto& source : sources) {
        if (!fetches(source)) {
            continue;
        }
        for (FetchResult result : kFetchResults) {
            fetches_.with({source.id, fetch_result_name(result)});
        }
        parse_errors_.with({source.id});
    }
}

void SourceMetrics::fetched(const std::string& source_id, FetchResult result) {
    fetches_.with({source_id, fetch_result_name(result)}).inc();
}

void SourceMetrics::fetch_took(std::chrono::steady_clock::duration took) {
    fetch_seconds_.observe(std::chrono::duration<double>(took).count());
}

void SourceMetrics::parse_error(const std::string& source_id) {
    parse_errors_.with({source_id}).inc();
}

void SourceMetrics::health(const std::vector<Health>& sources) {
    std::array<int, kHealths.size()> counts{};
    for (Health health : sources) {
        ++counts[static_cast<std::size_t>(health)];
    }
    for (std::size_t i = 0; i < kHealths.size(); ++i) {
        by_state_.with({health_name(kHealths[i])}).set(counts[i]);
    }
}

}  // namespace ww::sources

#include "ops/app_metrics.hpp"

#include <map>

#include "ops/loaded_config.hpp"

namespace ww::ops {

namespace {

double seconds_since_epoch(std::chrono::system_clock::time_point t) {
    return std::chrono::duration<double>(t.time_since_epoch()).count();
}

}  // namespace

AppMetrics::AppMetrics(metrics::Registry& registry)
    : registry_(registry),
      documents_(registry.counter("wirewatch_documents_total",
                                  "New documents matched against the rules, by source.",
                                  {"source"})),
      rule_hits_(registry.counter("wirewatch_rule_hits_total", "Documents a rule hit, by rule id.",
                                  {"rule"})),
      alerts_queued_(registry
                         .counter("wirewatch_alerts_queued_total",
                                  "Alerts written to the outbox (after dedup).")
                         .get()),
      reloads_(registry.counter("wirewatch_reloads_total",
                                "Config and rule reloads (SIGHUP or rule files changed), by "
                                "result.",
                                {"result"})),
      match_seconds_(registry
                         .histogram("wirewatch_match_duration_seconds",
                                    "Time to match one document against the whole rule set.", {},
                                    metrics::seconds_buckets())
                         .get()),
      rules_(registry.gauge("wirewatch_rules", "Rules in the rule set in force.").get()),
      rules_compile_seconds_(registry
                                 .gauge("wirewatch_rules_compile_duration_seconds",
                                        "Time the rule set in force took to compile or load "
                                        "from the cache.")
                                 .get()),
      rules_database_bytes_(registry
                                .gauge("wirewatch_rules_database_bytes",
                                       "Size of the compiled Hyperscan databases in force.")
                                .get()),
      sources_(registry.gauge("wirewatch_sources", "Sources configured, by type.", {"type"})),
      last_reload_(registry
                       .gauge("wirewatch_last_reload_success_timestamp_seconds",
                              "When the config and rules in force were loaded (Unix time).")
                       .get()),
      outbox_pending_(registry
                          .gauge("wirewatch_outbox_pending",
                                 "Outbox deliveries (alert x channel) not yet delivered.")
                          .get()),
      outbox_oldest_age_(registry
                             .gauge("wirewatch_outbox_oldest_pending_age_seconds",
                                    "Age of the oldest pending outbox delivery; 0 when none.")
                             .get()),
      sources_metrics_(registry) {
    registry.gauge("wirewatch_build_info", "Always 1; the version is in the label.", {"version"})
        .with({WW_VERSION})
        .set(1);
    for (const char* result : {"success", "failure"}) {
        reloads_.with({result});
    }
    for (const char* type : {"feed", "sitemap", "page", "spool"}) {
        sources_.with({type});
    }
}

void AppMetrics::activated(const LoadedConfig& loaded, std::chrono::system_clock::time_point now) {
    // Series of rules or sources that went away stay at their last value until restart: a
    // counter must not vanish and come back lower, and the set is bounded by the config.
    for (const auto& source : loaded.config.sources) {
        documents_.with({source.id});
    }
    sources_metrics_.configured(loaded.config.sources);
    std::map<std::string, int> by_type = {{"feed", 0}, {"sitemap", 0}, {"page", 0}, {"spool", 0}};
    for (const auto& source : loaded.config.sources) {
        ++by_type[source.type];
    }
    for (const auto& [type, count] : by_type) {
        sources_.with({type}).set(count);
    }
    if (loaded.rules) {
        for (const auto& rule : loaded.rules->rules()) {
            rule_hits_.with({rule.id});
        }
        rules_.set(static_cast<double>(loaded.rules->size()));
        rules_compile_seconds_.set(loaded.rules->stats().seconds);
        rules_database_bytes_.set(static_cast<double>(loaded.rules->stats().database_bytes));
    }
    last_reload_.set(seconds_since_epoch(now));
}

void AppMetrics::reload_finished(bool ok) { reloads_.with({ok ? "success" : "failure"}).inc(); }

void AppMetrics::matched(const std::string& source_id, const std::vector<rules::Hit>& hits,
                         std::chrono::steady_clock::duration took) {
    documents_.with({source_id}).inc();
    for (const auto& hit : hits) {
        rule_hits_.with({hit.rule_id}).inc();
    }
    match_seconds_.observe(std::chrono::duration<double>(took).count());
}

void AppMetrics::alerts_queued(int n) {
    if (n > 0) {
        alerts_queued_.inc(static_cast<std::uint64_t>(n));
    }
}

void AppMetrics::outbox(std::int64_t pending, std::optional<double> oldest_age_seconds) {
    outbox_pending_.set(static_cast<double>(pending));
    outbox_oldest_age_.set(oldest_age_seconds.value_or(0));
}

}  // namespace ww::ops

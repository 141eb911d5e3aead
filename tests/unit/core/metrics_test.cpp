// The metrics registry and its exposition, checked with the strict parser the integration
// test scrapes with.

#include "wirewatch/metrics.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <thread>
#include <vector>

#include "support/metrics_exposition.hpp"

namespace ww::metrics {
namespace {

using testing::parse_exposition;

TEST(Metrics, PreCreatedSeriesAreExposedAsZeroWithHelpAndType) {
    Registry registry;
    auto& documents = registry.counter("wirewatch_documents_total", "Documents matched.");
    documents.get();
    auto& reloads = registry.counter("wirewatch_reloads_total", "Reloads.", {"result"});
    reloads.with({"success"});
    reloads.with({"failure"});
    const std::string text = registry.expose();
    EXPECT_EQ(text,
              "# HELP wirewatch_documents_total Documents matched.\n"
              "# TYPE wirewatch_documents_total counter\n"
              "wirewatch_documents_total 0\n"
              "# HELP wirewatch_reloads_total Reloads.\n"
              "# TYPE wirewatch_reloads_total counter\n"
              "wirewatch_reloads_total{result=\"failure\"} 0\n"
              "wirewatch_reloads_total{result=\"success\"} 0\n");
    auto parsed = parse_exposition(text);
    EXPECT_EQ(parsed.families.at("wirewatch_reloads_total").type, "counter");
}

TEST(Metrics, LabelValuesAreEscaped) {
    Registry registry;
    auto& hits = registry.counter("wirewatch_rule_hits_total", "Hits.", {"rule"});
    hits.with({"back\\slash \"quoted\"\nnewline"}).inc(3);
    const std::string text = registry.expose();
    EXPECT_NE(text.find(R"(wirewatch_rule_hits_total{rule="back\\slash \"quoted\"\nnewline"} 3)"),
              std::string::npos)
        << text;
    auto parsed = parse_exposition(text);
    EXPECT_EQ(
        parsed.value("wirewatch_rule_hits_total", {{"rule", "back\\slash \"quoted\"\nnewline"}}),
        3);
}

TEST(Metrics, GaugesPrintShortestFormsAndInfinities) {
    Registry registry;
    auto& gauge = registry.gauge("wirewatch_things", "Things.", {"kind"});
    gauge.with({"a"}).set(0.1);
    gauge.with({"b"}).set(1e21);
    gauge.with({"c"}).set(-2.5);
    gauge.with({"d"}).set(std::numeric_limits<double>::infinity());
    gauge.with({"e"}).add(3);
    gauge.with({"e"}).add(-1);
    const std::string text = registry.expose();
    EXPECT_NE(text.find("{kind=\"a\"} 0.1\n"), std::string::npos) << text;
    EXPECT_NE(text.find("{kind=\"d\"} +Inf\n"), std::string::npos) << text;
    EXPECT_NE(text.find("{kind=\"e\"} 2\n"), std::string::npos) << text;
    auto parsed = parse_exposition(text);
    EXPECT_EQ(parsed.value("wirewatch_things", {{"kind", "b"}}), 1e21);
    EXPECT_EQ(parsed.value("wirewatch_things", {{"kind", "c"}}), -2.5);
}

TEST(Metrics, HistogramBucketsAreCumulativeAndEndInInfEqualToCount) {
    Registry registry;
    auto& h = registry.histogram("wirewatch_match_seconds", "Match time.", {}, {0.01, 0.1, 1});
    auto& series = h.get();
    for (double v : {0.005, 0.01, 0.05, 0.5, 2.0, 30.0}) {
        series.observe(v);
    }
    const std::string text = registry.expose();
    EXPECT_NE(text.find("wirewatch_match_seconds_bucket{le=\"0.01\"} 2\n"), std::string::npos)
        << text;  // 0.01 falls in le="0.01": buckets are "less than or equal"
    EXPECT_NE(text.find("wirewatch_match_seconds_bucket{le=\"0.1\"} 3\n"), std::string::npos);
    EXPECT_NE(text.find("wirewatch_match_seconds_bucket{le=\"1\"} 4\n"), std::string::npos);
    EXPECT_NE(text.find("wirewatch_match_seconds_bucket{le=\"+Inf\"} 6\n"), std::string::npos);
    EXPECT_NE(text.find("wirewatch_match_seconds_count 6\n"), std::string::npos);
    auto parsed = parse_exposition(text);
    EXPECT_DOUBLE_EQ(parsed.value("wirewatch_match_seconds_sum"), 32.565);
}

TEST(Metrics, HistogramWithLabelsPutsLeLast) {
    Registry registry;
    auto& h = registry.histogram("wirewatch_fetch_seconds", "Fetch time.", {"source"}, {1, 2});
    h.with({"wire"}).observe(1.5);
    const std::string text = registry.expose();
    EXPECT_NE(text.find("wirewatch_fetch_seconds_bucket{source=\"wire\",le=\"2\"} 1\n"),
              std::string::npos)
        << text;
    EXPECT_NO_THROW(parse_exposition(text));
}

TEST(Metrics, ConcurrentUpdatesAreNotLost) {
    Registry registry;
    auto& counter = registry.counter("wirewatch_documents_total", "Documents.", {"source"});
    auto& histogram =
        registry.histogram("wirewatch_match_seconds", "Match.", {}, seconds_buckets());
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < 5000; ++i) {
                counter.with({t % 2 == 0 ? "even" : "odd"}).inc();
                histogram.get().observe(0.001);
                if (i % 500 == 0) {
                    (void)registry.expose();  // scrapes race updates
                }
            }
        });
    }
    for (auto& t : threads) {
        t.join();
    }
    auto parsed = parse_exposition(registry.expose());
    EXPECT_EQ(parsed.value("wirewatch_documents_total", {{"source", "even"}}), 20000);
    EXPECT_EQ(parsed.value("wirewatch_documents_total", {{"source", "odd"}}), 20000);
    EXPECT_EQ(parsed.value("wirewatch_match_seconds_count"), 40000);
}

TEST(Metrics, AFamilyStopsGrowingAtItsSeriesCap) {
    Registry registry;
    auto& family = registry.counter("wirewatch_things_total", "Things.", {"id"});
    for (std::size_t i = 0; i < Registry::kDefaultMaxSeries + 5; ++i) {
        family.with({std::to_string(i)}).inc();
    }
    EXPECT_EQ(family.series().size(), Registry::kDefaultMaxSeries);
    // The same reference comes back for a known series.
    EXPECT_EQ(&family.with({"0"}), &family.with({"0"}));
}

TEST(Metrics, RegisteringTwiceReturnsTheSameFamily) {
    Registry registry;
    auto& a = registry.counter("wirewatch_documents_total", "Documents.", {"source"});
    auto& b = registry.counter("wirewatch_documents_total", "Documents.", {"source"});
    EXPECT_EQ(&a, &b);
}

TEST(Metrics, CollectHooksRunBeforeEachExposition) {
    Registry registry;
    auto& depth = registry.gauge("wirewatch_outbox_pending", "Pending.");
    int calls = 0;
    registry.on_collect([&] { depth.get().set(++calls); });
    (void)registry.expose();
    auto parsed = parse_exposition(registry.expose());
    EXPECT_EQ(parsed.value("wirewatch_outbox_pending"), 2);
}

TEST(MetricsDeathTest, MisnamedMetricsAbort) {
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    Registry registry;
    EXPECT_DEATH(registry.counter("wirewatch_documents", "No _total."), "_total");
    EXPECT_DEATH(registry.gauge("wirewatch_bytes_total", "A gauge named like a counter."),
                 "_total");
    EXPECT_DEATH(registry.gauge("documents", "No prefix."), "wirewatch_");
    EXPECT_DEATH(registry.gauge("wirewatch_x", "Bad label.", {"bad-label"}), "label");
    EXPECT_DEATH(registry.histogram("wirewatch_y_seconds", "le.", {"le"}, {1}), "reserved");
    EXPECT_DEATH(registry.histogram("wirewatch_z_seconds", "Unsorted.", {}, {2, 1}), "increasing");
    auto& f = registry.counter("wirewatch_c_total", "Two labels.", {"a", "b"});
    EXPECT_DEATH(f.with({"only-one"}), "label values");
}

// The parser itself must reject what promtool rejects, or the integration test proves nothing.
TEST(ExpositionParser, RejectsMalformedInput) {
    const std::vector<std::string> bad = {
        "wirewatch_x 1",                                             // no final newline
        "wirewatch_x{a=\"1\" 1\n",                                   // unterminated label set
        "wirewatch_x{a=1} 1\n",                                      // unquoted value
        "wirewatch_x{a=\"\\t\"} 1\n",                                // bad escape
        "wirewatch_x{a=\"1\",a=\"2\"} 1\n",                          // label twice
        "wirewatch-x 1\n",                                           // bad name
        "wirewatch_x one\n",                                         // bad value
        "wirewatch_x 1\nwirewatch_x 2\n",                            // duplicate series
        "# TYPE wirewatch_x_total counter\nwirewatch_x_total -1\n",  // negative counter
        "# TYPE wirewatch_x gauge\n# TYPE wirewatch_x gauge\n",      // TYPE twice
        "wirewatch_x 1\n# TYPE wirewatch_x gauge\n",                 // TYPE after samples
        "# TYPE wirewatch_x gauge\nwirewatch_x{a=\"1\"} 1\nwirewatch_y 1\n"
        "wirewatch_x{a=\"2\"} 1\n",  // family split in two
        "# TYPE wirewatch_h histogram\nwirewatch_h_bucket{le=\"1\"} 2\n"
        "wirewatch_h_bucket{le=\"+Inf\"} 1\nwirewatch_h_sum 1\nwirewatch_h_count 1\n",  // not
                                                                                        // cumulative
        "# TYPE wirewatch_h histogram\nwirewatch_h_bucket{le=\"1\"} 1\n"
        "wirewatch_h_sum 1\nwirewatch_h_count 1\n",  // no +Inf
        "# TYPE wirewatch_h histogram\nwirewatch_h_bucket{le=\"+Inf\"} 2\n"
        "wirewatch_h_sum 1\nwirewatch_h_count 1\n",  // +Inf != count
        "# TYPE wirewatch_x flavour\n",              // unknown type
    };
    for (const auto& text : bad) {
        EXPECT_THROW(testing::parse_exposition(text), testing::ExpositionError) << text;
    }
    EXPECT_NO_THROW(testing::parse_exposition(
        "# HELP wirewatch_x A \\\\ help\\n line.\n# TYPE wirewatch_x gauge\n"
        "wirewatch_x{a=\"\\\"\"} NaN 1700000000000\n"));
}

}  // namespace
}  // namespace ww::metrics

// A feed read from a file: url, counted like an HTTP fetch, failing quietly while it fails.

#include "sources/file_feed_source.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "support/captured_log.hpp"
#include "support/temp_dir.hpp"
#include "wirewatch/sources/source_metrics.hpp"

namespace ww::sources {
namespace {

TEST(FileFeedSource, AMissingFileIsLoggedOnceNotAtEveryPollAndItsRecoveryOnce) {
    testing::TempDir dir;
    boost::asio::io_context io;
    ManualClock clock{std::chrono::system_clock::time_point(std::chrono::hours(24 * 20000))};
    std::vector<Batch> batches;
    SourceContext context{io, clock, {}, [&](Batch& b) {
                              batches.push_back(b);
                              return true;
                          }};
    metrics::Registry registry;
    SourceMetrics metrics(registry);
    context.metrics = &metrics;
    config::SourceConfig config;
    config.id = "f";
    config.type = "feed";
    config.url = "file://" + (dir / "feed.xml").string();
    FileFeedSource source(config, context);
    testing::CapturedLog log;

    for (int i = 0; i < 3; ++i) {
        source.poll([] {});
        clock.advance(std::chrono::minutes(10));
    }
    EXPECT_EQ(log.count("warning", "source=f url=" + config.url + ": cannot read"), 1)
        << log.text();
    EXPECT_EQ(source.health(), Health::Failing);

    dir.write("feed.xml",
              "<rss version=\"2.0\"><channel><title>F</title><item><guid>1</guid>"
              "<title>Truce</title></item></channel></rss>");
    source.poll([] {});
    EXPECT_EQ(log.count("info", "source=f url=" + config.url + ": recovered after 3 failed polls"),
              1)
        << log.text();
    EXPECT_EQ(source.health(), Health::Ok);
    ASSERT_EQ(batches.size(), 1u);
    auto& fetches = registry.counter("wirewatch_fetches_total", "", {"source", "result"});
    EXPECT_EQ(fetches.with({"f", "error"}).value(), 3u);
    EXPECT_EQ(fetches.with({"f", "ok"}).value(), 1u);
}

}  // namespace
}  // namespace ww::sources

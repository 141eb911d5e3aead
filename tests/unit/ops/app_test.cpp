// The App on an injected clock: what it does to the on-disk state when it starts.

#include "wirewatch/ops/app.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "support/daemon_config.hpp"
#include "support/temp_dir.hpp"
#include "wirewatch/state/store.hpp"

namespace ww::ops {
namespace {

using std::chrono::hours;

constexpr hours kDay{24};

// Seen ids recorded 30, 20 and 5 days before `now`, in an on-disk store; then the App starts
// with `retention_line` and we look at what it kept.
std::vector<bool> kept_after_start(const std::string& retention_line) {
    testing::TempDir dir;
    dir.write("wirewatch.toml", testing::daemon_test_config({.daemon_keys = retention_line}));
    dir.write("rules/a.toml", "[[rule]]\nid = \"r\"\nkeywords = [\"truce\"]\n");
    const auto now = std::chrono::system_clock::time_point(kDay * 20000);
    {
        auto store = state::Store::open(dir / "state");
        store->record("drop", {"30-days"}, {}, now - 30 * kDay);
        store->record("drop", {"20-days"}, {}, now - 20 * kDay);
        store->record("drop", {"5-days"}, {}, now - 5 * kDay);
    }
    boost::asio::io_context io;
    ManualClock clock(now);
    std::vector<bool> kept;
    {
        App app(io, clock, {dir / "wirewatch.toml", dir / "state"});
        Diagnostics diags;
        EXPECT_TRUE(app.load(diags)) << diags.str();
        app.start();
    }
    auto store = state::Store::open(dir / "state");
    for (const char* id : {"30-days", "20-days", "5-days"}) {
        kept.push_back(store->has_seen("drop", id));
    }
    return kept;
}

TEST(App, PrunesSeenItemsOlderThanSeenRetentionWhenItStarts) {
    EXPECT_EQ(kept_after_start("seen_retention = \"10d\"\n"),
              (std::vector<bool>{false, false, true}));
    EXPECT_EQ(kept_after_start("seen_retention = \"25d\"\n"),
              (std::vector<bool>{false, true, true}));
}

TEST(App, SeenRetentionDefaultsToThirtyDays) {
    // 30 days exactly is not older than 30 days: kept; one more hour and it would go.
    EXPECT_EQ(kept_after_start(""), (std::vector<bool>{true, true, true}));
}

}  // namespace
}  // namespace ww::ops

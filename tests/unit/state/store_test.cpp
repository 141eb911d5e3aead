#include "wirewatch/state/store.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "support/temp_dir.hpp"

namespace ww::state {
namespace {

using namespace std::chrono_literals;
using ww::testing::TempDir;

const TimePoint kT0 = TimePoint(std::chrono::hours(24 * 20000));

NewAlert alert(const std::string& id, std::vector<std::string> channels = {"out"}) {
    return {id, "desk", "{\"id\":\"" + id + "\"}", std::move(channels)};
}

TEST(Store, FirstPollIsRecordedAndSeenItemsPersistAcrossReopen) {
    TempDir dir;
    {
        auto store = Store::open(dir.path());
        EXPECT_FALSE(store->source_polled_before("feed"));
        EXPECT_FALSE(store->has_seen("feed", "item-1"));
        store->record("feed", {"item-1", "item-2"}, {}, kT0);
        EXPECT_TRUE(store->source_polled_before("feed"));
        EXPECT_TRUE(store->has_seen("feed", "item-1"));
        EXPECT_FALSE(store->has_seen("other", "item-1"));
    }
    auto reopened = Store::open(dir.path());
    EXPECT_TRUE(reopened->has_seen("feed", "item-2"));
    EXPECT_TRUE(reopened->source_polled_before("feed"));
}

TEST(Store, AnAlertIdQueuesOnceAcrossRecordsAndGetsOneRowPerChannel) {
    TempDir dir;
    auto store = Store::open(dir.path());
    EXPECT_EQ(store->record("a", {"1"}, {alert("a-1", {"mail", "slack"})}, kT0), 1);
    EXPECT_EQ(store->record("b", {"9"}, {alert("a-1", {"mail", "slack"})}, kT0 + 1s), 0);
    auto due = store->due(kT0 + 1s, 10);
    ASSERT_EQ(due.size(), 2u);
    EXPECT_EQ(due[0].channel_id, "mail");
    EXPECT_EQ(due[1].channel_id, "slack");
    EXPECT_EQ(due[0].payload, "{\"id\":\"a-1\"}");
    EXPECT_EQ(store->pending_count(), 2);
}

TEST(Store, OutboxLifecycleDeliveredRetryDead) {
    TempDir dir;
    auto store = Store::open(dir.path());
    store->record("s", {"1", "2", "3"}, {alert("a-1"), alert("a-2"), alert("a-3")}, kT0);
    auto due = store->due(kT0, 10);
    ASSERT_EQ(due.size(), 3u);

    store->mark_delivered(due[0].id, kT0 + 1s);
    store->mark_retry(due[1].id, kT0 + 60s, "450 try later");
    store->mark_dead(due[2].id, "550 no such user");

    EXPECT_EQ(store->pending_count(), 1);
    EXPECT_TRUE(store->due(kT0 + 59s, 10).empty());
    auto later = store->due(kT0 + 60s, 10);
    ASSERT_EQ(later.size(), 1u);
    EXPECT_EQ(later[0].alert_id, "a-2");
    EXPECT_EQ(later[0].attempts, 1);
    EXPECT_EQ(later[0].last_error, "450 try later");
    ASSERT_TRUE(store->next_due().has_value());
    EXPECT_EQ(*store->next_due(), kT0 + 60s);

    auto dead = store->list(DeliveryState::Dead, 10);
    ASSERT_EQ(dead.size(), 1u);
    EXPECT_EQ(dead[0].alert_id, "a-3");
    EXPECT_EQ(dead[0].last_error, "550 no such user");
}

TEST(Store, PruneForgetsOnlyOldItems) {
    TempDir dir;
    auto store = Store::open(dir.path());
    store->record("s", {"old"}, {}, kT0);
    store->record("s", {"new"}, {}, kT0 + 48h);
    EXPECT_EQ(store->prune_seen(kT0 + 24h), 1);
    EXPECT_FALSE(store->has_seen("s", "old"));
    EXPECT_TRUE(store->has_seen("s", "new"));
}

TEST(Store, RefusesASchemaNewerThanItKnows) {
    TempDir dir;
    Store::open(dir.path());
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((dir / "state.db").c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "UPDATE schema SET version = 99 WHERE component = 'core'", nullptr,
                           nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
    try {
        Store::open(dir.path());
        FAIL() << "opened a schema from the future";
    } catch (const StoreError& e) {
        EXPECT_NE(std::string(e.what()).find("core schema version 99"), std::string::npos)
            << e.what();
    }
}

TEST(Store, UsesWriteAheadLogging) {
    TempDir dir;
    auto store = Store::open(dir.path());
    store->record("s", {"1"}, {}, kT0);
    EXPECT_TRUE(std::filesystem::exists(dir / "state.db-wal"));
}

}  // namespace
}  // namespace ww::state

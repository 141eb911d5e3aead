#include "wirewatch/state/store.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "state/sqlite.hpp"
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

NewAlert held(const std::string& id, TimePoint until, std::string subscriber = "desk") {
    NewAlert a{id, std::move(subscriber), "{\"id\":\"" + id + "\"}", {"out"}};
    a.hold_until = until;
    return a;
}

TEST(Store, HeldAlertsWaitOnDiskWithoutOutboxRowsUntilReleased) {
    TempDir dir;
    {
        auto store = Store::open(dir.path());
        EXPECT_EQ(
            store->record(
                "feed", {"1", "2", "3"},
                {held("a-1", kT0 + 1h), held("a-2", kT0 + 1h), held("a-3", kT0 + 2h, "team")}, kT0),
            3);
        EXPECT_EQ(store->pending_count(), 0);
        EXPECT_TRUE(store->has_alert("a-1"));
        EXPECT_EQ(store->held_payload("a-1"), "{\"id\":\"a-1\"}");
        // The same story again is known, held or not.
        EXPECT_EQ(store->record("other", {"9"}, {held("a-1", kT0 + 1h)}, kT0 + 1s), 0);
    }
    auto store = Store::open(dir.path());  // a restart (or kill -9) keeps them
    EXPECT_EQ(store->next_held(), kT0 + 1h);
    EXPECT_TRUE(store->held_due(kT0 + 59min).empty());
    auto due = store->held_due(kT0 + 1h);
    ASSERT_EQ(due.size(), 2u);
    EXPECT_EQ(due[0].alert_id, "a-1");
    EXPECT_EQ(due[1].alert_id, "a-2");
    EXPECT_EQ(due[0].subscriber_id, "desk");
    EXPECT_EQ(due[0].hold_until, kT0 + 1h);

    store->release({"d-1", "desk", "{\"id\":\"d-1\"}", {"mail", "slack"}}, {"a-1", "a-2"},
                   kT0 + 1h);
    EXPECT_TRUE(store->held_due(kT0 + 1h).empty());
    EXPECT_FALSE(store->held_payload("a-1"));
    EXPECT_TRUE(store->has_alert("a-1"));  // released, still known: no second alert for it
    auto outbox = store->due(kT0 + 1h, 10);
    ASSERT_EQ(outbox.size(), 2u);
    EXPECT_EQ(outbox[0].alert_id, "d-1");
    EXPECT_EQ(outbox[0].payload, "{\"id\":\"d-1\"}");
    EXPECT_EQ(store->next_held(), kT0 + 2h);
}

TEST(Store, AFoldReplacesThePayloadOnlyWhileTheAlertIsHeld) {
    TempDir dir;
    auto store = Store::open(dir.path());
    store->record("feed", {"1"}, {held("a-1", kT0 + 1h), alert("a-2")}, kT0);
    NewAlert fold{"a-1", "desk", "{\"folded\":1}", {}};
    fold.fold = true;
    NewAlert late{"a-2", "desk", "{\"folded\":2}", {}};
    late.fold = true;
    EXPECT_EQ(store->record("other", {"2"}, {fold, late}, kT0 + 1s), 0);
    EXPECT_EQ(store->held_payload("a-1"), "{\"folded\":1}");
    auto sent = store->due(kT0 + 1s, 10);
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_EQ(sent[0].payload, "{\"id\":\"a-2\"}");  // not held: already on its way
}

TEST(Store, SimilarStoriesWithinDistanceAndWindowOldestFirst) {
    TempDir dir;
    auto store = Store::open(dir.path());
    const std::uint64_t base = 0x0123456789abcdefull;
    // Three bits apart, each in a different 16-bit band, and one 4 bits apart.
    const std::uint64_t three = base ^ (1ull << 3) ^ (1ull << 20) ^ (1ull << 40);
    const std::uint64_t four = base ^ 0x0001000100010001ull;
    store->record("a", {"1"}, {},
                  {{"a", "1", "https://a/1", three, kT0},
                   {"b", "2", "https://b/2", four, kT0},
                   {"c", "3", "", ~base, kT0}},
                  kT0);
    store->record("d", {"4"}, {}, {{"d", "4", "https://d/4", base, kT0 + 2h}}, kT0 + 2h);
    auto similar = store->similar_stories(base, 3, kT0);
    ASSERT_EQ(similar.size(), 2u);
    EXPECT_EQ(similar[0].source_id, "a");
    EXPECT_EQ(similar[0].url, "https://a/1");
    EXPECT_EQ(similar[0].simhash, three);
    EXPECT_EQ(similar[1].source_id, "d");
    ASSERT_EQ(store->similar_stories(base, 3, kT0 + 1h).size(), 1u);  // outside the window
    EXPECT_EQ(store->prune_stories(kT0 + 1h), 3);
    EXPECT_EQ(store->similar_stories(base, 3, kT0).size(), 1u);
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

void exec_elsewhere(const std::filesystem::path& file, const char* sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
    EXPECT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
    sqlite3_close(db);
}

// Statements are cached per connection; one stopped after its first row (has_seen) must not
// keep a read transaction open, or the store would go on reading an old snapshot and miss what
// another process (`wirewatchd outbox`) wrote since.
TEST(Store, ACachedQueryStoppedEarlySeesLaterWritesOfAnotherConnection) {
    TempDir dir;
    auto store = Store::open(dir.path());
    store->record("feed", {"1"}, {alert("a-1")}, kT0);
    EXPECT_TRUE(store->has_seen("feed", "1"));
    EXPECT_EQ(store->pending_count(), 1);
    exec_elsewhere(dir / "state.db", "DELETE FROM seen; UPDATE outbox SET state = 1");
    EXPECT_FALSE(store->has_seen("feed", "1"));
    EXPECT_EQ(store->pending_count(), 0);
}

TEST(Store, TheSameStatementBorrowedTwiceAtOnceGivesTwoIndependentCursors) {
    TempDir dir;
    auto store = Store::open(dir.path());
    store->record("feed", {"1", "2"}, {}, kT0);
    const char* sql = "SELECT item_id FROM seen ORDER BY item_id";
    Statement outer(store->database(), sql);
    ASSERT_TRUE(outer.step());
    EXPECT_EQ(outer.column_text(0), "1");
    {
        Statement inner(store->database(), sql);
        ASSERT_TRUE(inner.step());
        EXPECT_EQ(inner.column_text(0), "1");
    }
    ASSERT_TRUE(outer.step());
    EXPECT_EQ(outer.column_text(0), "2");
}

TEST(Store, CachedStatementsAreDroppedBeforeAnotherComponentMigratesAndStillWorkAfter) {
    TempDir dir;
    auto store = Store::open(dir.path());
    store->record("feed", {"1"}, {alert("a-1")}, kT0);
    ASSERT_EQ(store->due(kT0, 10).size(), 1u);
    migrate(store->database(), "test", {"ALTER TABLE outbox ADD COLUMN note TEXT"});
    store->record("feed", {"2"}, {alert("a-2")}, kT0);
    EXPECT_EQ(store->due(kT0, 10).size(), 2u);
    {
        Statement held(store->database(), "SELECT 1");
        EXPECT_THROW(migrate(store->database(), "test2", {"CREATE TABLE t (x)"}), StoreError);
    }
    migrate(store->database(), "test2", {"CREATE TABLE t (x)"});
}

}  // namespace
}  // namespace ww::state

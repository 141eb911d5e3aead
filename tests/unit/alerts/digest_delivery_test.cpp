// A digest subscriber end to end: documents routed and recorded on disk, the daemon "down"
// over the due time, then on restart the digest timer's first tick queues one digest and the
// dispatcher delivers it through a real JSON-lines file channel.

#include <date/date.h>
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "alerts_test_util.hpp"
#include "support/temp_dir.hpp"
#include "wirewatch/alerts/digest.hpp"
#include "wirewatch/alerts/dispatcher.hpp"
#include "wirewatch/alerts/router.hpp"

namespace ww::alerts {
namespace {

using namespace std::chrono_literals;
using test::utc;

std::vector<nlohmann::json> read_lines(const std::filesystem::path& file) {
    std::vector<nlohmann::json> lines;
    std::ifstream in(file);
    for (std::string line; std::getline(in, line);) {
        lines.push_back(nlohmann::json::parse(line));
    }
    return lines;
}

rules::Hit hit(std::string rule) {
    rules::Hit h;
    h.rule_id = std::move(rule);
    h.severity = rules::Severity::High;
    h.terms = {h.rule_id};
    return h;
}

TEST(DigestDelivery, OneDigestThroughAFileChannelAfterARestartPastItsDueTime) {
    ww::testing::TempDir dir;
    const auto out_file = dir.path() / "alerts.jsonl";
    config::SubscriberConfig desk;
    desk.id = "desk";
    desk.mode = "digest";
    desk.digest_at = {"08:00"};
    desk.timezone = "Europe/Berlin";
    desk.channels = {"out"};
    auto router = std::make_shared<const Router>(std::vector<config::SubscriberConfig>{desk});
    const std::string lead =
        "Syrian government and opposition negotiators agreed on Tuesday to a ceasefire in the "
        "northern city of Aleppo, the United Nations envoy said after two days of talks.";

    {  // Before the due time (08:00 in Berlin = 07:00Z): held on disk, nothing sent.
        auto store = state::Store::open(dir.path() / "state");
        const TimePoint t = utc(2026, 1, 15, 20);
        for (const Document& d :
             {test::story("reuters", "https://r/1", "Ceasefire agreed for Aleppo", lead),
              test::story("ap", "https://ap/1", "Aleppo ceasefire agreed, UN says", lead),
              test::story(
                  "bbc", "https://bbc/1", "Floods in Valencia",
                  "Heavy rain flooded the streets of Valencia overnight, emergency services "
                  "said, and schools across the region were closed on Thursday.")}) {
            Routed routed;
            router->route_into(d, {hit("ceasefire")}, t, *store, routed);
            store->record(d.source_id, {d.item_id}, routed.alerts, routed.prints, t);
        }
        EXPECT_EQ(store->pending_count(), 0);
    }

    // Restarted at 09:30 local: the 08:00 digest is overdue and goes out on the first tick.
    ManualClock clock(utc(2026, 1, 16, 8, 30));
    boost::asio::io_context io;
    auto store = state::Store::open(dir.path() / "state");
    config::ChannelConfig file;
    file.id = "out";
    file.type = "file";
    file.format = "json";
    file.path = out_file;
    Diagnostics diags;
    std::shared_ptr<notify::Notifier> channel =
        notify::make_notifier(file, {&io, nullptr, &clock, {}}, diags);
    ASSERT_TRUE(channel) << diags.error_count();
    Dispatcher dispatcher(io, *store, clock);
    dispatcher.set_channels({{"out", channel}});
    DigestTimer timer(io, *store, clock, [&] { dispatcher.kick(); });
    timer.set_router(router);
    timer.kick();
    io.poll();

    const auto lines = read_lines(out_file);
    ASSERT_EQ(lines.size(), 1u);
    const auto& digest = lines[0];
    EXPECT_EQ(digest["id"], digest_id("desk", utc(2026, 1, 16, 7)));
    EXPECT_EQ(digest["subscriber"], "desk");
    ASSERT_EQ(digest["items"].size(), 2u);  // the AP copy folded into Reuters'
    EXPECT_EQ(digest["items"][0]["title"], "Ceasefire agreed for Aleppo");
    EXPECT_EQ(digest["items"][0]["also_reported_by"], nlohmann::json::array({"ap"}));
    EXPECT_EQ(digest["items"][1]["title"], "Floods in Valencia");
    EXPECT_EQ(store->pending_count(), 0);

    // The next tick has nothing due: no empty digest.
    clock.set(utc(2026, 1, 17, 8));
    timer.kick();
    io.poll();
    EXPECT_EQ(read_lines(out_file).size(), 1u);
    timer.stop();
}

config::SubscriberConfig desk_with(std::string mode, std::vector<std::string> at = {},
                                   std::optional<config::Duration> every = std::nullopt) {
    config::SubscriberConfig desk;
    desk.id = "desk";
    desk.mode = std::move(mode);
    desk.digest_at = std::move(at);
    desk.digest_every = every;
    desk.timezone = "Europe/Berlin";
    desk.channels = {"out"};
    return desk;
}

std::shared_ptr<const Router> router_of(config::SubscriberConfig desk) {
    return std::make_shared<const Router>(std::vector<config::SubscriberConfig>{std::move(desk)});
}

TEST(DigestDelivery, AReloadedScheduleBringsHeldAlertsForwardButNeverPostponesThem) {
    ww::testing::TempDir dir;
    auto store = state::Store::open(dir.path() / "state");
    const auto daily = router_of(desk_with("digest", {"08:00"}));
    const TimePoint t = utc(2026, 1, 15, 20);  // 21:00 in Berlin
    for (const char* url : {"https://r/1", "https://r/2"}) {
        Routed routed;
        const Document d = test::story("reuters", url, std::string("Story ") + url,
                                       "Talks on a ceasefire resumed in Geneva on Thursday.");
        daily->route_into(d, {hit("ceasefire")}, t, *store, routed);
        store->record(d.source_id, {d.item_id}, routed.alerts, routed.prints, t);
    }
    ASSERT_EQ(store->next_held(), utc(2026, 1, 16, 7));  // 08:00 Berlin the next morning

    ManualClock clock(utc(2026, 1, 15, 20, 10));
    boost::asio::io_context io;
    DigestTimer timer(io, *store, clock, [] {});
    timer.set_router(daily);
    EXPECT_EQ(store->next_held(), utc(2026, 1, 16, 7)) << "the first router moves nothing";
    timer.set_router(router_of(desk_with("digest", {"08:00"})));
    EXPECT_EQ(store->next_held(), utc(2026, 1, 16, 7)) << "the same schedule moves nothing";

    // Daily -> hourly: due at the next full hour in Berlin (22:00 local = 21:00Z).
    timer.set_router(router_of(desk_with("digest", {}, config::Duration(std::chrono::hours(1)))));
    EXPECT_EQ(store->next_held(), utc(2026, 1, 15, 21));

    // Hourly -> daily at 09:00: what was promised for 21:00Z is not postponed.
    timer.set_router(router_of(desk_with("digest", {"09:00"})));
    EXPECT_EQ(store->next_held(), utc(2026, 1, 15, 21));

    // Digest -> instant: released at once, as one digest of both held alerts.
    timer.set_router(router_of(desk_with("instant")));
    EXPECT_FALSE(store->next_held().has_value());
    EXPECT_EQ(store->pending_count(), 1);
    timer.stop();
}

}  // namespace
}  // namespace ww::alerts

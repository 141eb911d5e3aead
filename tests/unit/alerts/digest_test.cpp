// Due times of digests and quiet hours, in the subscriber's time zone, against fixed instants
// (no clock involved: Schedule takes `now`).

#include "wirewatch/alerts/digest.hpp"

#include <date/date.h>
#include <gtest/gtest.h>

#include "alerts_test_util.hpp"

namespace ww::alerts {
namespace {

using namespace std::chrono_literals;
using rules::Severity;

using test::utc;

config::SubscriberConfig subscriber(std::string timezone) {
    config::SubscriberConfig s;
    s.id = "desk";
    s.timezone = std::move(timezone);
    s.channels = {"out"};
    return s;
}

config::SubscriberConfig digest_at(std::string timezone, std::vector<std::string> times) {
    auto s = subscriber(std::move(timezone));
    s.mode = "digest";
    s.digest_at = std::move(times);
    return s;
}

config::SubscriberConfig digest_every(std::string timezone, config::Duration every) {
    auto s = subscriber(std::move(timezone));
    s.mode = "digest";
    s.digest_every = every;
    return s;
}

config::SubscriberConfig quiet(std::string timezone, std::string from, std::string to) {
    auto s = subscriber(std::move(timezone));
    s.quiet_hours = {std::move(from), std::move(to)};
    return s;
}

TEST(Schedule, ParsesTimesOfDay) {
    EXPECT_EQ(parse_time_of_day("08:00"), 8h);
    EXPECT_EQ(parse_time_of_day("23:59"), 23h + 59min);
    EXPECT_FALSE(parse_time_of_day("24:00"));
    EXPECT_FALSE(parse_time_of_day("8:00"));
    EXPECT_FALSE(parse_time_of_day("08:60"));
    EXPECT_THROW(Schedule(digest_at("UTC", {"8h"})), std::runtime_error);
    EXPECT_THROW(Schedule(subscriber("Mars/Olympus")), std::runtime_error);
}

TEST(Schedule, DigestEveryHourIsOnTheHourStrictlyAfterNow) {
    Schedule s(digest_every("UTC", 1h));
    EXPECT_EQ(s.next_digest(utc(2026, 1, 15, 10, 20)), utc(2026, 1, 15, 11));
    EXPECT_EQ(s.next_digest(utc(2026, 1, 15, 11)), utc(2026, 1, 15, 12));
    EXPECT_EQ(s.next_digest(utc(2026, 1, 15, 23, 30)), utc(2026, 1, 16, 0));
}

TEST(Schedule, DigestEverySixHoursCountsFromLocalMidnight) {
    Schedule s(digest_every("Asia/Kolkata", 6h));  // UTC+05:30
    // 10:00 local -> 12:00 local = 06:30Z
    EXPECT_EQ(s.next_digest(utc(2026, 1, 15, 4, 30)), utc(2026, 1, 15, 6, 30));
}

TEST(Schedule, DigestEveryMoreThanADayCountsFromTheEpoch) {
    Schedule s(digest_every("Europe/Berlin", 48h));
    // 2026-01-15 is day 20468 since the epoch (even): the next multiple of two days is 01-17.
    EXPECT_EQ(s.next_digest(utc(2026, 1, 15, 10)), utc(2026, 1, 17, 0));
}

TEST(Schedule, DigestAtLocalTimesInTheSubscribersZone) {
    Schedule s(digest_at("Europe/Berlin", {"17:00", "08:00"}));  // winter: UTC+1
    EXPECT_EQ(s.next_digest(utc(2026, 1, 15, 6)), utc(2026, 1, 15, 7));
    EXPECT_EQ(s.next_digest(utc(2026, 1, 15, 7)), utc(2026, 1, 15, 16));
    EXPECT_EQ(s.next_digest(utc(2026, 1, 15, 16, 1)), utc(2026, 1, 16, 7));
    // Summer: UTC+2.
    EXPECT_EQ(s.next_digest(utc(2026, 7, 1, 12)), utc(2026, 7, 1, 15));
}

TEST(Schedule, DigestAtAcrossTheSpringDstChange) {
    // Europe/Berlin, 2026-03-29 02:00 CET -> 03:00 CEST: 08:00 is 07:00Z the day before and
    // 06:00Z that day, 23 hours later.
    Schedule s(digest_at("Europe/Berlin", {"08:00"}));
    const TimePoint before = utc(2026, 3, 28, 7);
    EXPECT_EQ(s.next_digest(before - 1s), before);
    EXPECT_EQ(s.next_digest(before), utc(2026, 3, 29, 6));
    EXPECT_EQ(s.next_digest(utc(2026, 3, 29, 6)) - utc(2026, 3, 29, 6), 24h);
    // 02:30 does not exist that night: it happens at the change, 01:00Z.
    Schedule skipped(digest_at("Europe/Berlin", {"02:30"}));
    EXPECT_EQ(skipped.next_digest(utc(2026, 3, 28, 12)), utc(2026, 3, 29, 1));
    EXPECT_EQ(skipped.next_digest(utc(2026, 3, 29, 1)), utc(2026, 3, 30, 0, 30));
}

TEST(Schedule, DigestAtAcrossTheAutumnDstChange) {
    // 2026-10-25 03:00 CEST -> 02:00 CET: 08:00 is 06:00Z the day before, 07:00Z that day.
    Schedule s(digest_at("Europe/Berlin", {"08:00"}));
    EXPECT_EQ(s.next_digest(utc(2026, 10, 24, 6)), utc(2026, 10, 25, 7));
    // 02:30 happens twice that night: once, the first time (00:30Z).
    Schedule twice(digest_at("Europe/Berlin", {"02:30"}));
    EXPECT_EQ(twice.next_digest(utc(2026, 10, 24, 12)), utc(2026, 10, 25, 0, 30));
    EXPECT_EQ(twice.next_digest(utc(2026, 10, 25, 0, 30)), utc(2026, 10, 26, 1, 30));
}

TEST(Schedule, QuietHoursWrapMidnight) {
    Schedule s(quiet("Europe/Berlin", "22:00", "06:00"));  // winter: 21:00Z..05:00Z
    EXPECT_FALSE(s.quiet_until(utc(2026, 1, 15, 20, 59)));
    EXPECT_EQ(s.quiet_until(utc(2026, 1, 15, 21)), utc(2026, 1, 16, 5));
    EXPECT_EQ(s.quiet_until(utc(2026, 1, 15, 23)), utc(2026, 1, 16, 5));
    EXPECT_EQ(s.quiet_until(utc(2026, 1, 16, 2)), utc(2026, 1, 16, 5));
    EXPECT_FALSE(s.quiet_until(utc(2026, 1, 16, 5)));
    EXPECT_FALSE(s.quiet_until(utc(2026, 1, 16, 12)));
}

TEST(Schedule, QuietHoursWithinADayAndAcrossDst) {
    Schedule day(quiet("UTC", "12:00", "13:30"));
    EXPECT_EQ(day.quiet_until(utc(2026, 1, 15, 12, 10)), utc(2026, 1, 15, 13, 30));
    EXPECT_FALSE(day.quiet_until(utc(2026, 1, 15, 13, 30)));
    EXPECT_FALSE(day.quiet_until(utc(2026, 1, 15, 11)));
    // The night of the spring change: 22:00 CET (21:00Z) to 06:00 CEST (04:00Z), 7 hours.
    Schedule night(quiet("Europe/Berlin", "22:00", "06:00"));
    EXPECT_EQ(night.quiet_until(utc(2026, 3, 28, 21)), utc(2026, 3, 29, 4));
    EXPECT_FALSE(night.quiet_until(utc(2026, 3, 28, 20, 59)));
    EXPECT_FALSE(Schedule(quiet("UTC", "06:00", "06:00")).quiet_until(utc(2026, 1, 15, 6)));
}

TEST(Schedule, HoldUntil) {
    auto instant = quiet("Europe/Berlin", "22:00", "06:00");
    instant.urgent_severity = "high";
    Schedule s(instant);
    const TimePoint night = utc(2026, 1, 15, 23);
    EXPECT_EQ(s.hold_until(night, Severity::Medium), utc(2026, 1, 16, 5));
    EXPECT_FALSE(s.hold_until(night, Severity::High));  // urgent: at once
    EXPECT_FALSE(s.hold_until(utc(2026, 1, 15, 12), Severity::Low));
    EXPECT_FALSE(Schedule(subscriber("UTC")).hold_until(night, Severity::Low));

    // A digest that falls in quiet hours goes out when they end.
    auto digest = digest_every("Europe/Berlin", 1h);
    digest.quiet_hours = {"22:00", "06:00"};
    Schedule d(digest);
    EXPECT_EQ(d.hold_until(utc(2026, 1, 15, 12, 5), Severity::Critical), utc(2026, 1, 15, 13));
    EXPECT_EQ(d.hold_until(utc(2026, 1, 15, 20, 30), Severity::Low), utc(2026, 1, 16, 5));
}

TEST(Digest, IdIsStablePerSubscriberAndPeriod) {
    EXPECT_EQ(digest_id("desk", utc(2026, 1, 15, 7)), digest_id("desk", utc(2026, 1, 15, 7)));
    EXPECT_NE(digest_id("desk", utc(2026, 1, 15, 7)), digest_id("desk", utc(2026, 1, 15, 16)));
    EXPECT_NE(digest_id("desk", utc(2026, 1, 15, 7)), digest_id("team", utc(2026, 1, 15, 7)));
    EXPECT_EQ(digest_id("desk", utc(2026, 1, 15, 7)).substr(0, 2), "d-");
}

}  // namespace
}  // namespace ww::alerts

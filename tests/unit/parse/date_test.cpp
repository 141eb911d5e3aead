#include "wirewatch/parse/date.hpp"

#include <gtest/gtest.h>

#include "parse_test_util.hpp"

namespace ww::parse {
namespace {

struct DateCase {
    const char* input;
    const char* utc;  // "" when the input must be rejected
};

class ParseDate : public ::testing::TestWithParam<DateCase> {};

TEST_P(ParseDate, ToUtc) {
    const DateCase& c = GetParam();
    EXPECT_EQ(test::iso(parse_date(c.input)), c.utc) << "input: " << c.input;
}

INSTANTIATE_TEST_SUITE_P(
    Table, ParseDate,
    ::testing::Values(
        // RFC 822 / 1123 / 2822
        DateCase{"Tue, 25 Nov 2026 09:14:03 GMT", "2026-11-25T09:14:03Z"},
        DateCase{"Tue, 25 Nov 2026 09:14:03 +0000", "2026-11-25T09:14:03Z"},
        DateCase{"Tue, 25 Nov 2026 09:14:03 +0200", "2026-11-25T07:14:03Z"},
        DateCase{"Tue, 25 Nov 2026 09:14:03 -0500", "2026-11-25T14:14:03Z"},
        DateCase{"25 Nov 2026 09:14:03 GMT", "2026-11-25T09:14:03Z"},
        DateCase{"Tue, 25 Nov 2026 09:14 GMT", "2026-11-25T09:14:00Z"},
        DateCase{"Tue, 25 Nov 26 09:14:03 EST", "2026-11-25T14:14:03Z"},
        DateCase{"Tue, 25 Nov 2026 09:14:03 PDT", "2026-11-25T16:14:03Z"},
        DateCase{"Tue, 25 Nov 2026 09:14:03 CEST", "2026-11-25T07:14:03Z"},
        DateCase{"Tue, 25 Nov 2026 09:14:03 UT", "2026-11-25T09:14:03Z"},
        DateCase{"Tue, 25 Nov 2026 09:14:03 Z", "2026-11-25T09:14:03Z"},
        DateCase{"Tue, 25 Nov 2026 09:14:03 +02:00", "2026-11-25T07:14:03Z"},
        DateCase{"Tue, 25 Nov 2026 09:14:03 GMT+2", "2026-11-25T07:14:03Z"},
        DateCase{"tue, 25 nov 2026 09:14:03 gmt", "2026-11-25T09:14:03Z"},
        DateCase{"Tue,25 Nov 2026 09:14:03 GMT", "2026-11-25T09:14:03Z"},
        DateCase{"Tue, 5 Nov 2026 9:14:03 GMT", "2026-11-05T09:14:03Z"},
        DateCase{"Tue, 25 November 2026 09:14:03 GMT", "2026-11-25T09:14:03Z"},
        DateCase{"Tue, 25 Nov 2026 09:14:03 -0500 (EST)", "2026-11-25T14:14:03Z"},
        DateCase{"Sat, 01 Jan 99 00:00:00 GMT", "1999-01-01T00:00:00Z"},
        DateCase{"Tuesday, 25-Nov-26 09:14:03 GMT", "2026-11-25T09:14:03Z"},  // RFC 850
        DateCase{"Tue Nov 25 09:14:03 2026", "2026-11-25T09:14:03Z"},         // asctime
        DateCase{"Nov 25, 2026 9:14 PM", "2026-11-25T21:14:00Z"},
        DateCase{"25 Nov 2026", "2026-11-25T00:00:00Z"},
        DateCase{"Tue, 30 Jun 2026 23:59:60 GMT", "2026-06-30T23:59:59Z"},  // leap second
        // ISO 8601 / RFC 3339
        DateCase{"2026-11-25T09:14:03Z", "2026-11-25T09:14:03Z"},
        DateCase{"2026-11-25T09:14:03+02:00", "2026-11-25T07:14:03Z"},
        DateCase{"2026-11-25T09:14:03.123456-05:00", "2026-11-25T14:14:03Z"},
        DateCase{"2026-11-25T09:14:03+0200", "2026-11-25T07:14:03Z"},
        DateCase{"2026-11-25T09:14:03+02", "2026-11-25T07:14:03Z"},
        DateCase{"2026-11-25T09:14Z", "2026-11-25T09:14:00Z"},
        DateCase{"2026-11-25T09:14", "2026-11-25T09:14:00Z"},
        DateCase{"2026-11-25 09:14:03", "2026-11-25T09:14:03Z"},
        DateCase{"2026-11-25 09:14:03 UTC", "2026-11-25T09:14:03Z"},
        DateCase{"2026-11-25", "2026-11-25T00:00:00Z"},
        DateCase{"20261125T091403Z", "2026-11-25T09:14:03Z"},
        DateCase{"2026/11/25 09:14", "2026-11-25T09:14:00Z"},
        DateCase{"2026-11-25T23:30:00-03:00", "2026-11-26T02:30:00Z"},  // crosses midnight
        DateCase{"2024-02-29T12:00:00Z", "2024-02-29T12:00:00Z"},
        DateCase{"  2026-11-25T09:14:03Z\n", "2026-11-25T09:14:03Z"},
        DateCase{"1795590843", "2026-11-25T07:14:03Z"},  // Unix seconds
        // rejected
        DateCase{"", ""}, DateCase{"sometime last week", ""}, DateCase{"2026-02-30", ""},
        DateCase{"2026-13-01T00:00:00Z", ""}, DateCase{"Tue, 25 Nov 2026 25:14:03 GMT", ""},
        DateCase{"2026-11-25T09:14:03 nonsense", ""}, DateCase{"Tue, 32 Nov 2026 09:14 GMT", ""},
        DateCase{"2025-02-29", ""},
        // the in-place RFC 822 reader agrees with the general one at its edges
        DateCase{"Tue, 31 Feb 2026 09:14:03 GMT", ""},
        DateCase{"Xyz, 25 Nov 2026 09:14:03 GMT", ""},
        DateCase{"Tue, 25 Nov 2026 09:14:03 +1900", ""},
        DateCase{"Tue, 25 Nov 2026 09:14:03 +1800", "2026-11-24T15:14:03Z"},
        DateCase{"Tue, 25 Nov 2026 24:00:00 GMT", "2026-11-26T00:00:00Z"},
        DateCase{"Tue, 25 Nov 0099 09:14:03 GMT", "1999-11-25T09:14:03Z"},
        DateCase{"Tue, 25 Xyz 2026 09:14:03 GMT", ""},
        DateCase{"Wed, 25 Nov 2026 09:14:03 UTC", "2026-11-25T09:14:03Z"}));

}  // namespace
}  // namespace ww::parse

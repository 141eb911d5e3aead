#pragma once
// Publication dates as feeds really write them. Pure function, thread-safe.

#include <chrono>
#include <optional>
#include <string_view>

namespace ww::parse {

// Parses a date/time into UTC. Accepted, case-insensitively, with surrounding whitespace:
//  - RFC 822/1123/2822 with or without weekday and seconds, 2-digit years (00-49 -> 20xx,
//    50-99 -> 19xx), zones as +hhmm, +hh:mm, Z, UT/UTC/GMT, North American (EST, EDT, CST,
//    CDT, MST, MDT, PST, PDT, ...) and common European/Asian abbreviations; RFC 850
//    ("Tuesday, 25-Nov-26 09:14:03 GMT") and asctime ("Tue Nov 25 09:14:03 2026");
//    "Nov 25, 2026 9:14 AM"; full month names;
//  - ISO 8601 / RFC 3339: "2026-11-25", "2026-11-25T09:14", with seconds, fractions, 'Z' or
//    +hh:mm / +hhmm / +hh, 'T' or a space between date and time, basic form "20261125T091403Z";
//  - Unix timestamps of 9 to 11 digits.
// A time without a zone is taken as UTC; a date without a time is midnight UTC. Returns
// nullopt for anything else, or for impossible dates (Feb 30, hour 25).
std::optional<std::chrono::sys_seconds> parse_date(std::string_view text);

}  // namespace ww::parse

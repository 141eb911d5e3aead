#pragma once
// Builders shared by the alerts tests: UTC instants and one wire story.

#include <date/date.h>

#include <chrono>
#include <string>

#include "wirewatch/alerts/router.hpp"
#include "wirewatch/document.hpp"

namespace ww::alerts::test {

inline TimePoint utc(int y, unsigned m, unsigned d, int h, int mi = 0) {
    return date::sys_days{date::year{y} / date::month{m} / date::day{d}} + std::chrono::hours(h) +
           std::chrono::minutes(mi);
}

// A story from `source`, identified by its URL, with `lead` as its summary.
inline Document story(std::string source, std::string url, std::string title, std::string lead) {
    Document d;
    d.source_id = std::move(source);
    d.item_id = url;
    d.url = std::move(url);
    d.title = std::move(title);
    d.summary = std::move(lead);
    return d;
}

}  // namespace ww::alerts::test

#pragma once
// HTTP fetching shared by every source of the daemon: one net::Transfers (one libcurl multi
// handle) behind a per-host and a global concurrency limit, hosts paused by Retry-After, and
// the pure policy functions (backoff, Retry-After parsing) that sources use with the injected
// Clock.
//
// Not thread-safe: lives on the event-loop thread; callbacks run there.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>

#include "wirewatch/clock.hpp"
#include "wirewatch/config/config.hpp"
#include "wirewatch/net/transfers.hpp"

namespace ww::sources {

class SourceMetrics;

using TimePoint = std::chrono::system_clock::time_point;

// Process-wide counters for the metrics endpoint and tests.
struct SourceCounters {
    std::atomic<std::uint64_t> fetches{0};
    std::atomic<std::uint64_t> not_modified{0};
    std::atomic<std::uint64_t> failures{0};
    std::atomic<std::uint64_t> too_large{0};
    std::atomic<std::uint64_t> gone{0};  // sources disabled by 410 Gone
    std::atomic<std::uint64_t> host_pauses{0};
    std::atomic<std::uint64_t> redirects_adopted{0};
};
SourceCounters& counters();

// Delay before the next attempt after `failures` consecutive failures (>= 1): the interval
// doubled per failure, capped at `cap`, then "equal jitter" (between half and all of it) so
// sources that failed together do not retry together.
std::chrono::milliseconds backoff_delay(int failures, std::chrono::milliseconds interval,
                                        std::chrono::milliseconds cap, std::minstd_rand& random);

// Retry-After as delta-seconds or an HTTP-date, relative to `now`; nullopt when unparsable.
// A date in the past gives `now`.
std::optional<TimePoint> parse_retry_after(std::string_view value, TimePoint now);

// "example.com:8080" for "https://user@Example.com:8080/x"; "" when there is no host.
std::string url_host(std::string_view url);

class Fetcher {
public:
    Fetcher(net::Transfers& transfers, const Clock& clock, config::FetchConfig fetch,
            std::string user_agent);

    // New limits (on reload); queued requests are re-examined.
    void configure(config::FetchConfig fetch, std::string user_agent);
    const config::FetchConfig& fetch_config() const { return fetch_; }
    const std::string& user_agent() const { return user_agent_; }

    // Queues `request`; it starts when its host has a free slot, the global limit allows and
    // the host is not paused. `done` runs on the loop unless `owner` has expired by then (a
    // source destroyed by a reload): its queued requests are dropped, its answers ignored.
    void fetch(net::Request request, std::weak_ptr<void> owner,
               std::function<void(net::Response)> done);

    // 429/503 Retry-After: no request to `host` starts before `until`.
    void pause_host(const std::string& host, TimePoint until);
    std::optional<TimePoint> host_paused_until(const std::string& host) const;

    // Where fetch times go (wirewatch_fetch_duration_seconds); null: nowhere. Must outlive
    // this Fetcher.
    void set_metrics(SourceMetrics* metrics) { metrics_ = metrics; }

    std::size_t queued() const { return queue_.size(); }
    std::size_t in_flight() const { return in_flight_; }

private:
    struct Pending {
        net::Request request;
        std::string host;
        std::weak_ptr<void> owner;
        std::function<void(net::Response)> done;
    };
    void pump();

    net::Transfers& transfers_;
    const Clock& clock_;
    config::FetchConfig fetch_;
    std::string user_agent_;
    std::deque<Pending> queue_;
    std::map<std::string, int> per_host_;
    std::map<std::string, TimePoint> paused_;
    std::size_t in_flight_ = 0;
    SourceMetrics* metrics_ = nullptr;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace ww::sources

#pragma once
// Delivers the outbox: takes due rows from the store, hands each to its channel, and records
// the outcome (delivered / retry with backoff / dead). A row is marked delivered only after
// its channel reported Delivered, so a crash re-sends at most the rows in flight.
//
// A channel with a rate limit spends one token per message; rows due while its bucket is empty
// wait for the next token and then go out together as one summary alert ("12 more alerts", the
// alerts as `items`). The rows stay pending until the summary is accepted, then are marked
// delivered in one transaction, so a crash re-sends the summary rather than losing its rows.
//
// Event-loop thread only.

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "wirewatch/clock.hpp"
#include "wirewatch/config/config.hpp"
#include "wirewatch/metrics.hpp"
#include "wirewatch/notify/notifier.hpp"
#include "wirewatch/state/store.hpp"

namespace ww::alerts {

struct RetryPolicy {
    std::chrono::milliseconds first{std::chrono::seconds(5)};
    std::chrono::milliseconds max{std::chrono::hours(1)};
    std::chrono::milliseconds deadline{std::chrono::hours(24)};  // then the row is dead

    // Exponential with ±20% jitter: first, 2×first, 4×first... capped at max.
    std::chrono::milliseconds backoff(int attempts, std::minstd_rand& random) const;
};

using Channels = std::map<std::string, std::shared_ptr<notify::Notifier>>;

// A channel's token bucket: `rate` messages per second on average, at most `burst` at once.
struct RateLimit {
    double rate = 1;
    double burst = 1;
    bool operator==(const RateLimit&) const = default;
};

// What the config asks for: rate_per_second (and burst, default max(1, rate)) where set; Slack
// channels 1 message/s when unset (Slack's limit per incoming webhook); others unlimited
// (absent from the map).
std::map<std::string, RateLimit> rate_limits(const std::vector<config::ChannelConfig>& channels);

// The delivery metrics, registered once: wirewatch_alerts_total{channel,result},
// wirewatch_delivery_latency_seconds, wirewatch_channel_paused{channel}.
struct DeliveryMetrics {
    explicit DeliveryMetrics(metrics::Registry& registry);
    // Pre-creates a channel's series at 0.
    void add_channel(const std::string& channel);

    metrics::Family<metrics::Counter>& alerts;
    metrics::Histogram& latency;
    metrics::Family<metrics::Gauge>& paused;
};

class Dispatcher {
public:
    Dispatcher(boost::asio::io_context& io, state::Store& store, const Clock& clock,
               RetryPolicy policy = {});
    ~Dispatcher();

    void set_channels(Channels channels);
    // Channels absent from `limits` are unlimited. A channel whose limit is unchanged keeps
    // its bucket (a reload does not refill it).
    void set_rate_limits(std::map<std::string, RateLimit> limits);
    // Counts outcomes and latencies there from now on; the registry must outlive this.
    void set_metrics(metrics::Registry& registry);
    // Where dead letters are announced (one notice per dead row); empty = nowhere.
    void set_admin_channel(std::string channel_id) { admin_channel_ = std::move(channel_id); }

    // Queues a notice for the admin channel (like a dead letter's), e.g. a source disabled by
    // 410 Gone. "n-" + `id` is its alert id, so the same id is queued once; `kind` is its rule
    // name. Throws state::StoreError. False (nothing queued) when no admin channel is set.
    bool notify_admin(const std::string& id, const std::string& kind, const std::string& title,
                      const std::string& detail);

    // Rows moved to the dead letters since start (exported as a metric).
    std::uint64_t dead_letters() const { return dead_letters_; }

    // Sends whatever is due now and arms a timer for the next due row.
    void kick();

    std::size_t in_flight() const { return in_flight_.size(); }

    // Sends what is due now, then calls `done` once nothing is in flight or `grace` has
    // passed, whichever is first. No new deliveries start after that.
    void drain(std::chrono::milliseconds grace, std::function<void()> done);

private:
    struct Bucket {
        RateLimit limit;
        double tokens = 0;
        state::TimePoint last;
    };
    struct Completion {
        std::vector<state::OutboxItem> rows;
        notify::DeliveryResult result;
    };

    void deliver(const state::OutboxItem& item);
    void deliver_limited(const std::string& channel_id, std::vector<state::OutboxItem> rows,
                         state::TimePoint now);
    void deliver_summary(const std::string& channel_id, std::vector<state::OutboxItem> rows,
                         state::TimePoint now);
    // Sends `alert` for `rows` (one row, or the rows a summary folds) and records the outcome
    // for each row when the channel answers.
    void send(notify::Notifier& channel, const notify::Alert& alert,
              std::vector<state::OutboxItem> rows);
    void completed(Completion completion);
    void flush_completions();
    void start_waiting();
    // Every channel has its maximum in flight and a full queue of rows read: reading the
    // outbox again would find nothing to start.
    bool saturated() const;
    void finish(const state::OutboxItem& item, const notify::DeliveryResult& result);
    bool held_by_pause(const state::OutboxItem& item, state::TimePoint now);
    void update_paused_gauges(state::TimePoint now);
    void arm_timer();
    void check_drained();
    void dead_letter(const state::OutboxItem& item, const std::string& reason);
    void enqueue_admin(const notify::Alert& notice);
    void defer(std::int64_t id, state::TimePoint until);

    boost::asio::io_context& io_;
    state::Store& store_;
    const Clock& clock_;
    RetryPolicy policy_;
    Channels channels_;
    std::set<std::int64_t> in_flight_;
    // Answers that arrived from the loop, recorded together in one transaction.
    std::vector<Completion> completions_;
    bool flush_posted_ = false;
    std::map<std::string, std::size_t> sending_;  // messages in flight per channel
    // Due rows read while their channel had kMaxSendingPerChannel messages in flight.
    std::map<std::string, std::deque<state::OutboxItem>> waiting_;
    std::set<std::int64_t> waiting_ids_;
    std::map<std::string, Bucket> buckets_;
    // Until when a rate-limited channel has no token (its waiting rows are deferred to then).
    std::map<std::string, state::TimePoint> rate_paused_until_;
    std::unique_ptr<DeliveryMetrics> metrics_;
    boost::asio::steady_timer timer_;
    boost::asio::steady_timer drain_timer_;
    std::function<void()> drained_;
    std::minstd_rand random_{std::random_device{}()};
    std::string admin_channel_;
    std::uint64_t dead_letters_ = 0;
    // A channel that answered 429 is paused until its Retry-After passed: its other rows wait
    // too, instead of each drawing its own 429.
    std::map<std::string, state::TimePoint> paused_until_;
    bool stopped_ = false;
    bool kicking_ = false;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace ww::alerts

#pragma once
// Delivers the outbox: takes due rows from the store, hands each to its channel, and records
// the outcome (delivered / retry with backoff / dead). A row is marked delivered only after
// its channel reported Delivered, so a crash re-sends at most the rows in flight.
//
// Event-loop thread only.

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>

#include "wirewatch/clock.hpp"
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

class Dispatcher {
public:
    Dispatcher(boost::asio::io_context& io, state::Store& store, const Clock& clock,
               RetryPolicy policy = {});
    ~Dispatcher();

    void set_channels(Channels channels);
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
    void deliver(const state::OutboxItem& item);
    void finish(const state::OutboxItem& item, const notify::DeliveryResult& result);
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

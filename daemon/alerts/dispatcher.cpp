#include "wirewatch/alerts/dispatcher.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <nlohmann/json.hpp>

#include "state/sqlite.hpp"
#include "wirewatch/log.hpp"

namespace ww::alerts {

namespace {

constexpr int kBatch = 256;

}  // namespace

std::chrono::milliseconds RetryPolicy::backoff(int attempts, std::minstd_rand& random) const {
    auto delay = first;
    for (int i = 1; i < attempts && delay < max; ++i) {
        delay *= 2;
    }
    delay = std::min(delay, max);
    std::uniform_real_distribution<double> jitter(0.8, 1.2);
    return std::chrono::milliseconds(
        static_cast<long long>(static_cast<double>(delay.count()) * jitter(random)));
}

Dispatcher::Dispatcher(boost::asio::io_context& io, state::Store& store, const Clock& clock,
                       RetryPolicy policy)
    : io_(io), store_(store), clock_(clock), policy_(policy), timer_(io), drain_timer_(io) {}

Dispatcher::~Dispatcher() { *alive_ = false; }

void Dispatcher::set_channels(Channels channels) { channels_ = std::move(channels); }

void Dispatcher::kick() {
    if (stopped_ || kicking_) {
        return;
    }
    // Synchronous channels (stdout) finish inside send(); guard against re-entering from
    // their completion.
    kicking_ = true;
    bool more = false;
    try {
        auto items = store_.due(clock_.now(), kBatch);
        more = static_cast<int>(items.size()) == kBatch;
        for (const auto& item : items) {
            if (!stopped_ && !in_flight_.count(item.id)) {
                deliver(item);
            }
        }
    } catch (const state::StoreError& e) {
        logger("alerts")->error("outbox: {}", e.what());
    }
    kicking_ = false;
    if (more && !stopped_) {
        boost::asio::post(io_, [this, alive = alive_] {
            if (*alive) {
                kick();
            }
        });
        return;
    }
    arm_timer();
}

void Dispatcher::defer(std::int64_t id, state::TimePoint until) {
    state::Statement s(store_.database().handle(),
                       "UPDATE outbox SET next_attempt_at = ? WHERE id = ?");
    s.bind(1, static_cast<std::int64_t>(
                  std::chrono::duration_cast<std::chrono::milliseconds>(until.time_since_epoch())
                      .count()))
        .bind(2, id)
        .run();
}

void Dispatcher::dead_letter(const state::OutboxItem& item, const std::string& reason) {
    ++dead_letters_;
    if (admin_channel_.empty() || item.channel_id == admin_channel_ ||
        item.alert_id.rfind("n-", 0) == 0) {
        return;  // never announce a failed announcement: that could loop
    }
    notify::Alert notice;
    notice.id = "n-" + std::to_string(item.id) + "-" + item.alert_id;
    notice.subscriber_id = "admin";
    notice.severity = rules::Severity::High;
    notice.source_id = "wirewatchd";
    notice.item_id = item.alert_id;
    notice.title =
        "undeliverable alert " + item.alert_id + " on channel " + item.channel_id + ": " + reason;
    notice.snippet = "See `wirewatchd outbox list`; `wirewatchd outbox retry " +
                     std::to_string(item.id) + "` sends it again.";
    notice.rules = {{"dead-letter", rules::Severity::High, {}}};
    notice.created_at = std::chrono::time_point_cast<std::chrono::seconds>(clock_.now());
    enqueue_admin(notice);
}

bool Dispatcher::notify_admin(const std::string& id, const std::string& kind,
                              const std::string& title, const std::string& detail) {
    if (admin_channel_.empty()) {
        return false;
    }
    notify::Alert notice;
    notice.id = "n-" + id;
    notice.subscriber_id = "admin";
    notice.severity = rules::Severity::High;
    notice.source_id = "wirewatchd";
    notice.item_id = id;
    notice.title = title;
    notice.snippet = detail;
    notice.rules = {{kind, rules::Severity::High, {}}};
    notice.created_at = std::chrono::time_point_cast<std::chrono::seconds>(clock_.now());
    enqueue_admin(notice);
    kick();
    return true;
}

void Dispatcher::enqueue_admin(const notify::Alert& notice) {
    const auto now_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(clock_.now().time_since_epoch())
            .count();
    state::Transaction tx(store_.database());
    state::Statement alert(store_.database().handle(),
                           "INSERT OR IGNORE INTO alerts (alert_id, subscriber_id, created_at, "
                           "payload) VALUES (?, 'admin', ?, ?)");
    alert.bind(1, notice.id)
        .bind(2, static_cast<std::int64_t>(now_ms))
        .bind(3, notify::to_json(notice).dump(-1, ' ', false,
                                              nlohmann::json::error_handler_t::replace))
        .run();
    state::Statement outbox(store_.database().handle(),
                            "INSERT OR IGNORE INTO outbox (alert_id, channel_id, created_at, "
                            "next_attempt_at) VALUES (?1, ?2, ?3, ?3)");
    outbox.bind(1, notice.id)
        .bind(2, admin_channel_)
        .bind(3, static_cast<std::int64_t>(now_ms))
        .run();
    tx.commit();
}

void Dispatcher::deliver(const state::OutboxItem& item) {
    if (auto paused = paused_until_.find(item.channel_id);
        paused != paused_until_.end() && clock_.now() < paused->second) {
        defer(item.id, paused->second);
        return;
    }
    auto channel = channels_.find(item.channel_id);
    if (channel == channels_.end()) {
        // The channel was removed from the config; keep the alert in case it comes back.
        finish(item, notify::DeliveryResult::retry(
                         "channel \"" + item.channel_id + "\" is not configured",
                         std::chrono::minutes(10)));
        return;
    }
    notify::Alert alert;
    try {
        alert = notify::alert_from_json(nlohmann::json::parse(item.payload));
    } catch (const nlohmann::json::exception& e) {
        finish(item,
               notify::DeliveryResult::failed(std::string("corrupt outbox payload: ") + e.what()));
        return;
    }
    in_flight_.insert(item.id);
    channel->second->send(alert, [this, alive = alive_, item](notify::DeliveryResult result) {
        if (!*alive) {
            return;
        }
        in_flight_.erase(item.id);
        finish(item, result);
        check_drained();
    });
}

void Dispatcher::finish(const state::OutboxItem& item, const notify::DeliveryResult& result) {
    auto log = logger("alerts");
    const auto now = clock_.now();
    try {
        switch (result.kind) {
            case notify::DeliveryResult::Kind::Delivered:
                store_.mark_delivered(item.id, now);
                log->debug("alert={} channel={}: delivered", item.alert_id, item.channel_id);
                return;
            case notify::DeliveryResult::Kind::Retry: {
                const int attempts = item.attempts + 1;
                // The server's Retry-After is the wait; without one, our backoff.
                auto delay = result.retry_after.count() > 0 ? result.retry_after
                                                            : policy_.backoff(attempts, random_);
                if (now + delay > item.created_at + policy_.deadline) {
                    store_.mark_dead(item.id, "gave up after " + std::to_string(attempts) +
                                                  " attempts: " + result.reason);
                    log->error("alert={} channel={}: undeliverable after {} attempts: {}",
                               item.alert_id, item.channel_id, attempts, result.reason);
                    dead_letter(item, result.reason);
                    return;
                }
                if (result.retry_after.count() > 0) {
                    paused_until_[item.channel_id] = now + result.retry_after;
                }
                store_.mark_retry(item.id, now + delay, result.reason);
                log->warn("alert={} channel={}: attempt {} failed, retrying in {}s: {}",
                          item.alert_id, item.channel_id, attempts,
                          std::chrono::duration_cast<std::chrono::seconds>(delay).count(),
                          result.reason);
                return;
            }
            case notify::DeliveryResult::Kind::Failed:
                store_.mark_dead(item.id, result.reason);
                log->error("alert={} channel={}: rejected, moved to dead letters: {}",
                           item.alert_id, item.channel_id, result.reason);
                dead_letter(item, result.reason);
                return;
        }
    } catch (const state::StoreError& e) {
        log->error("alert={} channel={}: cannot record delivery: {}", item.alert_id,
                   item.channel_id, e.what());
    }
}

void Dispatcher::arm_timer() {
    if (stopped_) {
        return;
    }
    std::optional<state::TimePoint> next;
    try {
        next = store_.next_due();
    } catch (const state::StoreError& e) {
        logger("alerts")->error("outbox: {}", e.what());
    }
    if (!next) {
        return;
    }
    auto delay = std::chrono::duration_cast<std::chrono::milliseconds>(*next - clock_.now());
    timer_.expires_after(std::max(delay, std::chrono::milliseconds(10)));
    timer_.async_wait([this, alive = alive_](const boost::system::error_code& ec) {
        if (!ec && *alive) {
            kick();
        }
    });
}

void Dispatcher::drain(std::chrono::milliseconds grace, std::function<void()> done) {
    kick();
    stopped_ = true;
    timer_.cancel();
    drained_ = std::move(done);
    drain_timer_.expires_after(grace);
    drain_timer_.async_wait([this, alive = alive_](const boost::system::error_code& ec) {
        if (ec || !*alive || !drained_) {
            return;
        }
        logger("alerts")->warn(
            "shutdown: {} deliveries still in flight after the grace period; "
            "they stay in the outbox and are sent after restart",
            in_flight_.size());
        auto callback = std::move(drained_);
        drained_ = nullptr;
        callback();
    });
    check_drained();
}

void Dispatcher::check_drained() {
    if (drained_ && in_flight_.empty()) {
        drain_timer_.cancel();
        auto callback = std::move(drained_);
        drained_ = nullptr;
        callback();
    }
}

}  // namespace ww::alerts

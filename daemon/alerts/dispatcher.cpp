#include "wirewatch/alerts/dispatcher.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <cmath>
#include <nlohmann/json.hpp>
#include <optional>

#include "state/sqlite.hpp"
#include "wirewatch/hash.hpp"
#include "wirewatch/log.hpp"

namespace ww::alerts {

namespace {

constexpr int kBatch = 256;
// Messages one channel may have in flight: enough to fill a fast link, few enough that a
// burst of thousands does not open thousands of connections to one server.
constexpr std::size_t kMaxSendingPerChannel = 64;
constexpr double kSlackDefaultRate = 1.0;  // Slack: 1 message per second per incoming webhook

// BEGIN ... COMMIT unless a transaction is already open (a batch of marks, or a notice queued
// while recording a batch of answers joins the batch's transaction).
class Batch {
public:
    explicit Batch(state::Database& db) {
        if (sqlite3_get_autocommit(db.handle()) != 0) {
            tx_.emplace(db);
        }
    }
    void commit() {
        if (tx_) {
            tx_->commit();
        }
    }

private:
    std::optional<state::Transaction> tx_;
};

std::int64_t to_ms(state::TimePoint t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

void refill(double& tokens, state::TimePoint& last, const RateLimit& limit, state::TimePoint now) {
    if (now > last) {
        tokens = std::min(limit.burst,
                          tokens + limit.rate * std::chrono::duration<double>(now - last).count());
    }
    last = std::max(last, now);
}

// When the bucket holds a whole token again.
state::TimePoint next_token_at(double tokens, const RateLimit& limit, state::TimePoint now) {
    const double seconds = std::max(0.0, 1.0 - tokens) / limit.rate;
    return now + std::chrono::milliseconds(static_cast<std::int64_t>(std::ceil(seconds * 1000)));
}

// One alert standing for `alerts`, the deliveries a rate limit held back. Its id depends only
// on which alerts it folds, so a summary re-sent after a crash keeps its id and receivers can
// drop the repeat.
notify::Alert summary_of(const std::string& channel_id, std::vector<notify::Alert> alerts,
                         state::TimePoint now) {
    notify::Alert summary;
    std::string ids = channel_id;
    summary.subscriber_id = alerts.front().subscriber_id;
    summary.severity = alerts.front().severity;
    for (auto& alert : alerts) {
        ids += '\x1f' + alert.id;
        if (alert.subscriber_id != summary.subscriber_id) {
            summary.subscriber_id = "several";
        }
        summary.severity = std::max(summary.severity, alert.severity);
    }
    summary.id = "r-" + hex64(fnv1a64(ids));
    summary.source_id = "wirewatchd";
    summary.title = std::to_string(alerts.size()) + " more alerts";
    summary.rules = {{"rate-limit", summary.severity, {}}};
    summary.created_at = std::chrono::time_point_cast<std::chrono::seconds>(now);
    for (auto& alert : alerts) {
        if (alert.is_digest()) {
            // Items are one level deep: a digest's own items join the summary directly.
            for (auto& item : alert.items) {
                summary.items.push_back(std::move(item));
            }
        } else {
            summary.items.push_back(std::move(alert));
        }
    }
    return summary;
}

}  // namespace

std::map<std::string, RateLimit> rate_limits(const std::vector<config::ChannelConfig>& channels) {
    std::map<std::string, RateLimit> limits;
    for (const auto& channel : channels) {
        std::optional<double> rate = channel.rate_per_second;
        if (!rate && channel.type == "slack") {
            rate = kSlackDefaultRate;
        }
        if (rate && *rate > 0) {
            limits[channel.id] = {*rate, std::max(1.0, channel.burst.value_or(*rate))};
        }
    }
    return limits;
}

DeliveryMetrics::DeliveryMetrics(metrics::Registry& registry)
    : alerts(registry.counter("wirewatch_alerts_total",
                              "Delivery outcomes per channel: delivered, retried (an attempt "
                              "that will be repeated) or dead (moved to the dead letters).",
                              {"channel", "result"})),
      latency(registry
                  .histogram("wirewatch_delivery_latency_seconds",
                             "From an alert's creation to the server accepting it.", {},
                             metrics::seconds_buckets())
                  .get()),
      paused(registry.gauge("wirewatch_channel_paused",
                            "1 while a channel waits for a Retry-After or its rate limit.",
                            {"channel"})) {}

void DeliveryMetrics::add_channel(const std::string& channel) {
    for (const char* result : {"delivered", "retried", "dead"}) {
        alerts.with({channel, result});
    }
    paused.with({channel});
}

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

void Dispatcher::set_channels(Channels channels) {
    channels_ = std::move(channels);
    if (metrics_) {
        for (const auto& [id, channel] : channels_) {
            metrics_->add_channel(id);
        }
    }
}

void Dispatcher::set_rate_limits(std::map<std::string, RateLimit> limits) {
    std::map<std::string, Bucket> buckets;
    const auto now = clock_.now();
    for (const auto& [id, limit] : limits) {
        auto old = buckets_.find(id);
        if (old != buckets_.end() && old->second.limit == limit) {
            buckets[id] = old->second;
        } else {
            buckets[id] = {limit, limit.burst, now};
        }
    }
    buckets_ = std::move(buckets);
}

void Dispatcher::set_metrics(metrics::Registry& registry) {
    metrics_ = std::make_unique<DeliveryMetrics>(registry);
    for (const auto& [id, channel] : channels_) {
        metrics_->add_channel(id);
    }
}

void Dispatcher::kick() {
    if (stopped_ || kicking_) {
        return;
    }
    // Synchronous channels (stdout) finish inside send(); guard against re-entering from
    // their completion.
    if (saturated()) {
        return;  // every channel is busy with rows already read: an answer kicks again
    }
    kicking_ = true;
    bool more = false;
    const auto now = clock_.now();
    try {
        // Rows in flight or waiting for a slot are still pending in the store: read past them.
        const int limit = kBatch + static_cast<int>(in_flight_.size() + waiting_ids_.size());
        auto items = store_.due(now, limit);
        std::map<std::string, std::vector<state::OutboxItem>> limited;
        // Deferrals and synchronous answers are written in one transaction.
        Batch batch(store_.database());
        for (auto& item : items) {
            if (stopped_ || in_flight_.count(item.id) || waiting_ids_.count(item.id)) {
                continue;
            }
            // A full batch with rows we acted on: the next batch may hold more.
            const bool full = static_cast<int>(items.size()) == limit;
            if (held_by_pause(item, now)) {
                more = full;
                continue;
            }
            if (buckets_.count(item.channel_id) && channels_.count(item.channel_id)) {
                more = full;
                limited[item.channel_id].push_back(std::move(item));
                continue;
            }
            if (sending_[item.channel_id] >= kMaxSendingPerChannel) {
                // Started when an answer frees a slot, without reading the outbox again.
                auto& queue = waiting_[item.channel_id];
                if (queue.size() < static_cast<std::size_t>(kBatch)) {
                    waiting_ids_.insert(item.id);
                    queue.push_back(std::move(item));
                }
                continue;
            }
            more = full;
            deliver(item);
        }
        for (auto& [channel_id, rows] : limited) {
            deliver_limited(channel_id, std::move(rows), now);
        }
        batch.commit();
    } catch (const state::StoreError& e) {
        logger("alerts")->error("outbox: {}", e.what());
    }
    update_paused_gauges(now);
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
    state::Statement s(store_.database(), "UPDATE outbox SET next_attempt_at = ? WHERE id = ?");
    s.bind(1, to_ms(until)).bind(2, id).run();
}

bool Dispatcher::held_by_pause(const state::OutboxItem& item, state::TimePoint now) {
    auto paused = paused_until_.find(item.channel_id);
    if (paused == paused_until_.end() || now >= paused->second) {
        return false;
    }
    defer(item.id, paused->second);
    return true;
}

void Dispatcher::update_paused_gauges(state::TimePoint now) {
    if (!metrics_) {
        return;
    }
    for (const auto& [id, channel] : channels_) {
        auto retry = paused_until_.find(id);
        auto rate = rate_paused_until_.find(id);
        const bool paused = (retry != paused_until_.end() && now < retry->second) ||
                            (rate != rate_paused_until_.end() && now < rate->second);
        metrics_->paused.with({id}).set(paused ? 1 : 0);
    }
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
    Batch tx(store_.database());
    state::Statement alert(store_.database(),
                           "INSERT OR IGNORE INTO alerts (alert_id, subscriber_id, created_at, "
                           "payload) VALUES (?, 'admin', ?, ?)");
    alert.bind(1, notice.id)
        .bind(2, static_cast<std::int64_t>(now_ms))
        .bind(3, notify::to_json(notice).dump(-1, ' ', false,
                                              nlohmann::json::error_handler_t::replace))
        .run();
    state::Statement outbox(store_.database(),
                            "INSERT OR IGNORE INTO outbox (alert_id, channel_id, created_at, "
                            "next_attempt_at) VALUES (?1, ?2, ?3, ?3)");
    outbox.bind(1, notice.id)
        .bind(2, admin_channel_)
        .bind(3, static_cast<std::int64_t>(now_ms))
        .run();
    tx.commit();
}

void Dispatcher::deliver(const state::OutboxItem& item) {
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
    send(*channel->second, alert, {item});
}

void Dispatcher::deliver_limited(const std::string& channel_id, std::vector<state::OutboxItem> rows,
                                 state::TimePoint now) {
    Bucket& bucket = buckets_.at(channel_id);
    refill(bucket.tokens, bucket.last, bucket.limit, now);
    // Rows already held back once (deferred by this limit or a pause, or retried) are over the
    // limit: they go out together as one summary. The mark is the row's own next_attempt_at,
    // so it survives a restart. Fresh rows go one by one while tokens last.
    std::vector<state::OutboxItem> held;
    std::vector<state::OutboxItem> fresh;
    for (auto& row : rows) {
        (row.next_attempt_at > row.created_at ? held : fresh).push_back(std::move(row));
    }
    if (!held.empty() && bucket.tokens >= 1) {
        bucket.tokens -= 1;
        if (held.size() == 1) {
            deliver(held.front());
        } else {
            deliver_summary(channel_id, std::move(held), now);
        }
        held.clear();
    }
    std::size_t next = 0;
    for (; next < fresh.size() && bucket.tokens >= 1; ++next) {
        bucket.tokens -= 1;
        deliver(fresh[next]);
    }
    if (held.empty() && next == fresh.size()) {
        return;
    }
    const auto until = next_token_at(bucket.tokens, bucket.limit, now);
    rate_paused_until_[channel_id] = until;
    for (const auto& row : held) {
        defer(row.id, until);
    }
    for (; next < fresh.size(); ++next) {
        defer(fresh[next].id, until);
    }
}

void Dispatcher::deliver_summary(const std::string& channel_id, std::vector<state::OutboxItem> rows,
                                 state::TimePoint now) {
    std::vector<notify::Alert> alerts;
    std::vector<state::OutboxItem> folded;
    for (auto& row : rows) {
        try {
            alerts.push_back(notify::alert_from_json(nlohmann::json::parse(row.payload)));
            folded.push_back(std::move(row));
        } catch (const nlohmann::json::exception& e) {
            finish(row, notify::DeliveryResult::failed(std::string("corrupt outbox payload: ") +
                                                       e.what()));
        }
    }
    if (folded.empty()) {
        return;
    }
    logger("alerts")->info("channel={}: rate limit, {} alerts go out as one summary", channel_id,
                           folded.size());
    send(*channels_.at(channel_id), summary_of(channel_id, std::move(alerts), now),
         std::move(folded));
}

void Dispatcher::send(notify::Notifier& channel, const notify::Alert& alert,
                      std::vector<state::OutboxItem> rows) {
    for (const auto& row : rows) {
        in_flight_.insert(row.id);
    }
    ++sending_[rows.front().channel_id];
    channel.send(alert, [this, alive = alive_,
                         rows = std::move(rows)](notify::DeliveryResult result) mutable {
        if (*alive) {
            completed({std::move(rows), std::move(result)});
        }
    });
}

void Dispatcher::completed(Completion completion) {
    completions_.push_back(std::move(completion));
    if (kicking_) {
        // A synchronous channel answered inside kick(): its transaction is open; record now.
        flush_completions();
        return;
    }
    // Answers from the network arrive one handler each: gather those already queued on the
    // loop and record them in one transaction (one WAL commit for many rows).
    if (!flush_posted_) {
        flush_posted_ = true;
        boost::asio::post(io_, [this, alive = alive_] {
            if (*alive) {
                flush_posted_ = false;
                flush_completions();
            }
        });
    }
}

void Dispatcher::flush_completions() {
    auto completions = std::move(completions_);
    completions_.clear();
    try {
        Batch batch(store_.database());
        for (const auto& completion : completions) {
            for (const auto& row : completion.rows) {
                finish(row, completion.result);
            }
        }
        batch.commit();
    } catch (const state::StoreError& e) {
        // Rolled back: the rows stay pending and are sent again (at least once).
        logger("alerts")->error("outbox: cannot record {} answers: {}", completions.size(),
                                e.what());
    }
    for (const auto& completion : completions) {
        for (const auto& row : completion.rows) {
            in_flight_.erase(row.id);
        }
        --sending_[completion.rows.front().channel_id];
    }
    check_drained();
    if (!waiting_ids_.empty() && !kicking_) {
        start_waiting();
        if (waiting_ids_.empty()) {
            kick();  // the rows read last time are all out: look for more
        }
    }
}

bool Dispatcher::saturated() const {
    for (const auto& [id, channel] : channels_) {
        auto sending = sending_.find(id);
        auto waiting = waiting_.find(id);
        if (buckets_.count(id) || sending == sending_.end() ||
            sending->second < kMaxSendingPerChannel || waiting == waiting_.end() ||
            waiting->second.size() < static_cast<std::size_t>(kBatch)) {
            return false;
        }
    }
    return true;
}

void Dispatcher::start_waiting() {
    if (stopped_) {
        return;
    }
    const auto now = clock_.now();
    try {
        Batch batch(store_.database());
        kicking_ = true;  // synchronous answers are recorded in this transaction
        for (auto& [channel_id, queue] : waiting_) {
            while (!queue.empty() && sending_[channel_id] < kMaxSendingPerChannel) {
                const state::OutboxItem item = std::move(queue.front());
                queue.pop_front();
                waiting_ids_.erase(item.id);
                if (!held_by_pause(item, now)) {
                    deliver(item);
                }
            }
        }
        kicking_ = false;
        batch.commit();
    } catch (const state::StoreError& e) {
        kicking_ = false;
        logger("alerts")->error("outbox: {}", e.what());
        // Forget them all: they are pending in the outbox, and the next kick reads them again.
        waiting_.clear();
        waiting_ids_.clear();
    }
}

void Dispatcher::finish(const state::OutboxItem& item, const notify::DeliveryResult& result) {
    auto log = logger("alerts");
    const auto now = clock_.now();
    // Label values stay within the configured channels.
    const bool counted = metrics_ && channels_.count(item.channel_id);
    try {
        switch (result.kind) {
            case notify::DeliveryResult::Kind::Delivered:
                store_.mark_delivered(item.id, now);
                if (counted) {
                    metrics_->alerts.with({item.channel_id, "delivered"}).inc();
                    metrics_->latency.observe(
                        std::chrono::duration<double>(now - item.created_at).count());
                }
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
                    if (counted) {
                        metrics_->alerts.with({item.channel_id, "dead"}).inc();
                    }
                    log->error("alert={} channel={}: undeliverable after {} attempts: {}",
                               item.alert_id, item.channel_id, attempts, result.reason);
                    dead_letter(item, result.reason);
                    return;
                }
                if (result.retry_after.count() > 0) {
                    paused_until_[item.channel_id] = now + result.retry_after;
                }
                store_.mark_retry(item.id, now + delay, result.reason);
                if (counted) {
                    metrics_->alerts.with({item.channel_id, "retried"}).inc();
                }
                log->warn("alert={} channel={}: attempt {} failed, retrying in {}s: {}",
                          item.alert_id, item.channel_id, attempts,
                          std::chrono::duration_cast<std::chrono::seconds>(delay).count(),
                          result.reason);
                return;
            }
            case notify::DeliveryResult::Kind::Failed:
                store_.mark_dead(item.id, result.reason);
                if (counted) {
                    metrics_->alerts.with({item.channel_id, "dead"}).inc();
                }
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

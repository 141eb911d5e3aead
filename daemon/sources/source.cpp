#include "wirewatch/sources/source.hpp"

#include <algorithm>

#include "wirewatch/log.hpp"

namespace ww::sources {

bool LogThrottle::allow(const std::string& kind, std::chrono::system_clock::time_point now) {
    if (kind == last_kind_ && last_ && now - *last_ < kEvery) {
        return false;
    }
    last_kind_ = kind;
    last_ = now;
    return true;
}

void LogThrottle::reset() {
    last_kind_.clear();
    last_.reset();
}

Source::Source(config::SourceConfig config, SourceContext& context)
    : config_(std::move(config)),
      context_(context),
      random_(static_cast<unsigned>(std::hash<std::string>{}(config_.id))),
      timer_(context.io) {}

std::chrono::milliseconds Source::first_delay() {
    // Spread the first polls over a few seconds so a restart with thousands of sources does
    // not fire them all in the same loop turn.
    std::uniform_int_distribution<int> spread(0, 2000);
    return std::chrono::milliseconds(spread(random_));
}

void Source::start() {
    running_ = true;
    disabled_ = false;
    schedule(first_delay());
}

void Source::stop() {
    running_ = false;
    timer_.cancel();
}

std::chrono::milliseconds Source::next_delay() {
    if (next_delay_override_) {
        auto delay = *next_delay_override_;
        next_delay_override_.reset();
        return std::max(std::chrono::milliseconds(100), delay);
    }
    auto jitter = config_.jitter.count() > 0 ? config_.jitter : config_.interval / 10;
    if (jitter.count() <= 0) {
        return config_.interval;
    }
    std::uniform_int_distribution<long long> offset(-jitter.count(), jitter.count());
    return std::max(std::chrono::milliseconds(100),
                    config_.interval + std::chrono::milliseconds(offset(random_)));
}

void Source::schedule(std::chrono::milliseconds delay) {
    timer_.expires_after(delay);
    timer_.async_wait([this](const boost::system::error_code& ec) {
        if (ec || !running_ || polling_) {
            return;
        }
        polling_ = true;
        poll([this] {
            polling_ = false;
            if (running_ && !disabled_) {
                schedule(next_delay());
            }
        });
    });
}

void Source::poll_failed(const std::string& where, const std::string& problem,
                         const std::string& detail) {
    health_ = Health::Failing;
    ++failures_;
    if (failure_log_.allow(problem, context_.clock.now())) {
        logger("sources")->warn("source={} {}: {}{}", id(), where, problem, detail);
    }
}

void Source::poll_succeeded(const std::string& where) {
    if (health_ == Health::Failing && failures_ > 0) {
        logger("sources")->info("source={} {}: recovered after {} failed poll{}", id(), where,
                                failures_, failures_ == 1 ? "" : "s");
    }
    health_ = Health::Ok;
    failures_ = 0;
    failure_log_.reset();
}

void Source::warn_throttled(const std::string& where, const std::string& problem,
                            const std::string& detail) {
    if (warning_log_.allow(problem, context_.clock.now())) {
        logger("sources")->warn("source={} {}: {}{}", id(), where, problem, detail);
    }
}

void Source::carry_over(const Source& previous) {
    health_ = previous.health_;
    failures_ = previous.failures_;
    failure_log_ = previous.failure_log_;
    warning_log_ = previous.warning_log_;
}

void Source::restore_health(Health health, int failures) {
    health_ = health;
    failures_ = failures;
}

void Source::fetched(FetchResult result) {
    if (context_.metrics != nullptr) {
        context_.metrics->fetched(id(), result);
    }
}

void Source::parse_error() {
    if (context_.metrics != nullptr) {
        context_.metrics->parse_error(id());
    }
}

}  // namespace ww::sources

#include "wirewatch/sources/source.hpp"

#include <algorithm>

namespace ww::sources {

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

}  // namespace ww::sources

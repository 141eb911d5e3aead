#include "wirewatch/notify/notifier.hpp"

#include <exception>

#include "wirewatch/log.hpp"

namespace ww::notify {

void Notifier::send(const Alert& alert, DeliveryCallback done) {
    // A channel bug must cost one retry, not the daemon: never let it escape into the loop.
    try {
        do_send(alert, std::move(done));
    } catch (const std::exception& e) {
        logger("notify")->error("channel={} alert={}: {}", id_, alert.id, e.what());
        done(DeliveryResult::retry(e.what()));
    }
}

}  // namespace ww::notify

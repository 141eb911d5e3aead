#include "ops/systemd.hpp"

#include <systemd/sd-daemon.h>
#include <time.h>

#include <boost/asio/steady_timer.hpp>
#include <cstdlib>
#include <memory>

namespace ww::ops {

namespace {

void ping_every(std::shared_ptr<boost::asio::steady_timer> timer,
                std::chrono::microseconds period) {
    timer->expires_after(period);
    timer->async_wait([timer, period](const boost::system::error_code& ec) {
        if (ec) {
            return;
        }
        sd_notify(0, "WATCHDOG=1");
        ping_every(timer, period);
    });
}

void refresh_status(std::shared_ptr<boost::asio::steady_timer> timer, std::chrono::seconds period,
                    std::shared_ptr<std::function<std::string()>> status) {
    timer->expires_after(period);
    timer->async_wait([timer, period, status](const boost::system::error_code& ec) {
        if (ec) {
            return;
        }
        notify_status((*status)());
        refresh_status(timer, period, status);
    });
}

}  // namespace

void refresh_status_every(boost::asio::io_context& io, std::chrono::seconds period,
                          std::function<std::string()> status) {
    const char* socket = std::getenv("NOTIFY_SOCKET");
    if (socket == nullptr || *socket == '\0') {
        return;
    }
    refresh_status(std::make_shared<boost::asio::steady_timer>(io), period,
                   std::make_shared<std::function<std::string()>>(std::move(status)));
}

void notify_ready(const std::string& status) {
    sd_notify(0, ("READY=1\nSTATUS=" + status).c_str());
}

void notify_reloading() {
    // systemd 253+ wants MONOTONIC_USEC with RELOADING=1; older ones ignore it.
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    const long long usec = static_cast<long long>(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
    sd_notify(0, ("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(usec)).c_str());
}

void notify_stopping() { sd_notify(0, "STOPPING=1"); }

void notify_status(const std::string& status) { sd_notify(0, ("STATUS=" + status).c_str()); }

void start_watchdog(boost::asio::io_context& io) {
    uint64_t usec = 0;
    if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) {
        return;
    }
    ping_every(std::make_shared<boost::asio::steady_timer>(io),
               std::chrono::microseconds(usec / 2));
}

}  // namespace ww::ops

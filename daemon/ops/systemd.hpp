#pragma once
// The sd_notify protocol (libsystemd): readiness, reload, stop, status and the watchdog. Every
// call is a no-op when not started by systemd (no $NOTIFY_SOCKET).

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <string>

namespace ww::ops {

void notify_ready(const std::string& status);
void notify_reloading();
void notify_stopping();
void notify_status(const std::string& status);

// Sends STATUS= with what `status` returns every `period`, from a timer on `io` (only when
// started by systemd), so `systemctl status` shows current source health and outbox depth.
void refresh_status_every(boost::asio::io_context& io, std::chrono::seconds period,
                          std::function<std::string()> status);

// When the unit sets WatchdogSec=, pings systemd at half that period from a timer on `io` —
// so a stuck event loop stops the pings and systemd restarts the service.
void start_watchdog(boost::asio::io_context& io);

}  // namespace ww::ops

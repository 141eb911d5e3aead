#pragma once
// The sd_notify protocol (libsystemd): readiness, reload, stop, status and the watchdog. Every
// call is a no-op when not started by systemd (no $NOTIFY_SOCKET).

#include <boost/asio/io_context.hpp>
#include <string>

namespace ww::ops {

void notify_ready(const std::string& status);
void notify_reloading();
void notify_stopping();
void notify_status(const std::string& status);

// When the unit sets WatchdogSec=, pings systemd at half that period from a timer on `io` —
// so a stuck event loop stops the pings and systemd restarts the service.
void start_watchdog(boost::asio::io_context& io);

}  // namespace ww::ops

#pragma once
// How a transport's answer becomes a DeliveryResult: the one table that decides what is
// retried, what waits, and what goes to the dead letters. Pure, so it is table-tested.

#include <curl/curl.h>

#include <chrono>
#include <optional>
#include <string>

#include "wirewatch/notify/notifier.hpp"

namespace ww::notify {

// HTTP (Slack, webhook): 2xx delivered; 408, 5xx and transport errors/timeouts retried; 429
// retried after Retry-After (seconds or an HTTP-date, relative to `now`; 60 s when absent);
// any other status failed. `body` (the server's answer) is cut into the reason.
DeliveryResult http_delivery_result(CURLcode result, const std::string& error, long status,
                                    const std::optional<std::string>& retry_after,
                                    const std::string& body,
                                    std::chrono::system_clock::time_point now);

// SMTP: accepted → delivered; 4xx replies and connection problems → retry; 5xx replies, a
// server that cannot STARTTLS when it is required, and refused logins → failed.
DeliveryResult smtp_delivery_result(CURLcode result, const std::string& error, long smtp_code);

// Retry-After as a wait: "120" or "Wed, 21 Oct 2015 07:28:00 GMT"; nullopt when unreadable.
std::optional<std::chrono::milliseconds> parse_retry_after(
    const std::string& value, std::chrono::system_clock::time_point now);

}  // namespace ww::notify

#include "wirewatch/notify/results.hpp"

#include <algorithm>
#include <ctime>

#include "wirewatch/notify/formats.hpp"

namespace ww::notify {

namespace {

constexpr std::size_t kMaxReason = 300;
constexpr std::chrono::seconds kDefaultRetryAfter{60};
constexpr std::chrono::hours kMaxRetryAfter{6};  // a server asking for days is misconfigured

std::string answer(const std::string& body) {
    const std::string line = one_line(body);
    return line.empty() ? std::string() : ": " + std::string(utf8_prefix(line, kMaxReason));
}

}  // namespace

std::optional<std::chrono::milliseconds> parse_retry_after(
    const std::string& value, std::chrono::system_clock::time_point now) {
    const std::string v = one_line(value);
    if (v.empty()) {
        return std::nullopt;
    }
    if (v.find_first_not_of("0123456789") == std::string::npos) {
        if (v.size() > 9) {
            return kMaxRetryAfter;
        }
        return std::min<std::chrono::milliseconds>(std::chrono::seconds(std::stol(v)),
                                                   kMaxRetryAfter);
    }
    std::tm tm{};
    const char* end = strptime(v.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
    if (end == nullptr || *end != '\0') {
        return std::nullopt;
    }
    const auto at = std::chrono::system_clock::from_time_t(timegm(&tm));
    const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(at - now);
    return std::clamp<std::chrono::milliseconds>(wait, std::chrono::milliseconds(0),
                                                 kMaxRetryAfter);
}

DeliveryResult http_delivery_result(CURLcode result, const std::string& error, long status,
                                    const std::optional<std::string>& retry_after,
                                    const std::string& body,
                                    std::chrono::system_clock::time_point now) {
    if (result != CURLE_OK) {
        const std::string why = error.empty() ? curl_easy_strerror(result) : error;
        if (result == CURLE_URL_MALFORMAT || result == CURLE_UNSUPPORTED_PROTOCOL) {
            return DeliveryResult::failed(why);
        }
        return DeliveryResult::retry(why);  // DNS, connect, TLS handshake, timeouts, resets
    }
    const std::string reason = "HTTP " + std::to_string(status) + answer(body);
    if (status >= 200 && status < 300) {
        return DeliveryResult::delivered();
    }
    if (status == 429) {
        auto wait = retry_after ? parse_retry_after(*retry_after, now) : std::nullopt;
        return DeliveryResult::retry(reason, wait.value_or(kDefaultRetryAfter));
    }
    if (status == 408 || status >= 500) {
        auto wait = retry_after ? parse_retry_after(*retry_after, now) : std::nullopt;
        return DeliveryResult::retry(reason, wait.value_or(std::chrono::milliseconds(0)));
    }
    return DeliveryResult::failed(reason);
}

DeliveryResult smtp_delivery_result(CURLcode result, const std::string& error, long smtp_code) {
    const std::string code = smtp_code > 0 ? "SMTP " + std::to_string(smtp_code) + ": " : "";
    const std::string why =
        code + (error.empty() ? std::string(curl_easy_strerror(result)) : error);
    if (result == CURLE_OK) {
        return DeliveryResult::delivered();
    }
    if (result == CURLE_USE_SSL_FAILED) {
        // Required STARTTLS is missing: never fall back to clear text.
        return DeliveryResult::failed("server does not offer STARTTLS (required): " + why);
    }
    if (result == CURLE_LOGIN_DENIED) {
        return DeliveryResult::failed(why);
    }
    if (smtp_code >= 500 && smtp_code < 600) {
        return DeliveryResult::failed(why);
    }
    return DeliveryResult::retry(why);
}

}  // namespace ww::notify

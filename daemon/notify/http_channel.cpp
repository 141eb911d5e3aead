#include <nlohmann/json.hpp>

#include "notify/channels.hpp"
#include "wirewatch/log.hpp"
#include "wirewatch/net/transfers.hpp"
#include "wirewatch/notify/results.hpp"

namespace ww::notify {

HttpChannel::HttpChannel(std::string id, Kind kind, std::string url, std::string secret,
                         const NotifierContext& context)
    : Notifier(std::move(id)),
      kind_(kind),
      url_(std::move(url)),
      secret_(std::move(secret)),
      context_(context) {}

void HttpChannel::do_send(const Alert& alert, DeliveryCallback done) {
    if (context_.transfers == nullptr) {
        done(DeliveryResult::retry("no network transport in this process"));
        return;
    }
    net::Request request;
    request.url = url_;
    request.method = "POST";
    request.max_redirects = 0;  // a webhook that redirects a POST is misconfigured
    request.timeout = std::chrono::seconds(30);
    request.max_body = 64 << 10;
    request.ca_file = ca_file_;
    request.headers.push_back("Content-Type: application/json; charset=utf-8");
    request.body = kind_ == Kind::Slack ? format_slack(alert) : format_webhook_body(alert);
    request.headers.push_back("X-Wirewatch-Alert-Id: " + one_line(alert.id));
    if (!secret_.empty()) {
        request.headers.push_back("X-Wirewatch-Signature: sha256=" +
                                  hmac_sha256_hex(secret_, request.body));
    }
    const Clock* clock = context_.clock;
    context_.transfers->fetch(
        std::move(request), [done = std::move(done), clock](net::Response response) {
            const auto now = clock ? clock->now() : std::chrono::system_clock::now();
            auto result = http_delivery_result(response.result, ww::redact_secrets(response.error),
                                               response.status, response.header("retry-after"),
                                               response.body, now);
            result.reason = ww::redact_secrets(result.reason);
            done(std::move(result));
        });
}

}  // namespace ww::notify

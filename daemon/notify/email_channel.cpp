#include <cstring>

#include "notify/channels.hpp"
#include "wirewatch/log.hpp"
#include "wirewatch/net/transfers.hpp"
#include "wirewatch/notify/results.hpp"

namespace ww::notify {

namespace {

// What libcurl reads the message from, and the recipient list it must not outlive: owned by
// the completion callback, which Transfers keeps until the easy handle is cleaned up.
struct Upload {
    std::string data;
    std::size_t sent = 0;
    curl_slist* recipients = nullptr;
    ~Upload() { curl_slist_free_all(recipients); }
};

std::size_t read_upload(char* buffer, std::size_t size, std::size_t count, void* user) {
    auto* upload = static_cast<Upload*>(user);
    const std::size_t n = std::min(size * count, upload->data.size() - upload->sent);
    std::memcpy(buffer, upload->data.data() + upload->sent, n);
    upload->sent += n;
    return n;
}

}  // namespace

EmailChannel::EmailChannel(std::string id, SmtpSettings settings, const NotifierContext& context)
    : Notifier(std::move(id)), settings_(std::move(settings)), context_(context) {}

void EmailChannel::do_send(const Alert& alert, DeliveryCallback done) {
    if (context_.transfers == nullptr) {
        done(DeliveryResult::retry("no network transport in this process"));
        return;
    }
    EmailOptions options;
    options.from = settings_.from;
    options.to = settings_.to;
    options.date = std::chrono::time_point_cast<std::chrono::seconds>(
        context_.clock ? context_.clock->now() : std::chrono::system_clock::now());
    EmailMessage message = format_email(alert, options);

    auto upload = std::make_shared<Upload>();
    upload->data = std::move(message.data);
    for (const auto& rcpt : message.envelope_to) {
        upload->recipients = curl_slist_append(upload->recipients, ("<" + rcpt + ">").c_str());
    }
    CURL* easy = curl_easy_init();
    if (easy == nullptr || upload->recipients == nullptr) {
        if (easy != nullptr) {
            curl_easy_cleanup(easy);
        }
        done(DeliveryResult::retry("out of memory preparing the message"));
        return;
    }
    curl_easy_setopt(easy, CURLOPT_URL, settings_.url.c_str());
    curl_easy_setopt(easy, CURLOPT_MAIL_FROM, ("<" + message.envelope_from + ">").c_str());
    curl_easy_setopt(easy, CURLOPT_MAIL_RCPT, upload->recipients);
    curl_easy_setopt(easy, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(easy, CURLOPT_READFUNCTION, read_upload);
    curl_easy_setopt(easy, CURLOPT_READDATA, upload.get());
    curl_easy_setopt(easy, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(upload->data.size()));
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(settings_.timeout.count()));
    // smtps:// is TLS from the first byte; smtp:// upgrades with STARTTLS and, when required,
    // fails (CURLE_USE_SSL_FAILED) rather than fall back to clear text.
    if (settings_.starttls || settings_.url.rfind("smtps://", 0) == 0) {
        curl_easy_setopt(easy, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
    }
    if (!settings_.ca_file.empty()) {
        curl_easy_setopt(easy, CURLOPT_CAINFO, settings_.ca_file.c_str());
    }
    if (!settings_.username.empty()) {
        curl_easy_setopt(easy, CURLOPT_USERNAME, settings_.username.c_str());
        curl_easy_setopt(easy, CURLOPT_PASSWORD, settings_.password.c_str());
    }
    context_.transfers->perform(
        easy, [easy, upload, done = std::move(done)](CURLcode result, std::string error) {
            long code = 0;
            curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &code);
            done(smtp_delivery_result(result, ww::redact_secrets(error), code));
        });
}

}  // namespace ww::notify

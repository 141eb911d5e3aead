// The one place that maps a channel `type` to its factory (no self-registering statics).

#include "notify/channels.hpp"
#include "notify/stream_channel.hpp"
#include "wirewatch/notify/notifier.hpp"

namespace ww::notify {

namespace {

StreamFormat format_of(const config::ChannelConfig& channel) {
    return channel.format == "json" ? StreamFormat::Json : StreamFormat::Text;
}

std::string label(const config::ChannelConfig& channel) {
    return "channel \"" + channel.id + "\": ";
}

// Resolves a secret now; a missing env var or file is the config's error.
std::optional<std::string> secret(const config::ChannelConfig& channel,
                                  const config::SecretRef& ref, const char* what,
                                  Diagnostics& diags) {
    if (ref.empty()) {
        return std::string();
    }
    std::string error;
    auto value = config::resolve(ref, error);
    if (!value) {
        diags.error(channel.where, label(channel) + what + ": " + error);
    }
    return value;
}

std::unique_ptr<Notifier> make_email(const config::ChannelConfig& channel,
                                     const NotifierContext& context, Diagnostics& diags) {
    SmtpSettings settings;
    auto url = secret(channel, channel.url, "url", diags);
    auto password = secret(channel, channel.password, "password", diags);
    if (!url || !password) {
        return nullptr;
    }
    settings.url = *url;
    settings.password = *password;
    settings.starttls = channel.starttls;
    settings.username = channel.username;
    settings.ca_file = channel.ca_file.string();
    std::string error;
    auto from = parse_mailbox(channel.from, error);
    if (!from) {
        diags.error(channel.where, label(channel) + "from: " + error);
    } else {
        settings.from = *from;
    }
    for (const auto& to : channel.to) {
        auto box = parse_mailbox(to, error);
        if (!box) {
            diags.error(channel.where, label(channel) + "to: " + error);
            continue;
        }
        settings.to.push_back(*box);
    }
    if (!from || settings.to.size() != channel.to.size()) {
        return nullptr;
    }
    return std::make_unique<EmailChannel>(channel.id, std::move(settings), context);
}

}  // namespace

std::unique_ptr<Notifier> make_notifier(const config::ChannelConfig& channel,
                                        const NotifierContext& context, Diagnostics& diags) {
    if (channel.type == "stdout") {
        return std::make_unique<StreamChannel>(channel.id, format_of(channel), "");
    }
    if (channel.type == "file") {
        return std::make_unique<StreamChannel>(channel.id, format_of(channel), channel.path);
    }
    if (channel.type == "email") {
        return make_email(channel, context, diags);
    }
    if (channel.type == "slack" || channel.type == "webhook") {
        auto url = secret(channel, channel.url, "url", diags);
        auto key = secret(channel, channel.secret, "secret", diags);
        if (!url || !key) {
            return nullptr;
        }
        auto http = std::make_unique<HttpChannel>(
            channel.id,
            channel.type == "slack" ? HttpChannel::Kind::Slack : HttpChannel::Kind::Webhook, *url,
            *key, context);
        http->set_ca_file(channel.ca_file.string());
        return http;
    }
    if (channel.type == "syslog") {
        SyslogOptions options;
        auto facility = syslog_facility(channel.facility);
        if (!facility) {
            diags.error(channel.where,
                        label(channel) + "unknown facility '" + channel.facility + "'");
            return nullptr;
        }
        options.facility = *facility;
        options.app_name = channel.app_name;
        options.hostname = context.hostname;
        if (channel.max_size) {
            options.max_size = *channel.max_size;
        }
        return std::make_unique<SyslogChannel>(channel.id, channel.target, options, context);
    }
    diags.error(channel.where, label(channel) + "unknown type '" + channel.type + "'");
    return nullptr;
}

}  // namespace ww::notify

// The one place that maps a channel `type` to its factory (no self-registering statics).

#include "notify/stream_channel.hpp"
#include "wirewatch/notify/notifier.hpp"

namespace ww::notify {

namespace {

StreamFormat format_of(const config::ChannelConfig& channel) {
    return channel.format == "json" ? StreamFormat::Json : StreamFormat::Text;
}

}  // namespace

std::unique_ptr<Notifier> make_notifier(const config::ChannelConfig& channel, Diagnostics& diags) {
    if (channel.type == "stdout") {
        return std::make_unique<StreamChannel>(channel.id, format_of(channel), "");
    }
    if (channel.type == "file") {
        return std::make_unique<StreamChannel>(channel.id, format_of(channel), channel.path);
    }
    diags.error(channel.where, "channel \"" + channel.id + "\": type '" + channel.type +
                                   "' is not available in this build yet (available: stdout, "
                                   "file)");
    return nullptr;
}

}  // namespace ww::notify

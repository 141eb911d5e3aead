#pragma once
// Channels: where alerts go. The public, non-virtual send() owns error containment and logging
// (the spdlog base_sink pattern); a channel type implements do_send() only.
//
// Notifiers are used from the event-loop thread only. do_send() must not block for long:
// network channels start the transfer and call `done` later from the loop.

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "wirewatch/clock.hpp"
#include "wirewatch/config/config.hpp"
#include "wirewatch/diagnostics.hpp"
#include "wirewatch/notify/alert.hpp"

namespace boost::asio {
class io_context;
}

namespace ww::net {
class Transfers;
}

namespace ww::notify {

struct DeliveryResult {
    enum class Kind { Delivered, Retry, Failed };
    Kind kind = Kind::Delivered;
    std::chrono::milliseconds retry_after{0};  // Retry: at the earliest after this (0 = backoff)
    std::string reason;                        // the server's answer, secrets removed

    static DeliveryResult delivered() { return {}; }
    static DeliveryResult retry(std::string why, std::chrono::milliseconds after = {}) {
        return {Kind::Retry, after, std::move(why)};
    }
    static DeliveryResult failed(std::string why) {
        return {Kind::Failed, std::chrono::milliseconds(0), std::move(why)};
    }
};

using DeliveryCallback = std::function<void(DeliveryResult)>;

class Notifier {
public:
    explicit Notifier(std::string channel_id) : id_(std::move(channel_id)) {}
    virtual ~Notifier() = default;
    Notifier(const Notifier&) = delete;
    Notifier& operator=(const Notifier&) = delete;

    const std::string& id() const { return id_; }

    // Delivers one alert; `done` is called exactly once. Never throws: an exception from
    // do_send() becomes a Retry.
    void send(const Alert& alert, DeliveryCallback done);

protected:
    virtual void do_send(const Alert& alert, DeliveryCallback done) = 0;

private:
    std::string id_;
};

// What channels need from the daemon (the Vector pattern: a context object, no globals).
// Pointers may be null where a channel is only built to be checked (`wirewatchd check`): a
// network channel built without them answers every send with a Retry.
struct NotifierContext {
    boost::asio::io_context* io = nullptr;
    net::Transfers* transfers = nullptr;  // the daemon's one libcurl multi handle
    const Clock* clock = nullptr;
    std::string hostname;  // for syslog; empty = gethostname()
};

// The channel registry: builds a notifier for `channel.type`, or returns nullptr with an error
// in `diags` located at the channel. Secrets are resolved here (config::resolve), so a missing
// secret file is a config error, not a delivery failure.
std::unique_ptr<Notifier> make_notifier(const config::ChannelConfig& channel,
                                        const NotifierContext& context, Diagnostics& diags);

}  // namespace ww::notify

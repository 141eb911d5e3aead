// `wirewatchd notify-test CHANNEL_ID`: the channel's health check. Sends one sample alert
// through the configured channel and prints success or the server's exact answer.

#include <boost/asio/io_context.hpp>
#include <iostream>

#include "ops/args.hpp"
#include "wirewatch/config/config.hpp"
#include "wirewatch/net/transfers.hpp"
#include "wirewatch/notify/notifier.hpp"
#include "wirewatch/ops/commands.hpp"

namespace ww::ops {

namespace {

notify::Alert sample_alert(const std::string& channel_id, std::chrono::sys_seconds now) {
    notify::Alert a;
    a.id = "a-test-" + std::to_string(now.time_since_epoch().count());
    a.subscriber_id = "notify-test";
    a.severity = rules::Severity::Info;
    a.source_id = "wirewatchd";
    a.item_id = a.id;
    a.url = "https://example.org/wirewatch/notify-test";
    a.title = "wirewatch test alert for channel " + channel_id;
    a.snippet = "If you can read this, the channel works.";
    a.highlights = {{27, 35}};
    a.rules = {{"notify-test", rules::Severity::Info, {"channel"}}};
    a.published = now;
    a.created_at = now;
    return a;
}

}  // namespace

int cmd_notify_test(const Args& args) {
    ArgReader reader(args, {"--config"}, {});
    if (!reader.ok() || reader.positional().size() != 1) {
        std::cerr << "wirewatchd notify-test: "
                  << (reader.ok() ? "usage: notify-test CHANNEL_ID [--config PATH]"
                                  : reader.error())
                  << "\n";
        return kExitUsage;
    }
    const std::string channel_id = reader.positional()[0];
    Diagnostics diags;
    auto config = config::load(reader.value("--config").value_or(default_config_path()), diags);
    print_diagnostics(diags);
    if (!config) {
        return kExitConfig;
    }
    const config::ChannelConfig* channel = nullptr;
    std::vector<std::string> ids;
    for (const auto& c : config->channels) {
        ids.push_back(c.id);
        if (c.id == channel_id) {
            channel = &c;
        }
    }
    if (channel == nullptr) {
        const std::string hint = did_you_mean(channel_id, ids);
        std::cerr << "wirewatchd notify-test: no channel '" << channel_id << "'"
                  << (hint.empty() ? "" : " (did you mean '" + hint + "'?)") << "\n";
        return kExitUsage;
    }
    boost::asio::io_context io;
    net::Transfers transfers(io);
    SystemClock clock;
    auto notifier = notify::make_notifier(*channel, {&io, &transfers, &clock, {}}, diags);
    if (!notifier) {
        print_diagnostics(diags);
        return kExitConfig;
    }
    std::optional<notify::DeliveryResult> result;
    notifier->send(
        sample_alert(channel_id, std::chrono::time_point_cast<std::chrono::seconds>(clock.now())),
        [&](notify::DeliveryResult r) { result = std::move(r); });
    while (!result && io.run_one() > 0) {
    }
    if (!result) {
        std::cerr << "channel " << channel_id << ": no answer\n";
        return kExitFailure;
    }
    switch (result->kind) {
        case notify::DeliveryResult::Kind::Delivered:
            std::cout << "channel " << channel_id << ": delivered\n";
            return kExitOk;
        case notify::DeliveryResult::Kind::Retry:
            std::cerr << "channel " << channel_id << ": temporary failure (would retry"
                      << (result->retry_after.count() > 0
                              ? " after " + std::to_string(result->retry_after.count()) + " ms"
                              : std::string())
                      << "): " << result->reason << "\n";
            return kExitFailure;
        case notify::DeliveryResult::Kind::Failed:
            std::cerr << "channel " << channel_id << ": rejected: " << result->reason << "\n";
            return kExitFailure;
    }
    return kExitFailure;
}

}  // namespace ww::ops

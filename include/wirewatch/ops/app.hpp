#pragma once
// The running daemon: config, rules, state, sources, router and channels wired together on one
// io_context. Everything here runs on the loop thread except rule compilation on reload, which
// runs on a helper thread and hands the finished rule set back to the loop.

#include <boost/asio/io_context.hpp>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "wirewatch/clock.hpp"
#include "wirewatch/diagnostics.hpp"

namespace ww::metrics {
class Registry;
}

namespace ww::ops {

struct AppOptions {
    std::filesystem::path config_path;
    std::optional<std::filesystem::path> state_dir;  // overrides [daemon] state_dir
};

class App {
public:
    App(boost::asio::io_context& io, const Clock& clock, AppOptions options);
    ~App();
    App(const App&) = delete;
    App& operator=(const App&) = delete;

    // Loads config and rules, opens the state store and builds sources and channels. On
    // failure returns false with every problem in `diags`; nothing is started.
    bool load(Diagnostics& diags);

    // Starts scheduled polling, outbox delivery, rule-file watching.
    void start();

    // Polls every source once (now), then calls `done` once their documents are committed.
    void poll_all_once(std::function<void()> done);

    // Re-reads config and rules; on any error logs every problem and keeps the current ones.
    // Rules compile off the loop; `done(ok)` runs on the loop when the reload finished.
    void reload(std::function<void(bool)> done = {});

    // Stops polling, lets in-flight deliveries finish within the grace period, then `done`.
    void shutdown(std::function<void()> done);

    // Human-readable one-liner for logs and sd_notify STATUS=.
    std::string status() const;

    // The daemon's metrics (GET /metrics). Scrape on the loop thread: collecting reads the
    // state store.
    ww::metrics::Registry& metrics();
    // A rule set is loaded (GET /healthz; that the loop answers at all shows it turns).
    bool healthy() const;
    // Started and not shutting down (GET /readyz): the same moment as sd_notify READY=1.
    bool ready() const;
    // [daemon.http] listen of the config loaded at start, if set. Changing it needs a restart.
    std::optional<std::string> http_listen() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace ww::ops

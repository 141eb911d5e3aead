// `wirewatchd run`: the daemon itself.

#include <boost/asio/signal_set.hpp>
#include <csignal>
#include <iostream>

#include "ops/args.hpp"
#include "ops/http_server.hpp"
#include "ops/systemd.hpp"
#include "wirewatch/log.hpp"
#include "wirewatch/metrics.hpp"
#include "wirewatch/ops/app.hpp"
#include "wirewatch/ops/commands.hpp"

namespace ww::ops {

namespace {

constexpr auto kStatusEvery = std::chrono::seconds(30);

// SIGHUP reloads; SIGINT/SIGTERM stop gracefully; a second SIGINT/SIGTERM stops at once.
void handle_signals(boost::asio::signal_set& signals, App& app, boost::asio::io_context& io,
                    bool& stopping) {
    signals.async_wait([&](const boost::system::error_code& ec, int signal) {
        if (ec) {
            return;
        }
        if (signal == SIGHUP) {
            notify_reloading();
            app.reload([&app](bool) { notify_ready(app.status()); });
        } else if (stopping) {
            logger("ops")->warn("second stop signal: exiting now");
            io.stop();
            return;
        } else {
            stopping = true;
            logger("ops")->info("stopping (signal {})", signal);
            notify_stopping();
            app.shutdown([&io] { io.stop(); });
        }
        handle_signals(signals, app, io, stopping);
    });
}

}  // namespace

int cmd_run(const Args& args) {
    ArgReader reader(args, {"--config", "--state-dir"}, {"--once"});
    if (!reader.ok() || !reader.positional().empty()) {
        std::cerr << "wirewatchd run: "
                  << (reader.ok() ? "unexpected argument " + reader.positional().front()
                                  : reader.error())
                  << "\n";
        return kExitUsage;
    }
    configure_logging("info");
    AppOptions options;
    options.config_path = reader.value("--config").value_or(default_config_path());
    if (auto dir = reader.value("--state-dir")) {
        options.state_dir = *dir;
    }

    boost::asio::io_context io;
    SystemClock clock;
    App app(io, clock, options);
    Diagnostics diags;
    const bool loaded = app.load(diags);
    log_diagnostics(diags, "config");
    if (!loaded) {
        logger("ops")->error("not starting: {} errors in config={}", diags.error_count(),
                             options.config_path.string());
        return diags.has_errors() ? kExitConfig : kExitFailure;
    }

    // The metrics/health listener binds before anything starts: an address that cannot be
    // bound is a start failure (exit 1, before READY=1), not a silently missing endpoint.
    std::unique_ptr<HttpServer> http;
    if (auto listen = app.http_listen(); listen && !reader.flag("--once")) {
        std::string error;
        http = HttpServer::start(io, *listen,
                                 {.metrics = [&app] { return app.metrics().expose(); },
                                  .healthy = [&app] { return app.healthy(); },
                                  .ready = [&app] { return app.ready(); }},
                                 error);
        if (!http) {
            logger("ops")->error("not starting: [daemon.http] listen: {}", error);
            return kExitFailure;
        }
        const auto bound = http->local_endpoint();
        const std::string host = bound.address().is_v6() ? "[" + bound.address().to_string() + "]"
                                                         : bound.address().to_string();
        logger("ops")->info("http: listening on {}:{} (/metrics, /healthz, /readyz)", host,
                            bound.port());
    }

    boost::asio::signal_set signals(io, SIGINT, SIGTERM, SIGHUP);
    bool stopping = false;
    handle_signals(signals, app, io, stopping);

    if (reader.flag("--once")) {
        logger("ops")->info("polling every source once: {}", app.status());
        app.poll_all_once([&] {
            stopping = true;
            app.shutdown([&io] { io.stop(); });
        });
    } else {
        app.start();
        logger("ops")->info("running: {}", app.status());
        notify_ready(app.status());
        start_watchdog(io);
        refresh_status_every(io, kStatusEvery, [&app] { return app.status(); });
    }
    io.run();
    logger("ops")->info("stopped");
    return kExitOk;
}

}  // namespace ww::ops

// Outbox throughput and latency (issue 5, Speed): alerts written to the SQLite outbox on disk
// (WAL) the way the daemon writes them (one transaction per source batch), delivered by the
// real Dispatcher through the real webhook channel (net::Transfers, libcurl multi on Asio) to
// a Boost.Beast receiver on loopback (tests/support/webhook_server.hpp, its own threads).
//
//  1. throughput: `total` alerts queued in batches of `batch`, as fast as the loop takes
//     them; alerts/s from the first write to the receiver's last request.
//  2. latency at an offered load of `rate` alerts/s for `seconds`: from the moment the
//     document's batch is handed to the store (document arrival) to the receiver reading the
//     request; p50, p99, max.
//
//   bench_outbox [total=20000] [batch=100] [rate=1000] [seconds=10]

#include <time.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>

#include "notify/channels.hpp"
#include "support/webhook_server.hpp"
#include "wirewatch/alerts/dispatcher.hpp"
#include "wirewatch/log.hpp"
#include "wirewatch/net/transfers.hpp"
#include "wirewatch/state/store.hpp"

namespace {

using Steady = std::chrono::steady_clock;
using namespace std::chrono_literals;

std::string payload(const std::string& id) {
    ww::notify::Alert alert;
    alert.id = id;
    alert.subscriber_id = "desk";
    alert.severity = ww::rules::Severity::High;
    alert.source_id = "wire";
    alert.item_id = id;
    alert.url = "https://news.example/story/" + id;
    alert.title = "Officials report talks on a cease-fire near the border (" + id + ")";
    alert.snippet = "Negotiators met on Tuesday to discuss a cease-fire and humanitarian corridors";
    alert.highlights = {{38, 48}};
    alert.rules = {{"ceasefire", ww::rules::Severity::High, {"cease-fire"}}};
    alert.tags = {"conflict"};
    alert.created_at =
        std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
    return ww::notify::to_json(alert).dump();
}

// One "document batch": the alerts it produced, written in one transaction, then a kick.
void queue(ww::state::Store& store, ww::alerts::Dispatcher& dispatcher, int first, int count,
           const std::string& prefix) {
    std::vector<std::string> items;
    std::vector<ww::state::NewAlert> alerts;
    for (int i = first; i < first + count; ++i) {
        const std::string id = prefix + std::to_string(i);
        items.push_back(id);
        ww::state::NewAlert alert;
        alert.alert_id = id;
        alert.subscriber_id = "desk";
        alert.payload = payload(id);
        alert.channels = {"hook"};
        alerts.push_back(std::move(alert));
    }
    store.record("wire", items, alerts, std::chrono::system_clock::now());
    dispatcher.kick();
}

// The outbox lives on disk, as in the daemon: a fresh directory under TMPDIR, removed at exit.
struct ScratchDir {
    ScratchDir() {
        std::string pattern =
            (std::filesystem::temp_directory_path() / "ww-bench-outbox-XXXXXX").string();
        if (mkdtemp(pattern.data()) == nullptr) {
            std::perror("mkdtemp");
            std::exit(1);
        }
        path = pattern;
    }
    ~ScratchDir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
    std::filesystem::path path;
};

// CPU time of the calling thread: the loop thread's cost, whatever else shares the cores.
double thread_cpu_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

double percentile(std::vector<double> v, double p) {
    if (v.empty()) {
        return 0;
    }
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

// Runs the loop until the receiver has `n` requests (or a minute passes); false on timeout.
bool run_until(boost::asio::io_context& io, ww::testing::WebhookServer& server, std::size_t n) {
    const auto give_up = Steady::now() + 60s;
    while (server.count() < n && Steady::now() < give_up) {
        io.restart();  // run_for() stops the context whenever it runs out of work
        io.run_for(5ms);
    }
    return server.count() >= n;
}

}  // namespace

int main(int argc, char** argv) {
    const int total = argc > 1 ? std::atoi(argv[1]) : 20000;
    const int batch = argc > 2 ? std::atoi(argv[2]) : 100;
    const int rate = argc > 3 ? std::atoi(argv[3]) : 1000;
    const int seconds = argc > 4 ? std::atoi(argv[4]) : 10;
    ww::configure_logging("error");

    ScratchDir dir;
    ww::testing::WebhookServer server;
    // Arrival of each alert id at the receiver, taken on the server's threads.
    std::mutex mutex;
    std::map<std::string, Steady::time_point> received;
    server.on_request([&](const ww::testing::WebhookServer::Received& r) {
        std::lock_guard lock(mutex);
        received.emplace(r.headers.at("x-wirewatch-alert-id"), r.at);
    });

    boost::asio::io_context io;
    ww::SystemClock clock;
    ww::net::Transfers transfers(io);
    auto store = ww::state::Store::open(dir.path);
    ww::notify::NotifierContext context{&io, &transfers, &clock, "bench"};
    ww::alerts::Dispatcher dispatcher(io, *store, clock);
    dispatcher.set_channels(
        {{"hook", std::make_shared<ww::notify::HttpChannel>(
                      "hook", ww::notify::HttpChannel::Kind::Webhook, server.url(), "", context)}});

    // --- 1. throughput --------------------------------------------------------------------
    const auto t0 = Steady::now();
    const double cpu0 = thread_cpu_seconds();
    for (int first = 0; first < total; first += batch) {
        boost::asio::post(io, [&, first] {
            queue(*store, dispatcher, first, std::min(batch, total - first), "t-");
        });
    }
    if (!run_until(io, server, static_cast<std::size_t>(total))) {
        std::fprintf(stderr, "throughput: only %zu of %d alerts arrived\n", server.count(), total);
        return 1;
    }
    const double elapsed = std::chrono::duration<double>(Steady::now() - t0).count();
    const double cpu = thread_cpu_seconds() - cpu0;
    // Let the last answers be recorded before measuring the next phase.
    while (store->pending_count() > 0 && Steady::now() - t0 < 120s) {
        io.restart();
        io.run_for(5ms);
    }
    std::printf(
        "outbox throughput: %d alerts in %.2f s = %.0f alerts/s (batches of %d, WAL on "
        "disk, webhook on loopback)\n",
        total, elapsed, total / elapsed, batch);
    std::printf("loop thread CPU: %.2f s = %.1f us per alert = %.0f alerts per CPU-second\n", cpu,
                cpu * 1e6 / total, total / cpu);

    // --- 2. latency at an offered load ----------------------------------------------------
    // Every 10 ms a batch of rate/100 alerts arrives.
    const int per_tick = std::max(1, rate / 100);
    const int ticks = seconds * 100;
    std::map<std::string, Steady::time_point> arrived;
    boost::asio::steady_timer ticker(io);
    int tick = 0;
    std::function<void(Steady::time_point)> next = [&](Steady::time_point due) {
        ticker.expires_at(due);
        ticker.async_wait([&, due](boost::system::error_code ec) {
            if (ec) {
                return;
            }
            const auto now = Steady::now();
            for (int i = 0; i < per_tick; ++i) {
                arrived.emplace("l-" + std::to_string(tick * per_tick + i), now);
            }
            queue(*store, dispatcher, tick * per_tick, per_tick, "l-");
            if (++tick < ticks) {
                next(due + 10ms);
            }
        });
    };
    const std::size_t before = server.count();
    next(Steady::now() + 10ms);
    const std::size_t expected = before + static_cast<std::size_t>(per_tick * ticks);
    if (!run_until(io, server, expected)) {
        std::fprintf(stderr, "latency: only %zu of %zu alerts arrived\n", server.count() - before,
                     expected - before);
        return 1;
    }
    std::vector<double> ms;
    {
        std::lock_guard lock(mutex);
        for (const auto& [id, at] : arrived) {
            ms.push_back(std::chrono::duration<double, std::milli>(received.at(id) - at).count());
        }
    }
    std::printf(
        "outbox latency at %d alerts/s offered for %d s (%zu alerts): p50 %.2f ms, p99 "
        "%.2f ms, max %.2f ms\n",
        per_tick * 100, seconds, ms.size(), percentile(ms, 0.50), percentile(ms, 0.99),
        percentile(ms, 1.0));
    return 0;
}

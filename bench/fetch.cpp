// Fetch + parse throughput (issue 4, Speed): a loopback server with N distinct feeds of 20
// items each, every feed polled once through the real path (Fetcher -> Transfers -> libcurl
// multi on Asio -> parse) on one loop thread; plus parse throughput for feeds and HTML, timer
// lateness on the loop during the burst, and the RSS of 50,000 configured sources.
//
//   bench_fetch [feeds=10000] [configured=50000]

#include <sys/resource.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>

#include "sources/http_source.hpp"
#include "support/http_server.hpp"
#include "wirewatch/log.hpp"
#include "wirewatch/net/transfers.hpp"
#include "wirewatch/parse/feed.hpp"
#include "wirewatch/sources/fetcher.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

long rss_kib() {
    long size = 0;
    long resident = 0;
    if (FILE* f = std::fopen("/proc/self/statm", "r")) {
        if (std::fscanf(f, "%ld %ld", &size, &resident) != 2) {
            resident = 0;
        }
        std::fclose(f);
    }
    return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

long peak_rss_kib() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}

std::string feed(int n) {
    std::string out =
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\"><channel>"
        "<title>Feed " +
        std::to_string(n) + "</title><link>https://news.example/" + std::to_string(n) + "/</link>";
    for (int i = 0; i < 20; ++i) {
        const std::string id = std::to_string(n) + "-" + std::to_string(i);
        out += "<item><title>Officials report talks on a cease-fire near the border, item " + id +
               "</title><link>https://news.example/" + std::to_string(n) + "/story/" + id +
               "?utm_source=rss</link><guid isPermaLink=\"false\">urn:bench:" + id +
               "</guid><pubDate>Tue, 25 Nov 2026 09:14:03 GMT</pubDate><description>"
               "Negotiators met on Tuesday in a neutral capital to discuss humanitarian corridors, "
               "prisoner exchanges and the monitoring of a truce that both sides said they "
               "wanted to hold through the winter months.</description></item>";
    }
    return out + "</channel></rss>";
}

std::string page() {
    std::string html =
        "<!doctype html><html lang=\"en\"><head><title>Story</title></head><body>"
        "<header><nav><a href=/>Home</a><a href=/world>World</a></nav></header>"
        "<article><h1>Talks resume</h1>";
    for (int i = 0; i < 40; ++i) {
        html += "<p>Paragraph " + std::to_string(i) +
                ": negotiators met on Tuesday to discuss corridors, exchanges and a truce that "
                "both sides said they wanted to hold through the winter, officials said.</p>";
    }
    return html + "</article><footer>Copyright, cookies, newsletter</footer></body></html>";
}

template <typename F>
double mb_per_second(const std::string& input, F&& parse_once) {
    const auto start = Clock::now();
    std::size_t bytes = 0;
    while (Clock::now() - start < 2s) {
        parse_once();
        bytes += input.size();
    }
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    return static_cast<double>(bytes) / 1e6 / seconds;
}

}  // namespace

int main(int argc, char** argv) {
    const int feeds = argc > 1 ? std::atoi(argv[1]) : 10000;
    const int configured = argc > 2 ? std::atoi(argv[2]) : 50000;
    ww::configure_logging("error");

    // --- parse throughput ----------------------------------------------------------------
    const std::string one_feed = feed(1);
    std::string big_feed = one_feed;  // ~20 items; parse a few thousand times
    const double feed_mbs = mb_per_second(big_feed, [&] {
        auto r = ww::parse::parse(big_feed, "https://news.example/feed");
        if (r.documents.size() != 20) {
            std::abort();
        }
    });
    const std::string html = page();
    const double html_mbs = mb_per_second(html, [&] {
        auto a = ww::parse::extract_article(html, "https://news.example/story");
        if (a.body.empty()) {
            std::abort();
        }
    });

    // --- fetch + parse burst ---------------------------------------------------------------
    ww::testing::HttpServer server;
    server.record_requests(false);
    for (int i = 0; i < feeds; ++i) {
        server.route("/f/" + std::to_string(i),
                     ww::testing::Reply{200,
                                        {{"Content-Type", "application/rss+xml"},
                                         {"ETag", "\"" + std::to_string(i) + "\""}},
                                        feed(i)});
    }
    boost::asio::io_context io;
    ww::SystemClock clock;
    ww::net::Transfers transfers(io);
    ww::config::FetchConfig fetch;
    fetch.per_host = 64;  // one loopback host stands in for many publishers
    ww::sources::Fetcher fetcher(transfers, clock, fetch, "");
    std::uint64_t items = 0;
    ww::sources::SourceContext context{io, clock, fetch, [&](ww::sources::Batch& b) {
                                           items += b.documents.size();
                                           return true;
                                       }};
    context.fetcher = &fetcher;
    std::vector<std::unique_ptr<ww::sources::HttpSource>> sources;
    for (int i = 0; i < feeds; ++i) {
        ww::config::SourceConfig c;
        c.id = "s" + std::to_string(i);
        c.type = "feed";
        c.url = server.url("/f/" + std::to_string(i));
        sources.push_back(std::make_unique<ww::sources::HttpSource>(c, context));
    }
    const long rss_before = rss_kib();
    // Timer lateness: a 10 ms ticker on the same loop.
    boost::asio::steady_timer ticker(io);
    std::chrono::nanoseconds worst_late{0};
    int remaining = feeds;
    std::function<void(Clock::time_point)> tick = [&](Clock::time_point due) {
        ticker.expires_at(due);
        ticker.async_wait([&, due](boost::system::error_code ec) {
            if (ec) {
                return;
            }
            worst_late = std::max(worst_late, Clock::now() - due);
            if (remaining > 0) {
                tick(due + 10ms);
            }
        });
    };
    const auto start = Clock::now();
    tick(start + 10ms);
    for (auto& s : sources) {
        s->poll([&] { --remaining; });
    }
    io.run();
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    const long burst_peak = peak_rss_kib();
    sources.clear();

    // --- RSS of many configured (idle) sources -----------------------------------------------
    const long rss_idle_before = rss_kib();
    std::vector<std::unique_ptr<ww::sources::HttpSource>> idle;
    idle.reserve(static_cast<std::size_t>(configured));
    for (int i = 0; i < configured; ++i) {
        ww::config::SourceConfig c;
        c.id = "idle" + std::to_string(i);
        c.type = "feed";
        c.url = "https://publisher" + std::to_string(i % 5000) + ".example/feed/" +
                std::to_string(i) + ".xml";
        c.tags = {"news", "europe"};
        idle.push_back(std::make_unique<ww::sources::HttpSource>(c, context));
    }
    const long rss_idle = rss_kib() - rss_idle_before;

    std::printf("feeds polled:            %d (%d requests at the server)\n", feeds, server.total());
    std::printf("fetch+parse rate:        %.0f feeds/s\n", feeds / seconds);
    std::printf("items:                   %.0f items/s (%llu items)\n", items / seconds,
                static_cast<unsigned long long>(items));
    std::printf("worst timer lateness:    %.1f ms (10 ms ticker on the loop during the burst)\n",
                std::chrono::duration<double, std::milli>(worst_late).count());
    std::printf("RSS before burst:        %.1f MiB; peak: %.1f MiB (server thread included)\n",
                rss_before / 1024.0, burst_peak / 1024.0);
    std::printf("feed parsing:            %.1f MB/s (RSS 2.0, 20 items, %zu bytes)\n", feed_mbs,
                one_feed.size());
    std::printf("HTML to text:            %.1f MB/s (%zu-byte article page)\n", html_mbs,
                html.size());
    std::printf("%d idle sources:      +%.1f MiB RSS (%.0f bytes each)\n", configured,
                rss_idle / 1024.0, rss_idle * 1024.0 / configured);
    return 0;
}

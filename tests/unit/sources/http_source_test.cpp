#include "sources/http_source.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <sstream>

#include "support/captured_log.hpp"
#include "support/http_server.hpp"
#include "support/temp_dir.hpp"
#include "wirewatch/log.hpp"
#include "wirewatch/sources/fetcher.hpp"
#include "wirewatch/sources/source_metrics.hpp"
#include "wirewatch/state/source_state.hpp"
#include "wirewatch/state/store.hpp"
#include "wirewatch/text/normalize.hpp"

namespace ww::sources {
namespace {

using namespace std::chrono_literals;
using testing::CapturedLog;
using testing::HttpServer;
using testing::Reply;
using testing::SeenRequest;

std::string rss(const std::vector<std::pair<std::string, std::string>>& items) {
    std::string out = R"(<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>)";
    for (const auto& [guid, title] : items) {
        out += "<item><guid>" + guid + "</guid><title>" + title + "</title><link>http://x/" + guid +
               "</link><description>about " + title + "</description></item>";
    }
    return out + "</channel></rss>";
}

// Everything a source needs, on disk in a temp dir; reopen() simulates a daemon restart.
struct Harness {
    explicit Harness(const std::filesystem::path& dir) : dir(dir) { reopen(); }

    void reopen() {
        sources_.clear();
        context.reset();
        fetcher.reset();
        transfers.reset();
        source_state.reset();
        store.reset();
        store = state::Store::open(dir);
        source_state = std::make_unique<state::SourceState>(*store);
        transfers = std::make_unique<net::Transfers>(io);
        fetcher = std::make_unique<Fetcher>(*transfers, clock, fetch, "");
        context = std::make_unique<SourceContext>(
            SourceContext{io, clock, fetch, [this](Batch& b) {
                              batches.push_back(b);
                              std::vector<std::string> ids;
                              for (const auto& d : b.documents) {
                                  ids.push_back(d.item_id);
                              }
                              store->record(b.source_id, ids, {}, clock.now());
                              return true;
                          }});
        context->fetcher = fetcher.get();
        context->state = source_state.get();
        context->metrics = &metrics;
        context->notify_admin = [this](const std::string& source_id, const std::string& text) {
            admin_notices.push_back(source_id + ": " + text);
        };
        fetcher->set_metrics(&metrics);
    }

    double fetches(const std::string& source, const std::string& result) {
        return static_cast<double>(
            registry.counter("wirewatch_fetches_total", "", {"source", "result"})
                .with({source, result})
                .value());
    }

    HttpSource& add(const std::string& id, const std::string& url,
                    const std::string& type = "feed") {
        config::SourceConfig c;
        c.id = id;
        c.type = type;
        c.url = url;
        c.interval = 60s;
        sources_.push_back(std::make_unique<HttpSource>(c, *context));
        return *sources_.back();
    }

    void poll(HttpSource& source) {
        bool done = false;
        source.poll([&] { done = true; });
        io.restart();
        while (!done && io.run_one() > 0) {
        }
        ASSERT_TRUE(done);
    }

    std::filesystem::path dir;
    boost::asio::io_context io;
    ManualClock clock{std::chrono::system_clock::time_point(std::chrono::hours(24 * 20000))};
    config::FetchConfig fetch;
    std::unique_ptr<state::Store> store;
    std::unique_ptr<state::SourceState> source_state;
    std::unique_ptr<net::Transfers> transfers;
    std::unique_ptr<Fetcher> fetcher;
    std::unique_ptr<SourceContext> context;
    std::vector<std::unique_ptr<HttpSource>> sources_;
    std::vector<Batch> batches;
    metrics::Registry registry;
    SourceMetrics metrics{registry};
    std::vector<std::string> admin_notices;
};

TEST(HttpSource, ConditionalGetAndValidatorsSurviveRestart) {
    testing::TempDir dir;
    HttpServer server;
    // A weak ETag and an odd date, to prove they are echoed byte-exact.
    const std::string etag = "W/\"abc 123\"";
    const std::string modified = "Tue, 25 Nov 2026 09:14:03 GMT";
    server.route("/feed", [&](const SeenRequest& req) {
        if (req.header("if-none-match") == etag) {
            return Reply{304, {{"ETag", etag}}, ""};
        }
        return Reply{200,
                     {{"ETag", etag}, {"Last-Modified", modified}},
                     rss({{"a", "Alpha"}, {"b", "Beta"}})};
    });
    Harness h(dir.path());
    h.poll(h.add("s", server.url("/feed")));
    ASSERT_EQ(h.batches.size(), 1u);
    EXPECT_EQ(h.batches[0].documents.size(), 2u);
    EXPECT_EQ(h.batches[0].documents[0].source_id, "s");

    h.reopen();  // a restart: validators come back from SQLite
    h.batches.clear();
    const auto before = counters().not_modified.load();
    auto& again = h.add("s", server.url("/feed"));
    h.poll(again);
    EXPECT_TRUE(h.batches.empty());  // 304: nothing parsed, nothing emitted
    EXPECT_EQ(counters().not_modified.load(), before + 1);
    auto seen = server.requests("/feed");
    ASSERT_EQ(seen.size(), 2u);
    EXPECT_EQ(seen[0].header("if-none-match"), "");
    EXPECT_EQ(seen[1].header("if-none-match"), etag);
    EXPECT_EQ(seen[1].header("if-modified-since"), modified);
    EXPECT_EQ(again.record().failures, 0);
    EXPECT_TRUE(again.record().last_success.has_value());
}

TEST(HttpSource, PermanentRedirectAdoptedOnlyAfterSeveralPolls) {
    testing::TempDir dir;
    HttpServer server;
    server.route("/old", Reply{301, {{"Location", "/new"}}, ""});
    server.route("/new", Reply{200, {}, rss({{"a", "A"}})});
    server.route("/tmp", Reply{302, {{"Location", "/new"}}, ""});
    Harness h(dir.path());
    auto& s = h.add("s", server.url("/old"));
    auto& t = h.add("t", server.url("/tmp"));
    for (int i = 1; i < kRedirectPolls; ++i) {
        h.poll(s);
        EXPECT_EQ(s.record().url, server.url("/old"));
        EXPECT_EQ(s.record().redirect_polls, i);
    }
    h.poll(s);
    EXPECT_EQ(s.record().url, server.url("/new"));
    h.poll(s);
    EXPECT_EQ(server.count("/old"), kRedirectPolls);  // the old URL is no longer asked
    for (int i = 0; i < kRedirectPolls + 1; ++i) {
        h.poll(t);
    }
    EXPECT_EQ(t.record().url, server.url("/tmp"));  // 302 is temporary
    h.reopen();
    EXPECT_EQ(h.source_state->load("s", server.url("/old")).url, server.url("/new"));
    // A changed config URL starts afresh.
    EXPECT_EQ(h.source_state->load("s", server.url("/other")).url, server.url("/other"));
}

TEST(HttpSource, RedirectToFileIsRefused) {
    testing::TempDir dir;
    auto secret = dir.write("secret.xml", rss({{"secret", "TOP SECRET"}}));
    HttpServer server;
    server.route("/feed", Reply{302, {{"Location", "file://" + secret.string()}}, ""});
    Harness h(dir.path());
    auto& s = h.add("s", server.url("/feed"));
    h.poll(s);
    EXPECT_TRUE(h.batches.empty());
    EXPECT_EQ(s.record().failures, 1);
    EXPECT_EQ(s.record().url, server.url("/feed"));
}

TEST(HttpSource, RetryAfterSecondsPausesTheWholeHost) {
    testing::TempDir dir;
    HttpServer server;
    server.route("/a", Reply{429, {{"Retry-After", "120"}}, ""});
    server.route("/b", Reply{200, {}, rss({{"b", "B"}})});
    Harness h(dir.path());
    auto& a = h.add("a", server.url("/a"));
    auto& b = h.add("b", server.url("/b"));
    h.poll(a);
    EXPECT_EQ(a.record().failures, 1);
    ASSERT_TRUE(a.record().next_poll);
    EXPECT_GE(*a.record().next_poll, h.clock.now() + 120s);
    auto paused = h.fetcher->host_paused_until(url_host(server.url("/")));
    ASSERT_TRUE(paused);
    EXPECT_EQ(*paused, h.clock.now() + 120s);
    h.poll(b);  // same host: not even asked
    EXPECT_EQ(server.count("/b"), 0);
    EXPECT_TRUE(h.batches.empty());
    h.clock.advance(121s);  // the pause is over
    h.poll(b);
    EXPECT_EQ(server.count("/b"), 1);
    EXPECT_EQ(h.batches.size(), 1u);
}

TEST(HttpSource, RetryAfterHttpDatePausesUntilThatTime) {
    testing::TempDir dir;
    HttpServer server;
    Harness h(dir.path());
    h.clock.set(std::chrono::sys_days(std::chrono::year(2026) / 11 / 25) + 9h);
    server.route("/a", Reply{503, {{"Retry-After", "Wed, 25 Nov 2026 10:30:00 GMT"}}, ""});
    auto& a = h.add("a", server.url("/a"));
    h.poll(a);
    auto paused = h.fetcher->host_paused_until(url_host(server.url("/")));
    ASSERT_TRUE(paused);
    EXPECT_EQ(*paused, h.clock.now() + 90min);
}

TEST(RetryAfter, ParsesBothFormsAgainstTheInjectedClock) {
    const TimePoint now = std::chrono::sys_days(std::chrono::year(2026) / 11 / 25) + 9h;
    EXPECT_EQ(parse_retry_after(" 30 ", now), now + 30s);
    EXPECT_EQ(parse_retry_after("Wed, 25 Nov 2026 09:01:00 GMT", now), now + 60s);
    EXPECT_EQ(parse_retry_after("Wednesday, 25-Nov-26 09:02:00 GMT", now), now + 120s);
    EXPECT_EQ(parse_retry_after("Tue, 24 Nov 2026 09:00:00 GMT", now), now);  // past: now
    EXPECT_EQ(parse_retry_after("soon", now), std::nullopt);
    EXPECT_EQ(parse_retry_after("", now), std::nullopt);
    EXPECT_EQ(parse_retry_after("99999999999999", now), std::nullopt);
}

TEST(Backoff, DoublesWithJitterAndIsCapped) {
    std::minstd_rand random(1);
    const std::chrono::milliseconds interval = 60s;
    const std::chrono::milliseconds cap = 6h;
    for (int failures = 1; failures <= 40; ++failures) {
        std::chrono::milliseconds ideal = interval;
        for (int i = 1; i < failures && ideal < cap; ++i) {
            ideal *= 2;
        }
        ideal = std::min(ideal, cap);
        for (int k = 0; k < 20; ++k) {
            auto d = backoff_delay(failures, interval, cap, random);
            EXPECT_GE(d, ideal / 2) << failures;
            EXPECT_LE(d, ideal) << failures;
        }
    }
}

TEST(HttpSource, ServerErrorsBackOffAndNeverGiveUp) {
    testing::TempDir dir;
    HttpServer server;
    server.route("/feed", Reply{500, {}, "boom"});
    Harness h(dir.path());
    auto& s = h.add("s", server.url("/feed"));
    for (int i = 1; i <= 12; ++i) {
        h.poll(s);
        EXPECT_EQ(s.record().failures, i);
        ASSERT_TRUE(s.record().next_poll);
        EXPECT_LE(*s.record().next_poll - h.clock.now(), std::chrono::hours(6));
    }
    EXPECT_GE(*s.record().next_poll - h.clock.now(), std::chrono::hours(3));
    EXPECT_FALSE(s.record().disabled);
    server.route("/feed", Reply{200, {}, rss({{"a", "A"}})});
    h.poll(s);
    EXPECT_EQ(s.record().failures, 0);
    EXPECT_FALSE(s.record().next_poll);
    // 404 is a failure too, not a reason to stop.
    server.route("/feed", Reply{404, {}, ""});
    h.poll(s);
    EXPECT_EQ(s.record().failures, 1);
}

TEST(HttpSource, GoneDisablesTheSourceAcrossRestarts) {
    testing::TempDir dir;
    HttpServer server;
    server.route("/feed", Reply{410, {}, ""});
    Harness h(dir.path());
    CapturedLog log;
    const auto before = counters().gone.load();
    // A token in the URL must not reach the log or the notice.
    auto& s = h.add("s", server.url("/feed?token=s3cr3t-value"));
    h.poll(s);
    EXPECT_TRUE(s.record().disabled);
    EXPECT_EQ(s.health(), Health::Disabled);
    EXPECT_EQ(counters().gone.load(), before + 1);
    EXPECT_EQ(h.fetches("s", "gone"), 1);
    // The admin is told: one error line with source= and url=, and one notice.
    EXPECT_EQ(log.count("error", "source=s url=" + server.url("/feed?token=***") + ": 410 Gone"), 1)
        << log.text();
    ASSERT_EQ(h.admin_notices.size(), 1u);
    EXPECT_NE(h.admin_notices[0].find("source \"s\" disabled"), std::string::npos);
    EXPECT_NE(h.admin_notices[0].find("410 Gone"), std::string::npos);
    EXPECT_EQ(log.text().find("s3cr3t-value"), std::string::npos) << log.text();
    EXPECT_EQ(h.admin_notices[0].find("s3cr3t-value"), std::string::npos);
    h.reopen();
    auto& again = h.add("s", server.url("/feed?token=s3cr3t-value"));
    h.poll(again);
    EXPECT_EQ(server.count("/feed"), 1);
    EXPECT_EQ(again.health(), Health::Disabled);
    EXPECT_EQ(h.admin_notices.size(), 1u);  // told once, not at every restart
}

TEST(HttpSource, FetchesAreCountedBySourceAndResult) {
    testing::TempDir dir;
    HttpServer server;
    const std::string etag = "\"v1\"";
    server.route("/feed", [&](const SeenRequest& req) {
        if (req.header("if-none-match") == etag) {
            return Reply{304, {{"ETag", etag}}, ""};
        }
        return Reply{200, {{"ETag", etag}}, rss({{"a", "A"}})};
    });
    server.route("/broken", Reply{500, {}, ""});
    server.route("/junk", Reply{200, {}, "this is neither a feed nor a page \x01\x02"});
    server.route("/busy", Reply{429, {{"Retry-After", "120"}}, ""});
    server.route("/messy", Reply{200,
                                 {},
                                 "<rss version=\"2.0\"><channel><item><title>A & B"
                                 "</title><guid>m1</guid></item></channel></rss>"});
    Harness h(dir.path());
    h.metrics.configured({{.id = "feed", .type = "feed"}, {.id = "drop", .type = "spool"}});
    // Every result of a configured fetching source exists at 0 before its first poll.
    for (const char* result : {"ok", "not_modified", "error", "gone", "paused"}) {
        EXPECT_EQ(h.fetches("feed", result), 0) << result;
    }
    auto& feed = h.add("feed", server.url("/feed"));
    EXPECT_EQ(feed.health(), Health::NeverPolled);
    h.poll(feed);
    h.poll(feed);
    EXPECT_EQ(h.fetches("feed", "ok"), 1);
    EXPECT_EQ(h.fetches("feed", "not_modified"), 1);
    EXPECT_EQ(feed.health(), Health::Ok);

    auto& broken = h.add("broken", server.url("/broken"));
    h.poll(broken);
    EXPECT_EQ(h.fetches("broken", "error"), 1);
    EXPECT_EQ(broken.health(), Health::Failing);

    auto& junk = h.add("junk", server.url("/junk"));
    h.poll(junk);
    EXPECT_EQ(h.fetches("junk", "error"), 1);
    auto& parse_errors = h.registry.counter("wirewatch_parse_errors_total", "", {"source"});
    EXPECT_EQ(parse_errors.with({"junk"}).value(), 1u);

    auto& messy = h.add("messy", server.url("/messy"));
    h.poll(messy);
    EXPECT_EQ(h.fetches("messy", "ok"), 1);  // recovered: used, and counted as a parse error
    EXPECT_EQ(parse_errors.with({"messy"}).value(), 1u);
    EXPECT_EQ(messy.health(), Health::Ok);

    auto& busy = h.add("busy", server.url("/busy"));
    h.poll(busy);
    h.poll(busy);  // its host is paused now: no request, still counted
    EXPECT_EQ(h.fetches("busy", "paused"), 2);
    EXPECT_EQ(server.count("/busy"), 1);

    // One observation per HTTP request made.
    auto& seconds = h.registry.histogram("wirewatch_fetch_duration_seconds", "", {},
                                         metrics::seconds_buckets());
    EXPECT_EQ(seconds.get().snapshot().count, 6u);

    h.metrics.health({feed.health(), broken.health(), junk.health(), Health::NeverPolled});
    auto& by_state = h.registry.gauge("wirewatch_sources_by_state", "", {"state"});
    EXPECT_EQ(by_state.with({"ok"}).value(), 1);
    EXPECT_EQ(by_state.with({"failing"}).value(), 2);
    EXPECT_EQ(by_state.with({"never_polled"}).value(), 1);
    EXPECT_EQ(by_state.with({"disabled"}).value(), 0);
    // Ids, never URLs, in the labels.
    EXPECT_EQ(h.registry.expose().find("127.0.0.1"), std::string::npos);
}

TEST(HttpSource, AFailingSourceLogsOncePerChangeOrHourNotEveryPoll) {
    testing::TempDir dir;
    HttpServer server;
    server.route("/feed", Reply{500, {}, ""});
    Harness h(dir.path());
    CapturedLog log;
    auto& s = h.add("s", server.url("/feed"));
    for (int i = 0; i < 5; ++i) {
        h.poll(s);
        h.clock.advance(std::chrono::minutes(10));
    }
    EXPECT_EQ(log.count("warning", "source=s url="), 1) << log.text();
    EXPECT_EQ(log.count("warning", "HTTP 500 (failure 1,"), 1) << log.text();
    // Another problem is a change of state: logged at once.
    server.route("/feed", Reply{404, {}, ""});
    h.poll(s);
    EXPECT_EQ(log.count("warning", "HTTP 404 (failure 6,"), 1) << log.text();
    // The same problem an hour later: logged again, once.
    h.clock.advance(std::chrono::minutes(61));
    h.poll(s);
    h.poll(s);
    EXPECT_EQ(log.count("warning", "HTTP 404"), 2) << log.text();
    // Recovery is one line, and the next failure is news again.
    server.route("/feed", Reply{200, {}, rss({{"a", "A"}})});
    h.poll(s);
    EXPECT_EQ(log.count("info",
                        "source=s url=" + server.url("/feed") + ": recovered after 8 failed polls"),
              1)
        << log.text();
    server.route("/feed", Reply{500, {}, ""});
    h.poll(s);
    EXPECT_EQ(log.count("warning", "HTTP 500 (failure 1,"), 2) << log.text();
    EXPECT_EQ(log.count("warning", "source=s"), 4) << log.text();
}

TEST(HttpSource, ARecoveredMalformedFeedWarnsOnceAnHourNotEveryPoll) {
    testing::TempDir dir;
    HttpServer server;
    server.route("/feed", Reply{200,
                                {},
                                "<rss version=\"2.0\"><channel><item><title>A & B"
                                "</title><guid>m1</guid></item></channel></rss>"});
    Harness h(dir.path());
    CapturedLog log;
    auto& s = h.add("s", server.url("/feed"));
    for (int i = 0; i < 3; ++i) {
        h.poll(s);
    }
    EXPECT_EQ(log.count("warning", "malformed"), 1) << log.text();
    h.clock.advance(std::chrono::minutes(61));
    h.poll(s);
    EXPECT_EQ(log.count("warning", "malformed"), 2) << log.text();
}

TEST(HttpSource, TricklingServerTimesOutWhileOtherSourcesKeepPolling) {
    testing::TempDir dir;
    HttpServer server;
    Reply slow{200, {}, rss({{"s", "S"}})};
    slow.trickle = 200ms;
    server.route("/slow", slow);
    server.route("/fast", Reply{200, {}, rss({{"f", "F"}})});
    Harness h(dir.path());
    h.fetch.timeout = 1s;
    h.reopen();
    auto& slow_source = h.add("slow", server.url("/slow"));
    auto& fast_source = h.add("fast", server.url("/fast"));
    bool slow_done = false;
    slow_source.poll([&] { slow_done = true; });
    int fast_polls = 0;
    std::function<void()> next = [&] {
        fast_source.poll([&] {
            ++fast_polls;
            if (!slow_done) {
                next();
            }
        });
    };
    next();
    h.io.run();
    EXPECT_TRUE(slow_done);
    EXPECT_EQ(slow_source.record().failures, 1);
    EXPECT_GE(fast_polls, 2);
    EXPECT_EQ(fast_source.record().failures, 0);
}

TEST(HttpSource, HugeBodyAndGzipBombAreFailuresAtTheCap) {
    testing::TempDir dir;
    HttpServer server;
    Reply big;
    big.stream_bytes = 50ull << 20;
    server.route("/big", big);
    static const std::string bomb = testing::gzip_bomb(64ull << 20);
    server.route("/bomb", Reply{200, {{"Content-Encoding", "gzip"}}, bomb});
    Harness h(dir.path());
    h.fetch.max_body = 2 << 20;
    h.reopen();
    const auto before = counters().too_large.load();
    auto& a = h.add("big", server.url("/big"));
    auto& b = h.add("bomb", server.url("/bomb"));
    h.poll(a);
    h.poll(b);
    EXPECT_EQ(counters().too_large.load(), before + 2);
    EXPECT_EQ(a.record().failures, 1);
    EXPECT_EQ(b.record().failures, 1);
    EXPECT_TRUE(h.batches.empty());
}

TEST(HttpSource, TruncatedXmlYieldsTheItemsBeforeTheCut) {
    testing::TempDir dir;
    HttpServer server;
    std::string full = rss({{"a", "Alpha"}, {"b", "Beta"}, {"c", "Gamma"}});
    server.route("/feed", Reply{200, {}, full.substr(0, full.find("<item><guid>c")) + "<item><gu"});
    Harness h(dir.path());
    h.poll(h.add("s", server.url("/feed")));
    ASSERT_EQ(h.batches.size(), 1u);
    ASSERT_GE(h.batches[0].documents.size(), 2u);
    EXPECT_EQ(h.batches[0].documents[0].title, "Alpha");
    EXPECT_EQ(h.batches[0].documents[1].title, "Beta");
}

TEST(HttpSource, ExternalEntitiesReadNoFileAndOpenNoConnection) {
    testing::TempDir dir;
    auto secret = dir.write("passwd", "root:SECRET-BYTES:0:0");
    HttpServer server;
    const std::string body =
        "<?xml version=\"1.0\"?>\n<!DOCTYPE rss [\n"
        "<!ENTITY file SYSTEM \"file://" +
        secret.string() +
        "\">\n"
        "<!ENTITY net SYSTEM \"" +
        server.url("/xxe") +
        "\">\n"
        "<!ENTITY % pe SYSTEM \"" +
        server.url("/xxe-dtd") +
        "\"> %pe;\n]>\n"
        "<rss version=\"2.0\"><channel><title>x</title><item><guid>1</guid>"
        "<title>a &file; b</title><description>c &net; d</description></item></channel></rss>";
    server.route("/feed", Reply{200, {}, body});
    Harness h(dir.path());
    h.poll(h.add("s", server.url("/feed")));
    EXPECT_EQ(server.count("/xxe"), 0);
    EXPECT_EQ(server.count("/xxe-dtd"), 0);
    for (const auto& batch : h.batches) {
        for (const auto& doc : batch.documents) {
            EXPECT_EQ(doc.title.find("SECRET"), std::string::npos);
            EXPECT_EQ(doc.summary.find("SECRET"), std::string::npos);
            EXPECT_EQ(doc.body.find("SECRET"), std::string::npos);
        }
    }
}

TEST(HttpSource, BillionLaughsFailsFastWithoutExpanding) {
    testing::TempDir dir;
    HttpServer server;
    std::string dtd = "<!ENTITY l0 \"ha\">";
    for (int i = 1; i <= 10; ++i) {
        dtd += "<!ENTITY l" + std::to_string(i) + " \"";
        for (int k = 0; k < 10; ++k) {
            dtd += "&l" + std::to_string(i - 1) + ";";
        }
        dtd += "\">";
    }
    server.route("/feed", Reply{200,
                                {},
                                "<?xml version=\"1.0\"?><!DOCTYPE rss [" + dtd +
                                    "]><rss version=\"2.0\"><channel><item><guid>1</guid>"
                                    "<title>&l10;</title></item></channel></rss>"});
    Harness h(dir.path());
    h.poll(h.add("s", server.url("/feed")));
    for (const auto& batch : h.batches) {
        for (const auto& doc : batch.documents) {
            EXPECT_LT(doc.title.size(), 10000u);
        }
    }
}

TEST(HttpSource, InvalidUtf8AndNulInTitlesComeOutAsValidUtf8) {
    testing::TempDir dir;
    HttpServer server;
    std::string body = rss({{"a", "bad \xC3\x28 byte"}, {"b", std::string("nul \0 here", 10)}});
    server.route("/feed",
                 Reply{200, {{"Content-Type", "application/rss+xml; charset=utf-8"}}, body});
    Harness h(dir.path());
    h.poll(h.add("s", server.url("/feed")));
    ASSERT_EQ(h.batches.size(), 1u);
    ASSERT_FALSE(h.batches[0].documents.empty());
    for (const auto& doc : h.batches[0].documents) {
        EXPECT_EQ(text::sanitize_utf8(doc.title), doc.title);
        EXPECT_EQ(doc.title.find('\0'), std::string::npos);
    }
    EXPECT_NE(h.batches[0].documents[0].title.find("bad"), std::string::npos);
}

TEST(HttpSource, PageAlertsOnlyOnNewParagraphs) {
    testing::TempDir dir;
    HttpServer server;
    auto page = [](const std::vector<std::string>& paragraphs) {
        std::string html =
            "<html><head><title>Live</title></head><body><nav>Home News Sport"
            "</nav><article><h1>Live updates</h1>";
        for (const auto& p : paragraphs) {
            html += "<p>" + p + "</p>";
        }
        return html + "</article><footer>Copyright</footer></body></html>";
    };
    const std::string p1 = "The first paragraph says the talks began in the morning.";
    const std::string p2 = "The second paragraph says a cease-fire was agreed at noon.";
    const std::string p3 = "A third paragraph, added later, says the cease-fire held.";
    server.route("/live", Reply{200, {}, page({p1, p2})});
    Harness h(dir.path());
    auto& s = h.add("live", server.url("/live"), "page");
    h.poll(s);
    ASSERT_EQ(h.batches.size(), 1u);
    EXPECT_NE(h.batches[0].documents[0].body.find(p2), std::string::npos);
    h.poll(s);  // unchanged: nothing new
    EXPECT_EQ(h.batches.size(), 1u);
    server.route("/live", Reply{200, {}, page({p1, p2, p3})});
    h.reopen();  // fingerprints are persistent
    auto& again = h.add("live", server.url("/live"), "page");
    h.poll(again);
    ASSERT_EQ(h.batches.size(), 2u);
    EXPECT_EQ(h.batches[1].documents.size(), 1u);
    EXPECT_EQ(h.batches[1].documents[0].body, p3);
}

TEST(HttpSource, SitemapIndexFetchesChildSitemaps) {
    testing::TempDir dir;
    HttpServer server;
    auto urlset = [](const std::string& loc) {
        return "<?xml version=\"1.0\"?><urlset "
               "xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"
               "<url><loc>" +
               loc + "</loc></url></urlset>";
    };
    server.route("/index.xml",
                 Reply{200,
                       {},
                       "<?xml version=\"1.0\"?><sitemapindex "
                       "xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"><sitemap><loc>" +
                           server.url("/s1.xml") + "</loc></sitemap><sitemap><loc>" +
                           server.url("/s2.xml") + "</loc></sitemap></sitemapindex>"});
    server.route("/s1.xml", Reply{200, {}, urlset("https://news.example/a")});
    server.route("/s2.xml", Reply{200, {}, urlset("https://news.example/b")});
    Harness h(dir.path());
    h.poll(h.add("sm", server.url("/index.xml"), "sitemap"));
    ASSERT_EQ(h.batches.size(), 1u);
    std::set<std::string> urls;
    for (const auto& d : h.batches[0].documents) {
        urls.insert(d.url);
    }
    EXPECT_EQ(urls, (std::set<std::string>{"https://news.example/a", "https://news.example/b"}));
}

TEST(HttpSource, FetchArticleReplacesTheSummaryWithArticleText) {
    testing::TempDir dir;
    HttpServer server;
    server.route("/feed",
                 Reply{200,
                       {},
                       "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><item><guid>1</guid>"
                       "<title>T</title><link>" +
                           server.url("/article") +
                           "</link><description>short</description></item></channel></rss>"});
    server.route("/article",
                 Reply{200,
                       {},
                       "<html><body><nav>Menu</nav><article><p>The full article text about the "
                       "Aleppo cease-fire, long enough to count as a paragraph.</p></article>"
                       "</body></html>"});
    Harness h(dir.path());
    config::SourceConfig c;
    c.id = "s";
    c.type = "feed";
    c.url = server.url("/feed");
    c.fetch_article = true;
    c.headers["X-Token"].env = "WW_TEST_TOKEN";
    setenv("WW_TEST_TOKEN", "tok123", 1);
    HttpSource s(c, *h.context);
    h.poll(s);
    ASSERT_EQ(h.batches.size(), 1u);
    EXPECT_NE(h.batches[0].documents[0].body.find("full article text"), std::string::npos);
    EXPECT_EQ(h.batches[0].documents[0].body.find("Menu"), std::string::npos);
    EXPECT_EQ(server.requests("/feed").at(0).header("x-token"), "tok123");
    h.poll(s);  // the item is seen now: its article is not fetched again
    EXPECT_EQ(server.count("/article"), 1);
}

TEST(Fetcher, PerHostAndGlobalLimits) {
    HttpServer server;
    Reply slow{200, {}, "x"};
    slow.delay = 100ms;
    server.route("/x", slow);
    boost::asio::io_context io;
    net::Transfers transfers(io);
    SystemClock clock;
    config::FetchConfig fetch;
    fetch.per_host = 2;
    fetch.max_parallel = 3;
    Fetcher fetcher(transfers, clock, fetch, "");
    auto owner = std::make_shared<int>(0);
    int done = 0;
    for (int i = 0; i < 5; ++i) {
        fetcher.fetch({server.url("/x")}, owner, [&](net::Response) { ++done; });
    }
    // A second host (same server, other name) gets its own per-host slots.
    const std::string other = "http://localhost:" + std::to_string(server.port()) + "/x";
    for (int i = 0; i < 2; ++i) {
        fetcher.fetch({other}, owner, [&](net::Response) { ++done; });
    }
    EXPECT_EQ(fetcher.in_flight(), 3u);  // 2 for 127.0.0.1, 1 for localhost (global cap)
    EXPECT_EQ(fetcher.queued(), 4u);
    io.run();
    EXPECT_EQ(done, 7);
}

TEST(Fetcher, DroppedOwnerGetsNoCallback) {
    HttpServer server;
    server.route("/x", Reply{200, {}, "x"});
    boost::asio::io_context io;
    net::Transfers transfers(io);
    SystemClock clock;
    Fetcher fetcher(transfers, clock, {}, "");
    bool called = false;
    {
        auto owner = std::make_shared<int>(0);
        fetcher.fetch({server.url("/x")}, owner, [&](net::Response) { called = true; });
    }
    io.run();
    EXPECT_FALSE(called);
}

TEST(UrlHost, LowercasesAndKeepsPort) {
    EXPECT_EQ(url_host("https://user:pw@Example.COM:8443/x?y"), "example.com:8443");
    EXPECT_EQ(url_host("http://a.b"), "a.b");
    EXPECT_EQ(url_host("nope"), "");
}

}  // namespace
}  // namespace ww::sources

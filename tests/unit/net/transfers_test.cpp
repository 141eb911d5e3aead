#include "wirewatch/net/transfers.hpp"

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <mutex>
#include <vector>

#include "support/http_server.hpp"
#include "support/temp_dir.hpp"

namespace ww::net {
namespace {

using namespace std::chrono_literals;
using testing::HttpServer;
using testing::Reply;

// Runs the loop until `n` responses arrived (the loop stops by itself when idle).
std::vector<Response> fetch_all(boost::asio::io_context& io, Transfers& transfers,
                                std::vector<Request> requests) {
    std::vector<Response> out(requests.size());
    for (std::size_t i = 0; i < requests.size(); ++i) {
        transfers.fetch(std::move(requests[i]), [&out, i](Response r) { out[i] = std::move(r); });
    }
    io.restart();
    io.run();
    return out;
}

Response fetch_one(Request request) {
    boost::asio::io_context io;
    Transfers transfers(io);
    std::vector<Request> requests;
    requests.push_back(std::move(request));
    return fetch_all(io, transfers, std::move(requests)).front();
}

TEST(Transfers, GetsBodyHeadersAndSendsUserAgentAndHeaders) {
    HttpServer server;
    server.route("/a", Reply{200, {{"ETag", "\"v1\""}, {"X-Mixed-Case", " spaced "}}, "hello"});
    Request request{server.url("/a")};
    request.headers = {"X-Token: abc", "If-None-Match: \"v0\""};
    Response r = fetch_one(request);
    EXPECT_EQ(r.result, CURLE_OK) << r.error;
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "hello");
    EXPECT_EQ(r.header("etag"), "\"v1\"");
    EXPECT_EQ(r.header("x-mixed-case"), "spaced");
    EXPECT_EQ(r.effective_url, server.url("/a"));
    auto seen = server.requests("/a");
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0].header("x-token"), "abc");
    EXPECT_EQ(seen[0].header("if-none-match"), "\"v0\"");
    EXPECT_NE(seen[0].header("user-agent").find(std::string("wirewatch/") + WW_VERSION),
              std::string::npos);
    EXPECT_NE(seen[0].header("accept-encoding").find("gzip"), std::string::npos);
}

TEST(Transfers, ManyConcurrentOnOneLoop) {
    HttpServer server;
    std::vector<Request> requests;
    for (int i = 0; i < 50; ++i) {
        server.route("/r" + std::to_string(i), Reply{200, {}, "body" + std::to_string(i)});
        requests.push_back({server.url("/r" + std::to_string(i))});
    }
    boost::asio::io_context io;
    Transfers transfers(io);
    auto responses = fetch_all(io, transfers, requests);
    for (int i = 0; i < 50; ++i) {
        EXPECT_EQ(responses[i].body, "body" + std::to_string(i));
    }
    EXPECT_EQ(transfers.active(), 0u);
}

TEST(Transfers, DecodesGzip) {
    HttpServer server;
    Reply reply{200, {}, std::string(100000, 'z')};
    reply.gzip = true;
    server.route("/gz", reply);
    Response r = fetch_one({server.url("/gz")});
    EXPECT_EQ(r.result, CURLE_OK) << r.error;
    EXPECT_EQ(r.body, std::string(100000, 'z'));
}

TEST(Transfers, FollowsRedirectsAndRecordsHops) {
    HttpServer server;
    server.route("/old", Reply{301, {{"Location", "/mid"}}, ""});
    server.route("/mid", Reply{302, {{"Location", server.url("/new")}}, ""});
    server.route("/new", Reply{200, {}, "here"});
    Response r = fetch_one({server.url("/old")});
    EXPECT_EQ(r.result, CURLE_OK) << r.error;
    EXPECT_EQ(r.body, "here");
    EXPECT_EQ(r.effective_url, server.url("/new"));
    ASSERT_EQ(r.redirects.size(), 2u);
    EXPECT_EQ(r.redirects[0], std::make_pair(301L, server.url("/mid")));
    EXPECT_EQ(r.redirects[1], std::make_pair(302L, server.url("/new")));
}

TEST(Transfers, RefusesRedirectToFile) {
    testing::TempDir dir;
    auto secret = dir.write("secret.txt", "TOP SECRET");
    HttpServer server;
    server.route("/evil", Reply{302, {{"Location", "file://" + secret.string()}}, ""});
    Response r = fetch_one({server.url("/evil")});
    EXPECT_NE(r.result, CURLE_OK);
    EXPECT_EQ(r.body.find("TOP SECRET"), std::string::npos);
}

TEST(Transfers, RefusesNonHttpUrl) {
    testing::TempDir dir;
    auto secret = dir.write("secret.txt", "TOP SECRET");
    Response r = fetch_one({"file://" + secret.string()});
    EXPECT_EQ(r.result, CURLE_UNSUPPORTED_PROTOCOL);
    EXPECT_TRUE(r.body.empty());
}

TEST(Transfers, TooManyRedirects) {
    HttpServer server;
    server.route("/loop", Reply{302, {{"Location", "/loop"}}, ""});
    Request request{server.url("/loop")};
    request.max_redirects = 3;
    Response r = fetch_one(request);
    EXPECT_EQ(r.result, CURLE_TOO_MANY_REDIRECTS);
    EXPECT_EQ(server.count("/loop"), 4);
}

TEST(Transfers, NoFollowWhenZeroRedirects) {
    HttpServer server;
    server.route("/old", Reply{301, {{"Location", "/new"}}, ""});
    Request request{server.url("/old")};
    request.max_redirects = 0;
    Response r = fetch_one(request);
    EXPECT_EQ(r.result, CURLE_OK);
    EXPECT_EQ(r.status, 301);
    EXPECT_EQ(r.header("location"), "/new");
    EXPECT_EQ(server.count("/new"), 0);
}

long peak_rss_kib() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}

TEST(Transfers, FiftyMebibyteBodyAbortedAtCap) {
    HttpServer server;
    Reply reply;
    reply.stream_bytes = 50ull << 20;
    server.route("/big", reply);
    Request request{server.url("/big")};
    request.max_body = 1 << 20;
    Response r = fetch_one(request);
    EXPECT_EQ(r.result, CURLE_WRITE_ERROR);
    EXPECT_TRUE(r.too_large);
    EXPECT_LE(r.body.size(), 1u << 20);
    EXPECT_NE(r.error.find("max_body"), std::string::npos);
}

TEST(Transfers, GzipBombAbortedAtCapOnDecompressedBytes) {
    HttpServer server;
    // 256 MiB of zeros in ~250 KiB of gzip: without a cap on decoded bytes it would all be
    // allocated.
    static const std::string bomb = testing::gzip_bomb(256ull << 20);
    ASSERT_LT(bomb.size(), 1u << 20);
    server.route("/bomb", Reply{200, {{"Content-Encoding", "gzip"}}, bomb});
    const long before = peak_rss_kib();
    Request request{server.url("/bomb")};
    request.max_body = 4 << 20;
    Response r = fetch_one(request);
    EXPECT_EQ(r.result, CURLE_WRITE_ERROR);
    EXPECT_TRUE(r.too_large);
    EXPECT_LE(r.body.size(), 4u << 20);
    // Memory stayed bounded: nowhere near the 256 MiB the bomb expands to.
    EXPECT_LT(peak_rss_kib() - before, 64 * 1024);
}

TEST(Transfers, TricklingServerTimesOutWhileOthersComplete) {
    HttpServer server;
    Reply slow{200, {}, std::string(1000, 's')};
    slow.trickle = 300ms;
    server.route("/slow", slow);
    server.route("/fast", Reply{200, {}, "fast"});
    boost::asio::io_context io;
    Transfers transfers(io);
    Request slow_request{server.url("/slow")};
    slow_request.timeout = 1500ms;
    std::optional<Response> slow_response;
    std::vector<Response> fast;
    transfers.fetch(slow_request, [&](Response r) { slow_response = std::move(r); });
    // While the slow one trickles, keep starting fast ones: they must all complete.
    boost::asio::steady_timer tick(io);
    std::function<void()> again = [&] {
        transfers.fetch({server.url("/fast")}, [&](Response r) { fast.push_back(std::move(r)); });
        if (!slow_response) {
            tick.expires_after(100ms);
            tick.async_wait([&](boost::system::error_code) { again(); });
        }
    };
    again();
    io.run();
    ASSERT_TRUE(slow_response);
    EXPECT_EQ(slow_response->result, CURLE_OPERATION_TIMEDOUT);
    EXPECT_GE(fast.size(), 3u);
    for (const auto& r : fast) {
        EXPECT_EQ(r.body, "fast");
    }
}

TEST(Transfers, LowSpeedLimitAborts) {
    HttpServer server;
    Reply slow{200, {}, std::string(1000, 's')};
    slow.trickle = 200ms;
    server.route("/slow", slow);
    Request request{server.url("/slow")};
    request.low_speed_limit = 1000;
    request.low_speed_time = std::chrono::seconds(1);
    Response r = fetch_one(request);
    EXPECT_EQ(r.result, CURLE_OPERATION_TIMEDOUT);
}

TEST(Transfers, ConnectionRefusedIsAnError) {
    unsigned short port;
    {
        HttpServer server;
        port = server.port();
    }
    Response r = fetch_one({"http://127.0.0.1:" + std::to_string(port) + "/x"});
    EXPECT_EQ(r.result, CURLE_COULDNT_CONNECT);
    EXPECT_FALSE(r.error.empty());
}

TEST(Transfers, CancelledTransferNeverCallsBack) {
    HttpServer server;
    Reply slow{200, {}, "late"};
    slow.delay = 500ms;
    server.route("/slow", slow);
    server.route("/fast", Reply{200, {}, "fast"});
    boost::asio::io_context io;
    Transfers transfers(io);
    bool slow_called = false;
    bool fast_called = false;
    auto id = transfers.fetch({server.url("/slow")}, [&](Response) { slow_called = true; });
    transfers.fetch({server.url("/fast")}, [&](Response) { fast_called = true; });
    EXPECT_EQ(transfers.active(), 2u);
    transfers.cancel(id);
    EXPECT_EQ(transfers.active(), 1u);
    io.run();
    EXPECT_FALSE(slow_called);
    EXPECT_TRUE(fast_called);
}

TEST(Transfers, DestroyedWithTransfersInFlight) {
    HttpServer server;
    Reply slow{200, {}, "late"};
    slow.delay = 300ms;
    server.route("/slow", slow);
    boost::asio::io_context io;
    bool called = false;
    {
        auto transfers = std::make_unique<Transfers>(io);
        transfers->fetch({server.url("/slow")}, [&](Response) { called = true; });
        io.run_for(50ms);
    }
    io.restart();
    io.run_for(500ms);
    EXPECT_FALSE(called);
}

TEST(Transfers, CallbackMayStartAnotherTransferAndDestroyNothing) {
    HttpServer server;
    server.route("/1", Reply{200, {}, "one"});
    server.route("/2", Reply{200, {}, "two"});
    boost::asio::io_context io;
    Transfers transfers(io);
    std::string got;
    transfers.fetch({server.url("/1")}, [&](Response r) {
        got += r.body;
        transfers.fetch({server.url("/2")}, [&](Response r2) { got += r2.body; });
    });
    io.run();
    EXPECT_EQ(got, "onetwo");
}

TEST(Transfers, PostAndHead) {
    HttpServer server;
    std::string posted;
    server.route("/post", [&](const testing::SeenRequest& req) {
        return Reply{201, {}, req.method};
    });
    Request post{server.url("/post")};
    post.method = "POST";
    post.body = "{\"a\":1}";
    post.headers = {"Content-Type: application/json"};
    Response r = fetch_one(post);
    EXPECT_EQ(r.status, 201);
    EXPECT_EQ(r.body, "POST");
    Request head{server.url("/post")};
    head.method = "HEAD";
    r = fetch_one(head);
    EXPECT_EQ(r.result, CURLE_OK) << r.error;
    EXPECT_TRUE(r.body.empty());
}

// Easy handles are reused from one fetch to the next on the same Transfers: nothing of a
// POST (method, body, headers, agent) or a HEAD may leak into the GET that follows.
TEST(Transfers, ReusedHandlesForgetThePreviousRequest) {
    HttpServer server;
    std::mutex seen_mutex;  // the handler runs on the server's thread
    std::vector<testing::SeenRequest> seen;
    server.route("/echo", [&](const testing::SeenRequest& req) {
        std::lock_guard<std::mutex> lock(seen_mutex);
        seen.push_back(req);
        return Reply{200, {}, req.method + " body"};
    });
    boost::asio::io_context io;
    Transfers transfers(io);
    Request post{server.url("/echo")};
    post.method = "POST";
    post.body = "payload";
    post.headers = {"X-Only-Once: 1"};
    post.user_agent = "first-agent";
    Request head{server.url("/echo")};
    head.method = "HEAD";
    Request get{server.url("/echo")};
    std::vector<Response> got;
    transfers.fetch(post, [&](Response r) {
        got.push_back(std::move(r));
        transfers.fetch(head, [&](Response r2) {
            got.push_back(std::move(r2));
            transfers.fetch(get, [&](Response r3) { got.push_back(std::move(r3)); });
        });
    });
    io.run();
    std::lock_guard<std::mutex> lock(seen_mutex);
    ASSERT_EQ(got.size(), 3u);
    ASSERT_EQ(seen.size(), 3u);
    EXPECT_EQ(got[0].body, "POST body");
    EXPECT_TRUE(got[1].body.empty());
    EXPECT_EQ(got[2].result, CURLE_OK) << got[2].error;
    EXPECT_EQ(got[2].body, "GET body");
    EXPECT_EQ(seen[2].method, "GET");
    EXPECT_EQ(seen[2].header("x-only-once"), "");
    EXPECT_EQ(seen[2].header("content-length"), "");
    EXPECT_EQ(seen[2].header("user-agent"), default_user_agent());
}

TEST(Transfers, RejectsHeaderInjection) {
    Request request{"http://127.0.0.1:1/"};
    request.headers = {"X-A: b\r\nX-Injected: 1"};
    Response r = fetch_one(request);
    EXPECT_EQ(r.result, CURLE_BAD_FUNCTION_ARGUMENT);
}

TEST(Transfers, PerformRunsAConfiguredEasyHandle) {
    HttpServer server;
    server.route("/raw", Reply{200, {}, "raw body"});
    boost::asio::io_context io;
    Transfers transfers(io);
    CURL* easy = curl_easy_init();
    std::string body;
    const std::string url = server.url("/raw");
    curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(
        easy, CURLOPT_WRITEFUNCTION,
        +[](char* d, std::size_t s, std::size_t n, void* u) -> std::size_t {
            static_cast<std::string*>(u)->append(d, s * n);
            return s * n;
        });
    CURLcode result = CURLE_FAILED_INIT;
    transfers.perform(easy, [&](CURLcode code, std::string) { result = code; });
    io.run();
    EXPECT_EQ(result, CURLE_OK);
    EXPECT_EQ(body, "raw body");
}

// A server that announces its length gets the body in one piece, whatever the chunking.
TEST(Transfers, BodyWithContentLengthArrivesWhole) {
    HttpServer server;
    std::string big(300000, 'x');
    for (std::size_t i = 0; i < big.size(); i += 1000) {
        big[i] = static_cast<char>('a' + (i / 1000) % 26);
    }
    server.route("/big", Reply{200, {{"Content-Type", "text/plain"}}, big});
    boost::asio::io_context io;
    Transfers transfers(io);
    Response got;
    transfers.fetch(Request{server.url("/big")}, [&](Response r) { got = std::move(r); });
    io.run();
    EXPECT_EQ(got.result, CURLE_OK);
    EXPECT_EQ(got.status, 200);
    EXPECT_EQ(got.body, big);
}

}  // namespace
}  // namespace ww::net

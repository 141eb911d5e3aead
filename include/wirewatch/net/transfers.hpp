#pragma once
// HTTP(S) and other libcurl transfers on one libcurl multi handle driven by an Asio io_context:
// curl's sockets are watched by Asio (CURLMOPT_SOCKETFUNCTION) and its timeouts by a
// steady_timer (CURLMOPT_TIMERFUNCTION); no thread per request, nothing blocks the loop.
//
// Thread safety: a Transfers object and every call on it belong to the io_context's thread.
// Completion callbacks run on that thread, posted to the io_context (never from inside a
// libcurl callback), so they may call fetch()/perform()/cancel() freely.

#include <curl/curl.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ww::net {

struct Request {
    std::string url;
    std::string method = "GET";  // GET | POST | HEAD
    // "Name: value" lines, no CR/LF (a header containing CR or LF fails the request).
    std::vector<std::string> headers;
    std::string body;  // sent for POST
    std::chrono::milliseconds connect_timeout{10000};
    std::chrono::milliseconds timeout{30000};
    // Counted on DECOMPRESSED bytes in the write callback; the transfer is aborted past it
    // (Response::too_large, result CURLE_WRITE_ERROR).
    std::uint64_t max_body = 10ull << 20;
    // Abort when slower than low_speed_limit bytes/s for low_speed_time.
    long low_speed_limit = 64;
    std::chrono::seconds low_speed_time{30};
    int max_redirects = 5;   // followed for http/https only; 0 = don't follow
    std::string user_agent;  // empty: "wirewatch/<version> (+https://github.com/wirewatch)"
    std::string ca_file;     // PEM CAs to trust instead of the system store; empty = system
};

struct Response {
    CURLcode result = CURLE_OK;
    std::string error;  // libcurl's message, secrets redacted; empty on success
    long status = 0;    // HTTP status of the final response (0 when none was received)
    // Headers of the final response, names lower-cased, values trimmed, in arrival order.
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;  // decompressed
    std::string effective_url;
    std::vector<std::pair<long, std::string>> redirects;  // (status, location) per hop
    bool too_large = false;

    // First header with this (lower-case) name.
    std::optional<std::string> header(std::string_view lower_name) const;
};

class Transfers {
public:
    explicit Transfers(boost::asio::io_context& io);
    // Aborts whatever is in flight; their callbacks are not called.
    ~Transfers();
    Transfers(const Transfers&) = delete;
    Transfers& operator=(const Transfers&) = delete;

    using Id = std::uint64_t;

    // Starts an http(s) request. `done` runs exactly once on the loop thread (unless cancelled
    // or the Transfers object is destroyed first). Invalid requests complete with an error.
    Id fetch(Request request, std::function<void(Response)> done);

    // Low level, for SMTP and the like: takes ownership of a configured easy handle (Transfers
    // cleans it up after `done` returns; do not install CURLOPT_PRIVATE, OPENSOCKETFUNCTION or
    // CLOSESOCKETFUNCTION on it — Transfers uses them). done(result, error text, redacted).
    Id perform(CURL* easy, std::function<void(CURLcode, std::string)> done);

    // Aborts a transfer; its callback is not called. Unknown/finished ids are ignored.
    void cancel(Id id);

    // Transfers started and not yet completed or cancelled.
    std::size_t active() const;

private:
    struct Impl;
    std::shared_ptr<Impl> impl_;
};

// The User-Agent used when Request::user_agent is empty.
std::string default_user_agent();

}  // namespace ww::net

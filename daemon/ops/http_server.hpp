#pragma once
// The metrics and health listener ([daemon.http] listen): GET /metrics, /healthz, /readyz.
// Boost.Beast on the daemon's io_context, one callback-driven session per connection, one
// request per connection (no keep-alive), small request caps. It serves operators' scrapers
// on loopback, not the internet: no TLS, no auth, no routing beyond three paths.
//
// Runs on the loop thread; the handlers are called there too, so they may read loop-owned
// state (the state store) without locks.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <functional>
#include <memory>
#include <string>

namespace ww::ops {

struct HttpHandlers {
    std::function<std::string()> metrics;  // the Prometheus text exposition
    std::function<bool()> healthy;         // /healthz: 200 when true, else 503
    std::function<bool()> ready;           // /readyz: 200 when true, else 503
};

class HttpServer {
public:
    // Binds `listen` ("host:port", "[v6]:port"; port 0 picks a free one) and starts
    // accepting. Returns nullptr with `error` set when the address is bad or cannot be bound.
    static std::unique_ptr<HttpServer> start(boost::asio::io_context& io, const std::string& listen,
                                             HttpHandlers handlers, std::string& error);
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    // The bound address, with the real port when 0 was asked for.
    boost::asio::ip::tcp::endpoint local_endpoint() const;

    // Stops accepting; sessions in flight finish on their own (each is bounded by a timeout).
    void stop();

    struct State;

private:
    explicit HttpServer(std::shared_ptr<State> state);
    std::shared_ptr<State> state_;
};

}  // namespace ww::ops

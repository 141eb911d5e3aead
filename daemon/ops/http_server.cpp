#include "ops/http_server.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <exception>
#include <optional>

#include "wirewatch/log.hpp"

namespace ww::ops {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

// A scrape is one small GET. Anything bigger is not a scraper: refuse it rather than buffer.
constexpr std::size_t kMaxHeaderBytes = 8 * 1024;
constexpr std::size_t kMaxBodyBytes = 1024;
// Bounds one connection end to end (slowloris), and how many may be open at once, so a
// misbehaving client cannot hold the loop's memory or file descriptors.
constexpr auto kSessionTimeout = std::chrono::seconds(10);
constexpr int kMaxSessions = 32;

// "127.0.0.1:9465", "[::1]:9465", "localhost:9465" -> one endpoint. A name is resolved once,
// at start, to its first address: we bind what is configured, nothing wider.
std::optional<tcp::endpoint> parse_listen(asio::io_context& io, const std::string& listen,
                                          std::string& error) {
    const auto colon = listen.rfind(':');
    if (colon == std::string::npos || colon == 0) {
        error = "expected host:port";
        return std::nullopt;
    }
    std::string host = listen.substr(0, colon);
    const std::string port = listen.substr(colon + 1);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    }
    boost::system::error_code ec;
    const auto address = asio::ip::make_address(host, ec);
    if (!ec) {
        try {
            return tcp::endpoint(address, static_cast<unsigned short>(std::stoi(port)));
        } catch (const std::exception&) {
            error = "bad port '" + port + "'";
            return std::nullopt;
        }
    }
    tcp::resolver resolver(io);
    const auto results = resolver.resolve(host, port, tcp::resolver::numeric_service, ec);
    if (ec || results.empty()) {
        error = "cannot resolve '" + host + "': " + (ec ? ec.message() : "no address");
        return std::nullopt;
    }
    return results.begin()->endpoint();
}

}  // namespace

struct HttpServer::State : std::enable_shared_from_this<HttpServer::State> {
    State(asio::io_context& io, HttpHandlers handlers)
        : io(io), acceptor(io), handlers(std::move(handlers)) {}

    asio::io_context& io;
    tcp::acceptor acceptor;
    HttpHandlers handlers;
    int sessions = 0;
    bool stopped = false;

    void accept();
    http::response<http::string_body> respond(const http::request<http::string_body>& request);
};

namespace {

// One connection, one request, one response, then close. Callbacks, not coroutines: every
// step holds a shared_ptr to the session, so it lives exactly as long as an operation is
// pending on it, and the tcp_stream's expiry cancels whatever step is stuck.
class Session : public std::enable_shared_from_this<Session> {
public:
    Session(tcp::socket socket, std::shared_ptr<HttpServer::State> server)
        : stream_(std::move(socket)),
          buffer_(kMaxHeaderBytes + kMaxBodyBytes),
          server_(std::move(server)) {
        ++server_->sessions;
    }
    ~Session() { --server_->sessions; }

    void start() {
        parser_.emplace();
        parser_->header_limit(kMaxHeaderBytes);
        parser_->body_limit(kMaxBodyBytes);
        stream_.expires_after(kSessionTimeout);
        http::async_read(
            stream_, buffer_, *parser_,
            [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
    }

private:
    void on_read(beast::error_code ec) {
        if (ec) {
            // Timeout, reset, oversized or malformed request: nothing useful to answer.
            close();
            return;
        }
        response_ = server_->respond(parser_->get());
        http::async_write(
            stream_, response_,
            [self = shared_from_this()](beast::error_code, std::size_t) { self->close(); });
    }

    void close() {
        beast::error_code ignored;
        stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
        stream_.close();
    }

    beast::tcp_stream stream_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    http::response<http::string_body> response_;
    std::shared_ptr<HttpServer::State> server_;
};

}  // namespace

void HttpServer::State::accept() {
    acceptor.async_accept([self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
        if (self->stopped || ec == asio::error::operation_aborted) {
            return;
        }
        if (ec) {
            // EMFILE and friends: log, and keep accepting rather than go deaf for good.
            logger("ops")->warn("http: accept failed: {}", ec.message());
        } else if (self->sessions >= kMaxSessions) {
            beast::error_code ignored;
            socket.close(ignored);
        } else {
            std::make_shared<Session>(std::move(socket), self)->start();
        }
        self->accept();
    });
}

http::response<http::string_body> HttpServer::State::respond(
    const http::request<http::string_body>& request) {
    http::response<http::string_body> response;
    response.version(request.version());
    response.keep_alive(false);
    response.set(http::field::server, "wirewatch/" WW_VERSION);
    response.set(http::field::cache_control, "no-store");
    response.set(http::field::content_type, "text/plain; charset=utf-8");

    const std::string_view target(request.target().data(), request.target().size());
    const std::string_view path = target.substr(0, target.find('?'));
    const bool head = request.method() == http::verb::head;
    try {
        if (request.method() != http::verb::get && !head) {
            response.result(http::status::method_not_allowed);
            response.set(http::field::allow, "GET, HEAD");
            response.body() = "method not allowed\n";
        } else if (path == "/metrics") {
            response.result(http::status::ok);
            response.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
            response.body() = handlers.metrics();
        } else if (path == "/healthz" || path == "/readyz") {
            const bool ok = path == "/healthz" ? handlers.healthy() : handlers.ready();
            response.result(ok ? http::status::ok : http::status::service_unavailable);
            response.body() = ok ? "ok\n" : "not ok\n";
        } else {
            response.result(http::status::not_found);
            response.body() = "not found: try /metrics, /healthz or /readyz\n";
        }
    } catch (const std::exception& e) {
        // Never throw through an Asio handler: answer 500 and say why in the log.
        logger("ops")->error("http: {} failed: {}", std::string(path), e.what());
        response.result(http::status::internal_server_error);
        response.body() = "internal error\n";
    }
    response.prepare_payload();
    if (head) {
        // Content-Length stays that of the GET; the body is not sent.
        const auto length = response.body().size();
        response.body().clear();
        response.content_length(length);
    }
    return response;
}

std::unique_ptr<HttpServer> HttpServer::start(asio::io_context& io, const std::string& listen,
                                              HttpHandlers handlers, std::string& error) {
    auto endpoint = parse_listen(io, listen, error);
    if (!endpoint) {
        return nullptr;
    }
    auto state = std::make_shared<State>(io, std::move(handlers));
    beast::error_code ec;
    state->acceptor.open(endpoint->protocol(), ec);
    if (!ec) {
        // A restart must not wait for the last scrape's TIME_WAIT to expire.
        state->acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
    }
    if (!ec) {
        state->acceptor.bind(*endpoint, ec);
    }
    if (!ec) {
        state->acceptor.listen(asio::socket_base::max_listen_connections, ec);
    }
    if (ec) {
        error = "cannot listen on " + listen + ": " + ec.message();
        return nullptr;
    }
    state->accept();
    return std::unique_ptr<HttpServer>(new HttpServer(std::move(state)));
}

HttpServer::HttpServer(std::shared_ptr<State> state) : state_(std::move(state)) {}

HttpServer::~HttpServer() { stop(); }

tcp::endpoint HttpServer::local_endpoint() const {
    beast::error_code ec;
    return state_->acceptor.local_endpoint(ec);
}

void HttpServer::stop() {
    if (state_->stopped) {
        return;
    }
    state_->stopped = true;
    beast::error_code ignored;
    state_->acceptor.close(ignored);
}

}  // namespace ww::ops

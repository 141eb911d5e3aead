#pragma once
// A scripted HTTP/1.1 server on 127.0.0.1:0 for tests and benchmarks: Boost.Beast parses the
// requests, replies are written by hand so they can be delayed, trickled one byte at a time,
// streamed from a generator (a 50 MiB body without holding it) or gzip-compressed. Runs on its
// own thread; every reply is chosen per path (exact target, or the path without the query).
// Thread-safe: routes may be changed and counters read while it serves.

#include <zlib.h>

#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace ww::testing {

struct SeenRequest {
    std::string method;
    std::string target;
    std::map<std::string, std::string> headers;  // names lower-cased
    std::string header(const std::string& lower) const {
        auto it = headers.find(lower);
        return it == headers.end() ? std::string() : it->second;
    }
};

struct Reply {
    int status = 200;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    std::chrono::milliseconds delay{0};    // before the status line
    std::chrono::milliseconds trickle{0};  // > 0: the body goes out one byte per interval
    bool gzip = false;                     // compress body, add Content-Encoding: gzip
    std::uint64_t stream_bytes = 0;        // > 0: body is this many 'x' bytes, streamed
    bool close = false;                    // close the connection after this reply
};

// gzip (RFC 1952) of `data`, for bodies and bombs.
inline std::string gzip_compress(const std::string& data) {
    z_stream z{};
    deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY);
    std::string out(deflateBound(&z, data.size()), '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    z.avail_in = static_cast<uInt>(data.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    deflate(&z, Z_FINISH);
    out.resize(z.total_out);
    deflateEnd(&z);
    return out;
}

// gzip of `zeros` zero bytes, compressed in 1 MiB steps so the input is never held whole.
inline std::string gzip_bomb(std::uint64_t zeros) {
    z_stream z{};
    deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY);
    const std::string block(1 << 20, '\0');
    std::string out;
    char buffer[1 << 16];
    for (std::uint64_t left = zeros; left > 0 || z.avail_in > 0;) {
        const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(left, block.size()));
        left -= n;
        z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(block.data()));
        z.avail_in = static_cast<uInt>(n);
        const int flush = left == 0 ? Z_FINISH : Z_NO_FLUSH;
        do {
            z.next_out = reinterpret_cast<Bytef*>(buffer);
            z.avail_out = sizeof buffer;
            deflate(&z, flush);
            out.append(buffer, sizeof buffer - z.avail_out);
        } while (z.avail_out == 0);
        if (left == 0) {
            break;
        }
    }
    deflateEnd(&z);
    return out;
}

class HttpServer {
public:
    using Handler = std::function<Reply(const SeenRequest&)>;

    HttpServer() : acceptor_(io_) {
        namespace ip = boost::asio::ip;
        ip::tcp::endpoint endpoint(ip::make_address("127.0.0.1"), 0);
        acceptor_.open(endpoint.protocol());
        acceptor_.set_option(ip::tcp::acceptor::reuse_address(true));
        acceptor_.bind(endpoint);
        acceptor_.listen(1024);
        port_ = acceptor_.local_endpoint().port();
        accept();
        thread_ = std::thread([this] { io_.run(); });
    }
    ~HttpServer() {
        boost::asio::post(io_, [this] {
            boost::system::error_code ec;
            acceptor_.close(ec);
            io_.stop();
        });
        thread_.join();
    }
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    unsigned short port() const { return port_; }
    std::string url(const std::string& path) const {
        return "http://127.0.0.1:" + std::to_string(port_) + path;
    }

    void route(const std::string& path, Reply reply) {
        route(path, [reply = std::move(reply)](const SeenRequest&) { return reply; });
    }
    void route(const std::string& path, Handler handler) {
        std::lock_guard lock(mutex_);
        routes_[path] = std::move(handler);
    }
    // Requests received for `path` (exact target or path without query).
    int count(const std::string& path) const {
        std::lock_guard lock(mutex_);
        auto it = counts_.find(path);
        return it == counts_.end() ? 0 : it->second;
    }
    int total() const { return total_.load(); }
    std::vector<SeenRequest> requests(const std::string& path) const {
        std::lock_guard lock(mutex_);
        std::vector<SeenRequest> out;
        for (const auto& r : seen_) {
            if (r.target == path || r.target.substr(0, r.target.find('?')) == path) {
                out.push_back(r);
            }
        }
        return out;
    }
    // Keep only counters, not every request (benchmarks).
    void record_requests(bool on) { record_ = on; }

private:
    struct Connection : std::enable_shared_from_this<Connection> {
        Connection(HttpServer& server, boost::asio::ip::tcp::socket socket)
            : server(server), socket(std::move(socket)), timer(this->socket.get_executor()) {}
        HttpServer& server;
        boost::asio::ip::tcp::socket socket;
        boost::asio::steady_timer timer;
        boost::beast::flat_buffer buffer;
        boost::beast::http::request<boost::beast::http::string_body> request;
        Reply reply;
        std::string head;
        std::uint64_t sent = 0;
        std::string chunk;

        void read() {
            request = {};
            boost::beast::http::async_read(
                socket, buffer, request,
                [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                    if (!ec) {
                        self->respond();
                    }
                });
        }
        void respond() {
            reply = server.dispatch(request);
            if (reply.gzip) {
                reply.body = gzip_compress(reply.body);
                reply.headers.emplace_back("Content-Encoding", "gzip");
            }
            const std::uint64_t length =
                reply.stream_bytes > 0 ? reply.stream_bytes : reply.body.size();
            head = "HTTP/1.1 " + std::to_string(reply.status) + " X\r\n";
            for (const auto& [name, value] : reply.headers) {
                head += name + ": " + value + "\r\n";
            }
            const bool no_body = request.method() == boost::beast::http::verb::head ||
                                 reply.status == 304 || reply.status == 204;
            if (!no_body) {
                head += "Content-Length: " + std::to_string(length) + "\r\n";
            }
            if (reply.close || !request.keep_alive()) {
                head += "Connection: close\r\n";
                reply.close = true;
            }
            head += "\r\n";
            if (no_body) {
                reply.body.clear();
                reply.stream_bytes = 0;
            }
            sent = 0;
            timer.expires_after(reply.delay);
            timer.async_wait([self = shared_from_this()](boost::system::error_code ec) {
                if (ec) {
                    return;
                }
                boost::asio::async_write(self->socket, boost::asio::buffer(self->head),
                                         [self](boost::system::error_code ec, std::size_t) {
                                             if (!ec) {
                                                 self->body();
                                             }
                                         });
            });
        }
        void body() {
            const std::uint64_t length =
                reply.stream_bytes > 0 ? reply.stream_bytes : reply.body.size();
            if (sent >= length) {
                if (reply.close) {
                    boost::system::error_code ec;
                    socket.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
                    return;
                }
                read();
                return;
            }
            std::size_t n =
                reply.trickle.count() > 0
                    ? 1
                    : static_cast<std::size_t>(std::min<std::uint64_t>(length - sent, 1 << 16));
            if (reply.stream_bytes > 0) {
                chunk.assign(n, 'x');
            } else {
                chunk = reply.body.substr(static_cast<std::size_t>(sent), n);
            }
            sent += n;
            auto next = [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                if (ec) {
                    return;
                }
                if (self->reply.trickle.count() > 0) {
                    self->timer.expires_after(self->reply.trickle);
                    self->timer.async_wait([self](boost::system::error_code ec) {
                        if (!ec) {
                            self->body();
                        }
                    });
                } else {
                    self->body();
                }
            };
            boost::asio::async_write(socket, boost::asio::buffer(chunk), std::move(next));
        }
    };

    void accept() {
        acceptor_.async_accept(
            [this](boost::system::error_code ec, boost::asio::ip::tcp::socket socket) {
                if (ec) {
                    return;
                }
                // Head and body go out in two writes; with Nagle on, loopback's 64 KiB MSS
                // held every body back until the client's delayed ACK of the head (~40 ms).
                boost::system::error_code ignored;
                socket.set_option(boost::asio::ip::tcp::no_delay(true), ignored);
                std::make_shared<Connection>(*this, std::move(socket))->read();
                accept();
            });
    }

    Reply dispatch(const boost::beast::http::request<boost::beast::http::string_body>& req) {
        SeenRequest seen;
        seen.method = std::string(req.method_string());
        seen.target = std::string(req.target());
        if (record_) {
            for (const auto& field : req) {
                std::string name(field.name_string());
                for (auto& c : name) {
                    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
                }
                seen.headers[name] = std::string(field.value());
            }
        }
        const std::string path = seen.target.substr(0, seen.target.find('?'));
        Handler handler;
        {
            std::lock_guard lock(mutex_);
            ++total_;
            ++counts_[path];
            if (path != seen.target) {
                ++counts_[seen.target];
            }
            if (record_) {
                seen_.push_back(seen);
            }
            auto it = routes_.find(seen.target);
            if (it == routes_.end()) {
                it = routes_.find(path);
            }
            if (it != routes_.end()) {
                handler = it->second;
            }
        }
        if (!handler) {
            return Reply{404, {}, "not found"};
        }
        return handler(seen);
    }

    boost::asio::io_context io_;
    boost::asio::ip::tcp::acceptor acceptor_;
    unsigned short port_ = 0;
    std::thread thread_;
    mutable std::mutex mutex_;
    std::map<std::string, Handler> routes_;
    std::map<std::string, int> counts_;
    std::vector<SeenRequest> seen_;
    std::atomic<int> total_{0};
    std::atomic<bool> record_{true};
};

}  // namespace ww::testing

#pragma once
// A scripted HTTP endpoint for tests and benchmarks (Slack / webhook receiver): Boost.Beast on
// 127.0.0.1:0, one thread per connection, answering each request from a script (then a
// default), and recording every request it got.

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace ww::testing {

class WebhookServer {
public:
    struct Answer {
        int status = 200;
        std::map<std::string, std::string> headers;
        std::string body = "ok";
    };
    struct Received {
        std::string method;
        std::string target;
        std::map<std::string, std::string> headers;  // names lower-cased
        std::string body;
        std::chrono::steady_clock::time_point at;
    };

    WebhookServer() : acceptor_(io_) {
        namespace ip = boost::asio::ip;
        ip::tcp::endpoint endpoint(ip::make_address("127.0.0.1"), 0);
        acceptor_.open(endpoint.protocol());
        acceptor_.set_option(boost::asio::socket_base::reuse_address(true));
        acceptor_.bind(endpoint);
        acceptor_.listen();
        port_ = acceptor_.local_endpoint().port();
        thread_ = std::thread([this] { accept_loop(); });
    }

    ~WebhookServer() {
        stopping_ = true;
        boost::system::error_code ec;
        {
            // Unblock accept() with a connection of our own.
            boost::asio::io_context io;
            boost::asio::ip::tcp::socket s(io);
            s.connect({boost::asio::ip::make_address("127.0.0.1"), port_}, ec);
        }
        thread_.join();
        std::vector<std::thread> connections;
        {
            std::lock_guard lock(mutex_);
            for (auto& socket : sockets_) {
                socket->shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
            }
            connections = std::move(connections_);
        }
        for (auto& t : connections) {
            t.join();
        }
    }

    int port() const { return port_; }
    std::string url(const std::string& path = "/hook") const {
        return "http://127.0.0.1:" + std::to_string(port_) + path;
    }

    // Answers for the next requests, in order; after them `fallback`.
    void script(std::vector<Answer> answers) {
        std::lock_guard lock(mutex_);
        for (auto& a : answers) {
            script_.push_back(std::move(a));
        }
    }
    void set_fallback(Answer answer) {
        std::lock_guard lock(mutex_);
        fallback_ = std::move(answer);
    }
    // Called (on a server thread) for every request before answering.
    void on_request(std::function<void(const Received&)> hook) {
        std::lock_guard lock(mutex_);
        hook_ = std::move(hook);
    }

    std::vector<Received> received() const {
        std::lock_guard lock(mutex_);
        return received_;
    }
    std::size_t count() const {
        std::lock_guard lock(mutex_);
        return received_.size();
    }
    // Blocks until `n` requests arrived or `timeout` passed.
    bool wait_for(std::size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
        std::unique_lock lock(mutex_);
        return cv_.wait_for(lock, timeout, [&] { return received_.size() >= n; });
    }

private:
    void accept_loop() {
        while (!stopping_) {
            auto socket = std::make_shared<boost::asio::ip::tcp::socket>(io_);
            boost::system::error_code ec;
            acceptor_.accept(*socket, ec);
            if (ec || stopping_) {
                break;
            }
            std::lock_guard lock(mutex_);
            sockets_.push_back(socket);
            connections_.emplace_back([this, socket] { serve(*socket); });
        }
    }

    void serve(boost::asio::ip::tcp::socket& socket) {
        namespace http = boost::beast::http;
        boost::beast::flat_buffer buffer;
        while (!stopping_) {
            http::request<http::string_body> request;
            boost::system::error_code ec;
            http::read(socket, buffer, request, ec);
            if (ec) {
                return;
            }
            Received got;
            got.method = std::string(request.method_string());
            got.target = std::string(request.target());
            for (const auto& field : request) {
                std::string name(field.name_string());
                for (char& c : name) {
                    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
                }
                got.headers[name] = std::string(field.value());
            }
            got.body = request.body();
            got.at = std::chrono::steady_clock::now();
            Answer answer;
            std::function<void(const Received&)> hook;
            {
                std::lock_guard lock(mutex_);
                if (!script_.empty()) {
                    answer = std::move(script_.front());
                    script_.pop_front();
                } else {
                    answer = fallback_;
                }
                hook = hook_;
            }
            if (hook) {
                hook(got);
            }
            http::response<http::string_body> response{static_cast<http::status>(answer.status),
                                                       request.version()};
            for (const auto& [name, value] : answer.headers) {
                response.set(name, value);
            }
            response.body() = answer.body;
            response.keep_alive(request.keep_alive());
            response.prepare_payload();
            {
                std::lock_guard lock(mutex_);
                received_.push_back(std::move(got));
            }
            cv_.notify_all();
            http::write(socket, response, ec);
            if (ec || !response.keep_alive()) {
                return;
            }
        }
    }

    boost::asio::io_context io_;
    boost::asio::ip::tcp::acceptor acceptor_;
    unsigned short port_ = 0;
    std::atomic<bool> stopping_{false};
    std::thread thread_;
    mutable std::mutex mutex_;
    std::condition_variable cv_;
    std::deque<Answer> script_;
    Answer fallback_;
    std::function<void(const Received&)> hook_;
    std::vector<Received> received_;
    std::vector<std::shared_ptr<boost::asio::ip::tcp::socket>> sockets_;
    std::vector<std::thread> connections_;
};

}  // namespace ww::testing

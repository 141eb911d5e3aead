#include <netdb.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <cerrno>
#include <cstring>
#include <deque>

#include "notify/channels.hpp"

namespace ww::notify {

namespace {

bool split_host_port(const std::string& hostport, std::string& host, std::string& port) {
    const auto colon = hostport.rfind(':');
    if (colon == std::string::npos || colon == 0) {
        return false;
    }
    host = hostport.substr(0, colon);
    port = hostport.substr(colon + 1);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    }
    return true;
}

}  // namespace

// The TCP connection with its queue of framed records: shared with the handlers, so the
// channel may be destroyed (reload) while a write is in flight.
struct SyslogChannel::Tcp {
    explicit Tcp(boost::asio::io_context& io) : socket(io), resolver(io) {}
    boost::asio::ip::tcp::socket socket;
    boost::asio::ip::tcp::resolver resolver;
    std::string host, port;
    std::deque<std::pair<std::string, DeliveryCallback>> queue;
    bool connecting = false;
    bool writing = false;

    static void pump(const std::shared_ptr<Tcp>& self) {
        if (self->connecting || self->writing || self->queue.empty()) {
            return;
        }
        if (!self->socket.is_open()) {
            self->connecting = true;
            self->resolver.async_resolve(
                self->host, self->port,
                [self](const boost::system::error_code& ec,
                       boost::asio::ip::tcp::resolver::results_type results) {
                    if (ec) {
                        self->fail_all("resolve " + self->host + ": " + ec.message());
                        return;
                    }
                    boost::asio::async_connect(self->socket, results,
                                               [self](const boost::system::error_code& ec2,
                                                      const boost::asio::ip::tcp::endpoint&) {
                                                   self->connecting = false;
                                                   if (ec2) {
                                                       self->socket.close();
                                                       self->fail_all("connect " + self->host +
                                                                      ":" + self->port + ": " +
                                                                      ec2.message());
                                                       return;
                                                   }
                                                   pump(self);
                                               });
                });
            return;
        }
        self->writing = true;
        boost::asio::async_write(self->socket, boost::asio::buffer(self->queue.front().first),
                                 [self](const boost::system::error_code& ec, std::size_t) {
                                     self->writing = false;
                                     auto [frame, done] = std::move(self->queue.front());
                                     self->queue.pop_front();
                                     if (ec) {
                                         self->socket.close();
                                         done(DeliveryResult::retry("tcp write: " + ec.message()));
                                     } else {
                                         done(DeliveryResult::delivered());
                                     }
                                     pump(self);
                                 });
    }

    void fail_all(const std::string& why) {
        connecting = false;
        auto pending = std::move(queue);
        queue.clear();
        for (auto& [frame, done] : pending) {
            done(DeliveryResult::retry(why));
        }
    }
};

SyslogChannel::SyslogChannel(std::string id, std::string target, SyslogOptions options,
                             const NotifierContext& context)
    : Notifier(std::move(id)),
      target_(std::move(target)),
      options_(std::move(options)),
      context_(context) {
    if (options_.hostname.empty() || options_.hostname == "-") {
        char name[256] = {};
        if (::gethostname(name, sizeof name - 1) == 0) {
            options_.hostname = name;
        }
    }
    if (options_.pid == 0) {
        options_.pid = static_cast<long>(::getpid());
    }
}

SyslogChannel::~SyslogChannel() {
    if (fd_ >= 0) {
        ::close(fd_);
    }
    if (tcp_) {
        boost::system::error_code ignored;
        tcp_->socket.close(ignored);
    }
}

DeliveryResult SyslogChannel::send_datagram(const std::string& record) {
    if (fd_ < 0) {
        if (target_ == "local" || target_.rfind("unix:", 0) == 0) {
            const std::string path = target_ == "local" ? "/dev/log" : target_.substr(5);
            sockaddr_un addr{};
            addr.sun_family = AF_UNIX;
            if (path.size() >= sizeof addr.sun_path) {
                return DeliveryResult::failed("socket path too long: " + path);
            }
            std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
            fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
            if (fd_ < 0 || ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
                const std::string why = path + ": " + std::strerror(errno);
                if (fd_ >= 0) {
                    ::close(fd_);
                    fd_ = -1;
                }
                return DeliveryResult::retry(why);
            }
        } else {
            std::string host, port;
            if (!split_host_port(target_.substr(6), host, port)) {
                return DeliveryResult::failed("bad syslog target " + target_);
            }
            addrinfo hints{};
            hints.ai_socktype = SOCK_DGRAM;
            hints.ai_flags = AI_NUMERICSERV;
            addrinfo* found = nullptr;
            if (int rc = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &found); rc != 0) {
                return DeliveryResult::retry("resolve " + host + ": " + gai_strerror(rc));
            }
            fd_ = ::socket(found->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
            const bool ok = fd_ >= 0 && ::connect(fd_, found->ai_addr, found->ai_addrlen) == 0;
            const int err = errno;
            ::freeaddrinfo(found);
            if (!ok) {
                if (fd_ >= 0) {
                    ::close(fd_);
                    fd_ = -1;
                }
                return DeliveryResult::retry(target_ + ": " + std::strerror(err));
            }
        }
    }
    // MSG_DONTWAIT: a full local socket buffer must cost a retry, never block the loop.
    if (::send(fd_, record.data(), record.size(), MSG_DONTWAIT | MSG_NOSIGNAL) < 0) {
        const std::string why = target_ + ": " + std::strerror(errno);
        ::close(fd_);
        fd_ = -1;  // reconnect next time: journald or the collector may have restarted
        return DeliveryResult::retry(why);
    }
    return DeliveryResult::delivered();
}

void SyslogChannel::do_send(const Alert& alert, DeliveryCallback done) {
    SyslogOptions options = options_;
    options.timestamp = context_.clock ? context_.clock->now() : std::chrono::system_clock::now();
    const std::string record = format_syslog(alert, options);
    if (target_.rfind("tcp://", 0) != 0) {
        done(send_datagram(record));
        return;
    }
    if (context_.io == nullptr) {
        done(DeliveryResult::retry("no event loop in this process"));
        return;
    }
    if (!tcp_) {
        tcp_ = std::make_shared<Tcp>(*context_.io);
        if (!split_host_port(target_.substr(6), tcp_->host, tcp_->port)) {
            tcp_.reset();
            done(DeliveryResult::failed("bad syslog target " + target_));
            return;
        }
    }
    // RFC 6587 octet counting: "LEN SP RECORD", so records may hold any byte but a newline
    // never matters.
    tcp_->queue.emplace_back(std::to_string(record.size()) + " " + record, std::move(done));
    Tcp::pump(tcp_);
}

}  // namespace ww::notify

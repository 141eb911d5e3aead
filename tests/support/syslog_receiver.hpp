#pragma once
// A syslog collector for tests: a Unix datagram socket, a UDP socket on 127.0.0.1:0, or a TCP
// listener on 127.0.0.1:0 reading RFC 6587 octet-counted frames. Blocking reads with a timeout,
// called from the test thread.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <optional>
#include <string>

namespace ww::testing {

class SyslogReceiver {
public:
    enum class Kind { Unix, Udp, Tcp };

    // For Kind::Unix, `path` is the socket file to create.
    explicit SyslogReceiver(Kind kind, const std::string& path = {}) : kind_(kind) {
        if (kind == Kind::Unix) {
            fd_ = ::socket(AF_UNIX, SOCK_DGRAM, 0);
            sockaddr_un addr{};
            addr.sun_family = AF_UNIX;
            std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
            ::unlink(path.c_str());
            ok_ = ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
            return;
        }
        fd_ = ::socket(AF_INET, kind == Kind::Udp ? SOCK_DGRAM : SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ok_ = ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
        socklen_t length = sizeof addr;
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &length);
        port_ = ntohs(addr.sin_port);
        if (kind == Kind::Tcp) {
            ok_ = ok_ && ::listen(fd_, 4) == 0;
        }
    }
    ~SyslogReceiver() {
        if (conn_ >= 0) {
            ::close(conn_);
        }
        ::close(fd_);
    }
    SyslogReceiver(const SyslogReceiver&) = delete;
    SyslogReceiver& operator=(const SyslogReceiver&) = delete;

    bool ok() const { return ok_; }
    int port() const { return port_; }

    // The next record (a datagram, or one octet-counted frame), or nullopt after `timeout_ms`.
    std::optional<std::string> next(int timeout_ms = 5000) {
        if (kind_ != Kind::Tcp) {
            if (!readable(fd_, timeout_ms)) {
                return std::nullopt;
            }
            char buffer[65536];
            const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
            return n < 0 ? std::nullopt : std::optional<std::string>(std::string(buffer, n));
        }
        if (conn_ < 0) {
            if (!readable(fd_, timeout_ms)) {
                return std::nullopt;
            }
            conn_ = ::accept(fd_, nullptr, nullptr);
        }
        // "LEN SP RECORD"
        while (true) {
            const auto space = stream_.find(' ');
            if (space != std::string::npos) {
                const std::size_t length = std::stoul(stream_.substr(0, space));
                if (stream_.size() >= space + 1 + length) {
                    std::string record = stream_.substr(space + 1, length);
                    stream_.erase(0, space + 1 + length);
                    return record;
                }
            }
            if (!readable(conn_, timeout_ms)) {
                return std::nullopt;
            }
            char buffer[4096];
            const ssize_t n = ::recv(conn_, buffer, sizeof buffer, 0);
            if (n <= 0) {
                return std::nullopt;
            }
            stream_.append(buffer, static_cast<std::size_t>(n));
        }
    }

    // The raw bytes received on the TCP connection so far (framing checks).
    const std::string& pending_stream() const { return stream_; }

private:
    static bool readable(int fd, int timeout_ms) {
        pollfd p{fd, POLLIN, 0};
        return ::poll(&p, 1, timeout_ms) == 1;
    }

    Kind kind_;
    int fd_ = -1;
    int conn_ = -1;
    int port_ = 0;
    bool ok_ = false;
    std::string stream_;
};

}  // namespace ww::testing

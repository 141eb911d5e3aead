#pragma once
// The network channels. Each renders with formats.hpp and moves bytes; result mapping is in
// results.hpp. Event-loop thread only (like every Notifier).

#include <curl/curl.h>

#include <memory>
#include <string>
#include <vector>

#include "wirewatch/notify/formats.hpp"
#include "wirewatch/notify/notifier.hpp"

namespace ww::notify {

// Slack incoming webhook or generic webhook: one POST per alert on net::Transfers.
class HttpChannel final : public Notifier {
public:
    enum class Kind { Slack, Webhook };
    // `url` and `secret` are resolved secrets: never logged (reasons go through net::redact).
    HttpChannel(std::string id, Kind kind, std::string url, std::string secret,
                const NotifierContext& context);
    // PEM CAs to trust instead of the system store (a private CA); empty = system store.
    void set_ca_file(std::string ca_file) { ca_file_ = std::move(ca_file); }

protected:
    void do_send(const Alert& alert, DeliveryCallback done) override;

private:
    Kind kind_;
    std::string url_;
    std::string secret_;
    NotifierContext context_;
    std::string ca_file_;
};

struct SmtpSettings {
    std::string url;  // smtp://host:port or smtps://host:port
    bool starttls = true;
    std::string username;
    std::string password;  // resolved secret
    Mailbox from;
    std::vector<Mailbox> to;
    std::chrono::milliseconds timeout{60000};
    std::string ca_file;  // PEM CAs to trust instead of the system store; empty = system
};

// Email over libcurl SMTP on net::Transfers::perform.
class EmailChannel final : public Notifier {
public:
    EmailChannel(std::string id, SmtpSettings settings, const NotifierContext& context);

protected:
    void do_send(const Alert& alert, DeliveryCallback done) override;

private:
    SmtpSettings settings_;
    NotifierContext context_;
};

// RFC 5424 to the local socket (unix datagram), udp:// or tcp:// (octet-counting framing,
// RFC 6587). Also accepts "unix:PATH" (tests, non-default sockets).
class SyslogChannel final : public Notifier {
public:
    SyslogChannel(std::string id, std::string target, SyslogOptions options,
                  const NotifierContext& context);
    ~SyslogChannel() override;

protected:
    void do_send(const Alert& alert, DeliveryCallback done) override;

private:
    struct Tcp;
    DeliveryResult send_datagram(const std::string& record);

    std::string target_;
    SyslogOptions options_;
    NotifierContext context_;
    int fd_ = -1;  // datagram socket, connected lazily
    std::shared_ptr<Tcp> tcp_;
};

}  // namespace ww::notify

// The email channel against a real SMTP server (aiosmtpd) on loopback; the received message
// is parsed by Python's email package, not by our own code.

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <optional>

#include "notify/channels.hpp"
#include "support/process.hpp"
#include "support/smtp_server.hpp"
#include "support/temp_dir.hpp"
#include "wirewatch/net/transfers.hpp"

namespace ww::notify {
namespace {

using namespace std::chrono_literals;

Alert sample() {
    Alert a;
    a.id = "a-01HF3Z8K2Q";
    a.subscriber_id = "syria-desk";
    a.severity = rules::Severity::High;
    a.source_id = "wire-world";
    a.url = "https://daily.example.org/world/aleppo-truce";
    a.title = "Talks to revive Aleppo truce open in Genève";
    a.snippet = "restoring the cease-fire around Aleppo";
    a.highlights = {{14, 24}, {32, 38}};
    a.rules = {{"ceasefire", rules::Severity::High, {"cease-fire"}},
               {"aleppo", rules::Severity::Medium, {"Aleppo"}}};
    a.tags = {"syria"};
    return a;
}

class EmailChannelTest : public ::testing::Test {
protected:
    EmailChannelTest() : server_(dir_ / "mail") {}

    SmtpSettings settings(std::vector<std::string> to = {"desk@example.org"}) {
        SmtpSettings s;
        s.url = server_.url();
        s.starttls = false;  // the test server is a local relay without TLS
        std::string error;
        s.from = *parse_mailbox("wirewatch Ålerts <alerts@example.org>", error);
        for (const auto& t : to) {
            s.to.push_back(*parse_mailbox(t, error));
        }
        s.timeout = 20s;
        return s;
    }

    DeliveryResult send(Notifier& channel, const Alert& alert) {
        std::optional<DeliveryResult> result;
        channel.send(alert, [&](DeliveryResult r) { result = std::move(r); });
        const auto give_up = std::chrono::steady_clock::now() + 60s;
        io_.restart();
        while (!result && std::chrono::steady_clock::now() < give_up) {
            io_.run_for(20ms);
        }
        EXPECT_TRUE(result.has_value());
        return result.value_or(DeliveryResult::retry("test gave up"));
    }

    ww::testing::TempDir dir_;
    ww::testing::SmtpServer server_;
    boost::asio::io_context io_;
    net::Transfers transfers_{io_};
    ManualClock clock_{std::chrono::system_clock::time_point(1795598043s)};
    NotifierContext context_{&io_, &transfers_, &clock_, "testhost"};
};

TEST_F(EmailChannelTest, MessageArrivesWithHeadersMimeAndHighlights) {
    ASSERT_TRUE(server_.ok());
    EmailChannel channel("mail", settings(), context_);
    ASSERT_EQ(send(channel, sample()).kind, DeliveryResult::Kind::Delivered);
    const auto messages = server_.messages();
    ASSERT_EQ(messages.size(), 1u);
    const auto m = ww::testing::SmtpServer::parse(messages[0]);
    EXPECT_EQ(m["envelope"]["from"], "alerts@example.org");
    EXPECT_EQ(m["envelope"]["to"], nlohmann::json::array({"desk@example.org"}));
    ASSERT_EQ(m["subject"].size(), 1u);
    EXPECT_EQ(m["subject"][0],
              "[wirewatch] high · ceasefire, aleppo — Talks to revive Aleppo truce open in "
              "Genève");
    EXPECT_NE(m["raw_subject"][0].get<std::string>().find("=?UTF-8?B?"), std::string::npos);
    EXPECT_EQ(m["from"][0], "wirewatch Ålerts <alerts@example.org>");
    EXPECT_EQ(m["message_id"], "<a-01HF3Z8K2Q@example.org>");
    EXPECT_EQ(m["list_id"], "wirewatch alerts <syria-desk.wirewatch>");
    EXPECT_EQ(m["content_type"], "multipart/alternative");
    ASSERT_EQ(m["parts"].size(), 2u);
    EXPECT_EQ(m["parts"][0]["type"], "text/plain");
    EXPECT_EQ(m["parts"][1]["type"], "text/html");
    EXPECT_NE(m["parts"][0]["text"].get<std::string>().find("**cease-fire**"), std::string::npos);
    EXPECT_NE(m["parts"][1]["text"].get<std::string>().find("<b>Aleppo</b>"), std::string::npos);
    EXPECT_LE(m["max_line"].get<int>(), 998);
}

TEST_F(EmailChannelTest, HostileTitleMakesOneSubjectAndNoExtraRecipient) {
    ASSERT_TRUE(server_.ok());
    EmailChannel channel("mail", settings(), context_);
    Alert a = sample();
    a.title = "X\r\nBcc: a@b";
    ASSERT_EQ(send(channel, a).kind, DeliveryResult::Kind::Delivered);
    const auto messages = server_.messages();
    ASSERT_EQ(messages.size(), 1u);
    const auto m = ww::testing::SmtpServer::parse(messages[0]);
    ASSERT_EQ(m["subject"].size(), 1u);
    EXPECT_EQ(m["subject"][0], "[wirewatch] high · ceasefire, aleppo — X Bcc: a@b");
    EXPECT_TRUE(m["bcc"].empty());
    EXPECT_EQ(m["envelope"]["to"], nlohmann::json::array({"desk@example.org"}));
    for (const auto& name : m["header_names"]) {
        EXPECT_NE(name, "Bcc");
    }
}

TEST_F(EmailChannelTest, ServerAnswersMapToResults) {
    ASSERT_TRUE(server_.ok());
    EmailChannel busy("mail", settings({"tempfail@example.org"}), context_);
    const auto r451 = send(busy, sample());
    EXPECT_EQ(r451.kind, DeliveryResult::Kind::Retry) << r451.reason;
    EmailChannel unknown("mail", settings({"reject@example.org"}), context_);
    const auto r550 = send(unknown, sample());
    EXPECT_EQ(r550.kind, DeliveryResult::Kind::Failed) << r550.reason;
    EXPECT_NE(r550.reason.find("550"), std::string::npos) << r550.reason;
    EXPECT_TRUE(server_.messages().empty());
}

TEST_F(EmailChannelTest, ServerWithoutStarttlsFailsInsteadOfSendingInClear) {
    ASSERT_TRUE(server_.ok());
    SmtpSettings s = settings();
    s.starttls = true;
    EmailChannel channel("mail", s, context_);
    const auto result = send(channel, sample());
    EXPECT_EQ(result.kind, DeliveryResult::Kind::Failed) << result.reason;
    EXPECT_NE(result.reason.find("STARTTLS"), std::string::npos) << result.reason;
    EXPECT_TRUE(server_.messages().empty());
}

TEST_F(EmailChannelTest, ServerDownIsRetried) {
    ASSERT_TRUE(server_.ok());
    SmtpSettings s = settings();
    server_.stop();
    EmailChannel channel("mail", s, context_);
    EXPECT_EQ(send(channel, sample()).kind, DeliveryResult::Kind::Retry);
}

// A self-signed certificate for 127.0.0.1 made now (openssl CLI), and tests/support/
// smtp_tls_sink.py serving STARTTLS with it and refusing MAIL before TLS.
class StarttlsServer {
public:
    explicit StarttlsServer(const std::filesystem::path& dir) : folder_(dir / "tls-mail") {
        std::filesystem::create_directories(folder_);
        cert_ = dir / "cert.pem";
        const auto key = dir / "key.pem";
        made_cert_ =
            ww::testing::run({"/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                              "-keyout", key.string(), "-out", cert_.string(), "-days", "2",
                              "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"},
                             dir) == 0;
        process_ = std::make_unique<ww::testing::Process>(
            std::vector<std::string>{ww::testing::kSystemPython,
                                     std::string(WW_SOURCE_DIR) + "/tests/support/smtp_tls_sink.py",
                                     folder_.string(), cert_.string(), key.string()},
            dir);
        for (int i = 0; i < 500 && !std::filesystem::exists(folder_ / "port"); ++i) {
            std::this_thread::sleep_for(20ms);
        }
        const std::string port = ww::testing::read_file(folder_ / "port");
        url_ = port.empty() ? "" : "smtp://127.0.0.1:" + port;
    }

    bool ok() const { return made_cert_ && !url_.empty(); }
    const std::string& url() const { return url_; }
    const std::filesystem::path& cert() const { return cert_; }
    std::vector<std::filesystem::path> messages() const {
        std::vector<std::filesystem::path> out;
        for (const auto& e : std::filesystem::directory_iterator(folder_)) {
            if (e.path().extension() == ".eml") {
                out.push_back(e.path());
            }
        }
        return out;
    }

private:
    std::filesystem::path folder_;
    std::filesystem::path cert_;
    std::unique_ptr<ww::testing::Process> process_;
    std::string url_;
    bool made_cert_ = false;
};

TEST_F(EmailChannelTest, StarttlsWithAPrivateCaDelivers) {
    StarttlsServer tls(dir_.path());
    ASSERT_TRUE(tls.ok());
    SmtpSettings s = settings();
    s.url = tls.url();
    s.starttls = true;
    s.ca_file = tls.cert().string();
    EmailChannel channel("mail", s, context_);
    const auto result = send(channel, sample());
    ASSERT_EQ(result.kind, DeliveryResult::Kind::Delivered) << result.reason;
    // The server refuses MAIL before STARTTLS, so arriving at all means it came over TLS.
    const auto messages = tls.messages();
    ASSERT_EQ(messages.size(), 1u);
    const auto m = ww::testing::SmtpServer::parse(messages[0]);
    EXPECT_EQ(m["message_id"], "<a-01HF3Z8K2Q@example.org>");
    EXPECT_EQ(m["envelope"]["to"], nlohmann::json::array({"desk@example.org"}));
}

TEST_F(EmailChannelTest, StarttlsWithAnUntrustedCertificateIsNotDelivered) {
    StarttlsServer tls(dir_.path());
    ASSERT_TRUE(tls.ok());
    SmtpSettings s = settings();
    s.url = tls.url();
    s.starttls = true;  // no ca_file: the system store does not know this self-signed cert
    EmailChannel channel("mail", s, context_);
    const auto result = send(channel, sample());
    EXPECT_NE(result.kind, DeliveryResult::Kind::Delivered);
    EXPECT_NE(result.reason.find("certificate"), std::string::npos) << result.reason;
    EXPECT_TRUE(tls.messages().empty());
}

}  // namespace
}  // namespace ww::notify

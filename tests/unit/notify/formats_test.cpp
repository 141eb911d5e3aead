#include "wirewatch/notify/formats.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace ww::notify {
namespace {

Alert sample() {
    Alert a;
    a.id = "a-01HF3Z8K2Q";
    a.subscriber_id = "syria-desk";
    a.severity = rules::Severity::High;
    a.source_id = "wire-world";
    a.item_id = "i1";
    a.url = "https://daily.example.org/world/aleppo-truce";
    a.title = "Talks to revive Aleppo truce open in Geneva";
    a.snippet = "…envoys met to discuss restoring the cease-fire around Aleppo, where";
    const auto cf = a.snippet.find("cease-fire");
    const auto al = a.snippet.find("Aleppo");
    a.highlights = {{cf, cf + 10}, {al, al + 6}};
    a.rules = {{"ceasefire", rules::Severity::High, {"cease-fire"}},
               {"aleppo", rules::Severity::Medium, {"Aleppo"}}};
    a.tags = {"conflict", "syria"};
    a.published = std::chrono::sys_seconds(std::chrono::seconds(1795598040));
    a.created_at = *a.published;
    return a;
}

// --- helpers ----------------------------------------------------------------------------

TEST(Utf8Prefix, CutsOnlyAtCharacterBoundaries) {
    const std::string text = "a\xC3\xA9\xE2\x80\x94z";  // a é — z
    struct Row {
        std::size_t max;
        std::string want;
    };
    for (const Row& row :
         {Row{0, ""}, Row{1, "a"}, Row{2, "a"}, Row{3, "a\xC3\xA9"}, Row{4, "a\xC3\xA9"},
          Row{5, "a\xC3\xA9"}, Row{6, "a\xC3\xA9\xE2\x80\x94"}, Row{99, text}}) {
        EXPECT_EQ(utf8_prefix(text, row.max), row.want) << row.max;
    }
}

TEST(OneLine, ControlsBecomeOneSpace) {
    struct Row {
        std::string in, want;
    };
    for (const Row& row : {Row{"X\r\nBcc: a@b", "X Bcc: a@b"}, Row{"  a\t\tb  ", "a b"},
                           Row{"a\x7F\x01z", "a z"}, Row{"a\xC2\x85z", "a z"},
                           Row{"a\xE2\x80\xA8z", "a z"}, Row{"caf\xC3\xA9", "caf\xC3\xA9"}}) {
        EXPECT_EQ(one_line(row.in), row.want);
    }
}

// --- email ------------------------------------------------------------------------------

TEST(Mailbox, ParsesAndValidates) {
    std::string error;
    auto box = parse_mailbox("wirewatch <alerts@example.org>", error);
    ASSERT_TRUE(box) << error;
    EXPECT_EQ(box->name, "wirewatch");
    EXPECT_EQ(box->address, "alerts@example.org");
    box = parse_mailbox("desk@example.org", error);
    ASSERT_TRUE(box);
    EXPECT_EQ(box->name, "");
    for (const char* bad : {"", "a", "a@b@c", "a b@example.org", "a@exa mple.org",
                            "x@example.org\r\nRCPT TO:<evil@x>", "<a@b", "a@.org", "a@b..c",
                            "\"q\"@example.org", "a,b@example.org", "a@b>x"}) {
        EXPECT_FALSE(parse_mailbox(bad, error)) << bad;
    }
}

TEST(EncodeHeader, AsciiStaysPlainNonAsciiBecomesEncodedWords) {
    EXPECT_EQ(encode_header_value("Hello world", 9), "Hello world");
    EXPECT_EQ(encode_header_value("X\r\nBcc: a@b", 9), "X Bcc: a@b");
    const std::string encoded = encode_header_value("caf\xC3\xA9", 9);
    EXPECT_EQ(encoded, "=?UTF-8?B?Y2Fmw6k=?=");
    std::string long_text;
    for (int i = 0; i < 40; ++i) {
        long_text += "Алеппо ";
    }
    const std::string folded = encode_header_value(long_text, 9);
    std::size_t start = 0;
    while (start < folded.size()) {
        auto end = folded.find("\r\n", start);
        const auto line = folded.substr(start, end == std::string::npos ? end : end - start);
        EXPECT_LE(line.size(), 76u);
        EXPECT_NE(line.find("=?UTF-8?B?"), std::string::npos);
        start = end == std::string::npos ? folded.size() : end + 2;
    }
}

TEST(QuotedPrintable, SevenBitShortLines) {
    std::string text(500, 'x');
    text += " caf\xC3\xA9 = \n.leading dot\ntrailing space \n";
    const std::string qp = quoted_printable(text);
    for (char c : qp) {
        EXPECT_LT(static_cast<unsigned char>(c), 0x80);
    }
    std::size_t start = 0;
    while (start < qp.size()) {
        auto end = qp.find("\r\n", start);
        ASSERT_NE(end, std::string::npos);
        EXPECT_LE(end - start, 76u);
        EXPECT_NE(qp[start], '.');
        start = end + 2;
    }
    EXPECT_NE(qp.find("caf=C3=A9 =3D"), std::string::npos);
    EXPECT_NE(qp.find("trailing space=20\r\n"), std::string::npos);
}

EmailOptions options() {
    std::string error;
    EmailOptions o;
    o.from = *parse_mailbox("wirewatch <alerts@example.org>", error);
    o.to = {*parse_mailbox("syria-desk@example.org", error)};
    o.date = std::chrono::sys_seconds(std::chrono::seconds(1795598043));
    return o;
}

std::string headers_of(const std::string& data) { return data.substr(0, data.find("\r\n\r\n")); }

TEST(Email, HeadersAndStructure) {
    const EmailMessage m = format_email(sample(), options());
    EXPECT_EQ(m.envelope_from, "alerts@example.org");
    EXPECT_EQ(m.envelope_to, std::vector<std::string>{"syria-desk@example.org"});
    const std::string h = headers_of(m.data);
    EXPECT_NE(h.find("From: \"wirewatch\" <alerts@example.org>\r\n"), std::string::npos);
    EXPECT_NE(h.find("Message-ID: <a-01HF3Z8K2Q@example.org>"), std::string::npos);
    EXPECT_NE(h.find("List-Id: wirewatch alerts <syria-desk.wirewatch>"), std::string::npos);
    EXPECT_NE(h.find("Subject: =?UTF-8?B?"), std::string::npos);
    EXPECT_NE(h.find("multipart/alternative"), std::string::npos);
    EXPECT_NE(m.data.find("text/plain; charset=utf-8"), std::string::npos);
    EXPECT_NE(m.data.find("text/html; charset=utf-8"), std::string::npos);
    EXPECT_EQ(email_subject(sample()),
              "[wirewatch] high · ceasefire, aleppo — Talks to revive Aleppo truce open in Geneva");
    EXPECT_NE(email_text_body(sample()).find("**cease-fire**"), std::string::npos);
    EXPECT_NE(email_html_body(sample()).find("<b>cease-fire</b>"), std::string::npos);
    EXPECT_NE(
        email_html_body(sample()).find("<a href=\"https://daily.example.org/world/aleppo-truce\">"),
        std::string::npos);
    for (std::size_t start = 0; start < m.data.size();) {
        auto end = m.data.find("\r\n", start);
        ASSERT_NE(end, std::string::npos);
        EXPECT_LE(end - start, 998u);
        start = end + 2;
    }
}

TEST(Email, HostileTitleNeverBreaksAHeader) {
    Alert a = sample();
    a.title = "X\r\nBcc: a@b\nTo: c@d\r\n\r\nbody";
    a.snippet = "<script>alert(1)</script>";
    a.highlights = {};
    const EmailMessage m = format_email(a, options());
    const std::string h = headers_of(m.data);
    EXPECT_EQ(h.find("\r\nBcc:"), std::string::npos);
    EXPECT_EQ(h.find("\nTo: c@d"), std::string::npos);
    EXPECT_EQ(m.envelope_to.size(), 1u);
    for (std::size_t i = 0; i < h.size(); ++i) {
        if (h[i] == '\n') {
            ASSERT_GT(i, 0u);
            EXPECT_EQ(h[i - 1], '\r');
            // every header line either starts a header or is a folded continuation
            if (i + 1 < h.size()) {
                EXPECT_TRUE(h[i + 1] == ' ' || std::isupper(static_cast<unsigned char>(h[i + 1])));
            }
        }
    }
    EXPECT_EQ(email_html_body(a).find("<script>"), std::string::npos);
}

TEST(Email, DigestHasContentsGroupedByRule) {
    Alert digest;
    digest.id = "d-1";
    digest.subscriber_id = "desk";
    digest.title = "Digest for desk: 3 alerts";
    for (int i = 0; i < 3; ++i) {
        Alert a = sample();
        a.id = "a-" + std::to_string(i);
        a.title = "Story " + std::to_string(i);
        if (i == 1) {
            a.rules = {{"aleppo", rules::Severity::Medium, {}}};
            a.also_reported_by = {"morning-post"};
        }
        digest.items.push_back(a);
    }
    const std::string text = email_text_body(digest);
    const auto contents = text.find("Contents");
    const auto cf = text.find("== ceasefire (2)");
    const auto al = text.find("== aleppo (1)");
    ASSERT_NE(contents, std::string::npos);
    ASSERT_NE(cf, std::string::npos);
    ASSERT_NE(al, std::string::npos);
    EXPECT_LT(contents, cf);
    EXPECT_LT(cf, al);
    EXPECT_NE(text.find("Also reported by: morning-post"), std::string::npos);
    EXPECT_NE(email_html_body(digest).find("href=\"#rule-1\""), std::string::npos);
    EXPECT_EQ(email_subject(digest), "[wirewatch] Digest for desk: 3 alerts");
}

// --- Slack --------------------------------------------------------------------------------

TEST(Slack, EscapesControlCharactersSoNobodyIsPinged) {
    struct Row {
        std::string in, want;
    };
    for (const Row& row : {Row{"<!channel>", "&lt;!channel&gt;"}, Row{"a & b", "a &amp; b"},
                           Row{"<https://x|y>", "&lt;https://x|y&gt;"}, Row{"plain", "plain"}}) {
        EXPECT_EQ(slack_escape(row.in), row.want);
    }
    EXPECT_EQ(slack_escape("a&b", 3), "a");  // never half an entity
    Alert a = sample();
    a.title = "<!channel> <@U123> & friends";
    const std::string payload = format_slack(a);
    EXPECT_EQ(payload.find("<!channel>"), std::string::npos);
    EXPECT_EQ(payload.find("<@U123>"), std::string::npos);
    EXPECT_NE(payload.find("&lt;!channel&gt;"), std::string::npos);
}

TEST(Slack, InstantLayout) {
    const auto payload = nlohmann::json::parse(format_slack(sample()));
    ASSERT_TRUE(payload["text"].is_string());
    EXPECT_NE(payload["text"].get<std::string>().find("Talks to revive"), std::string::npos);
    const auto& blocks = payload["blocks"];
    ASSERT_EQ(blocks.size(), 3u);
    const std::string head = blocks[0]["text"]["text"];
    EXPECT_NE(head.find(":rotating_light: *high* · <https://daily.example.org/world/"
                        "aleppo-truce|Talks to revive"),
              std::string::npos);
    const std::string snippet = blocks[1]["text"]["text"];
    EXPECT_NE(snippet.find("*cease-fire*"), std::string::npos);
    EXPECT_NE(snippet.find("*Aleppo*"), std::string::npos);
    EXPECT_EQ(blocks[2]["type"], "context");
    EXPECT_NE(blocks[2]["elements"][0]["text"].get<std::string>().find("alert a-01HF3Z8K2Q"),
              std::string::npos);
}

TEST(Slack, SectionTextIsCappedAndDigestsOverflow) {
    Alert a = sample();
    a.snippet = std::string(5000, '&');
    a.highlights = {};
    auto payload = nlohmann::json::parse(format_slack(a));
    for (const auto& b : payload["blocks"]) {
        if (b["type"] == "section") {
            EXPECT_LE(b["text"]["text"].get<std::string>().size(), kSlackMaxSectionText);
        }
    }
    Alert digest;
    digest.id = "d-1";
    digest.title = "Digest";
    for (int i = 0; i < 600; ++i) {
        Alert item = sample();
        item.title = "Story " + std::to_string(i);
        if (i % 3 == 0) {
            item.rules = {{"rule-" + std::to_string(i % 7), rules::Severity::Low, {}}};
        }
        digest.items.push_back(item);
    }
    payload = nlohmann::json::parse(format_slack(digest));
    const auto& blocks = payload["blocks"];
    EXPECT_LE(blocks.size(), kSlackMaxBlocks);
    const std::string last = blocks.back()["elements"][0]["text"];
    EXPECT_EQ(last.rfind("…and ", 0), 0u) << last;
    // The number said to be left out is exactly what is not shown.
    std::size_t shown = 0;
    for (const auto& b : blocks) {
        if (b["type"] == "section") {
            const std::string t = b["text"]["text"];
            for (std::size_t p = t.find("\n• "); p != std::string::npos;
                 p = t.find("\n• ", p + 1)) {
                ++shown;
            }
        }
    }
    EXPECT_EQ(last, "…and " + std::to_string(600 - shown) + " more alerts");
}

// --- syslog -------------------------------------------------------------------------------

TEST(Syslog, RecordMatchesTheExample) {
    SyslogOptions o;
    o.facility = *syslog_facility("local3");
    o.hostname = "host";
    o.pid = 4242;
    o.timestamp = std::chrono::system_clock::time_point(std::chrono::milliseconds(1795598043120));
    const std::string record = format_syslog(sample(), o);
    EXPECT_EQ(record,
              "<155>1 2026-11-25T09:14:03.120Z host wirewatch 4242 alert [wirewatch@32473 "
              "id=\"a-01HF3Z8K2Q\" rule=\"ceasefire\" rule=\"aleppo\" severity=\"high\" "
              "source=\"wire-world\" url=\"https://daily.example.org/world/aleppo-truce\"] "
              "Talks to revive Aleppo truce open in Geneva");
}

TEST(Syslog, SeverityMapping) {
    struct Row {
        rules::Severity in;
        int want;
    };
    for (const Row& row : {Row{rules::Severity::Critical, 2}, Row{rules::Severity::High, 3},
                           Row{rules::Severity::Medium, 4}, Row{rules::Severity::Low, 5},
                           Row{rules::Severity::Info, 6}}) {
        EXPECT_EQ(syslog_severity(row.in), row.want);
    }
    EXPECT_EQ(syslog_facility("user"), 1);
    EXPECT_FALSE(syslog_facility("nope"));
}

TEST(Syslog, EscapesNewlinesAndSize) {
    EXPECT_EQ(syslog_sd_escape("a\"b\\c]d"), "a\\\"b\\\\c\\]d");
    Alert a = sample();
    a.source_id = "src\"]x";
    a.title = "line1\nline2\r\n";
    for (int i = 0; i < 1000; ++i) {
        a.title += "é";
    }
    SyslogOptions o;
    o.max_size = 300;
    const std::string record = format_syslog(a, o);
    EXPECT_LE(record.size(), 300u);
    EXPECT_EQ(record.find('\n'), std::string::npos);
    EXPECT_NE(record.find("source=\"src\\\"\\]x\""), std::string::npos);
    EXPECT_NE(record.find("line1 line2 "), std::string::npos);
    // ends on a whole character
    EXPECT_EQ(utf8_prefix(record, record.size()), record);
    const auto last = static_cast<unsigned char>(record.back());
    EXPECT_TRUE(last < 0x80 || (last & 0xC0) == 0x80);
    EXPECT_EQ(record.substr(record.size() - 2), "é");
}

// --- webhook ------------------------------------------------------------------------------

TEST(Webhook, BodyIsTheDocumentedJsonAndSignatureIsHmacSha256) {
    const auto body = nlohmann::json::parse(format_webhook_body(sample()));
    EXPECT_EQ(body["id"], "a-01HF3Z8K2Q");
    EXPECT_EQ(body["rules"][0]["id"], "ceasefire");
    EXPECT_EQ(alert_from_json(body).title, sample().title);
    // RFC 4231 test case 2.
    EXPECT_EQ(hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
              "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(AlertJson, DigestRoundTrips) {
    Alert digest;
    digest.id = "d-1";
    digest.items = {sample(), sample()};
    digest.items[1].also_reported_by = {"x", "y"};
    const Alert back = alert_from_json(to_json(digest));
    ASSERT_EQ(back.items.size(), 2u);
    EXPECT_EQ(back.items[1].also_reported_by, (std::vector<std::string>{"x", "y"}));
}

}  // namespace
}  // namespace ww::notify

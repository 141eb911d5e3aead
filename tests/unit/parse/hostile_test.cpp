// Input written to hurt: external entities, entity bombs, broken bytes, size, garbage.

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "parse_test_util.hpp"
#include "wirewatch/parse/feed.hpp"

namespace ww::parse {
namespace {

constexpr const char* kMarker = "WW-XXE-MARKER-7731";

bool valid_utf8_without_controls(const std::string& s) {
    for (std::size_t i = 0; i < s.size();) {
        auto c = static_cast<unsigned char>(s[i]);
        std::size_t len = c < 0x80         ? 1
                          : (c >> 5) == 6  ? 2
                          : (c >> 4) == 14 ? 3
                          : (c >> 3) == 30 ? 4
                                           : 0;
        if (len == 0 || i + len > s.size()) {
            return false;
        }
        if (len == 1 && c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
            return false;
        }
        for (std::size_t k = 1; k < len; ++k) {
            if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) {
                return false;
            }
        }
        i += len;
    }
    return true;
}

std::string all_text(const ParseResult& r) {
    std::string out;
    for (const auto& d : r.documents) {
        out += d.item_id + "|" + d.url + "|" + d.title + "|" + d.summary + "|" + d.body + "|" +
               d.author + "|" + d.language + "\n";
    }
    for (const auto& e : r.errors) {
        out += e + "\n";
    }
    return out;
}

// A file holding the marker, removed at the end of the test.
class MarkerFile {
public:
    MarkerFile() {
        char tmpl[] = "/tmp/ww-parse-xxe-XXXXXX";
        int fd = mkstemp(tmpl);
        EXPECT_GE(fd, 0);
        path_ = tmpl;
        std::string content = std::string(kMarker) + "\n";
        EXPECT_EQ(write(fd, content.data(), content.size()), static_cast<ssize_t>(content.size()));
        close(fd);
    }
    ~MarkerFile() { std::remove(path_.c_str()); }
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

// A listening socket on 127.0.0.1:0. Any connection libxml2 made would sit in its backlog.
class Listener {
public:
    Listener() {
        fd_ = socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = 0;
        EXPECT_EQ(bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
        EXPECT_EQ(listen(fd_, 8), 0);
        socklen_t len = sizeof addr;
        getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
        port_ = ntohs(addr.sin_port);
    }
    ~Listener() { close(fd_); }
    int port() const { return port_; }
    bool connection_pending() const {
        pollfd p{fd_, POLLIN, 0};
        return poll(&p, 1, 100) > 0;
    }

private:
    int fd_ = -1;
    int port_ = 0;
};

TEST(Hostile, XxeGeneralEntityToLocalFileIsNotRead) {
    MarkerFile file;
    std::string doc = "<?xml version=\"1.0\"?>\n<!DOCTYPE rss [<!ENTITY xxe SYSTEM \"file://" +
                      file.path() +
                      "\">]>\n<rss version=\"2.0\"><channel><item><title>before &xxe; after</title>"
                      "<link>https://x.example/1</link><description>&xxe;</description>"
                      "</item></channel></rss>";
    ParseResult r = parse(doc, "https://x.example/feed");
    ASSERT_EQ(r.documents.size(), 1u);
    EXPECT_EQ(r.documents[0].title, "before after");
    EXPECT_EQ(all_text(r).find(kMarker), std::string::npos) << all_text(r);
}

TEST(Hostile, XxeParameterEntityAndExternalDtdAreNotRead) {
    MarkerFile file;
    std::string doc = "<?xml version=\"1.0\"?>\n<!DOCTYPE feed SYSTEM \"file://" + file.path() +
                      "\" [<!ENTITY % p SYSTEM \"file://" + file.path() +
                      "\"> %p;]>\n<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><id>e1</id>"
                      "<title>plain</title></entry></feed>";
    ParseResult r = parse(doc, "");
    EXPECT_EQ(all_text(r).find(kMarker), std::string::npos) << all_text(r);
    ASSERT_EQ(r.documents.size(), 1u);
    EXPECT_EQ(r.documents[0].title, "plain");
}

TEST(Hostile, XxeToLoopbackMakesNoConnection) {
    Listener listener;
    std::string url = "http://127.0.0.1:" + std::to_string(listener.port()) + "/secret";
    std::string docs[] = {
        "<?xml version=\"1.0\"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM \"" + url +
            "\">]><rss><channel><item><title>&xxe;x</title></item></channel></rss>",
        "<?xml version=\"1.0\"?><!DOCTYPE rss [<!ENTITY % p SYSTEM \"" + url +
            "\"> %p;]><rss><channel><item><title>x</title></item></channel></rss>",
        "<?xml version=\"1.0\"?><!DOCTYPE rss SYSTEM \"" + url +
            "\"><rss><channel><item><title>x</title></item></channel></rss>",
        "<?xml version=\"1.0\"?><rss xmlns:xi=\"http://www.w3.org/2001/XInclude\"><channel><item>"
        "<title>x</title><xi:include href=\"" +
            url + "\"/></item></channel></rss>",
        "<!DOCTYPE html SYSTEM \"" + url + "\"><html><body><p>page text long enough to keep " +
            "as an article paragraph</p><iframe src=\"" + url + "\"></iframe></body></html>",
    };
    for (const auto& doc : docs) {
        ParseResult r = parse(doc, url);
        EXPECT_TRUE(r.ok());
    }
    EXPECT_FALSE(listener.connection_pending());
}

std::string billion_laughs(const std::string& body_template) {
    std::string doc = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n";
    doc += " <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n";
    for (int i = 2; i <= 9; ++i) {
        std::string prev = "&lol" + std::to_string(i - 1) + ";";
        doc += " <!ENTITY lol" + std::to_string(i) + " \"";
        for (int k = 0; k < 10; ++k) {
            doc += prev;
        }
        doc += "\">\n";
    }
    doc += "]>\n" + body_template;
    return doc;
}

long peak_rss_kib() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss;
}

// The bounds below are safety ceilings, not performance measurements: an expanded bomb is
// 3 GB of "lol" and takes minutes, so any parse that stays far below them did not expand it.
TEST(Hostile, BillionLaughsFailsFastWithoutExpanding) {
    const std::string bodies[] = {
        "<rss version=\"2.0\"><channel><item><title>&lol9;</title><link>https://x.example/1</link>"
        "<description>&lol9;&lol9;</description></item></channel></rss>",
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:base=\"&lol9;\"><entry><id>&lol9;</id>"
        "<title type=\"html\">&lol9;</title><link href=\"&lol9;\"/></entry></feed>",
    };
    long before = peak_rss_kib();
    auto start = std::chrono::steady_clock::now();
    for (const auto& body : bodies) {
        ParseResult r = parse(billion_laughs(body), "https://x.example/feed");
        for (const auto& d : r.documents) {
            EXPECT_LT(d.title.size() + d.summary.size() + d.url.size() + d.item_id.size(), 4096u);
        }
    }
    auto elapsed = std::chrono::steady_clock::now() - start;
    EXPECT_LT(elapsed, std::chrono::seconds(10));
    EXPECT_LT(peak_rss_kib() - before, 256 * 1024) << "KiB of extra peak RSS";
}

TEST(Hostile, InvalidUtf8AndNulInTitlesAreSanitized) {
    std::string feed =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel>"
        "<item><title>Bad \xC3\x28 byte, NULhere, ESC\x1B, caf\xC3\xA9 \xE2\x80\x94 "
        "\xF0\x9F\x93\xB0 end</title><link>https://x.example/1</link>"
        "<description>trunc\xE2\x80 and \xFF\xFE overlong \xC0\xAF</description></item>"
        "<item><title>refs &#0; &#x1B; &#xD800; &#146;s</title><link>https://x.example/2</link>"
        "</item></channel></rss>";
    feed.insert(feed.find("NUL") + 3, 1, '\0');  // the literal above stops at its first NUL
    ParseResult r = parse(feed, "");
    ASSERT_EQ(r.documents.size(), 2u);
    for (const auto& d : r.documents) {
        EXPECT_TRUE(valid_utf8_without_controls(d.title)) << d.title;
        EXPECT_TRUE(valid_utf8_without_controls(d.summary)) << d.summary;
        EXPECT_EQ(d.title.find('\0'), std::string::npos);
    }
    const std::string& t = r.documents[0].title;
    EXPECT_NE(t.find("\xEF\xBF\xBD"), std::string::npos) << t;  // U+FFFD
    EXPECT_NE(t.find("caf\xC3\xA9 \xE2\x80\x94 \xF0\x9F\x93\xB0 end"), std::string::npos) << t;
    EXPECT_NE(t.find("NULhere"), std::string::npos) << t;
    EXPECT_EQ(r.documents[1].title.find("\xE2\x80\x99s"), r.documents[1].title.size() - 4)
        << r.documents[1].title;  // &#146; meant a right single quote
}

TEST(Hostile, InvalidUtf8InJsonFeed) {
    std::string feed =
        "{\"version\":\"https://jsonfeed.org/version/1.1\",\"items\":[{\"id\":\"1\","
        "\"title\":\"ok \xC3\xA9 bad \xFF\\u0000 nul\"}]}";
    ParseResult r = parse(feed, "");
    ASSERT_EQ(r.documents.size(), 1u);
    EXPECT_TRUE(valid_utf8_without_controls(r.documents[0].title)) << r.documents[0].title;
}

std::string big_feed(int items) {
    std::string feed =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\" "
        "xmlns:content=\"http://purl.org/rss/1.0/modules/content/\"><channel>"
        "<title>Big</title>\n";
    std::string para(380, 'x');
    for (int i = 0; i < items; ++i) {
        std::string n = std::to_string(i);
        feed += "<item><title>Item " + n + " &amp; more</title><link>https://big.example/a/" + n +
                "?utm_source=rss</link><guid isPermaLink=\"false\">big-" + n +
                "</guid><pubDate>Tue, 25 Nov 2026 09:14:03 GMT</pubDate><description>&lt;p&gt;" +
                para + "&lt;/p&gt;</description></item>\n";
    }
    return feed + "</channel></rss>\n";
}

TEST(Hostile, TenThousandItemsFiveMegabytes) {
    std::string feed = big_feed(10000);
    ASSERT_GT(feed.size(), 5u * 1000 * 1000);
    auto t0 = std::chrono::steady_clock::now();
    ParseResult small = parse(big_feed(2000), "");
    auto t1 = std::chrono::steady_clock::now();
    ParseResult r = parse(feed, "");
    auto t2 = std::chrono::steady_clock::now();
    ASSERT_EQ(small.documents.size(), 2000u);
    ASSERT_EQ(r.documents.size(), 10000u);
    EXPECT_FALSE(r.recovered);
    EXPECT_EQ(r.documents[9999].item_id, "big-9999");
    EXPECT_EQ(r.documents[9999].url, "https://big.example/a/9999");
    EXPECT_EQ(r.documents[9999].title, "Item 9999 & more");
    // Complexity, not speed: five times the input must not cost 25 times the time.
    auto t_small = std::chrono::duration<double>(t1 - t0).count();
    auto t_big = std::chrono::duration<double>(t2 - t1).count();
    EXPECT_LT(t_big, 12.0 * t_small + 0.5) << "small " << t_small << "s, big " << t_big << "s";
}

TEST(Hostile, EmptyAndBlankInput) {
    for (std::string in : {std::string(), std::string("   \n\t "), std::string("\xEF\xBB\xBF")}) {
        ParseResult r = parse(in, "https://x.example/");
        EXPECT_EQ(r.kind, ContentKind::Unknown);
        EXPECT_FALSE(r.ok());
        EXPECT_TRUE(r.documents.empty());
    }
    EXPECT_EQ(extract_article("", "").body, "");
}

TEST(Hostile, BinaryGarbageIsUnknownAndHarmless) {
    std::mt19937 rng(20261125);
    for (int round = 0; round < 50; ++round) {
        std::string junk(1 + rng() % 20000, '\0');
        for (auto& c : junk) {
            c = static_cast<char>(rng() & 0xFF);
        }
        ParseResult r = parse(junk, "https://x.example/");
        EXPECT_EQ(r.kind, ContentKind::Unknown) << "round " << round;
        // The same junk behind a feed header, or handed to the extractor, must not crash.
        ParseResult r2 = parse("<rss version=\"2.0\"><channel><item><title>" + junk, "");
        EXPECT_TRUE(r2.recovered || r2.documents.empty());
        Article a = extract_article("<html><body><p>" + junk, "");
        EXPECT_TRUE(valid_utf8_without_controls(a.body));
        for (const auto& d : r2.documents) {
            EXPECT_TRUE(valid_utf8_without_controls(d.title));
        }
    }
}

TEST(Hostile, DeepNestingDoesNotOverflowTheStack) {
    std::string xml = "<rss><channel><item><title>deep</title><description>";
    std::string html = "<html><body>";
    for (int i = 0; i < 50000; ++i) {
        xml += "<d>";
        html += "<div>";
    }
    xml += "x</description></item></channel></rss>";
    html += "<p>bottom paragraph</p></body></html>";
    EXPECT_NO_FATAL_FAILURE(parse(xml, ""));
    EXPECT_NO_FATAL_FAILURE(extract_article(html, ""));
}

}  // namespace
}  // namespace ww::parse

namespace ww::parse {
namespace {

TEST(Concurrency, ParsersOnSeveralThreadsAgree) {
    const std::string feeds[] = {
        test::feed_fixture("rss2_wordpress.xml"), test::feed_fixture("messy_html_entities.xml"),
        test::feed_fixture("atom_github_xhtml.xml"), test::page_fixture("courier_article.html")};
    std::vector<std::string> expected;
    for (const auto& f : feeds) {
        expected.push_back(all_text(parse(f, "https://x.example/")));
    }
    std::vector<std::thread> threads;
    std::atomic<int> mismatches{0};
    for (int t = 0; t < 8; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < 20; ++i) {
                std::size_t k = static_cast<std::size_t>(t + i) % 4;
                if (all_text(parse(feeds[k], "https://x.example/")) != expected[k]) {
                    ++mismatches;
                }
            }
        });
    }
    for (auto& th : threads) {
        th.join();
    }
    EXPECT_EQ(mismatches.load(), 0);
}

}  // namespace
}  // namespace ww::parse

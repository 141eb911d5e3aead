// The streaming RSS reader against the tree readers: every fixture, the fuzz corpus and
// mutations of them must give identical ParseResults with streaming on and off.

#include <gtest/gtest.h>

#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "parse/atom_stream.hpp"
#include "parse/readers.hpp"
#include "parse_test_util.hpp"
#include "wirewatch/parse/feed.hpp"

namespace ww::parse {
namespace {

// Parses with feed streaming on or off, then restores the default.
ParseResult parse_with(bool streaming, const std::string& bytes, const std::string& base_url) {
    set_feed_streaming(streaming);
    ParseResult r = parse(bytes, base_url);
    set_feed_streaming(kFeedStreamingDefault);
    return r;
}

std::string describe(const ParseResult& r) {
    std::string s =
        std::string(content_kind_name(r.kind)) + (r.recovered ? " recovered" : "") + "\n";
    for (const auto& e : r.errors) {
        s += "error: " + e + "\n";
    }
    for (const auto& d : r.documents) {
        s += "id=" + d.item_id + "\nurl=" + d.url + "\ntitle=" + d.title +
             "\nsummary=" + d.summary + "\nbody=" + d.body + "\nauthor=" + d.author +
             "\nlanguage=" + d.language + "\npublished=" + test::iso(d.published) +
             "\nrecovered=" + (d.recovered ? "1" : "0") + "\n--\n";
    }
    return s;
}

// Compares both paths; returns "" when they agree, else both descriptions.
std::string difference(const std::string& bytes, const std::string& base_url) {
    ParseResult streamed = parse_with(true, bytes, base_url);
    ParseResult tree = parse_with(false, bytes, base_url);
    std::string a = describe(streamed);
    std::string b = describe(tree);
    return a == b ? std::string() : "streamed:\n" + a + "\ntree:\n" + b;
}

std::vector<std::string> corpus() {
    std::vector<std::string> files;
    for (const char* dir : {"/feeds", "/pages"}) {
        for (const auto& e : std::filesystem::directory_iterator(std::string(WW_TEST_DATA) + dir)) {
            files.push_back(e.path().string());
        }
    }
    for (const auto& e :
         std::filesystem::recursive_directory_iterator(std::string(WW_SOURCE_DIR) + "/demo")) {
        if (e.is_regular_file()) {
            files.push_back(e.path().string());
        }
    }
    return files;
}

const char* const kBaseUrls[] = {"https://example.org/feed/", "", "http://ex ample.org/a b/c?d=%zz",
                                 "relative/path"};

TEST(StreamDiff, EveryFixtureAndCorpusFileReadsTheSame) {
    for (const auto& path : corpus()) {
        std::string bytes = test::read_file(path);
        for (const char* base : kBaseUrls) {
            EXPECT_EQ(difference(bytes, base), "") << path << " base " << base;
        }
    }
}

TEST(StreamDiff, TheStreamingReaderIsUsedForPlainRss) {
    // Guards against the differential test passing because streaming silently never runs: a
    // plain feed must parse identically, and a DOCTYPE'd variant too (through the fallback).
    std::string feed = test::feed_fixture("rss2_wordpress.xml");
    EXPECT_EQ(difference(feed, "https://example.org/"), "");
    ParseResult r = parse(feed, "https://example.org/");
    EXPECT_FALSE(r.documents.empty());
}

// The streaming reader itself, called directly: it must accept a plain feed (so the
// differential tests compare two readers, not the tree with itself), and keep accepting it
// after its reused parser context has seen a refused DOCTYPE, a broken document and a
// document that used namespaces.
TEST(StreamDiff, TheStreamingReaderAcceptsPlainFeedsAgainAfterRefusals) {
    const std::string feed = test::feed_fixture("rss2_wordpress.xml");
    auto streams = [](const std::string& bytes) {
        detail::ReadContext ctx;
        ctx.base_url = "https://example.org/";
        ParseResult out;
        std::string root;
        return detail::stream_rss(bytes, ctx, out, root) && !out.documents.empty();
    };
    EXPECT_TRUE(streams(feed));
    EXPECT_TRUE(streams(feed));
    EXPECT_FALSE(
        streams("<!DOCTYPE rss [<!ENTITY e \"v\">]><rss><channel><item><title>&e;"
                "</title></item></channel></rss>"));
    EXPECT_TRUE(streams(feed));
    EXPECT_FALSE(streams("<rss><channel><item><title>cut off"));
    EXPECT_TRUE(streams(feed));
    EXPECT_TRUE(
        streams("<rss xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><channel><item>"
                "<dc:creator>A</dc:creator><title>T</title></item></channel></rss>"));
    EXPECT_TRUE(streams(feed));
}

// The same for Atom: plain entries stream; XHTML content and xml:base go to the tree.
TEST(StreamDiff, TheStreamingAtomReaderAcceptsPlainFeedsOnly) {
    auto streams = [](const std::string& bytes) {
        detail::ReadContext ctx;
        ctx.base_url = "https://example.org/";
        ParseResult out;
        std::string root;
        return detail::stream_atom(bytes, ctx, out, root) && !out.documents.empty();
    };
    EXPECT_TRUE(streams(test::feed_fixture("atom_blogger.xml")));
    EXPECT_TRUE(streams(test::feed_fixture("atom03_legacy.xml")));
    EXPECT_FALSE(streams(test::feed_fixture("atom_github_xhtml.xml")));
    EXPECT_FALSE(streams(test::feed_fixture("atom_xml_base.xml")));
    EXPECT_TRUE(streams(test::feed_fixture("atom_blogger.xml")));
    for (const char* name :
         {"atom_blogger.xml", "atom03_legacy.xml", "atom_github_xhtml.xml", "atom_xml_base.xml"}) {
        EXPECT_EQ(difference(test::feed_fixture(name), "https://example.org/"), "") << name;
    }
}

// Constructs the streaming reader treats specially, spliced into feeds.
const char* const kTokens[] = {
    "<",
    ">",
    "&",
    "&amp;",
    "&#38;",
    "&#x26;",
    "&lt;b&gt;",
    "]]>",
    "<![CDATA[x<b>y</b>]]>",
    "<!DOCTYPE rss [<!ENTITY e \"v\">]>",
    "&e;",
    "<!-- c -->",
    "<?pi x?>",
    "\"",
    " xml:base=\"sub/\"",
    " xml:lang=\"fr_FR\"",
    " rdf:about=\"urn:x\"",
    " isPermaLink=\"false\"",
    " xmlns:dc=\"http://purl.org/dc/elements/1.1/\"",
    " xmlns=\"http://purl.org/rss/1.0/\"",
    " xmlns:atom=\"http://www.w3.org/2005/Atom\"",
    "<item><title>T</title></item>",
    "<item>",
    "</item>",
    "<channel>",
    "</channel>",
    "<language>de</language>",
    "<dc:language>nl</dc:language>",
    "<dc:creator>A</dc:creator>",
    "<atom:link rel=\"alternate\" href=\"/x?a=1&amp;b=2\"/>",
    "<link>../rel</link>",
    "<guid>https://g.example/1</guid>",
    "<enclosure url=\"https://m.example/a.mp3\"/>",
    "<pubDate>Tue, 10 Jun 2003 04:00:00 GMT</pubDate>",
    "<b>bold</b>",
    "<entry><title>T</title></entry>",
    "<entry>",
    "</entry>",
    "<author><name>N</name></author>",
    "<link rel=\"alternate\" type=\"text/html\" href=\"/h\"/>",
    "<link href=\"https://l.example/x\"/>",
    " type=\"html\"",
    " type=\"xhtml\"",
    " mode=\"base64\"",
    "<id>urn:x</id>",
    "<updated>2003-12-13T18:30:02Z</updated>",
    "\xc3",
    "\n",
};

TEST(StreamDiff, MutatedFeedsReadTheSame) {
    std::minstd_rand random(test::env_int("DIFF_SEED", 11));
    std::size_t inputs = 0;
    for (const auto& path : corpus()) {
        if (path.find("/pages/") != std::string::npos || path.ends_with(".json")) {
            continue;
        }
        const std::string bytes = test::read_file(path);
        for (int i = 0; i < test::env_int("DIFF_N", 150); ++i) {
            std::string mutated = test::mutate_markup(bytes, random, kTokens, 3, 4);
            const char* base = kBaseUrls[random() % (sizeof kBaseUrls / sizeof *kBaseUrls)];
            std::string diff = difference(mutated, base);
            ASSERT_EQ(diff, "") << path << " mutation " << i << " base " << base << "\ninput:\n"
                                << mutated;
            ++inputs;
        }
    }
    EXPECT_GT(inputs, 1000u);
}

}  // namespace
}  // namespace ww::parse

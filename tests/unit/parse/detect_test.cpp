#include <gtest/gtest.h>

#include <string>

#include "parse/encoding.hpp"
#include "wirewatch/parse/feed.hpp"

namespace ww::parse {
namespace {

struct DetectCase {
    std::string bytes;
    ContentKind kind;
};

class Detect : public ::testing::TestWithParam<DetectCase> {};

TEST_P(Detect, FromContentOnly) {
    EXPECT_EQ(content_kind_name(detect(GetParam().bytes)), content_kind_name(GetParam().kind))
        << GetParam().bytes.substr(0, 80);
}

std::string utf16le(const std::string& ascii) {
    std::string out = "\xFF\xFE";
    for (char c : ascii) {
        out += c;
        out += '\0';
    }
    return out;
}

INSTANTIATE_TEST_SUITE_P(
    Table, Detect,
    ::testing::Values(
        DetectCase{"<?xml version=\"1.0\"?><rss version=\"2.0\"><channel/></rss>",
                   ContentKind::Rss},
        DetectCase{"\xEF\xBB\xBF<?xml version=\"1.0\"?>\n<rss version=\"0.91\">", ContentKind::Rss},
        DetectCase{"  \n<rss>", ContentKind::Rss},
        DetectCase{"<?xml version=\"1.0\"?><?xml-stylesheet href=\"a.xsl\"?><!-- generated -->\n"
                   "<!DOCTYPE rss PUBLIC \"-//Netscape Communications//DTD RSS 0.91//EN\" "
                   "\"http://my.netscape.com/publish/formats/rss-0.91.dtd\"><rss version=\"0.91\">",
                   ContentKind::Rss},
        DetectCase{"<!DOCTYPE rss [<!ENTITY a \"<b>\">]><rss>", ContentKind::Rss},
        DetectCase{"<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" "
                   "xmlns=\"http://purl.org/rss/1.0/\">",
                   ContentKind::Rdf},
        DetectCase{"<feed xmlns=\"http://www.w3.org/2005/Atom\">", ContentKind::Atom},
        DetectCase{"<feed version=\"0.3\" xmlns=\"http://purl.org/atom/ns#\">", ContentKind::Atom},
        DetectCase{"<atom:feed xmlns:atom=\"http://www.w3.org/2005/Atom\">", ContentKind::Atom},
        DetectCase{"<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">",
                   ContentKind::Sitemap},
        DetectCase{"<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">",
                   ContentKind::SitemapIndex},
        DetectCase{"{\"version\": \"https://jsonfeed.org/version/1.1\", \"items\": []}",
                   ContentKind::JsonFeed},
        DetectCase{"{\"items\": [{\"id\": \"" + std::string(70000, 'a') +
                       "\"}], \"version\": \"https://jsonfeed.org/version/1\"}",
                   ContentKind::JsonFeed},
        DetectCase{"{\"title\": \"not a feed\", \"body\": \"x\"}", ContentKind::Unknown},
        DetectCase{"<!DOCTYPE html><html lang=\"en\">", ContentKind::Html},
        DetectCase{"<!doctype HTML>\n<title>x</title>", ContentKind::Html},
        DetectCase{"<html><body>", ContentKind::Html},
        DetectCase{"<!-- a comment first -->\n<HTML>", ContentKind::Html},
        DetectCase{"Warning: session_start() in /var/www/x.php\n<html>", ContentKind::Html},
        DetectCase{"<div class=\"x\">fragment</div>", ContentKind::Html},
        DetectCase{utf16le("<?xml version=\"1.0\" encoding=\"UTF-16\"?><feed "
                           "xmlns=\"http://www.w3.org/2005/Atom\">"),
                   ContentKind::Atom},
        DetectCase{"Plain text note\nwith a second line.", ContentKind::Text},
        DetectCase{"<unknown-root/>", ContentKind::Unknown}, DetectCase{"", ContentKind::Unknown},
        DetectCase{" \n ", ContentKind::Unknown},
        DetectCase{std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16), ContentKind::Unknown},
        DetectCase{std::string("\x1f\x8b\x08\0\0\0\0\0", 8), ContentKind::Unknown}));

struct EncodingCase {
    std::string bytes;
    std::string http_charset;
    std::string declared;
};

class NoCopyViews : public ::testing::TestWithParam<EncodingCase> {};

// parse() takes views of the input where it can instead of copies; they must say exactly what
// the copying functions say, on every path (BOMs, UTF-16 without BOM, 7-bit labels, Latin-1).
TEST_P(NoCopyViews, AgreeWithTheCopyingFunctions) {
    const auto& c = GetParam();
    std::string storage;
    EXPECT_EQ(detail::utf8_view(c.bytes, c.http_charset, c.declared, storage),
              detail::decode_to_utf8(c.bytes, c.http_charset, c.declared));
    std::string head_storage;
    for (std::size_t max : {1u, 2u, 3u, 64u}) {
        EXPECT_EQ(detail::ascii_head(c.bytes, max, head_storage),
                  detail::sniff_prefix(c.bytes, max))
            << max;
    }
}

INSTANTIATE_TEST_SUITE_P(Table, NoCopyViews,
                         ::testing::Values(EncodingCase{"<rss>plain</rss>", "", ""},
                                           EncodingCase{"<rss>caf\xC3\xA9</rss>", "iso-8859-1", ""},
                                           EncodingCase{"<rss>caf\xE9</rss>", "", "iso-8859-1"},
                                           EncodingCase{"<rss>caf\xE9</rss>", "", ""},
                                           EncodingCase{"\xEF\xBB\xBF<rss>bom</rss>", "", ""},
                                           EncodingCase{std::string("<\0r\0s\0s\0>\0", 10), "", ""},
                                           EncodingCase{std::string("\0<\0r\0s\0s\0>", 10), "", ""},
                                           EncodingCase{"\xFF\xFE<\0", "", ""},
                                           EncodingCase{"<rss>+ZeI-</rss>", "", "utf-7"},
                                           EncodingCase{"<rss>nul\x01</rss>", "", ""},
                                           EncodingCase{"", "", ""}, EncodingCase{"x", "", ""}));

TEST(ContentKindName, AllKinds) {
    EXPECT_STREQ(content_kind_name(ContentKind::Rss), "rss");
    EXPECT_STREQ(content_kind_name(ContentKind::Rdf), "rdf");
    EXPECT_STREQ(content_kind_name(ContentKind::Atom), "atom");
    EXPECT_STREQ(content_kind_name(ContentKind::JsonFeed), "jsonfeed");
    EXPECT_STREQ(content_kind_name(ContentKind::Sitemap), "sitemap");
    EXPECT_STREQ(content_kind_name(ContentKind::SitemapIndex), "sitemapindex");
    EXPECT_STREQ(content_kind_name(ContentKind::Html), "html");
    EXPECT_STREQ(content_kind_name(ContentKind::Text), "text");
    EXPECT_STREQ(content_kind_name(ContentKind::Unknown), "unknown");
}

}  // namespace
}  // namespace ww::parse

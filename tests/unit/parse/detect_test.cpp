#include <gtest/gtest.h>

#include <string>

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

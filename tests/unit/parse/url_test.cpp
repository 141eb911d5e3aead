#include "wirewatch/parse/url.hpp"

#include <gtest/gtest.h>

namespace ww::parse {
namespace {

struct UrlCase {
    const char* input;
    const char* canonical;
};

class CanonicalUrl : public ::testing::TestWithParam<UrlCase> {};

TEST_P(CanonicalUrl, Table) {
    EXPECT_EQ(canonical_url(GetParam().input), GetParam().canonical) << GetParam().input;
}

INSTANTIATE_TEST_SUITE_P(
    Table, CanonicalUrl,
    ::testing::Values(
        UrlCase{"https://example.com/a", "https://example.com/a"},
        UrlCase{"HTTPS://Example.COM/Path/Case", "https://example.com/Path/Case"},
        UrlCase{"https://example.com/a#section-2", "https://example.com/a"},
        UrlCase{"https://example.com:443/a", "https://example.com/a"},
        UrlCase{"http://example.com:80/a", "http://example.com/a"},
        UrlCase{"http://example.com:8080/a", "http://example.com:8080/a"},
        UrlCase{"https://example.com:80/a", "https://example.com:80/a"},
        UrlCase{"https://example.com", "https://example.com/"},
        UrlCase{"https://example.com?x=1", "https://example.com/?x=1"},
        UrlCase{"https://example.com./a", "https://example.com/a"},
        UrlCase{"https://example.com/a?utm_source=rss&utm_medium=feed&utm_campaign=x",
                "https://example.com/a"},
        UrlCase{"https://example.com/a?id=7&utm_source=rss&page=2",
                "https://example.com/a?id=7&page=2"},
        UrlCase{"https://example.com/a?UTM_Source=x&id=1", "https://example.com/a?id=1"},
        UrlCase{"https://example.com/a?fbclid=IwAR0&gclid=Cj0&msclkid=1", "https://example.com/a"},
        UrlCase{"https://example.com/a?mc_cid=1&mc_eid=2&ocid=3&cmpid=4&igshid=5",
                "https://example.com/a"},
        UrlCase{"https://example.com/a?at_medium=RSS&at_campaign=rss", "https://example.com/a"},
        UrlCase{"https://example.com/a?ref=home&b=&&c=3", "https://example.com/a?ref=home&b=&c=3"},
        UrlCase{"https://example.com/a?z=1&a=2", "https://example.com/a?z=1&a=2"},  // order kept
        UrlCase{"  https://example.com/a \n", "https://example.com/a"},
        UrlCase{"https://user@Example.com/a", "https://user@example.com/a"},
        UrlCase{"http://[2001:DB8::1]:80/a", "http://[2001:db8::1]/a"},
        UrlCase{"https://example.com/caf%C3%A9?q=%20x", "https://example.com/caf%C3%A9?q=%20x"},
        UrlCase{"tag:blogger.com,1999:blog-1.post-2", "tag:blogger.com,1999:blog-1.post-2"},
        UrlCase{"/relative/path#frag", "/relative/path"}, UrlCase{"", ""}));

struct ResolveCase {
    const char* base;
    const char* ref;
    const char* resolved;
};

class ResolveUrl : public ::testing::TestWithParam<ResolveCase> {};

TEST_P(ResolveUrl, Table) {
    const auto& c = GetParam();
    EXPECT_EQ(resolve_url(c.base, c.ref), c.resolved) << c.base << " + " << c.ref;
}

INSTANTIATE_TEST_SUITE_P(
    Table, ResolveUrl,
    ::testing::Values(
        ResolveCase{"https://example.com/feed/rss.xml", "/news/a.html",
                    "https://example.com/news/a.html"},
        ResolveCase{"https://example.com/feed/rss.xml", "a.html",
                    "https://example.com/feed/a.html"},
        ResolveCase{"https://example.com/feed/", "../b.html", "https://example.com/b.html"},
        ResolveCase{"https://example.com/feed/", "https://other.example/x",
                    "https://other.example/x"},
        ResolveCase{"https://example.com/feed/", "//cdn.example/x", "https://cdn.example/x"},
        ResolveCase{"https://example.com/feed/", "?page=2", "https://example.com/feed/?page=2"},
        ResolveCase{"", "/only/path", "/only/path"},
        // An absolute reference comes back as written, dot segments and case included, as
        // xmlBuildURI returns it (the fast path for plain http(s) links must agree).
        ResolveCase{"https://example.com/feed/", "http://Other.Example/a/../b/./c?x=(1)&y=2",
                    "http://Other.Example/a/../b/./c?x=(1)&y=2"},
        ResolveCase{"https://example.com/feed/", "https://other.example:8443/x#frag",
                    "https://other.example:8443/x#frag"},
        ResolveCase{"https://example.com/", " /with space.html ",
                    "https://example.com/with%20space.html"}));

TEST(Fnv1a64, KnownVectors) {
    // Published FNV-1a 64 test vectors: ids built on it must never change.
    EXPECT_EQ(fnv1a64_hex(""), "cbf29ce484222325");
    EXPECT_EQ(fnv1a64_hex("a"), "af63dc4c8601ec8c");
    EXPECT_EQ(fnv1a64_hex("foobar"), "85944171f73967e8");
}

}  // namespace
}  // namespace ww::parse

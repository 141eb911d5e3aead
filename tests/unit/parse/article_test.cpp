// Article extraction on pages with heavy chrome: the story in, the chrome out.

#include <gtest/gtest.h>

#include <vector>

#include "parse_test_util.hpp"
#include "wirewatch/parse/feed.hpp"

namespace ww::parse {
namespace {

struct PageCase {
    const char* file;
    const char* charset;  // HTTP label, "" if the server sent none
    const char* title;
    const char* language;
    const char* canonical;
    std::vector<const char*> present;  // whole paragraphs
    std::vector<const char*> absent;   // chrome fragments
};

void PrintTo(const PageCase& c, std::ostream* os) { *os << c.file; }

class Pages : public ::testing::TestWithParam<PageCase> {};

TEST_P(Pages, ArticleInChromeOut) {
    const PageCase& c = GetParam();
    Article a =
        extract_article(test::page_fixture(c.file), "https://site.example/section/page", c.charset);
    EXPECT_EQ(a.title, c.title);
    EXPECT_EQ(a.language, c.language);
    EXPECT_EQ(a.canonical_url, c.canonical);
    for (const char* p : c.present) {
        // Paragraphs are whole: bounded by the start/end of the body or by "\n\n".
        std::string body = "\n\n" + a.body + "\n\n";
        EXPECT_NE(body.find("\n\n" + std::string(p) + "\n\n"), std::string::npos)
            << "missing paragraph: " << p << "\nbody:\n"
            << a.body;
    }
    for (const char* chrome : c.absent) {
        EXPECT_EQ(a.body.find(chrome), std::string::npos)
            << "chrome in body: " << chrome << "\nbody:\n"
            << a.body;
    }
}

INSTANTIATE_TEST_SUITE_P(
    Fixtures, Pages,
    ::testing::Values(
        PageCase{
            "courier_article.html",
            "",
            "Ceasefire monitors deployed along northern line",
            "en-GB",
            "https://www.daily-courier.example/world/2026/11/26/ceasefire-monitors-deployed",
            {"International monitors began patrols along the northern ceasefire line on "
             "Wednesday, a day after both sides signed the Velmora protocol in the lakeside "
             "town.",
             "The first team of 40 observers, drawn from six countries, set out from the "
             "village of Dravnik at dawn, according to a statement from the monitoring "
             "mission.",
             "\u201cThe first hours have been calm,\u201d said the mission\u2019s deputy head, "
             "Colonel Ines Mbeki. \u201cWe will publish weekly reports on every violation we "
             "can verify.\u201d",
             "Shelling stopped overnight",
             "Residents of Dravnik said the shelling that had continued for most of October "
             "stopped shortly after midnight on Tuesday, and that some families had begun "
             "returning to inspect their homes."},
            {"cookies",
             "Accept all",
             "Skip to main content",
             "Business",
             "Weather forecast",
             "Share on",
             "Advertisement",
             "winter tyres",
             "Velmora protocol signed",
             "Morning Briefing",
             "newsletter",
             "Subscribe",
             "Comments",
             "First comment",
             "Most read",
             "Celebrity chef",
             "All rights reserved",
             "Privacy policy",
             "Read more",
             "gtag",
             "querySelectorAll",
             "position:fixed"}},
        PageCase{"divsoup_article.html",
                 "",
                 "Mayor unveils plan to reopen the old tram line",
                 "",
                 "",
                 {"The mayor of Lakeside, Dana Whitcombe, on Monday unveiled a plan to reopen the "
                  "tram line that closed in 1961, saying the city could no longer rely on buses "
                  "alone.",
                  "Opposition councillors called the cost estimate, 310 million, optimistic, and "
                  "asked for an independent review before any vote.",
                  "Whitcombe said the city had already secured a grant covering a quarter of the "
                  "cost, and that construction would create around 800 jobs."},
                 {"Menu", "Home", "What's on", "cookies", "Share:", "You may also like",
                  "Bus fares to rise", "Cycle lanes", "Cloudy, 7 degrees", "Quay Street",
                  "Copyright", "_paq"}},
        PageCase{"windows1252_main.html",
                 "",
                 "R\u00e9forme des retraites : le vote report\u00e9",
                 "fr",
                 "https://site.example/politique/reforme-retraites-vote-reporte.html",
                 {"Le vote sur la r\u00e9forme des retraites, pr\u00e9vu jeudi, a \u00e9t\u00e9 "
                  "report\u00e9 \u00e0 la semaine prochaine, a annonc\u00e9 la pr\u00e9sidente de "
                  "l\u2019Assembl\u00e9e.",
                  "Les syndicats ont appel\u00e9 \u00e0 une nouvelle journ\u00e9e de mobilisation, "
                  "la cinqui\u00e8me depuis septembre."},
                 {"Accueil", "Sports et loisirs", "cookies", "Abonnez-vous",
                  "Tous droits r\u00e9serv\u00e9s"}}));

TEST(Pages, HtmlParseGivesOneDocumentWithPageMetadata) {
    ParseResult r = parse(test::page_fixture("courier_article.html"),
                          "https://www.daily-courier.example/world/x?utm_source=tw");
    EXPECT_EQ(r.kind, ContentKind::Html);
    ASSERT_EQ(r.documents.size(), 1u);
    const Document& d = r.documents[0];
    EXPECT_EQ(d.url,
              "https://www.daily-courier.example/world/2026/11/26/ceasefire-monitors-deployed");
    EXPECT_EQ(d.item_id, d.url);
    EXPECT_EQ(d.title, "Ceasefire monitors deployed along northern line");
    EXPECT_EQ(d.author, "Hanna Berglund");
    EXPECT_EQ(d.language, "en-GB");
    EXPECT_EQ(test::iso(d.published), "2026-11-26T08:12:00Z");
    EXPECT_EQ(d.summary,
              "International monitors began patrols on Wednesday, a day after both sides signed "
              "the Velmora protocol.");
    EXPECT_EQ(d.body.rfind("International monitors began patrols", 0), 0u) << d.body;
}

TEST(Pages, PageWithoutCanonicalUsesFetchUrl) {
    ParseResult r = parse(test::page_fixture("divsoup_article.html"),
                          "https://lakeside-post.example/news/tram#comments");
    ASSERT_EQ(r.documents.size(), 1u);
    EXPECT_EQ(r.documents[0].url, "https://lakeside-post.example/news/tram");
}

TEST(Pages, TitleFallsBackToTitleElementWithoutSiteSuffix) {
    Article a = extract_article(
        "<html><head><title>Flood barrier holds on first test | Orre "
        "Valley Times</title></head><body><p>The barrier held.</p>"
        "</body></html>",
        "");
    EXPECT_EQ(a.title, "Flood barrier holds on first test");
    EXPECT_EQ(a.body, "The barrier held.");
}

TEST(Pages, HttpCharsetBeatsMissingMeta) {
    std::string html = "<html><body><p>D\xE9j\xE0 vu \x96 encore</p></body></html>";
    EXPECT_EQ(extract_article(html, "", "iso-8859-1").body, "D\u00e9j\u00e0 vu \u2013 encore");
}

// A clean UTF-8 page skips the body's sanitizing pass unless a character reference could
// bring a control character in: these must still be mapped or dropped.
TEST(Pages, CharacterReferencesInACleanPageAreSanitized) {
    EXPECT_EQ(
        extract_article("<html><body><p>Vu &#150; encore &#x93;oui&#x94;</p></body></html>", "")
            .body,
        "Vu \u2013 encore \u201coui\u201d");
    EXPECT_EQ(extract_article("<html><body><p>Caf&eacute; &#129;ouvert</p></body></html>", "").body,
              "Caf\u00e9 ouvert");
}

}  // namespace
}  // namespace ww::parse

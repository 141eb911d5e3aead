// Every fixture in tests/data/feeds, checked field by field. "*" skips a field.

#include <gtest/gtest.h>

#include <vector>

#include "parse_test_util.hpp"
#include "wirewatch/parse/feed.hpp"

namespace ww::parse {
namespace {

constexpr const char* kAny = "*";

struct Item {
    std::size_t index;
    const char* item_id;
    const char* url;
    const char* title;
    const char* author;
    const char* language;
    const char* published;  // UTC, "" for none
    const char* summary;
    const char* body;
};

struct FeedCase {
    const char* file;
    const char* base_url;
    ContentKind kind;
    bool recovered;
    std::size_t count;
    std::vector<Item> items;
};

void PrintTo(const FeedCase& c, std::ostream* os) { *os << c.file; }

class Feeds : public ::testing::TestWithParam<FeedCase> {};

void expect_field(const char* name, const std::string& actual, const char* expected) {
    if (std::string(expected) != kAny) {
        EXPECT_EQ(actual, expected) << "field " << name;
    }
}

TEST_P(Feeds, FieldByField) {
    const FeedCase& c = GetParam();
    ParseResult r = parse(test::feed_fixture(c.file), c.base_url);
    EXPECT_EQ(r.kind, c.kind) << content_kind_name(r.kind);
    EXPECT_EQ(r.recovered, c.recovered);
    if (c.recovered) {
        EXPECT_FALSE(r.errors.empty());
    }
    ASSERT_EQ(r.documents.size(), c.count);
    for (const Document& d : r.documents) {
        EXPECT_EQ(d.recovered, c.recovered);
        EXPECT_FALSE(d.item_id.empty());
        EXPECT_TRUE(d.source_id.empty());  // the caller's job
    }
    for (const Item& e : c.items) {
        SCOPED_TRACE(::testing::Message() << c.file << " item " << e.index);
        ASSERT_LT(e.index, r.documents.size());
        const Document& d = r.documents[e.index];
        expect_field("item_id", d.item_id, e.item_id);
        expect_field("url", d.url, e.url);
        expect_field("title", d.title, e.title);
        expect_field("author", d.author, e.author);
        expect_field("language", d.language, e.language);
        expect_field("published", test::iso(d.published), e.published);
        expect_field("summary", d.summary, e.summary);
        expect_field("body", d.body, e.body);
    }
}

const char* kBase = "https://feeds.example/path/feed.xml";

INSTANTIATE_TEST_SUITE_P(
    Fixtures, Feeds,
    ::testing::Values(
        FeedCase{"rss2_wordpress.xml",
                 kBase,
                 ContentKind::Rss,
                 false,
                 3,
                 {{0, "https://harbourledger.example/?p=48213",
                   "https://harbourledger.example/2026/11/26/port-authority-dredging/",
                   "Port authority approves night-time dredging after two-year dispute",
                   "Mara Okonjo", "en-US", "2026-11-26T07:45:00Z",
                   "The Lower Vale port authority voted 5\u20132 on Tuesday to allow dredging "
                   "between midnight and 5 a.m.\n\nThe post Port authority approves night-time "
                   "dredging after two-year dispute appeared first on The Harbour Ledger.",
                   "The Lower Vale port authority voted 5\u20132 on Tuesday to allow dredging "
                   "between midnight and 5 a.m., ending a dispute that began when residents of "
                   "Quayside complained about noise.\n\n\u201cWe listened, and we changed the "
                   "plan,\u201d said board chair Ilse Brandt. The approved schedule caps work at "
                   "60 nights a year.\n\nA dredger at Pier 4."},
                  {1, "https://harbourledger.example/?p=48190",
                   "https://harbourledger.example/2026/11/25/council-budget-bus-fares/",
                   "Council budget: what changes for bus fares in 2027", "Tobias Reyes", "en-US",
                   "2026-11-25T18:30:12Z",
                   "Single fares rise by 10 cents; the youth pass stays free. [\u2026]",
                   "Single fares rise by 10 cents; the youth pass stays free.\n\nWho pays more\n\n"
                   "Commuters from Eastfield\n\nWeekend riders"},
                  {2, kAny, kAny, "Letters: The ferry timetable, again", "Readers", "en-US",
                   "2026-11-24T12:00:00Z", "Your letters on the winter ferry timetable.", ""}}},
        FeedCase{
            "rss2_broadcaster.xml",
            kBase,
            ContentKind::Rss,
            false,
            3,
            {{0, "https://www.northgate-news.example/news/articles/c4g7x2kq9mro#0",
              "https://www.northgate-news.example/news/articles/c4g7x2kq9mro",
              "Talks on river border resume in Velmora after three-week pause", "", "en-gb",
              "2026-11-26T09:14:03Z",
              "Delegations from both sides met in the lakeside town for the first time "
              "since the October flooding.",
              ""},
             // no <link>: the permalink guid is the URL
             {2, "https://www.northgate-news.example/news/videos/cq55n1pdp8vo",
              "https://www.northgate-news.example/news/videos/cq55n1pdp8vo",
              "Watch: Flood defences tested on the Orre estuary", "", "en-gb",
              "2026-11-25T22:40:00Z", "Engineers opened the new barrier for the first time.", ""}}},
        FeedCase{"rss091_netscape.xml",
                 kBase,
                 ContentKind::Rss,
                 false,
                 2,
                 {{0, "http://www.valleyfarmers.example/news/2026/1125.html",
                   "http://www.valleyfarmers.example/news/2026/1125.html",
                   "Apple prices steady at the Tuesday auction", "", "en-us", "",
                   "Dessert varieties held at last week's level.", ""}}},
        FeedCase{"rss092_enclosure.xml",
                 kBase,
                 ContentKind::Rss,
                 false,
                 2,
                 {{0, "http://radiokestrel.example/audio/2026-11-25.mp3", "", "", "", "", "",
                   "Today: the mayor on winter gritting, and the choir that sings in the tram "
                   "depot.",
                   ""},
                  {1, "http://radiokestrel.example/audio/2026-11-24.mp3", "", "Tuesday programme",
                   "", "", "", "Interview with the harbour master.", ""}}},
        FeedCase{
            "rdf_dcdate.rdf",
            kBase,
            ContentKind::Rdf,
            false,
            2,
            {{0, "https://science-desk.example/2026/11/glacier-melt",
              "https://science-desk.example/2026/11/glacier-melt",
              "Gletscherschmelze im Tal beschleunigt sich", "Dr. Lena Voss", "de",
              "2026-11-25T15:20:00Z",
              "Messungen zeigen einen Verlust von 4,2 Metern Eisdicke seit dem Fr\u00fchjahr.", ""},
             {1, "https://science-desk.example/2026/11/soil-carbon", kAny,
              "Boden speichert mehr Kohlenstoff als gedacht", "Jonas Keller", "de-CH",
              "2026-11-24T00:00:00Z", "Eine neue Studie aus dem Moorgebiet.",
              "Eine neue Studie aus dem Moorgebiet.\n\nDie Forscher nahmen 300 Proben."}}},
        FeedCase{"rss090_netscape.rdf",
                 kBase,
                 ContentKind::Rdf,
                 false,
                 1,
                 {{0, "http://oldtown-gazette.example/clock-tower.html",
                   "http://oldtown-gazette.example/clock-tower.html",
                   "Clock tower repairs finished", "", "", "", "", ""}}},
        FeedCase{"atom_blogger.xml",
                 kBase,
                 ContentKind::Atom,
                 false,
                 2,
                 {{0, "tag:blogger.com,1999:blog-7261840048812270001.post-5513370982471105532",
                   "https://ridgenotes.example/2026/11/polling-stations-close-early.html",
                   "Polling stations close early in two mountain districts", "Sam Achterberg", "",
                   "2026-11-26T05:07:00Z", "",
                   "Officials in Hollin and Marrow Gap closed polling stations at 4pm, citing "
                   "snow.\n\nVoters already in line were allowed to cast ballots."},
                  {1, kAny, "https://ridgenotes.example/2026/11/roadblock-lifted.html",
                   "Roadblock on the pass lifted", "Guest: Ana Petrov", "", "2026-11-24T16:15:00Z",
                   "", "The army withdrew the checkpoint at dawn."}}},
        FeedCase{"atom_github_xhtml.xml",
                 kBase,
                 ContentKind::Atom,
                 false,
                 2,
                 {{0, "tag:code.example,2008:Repository/99112233/v3.2.0",
                   "https://code.example/civic-tools/ballot-counter/releases/tag/v3.2.0",
                   "v3.2.0 (security)", "okafor-dev", "en-US", "2026-11-20T10:03:27Z", "",
                   "Fixes\n\nReject tally files with duplicate precinct ids\n\nEscape candidate "
                   "names in the CSV export\n\nThanks to @jmarsh for the report."},
                  {1, kAny, "https://code.example/civic-tools/ballot-counter/releases/tag/v3.1.9",
                   "v3.1.9 traduction fran\u00e7aise", "okafor-dev", "fr", "2026-11-02T08:00:00Z",
                   "", "Interface traduite en fran\u00e7ais."}}},
        FeedCase{"atom03_legacy.xml",
                 kBase,
                 ContentKind::Atom,
                 false,
                 2,
                 {{0, "tag:meridianwire.example,2026:insurers-1125",
                   "http://meridianwire.example/2026/11/25/insurers.html",
                   "Shipping insurers raise war-risk premiums", "Meridian Wire Desk", "en",
                   "2026-11-25T10:30:00Z", "Premiums for the strait rose a third in a week.",
                   "Premiums for vessels crossing the strait rose by a third in a week, brokers "
                   "said."},
                  {1, kAny, kAny, "Markets close mixed", "R. Castellanos", "en",
                   "2026-11-24T17:05:00Z", "", "Stocks ended flat."}}},
        FeedCase{"atom_xml_base.xml",
                 kBase,
                 ContentKind::Atom,
                 false,
                 3,
                 {{0, "urn:uuid:6f1d6c3e-4c8d-4a5e-9d52-6e3bb4e0a002",
                   "https://feeds.example/world/europe/rail-strike.html?ref=home",
                   "Rail strike called off", "", "", "2026-11-25T10:00:00Z",
                   "Unions & operators agreed overnight.", ""},
                  {1, kAny, "https://feeds.example/asia/embassy.html", "Embassy reopens", "", "",
                   kAny, "", ""},
                  {2, kAny, "https://other.example/story", kAny, "", "", kAny, "", ""}}},
        FeedCase{"jsonfeed11_authors.json",
                 kBase,
                 ContentKind::JsonFeed,
                 false,
                 2,
                 {{0, "https://civicdata.example/2026/11/turnout",
                   "https://civicdata.example/2026/11/turnout?page=2",
                   "Turnout figures revised upward", "Priya Raman, Owen Hale", "en",
                   "2026-11-25T14:00:00Z", "The electoral office corrected a tabulation error.",
                   "The electoral office corrected a tabulation error in three districts.\n\n"
                   "Turnout is now 61.4%."},
                  {1, "20261124", "https://feeds.example/2026/11/budget-hearing",
                   "Budget hearing postponed", "Bulletin Staff", "es", "2026-11-24T15:30:00Z", "",
                   "The hearing moves to December 3.\n\nNo reason was given."}}},
        FeedCase{
            "jsonfeed10_author.json",
            kBase,
            ContentKind::JsonFeed,
            false,
            2,
            {{0, "tw-311", "https://elsewhere.example/report.pdf", "Annual harbour report is out",
              "E. Lindqvist", "", "2026-11-20T08:00:00Z", "", "Link to the PDF."},
             {1, "tw-310", "https://tidewater.example/310", "", "Guest Writer", "",
              "2026-11-19T08:00:00Z", "", "Short note without a title."}}},
        FeedCase{
            "sitemap_news.xml",
            kBase,
            ContentKind::Sitemap,
            false,
            2,
            {{0, "https://www.daily-courier.example/world/2026/11/26/ceasefire-monitors-deployed",
              "https://www.daily-courier.example/world/2026/11/26/ceasefire-monitors-deployed",
              "Ceasefire monitors deployed along northern line", "", "en", "2026-11-26T08:12:00Z",
              "ceasefire, monitors, Velmora", ""},
             {1, kAny, "https://www.daily-courier.example/business/2026/11/26/wheat-futures",
              "Wheat futures slip as convoy reaches port", "", "en", "2026-11-26T00:00:00Z", "",
              ""}}},
        FeedCase{"sitemap_plain.xml",
                 kBase,
                 ContentKind::Sitemap,
                 false,
                 3,
                 {{0, "https://www.parish-news.example/", "https://www.parish-news.example/", "",
                   "", "", "", "", ""},
                  {1, kAny, "https://www.parish-news.example/2026/11/fete.html", "", "", "",
                   "2026-11-22T00:00:00Z", "", ""},
                  {2, "https://www.parish-news.example/2026/11/bells.html",
                   "https://www.parish-news.example/2026/11/bells.html", "", "", "",
                   "2026-11-21T18:00:00Z", "", ""}}},
        FeedCase{"sitemap_index.xml",
                 kBase,
                 ContentKind::SitemapIndex,
                 false,
                 2,
                 {{0, "https://www.daily-courier.example/sitemaps/news.xml",
                   "https://www.daily-courier.example/sitemaps/news.xml", "", "", "",
                   "2026-11-26T08:15:00Z", "", ""},
                  {1, kAny, "https://www.daily-courier.example/sitemaps/archive-2026-10.xml", "",
                   "", "", "", "", ""}}},
        FeedCase{"utf16_bom.xml",
                 kBase,
                 ContentKind::Rss,
                 false,
                 1,
                 {{0, kAny, "https://wide.example/1",
                   "\u041d\u043e\u0432\u043e\u0441\u0442\u0438 \u0434\u043d\u044f", "", "", "", "",
                   ""}}},
        // --- ill-formed ------------------------------------------------------------------
        FeedCase{"messy_unescaped_amp.xml",
                 kBase,
                 ContentKind::Rss,
                 true,
                 2,
                 {{0, "https://qa-weekly.example/story.php?id=17&section=local",
                   "https://qa-weekly.example/story.php?id=17&section=local",
                   "Profits & losses at the co-op", "", "", "2026-11-24T10:00:00Z",
                   "Ask & answer: members question the board. 5 < 6, as everyone knows.", ""},
                  {1, kAny, "https://qa-weekly.example/story.php?id=18&section=science",
                   "R&D budget doubles", "", "", "", "A&B labs expand", ""}}},
        FeedCase{"messy_html_entities.xml",
                 kBase,
                 ContentKind::Rss,
                 true,
                 1,
                 {{0, kAny, "https://journal-port.example/cafe-du-port",
                   "Caf\u00e9 du port : la client\u00e8le revient \u2014 enfin", "Am\u00e9lie Roux",
                   "fr", "2026-11-23T07:30:00Z",
                   "L\u2019\u00e9t\u00e9 a \u00e9t\u00e9 long\u2026 \u00a9 Journal\u2122 "
                   "&unknownentity; fin",
                   ""}}},
        // The third item was cut off mid-description: only the two closed ones count.
        FeedCase{"messy_truncated.xml",
                 kBase,
                 ContentKind::Rss,
                 true,
                 2,
                 {{0, kAny, "https://frontier-dispatch.example/1", "First complete item", "", "",
                   "2026-11-25T10:00:00Z", "", ""},
                  {1, kAny, "https://frontier-dispatch.example/2", "Second complete item", "", "",
                   "", "Still here.", ""}}},
        FeedCase{
            "messy_undeclared_prefix.xml",
            kBase,
            ContentKind::Rss,
            false,
            1,
            {{0, kAny, "http://hand-rolled.example/a", "Prefix never declared", "Nobody Declared",
              "", "2026-11-20T10:00:00Z", "", "Body from an undeclared content: prefix."}}},
        FeedCase{"messy_html_titles.xml",
                 kBase,
                 ContentKind::Rss,
                 false,
                 3,
                 {{0, "headline-lab-dam-001", kAny, "Breaking: Dam holds after storm", "", "", "",
                   "", ""},
                  {1, "headline-lab-letter-002", kAny, "Exclusive \u2013 Minister\u2019s letter",
                   "", "", "", "", ""},
                  {2, "headline-lab-cafe-003", kAny, "Double-escaped caf\u00e9 & bar", "", "", "",
                   "Line one\nline two\n\nPara two", ""}}},
        FeedCase{"messy_broken_dates.xml",
                 kBase,
                 ContentKind::Rss,
                 false,
                 7,
                 {{0, kAny, kAny, kAny, "", "", "2026-11-25T07:14:00Z", "", ""},
                  {1, kAny, kAny, kAny, "", "", "2026-11-25T14:14:03Z", "", ""},
                  {2, kAny, kAny, kAny, "", "", "2026-11-25T09:14:03Z", "", ""},
                  {3, kAny, kAny, kAny, "", "", "2026-11-25T09:14:03Z", "", ""},
                  {4, kAny, kAny, kAny, "", "", "2026-11-25T09:14:03Z", "", ""},
                  {5, "https://clockless.example/6", kAny, "Garbage date", "", "", "", "", ""},
                  // neither guid nor link: FNV-1a of title + 0x1f + date text, fixed forever
                  {6, "fnv1a:efa641f3a66084a8", "", "No link, no guid", "", "",
                   "2026-11-26T00:00:00Z", "", ""}}},
        FeedCase{"messy_cp1252_labelled_latin1.xml",
                 kBase,
                 ContentKind::Rss,
                 false,
                 1,
                 {{0, kAny, kAny,
                   "\u201cMarch\u00e9 de No\u00ebl\u201d \u2013 prix en hausse de 5\u20ac", "", "",
                   "2026-11-22T06:00:00Z", "Les exposants paient d\u2019avance.", ""}}},
        FeedCase{"messy_declared_utf8_is_latin1.xml",
                 kBase,
                 ContentKind::Rss,
                 false,
                 1,
                 {{0, kAny, kAny, "\u00c9t\u00e9 br\u00fblant \u00e0 N\u00eemes", "", "", "",
                   "Chaleur record: 41\u00b0C.", ""}}},
        FeedCase{"messy_declared_latin1_is_utf8.xml",
                 kBase,
                 ContentKind::Rss,
                 false,
                 1,
                 {{0, kAny, kAny, "\u00c9t\u00e9 br\u00fblant \u00e0 N\u00eemes", "", "", "",
                   "Chaleur record: 41\u00b0C.", ""}}}));

TEST(Feeds, HttpCharsetLabelIsUsedForUndeclaredLatin1) {
    std::string feed =
        "<rss version=\"2.0\"><channel><item><title>Gr\xfc\xdf Gott</title>"
        "<link>https://x.example/1</link></item></channel></rss>";
    ParseResult r = parse(feed, "", "iso-8859-15");
    ASSERT_EQ(r.documents.size(), 1u);
    EXPECT_EQ(r.documents[0].title, "Gr\u00fc\u00df Gott");
}

TEST(Feeds, ItemIdsAreStableAcrossRuns) {
    std::string bytes = test::feed_fixture("messy_broken_dates.xml");
    ParseResult a = parse(bytes, kBase);
    ParseResult b = parse(bytes, kBase);
    ASSERT_EQ(a.documents.size(), b.documents.size());
    for (std::size_t i = 0; i < a.documents.size(); ++i) {
        EXPECT_EQ(a.documents[i].item_id, b.documents[i].item_id);
    }
}

TEST(Feeds, RecoveredErrorsCarryLineNumbers) {
    ParseResult r = parse(test::feed_fixture("messy_unescaped_amp.xml"), kBase);
    ASSERT_FALSE(r.errors.empty());
    EXPECT_EQ(r.errors[0].rfind("line 4: ", 0), 0u) << r.errors[0];
}

TEST(Feeds, TextFileFirstLineIsTitle) {
    ParseResult r = parse(
        "\n\n  Spool note: convoy delayed  \nThe convoy is\nlate.\n\nSecond "
        "paragraph.\n",
        "file:///var/spool/wirewatch/note.txt");
    EXPECT_EQ(r.kind, ContentKind::Text);
    ASSERT_EQ(r.documents.size(), 1u);
    EXPECT_EQ(r.documents[0].title, "Spool note: convoy delayed");
    EXPECT_EQ(r.documents[0].body, "The convoy is\nlate.\n\nSecond paragraph.");
    EXPECT_EQ(r.documents[0].url, "file:///var/spool/wirewatch/note.txt");
}

}  // namespace
}  // namespace ww::parse

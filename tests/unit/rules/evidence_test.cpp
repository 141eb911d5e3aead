// Evidence: spans point into the original field text (through diacritics, dashes, ligatures),
// terms are reported as the rule wrote them, snippets are cut at word and UTF-8 boundaries
// with marks on the matched terms.

#include "rules/compiled.hpp"
#include "rules_test_util.hpp"

namespace ww::rules {
namespace {

using testing::compile_text;
using testing::make_doc;

std::size_t code_points(std::string_view s) {
    std::size_t n = 0;
    for (char c : s) {
        n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    }
    return n;
}

bool valid_utf8(std::string_view s) {
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        std::size_t len = c < 0x80           ? 1
                          : (c >> 5) == 0x6  ? 2
                          : (c >> 4) == 0xE  ? 3
                          : (c >> 3) == 0x1E ? 4
                                             : 0;
        if (len == 0 || i + len > s.size()) {
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

std::vector<Hit> run(const std::string& rule, const Document& doc) {
    auto set = compile_text("[[rule]]\nid = \"r\"\ntags = [\"t1\", \"t2\"]\nseverity = \"high\"\n" +
                            rule + "\n");
    EXPECT_TRUE(set);
    auto scratch = set->make_scratch();
    return set->match(doc, *scratch);
}

std::string text_of(const Document& doc, const Span& s) {
    return doc.field(s.field).substr(s.begin, s.end - s.begin);
}

TEST(Evidence, HitCarriesRuleData) {
    auto hits = run("keywords = ['Cease-fire', 'truce']", make_doc("a truce"));
    ASSERT_EQ(hits.size(), 1u);
    EXPECT_EQ(hits[0].rule_id, "r");
    EXPECT_EQ(hits[0].severity, Severity::High);
    EXPECT_EQ(hits[0].tags, (std::vector<std::string>{"t1", "t2"}));
    EXPECT_EQ(hits[0].terms, (std::vector<std::string>{"truce"}));
}

TEST(Evidence, SpansMapThroughDashesAndDiacritics) {
    const Document doc = make_doc("A Cease\u2011fire in Al\u00e8p \u2014 CEASE\u2013FIRE again");
    auto hits = run("keywords = ['Cease-fire', 'Alep']", doc);
    ASSERT_EQ(hits.size(), 1u);
    const Hit& h = hits[0];
    EXPECT_EQ(h.terms, (std::vector<std::string>{"Cease-fire", "Alep"}));
    ASSERT_EQ(h.spans.size(), 3u);
    EXPECT_EQ(text_of(doc, h.spans[0]), "Cease\u2011fire");
    EXPECT_EQ(text_of(doc, h.spans[1]), "Al\u00e8p");
    EXPECT_EQ(text_of(doc, h.spans[2]), "CEASE\u2013FIRE");
    EXPECT_EQ(h.spans[0].field, Field::Body);
}

TEST(Evidence, LigatureAndNbspMapToWholeOriginalCharacters) {
    const Document doc = make_doc("the \ufb01le on war\u00a0crimes");
    auto hits = run("keywords = ['file', 'war crimes']", doc);
    ASSERT_EQ(hits.size(), 1u);
    ASSERT_EQ(hits[0].spans.size(), 2u);
    EXPECT_EQ(text_of(doc, hits[0].spans[0]), "\ufb01le");
    EXPECT_EQ(text_of(doc, hits[0].spans[1]), "war\u00a0crimes");
}

// A span ends with the last original character that produced a matched byte: the whole "…"
// when a term ends inside its "...", and never the whitespace normalization dropped after the
// last word of a field.
TEST(Evidence, SpanEndsCoverExpandedCharactersAndSkipTrailingSpace) {
    const Document doc = make_doc("title: wait\u2026 what || a truce \t\n");
    auto hits = run("keywords = ['wait.', 'truce']", doc);
    ASSERT_EQ(hits.size(), 1u);
    ASSERT_EQ(hits[0].spans.size(), 2u);
    EXPECT_EQ(text_of(doc, hits[0].spans[0]), "wait\u2026");
    EXPECT_EQ(text_of(doc, hits[0].spans[1]), "truce");
}

TEST(Evidence, PrefixSpanCoversTheWholeWord) {
    const Document doc = make_doc("Strikes and more strikers");
    auto hits = run("keywords = ['strike*']", doc);
    ASSERT_EQ(hits.size(), 1u);
    ASSERT_EQ(hits[0].spans.size(), 2u);
    EXPECT_EQ(text_of(doc, hits[0].spans[0]), "Strikes");
    EXPECT_EQ(text_of(doc, hits[0].spans[1]), "strikers");
    EXPECT_EQ(hits[0].terms, (std::vector<std::string>{"strike*"}));
}

TEST(Evidence, SpansInDocumentOrderAcrossFields) {
    const Document doc =
        make_doc("title: Aleppo falls || summary: siege of Aleppo || Aleppo, Aleppo");
    auto hits = run("keywords = ['Aleppo']", doc);
    ASSERT_EQ(hits.size(), 1u);
    const auto& s = hits[0].spans;
    ASSERT_EQ(s.size(), 4u);
    EXPECT_EQ(s[0].field, Field::Title);
    EXPECT_EQ(s[1].field, Field::Summary);
    EXPECT_EQ(s[2].field, Field::Body);
    EXPECT_EQ(s[3].field, Field::Body);
    EXPECT_LT(s[2].begin, s[3].begin);
    // The title is shown with every alert, so the snippet comes from the first span outside it.
    EXPECT_EQ(hits[0].snippet, "siege of Aleppo");
}

TEST(Evidence, SnippetPrefersSummaryOrBodyOverTitle) {
    struct Case {
        const char* doc;
        const char* snippet;
        const char* marked;  // the text of the first mark
    };
    const Case cases[] = {
        // Only the title hit: the title is all there is to show.
        {"title: Aleppo falls || summary: a siege ends || the city is quiet", "Aleppo falls",
         "Aleppo"},
        // Title and body: the body span, not the title again.
        {"title: Aleppo falls || the siege of Aleppo ended", "the siege of Aleppo ended", "Aleppo"},
        // Title, summary and body: the summary, first in document order after the title.
        {"title: Aleppo || summary: siege of Aleppo || Aleppo, Aleppo", "siege of Aleppo",
         "Aleppo"},
        // No title hit: unchanged, the first span.
        {"title: News || the siege of Aleppo ended", "the siege of Aleppo ended", "Aleppo"},
    };
    for (const Case& c : cases) {
        auto hits = run("keywords = ['Aleppo']", make_doc(c.doc));
        ASSERT_EQ(hits.size(), 1u) << c.doc;
        const Hit& h = hits[0];
        EXPECT_EQ(h.snippet, c.snippet) << c.doc;
        ASSERT_FALSE(h.marks.empty()) << c.doc;
        EXPECT_EQ(h.snippet.substr(h.marks[0].first, h.marks[0].second - h.marks[0].first),
                  c.marked)
            << c.doc;
        // Spans still list every field, title first.
        if (std::string(c.doc).find("title: Aleppo") == 0) {
            EXPECT_EQ(h.spans.front().field, Field::Title) << c.doc;
        }
    }
}

TEST(Evidence, SnippetFromBodyWhenTitleAndBodyHitDifferentTerms) {
    const Document doc = make_doc("title: Truce in Aleppo || fighting resumed after the truce");
    auto hits = run("query = 'truce AND Aleppo'", doc);
    ASSERT_EQ(hits.size(), 1u);
    EXPECT_EQ(hits[0].snippet, "fighting resumed after the truce");
    ASSERT_EQ(hits[0].marks.size(), 1u);
}

TEST(Evidence, OccurrencesPerTermAndFieldAreCapped) {
    std::string flood;
    for (int i = 0; i < 5000; ++i) {
        flood += "war ";
    }
    Document doc = make_doc("title: war || summary: war and peace");
    doc.body = "Aleppo shelling " + flood + "war crimes";
    // A keyword found 5000 times in the body keeps the first kMaxOccurrences of them there;
    // the title and summary have their own allowance.
    auto hits = run("keywords = ['war']", doc);
    ASSERT_EQ(hits.size(), 1u);
    std::size_t body = 0;
    for (const Span& sp : hits[0].spans) {
        body += sp.field == Field::Body;
    }
    EXPECT_EQ(body, detail::kMaxOccurrences);
    EXPECT_EQ(hits[0].spans.size(), detail::kMaxOccurrences + 2);
    // Other terms are not crowded out: NEAR still sees terms before and after the flood.
    EXPECT_EQ(run("query = 'Aleppo NEAR/1 shelling'", doc).size(), 1u);
    EXPECT_EQ(run("query = '\"war crimes\" AND title:war AND NOT summary:peace'", doc).size(), 0u);
    EXPECT_EQ(run("query = '\"war crimes\" AND title:war'", doc).size(), 1u);
}

TEST(Evidence, NearCountsWordsExactlyInLongMixedText) {
    // Long enough for the 16-byte word index blocks, with non-ASCII words, digits, dashes and
    // punctuation between the operands so that blocks and the scalar path both count.
    const std::vector<std::string> filler = {
        "café",  "w1",    "x-ray", "Zürich,",       "42",
        "ab.cd", "naïve", "ok",    "\u201Cq\u201D", "long-winded"};
    for (std::size_t between = 0; between < 40; ++between) {
        std::string body;
        for (int i = 0; i < 30; ++i) {
            body += filler[i % filler.size()] + " ";
        }
        body += "Aleppo";
        std::size_t words = 0;
        for (std::size_t i = 0; words < between; ++i) {
            const std::string& f = filler[i % filler.size()];
            // Each filler counts as one word except those that hold two ("x-ray", "ab.cd",
            // "long-winded"): keep the count exact by using single words only.
            if (f.find_first_of("-.") != std::string::npos) {
                continue;
            }
            body += " " + f;
            ++words;
        }
        body += " shelling and more text after it to fill a block";
        Document doc;
        doc.body = body;
        const std::string n = std::to_string(between);
        EXPECT_EQ(
            run("query = 'Aleppo NEAR/" + (between == 0 ? std::string("1") : n) + " shelling'", doc)
                .size(),
            1u)
            << body;
        if (between > 1) {
            EXPECT_EQ(run("query = 'Aleppo NEAR/" + std::to_string(between - 1) + " shelling'", doc)
                          .size(),
                      0u)
                << body;
        }
    }
}

TEST(Evidence, QueryReportsOnlyPositiveTermsOfAHit) {
    const Document doc = make_doc("war crimes in Halab, not Homs");
    auto hits = run("query = '\"war crimes\" AND (Aleppo OR Halab) AND NOT Idlib'", doc);
    ASSERT_EQ(hits.size(), 1u);
    EXPECT_EQ(hits[0].terms, (std::vector<std::string>{"war crimes", "Halab"}));
    ASSERT_EQ(hits[0].spans.size(), 2u);
    EXPECT_EQ(text_of(doc, hits[0].spans[1]), "Halab");
}

TEST(Evidence, KeywordHitDoesNotReportTermsOfAFailedQuery) {
    auto hits =
        run("keywords = ['truce']\nquery = 'Aleppo AND bombing'", make_doc("truce in Aleppo"));
    ASSERT_EQ(hits.size(), 1u);
    EXPECT_EQ(hits[0].terms, (std::vector<std::string>{"truce"}));
}

TEST(Evidence, RegexSpanIsTheLongestMatch) {
    const Document doc = make_doc("new SANCTIONS on Iran");
    auto hits = run("regex = ['\\bsanction(s|ed)?\\b']", doc);
    ASSERT_EQ(hits.size(), 1u);
    ASSERT_EQ(hits[0].spans.size(), 1u);
    EXPECT_EQ(text_of(doc, hits[0].spans[0]), "SANCTIONS");
    EXPECT_EQ(hits[0].terms, (std::vector<std::string>{"\\bsanction(s|ed)?\\b"}));
}

TEST(Evidence, CaseSensitiveSpansMapThroughTheirOwnNormalization) {
    const Document doc = make_doc("STRA\u00dfE and Stra\u00dfe");
    auto hits = run("keywords = ['Strasse']\ncase_sensitive = true", doc);
    // Only the non-folded copy is scanned: "STRASSE" differs in case, so no hit there.
    ASSERT_EQ(hits.size(), 0u);
    hits = run("keywords = ['Stra\u00dfe']\ncase_sensitive = true", doc);
    ASSERT_EQ(hits.size(), 1u);
    ASSERT_EQ(hits[0].spans.size(), 1u);
    EXPECT_EQ(text_of(doc, hits[0].spans[0]), "Stra\u00dfe");
}

std::string words(std::size_t n, const std::string& word) {
    std::string out;
    for (std::size_t i = 0; i < n; ++i) {
        out += (i ? " " : "") + word + std::to_string(i);
    }
    return out;
}

TEST(Snippet, CutAtWordBoundariesWithEllipsisAndMarks) {
    const std::string body = words(60, "lorem") + " Aleppo " + words(60, "ipsum");
    const Document doc = make_doc(body);
    auto hits = run("keywords = ['Aleppo']", doc);
    ASSERT_EQ(hits.size(), 1u);
    const Hit& h = hits[0];
    const std::string ellipsis = "\u2026";
    ASSERT_TRUE(h.snippet.starts_with(ellipsis)) << h.snippet;
    ASSERT_TRUE(h.snippet.ends_with(ellipsis)) << h.snippet;
    const std::size_t chars = code_points(h.snippet);
    EXPECT_GE(chars, 170u) << h.snippet;
    EXPECT_LE(chars, 202u) << h.snippet;
    // The inner text is a verbatim piece of the body, starting and ending on whole words.
    const std::string inner =
        h.snippet.substr(ellipsis.size(), h.snippet.size() - 2 * ellipsis.size());
    const std::size_t at = body.find(inner);
    ASSERT_NE(at, std::string::npos) << inner;
    EXPECT_EQ(body[at - 1], ' ');
    EXPECT_EQ(body[at + inner.size()], ' ');
    EXPECT_NE(inner.front(), ' ');
    EXPECT_NE(inner.back(), ' ');
    ASSERT_EQ(h.marks.size(), 1u);
    EXPECT_EQ(h.snippet.substr(h.marks[0].first, h.marks[0].second - h.marks[0].first), "Aleppo");
    // Roughly centred: comparable context on both sides.
    const std::size_t left = code_points(h.snippet.substr(0, h.marks[0].first));
    EXPECT_GT(left, 70u);
    EXPECT_LT(left, 110u);
}

TEST(Snippet, ShortTextIsWholeWithoutEllipsis) {
    const Document doc = make_doc("Aleppo falls\nafter a long siege");
    auto hits = run("keywords = ['siege', 'Aleppo']", doc);
    ASSERT_EQ(hits.size(), 1u);
    EXPECT_EQ(hits[0].snippet, "Aleppo falls after a long siege");  // newline shown as space
    ASSERT_EQ(hits[0].marks.size(), 2u);
    EXPECT_EQ(hits[0].marks[0], (std::pair<std::size_t, std::size_t>{0, 6}));
    EXPECT_EQ(hits[0].marks[1], (std::pair<std::size_t, std::size_t>{26, 31}));
}

TEST(Snippet, HitNearTheStartGivesTheBudgetToTheRight) {
    const Document doc = make_doc("Aleppo " + words(100, "w"));
    auto hits = run("keywords = ['Aleppo']", doc);
    ASSERT_EQ(hits.size(), 1u);
    EXPECT_TRUE(hits[0].snippet.starts_with("Aleppo w0 w1"));
    EXPECT_TRUE(hits[0].snippet.ends_with("\u2026"));
    EXPECT_GE(code_points(hits[0].snippet), 190u);
}

TEST(Snippet, MultiByteTextIsNeverCutInsideACharacter) {
    std::string filler;
    for (int i = 0; i < 80; ++i) {
        filler += "\u00e9t\u00e9 \u0436\u0438\u0437\u043d\u044c ";
    }
    const Document doc = make_doc(filler + "Al\u00e8p " + filler);
    auto hits = run("keywords = ['Alep']", doc);
    ASSERT_EQ(hits.size(), 1u);
    const Hit& h = hits[0];
    EXPECT_TRUE(valid_utf8(h.snippet));
    ASSERT_EQ(h.marks.size(), 1u);
    EXPECT_EQ(h.snippet.substr(h.marks[0].first, h.marks[0].second - h.marks[0].first),
              "Al\u00e8p");
    EXPECT_LE(code_points(h.snippet), 202u);
}

TEST(Snippet, PartialWordsAreDroppedNotCut) {
    const Document doc = make_doc(std::string(500, 'x') + " Aleppo " + std::string(500, 'y'));
    auto hits = run("keywords = ['Aleppo']", doc);
    ASSERT_EQ(hits.size(), 1u);
    EXPECT_EQ(hits[0].snippet, "\u2026Aleppo\u2026");
    EXPECT_EQ(hits[0].marks[0], (std::pair<std::size_t, std::size_t>{3, 9}));
}

TEST(Snippet, MarksEveryTermInsideTheWindow) {
    const Document doc =
        make_doc(words(40, "a") + " Russia launched new strikes " + words(40, "b"));
    auto hits = run("query = 'Russia NEAR/3 strike*'", doc);
    ASSERT_EQ(hits.size(), 1u);
    const Hit& h = hits[0];
    ASSERT_EQ(h.marks.size(), 2u);
    EXPECT_EQ(h.snippet.substr(h.marks[0].first, h.marks[0].second - h.marks[0].first), "Russia");
    EXPECT_EQ(h.snippet.substr(h.marks[1].first, h.marks[1].second - h.marks[1].first), "strikes");
}

}  // namespace
}  // namespace ww::rules

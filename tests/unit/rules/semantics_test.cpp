// The semantics table of issue 3: every rule feature with positive and negative cases side by
// side. Each row is run alone (its own compiled set) and all rows together in one set, so
// terms shared between rules are covered too.

#include <cctype>
#include <random>
#include <set>

#include "rules_test_util.hpp"

namespace ww::rules {
namespace {

using testing::make_doc;

struct Row {
    const char* rule;  // TOML keys of one [[rule]] (the id is added)
    const char* doc;   // see make_doc(): "title: ... || url: ... || lang: .. || body"
    bool hit;
};

std::ostream& operator<<(std::ostream& os, const Row& r) {
    return os << "rule {" << r.rule << "} doc {" << r.doc << "} expect "
              << (r.hit ? "hit" : "no hit");
}

// clang-format off
const Row kRows[] = {
    // --- case: insensitive by default, case_sensitive = true opts in
    {"keywords = ['Aleppo']", "Fighting in ALEPPO today", true},
    {"keywords = ['aleppo']", "Fighting in Aleppo today", true},
    {"keywords = ['Aleppo']", "Fighting in Alepo today", false},
    {"keywords = ['NATO']\ncase_sensitive = true", "NATO summit", true},
    {"keywords = ['NATO']\ncase_sensitive = true", "Nato summit", false},
    {"keywords = ['Apple']\ncase_sensitive = true", "Apple shares rose", true},
    {"keywords = ['Apple']\ncase_sensitive = true", "an apple a day", false},
    {"query = 'Apple AND iPhone'\ncase_sensitive = true", "Apple launches iPhone", true},
    {"query = 'Apple AND iPhone'\ncase_sensitive = true", "apple launches iphone", false},
    {"keywords = ['S\u00e3o Paulo']\ncase_sensitive = true", "in Sao Paulo", true},

    // --- whole words
    {"keywords = ['war']", "the war began", true},
    {"keywords = ['war']", "new software released", false},
    {"keywords = ['war']", "a warning was issued", false},
    {"keywords = ['war']", "after the war's end", true},
    {"keywords = ['war']", "the postwar order", false},
    {"keywords = ['war']", "they went to war.", true},
    {"keywords = ['war']", "(war)", true},
    {"keywords = ['war']", "war-torn city", true},
    {"keywords = ['war']", "war2 is a game", false},
    {"keywords = ['2024']", "elections in 2024.", true},
    {"keywords = ['2024']", "ticket 20245", false},
    {"keywords = ['U.S.']", "the U.S. said", true},
    {"keywords = ['U.S.']", "in the US", false},
    {"keywords = ['\u041c\u043e\u0441\u043a\u0432\u0430']", "\u041c\u041e\u0421\u041a\u0412\u0410 today", true},
    {"keywords = ['\u041c\u043e\u0441\u043a\u0432\u0430']", "\u0432 \u041c\u043e\u0441\u043a\u0432\u0435", false},

    // --- prefix wildcard
    {"keywords = ['strike*']", "more strikes overnight", true},
    {"keywords = ['strike*']", "the striker scored", true},
    {"keywords = ['strike*']", "a strike on the port", true},
    {"keywords = ['strike*']", "a striking image", false},
    {"keywords = ['strike*']", "an airstrike hit", false},
    {"query = 'strike*'", "strikes continued", true},
    {"query = 'strike*'", "striking workers", false},
    {"query = '\"united nat*\"'", "the United Nations said", true},
    {"query = '\"united nat*\"'", "the United States said", false},

    // --- dashes and spaces inside keywords
    {"keywords = ['cease-fire']", "a ceasefire was agreed", true},
    {"keywords = ['cease-fire']", "a cease fire was agreed", true},
    {"keywords = ['cease-fire']", "a Cease\u2011fire was agreed", true},
    {"keywords = ['cease-fire']", "a CEASE\u2013FIRE was agreed", true},
    {"keywords = ['cease-fire']", "a cease\u2014fire was agreed", true},
    {"keywords = ['cease-fire']", "a cease-fire was agreed", true},
    {"keywords = ['cease-fire']", "they ceased fire", false},
    {"keywords = ['cease-fire']", "two cease-fires", false},
    {"keywords = ['cease fire']", "a cease-fire was agreed", true},
    {"keywords = ['cease fire']", "a ceasefire was agreed", true},
    {"keywords = ['ceasefire']", "a cease-fire was agreed", false},
    {"keywords = ['fire']", "a cease-fire was agreed", true},
    {"keywords = ['fire']", "a fi re was lit", false},
    {"keywords = ['cease-fire']", "a cease - fire was agreed", false},
    {"keywords = ['cease-fire']", "a cease -fire was agreed", false},
    {"keywords = ['cease-fire']", "a ceas efire was agreed", false},
    {"keywords = ['north-south rail link']", "the north south-rail link", true},
    {"keywords = ['north-south rail link']", "the northsouth raillink", true},
    {"keywords = ['north-south rail link']", "the north-south-rail-link", true},
    {"keywords = ['north-south rail link']", "the nor th south rail link", false},
    {"keywords = ['-fire']", "a cease-fire was agreed", true},
    {"keywords = ['-fire']", "a cease fire was agreed", false},
    {"keywords = ['-fire']", "a ceasefire was agreed", false},
    {"keywords = ['ex-']", "his ex-wife", true},
    {"keywords = ['ex-']", "his ex wife", false},
    {"keywords = ['war crimes tribunal']", "the war-crimes tribunal", true},
    {"keywords = ['war crimes tribunal']", "the warcrimes-tribunal", true},
    {"keywords = ['one-two-three-four-five']", "one two three four five", true},
    {"keywords = ['one-two-three-four-five']", "onetwothreefourfive", true},
    {"keywords = ['one-two-three-four-five']", "one-two three-four five", false},
    {"query = 'cease-fire'", "a ceasefire held", true},
    {"query = 'cease-fire'", "cease", false},

    // --- Unicode normalization: diacritics, quotes, whitespace, compatibility forms
    {"keywords = ['Alep']", "la ville d'Al\u00e8p", true},
    {"keywords = ['Alep']", "the city of Aleppo", false},
    {"keywords = ['Sao Paulo']", "S\u00e3o Paulo floods", true},
    {"keywords = ['S\u00e3o Paulo']", "Sao Paulo floods", true},
    {"keywords = ['Sao Paulo']", "Santo Paulo floods", false},
    {"keywords = [\"C\u00f4te d'Ivoire\"]", "in C\u00f4te d\u2019Ivoire", true},
    {"query = '\"C\u00f4te d\u2019Ivoire\"'", "in Cote d'Ivoire", true},
    {"keywords = ['war crimes']", "war\n   crimes", true},
    {"keywords = ['war crimes']", "war\u00a0crimes", true},
    {"keywords = ['file']", "the \ufb01le was leaked", true},
    {"keywords = ['M\u00fcller']", "Herr Muller sagte", true},
    {"keywords = ['M\u00fcller']", "Herr Mueller sagte", false},

    // --- scripts written without spaces: no word boundaries to check inside them
    {"keywords = ['\u5317\u4eac']", "\u53d1\u8a00\u4eba\u5728\u5317\u4eac\u8868\u793a", true},  // 北京 in 发言人在北京表示
    {"keywords = ['\u5317\u4eac']", "\u5317\u65b9\u7684\u4eac\u57ce", false},  // 北方的京城
    {"keywords = ['\u6771\u4eac']", "\u6771\u4eac\u3067\u5730\u9707", true},  // 東京 in 東京で地震
    {"keywords = ['\u30ed\u30b7\u30a2']", "\u30ed\u30b7\u30a2\u8ecd\u304c", true},  // ロシア in ロシア軍が
    {"keywords = ['\u0e01\u0e23\u0e38\u0e07\u0e40\u0e17\u0e1e']", "\u0e19\u0e49\u0e33\u0e17\u0e48\u0e27\u0e21\u0e01\u0e23\u0e38\u0e07\u0e40\u0e17\u0e1e\u0e27\u0e31\u0e19\u0e19\u0e35\u0e49", true},  // Thai: Bangkok inside a sentence
    {"keywords = ['Beijing']", "\u4f1a\u8bae\u5728Beijing\u4e3e\u884c", true},  // 会议在Beijing举行
    {"keywords = ['Beijing']", "\u5728Beijinger\u4e3e\u884c", false},
    {"keywords = ['\ud55c\uad6d']", "\ud55c\uad6d\uc5b4\ub97c", false},  // Korean has spaces: 한국 is not a word in 한국어를
    {"keywords = ['\ud55c\uad6d']", "\ud55c\uad6d \uc815\ubd80", true},
    {"query = '\u5317\u4eac NEAR/3 \u5730\u9707'", "\u5317\u4eac\u53d1\u751f\u5730\u9707", true},  // one word per character
    {"query = '\u5317\u4eac NEAR/1 \u5730\u9707'", "\u5317\u4eac\u53d1\u751f\u5730\u9707", false},

    // --- phrases and implicit AND
    {"query = '\"war crimes\"'", "accused of war crimes", true},
    {"query = '\"war crimes\"'", "the crimes of war", false},
    {"query = 'war crimes'", "the crimes of war", true},
    {"query = 'war crimes'", "the war only", false},
    {"query = 'Aleppo and Homs'", "Aleppo and Homs", true},
    {"query = 'Aleppo and Homs'", "Aleppo, Homs", false},

    // --- AND, OR, NOT, -term
    {"query = 'Aleppo AND Homs'", "Aleppo then Homs", true},
    {"query = 'Aleppo AND Homs'", "Aleppo only", false},
    {"query = 'Aleppo OR Homs'", "news from Homs", true},
    {"query = 'Aleppo OR Homs'", "news from Damascus", false},
    {"query = 'Aleppo AND NOT Homs'", "Aleppo alone", true},
    {"query = 'Aleppo AND NOT Homs'", "Aleppo and Homs", false},
    {"query = 'Aleppo -Homs'", "Aleppo alone", true},
    {"query = 'Aleppo -Homs'", "Aleppo, Homs", false},
    {"query = '-Homs Aleppo'", "Aleppo alone", true},
    {"query = '-\"video game\" Aleppo'", "Aleppo video game", false},
    {"query = 'NOT Homs'", "Aleppo alone", false},
    {"query = 'NOT Homs'", "Homs", false},

    // --- parentheses and precedence (NOT > NEAR > AND > OR)
    {"query = '\"war crimes\" AND (Aleppo OR Halab OR Alep) AND NOT \"video game\"'",
     "war crimes in Halab", true},
    {"query = '\"war crimes\" AND (Aleppo OR Halab OR Alep) AND NOT \"video game\"'",
     "war crimes in Halab, says a video game", false},
    {"query = '\"war crimes\" AND (Aleppo OR Halab OR Alep) AND NOT \"video game\"'",
     "war crimes in Damascus", false},
    {"query = 'Aleppo OR Homs AND Idlib'", "Aleppo", true},
    {"query = 'Aleppo OR Homs AND Idlib'", "Homs", false},
    {"query = '(Aleppo OR Homs) AND Idlib'", "Aleppo", false},
    {"query = '(Aleppo OR Homs) AND Idlib'", "Homs and Idlib", true},
    {"query = 'NOT Homs OR Aleppo'", "Aleppo and Homs", true},
    {"query = 'Homs OR Aleppo NEAR/1 Idlib'", "Aleppo, then far away we find Idlib", false},
    {"query = 'Homs OR Aleppo NEAR/1 Idlib'", "Aleppo Idlib", true},

    // --- NEAR/n: at most n words between, either order
    {"query = 'Russia NEAR/3 strikes'", "Russia launched new strikes", true},
    {"query = 'Russia NEAR/3 strikes'", "strikes launched by Russia", true},
    {"query = 'Russia NEAR/3 strikes'", "Russia launched a wave of new strikes", false},
    {"query = 'Russia NEAR/1 strikes'", "Russia strikes", true},
    {"query = 'Russia NEAR/1 strikes'", "Russia launched strikes", true},
    {"query = 'Russia NEAR/1 strikes'", "Russia launched new strikes", false},
    {"query = 'Russia NEAR/8 (strike* OR airstrike OR bombing)'",
     "Russia continued its heavy bombing", true},
    {"query = 'Russia NEAR/8 (strike* OR airstrike OR bombing)'",
     "Russia said on Monday that it had no plans at all for any bombing", false},
    {"query = 'Russia NEAR/8 (strike* OR airstrike OR bombing)'",
     "strikes, Russia said", true},
    {"query = '\"war crimes\" NEAR/2 Aleppo'", "war crimes near Aleppo", true},
    {"query = '\"war crimes\" NEAR/2 Aleppo'",
     "war crimes were reported in the city of Aleppo", false},
    {"query = 'Russia NEAR/3 strikes'", "title: Russia || strikes", false},
    {"query = 'Alep NEAR/2 bombing'", "bombing in Al\u00e8p", true},
    {"query = 'Russia NEAR/2 Ukraine NEAR/2 talks'", "Russia and Ukraine hold talks", true},
    {"query = 'Russia NEAR/2 Ukraine NEAR/2 talks'", "Russia and Ukraine; later, much later, talks",
     false},
    {"query = 'Russia NEAR/2 strikes'", "Russia. Strikes", true},
    // The word index is built only as far as the offsets asked for: the right operand found
    // first, far into a field, past non-ASCII words.
    {"query = 'Russia NEAR/2 strikes'",
     "A long preamble on the weather in Z\u00fcrich and S\u00e3o Paulo, then strikes by Russia",
     true},
    {"query = 'Russia NEAR/2 strikes'",
     "A long preamble on the weather in Z\u00fcrich and S\u00e3o Paulo, then strikes, said the "
     "ministry of Russia",
     false},
    {"query = 'Russia NEAR/2 strikes'",
     "Russia: a long preamble on the weather in Z\u00fcrich and S\u00e3o Paulo, then Russia "
     "strikes",
     true},

    // --- ONEAR/n: in order
    {"query = 'Russia ONEAR/3 strikes'", "Russia launched strikes", true},
    {"query = 'Russia ONEAR/3 strikes'", "strikes by Russia", false},
    {"query = 'Russia ONEAR/3 strikes'", "Russia launched a wave of new strikes", false},

    // --- field scopes
    {"query = 'title:Aleppo'", "title: Aleppo news || nothing here", true},
    {"query = 'title:Aleppo'", "title: Nothing || Aleppo in the body", false},
    {"query = 'url:reuters'", "url: https://www.reuters.com/world || text", true},
    {"query = 'url:reuters'", "reuters in the body", false},
    {"query = 'title:(Aleppo OR Homs) AND bombing'", "title: Homs || bombing overnight", true},
    {"query = 'title:(Aleppo OR Homs) AND bombing'", "title: Idlib || bombing in Homs", false},
    {"query = 'summary:\"war crimes\"'", "summary: war crimes alleged || x", true},
    {"query = 'summary:\"war crimes\"'", "summary: nothing || war crimes alleged", false},
    {"query = 'body:Aleppo'", "title: Aleppo || nothing", false},

    // --- the fields key
    {"keywords = ['Aleppo']\nfields = ['title']", "title: Aleppo falls || x", true},
    {"keywords = ['Aleppo']\nfields = ['title']", "title: news || Aleppo falls", false},
    {"keywords = ['reuters']\nfields = ['url']", "url: https://reuters.com/x || x", true},
    {"keywords = ['reuters']", "url: https://reuters.com/x || nothing", false},

    // --- languages (only when the document's is known)
    {"keywords = ['Alep']\nlanguages = ['fr']", "lang: fr || Alep", true},
    {"keywords = ['Alep']\nlanguages = ['fr']", "lang: en || Alep", false},
    {"keywords = ['Alep']\nlanguages = ['fr']", "Alep", true},
    {"keywords = ['Alep']\nlanguages = ['en', 'fr']", "lang: en-GB || Alep", true},
    {"keywords = ['Alep']\nlanguages = ['pt-BR']", "lang: pt-br || Alep", true},
    {"keywords = ['Alep']\nlanguages = ['pt-BR']", "lang: pt || Alep", false},

    // --- exclude
    {"keywords = ['Aleppo']\nexclude = ['video game']", "Aleppo falls", true},
    {"keywords = ['Aleppo']\nexclude = ['video game']", "Aleppo in a video game", false},
    {"keywords = ['Aleppo']\nexclude = ['video game']", "Aleppo in a video-game", false},
    {"keywords = ['Aleppo']\nexclude = ['game*']", "Aleppo games", false},
    {"keywords = ['Aleppo']\nexclude = ['game*']", "Aleppo gamma", true},
    {"keywords = ['Aleppo']\nfields = ['title']\nexclude = ['sport']",
     "title: Aleppo || sport in the body", true},
    // A scoped exclude looks only in its field, whatever the rule's fields.
    {"keywords = ['Aleppo']\nexclude = ['title:video game']",
     "title: Video game news || Aleppo falls", false},
    {"keywords = ['Aleppo']\nexclude = ['title:video game']",
     "title: Aleppo news || Aleppo in a video game", true},
    {"keywords = ['Aleppo']\nexclude = ['url:sport']",
     "url: https://x.example/sport/1 || Aleppo falls", false},
    {"keywords = ['Aleppo']\nexclude = ['body:sport*']", "summary: sports || Aleppo falls",
     true},

    // --- regex (Hyperscan dialect, on the normalized text)
    {"regex = ['\\bsanction(s|ed|ing)?\\b']", "new sanctions imposed", true},
    {"regex = ['\\bsanction(s|ed|ing)?\\b']", "a sanctionable offence", false},
    {"regex = ['\\bsanction(s|ed|ing)?\\b']", "SANCTIONED entities", true},
    {"regex = ['\\bEU\\b']\ncase_sensitive = true", "EU leaders met", true},
    {"regex = ['\\bEU\\b']\ncase_sensitive = true", "eu leaders met", false},
    {"regex = ['sao paulo']", "S\u00e3o Paulo floods", true},
    {"regex = ['cease-fire']", "a cease\u2013fire", true},
    {"regex = ['\\d{4}-\\d{2}']", "no digits here", false},

    // --- several keywords, keywords together with a query
    {"keywords = ['truce', 'armistice']", "an armistice was signed", true},
    {"keywords = ['truce', 'armistice']", "no deal was signed", false},
    {"keywords = ['truce']\nquery = 'Aleppo AND bombing'", "a truce", true},
    {"keywords = ['truce']\nquery = 'Aleppo AND bombing'", "Aleppo bombing", true},
    {"keywords = ['truce']\nquery = 'Aleppo AND bombing'", "Aleppo", false},
};
// clang-format on

std::string rule_text(const Row& row, const std::string& id) {
    return "[[rule]]\nid = \"" + id + "\"\n" + row.rule + "\n";
}

class Semantics : public ::testing::TestWithParam<Row> {};

TEST_P(Semantics, Alone) {
    const Row& row = GetParam();
    auto set = testing::compile_text(rule_text(row, "r"));
    ASSERT_TRUE(set);
    auto hits = testing::match_text(*set, row.doc);
    EXPECT_EQ(!hits.empty(), row.hit) << row;
    for (const Hit& h : hits) {
        EXPECT_FALSE(h.terms.empty()) << row;
        EXPECT_FALSE(h.spans.empty()) << row;
    }
}

INSTANTIATE_TEST_SUITE_P(Table, Semantics, ::testing::ValuesIn(kRows));

TEST(SemanticsTable, HasEnoughRows) {
    std::size_t positive = 0;
    for (const Row& r : kRows) {
        positive += r.hit;
    }
    EXPECT_GE(std::size(kRows), 100u);
    EXPECT_GE(positive, 40u);
    EXPECT_GE(std::size(kRows) - positive, 40u);
}

// All rows in one rule set: shared terms (the same keyword in many rules, case-sensitive
// beside folded) must not change any row's answer.
TEST(SemanticsTable, AllRowsInOneRuleSet) {
    std::string toml;
    for (std::size_t i = 0; i < std::size(kRows); ++i) {
        toml += rule_text(kRows[i], "r" + std::to_string(i));
    }
    auto set = testing::compile_text(toml);
    ASSERT_TRUE(set);
    EXPECT_EQ(set->size(), std::size(kRows));
    auto scratch = set->make_scratch();
    for (std::size_t i = 0; i < std::size(kRows); ++i) {
        std::set<std::string> ids;
        for (const Hit& h : set->match(make_doc(kRows[i].doc), *scratch)) {
            ids.insert(h.rule_id);
        }
        EXPECT_EQ(ids.count("r" + std::to_string(i)) == 1, kRows[i].hit) << kRows[i];
    }
}

// The separator rule by brute force: a term's gaps may each be ' ', '-' or nothing (all alike
// past three gaps), its edge separators must be as written, whole words at alphanumeric
// ends. Every spelling is searched for in random text of the same few words and separators,
// and the spans must be exactly the engine's (which matches one separator-free literal and
// checks the separators it left out).
std::vector<std::pair<std::size_t, std::size_t>> spelled_spans(
    const std::string& head, const std::vector<std::string>& chunks, const std::string& foot,
    const std::string& text) {
    const std::size_t gaps = chunks.size() - 1;
    std::vector<std::string> spellings;
    auto spell = [&](auto joiner) {
        std::string v = head;
        for (std::size_t c = 0; c < chunks.size(); ++c) {
            v += (c > 0 ? joiner(c - 1) : std::string()) + chunks[c];
        }
        spellings.push_back(v + foot);
    };
    static const std::string kJoiners[] = {" ", "-", ""};
    if (gaps <= 3) {
        std::size_t combos = 1;
        for (std::size_t g = 0; g < gaps; ++g) {
            combos *= 3;
        }
        for (std::size_t c = 0; c < combos; ++c) {
            spell([&](std::size_t gap) {
                std::size_t digit = c;
                for (std::size_t k = 0; k < gap; ++k) {
                    digit /= 3;
                }
                return kJoiners[digit % 3];
            });
        }
    } else {
        for (const std::string& j : kJoiners) {
            spell([&](std::size_t) { return j; });
        }
    }
    auto alnum = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
    std::set<std::pair<std::size_t, std::size_t>> found;
    for (const std::string& v : spellings) {
        for (std::size_t p = text.find(v); p != std::string::npos; p = text.find(v, p + 1)) {
            const std::size_t e = p + v.size();
            if ((alnum(v.front()) && p > 0 && alnum(text[p - 1])) ||
                (alnum(v.back()) && e < text.size() && alnum(text[e]))) {
                continue;
            }
            found.emplace(p, e);
        }
    }
    return {found.begin(), found.end()};
}

TEST(SemanticsSeparators, RandomTermsAndTextsAgreeWithEverySpelling) {
    std::mt19937 rng(7);
    auto pick = [&](const std::vector<std::string>& from) {
        return from[std::uniform_int_distribution<std::size_t>(0, from.size() - 1)(rng)];
    };
    const std::vector<std::string> words = {"ab", "cd", "b", "abc", "dab"};
    const std::vector<std::string> term_seps = {" ", "-", " - "};
    const std::vector<std::string> text_seps = {" ", "-", "", "--", " - ", " -", "- "};
    const std::vector<std::string> edges = {"", "", "", "-"};
    for (int round = 0; round < 300; ++round) {
        const std::size_t n = std::uniform_int_distribution<std::size_t>(1, 5)(rng);
        std::vector<std::string> chunks;
        std::string term = pick(edges);
        const std::string head = term;
        for (std::size_t c = 0; c < n; ++c) {
            chunks.push_back(pick(words));
            term += (c > 0 ? pick(term_seps) : std::string()) + chunks.back();
        }
        const std::string foot = pick(edges);
        term += foot;
        std::string text = "x";
        for (int w = 0; w < 30; ++w) {
            text += pick(text_seps) + pick(words);
        }
        text += " x";
        auto set = testing::compile_text("[[rule]]\nid = \"r\"\nkeywords = ['" + term + "']\n");
        ASSERT_TRUE(set);
        const auto hits = testing::match_text(*set, text);
        std::vector<std::pair<std::size_t, std::size_t>> spans;
        for (const Hit& h : hits) {
            for (const Span& sp : h.spans) {
                spans.emplace_back(sp.begin, sp.end);
            }
        }
        ASSERT_EQ(spans, spelled_spans(head, chunks, foot, text))
            << "term '" << term << "' text '" << text << "'";
    }
}

}  // namespace
}  // namespace ww::rules

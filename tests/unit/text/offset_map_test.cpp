// The offset map: match spans on normalized text must come back as the original characters.

#include <gtest/gtest.h>

#include <optional>
#include <random>
#include <string>
#include <vector>

#include "wirewatch/text/normalize.hpp"

namespace ww::text {
namespace {

struct SpanCase {
    const char* name;
    std::string original;
    std::string needle;                              // searched in the normalized text; must occur
    std::string expected_span;                       // via original_match_end
    std::optional<std::string> expected_raw_span{};  // via to_original[e], when it differs
};

std::ostream& operator<<(std::ostream& os, const SpanCase& c) { return os << c.name; }

class SpanTest : public ::testing::TestWithParam<SpanCase> {};

TEST_P(SpanTest, MatchMapsBackToOriginalCharacters) {
    const SpanCase& c = GetParam();
    const NormalizedText n = normalize(c.original);
    const std::size_t b = n.text.find(c.needle);
    ASSERT_NE(b, std::string::npos) << "normalized: " << n.text;
    const std::size_t e = b + c.needle.size();
    const std::size_t ob = n.original_begin(b);
    const std::size_t oe = original_match_end(n, c.original, e);
    ASSERT_LE(ob, oe);
    EXPECT_EQ(c.original.substr(ob, oe - ob), c.expected_span);
    const std::string raw = c.expected_raw_span.value_or(c.expected_span);
    EXPECT_EQ(c.original.substr(ob, n.original_end(e) - ob), raw);
}

const SpanCase kSpanCases[] = {
    {"AccentedWord", "in Alèp today", "alep", "Alèp"},
    {"DecomposedAccent", "in Ale\u0300p today", "alep", "Ale\u0300p"},
    {"EnDashUppercase", "the CEASE–FIRE holds", "cease-fire", "CEASE–FIRE"},
    {"WholeText", "CEASE–FIRE", "cease-fire", "CEASE–FIRE"},
    {"MatchBeforeCollapsedWhitespace", "war   \t crimes near", "war", "war"},
    {"MatchBeforeUnicodeWhitespace", "war\u00A0\u3000crimes", "war", "war"},
    {"PhraseAcrossCollapsedWhitespace", "war \n\t crimes near", "war crimes", "war \n\t crimes"},
    {"MatchAtStartAfterLeadingSpace", "  \n Aleppo x", "aleppo", "Aleppo"},
    {"MatchAtEndBeforeTrailingWhitespace", "near Aleppo \n ", "aleppo", "Aleppo", "Aleppo \n "},
    {"MatchAtEndBeforeTrailingInvisible", "near Aleppo\u200D", "aleppo", "Aleppo", "Aleppo\u200D"},
    {"ControlCharBeforeSpaceExcluded", "war\x01 crimes", "war", "war"},
    {"SoftHyphenInsideMatchCovered", "co\u00ADoperate now", "cooperate", "co\u00ADoperate"},
    {"SoftHyphenAfterMatchTrimmed", "Alep\u00ADpo", "alep", "Alep", "Alep\u00AD"},
    {"PartOfLigatureCoversLigature", "ﬁnance", "f", "ﬁ", ""},
    {"LigatureInsideWord", "proﬁt margin", "profit", "proﬁt"},
    {"EllipsisPartCovered", "wait… what", "wait.", "wait…", "wait"},
    {"SharpSExpansionEnd", "Straße", "strass", "Straß"},
    {"SharpSExpansionMiddle", "Straße", "stras", "Straß", "Stra"},
    {"FullWidth", "ＡＢＣ news", "abc", "ＡＢＣ"},
    {"CurlyApostrophe", "Don’t go", "don't", "Don’t"},
    {"ArabicWithHarakat", "في حَلَب اليوم", "حلب", "حَلَب"},
    {"Cyrillic", "в МОСКВЕ сегодня", "москве", "МОСКВЕ"},
    {"CjkInMixedText", "visit 北京 now", "北京", "北京"},
    {"MatchStartingMidExpansion", "ﬁnance", "inance", "ﬁnance"},
};
INSTANTIATE_TEST_SUITE_P(Spans, SpanTest, ::testing::ValuesIn(kSpanCases),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(OffsetMap, SpaceByteMapsToStartOfWhitespaceRun) {
    const std::string original = "a\t \u00A0 b";
    const NormalizedText n = normalize(original);
    ASSERT_EQ(n.text, "a b");
    EXPECT_EQ(n.to_original, (OffsetMap{0, 1, 6, 7}));
}

TEST(OffsetMap, ExpansionBytesMapToSegmentStart) {
    const std::string original = "x…ﬁ";  // x, 3-byte ellipsis, 3-byte ligature
    const NormalizedText n = normalize(original);
    ASSERT_EQ(n.text, "x...fi");
    EXPECT_EQ(n.to_original, (OffsetMap{0, 1, 1, 1, 4, 4, 7}));
}

TEST(OffsetMap, MultibyteOutputMapsEveryByte) {
    const std::string original = "Ё!";
    const NormalizedText n = normalize(original);
    ASSERT_EQ(n.text, "е!");  // U+0435, two bytes
    EXPECT_EQ(n.to_original, (OffsetMap{0, 0, 2, 3}));
}

TEST(OffsetMap, EmptyInputHasOneEntry) {
    const NormalizedText n = normalize("");
    EXPECT_EQ(n.to_original, (OffsetMap{0}));
    const NormalizedText blank = normalize(" \t ");
    EXPECT_EQ(blank.to_original, (OffsetMap{3}));
}

TEST(OffsetMap, ExpansionContainingSpacesMapsToOneCharacter) {
    // U+FDFA, an Arabic ligature of four words, is one character of the original: all its
    // bytes, spaces included, map to its start.
    const std::string original = "x \uFDFA y";
    const NormalizedText n = normalize(original);
    ASSERT_EQ(n.text,
              "x \u0635\u0644\u0649 \u0627\u0644\u0644\u0647 \u0639\u0644\u064A\u0647 "
              "\u0648\u0633\u0644\u0645 y");
    for (std::size_t k = 2; k + 2 < n.text.size(); ++k) {
        EXPECT_EQ(n.to_original[k], 2u) << "byte " << k;
    }
    EXPECT_EQ(n.to_original[n.text.size() - 1], 6u);
}

// Random text over an alphabet that exercises every path: ASCII, whitespace of every kind,
// expansions, combining marks, invisibles, dashes, quotes, several scripts.
std::string random_text(std::mt19937& rng, std::size_t length) {
    static const std::vector<std::string> kAlphabet = {
        "a", "Z", "7", " ", "  ", "\t", "\n", ".", "-", "'", "`", "\x01", "e\u0301", "\u0301",
        "\u0308", "é", "Ä", "ß", "ﬁ", "…", "Ａ", "²", "\u00A0", "\u3000", "\u200B", "\u200D",
        "\u00AD", "\uFEFF", "–", "—", "\u2212", "’", "“", "«", "\u2033", "\u00B4", "¨", "ł", "ı",
        "İ", "Ё", "ж", "حَ", "ـ", "ل", "北", "が", "か\u3099", "한", "\u1112\u1161\u11AB", "न",
        "\u094D", "🙂", "Σ", "ά", "\u0085", "\u2028", "\u0640",
        // Long ASCII runs so that the 16-byte block path meets every neighbour above.
        "The Cease Fire In ALEPPO held ", "international observers said. ", "x y z w v u t s r q"};
    std::uniform_int_distribution<std::size_t> pick(0, kAlphabet.size() - 1);
    std::string out;
    for (std::size_t i = 0; i < length; ++i) {
        out += kAlphabet[pick(rng)];
    }
    return out;
}

bool is_boundary(const std::string& s, std::size_t pos) {
    return pos == s.size() || (static_cast<unsigned char>(s[pos]) & 0xC0) != 0x80;
}

TEST(OffsetMapProperty, RandomTextKeepsMapInvariants) {
    std::mt19937 rng(12345);
    for (int round = 0; round < 400; ++round) {
        const std::string original = random_text(rng, 1 + round % 60);
        SCOPED_TRACE(::testing::Message()
                     << "round " << round << " input " << ::testing::PrintToString(original));
        for (const NormalizeOptions options :
             {NormalizeOptions{true, true}, NormalizeOptions{false, false},
              NormalizeOptions{true, false}, NormalizeOptions{false, true}}) {
            const NormalizedText n = normalize(original, options);
            ASSERT_EQ(n.to_original.size(), n.text.size() + 1);
            ASSERT_EQ(n.to_original.back(), original.size());
            EXPECT_EQ(normalize_string(original, options), n.text);
            for (std::size_t k = 0; k < n.to_original.size(); ++k) {
                ASSERT_LE(n.to_original[k], original.size());
                ASSERT_TRUE(is_boundary(original, n.to_original[k])) << "byte " << k;
                if (k > 0) {
                    ASSERT_LE(n.to_original[k - 1], n.to_original[k]) << "byte " << k;
                }
            }
            // Normalized text is whitespace-trimmed, single-spaced and free of controls.
            if (!n.text.empty()) {
                EXPECT_NE(n.text.front(), ' ');
                EXPECT_NE(n.text.back(), ' ');
            }
            EXPECT_EQ(n.text.find("  "), std::string::npos);
            for (const char ch : n.text) {
                const auto c = static_cast<unsigned char>(ch);
                EXPECT_TRUE(c >= 0x20 && c != 0x7F) << "control byte " << int{c};
            }
            // Folding is idempotent: keywords normalized once match text normalized once.
            EXPECT_EQ(normalize_string(n.text, options), n.text);
            // Every whole word maps back to a non-empty original span on character
            // boundaries, with no whitespace at either end.
            std::size_t b = 0;
            while (b < n.text.size()) {
                std::size_t e = n.text.find(' ', b);
                if (e == std::string::npos) {
                    e = n.text.size();
                }
                const std::size_t ob = n.original_begin(b);
                const std::size_t oe = original_match_end(n, original, e);
                ASSERT_LT(ob, oe) << "word at " << b;
                ASSERT_TRUE(is_boundary(original, oe));
                const std::string span = original.substr(ob, oe - ob);
                EXPECT_EQ(normalize_string(span, options), n.text.substr(b, e - b))
                    << "span '" << span << "'";
                b = e + 1;
            }
        }
    }
}

// Reference for ASCII input, written for clarity: the fast paths must agree with it byte for
// byte, map included.
NormalizedText reference_ascii(const std::string& in, bool fold_case) {
    NormalizedText out;
    std::uint32_t last_end = 0;
    bool in_space = false;
    for (std::size_t i = 0; i < in.size(); ++i) {
        const auto c = static_cast<unsigned char>(in[i]);
        if (c == ' ' || (c >= '\t' && c <= '\r')) {
            in_space = true;
            continue;
        }
        if (c < 0x20 || c == 0x7F) {
            continue;
        }
        if (in_space && !out.text.empty()) {
            out.text.push_back(' ');
            out.to_original.push_back(last_end);
        }
        in_space = false;
        char v = static_cast<char>(c);
        if (c == '`') {
            v = '\'';
        } else if (fold_case && c >= 'A' && c <= 'Z') {
            v = static_cast<char>(c + 32);
        }
        out.text.push_back(v);
        out.to_original.push_back(static_cast<std::uint32_t>(i));
        last_end = static_cast<std::uint32_t>(i + 1);
    }
    out.to_original.push_back(static_cast<std::uint32_t>(in.size()));
    return out;
}

TEST(OffsetMapProperty, AsciiFastPathsMatchReference) {
    std::mt19937 rng(777);
    const std::string kBytes = "abcXYZ09 .,-'`\"  \t\n\r\x01\x7F";
    std::uniform_int_distribution<std::size_t> pick(0, kBytes.size() - 1);
    std::uniform_int_distribution<int> word(0, 40);
    for (int round = 0; round < 500; ++round) {
        std::string in;
        const std::size_t length = 1 + static_cast<std::size_t>(round % 97);
        while (in.size() < length) {
            // Mostly letters, so runs are long enough for the block path.
            if (word(rng) < 32) {
                in.push_back(static_cast<char>('a' + word(rng) % 26 - (word(rng) < 8 ? 32 : 0)));
            } else {
                in.push_back(kBytes[pick(rng)]);
            }
        }
        SCOPED_TRACE(::testing::Message() << "input '" << in << "'");
        for (const bool fold_case : {true, false}) {
            const NormalizedText expected = reference_ascii(in, fold_case);
            const NormalizedText actual = normalize(in, {fold_case, true});
            ASSERT_EQ(actual.text, expected.text);
            ASSERT_EQ(actual.to_original, expected.to_original);
        }
    }
}

}  // namespace
}  // namespace ww::text

// Table-driven tests of normalize(): every folding rule with a negative case beside it.

#include "wirewatch/text/normalize.hpp"

#include <gtest/gtest.h>
#include <utf8proc.h>

#include <string>
#include <vector>

namespace ww::text {
namespace {

struct FoldCase {
    const char* name;
    std::string input;
    std::string expected;
    bool fold_case = true;
    bool fold_diacritics = true;
};

std::ostream& operator<<(std::ostream& os, const FoldCase& c) { return os << c.name; }

class FoldTest : public ::testing::TestWithParam<FoldCase> {};

TEST_P(FoldTest, NormalizesAsDocumented) {
    const FoldCase& c = GetParam();
    const NormalizeOptions options{c.fold_case, c.fold_diacritics};
    const NormalizedText n = normalize(c.input, options);
    EXPECT_EQ(n.text, c.expected);
    EXPECT_EQ(normalize_string(c.input, options), c.expected);
    ASSERT_EQ(n.to_original.size(), n.text.size() + 1);
    EXPECT_EQ(n.to_original.back(), c.input.size());
    // Into a buffer that held longer, different text: nothing of it may survive.
    NormalizedText reused = normalize(std::string(300, 'x') + " \u00C9t\u00E9 \u2014 end");
    normalize_into(c.input, reused, options);
    EXPECT_EQ(reused.text, n.text);
    EXPECT_EQ(reused.to_original, n.to_original);
}

const FoldCase kAsciiCases[] = {
    {"AsciiLowercased", "Hello World", "hello world"},
    {"AsciiCaseKeptWithoutFolding", "Hello World", "Hello World", false},
    {"AsciiDigitsAndPunctuationKept", "A.B, 42% ~x_y!", "a.b, 42% ~x_y!"},
    {"AsciiQuotesKept", "say \"no\" it's", "say \"no\" it's"},
    {"AsciiHyphenKept", "cease-fire", "cease-fire"},
    {"BacktickIsApostrophe", "don`t", "don't"},
    {"WhitespaceRunCollapsed", "a \t\n\r\v\f  b", "a b"},
    {"LeadingTrailingWhitespaceDropped", "  \n a b \t ", "a b"},
    {"OnlyWhitespace", " \t\n ", ""},
    {"Empty", "", ""},
    {"ControlCharsDropped", std::string("a\x01") + "b\x7F" + "c\x1B" + "d", "abcd"},
    {"ControlCharDoesNotSplitWord", std::string("war\x02") + "crimes", "warcrimes"},
    {"NulDropped", std::string("a\0b", 3), "ab"},
};
INSTANTIATE_TEST_SUITE_P(Ascii, FoldTest, ::testing::ValuesIn(kAsciiCases),
                         [](const auto& info) { return std::string(info.param.name); });

const FoldCase kNfkcCases[] = {
    {"LigatureFi", "ﬁnance", "finance"},
    {"LigatureFiWithoutCaseFold", "ﬁnance", "finance", false},
    {"FullWidthLetters", "ＡＢＣ", "abc"},
    {"FullWidthLettersCaseKept", "ＡＢＣ", "ABC", false},
    {"FullWidthDigits", "１２３", "123"},
    {"Ellipsis", "wait…", "wait..."},
    {"Superscript", "x²", "x2"},
    {"RomanNumeral", "Ⅻ", "xii"},
    {"SpacingDiaeresisBecomesSpace", "a¨b", "a b"},
    {"SharpSCaseFolded", "Straße", "strasse"},
    {"SharpSKeptWithoutCaseFold", "Straße", "Straße", false},
    {"GreekCaseFoldedAndTonosStripped", "Αθήνα", "αθηνα"},
    {"GreekFinalSigmaFolds", "ΣΑΣ ας", "σασ ασ"},
    {"EmojiKept", "ok 🙂", "ok 🙂"},
};
INSTANTIATE_TEST_SUITE_P(Nfkc, FoldTest, ::testing::ValuesIn(kNfkcCases),
                         [](const auto& info) { return std::string(info.param.name); });

const FoldCase kDiacriticCases[] = {
    {"SaoPaulo", "São Paulo", "sao paulo"},
    {"Alep", "Alèp", "alep"},
    {"HalabDotBelow", "Ḥalab", "halab"},
    {"DecomposedInputFolded", "Ale\u0300p", "alep"},
    {"AsciiStarterWithManyMarks", "e\u0301\u0302\u0303\u0304x", "ex"},
    {"DiacriticsKeptWhenNotFolding", "São", "são", true, false},
    {"DecomposedInputComposedWhenKept", "Sa\u0303o", "são", true, false},
    {"DiacriticsAndCaseKept", "Alèp", "Alèp", false, false},
    {"CaseKeptDiacriticsFolded", "Alèp", "Alep", false, true},
    {"PolishStroke", "Łódź", "lodz"},
    {"DanishSlashedO", "Ørsted", "orsted"},
    {"SlashedOKeptWhenNotFolding", "Ørsted", "ørsted", true, false},
    {"TurkishDotlessI", "Diyarbakır", "diyarbakir"},
    {"TurkishDottedCapitalI", "İstanbul", "istanbul"},
    {"CyrillicYo", "Ёлка", "елка"},
    {"CyrillicDecomposedShortIStripped", "и\u0306x", "иx"},
    {"CyrillicDecomposedShortIComposedWhenKept", "и\u0306x", "йx", true, false},
    {"CyrillicLowercaseRunCopied", "перемирие в алеппо", "перемирие в алеппо"},
    {"CyrillicMixedCaseRun", "ПереМирие", "перемирие"},
    {"CyrillicCaseFolded", "МОСКВА", "москва"},
    {"CyrillicCaseKept", "МОСКВА", "МОСКВА", false},
    {"ArabicKept", "حلب", "حلب"},
    {"ArabicHarakatStripped", "حَلَب", "حلب"},
    {"ArabicHarakatKeptWhenNotFolding", "حَلَب", "حَلَب", true, false},
    {"ArabicTatweelDropped", "حـلب", "حلب"},
    {"HebrewPointsStripped", "שָׁלוֹם", "שלום"},
    {"CjkKept", "北京 上海", "北京 上海"},
    {"JapaneseVoicingMarkKept", "が", "が"},
    {"JapaneseDecomposedVoicingComposed", "か\u3099", "が"},
    {"DevanagariVowelSignsKept", "नमस्ते", "नमस्ते"},
    {"HangulSyllablesKept", "한국", "한국"},
    {"HangulJamoComposed", "\u1112\u1161\u11AB", "한"},
    {"OrphanMarkStripped", "\u0301abc", "abc"},
    {"OrphanMarkKeptWhenNotFolding", "\u0301abc", "\u0301abc", true, false},
    {"MarkAttachesAcrossZeroWidthJoiner", "a\u200D\u0308", "ä", true, false},
    {"MarkAttachesAcrossControlChar", "a\x01\u0301", "á", true, false},
    {"MarkAcrossSoftHyphenStripped", "xa\u00AD\u0301b", "xab"},
    {"InvisibleThenLetterIsNotASegment", "a\u200Db\u0301", "ab"},
};
INSTANTIATE_TEST_SUITE_P(Diacritics, FoldTest, ::testing::ValuesIn(kDiacriticCases),
                         [](const auto& info) { return std::string(info.param.name); });

const FoldCase kDashCases[] = {
    {"Hyphen2010", "a\u2010b", "a-b"},
    {"NonBreakingHyphen2011", "a\u2011b", "a-b"},
    {"FigureDash2012", "a\u2012b", "a-b"},
    {"EnDash2013", "a\u2013b", "a-b"},
    {"EmDash2014", "a\u2014b", "a-b"},
    {"HorizontalBar2015", "a\u2015b", "a-b"},
    {"TwoEmDash2E3A", "a\u2E3Ab", "a-b"},
    {"SmallEmDashFE58", "a\uFE58b", "a-b"},
    {"SmallHyphenMinusFE63", "a\uFE63b", "a-b"},
    {"FullWidthHyphenMinusFF0D", "a\uFF0Db", "a-b"},
    {"MinusSign2212", "a\u2212b", "a-b"},
    {"CeasefireEnDashUppercase", "CEASE–FIRE", "cease-fire"},
    {"SoftHyphenDropped", "co\u00ADoperate", "cooperate"},
    {"TildeIsNotADash", "a~b", "a~b"},
    {"UnderscoreIsNotADash", "a_b", "a_b"},
    {"BulletIsNotADash", "a\u2022b", "a\u2022b"},
};
INSTANTIATE_TEST_SUITE_P(Dashes, FoldTest, ::testing::ValuesIn(kDashCases),
                         [](const auto& info) { return std::string(info.param.name); });

const FoldCase kQuoteCases[] = {
    {"LeftSingle2018", "\u2018x\u2018", "'x'"},
    {"RightSingle2019", "it\u2019s", "it's"},
    {"LowSingle201A", "\u201Ax", "'x"},
    {"ReversedSingle201B", "\u201Bx", "'x"},
    {"Prime2032", "5\u2032", "5'"},
    {"ModifierApostrophe02BC", "a\u02BCb", "a'b"},
    {"AcuteAccent00B4", "it\u00B4s", "it's"},
    {"LeftDouble201C", "\u201Cx\u201D", "\"x\""},
    {"LowDouble201E", "\u201Ex\u201F", "\"x\""},
    {"Guillemets", "\u00ABx\u00BB", "\"x\""},
    {"DoublePrime2033", "5\u2033", "5\""},
    {"SingleGuillemetsNotQuotes", "\u2039x\u203A", "\u2039x\u203A"},
};
INSTANTIATE_TEST_SUITE_P(Quotes, FoldTest, ::testing::ValuesIn(kQuoteCases),
                         [](const auto& info) { return std::string(info.param.name); });

const FoldCase kSpaceCases[] = {
    {"NoBreakSpace", "a\u00A0b", "a b"},
    {"FigureSpace", "a\u2007b", "a b"},
    {"NarrowNoBreakSpace", "a\u202Fb", "a b"},
    {"EmSpace", "a\u2003b", "a b"},
    {"IdeographicSpace", "a\u3000b", "a b"},
    {"LineSeparator", "a\u2028b", "a b"},
    {"ParagraphSeparator", "a\u2029b", "a b"},
    {"NextLine", "a\u0085b", "a b"},
    {"ZeroWidthSpace", "a\u200Bb", "a b"},
    {"MixedRunCollapsed", "a \u00A0\t\u2003\u200B\n b", "a b"},
    {"UnicodeLeadingTrailingDropped", "\u00A0\u3000a\u2029", "a"},
    {"ZeroWidthNonJoinerDropped", "a\u200Cb", "ab"},
    {"ZeroWidthJoinerDropped", "a\u200Db", "ab"},
    {"BomDropped", "\uFEFFab", "ab"},
    {"BidiMarkDropped", "a\u200Fb", "ab"},
    {"C1ControlDropped", "a\u0086b", "ab"},
    {"InvisibleInsideRunKeepsOneSpace", "a \u200D b", "a b"},
};
INSTANTIATE_TEST_SUITE_P(Whitespace, FoldTest, ::testing::ValuesIn(kSpaceCases),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(Normalize, InvalidUtf8NeverReadPastAndReplaced) {
    const std::string input = std::string("a\xFF") + "b\xE2\x82";
    const NormalizedText n = normalize(input);
    EXPECT_EQ(n.text, "a\uFFFDb\uFFFD");
    ASSERT_EQ(n.to_original.size(), n.text.size() + 1);
    EXPECT_EQ(n.to_original.back(), input.size());
}

TEST(Normalize, LongMarkRunDoesNotOverflow) {
    std::string input = "a";
    for (int i = 0; i < 500; ++i) {
        input += "\u0301\u0940";  // a stripped and a kept mark, alternating
    }
    input += " z";
    const NormalizedText n = normalize(input);
    std::string expected = "a";
    for (int i = 0; i < 500; ++i) {
        expected += "\u0940";
    }
    expected += " z";
    EXPECT_EQ(n.text, expected);
    ASSERT_EQ(n.to_original.size(), n.text.size() + 1);
}

// A two-byte letter on its own takes a precomputed fold; followed by U+034F COMBINING
// GRAPHEME JOINER (a mark that changes nothing else) it goes through utf8proc as a segment.
// Both must agree for every option combination, or the table was built wrong.
TEST(Normalize, TwoByteLettersFoldAloneAsInASegment) {
    const std::string cgj = "\u034F";
    for (const bool fold_case : {false, true}) {
        for (const bool fold_diacritics : {false, true}) {
            const NormalizeOptions options{fold_case, fold_diacritics};
            for (char32_t cp = 0x80; cp < 0x800; ++cp) {
                const auto category = utf8proc_category(static_cast<utf8proc_int32_t>(cp));
                if (category < UTF8PROC_CATEGORY_LU || category > UTF8PROC_CATEGORY_LO) {
                    continue;  // letters only: spaces, dashes and marks fold by context
                }
                std::string letter;
                letter += static_cast<char>(0xC0 | (cp >> 6));
                letter += static_cast<char>(0x80 | (cp & 0x3F));
                const std::string folded = normalize(letter, options).text;
                if (folded.empty() || folded.find(' ') != std::string::npos) {
                    continue;  // U+037A YPOGEGRAMMENI is a space and a mark under NFKC
                }
                const std::string marked = normalize("x " + letter + cgj + " x", options).text;
                const std::string expected = "x " + folded + (fold_diacritics ? "" : cgj) + " x";
                ASSERT_EQ(marked, expected)
                    << "U+" << std::hex << static_cast<unsigned>(cp) << " case " << fold_case
                    << " diacritics " << fold_diacritics;
            }
        }
    }
}

TEST(Normalize, LongAsciiTextGrowsBuffersCorrectly) {
    std::string input;
    std::string expected;
    for (int i = 0; i < 2000; ++i) {
        input += "Ａ…ﬁ ";  // every character expands
        expected += "a...fi ";
    }
    expected.pop_back();
    EXPECT_EQ(normalize(input).text, expected);
    EXPECT_EQ(normalize_string(input), expected);
}

TEST(Normalize, IntoReusedBufferMatchesFreshResultAcrossSizes) {
    // Short after long, long after short, empty: the reused buffers grow and shrink.
    const std::vector<std::string> inputs = {
        std::string(5000, 'a') + " São  Paulo", "Cease\u2011fire", "", "x", std::string(9000, 'B'),
        "\u201CAl\u00E8p\u201D \t\n city"};
    NormalizedText reused;
    for (const auto& input : inputs) {
        for (const bool fold_case : {true, false}) {
            const NormalizeOptions options{fold_case, true};
            normalize_into(input, reused, options);
            const NormalizedText fresh = normalize(input, options);
            EXPECT_EQ(reused.text, fresh.text);
            EXPECT_EQ(reused.to_original, fresh.to_original);
        }
    }
}

}  // namespace
}  // namespace ww::text

// sanitize_utf8 and the word-character tests used for whole-word matching.

#include <gtest/gtest.h>

#include <string>

#include "wirewatch/text/normalize.hpp"

namespace ww::text {
namespace {

const std::string kFffd = "\uFFFD";

struct SanitizeCase {
    const char* name;
    std::string input;
    std::string expected;
};

std::ostream& operator<<(std::ostream& os, const SanitizeCase& c) { return os << c.name; }

class SanitizeTest : public ::testing::TestWithParam<SanitizeCase> {};

TEST_P(SanitizeTest, ProducesValidUtf8) {
    const SanitizeCase& c = GetParam();
    EXPECT_EQ(sanitize_utf8(c.input), c.expected);
}

const SanitizeCase kSanitizeCases[] = {
    {"AsciiUnchanged", "hello, world!", "hello, world!"},
    {"Empty", "", ""},
    {"TabLfCrKept", "a\tb\nc\r\n", "a\tb\nc\r\n"},
    {"NulDropped", std::string("a\0b", 3), "ab"},
    {"C0ControlsDropped", std::string("a\x01\x08\x0B\x0C\x1B\x1F") + "b", "ab"},
    {"DelDropped",
     "a\x7F"
     "b",
     "ab"},
    {"C1ControlsDropped",
     "a\xC2\x80\xC2\x85\xC2\x9F"
     "b",
     "ab"},
    {"NoBreakSpaceKept",
     "a\xC2\xA0"
     "b",
     "a\xC2\xA0"
     "b"},
    {"ValidMultibyteKept", "São 北京 🙂", "São 北京 🙂"},
    {"MaxCodePointKept", "\xF4\x8F\xBF\xBF", "\xF4\x8F\xBF\xBF"},
    {"LoneContinuationByte",
     "a\x80"
     "b",
     "a" + kFffd + "b"},
    {"InvalidLeadBytes", "\xC0\xC1\xF5\xFF", kFffd + kFffd + kFffd + kFffd},
    {"OverlongTwoByte", "\xC0\xAF", kFffd + kFffd},
    {"OverlongThreeByte", "\xE0\x80\xAF", kFffd + kFffd + kFffd},
    {"OverlongFourByte", "\xF0\x80\x80\xAF", kFffd + kFffd + kFffd + kFffd},
    {"Surrogate", "\xED\xA0\x80", kFffd + kFffd + kFffd},
    {"AboveMaxCodePoint", "\xF4\x90\x80\x80", kFffd + kFffd + kFffd + kFffd},
    {"TruncatedAtEndIsOneSubpart", "ab\xE2\x82", "ab" + kFffd},
    {"TruncatedBeforeAsciiKeepsAscii",
     "\xE2\x82"
     "a",
     kFffd + "a"},
    {"TruncatedFourByteBeforeValid",
     "\xF0\x9F\x99"
     "é",
     kFffd + "é"},
    {"InvalidBetweenValid",
     "é\xFF"
     "é",
     "é" + kFffd + "é"},
    {"Utf16BomBytes", "\xFF\xFE", kFffd + kFffd},
};
INSTANTIATE_TEST_SUITE_P(Table, SanitizeTest, ::testing::ValuesIn(kSanitizeCases),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(Sanitize, OutputIsAFixedPoint) {
    std::string bytes;
    for (int i = 0; i < 4096; ++i) {
        bytes.push_back(static_cast<char>((i * 7919 + i / 3) & 0xFF));
    }
    const std::string once = sanitize_utf8(bytes);
    EXPECT_EQ(sanitize_utf8(once), once);
}

struct WordCase {
    const char* name;
    std::string text;
    std::size_t pos;
    bool before;
    bool at;
};

std::ostream& operator<<(std::ostream& os, const WordCase& c) { return os << c.name; }

class WordCharTest : public ::testing::TestWithParam<WordCase> {};

TEST_P(WordCharTest, ClassifiesCodePointAroundPosition) {
    const WordCase& c = GetParam();
    EXPECT_EQ(word_char_before(c.text, c.pos), c.before);
    EXPECT_EQ(word_char_at(c.text, c.pos), c.at);
}

const WordCase kWordCases[] = {
    {"StartOfText", "abc", 0, false, true},
    {"EndOfText", "abc", 3, true, false},
    {"EmptyText", "", 0, false, false},
    {"PastEnd", "ab", 5, false, false},
    {"BeforeSpace", "a b", 1, true, false},
    {"AfterSpace", "a b", 2, false, true},
    {"Digits", "4 2", 1, true, false},
    {"Punctuation", "a,b", 1, true, false},
    {"UnderscoreIsNotWord", "a_b", 2, false, true},
    {"ApostropheIsNotWord", "don't", 3, true, false},
    {"HyphenIsNotWord", "a-b", 2, false, true},
    {"LatinAccentBefore", "caf\xC3\xA9!", 5, true, false},
    {"LatinAccentAt", "!\xC3\xA9", 1, false, true},
    {"CombiningMarkIsWord", "e\xCC\x81x", 1, true, true},
    {"ArabicLetter", "\xD8\xAD\xD9\x84", 2, true, true},
    {"ArabicIndicDigit", " \xD9\xA3", 1, false, true},
    {"CyrillicLetter", "\xD0\xB6 ", 2, true, false},
    {"CjkLetter", "\xE5\x8C\x97\xE4\xBA\xAC", 3, true, true},
    {"EmDashIsNotWord",
     "a\xE2\x80\x94"
     "b",
     1, true, false},
    {"AfterEmDash",
     "a\xE2\x80\x94"
     "b",
     4, false, true},
    {"NoBreakSpaceIsNotWord",
     "a\xC2\xA0"
     "b",
     3, false, true},
    {"EmojiIsNotWord", "\xF0\x9F\x99\x82", 4, false, false},
    {"EmojiAt", "\xF0\x9F\x99\x82", 0, false, false},
    {"InvalidByteIsNotWord",
     "\xFF"
     "a",
     1, false, true},
};
INSTANTIATE_TEST_SUITE_P(Table, WordCharTest, ::testing::ValuesIn(kWordCases),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace ww::text

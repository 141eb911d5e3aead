// to_utf8: BOM sniffing, browser-compatible labels, iconv, and never failing on bad bytes.

#include <gtest/gtest.h>

#include <string>

#include "wirewatch/text/normalize.hpp"

namespace ww::text {
namespace {

const std::string kFffd = "\uFFFD";

struct CharsetCase {
    const char* name;
    std::string bytes;
    std::string charset;
    std::string expected;
};

std::ostream& operator<<(std::ostream& os, const CharsetCase& c) { return os << c.name; }

class CharsetTest : public ::testing::TestWithParam<CharsetCase> {};

TEST_P(CharsetTest, ConvertsToSanitizedUtf8) {
    const CharsetCase& c = GetParam();
    EXPECT_EQ(to_utf8(c.bytes, c.charset), c.expected);
}

const CharsetCase kCharsetCases[] = {
    {"Utf8Label", "São", "utf-8", "São"},
    {"Utf8LabelCaseAndSpace", "São", "  UTF-8 ", "São"},
    {"Utf8LabelInvalidBytesReplaced",
     "a\xE9"
     "b",
     "utf-8", "a" + kFffd + "b"},
    {"Latin1", "caf\xE9", "iso-8859-1", "café"},
    {"Latin1ReadAsWindows1252", "\x80 \x93x\x94 \x85 \x96", "latin1", "€ “x” … –"},
    {"UsAsciiReadAsWindows1252", "\x80", "us-ascii", "€"},
    {"Windows1252Label", "\x92", "windows-1252", "’"},
    {"Windows1252UndefinedByteDropped",
     "a\x81"
     "b",
     "cp1252", "ab"},
    {"Latin1ControlDropped",
     "a\x01"
     "b",
     "iso-8859-1", "ab"},
    {"EmptyInput", "", "", ""},
    {"EmptyLabelValidUtf8", "São", "", "São"},
    {"EmptyLabelInvalidUtf8IsWindows1252", "S\xE3o \x80", "", "São €"},
    {"UnknownLabelValidUtf8", "São", "x-no-such-charset", "São"},
    {"UnknownLabelInvalidUtf8", "caf\xE9", "x-no-such-charset", "café"},
    {"Utf8BomOverridesLabel",
     "\xEF\xBB\xBF"
     "S\xC3\xA3o",
     "iso-8859-1", "São"},
    {"Utf16LeBomOverridesLabel",
     std::string("\xFF\xFE"
                 "a\0b\0",
                 6),
     "windows-1251", "ab"},
    {"Utf16BeBomOverridesLabel", std::string("\xFE\xFF\0a\0b", 6), "utf-8", "ab"},
    {"Utf16LeSurrogatePair", std::string("\xFF\xFE\x3D\xD8\x42\xDE", 6), "", "🙂"},
    {"Utf16LoneSurrogate",
     std::string("\xFF\xFE\x3D\xD8"
                 "a\0",
                 6),
     "", kFffd + "a"},
    {"Utf16OddLength", std::string("\xFE\xFF\0a\0", 5), "", "a" + kFffd},
    {"Utf16LeLabelWithoutBom", std::string("a\0b\0", 4), "utf-16le", "ab"},
    {"Utf16BeLabelWithoutBom", std::string("\0a\0b", 4), "UTF-16BE", "ab"},
    {"Utf16LabelMeansLittleEndian", std::string("a\0b\0", 4), "utf-16", "ab"},
    {"Windows1251", "\xCC\xEE\xF1\xEA\xE2\xE0", "windows-1251", "Москва"},
    {"Koi8r", "\xED\xCF\xD3\xCB\xD7\xC1", "koi8-r", "Москва"},
    {"ShiftJis", "\x93\xFA\x96\x7B", "shift_jis", "日本"},
    {"Gb2312", "\xB1\xB1\xBE\xA9", "gb2312", "北京"},
    {"EucKr", "\xC7\xD1\xB1\xB9", "euc-kr", "한국"},
    {"Iso8859_2",
     "\xA3\xF3"
     "d\xBC",
     "iso-8859-2", "Łódź"},
    {"Iso8859_15", "\xA4", "ISO-8859-15", "€"},
    {"Iso8859_9ReadAsWindows1254",
     "\xDD"
     "stanbul \x80",
     "iso-8859-9", "İstanbul €"},
    {"IconvInvalidSequenceReplaced",
     "\x93\xFA\xFF"
     "a",
     "shift_jis", "日" + kFffd + "a"},
    {"IconvTruncatedSequenceReplaced", "a\x93", "shift_jis", "a" + kFffd},
    {"IconvOutputSanitized",
     "a\x01"
     "b",
     "windows-1251", "ab"},
};
INSTANTIATE_TEST_SUITE_P(Table, CharsetTest, ::testing::ValuesIn(kCharsetCases),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(Charset, LargeInputGrowsIconvBuffer) {
    // Output grows past the initial 2x buffer only if a byte can become more than two UTF-8
    // bytes; 3000 hiragana are 6000 bytes in and 9000 out, which crosses it after resizing.
    std::string sjis;
    for (int i = 0; i < 3000; ++i) {
        sjis += "\x82\xA0";  // HIRAGANA LETTER A: 2 bytes in, 3 bytes out
    }
    std::string expected;
    for (int i = 0; i < 3000; ++i) {
        expected += "あ";
    }
    EXPECT_EQ(to_utf8(sjis, "shift_jis"), expected);
}

TEST(Charset, ArbitraryBytesNeverThrowAndAlwaysValid) {
    std::string bytes;
    for (int i = 0; i < 2048; ++i) {
        bytes.push_back(static_cast<char>((i * 131 + i / 7) & 0xFF));
    }
    for (const char* label : {"", "utf-8", "latin1", "utf-16", "utf-16be", "shift_jis", "gbk",
                              "euc-kr", "big5", "iso-2022-jp", "koi8-r", "nonsense//IGNORE"}) {
        SCOPED_TRACE(label);
        std::string out;
        EXPECT_NO_THROW(out = to_utf8(bytes, label));
        EXPECT_EQ(sanitize_utf8(out), out);
    }
}

}  // namespace
}  // namespace ww::text

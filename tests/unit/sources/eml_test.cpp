#include "sources/eml.hpp"

#include <gtest/gtest.h>

#include "sources/spool_source.hpp"
#include "support/temp_dir.hpp"

namespace ww::sources {
namespace {

TEST(Eml, PlainQuotedPrintableWithEncodedSubject) {
    const std::string eml =
        "From: =?UTF-8?Q?Agence_Fran=C3=A7aise?= <alerts@example.com>\r\n"
        "Subject: =?UTF-8?B?Q2Vhc2UtZmlyZSBpbiBBbGVwcG8=?=\r\n"
        "  =?ISO-8859-1?Q?_=E9t=E9?=\r\n"
        "Message-ID: <abc@example.com>\r\n"
        "Date: Tue, 25 Nov 2026 09:14:03 +0000\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: quoted-printable\r\n"
        "\r\n"
        "The cease-fire in Aleppo held overnight, caf=C3=A9 owners said. A long line=\r\n"
        " continues here.\r\n";
    std::string error;
    auto doc = parse_eml(eml, error);
    ASSERT_TRUE(doc) << error;
    EXPECT_EQ(doc->title, "Cease-fire in Aleppo été");
    EXPECT_EQ(doc->author, "Agence Française <alerts@example.com>");
    EXPECT_EQ(doc->item_id, "mid:<abc@example.com>");
    ASSERT_TRUE(doc->published);
    EXPECT_NE(doc->body.find("café owners"), std::string::npos);
    EXPECT_NE(doc->body.find("A long line continues"), std::string::npos);
}

TEST(Eml, MultipartPrefersPlainAndDecodesBase64Html) {
    const std::string html_only =
        "Subject: Alert\n"
        "MIME-Version: 1.0\n"
        "Content-Type: multipart/alternative; boundary=\"XX\"\n"
        "\n"
        "preamble\n"
        "--XX\n"
        "Content-Type: text/html; charset=windows-1252\n"
        "Content-Transfer-Encoding: base64\n"
        "\n"
        "PGh0bWw+PGJvZHk+PG5hdj5NZW51PC9uYXY+PGFydGljbGU+PHA+QSBzYW5jdGlvbnMgZGVzaWdu\n"
        "YXRpb24gd2FzIGFubm91bmNlZCB0b2RheSBieSB0aGUgbWluaXN0cnkgKGNhZukpLjwvcD48L2Fy\n"
        "dGljbGU+PC9ib2R5PjwvaHRtbD4=\n"
        "--XX--\n";
    std::string error;
    auto doc = parse_eml(html_only, error);
    ASSERT_TRUE(doc) << error;
    EXPECT_EQ(doc->title, "Alert");
    EXPECT_NE(doc->body.find("sanctions designation"), std::string::npos);
    EXPECT_NE(doc->body.find("café"), std::string::npos);  // windows-1252 é converted
    EXPECT_EQ(doc->body.find("Menu"), std::string::npos);

    const std::string both =
        "Subject: Both\n"
        "Content-Type: multipart/alternative; boundary=b1\n"
        "\n"
        "--b1\n"
        "Content-Type: text/plain\n"
        "\n"
        "plain wins\n"
        "--b1\n"
        "Content-Type: text/html\n"
        "\n"
        "<p>html loses</p>\n"
        "--b1--\n";
    doc = parse_eml(both, error);
    ASSERT_TRUE(doc);
    EXPECT_NE(doc->body.find("plain wins"), std::string::npos);
}

TEST(Eml, NotAnEmail) {
    std::string error;
    EXPECT_FALSE(parse_eml("", error));
    EXPECT_FALSE(parse_eml("\n\njust text", error));
}

TEST(Eml, SpoolReadsEmlFiles) {
    testing::TempDir dir;
    auto file = dir.write("alert.eml", "Subject: =?utf-8?q?Truce_talks?=\n\nBody text.\n");
    std::string error;
    auto docs = SpoolSource::read_file(file, 1 << 20, error);
    ASSERT_TRUE(docs) << error;
    ASSERT_EQ(docs->size(), 1u);
    EXPECT_EQ((*docs)[0].title, "Truce talks");
    EXPECT_NE((*docs)[0].body.find("Body text."), std::string::npos);
}

TEST(Eml, Decoders) {
    EXPECT_EQ(decode_base64("aGVsbG8gd29ybGQ="), "hello world");
    EXPECT_EQ(decode_quoted_printable("a=3Db=\nc"), "a=bc");
    EXPECT_EQ(decode_quoted_printable("a_b", true), "a b");
    EXPECT_EQ(decode_encoded_words("plain subject"), "plain subject");
    EXPECT_EQ(decode_encoded_words("=?utf-8?q?a?= =?utf-8?q?b?="), "ab");
    EXPECT_EQ(decode_encoded_words("x =?broken"), "x =?broken");
}

}  // namespace
}  // namespace ww::sources

// parse_duration / parse_size: the forms administrators write, and the near misses.

#include <gtest/gtest.h>

#include <string>

#include "wirewatch/config/config.hpp"

namespace ww::config {
namespace {

using namespace std::chrono_literals;

struct DurationCase {
    std::string text;
    std::optional<Duration> expected;
};

class DurationTest : public testing::TestWithParam<DurationCase> {};

TEST_P(DurationTest, Parses) {
    EXPECT_EQ(parse_duration(GetParam().text), GetParam().expected) << GetParam().text;
}

INSTANTIATE_TEST_SUITE_P(
    Table, DurationTest,
    testing::Values(DurationCase{"250ms", 250ms}, DurationCase{"30s", 30s},
                    DurationCase{"5m", 5min}, DurationCase{"1h", 1h}, DurationCase{"1h30m", 90min},
                    DurationCase{"2d", 48h}, DurationCase{"1d2h3m4s5ms", 26h + 3min + 4s + 5ms},
                    DurationCase{"0s", 0ms}, DurationCase{"90s", 90s},
                    // Near misses: each must be rejected, not guessed.
                    DurationCase{"", std::nullopt}, DurationCase{"30", std::nullopt},
                    DurationCase{"5 minutes", std::nullopt}, DurationCase{"5 m", std::nullopt},
                    DurationCase{"5min", std::nullopt}, DurationCase{"1.5h", std::nullopt},
                    DurationCase{"-5s", std::nullopt}, DurationCase{"+5s", std::nullopt},
                    DurationCase{"30m1h", std::nullopt}, DurationCase{"1m1m", std::nullopt},
                    DurationCase{"5S", std::nullopt}, DurationCase{"s", std::nullopt},
                    DurationCase{"1h ", std::nullopt},
                    DurationCase{"99999999999999999999d", std::nullopt},
                    DurationCase{"9999999999999999d", std::nullopt}));

struct SizeCase {
    std::string text;
    std::optional<std::uint64_t> expected;
};

class SizeTest : public testing::TestWithParam<SizeCase> {};

TEST_P(SizeTest, Parses) {
    EXPECT_EQ(parse_size(GetParam().text), GetParam().expected) << GetParam().text;
}

INSTANTIATE_TEST_SUITE_P(
    Table, SizeTest,
    testing::Values(SizeCase{"10MiB", 10ull << 20}, SizeCase{"512KiB", 512ull << 10},
                    SizeCase{"1GiB", 1ull << 30}, SizeCase{"2TiB", 2ull << 40},
                    SizeCase{"10MB", 10'000'000}, SizeCase{"100KB", 100'000},
                    SizeCase{"1GB", 1'000'000'000}, SizeCase{"100B", 100}, SizeCase{"100", 100},
                    SizeCase{"0", 0},
                    // Near misses.
                    SizeCase{"", std::nullopt}, SizeCase{"10mb", std::nullopt},
                    SizeCase{"10Mb", std::nullopt}, SizeCase{"10 MiB", std::nullopt},
                    SizeCase{"MiB", std::nullopt}, SizeCase{"1.5MiB", std::nullopt},
                    SizeCase{"-1", std::nullopt}, SizeCase{"10MiBs", std::nullopt},
                    SizeCase{"100000000000TiB", std::nullopt},
                    SizeCase{"99999999999999999999", std::nullopt}));

// did_you_mean is shared (ww core); here we pin the hints the config messages rely on.
TEST(DidYouMean, SuggestsTheKeysAdministratorsMistype) {
    const std::vector<std::string> channel_keys = {"url",      "url_env",       "url_file",
                                                   "starttls", "password_file", "format"};
    EXPECT_EQ(did_you_mean("url_fiel", channel_keys), "url_file");
    EXPECT_EQ(did_you_mean("startls", channel_keys), "starttls");
    EXPECT_EQ(did_you_mean("formt", channel_keys), "format");
    EXPECT_EQ(did_you_mean("URL", channel_keys), "url");
    EXPECT_EQ(did_you_mean("colour", channel_keys), "");
    EXPECT_EQ(did_you_mean("x", {}), "");
}

}  // namespace
}  // namespace ww::config

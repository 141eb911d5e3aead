// Every tests/data/config/bad/NAME.toml must produce exactly the diagnostics in NAME.expected:
// error messages are part of the contract. Set WW_UPDATE_EXPECTED=1 to rewrite the .expected
// files after an intended change, then review the diff.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "wirewatch/config/config.hpp"

namespace ww::config {
namespace {

namespace fs = std::filesystem;

const fs::path kBadDir = fs::path(WW_TEST_DATA) / "config" / "bad";

std::vector<std::string> bad_configs() {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(kBadDir)) {
        if (entry.path().extension() == ".toml") {
            names.push_back(entry.path().stem().string());
        }
    }
    std::sort(names.begin(), names.end());
    return names;
}

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

// Diagnostics name files as they were passed to load(); show them relative to the bad folder
// so the expected files do not depend on where the tree is checked out.
std::string relative_diagnostics(const Diagnostics& diags) {
    std::string text = diags.str();
    const std::string prefix = kBadDir.string() + "/";
    for (auto pos = text.find(prefix); pos != std::string::npos; pos = text.find(prefix, pos)) {
        text.erase(pos, prefix.size());
    }
    return text;
}

class BadConfig : public testing::TestWithParam<std::string> {};

TEST_P(BadConfig, ReportsExactlyTheExpectedDiagnostics) {
    const fs::path toml = kBadDir / (GetParam() + ".toml");
    const fs::path expected_file = kBadDir / (GetParam() + ".expected");
    Diagnostics diags;
    const auto config = load(toml, diags);
    const std::string actual = relative_diagnostics(diags);

    if (const char* update = std::getenv("WW_UPDATE_EXPECTED"); update && *update == '1') {
        std::ofstream(expected_file, std::ios::binary) << actual;
    }
    EXPECT_FALSE(config.has_value()) << "a bad config must not load";
    EXPECT_TRUE(diags.has_errors());
    ASSERT_TRUE(fs::exists(expected_file)) << expected_file << " is missing";
    EXPECT_EQ(actual, read_file(expected_file));
}

INSTANTIATE_TEST_SUITE_P(Folder, BadConfig, testing::ValuesIn(bad_configs()),
                         [](const testing::TestParamInfo<std::string>& info) {
                             return info.param;
                         });

TEST(BadConfigFolder, HasEnoughCases) { EXPECT_GE(bad_configs().size(), 20u); }

TEST(Load, MissingFileIsAnErrorNamingTheFile) {
    Diagnostics diags;
    EXPECT_FALSE(load("/nonexistent/wirewatch.toml", diags));
    EXPECT_EQ(diags.str(),
              "/nonexistent/wirewatch.toml: error: cannot read config file: "
              "No such file or directory\n");
}

}  // namespace
}  // namespace ww::config

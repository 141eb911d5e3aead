// Every tests/data/rules/bad/NAME.toml (with its NAME.*.toml companions, loaded together as one
// rule set) must produce exactly the diagnostics in NAME.expected: rule diagnostics are part of
// the contract, as `wirewatchd check` prints them. Set WW_UPDATE_EXPECTED=1 to rewrite the
// .expected files, then review the diff.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "wirewatch/rules/rule_def.hpp"
#include "wirewatch/rules/rule_set.hpp"

namespace ww::rules {
namespace {

namespace fs = std::filesystem;

const fs::path kBadDir = fs::path(WW_TEST_DATA) / "rules" / "bad";

std::string read_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

std::vector<std::string> cases() {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(kBadDir)) {
        const fs::path& p = entry.path();
        if (p.extension() == ".toml" && p.stem().string().find('.') == std::string::npos) {
            names.push_back(p.stem().string());
        }
    }
    std::sort(names.begin(), names.end());
    return names;
}

std::vector<fs::path> files_of(const std::string& name) {
    std::vector<fs::path> files = {kBadDir / (name + ".toml")};
    std::vector<fs::path> more;
    for (const auto& entry : fs::directory_iterator(kBadDir)) {
        const std::string file = entry.path().filename().string();
        if (file.starts_with(name + ".") && file.ends_with(".toml") && file != name + ".toml") {
            more.push_back(entry.path());
        }
    }
    std::sort(more.begin(), more.end());
    files.insert(files.end(), more.begin(), more.end());
    return files;
}

// As `wirewatchd check` does: load every file, then compile what loaded, so regex errors
// are reported alongside schema errors.
std::string check(const std::string& name) {
    Diagnostics diags;
    auto defs = load_rule_files(files_of(name), diags);
    compile(defs, CompileOptions{}, diags);
    std::string out = diags.str();
    const std::string prefix = kBadDir.string() + "/";
    for (std::size_t at = out.find(prefix); at != std::string::npos; at = out.find(prefix, at)) {
        out.erase(at, prefix.size());
    }
    return out;
}

class BadRules : public ::testing::TestWithParam<std::string> {};

TEST_P(BadRules, ExactDiagnostics) {
    const fs::path expected_file = kBadDir / (GetParam() + ".expected");
    const std::string actual = check(GetParam());
    if (std::getenv("WW_UPDATE_EXPECTED") != nullptr) {
        std::ofstream(expected_file, std::ios::binary) << actual;
    }
    ASSERT_TRUE(fs::exists(expected_file)) << expected_file << " is missing";
    EXPECT_EQ(actual, read_file(expected_file));
}

INSTANTIATE_TEST_SUITE_P(Files, BadRules, ::testing::ValuesIn(cases()), [](const auto& info) {
    std::string n = info.param;
    std::replace(n.begin(), n.end(), '-', '_');
    return n;
});

}  // namespace
}  // namespace ww::rules

// The compiled-database cache: an unchanged rule set loads instead of compiling; a corrupt,
// truncated or foreign file is a warning (logger "rules") and a recompile that still matches.

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "rules_test_util.hpp"

namespace ww::rules {
namespace {

namespace fs = std::filesystem;

const char* kRules = R"(
[[rule]]
id = "ceasefire"
keywords = ["cease-fire", "truce"]

[[rule]]
id = "nato"
keywords = ["NATO"]
case_sensitive = true

[[rule]]
id = "sanctions"
regex = ['\bsanction(s|ed)?\b']

[[rule]]
id = "eu"
regex = ['\bEU\b']
case_sensitive = true
)";

class Cache : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() /
               ("ww-rules-cache-" + std::to_string(getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(dir_);
        options_.cache_dir = dir_;
        spdlog::drop("rules");
        auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(log_);
        spdlog::register_logger(std::make_shared<spdlog::logger>("rules", sink));
    }
    void TearDown() override {
        spdlog::drop("rules");
        fs::remove_all(dir_);
    }

    std::shared_ptr<const RuleSet> build(const std::string& toml = kRules) {
        return testing::compile_text(toml, options_);
    }

    static void expect_matches(const RuleSet& set) {
        auto hits = testing::match_text(set, "A ceasefire, NATO and EU sanctions; nato, eu");
        std::vector<std::string> ids;
        for (const auto& h : hits) {
            ids.push_back(h.rule_id);
        }
        EXPECT_EQ(ids, (std::vector<std::string>{"ceasefire", "nato", "sanctions", "eu"}));
    }

    std::size_t cache_files() const {
        std::size_t n = 0;
        for (const auto& e : fs::directory_iterator(dir_)) {
            n += e.path().extension() == ".hsdb";
        }
        return n;
    }

    fs::path dir_;
    CompileOptions options_;
    std::ostringstream log_;
};

TEST_F(Cache, SecondCompileLoadsFromCache) {
    auto first = build();
    ASSERT_TRUE(first);
    EXPECT_FALSE(first->stats().from_cache);
    ASSERT_TRUE(fs::exists(first->stats().cache_file));
    EXPECT_EQ(first->stats().cache_file.parent_path(), dir_);
    // cease-fire (one literal for every spelling: the scan text has no separators), truce;
    // NATO (exact)
    EXPECT_EQ(first->stats().literal_patterns, 3u);
    EXPECT_EQ(first->stats().regex_patterns, 2u);
    EXPECT_GT(first->stats().database_bytes, 0u);
    expect_matches(*first);

    auto second = build();
    ASSERT_TRUE(second);
    EXPECT_TRUE(second->stats().from_cache);
    EXPECT_EQ(second->stats().cache_file, first->stats().cache_file);
    expect_matches(*second);
    EXPECT_EQ(log_.str(), "");
}

TEST_F(Cache, ChangedRulesUseAnotherFile) {
    auto first = build();
    auto second =
        build(std::string(kRules) + "\n[[rule]]\nid = \"x\"\nkeywords = [\"armistice\"]\n");
    ASSERT_TRUE(first && second);
    EXPECT_FALSE(second->stats().from_cache);
    EXPECT_NE(first->stats().cache_file, second->stats().cache_file);
    // A change that leaves the patterns alone (severity, tags) keeps the databases.
    auto third = build(std::string(kRules) +
                       "\n[[rule]]\nid = \"y\"\nkeywords = [\"truce\"]\n"
                       "severity = \"critical\"\n");
    ASSERT_TRUE(third);
    EXPECT_TRUE(third->stats().from_cache);
}

TEST_F(Cache, CorruptFileWarnsAndRecompiles) {
    auto first = build();
    ASSERT_TRUE(first);
    const fs::path file = first->stats().cache_file;
    {
        std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(static_cast<std::streamoff>(fs::file_size(file) / 2));
        f.put('\x5A').put('\xA5').put('\x00');
    }
    auto second = build();
    ASSERT_TRUE(second);
    EXPECT_FALSE(second->stats().from_cache);
    EXPECT_NE(log_.str().find("rule cache unusable"), std::string::npos) << log_.str();
    EXPECT_NE(log_.str().find("checksum"), std::string::npos) << log_.str();
    expect_matches(*second);
    // The recompile rewrote the cache.
    auto third = build();
    ASSERT_TRUE(third);
    EXPECT_TRUE(third->stats().from_cache);
}

TEST_F(Cache, TruncatedOrForeignFileWarnsAndRecompiles) {
    auto first = build();
    ASSERT_TRUE(first);
    const fs::path file = first->stats().cache_file;
    fs::resize_file(file, fs::file_size(file) / 3);
    auto second = build();
    ASSERT_TRUE(second);
    EXPECT_FALSE(second->stats().from_cache);
    expect_matches(*second);

    std::ofstream(file, std::ios::binary | std::ios::trunc) << "not a database";
    auto third = build();
    ASSERT_TRUE(third);
    EXPECT_FALSE(third->stats().from_cache);
    expect_matches(*third);
    EXPECT_NE(log_.str().find("not a wirewatch rule cache"), std::string::npos) << log_.str();
}

TEST_F(Cache, OldFilesArePruned) {
    for (int i = 0; i < 7; ++i) {
        auto set = build("[[rule]]\nid = \"r\"\nkeywords = [\"term" + std::to_string(i) + "\"]\n");
        ASSERT_TRUE(set);
    }
    EXPECT_LE(cache_files(), 4u);
    EXPECT_GE(cache_files(), 1u);
}

TEST_F(Cache, UnwritableCacheDirIsOnlyAWarning) {
    fs::create_directories(dir_);
    std::ofstream(dir_ / "file") << "x";
    options_.cache_dir = dir_ / "file" / "sub";
    auto set = build();
    ASSERT_TRUE(set);
    EXPECT_FALSE(set->stats().from_cache);
    expect_matches(*set);
    EXPECT_NE(log_.str().find("cannot write rule cache"), std::string::npos) << log_.str();
}

TEST_F(Cache, NoCacheDirMeansNoFile) {
    options_.cache_dir.clear();
    auto set = build();
    ASSERT_TRUE(set);
    EXPECT_TRUE(set->stats().cache_file.empty());
    EXPECT_FALSE(fs::exists(dir_));
}

TEST_F(Cache, EmptyRuleSetCompilesAndMatchesNothing) {
    auto set = build("");
    ASSERT_TRUE(set);
    EXPECT_EQ(set->size(), 0u);
    EXPECT_TRUE(testing::match_text(*set, "anything").empty());
}

}  // namespace
}  // namespace ww::rules

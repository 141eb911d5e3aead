// A spool poll over a folder with many files: every file becomes a batch, oldest first, and is
// moved to done/; the loop runs other work between files; a source destroyed mid-poll leaves
// the files it did not reach in the folder for the next one.

#include "sources/spool_source.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>

#include "support/temp_dir.hpp"

namespace ww::sources {
namespace {

namespace fs = std::filesystem;

struct Harness {
    testing::TempDir dir;
    boost::asio::io_context io;
    ManualClock clock{std::chrono::system_clock::time_point(std::chrono::hours(24 * 20000))};
    std::vector<std::string> titles;  // of each batch's first document, in emit order
    SourceContext context{io, clock, {}, [this](Batch& b) {
                              titles.push_back(b.documents.empty() ? "" : b.documents[0].title);
                              return true;
                          }};
    config::SourceConfig config;

    explicit Harness(int files) {
        config.id = "drop";
        config.type = "spool";
        config.path = dir / "in";
        config.after = "move";
        const auto base = fs::file_time_type::clock::now() - std::chrono::hours(1);
        for (int i = 0; i < files; ++i) {
            const auto file =
                dir.write("in/note-" + std::to_string(files - i) + ".txt",
                          "Note " + std::to_string(i) + "\nBody " + std::to_string(i) + "\n");
            // Written in reverse name order, so "oldest first" is not "by name".
            fs::last_write_time(file, base + std::chrono::seconds(i));
        }
    }

    std::size_t left_in_spool() const {
        std::size_t n = 0;
        for (const auto& e : fs::directory_iterator(dir / "in")) {
            n += e.is_regular_file() ? 1 : 0;
        }
        return n;
    }
};

TEST(SpoolSource, EveryFileIsABatchOldestFirstAndMovesToDone) {
    Harness h(40);
    SpoolSource source(h.config, h.context);
    int done = 0;
    source.poll([&] { ++done; });
    h.io.run();
    EXPECT_EQ(done, 1);
    ASSERT_EQ(h.titles.size(), 40u);
    for (int i = 0; i < 40; ++i) {
        EXPECT_EQ(h.titles[static_cast<std::size_t>(i)], "Note " + std::to_string(i));
    }
    EXPECT_EQ(h.left_in_spool(), 0u);
    EXPECT_TRUE(fs::exists(h.dir / "in/done/note-1.txt"));
}

TEST(SpoolSource, TheLoopRunsOtherWorkBetweenFiles) {
    Harness h(40);
    SpoolSource source(h.config, h.context);
    bool done = false;
    std::size_t batches_when_timer_ran = 0;
    boost::asio::steady_timer timer(h.io);
    timer.expires_after(std::chrono::milliseconds(0));
    timer.async_wait(
        [&](const boost::system::error_code&) { batches_when_timer_ran = h.titles.size(); });
    source.poll([&] { done = true; });
    h.io.run();
    EXPECT_TRUE(done);
    EXPECT_EQ(h.titles.size(), 40u);
    // The timer was due before the poll began: it ran after the first file, not after all.
    EXPECT_GE(batches_when_timer_ran, 1u);
    EXPECT_LT(batches_when_timer_ran, 40u);
}

TEST(SpoolSource, ASourceDestroyedMidPollLeavesTheRestForTheNextOne) {
    Harness h(10);
    bool done = false;
    {
        auto source = std::make_unique<SpoolSource>(h.config, h.context);
        source->poll([&] { done = true; });
        h.io.run_one();
        h.io.run_one();
    }
    h.io.run();  // the pending turn finds its source gone
    EXPECT_FALSE(done);
    const std::size_t handled = h.titles.size();
    EXPECT_GE(handled, 1u);
    EXPECT_LT(handled, 10u);
    EXPECT_EQ(h.left_in_spool(), 10u - handled);

    h.io.restart();
    SpoolSource next(h.config, h.context);
    next.poll([&] { done = true; });
    h.io.run();
    EXPECT_TRUE(done);
    EXPECT_EQ(h.titles.size(), 10u);
    EXPECT_EQ(h.left_in_spool(), 0u);
}

}  // namespace
}  // namespace ww::sources

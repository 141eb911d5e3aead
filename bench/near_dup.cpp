// Near-duplicate lookup cost per alerting document: the story fingerprint (normalize + SimHash
// of the lead) and the banded SQLite lookup against a day's worth of stored fingerprints, with
// the state on disk (WAL). Only documents that alert pay this.
//
//   bench_near_dup [STORED_PRINTS=100000] [DOCS=2000]

#include "wirewatch/alerts/near_dup.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "wirewatch/state/store.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double micros_per(Clock::time_point start, std::size_t n) {
    return std::chrono::duration<double, std::micro>(Clock::now() - start).count() /
           static_cast<double>(n);
}

}  // namespace

int main(int argc, char** argv) {
    const int stored = argc > 1 ? std::atoi(argv[1]) : 100000;
    const std::size_t count = argc > 2 ? static_cast<std::size_t>(std::atoi(argv[2])) : 2000;
    const auto dir = std::filesystem::temp_directory_path() / "wirewatch-bench-near-dup";
    std::filesystem::remove_all(dir);
    auto store = ww::state::Store::open(dir);
    std::mt19937_64 random(42);
    const auto now = std::chrono::system_clock::now();
    for (int done = 0; done < stored;) {
        std::vector<ww::state::StoryPrint> prints;
        for (int i = 0; i < 1000 && done < stored; ++i, ++done) {
            const std::string id = std::to_string(done);
            prints.push_back(
                {"source-" + std::to_string(done % 50), id, "https://x/" + id, random(), now});
        }
        store->record("bench", {}, {}, prints, now);
    }

    const char* words[] = {"government", "talks",    "ceasefire", "aleppo", "geneva",
                           "minister",   "said",     "on",        "the",    "of",
                           "a",          "in",       "after",     "two",    "days",
                           "officials",  "northern", "city",      "united", "nations"};
    std::vector<ww::Document> docs(count);
    for (auto& doc : docs) {
        doc.source_id = "bench";
        doc.title = "A headline of some eight words or so";
        for (int w = 0; w < 60; ++w) {
            doc.summary += std::string(words[random() % 20]) + ' ';
        }
    }
    ww::Document long_body;
    for (int w = 0; w < 100000; ++w) {
        long_body.body += std::string(words[random() % 20]) + ' ';
    }

    std::uint64_t sink = 0;
    auto start = Clock::now();
    for (const auto& doc : docs) {
        sink ^= ww::alerts::story_fingerprint(doc);
    }
    std::printf("fingerprint, 60-word summary:              %8.1f us/doc\n",
                micros_per(start, docs.size()));
    start = Clock::now();
    for (int i = 0; i < 100; ++i) {
        sink ^= ww::alerts::story_fingerprint(long_body);
    }
    std::printf("fingerprint, %zu-byte body, no summary:   %8.1f us/doc\n", long_body.body.size(),
                micros_per(start, 100));
    start = Clock::now();
    std::size_t found = 0;
    for (const auto& doc : docs) {
        found += store
                     ->similar_stories(ww::alerts::story_fingerprint(doc),
                                       ww::alerts::kNearDuplicateBits, now - std::chrono::hours(24))
                     .size();
    }
    std::printf("fingerprint + lookup in %d prints:     %8.1f us/doc (%zu near-duplicates)\n",
                stored, micros_per(start, docs.size()), found);
    std::filesystem::remove_all(dir);
    return sink == 42 ? 1 : 0;  // keep the fingerprints from being optimized away
}

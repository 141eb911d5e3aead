#pragma once
// Matches the documents of one batch on several threads ([daemon] workers), each with its own
// Hyperscan scratch. The calling thread (the event loop) takes a share and waits for the rest,
// so emit() still has every hit before it records the batch in one transaction; with one
// thread everything runs on the caller, as a single-core machine should.

#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <memory>
#include <vector>

#include "wirewatch/document.hpp"
#include "wirewatch/rules/rule_set.hpp"

namespace ww::ops {

struct MatchResult {
    std::vector<rules::Hit> hits;
    std::chrono::steady_clock::duration took{};  // CPU-bound wall time of this document's match
};

class MatchPool {
public:
    // `threads` counts the caller; 0 means one per core.
    MatchPool(std::shared_ptr<const rules::RuleSet> rules, unsigned threads);
    ~MatchPool();
    MatchPool(const MatchPool&) = delete;
    MatchPool& operator=(const MatchPool&) = delete;

    unsigned threads() const { return static_cast<unsigned>(scratches_.size()); }

    // result[i] is the match of *docs[i]. Not reentrant: one batch at a time, from one thread.
    std::vector<MatchResult> match(const std::vector<const Document*>& docs);

private:
    std::shared_ptr<const rules::RuleSet> rules_;
    std::vector<std::unique_ptr<rules::Scratch>> scratches_;  // [0] is the caller's
    std::unique_ptr<boost::asio::thread_pool> helpers_;       // threads() - 1 threads, or none
};

// [daemon] workers as a thread count: 0 is one per core (at least one), capped at 64.
unsigned match_threads(int workers);

}  // namespace ww::ops

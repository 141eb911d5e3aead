// Fork-join matching: documents are taken in order from a shared counter by the caller and by
// threads() - 1 pool threads, so one long article does not leave the other threads idle.

#include "ops/match_pool.hpp"

#include <algorithm>
#include <atomic>
#include <boost/asio/post.hpp>
#include <exception>
#include <latch>
#include <mutex>
#include <thread>

namespace ww::ops {

unsigned match_threads(int workers) {
    constexpr unsigned kMax = 64;
    if (workers > 0) {
        return std::min(static_cast<unsigned>(workers), kMax);
    }
    return std::clamp(std::thread::hardware_concurrency(), 1u, kMax);
}

MatchPool::MatchPool(std::shared_ptr<const rules::RuleSet> rules, unsigned threads)
    : rules_(std::move(rules)) {
    const unsigned n = threads == 0 ? match_threads(0) : threads;
    for (unsigned i = 0; i < n; ++i) {
        scratches_.push_back(rules_->make_scratch());
    }
    if (n > 1) {
        helpers_ = std::make_unique<boost::asio::thread_pool>(n - 1);
    }
}

MatchPool::~MatchPool() {
    if (helpers_) {
        helpers_->join();
    }
}

std::vector<MatchResult> MatchPool::match(const std::vector<const Document*>& docs) {
    std::vector<MatchResult> results(docs.size());
    std::atomic<std::size_t> next{0};
    std::exception_ptr failure;
    std::mutex failure_mutex;
    auto work = [&](rules::Scratch& scratch) {
        try {
            for (std::size_t i = next++; i < docs.size(); i = next++) {
                const auto started = std::chrono::steady_clock::now();
                results[i].hits = rules_->match(*docs[i], scratch);
                results[i].took = std::chrono::steady_clock::now() - started;
            }
        } catch (...) {
            const std::lock_guard lock(failure_mutex);
            failure = std::current_exception();
            next = docs.size();  // the others stop at their next document
        }
    };
    // Helpers only pay off when there is a document for each of them.
    const auto helpers = static_cast<std::ptrdiff_t>(
        std::min<std::size_t>(threads() - 1, docs.empty() ? 0 : docs.size() - 1));
    std::latch finished(helpers);
    for (std::ptrdiff_t h = 0; h < helpers; ++h) {
        boost::asio::post(*helpers_, [&, h] {
            work(*scratches_[static_cast<std::size_t>(h) + 1]);
            finished.count_down();
        });
    }
    work(*scratches_[0]);
    finished.wait();
    if (failure) {
        std::rethrow_exception(failure);
    }
    return results;
}

}  // namespace ww::ops

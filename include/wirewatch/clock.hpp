#pragma once
// Time comes from an injected Clock so schedules, backoff and digests can be tested without
// sleeping. Thread-safe: implementations must allow concurrent calls.

#include <chrono>

namespace ww {

class Clock {
public:
    virtual ~Clock() = default;
    virtual std::chrono::system_clock::time_point now() const = 0;
};

class SystemClock final : public Clock {
public:
    std::chrono::system_clock::time_point now() const override {
        return std::chrono::system_clock::now();
    }
};

// A clock tests move by hand.
class ManualClock final : public Clock {
public:
    explicit ManualClock(std::chrono::system_clock::time_point start) : now_(start) {}
    std::chrono::system_clock::time_point now() const override { return now_; }
    void advance(std::chrono::system_clock::duration d) { now_ += d; }
    void set(std::chrono::system_clock::time_point t) { now_ = t; }

private:
    std::chrono::system_clock::time_point now_;
};

}  // namespace ww

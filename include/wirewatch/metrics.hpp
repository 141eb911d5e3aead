#pragma once
// Prometheus metrics: counters, gauges and histograms in families with a fixed set of label
// names, exposed in the text format (version 0.0.4) for GET /metrics.
//
// Rules the registry enforces (a violation is a programming error and aborts):
//  - every name starts with "wirewatch_" and is in base units (seconds, bytes); counter names
//    end in "_total"; label names are fixed per family, "le" is reserved for histograms;
//  - label values come from bounded, admin-defined sets (source, rule, channel ids, results):
//    never URLs, titles or error text. A family holds at most `max_series` series; past that,
//    with() hands back a detached series that is counted but not exposed, and logs once.
//  - series are never removed, so a reference from with() stays valid for the registry's life.
//    Pre-create the known series (with()) at startup/reload so they are exposed as 0.
//
// Thread safety: families and series may be created and updated from any thread. Updates are
// lock-free atomics; with() and expose() take a mutex, so hot paths keep the reference.

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace ww::metrics {

using Labels = std::vector<std::string>;  // values, in the family's label-name order

class Counter {
public:
    void inc(std::uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
    std::uint64_t value() const { return value_.load(std::memory_order_relaxed); }

private:
    std::atomic<std::uint64_t> value_{0};
};

class Gauge {
public:
    void set(double v) { value_.store(v, std::memory_order_relaxed); }
    void add(double v) { value_.fetch_add(v, std::memory_order_relaxed); }
    double value() const { return value_.load(std::memory_order_relaxed); }

private:
    std::atomic<double> value_{0};
};

class Histogram {
public:
    // `bounds`: upper bounds of the buckets, strictly increasing; +Inf is implicit.
    explicit Histogram(const std::vector<double>& bounds);
    void observe(double v);

    struct Snapshot {
        std::vector<std::uint64_t> cumulative;  // one per bound, then +Inf
        double sum = 0;
        std::uint64_t count = 0;
    };
    Snapshot snapshot() const;
    const std::vector<double>& bounds() const { return bounds_; }

private:
    std::vector<double> bounds_;
    std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;  // non-cumulative; last is +Inf
    std::atomic<double> sum_{0};
    std::atomic<std::uint64_t> count_{0};
};

// Buckets for durations in seconds from 100 µs to 60 s.
std::vector<double> seconds_buckets();

template <class Series>
class Family;

class Registry {
public:
    static constexpr std::size_t kDefaultMaxSeries = 10000;

    Registry();
    ~Registry();
    Registry(const Registry&) = delete;
    Registry& operator=(const Registry&) = delete;

    // Registering the same name twice returns the first family (its help/labels must match).
    Family<Counter>& counter(const std::string& name, const std::string& help,
                             Labels label_names = {});
    Family<Gauge>& gauge(const std::string& name, const std::string& help, Labels label_names = {});
    Family<Histogram>& histogram(const std::string& name, const std::string& help,
                                 Labels label_names, std::vector<double> bounds);

    // Runs just before each exposition, on the thread calling expose(): for gauges that are
    // cheaper to read on demand (outbox depth) than to keep current.
    void on_collect(std::function<void()> hook);

    // The text exposition format: HELP and TYPE per family, families in registration order,
    // series sorted by label values.
    std::string expose() const;

    struct Entry;

private:
    template <class Series>
    Family<Series>& add(const std::string& name, const std::string& help, Labels label_names,
                        std::vector<double> bounds);

    mutable std::mutex mutex_;
    std::vector<std::unique_ptr<Entry>> entries_;
    std::vector<std::function<void()>> hooks_;
};

// One metric name and its series. Obtain from Registry.
template <class Series>
class Family {
public:
    using SeriesType = Series;

    // The series for these label values (as many as the family has label names), created at 0
    // on first use.
    Series& with(const Labels& values);
    // For a family without labels.
    Series& get() { return with({}); }

    const std::string& name() const { return name_; }
    const std::string& help() const { return help_; }
    const Labels& label_names() const { return label_names_; }

    // Snapshot of the series, for exposition and tests.
    std::vector<std::pair<Labels, const Series*>> series() const;

private:
    friend class Registry;
    Family(std::string name, std::string help, Labels label_names, std::vector<double> bounds,
           std::size_t max_series);

    std::unique_ptr<Series> make() const;

    std::string name_;
    std::string help_;
    Labels label_names_;
    std::vector<double> bounds_;  // histograms only
    std::size_t max_series_;
    mutable std::mutex mutex_;
    std::map<Labels, std::unique_ptr<Series>> series_;
    std::unique_ptr<Series> overflow_;
    bool overflow_logged_ = false;
};

// Escapes a label value for the exposition format: backslash, double quote and newline.
std::string escape_label_value(const std::string& value);

}  // namespace ww::metrics

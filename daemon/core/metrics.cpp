#include "wirewatch/metrics.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <variant>

#include "wirewatch/log.hpp"

namespace ww::metrics {

namespace {

// Misuse is a bug in our code, never input: stop at once with the reason.
[[noreturn]] void misuse(const std::string& what) {
    std::fprintf(stderr, "metrics: %s\n", what.c_str());
    std::abort();
}

bool is_name(std::string_view name, bool allow_colon) {
    if (name.empty()) {
        return false;
    }
    for (std::size_t i = 0; i < name.size(); ++i) {
        const char c = name[i];
        const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
                            (allow_colon && c == ':');
        if (!letter && !(i > 0 && c >= '0' && c <= '9')) {
            return false;
        }
    }
    return true;
}

void check_family(const std::string& name, const Labels& label_names, bool counter,
                  bool histogram) {
    if (!is_name(name, true) || name.rfind("wirewatch_", 0) != 0) {
        misuse("metric name '" + name +
               "' must match [a-zA-Z_:][a-zA-Z0-9_:]* and start "
               "with wirewatch_");
    }
    const bool total = name.size() > 6 && name.compare(name.size() - 6, 6, "_total") == 0;
    if (counter != total) {
        misuse("metric '" + name + "': counters, and only counters, end in _total");
    }
    for (const auto& label : label_names) {
        if (!is_name(label, false) || label.rfind("__", 0) == 0) {
            misuse("metric '" + name + "': bad label name '" + label + "'");
        }
        if (histogram && label == "le") {
            misuse("metric '" + name + "': 'le' is reserved for histogram buckets");
        }
    }
}

// Go's strconv-style shortest form, as Prometheus prints; integers without a fraction.
std::string format_value(double v) {
    if (std::isnan(v)) {
        return "NaN";
    }
    if (std::isinf(v)) {
        return v > 0 ? "+Inf" : "-Inf";
    }
    return fmt::format("{}", v);
}

std::string escape_help(const std::string& help) {
    std::string out;
    for (char c : help) {
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out += c;
        }
    }
    return out;
}

// {a="x",b="y"} plus an optional extra pair (the bucket's le); empty when there is none.
std::string label_set(const Labels& names, const Labels& values, const char* extra_name = nullptr,
                      const std::string& extra_value = {}) {
    if (names.empty() && extra_name == nullptr) {
        return {};
    }
    std::string out = "{";
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (i > 0) {
            out += ',';
        }
        out += names[i] + "=\"" + escape_label_value(values[i]) + '"';
    }
    if (extra_name != nullptr) {
        if (!names.empty()) {
            out += ',';
        }
        out += std::string(extra_name) + "=\"" + extra_value + '"';
    }
    return out + '}';
}

void expose_series(std::string& out, const std::string& name, const Labels& names,
                   const Labels& values, const Counter& counter) {
    out += name + label_set(names, values) + ' ' + std::to_string(counter.value()) + '\n';
}

void expose_series(std::string& out, const std::string& name, const Labels& names,
                   const Labels& values, const Gauge& gauge) {
    out += name + label_set(names, values) + ' ' + format_value(gauge.value()) + '\n';
}

void expose_series(std::string& out, const std::string& name, const Labels& names,
                   const Labels& values, const Histogram& histogram) {
    const auto snap = histogram.snapshot();
    const auto& bounds = histogram.bounds();
    for (std::size_t i = 0; i <= bounds.size(); ++i) {
        const std::string le = i < bounds.size() ? format_value(bounds[i]) : "+Inf";
        out += name + "_bucket" + label_set(names, values, "le", le) + ' ' +
               std::to_string(snap.cumulative[i]) + '\n';
    }
    out += name + "_sum" + label_set(names, values) + ' ' + format_value(snap.sum) + '\n';
    out += name + "_count" + label_set(names, values) + ' ' + std::to_string(snap.count) + '\n';
}

template <class Series>
constexpr const char* type_name() {
    if constexpr (std::is_same_v<Series, Counter>) {
        return "counter";
    } else if constexpr (std::is_same_v<Series, Gauge>) {
        return "gauge";
    } else {
        return "histogram";
    }
}

}  // namespace

std::string escape_label_value(const std::string& value) {
    std::string out;
    out.reserve(value.size());
    for (char c : value) {
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '"') {
            out += "\\\"";
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out += c;
        }
    }
    return out;
}

// --- Histogram ------------------------------------------------------------------------------

Histogram::Histogram(const std::vector<double>& bounds)
    : bounds_(bounds), buckets_(new std::atomic<std::uint64_t>[bounds.size() + 1]) {
    for (std::size_t i = 0; i <= bounds_.size(); ++i) {
        buckets_[i].store(0, std::memory_order_relaxed);
    }
}

void Histogram::observe(double v) {
    // Prometheus buckets are "less than or equal": the first bound >= v.
    const auto it = std::lower_bound(bounds_.begin(), bounds_.end(), v);
    buckets_[static_cast<std::size_t>(it - bounds_.begin())].fetch_add(1,
                                                                       std::memory_order_relaxed);
    sum_.fetch_add(v, std::memory_order_relaxed);
    count_.fetch_add(1, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::snapshot() const {
    // Read count last and rebuild the +Inf bucket from the buckets, so that a scrape racing an
    // observe() never shows a +Inf bucket that disagrees with the finite ones.
    Snapshot snap;
    std::uint64_t running = 0;
    for (std::size_t i = 0; i <= bounds_.size(); ++i) {
        running += buckets_[i].load(std::memory_order_relaxed);
        snap.cumulative.push_back(running);
    }
    snap.sum = sum_.load(std::memory_order_relaxed);
    snap.count = running;
    return snap;
}

std::vector<double> seconds_buckets() {
    return {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
            0.1,    0.25,    0.5,    1,     2.5,    5,     10,   30,    60};
}

// --- Family ---------------------------------------------------------------------------------

template <class Series>
Family<Series>::Family(std::string name, std::string help, Labels label_names,
                       std::vector<double> bounds, std::size_t max_series)
    : name_(std::move(name)),
      help_(std::move(help)),
      label_names_(std::move(label_names)),
      bounds_(std::move(bounds)),
      max_series_(max_series) {}

template <class Series>
std::unique_ptr<Series> Family<Series>::make() const {
    if constexpr (std::is_same_v<Series, Histogram>) {
        return std::make_unique<Histogram>(bounds_);
    } else {
        return std::make_unique<Series>();
    }
}

template <class Series>
Series& Family<Series>::with(const Labels& values) {
    if (values.size() != label_names_.size()) {
        misuse("metric '" + name_ + "': " + std::to_string(values.size()) + " label values for " +
               std::to_string(label_names_.size()) + " label names");
    }
    std::lock_guard lock(mutex_);
    if (auto it = series_.find(values); it != series_.end()) {
        return *it->second;
    }
    if (series_.size() >= max_series_) {
        if (!overflow_logged_) {
            overflow_logged_ = true;
            logger("metrics")->error(
                "metric={}: more than {} series; new ones are not exposed "
                "(a label with unbounded values?)",
                name_, max_series_);
        }
        if (!overflow_) {
            overflow_ = make();
        }
        return *overflow_;
    }
    return *series_.emplace(values, make()).first->second;
}

template <class Series>
std::vector<std::pair<Labels, const Series*>> Family<Series>::series() const {
    std::lock_guard lock(mutex_);
    std::vector<std::pair<Labels, const Series*>> out;
    out.reserve(series_.size());
    for (const auto& [labels, series] : series_) {
        out.emplace_back(labels, series.get());
    }
    return out;
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

// --- Registry -------------------------------------------------------------------------------

struct Registry::Entry {
    std::variant<std::unique_ptr<Family<Counter>>, std::unique_ptr<Family<Gauge>>,
                 std::unique_ptr<Family<Histogram>>>
        family;
};

Registry::Registry() = default;
Registry::~Registry() = default;

template <class Series>
Family<Series>& Registry::add(const std::string& name, const std::string& help, Labels label_names,
                              std::vector<double> bounds) {
    std::lock_guard lock(mutex_);
    for (auto& entry : entries_) {
        const bool same_name =
            std::visit([&](const auto& f) { return f->name() == name; }, entry->family);
        if (!same_name) {
            continue;
        }
        auto* family = std::get_if<std::unique_ptr<Family<Series>>>(&entry->family);
        if (family == nullptr || (*family)->label_names() != label_names) {
            misuse("metric '" + name + "' registered twice with different types or labels");
        }
        return **family;
    }
    auto family = std::unique_ptr<Family<Series>>(new Family<Series>(
        name, help, std::move(label_names), std::move(bounds), kDefaultMaxSeries));
    auto& ref = *family;
    entries_.push_back(std::make_unique<Entry>(Entry{std::move(family)}));
    return ref;
}

Family<Counter>& Registry::counter(const std::string& name, const std::string& help,
                                   Labels label_names) {
    check_family(name, label_names, true, false);
    return add<Counter>(name, help, std::move(label_names), {});
}

Family<Gauge>& Registry::gauge(const std::string& name, const std::string& help,
                               Labels label_names) {
    check_family(name, label_names, false, false);
    return add<Gauge>(name, help, std::move(label_names), {});
}

Family<Histogram>& Registry::histogram(const std::string& name, const std::string& help,
                                       Labels label_names, std::vector<double> bounds) {
    check_family(name, label_names, false, true);
    if (bounds.empty() ||
        std::adjacent_find(bounds.begin(), bounds.end(),
                           [](double a, double b) { return a >= b; }) != bounds.end() ||
        !std::all_of(bounds.begin(), bounds.end(), [](double b) { return std::isfinite(b); })) {
        misuse("metric '" + name + "': bucket bounds must be finite and strictly increasing");
    }
    return add<Histogram>(name, help, std::move(label_names), std::move(bounds));
}

void Registry::on_collect(std::function<void()> hook) {
    std::lock_guard lock(mutex_);
    hooks_.push_back(std::move(hook));
}

std::string Registry::expose() const {
    std::vector<std::function<void()>> hooks;
    {
        std::lock_guard lock(mutex_);
        hooks = hooks_;
    }
    // Outside the lock: a hook sets gauges, and may even register one.
    for (const auto& hook : hooks) {
        hook();
    }
    std::lock_guard lock(mutex_);
    std::string out;
    for (const auto& entry : entries_) {
        std::visit(
            [&out](const auto& family) {
                using Series = typename std::remove_cvref_t<decltype(*family)>::SeriesType;
                out += "# HELP " + family->name() + ' ' + escape_help(family->help()) + '\n';
                out += "# TYPE " + family->name() + ' ' + type_name<Series>() + '\n';
                for (const auto& [labels, series] : family->series()) {
                    expose_series(out, family->name(), family->label_names(), labels, *series);
                }
            },
            entry->family);
    }
    return out;
}

}  // namespace ww::metrics

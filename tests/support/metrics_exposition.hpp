#pragma once
// A strict parser of the Prometheus text exposition format (0.0.4), for tests: what promtool
// `check metrics` would reject, this rejects too, so a scrape can be validated without the
// 96 MB Debian prometheus package. Checks syntax (names, label escapes, values), HELP/TYPE
// placement, one contiguous group per family, duplicate series, counters non-negative, and
// histograms (cumulative buckets, +Inf present and equal to _count, _sum and _count present).

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace ww::testing {

struct Sample {
    std::string name;
    std::map<std::string, std::string> labels;
    double value = 0;
};

struct MetricFamily {
    std::string type;  // counter | gauge | histogram | summary | untyped
    std::string help;
    bool has_help = false;
    std::vector<Sample> samples;
};

struct Exposition {
    std::map<std::string, MetricFamily> families;
    std::vector<std::string> order;  // family names as they appeared

    // The value of one series; throws when absent.
    double value(const std::string& name,
                 const std::map<std::string, std::string>& labels = {}) const {
        for (const auto& [family_name, family] : families) {
            for (const auto& s : family.samples) {
                if (s.name == name && s.labels == labels) {
                    return s.value;
                }
            }
        }
        throw std::runtime_error("no series " + name);
    }
    bool has(const std::string& name, const std::map<std::string, std::string>& labels) const {
        try {
            value(name, labels);
            return true;
        } catch (const std::runtime_error&) {
            return false;
        }
    }
};

class ExpositionError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

namespace detail {

inline bool metric_name_ok(const std::string& n) {
    if (n.empty()) {
        return false;
    }
    for (std::size_t i = 0; i < n.size(); ++i) {
        const char c = n[i];
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
                        (i > 0 && c >= '0' && c <= '9');
        if (!ok) {
            return false;
        }
    }
    return true;
}

inline bool label_name_ok(const std::string& n) {
    return metric_name_ok(n) && n.find(':') == std::string::npos && n.rfind("__", 0) != 0;
}

// Go's strconv.ParseFloat as Prometheus uses it, minus hex and underscores.
inline std::optional<double> parse_value(const std::string& text) {
    if (text == "NaN") {
        return std::nan("");
    }
    if (text == "+Inf" || text == "Inf") {
        return HUGE_VAL;
    }
    if (text == "-Inf") {
        return -HUGE_VAL;
    }
    std::size_t i = 0;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
        ++i;
    }
    bool digits = false;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
        ++i;
        digits = true;
    }
    if (i < text.size() && text[i] == '.') {
        ++i;
        while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
            ++i;
            digits = true;
        }
    }
    if (!digits) {
        return std::nullopt;
    }
    if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
        ++i;
        if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
            ++i;
        }
        bool exp_digits = false;
        while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
            ++i;
            exp_digits = true;
        }
        if (!exp_digits) {
            return std::nullopt;
        }
    }
    if (i != text.size()) {
        return std::nullopt;
    }
    return std::strtod(text.c_str(), nullptr);
}

// The family a sample belongs to, given the families whose TYPE was declared.
inline std::string family_of(const std::string& sample,
                             const std::map<std::string, MetricFamily>& f) {
    if (f.count(sample)) {
        return sample;
    }
    for (const char* suffix : {"_bucket", "_sum", "_count"}) {
        const std::string s(suffix);
        if (sample.size() > s.size() &&
            sample.compare(sample.size() - s.size(), s.size(), s) == 0) {
            const std::string base = sample.substr(0, sample.size() - s.size());
            auto it = f.find(base);
            if (it != f.end() && (it->second.type == "histogram" || it->second.type == "summary")) {
                return base;
            }
        }
    }
    return sample;
}

}  // namespace detail

inline Exposition parse_exposition(const std::string& text) {
    Exposition out;
    if (!text.empty() && text.back() != '\n') {
        throw ExpositionError("the exposition must end with a newline");
    }
    std::set<std::string> finished;  // families whose group has ended
    std::string current;             // family of the group being read
    std::set<std::string> seen_series;
    std::size_t line_no = 0;
    std::size_t pos = 0;
    auto fail = [&](const std::string& why) {
        throw ExpositionError("line " + std::to_string(line_no) + ": " + why);
    };
    auto enter = [&](const std::string& family) {
        if (family == current) {
            return;
        }
        if (finished.count(family)) {
            fail("samples of '" + family + "' are not in one group");
        }
        if (!current.empty()) {
            finished.insert(current);
        }
        current = family;
        if (!out.families.count(family)) {
            out.order.push_back(family);
        }
    };
    while (pos < text.size()) {
        const std::size_t end = text.find('\n', pos);
        const std::string line = text.substr(pos, end - pos);
        pos = end + 1;
        ++line_no;
        if (line.empty()) {
            continue;
        }
        if (line[0] == '#') {
            // "# HELP name text" and "# TYPE name type"; any other comment is ignored.
            if (line.rfind("# HELP ", 0) == 0 || line.rfind("# TYPE ", 0) == 0) {
                const bool help = line[2] == 'H';
                const std::string rest = line.substr(7);
                const std::size_t space = rest.find(' ');
                const std::string name = rest.substr(0, space);
                const std::string arg = space == std::string::npos ? "" : rest.substr(space + 1);
                if (!detail::metric_name_ok(name)) {
                    fail("bad metric name '" + name + "'");
                }
                enter(name);
                auto& family = out.families[name];
                if (help) {
                    if (family.has_help) {
                        fail("second HELP for '" + name + "'");
                    }
                    for (std::size_t i = 0; i < arg.size(); ++i) {
                        if (arg[i] == '\\') {
                            if (i + 1 >= arg.size() || (arg[i + 1] != '\\' && arg[i + 1] != 'n')) {
                                fail("bad escape in HELP of '" + name + "'");
                            }
                            ++i;
                        }
                    }
                    family.help = arg;
                    family.has_help = true;
                } else {
                    if (!family.type.empty()) {
                        fail("second TYPE for '" + name + "'");
                    }
                    if (!family.samples.empty()) {
                        fail("TYPE of '" + name + "' after its samples");
                    }
                    static const std::set<std::string> kTypes = {"counter", "gauge", "histogram",
                                                                 "summary", "untyped"};
                    if (!kTypes.count(arg)) {
                        fail("unknown TYPE '" + arg + "'");
                    }
                    family.type = arg;
                }
            }
            continue;
        }
        // name{label="value",...} value [timestamp]
        Sample sample;
        std::size_t i = 0;
        while (i < line.size() && line[i] != '{' && line[i] != ' ') {
            ++i;
        }
        sample.name = line.substr(0, i);
        if (!detail::metric_name_ok(sample.name)) {
            fail("bad metric name '" + sample.name + "'");
        }
        if (i < line.size() && line[i] == '{') {
            ++i;
            while (true) {
                if (i < line.size() && line[i] == '}') {
                    ++i;
                    break;
                }
                const std::size_t eq = line.find('=', i);
                if (eq == std::string::npos) {
                    fail("unterminated label set");
                }
                const std::string label = line.substr(i, eq - i);
                if (!detail::label_name_ok(label)) {
                    fail("bad label name '" + label + "'");
                }
                i = eq + 1;
                if (i >= line.size() || line[i] != '"') {
                    fail("label value of '" + label + "' is not quoted");
                }
                ++i;
                std::string value;
                bool closed = false;
                while (i < line.size()) {
                    const char c = line[i++];
                    if (c == '"') {
                        closed = true;
                        break;
                    }
                    if (c == '\\') {
                        if (i >= line.size()) {
                            break;
                        }
                        const char e = line[i++];
                        if (e == '\\' || e == '"') {
                            value += e;
                        } else if (e == 'n') {
                            value += '\n';
                        } else {
                            fail(std::string("bad escape \\") + e + " in label '" + label + "'");
                        }
                    } else {
                        value += c;
                    }
                }
                if (!closed) {
                    fail("unterminated label value of '" + label + "'");
                }
                if (!sample.labels.emplace(label, value).second) {
                    fail("label '" + label + "' twice");
                }
                if (i < line.size() && line[i] == ',') {
                    ++i;
                } else if (i >= line.size() || line[i] != '}') {
                    fail("expected ',' or '}' after label '" + label + "'");
                }
            }
        }
        if (i >= line.size() || line[i] != ' ') {
            fail("expected a space before the value");
        }
        ++i;
        const std::size_t value_end = line.find(' ', i);
        const auto value = detail::parse_value(line.substr(i, value_end - i));
        if (!value) {
            fail("bad value '" + line.substr(i, value_end - i) + "'");
        }
        sample.value = *value;
        if (value_end != std::string::npos) {
            const std::string ts = line.substr(value_end + 1);
            if (ts.empty() || ts.find_first_not_of("-0123456789") != std::string::npos) {
                fail("bad timestamp '" + ts + "'");
            }
        }
        const std::string family_name = detail::family_of(sample.name, out.families);
        enter(family_name);
        auto& family = out.families[family_name];
        std::string key = sample.name;
        for (const auto& [k, v] : sample.labels) {
            key += '\x1f' + k + '\x1e' + v;
        }
        if (!seen_series.insert(key).second) {
            fail("duplicate series " + sample.name);
        }
        const std::string& type = family.type;
        if (type == "counter" && (std::isnan(sample.value) || sample.value < 0)) {
            fail("counter " + sample.name + " is negative or NaN");
        }
        if (type == "histogram") {
            const bool bucket = sample.name == family_name + "_bucket";
            if (bucket != (sample.labels.count("le") == 1)) {
                fail("histogram " + family_name + ": 'le' belongs on _bucket samples only");
            }
            if (sample.name == family_name) {
                fail("histogram " + family_name + ": a sample without _bucket/_sum/_count");
            }
        }
        family.samples.push_back(std::move(sample));
    }
    // Histograms: per label set, cumulative buckets ending in +Inf == _count, with _sum.
    for (const auto& [name, family] : out.families) {
        if (family.type != "histogram") {
            continue;
        }
        struct Series {
            std::vector<std::pair<double, double>> buckets;
            std::optional<double> sum;
            std::optional<double> count;
        };
        std::map<std::map<std::string, std::string>, Series> by_labels;
        for (const auto& s : family.samples) {
            auto labels = s.labels;
            labels.erase("le");
            auto& series = by_labels[labels];
            if (s.name == name + "_bucket") {
                const auto le = detail::parse_value(s.labels.at("le"));
                if (!le) {
                    throw ExpositionError(name + ": bad le '" + s.labels.at("le") + "'");
                }
                series.buckets.emplace_back(*le, s.value);
            } else if (s.name == name + "_sum") {
                series.sum = s.value;
            } else if (s.name == name + "_count") {
                series.count = s.value;
            }
        }
        for (const auto& [labels, series] : by_labels) {
            if (series.buckets.empty() || !series.sum || !series.count) {
                throw ExpositionError(name + ": a series lacks buckets, _sum or _count");
            }
            for (std::size_t i = 1; i < series.buckets.size(); ++i) {
                if (!(series.buckets[i].first > series.buckets[i - 1].first)) {
                    throw ExpositionError(name + ": bucket bounds not increasing");
                }
                if (series.buckets[i].second < series.buckets[i - 1].second) {
                    throw ExpositionError(name + ": bucket counts not cumulative");
                }
            }
            if (!std::isinf(series.buckets.back().first)) {
                throw ExpositionError(name + ": no le=\"+Inf\" bucket");
            }
            if (series.buckets.back().second != *series.count) {
                throw ExpositionError(name + ": +Inf bucket differs from _count");
            }
        }
    }
    for (const auto& [name, family] : out.families) {
        if (family.samples.empty() && family.type.empty()) {
            throw ExpositionError("'" + name + "': HELP without TYPE or samples");
        }
    }
    return out;
}

}  // namespace ww::testing

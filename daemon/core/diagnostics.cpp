#include "wirewatch/diagnostics.hpp"

#include <algorithm>
#include <cctype>

namespace ww {

namespace {

const char* level_name(Level level) {
    switch (level) {
        case Level::Error:
            return "error";
        case Level::Warning:
            return "warning";
        case Level::Note:
            return "note";
    }
    return "error";
}

std::string lowercase(const std::string& s) {
    std::string out = s;
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

// Optimal string alignment distance: insertions, deletions, substitutions and swaps of two
// neighbouring letters each cost one, so "tgas" is one edit from "tags".
std::size_t edit_distance(const std::string& a, const std::string& b) {
    std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
    for (std::size_t i = 0; i <= a.size(); ++i) {
        d[i][0] = i;
    }
    for (std::size_t j = 0; j <= b.size(); ++j) {
        d[0][j] = j;
    }
    for (std::size_t i = 1; i <= a.size(); ++i) {
        for (std::size_t j = 1; j <= b.size(); ++j) {
            std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
            }
        }
    }
    return d[a.size()][b.size()];
}

}  // namespace

std::string Diagnostic::str() const {
    std::string out = where.file.empty() ? std::string("wirewatchd") : where.file;
    if (where.line > 0) {
        out += ':' + std::to_string(where.line);
        if (where.column > 0) {
            out += ':' + std::to_string(where.column);
        }
    }
    out += ": ";
    out += level_name(level);
    out += ": ";
    out += message;
    return out;
}

void Diagnostics::add(Diagnostic d) {
    if (d.level == Level::Error) {
        ++errors_;
    } else if (d.level == Level::Warning) {
        ++warnings_;
    }
    items_.push_back(std::move(d));
}

void Diagnostics::error(Location where, std::string message) {
    add({Level::Error, std::move(where), std::move(message)});
}

void Diagnostics::warning(Location where, std::string message) {
    add({Level::Warning, std::move(where), std::move(message)});
}

void Diagnostics::note(Location where, std::string message) {
    add({Level::Note, std::move(where), std::move(message)});
}

void Diagnostics::append(const Diagnostics& other) {
    for (const auto& d : other.items_) {
        add(d);
    }
}

std::string Diagnostics::str() const {
    std::string out;
    for (const auto& d : items_) {
        out += d.str();
        out += '\n';
    }
    return out;
}

std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates) {
    const std::string lower = lowercase(word);
    std::string best;
    std::size_t best_distance = std::string::npos;
    for (const auto& candidate : candidates) {
        std::size_t d = edit_distance(lower, lowercase(candidate));
        if (d < best_distance) {
            best_distance = d;
            best = candidate;
        }
    }
    // Allow roughly one typo per three characters, at least one, so "webhok" finds "webhook"
    // but "id" does not suggest "to".
    std::size_t limit = std::max<std::size_t>(1, word.size() / 3);
    return best_distance <= limit ? best : std::string();
}

}  // namespace ww

#pragma once
// Compiler-style diagnostics shared by config loading, rule loading and `wirewatchd check`.
// A Diagnostics collects every problem instead of stopping at the first one.

#include <string>
#include <vector>

namespace ww {

// A position in a file; line and column are 1-based, 0 means "unknown".
struct Location {
    std::string file;
    int line = 0;
    int column = 0;
};

enum class Level { Error, Warning, Note };

struct Diagnostic {
    Level level = Level::Error;
    Location where;
    std::string message;

    // "file:line:col: error: message" (line/col omitted when unknown).
    std::string str() const;
};

class Diagnostics {
public:
    void error(Location where, std::string message);
    void warning(Location where, std::string message);
    void note(Location where, std::string message);
    void add(Diagnostic d);
    void append(const Diagnostics& other);

    bool has_errors() const { return errors_ > 0; }
    int error_count() const { return errors_; }
    int warning_count() const { return warnings_; }
    const std::vector<Diagnostic>& all() const { return items_; }
    bool empty() const { return items_.empty(); }

    // Every diagnostic, one per line, in the order they were added.
    std::string str() const;

private:
    std::vector<Diagnostic> items_;
    int errors_ = 0;
    int warnings_ = 0;
};

// Closest candidate by edit distance, or "" when none is close enough to be a useful hint
// ("did you mean 'webhook'?").
std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace ww

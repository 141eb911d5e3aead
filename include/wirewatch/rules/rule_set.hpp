#pragma once
// Watch rules: loading rule files, compiling every rule into one immutable RuleSet, matching.
//
// A RuleSet is immutable after compile() and safe to share between threads (hold it through
// shared_ptr<const RuleSet>; a reload swaps the pointer). Each matching thread needs its own
// Scratch made by that rule set.

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "wirewatch/diagnostics.hpp"
#include "wirewatch/document.hpp"

namespace ww::rules {

enum class Severity { Info, Low, Medium, High, Critical };
const char* severity_name(Severity s);
// Parses "info".."critical"; false for anything else.
bool parse_severity(const std::string& name, Severity& out);

// One rule as written in a rule file (before compilation).
struct RuleDef;  // defined in rule_def.hpp (for `check`, `explain` and tests)

// Evidence of one rule hitting one document.
struct Span {
    Field field = Field::Body;
    std::size_t begin = 0;  // byte offsets into the original field text, half-open
    std::size_t end = 0;
};

struct Hit {
    std::string rule_id;
    Severity severity = Severity::Medium;
    std::vector<std::string> tags;
    std::vector<std::string> terms;  // the rule's terms that were found, as written in the rule
    std::vector<Span> spans;         // where, in document order
    // About 200 characters of original text around the first span, cut at word boundaries,
    // with "…" where cut; `marks` are byte ranges inside `snippet` to highlight.
    std::string snippet;
    std::vector<std::pair<std::size_t, std::size_t>> marks;
};

class Scratch;  // per-thread matching state; create with RuleSet::make_scratch()

}  // namespace ww::rules

// Scratch stays opaque outside daemon/rules, so destroying it must happen in a translation
// unit that sees its definition (daemon/rules/scratch_delete.cpp).
template <>
struct std::default_delete<ww::rules::Scratch> {
    void operator()(ww::rules::Scratch* scratch) const;
};

namespace ww::rules {

struct RuleInfo {
    std::string id;
    Severity severity = Severity::Medium;
    std::vector<std::string> tags;
    Location where;
};

// How a rule set came to be: for logs, metrics, `--stats` and tests.
struct CompileStats {
    bool from_cache = false;           // databases were loaded from options.cache_dir
    std::filesystem::path cache_file;  // the cache file used or written; empty without a cache
    double seconds = 0;                // wall time of compile() (build or load)
    std::size_t literal_patterns = 0;  // Hyperscan literal ids (one per literal term), all dbs
    std::size_t regex_patterns = 0;
    std::size_t database_bytes = 0;  // sum of hs_database_size() over all databases
};

class RuleSet {
public:
    virtual ~RuleSet() = default;
    virtual std::size_t size() const = 0;
    virtual const std::vector<RuleInfo>& rules() const = 0;
    virtual const CompileStats& stats() const = 0;
    // Thread-safe. The scratch must not outlive this rule set.
    virtual std::unique_ptr<Scratch> make_scratch() const = 0;
    // Every rule that hits `doc`, in rule order. `scratch` must come from this rule set and
    // not be used by another thread at the same time.
    virtual std::vector<Hit> match(const Document& doc, Scratch& scratch) const = 0;
};

struct CompileOptions {
    // Where compiled databases are cached (the state dir); empty = no cache.
    std::filesystem::path cache_dir;
};

// Reads rule files; every problem (syntax, unknown keys, duplicate ids across files, bad
// queries) goes to `diags` with file:line:col. Returns the rules that were valid.
std::vector<std::shared_ptr<const RuleDef>> load_rule_files(
    const std::vector<std::filesystem::path>& files, Diagnostics& diags);

// Compiles all rules into one rule set. On any error returns nullptr with every error in
// `diags` (bad regex with Hyperscan's message, located at the rule).
std::shared_ptr<const RuleSet> compile(const std::vector<std::shared_ptr<const RuleDef>>& rules,
                                       const CompileOptions& options, Diagnostics& diags);

}  // namespace ww::rules

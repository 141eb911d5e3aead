#pragma once
// A watch rule as written in a rule file, after loading and validation but before compilation.
// Exposed for `wirewatchd check`, `explain` and tests; values are plain data, safe to share.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wirewatch/diagnostics.hpp"
#include "wirewatch/document.hpp"
#include "wirewatch/rules/query.hpp"
#include "wirewatch/rules/rule_set.hpp"

namespace ww::rules {

struct TermDef {
    std::string text;  // as written, e.g. "cease-fire" or "strike*"
    Location where;
};

struct RegexDef {
    std::string pattern;  // Hyperscan dialect, matched on the normalized text
    Location where;
};

// A rule hits a document when (any keyword OR the query OR any regex) is found in the rule's
// fields, no exclude term is found there, and the document's language (when known) is listed
// in `languages` (when given). A query only hits when at least one of its non-negated terms
// was found: `NOT x` alone never hits.
struct RuleDef {
    std::string id;
    Location where;     // the [[rule]] header
    Location id_where;  // the id's value
    std::string description;
    std::vector<TermDef> keywords;
    std::string query;     // as written; empty when the rule has none
    Location query_where;  // the first character inside the query string's quotes
    std::optional<QueryNode> parsed_query;
    std::vector<RegexDef> regex;
    std::vector<TermDef> exclude;
    std::vector<std::string> tags;
    Severity severity = Severity::Medium;
    unsigned fields = kAllTextFields;    // ww::Field bits
    std::vector<std::string> languages;  // lower case BCP 47 tags; "en" also accepts "en-GB"
    bool case_sensitive = false;
};

// Parses rules from TOML text that came from `path` (used only in diagnostics). Checks one
// file: schema, queries, warnings; not duplicate ids across files (load_rule_files does that).
std::vector<std::shared_ptr<const RuleDef>> load_rule_text(std::string_view toml_text,
                                                           const std::string& path,
                                                           Diagnostics& diags);

// The rule with `id`, or nullptr.
std::shared_ptr<const RuleDef> find_rule(const std::vector<std::shared_ptr<const RuleDef>>& rules,
                                         std::string_view id);

}  // namespace ww::rules

#pragma once
// Shared helpers for the rule engine tests: rules from inline TOML, documents from a compact
// "title: ... || body text" notation.

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "wirewatch/rules/rule_def.hpp"
#include "wirewatch/rules/rule_set.hpp"

namespace ww::rules::testing {

// Loads TOML rule text and compiles it; fails the test on any error.
inline std::shared_ptr<const RuleSet> compile_text(const std::string& toml,
                                                   const CompileOptions& options = {}) {
    Diagnostics diags;
    auto defs = load_rule_text(toml, "inline.toml", diags);
    auto set = compile(defs, options, diags);
    EXPECT_FALSE(diags.has_errors()) << diags.str() << "in:\n" << toml;
    return set;
}

// "title: T || summary: S || url: U || lang: en || body text" -> Document; a segment without
// a known prefix is the body.
inline Document make_doc(const std::string& spec) {
    Document doc;
    std::size_t start = 0;
    while (start <= spec.size()) {
        std::size_t sep = spec.find(" || ", start);
        std::string part =
            spec.substr(start, sep == std::string::npos ? std::string::npos : sep - start);
        auto take = [&](const std::string& prefix, std::string& into) {
            if (part.rfind(prefix, 0) == 0) {
                into = part.substr(prefix.size());
                return true;
            }
            return false;
        };
        if (!take("title: ", doc.title) && !take("summary: ", doc.summary) &&
            !take("url: ", doc.url) && !take("lang: ", doc.language)) {
            doc.body = part;
        }
        if (sep == std::string::npos) {
            break;
        }
        start = sep + 4;
    }
    return doc;
}

inline std::vector<Hit> match_text(const RuleSet& set, const std::string& spec) {
    auto scratch = set.make_scratch();
    return set.match(make_doc(spec), *scratch);
}

}  // namespace ww::rules::testing

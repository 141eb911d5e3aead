#pragma once
// `wirewatchd explain`: why one rule did or did not hit one document.

#include <string>

#include "wirewatch/document.hpp"
#include "wirewatch/rules/rule_def.hpp"

namespace ww::rules {

// A human-readable, multi-line account: the verdict, then every keyword, query clause (with
// its truth value), regex and exclude term, with where each term was found in the original
// text (field, byte range, the text) or "not found". Compiles `rule` on its own (no cache), so
// it costs a compile; meant for people, not the hot path. Thread-safe.
std::string explain(const RuleDef& rule, const Document& doc);

}  // namespace ww::rules

#pragma once
// The boolean query language of watch rules: syntax tree and parser.
//
//   query   := or
//   or      := and ( "OR" and )*
//   and     := near ( ["AND"] near )*           adjacent terms are ANDed
//   near    := unary ( ("NEAR/n" | "ONEAR/n") unary )*
//   unary   := ("NOT" | "-") unary | primary
//   primary := [scope ":"] ( WORD ["*"] | '"' PHRASE '"' ["*"] | "(" or ")" )
//   scope   := "title" | "summary" | "body" | "url"
//
// Precedence, tightest first: NOT / -term, NEAR/ONEAR, AND (explicit or implicit), OR; binary
// operators associate to the left. So `a OR b c NEAR/3 d` is `a OR (b AND (c NEAR/3 d))`.
// Operators are upper case only; `and`, `near` are plain words. `-` negates only at the start of
// a term (`-video`), so `cease-fire` stays one term. A trailing `*` is a prefix wildcard and is
// the only wildcard. NEAR/n (either order) and ONEAR/n (left operand first) allow at most n
// words between their operands; operands must be terms, phrases, OR groups or NEAR/ONEAR
// expressions of them (no AND/NOT inside a proximity operator).

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ww::rules {

struct QueryNode {
    enum class Kind { Term, And, Or, Not, Near };

    Kind kind = Kind::Term;
    // Term: the text as written, without quotes and without the trailing '*'.
    std::string text;
    bool phrase = false;  // written in double quotes
    bool prefix = false;  // trailing '*': any word starting with `text`
    unsigned fields = 0;  // scope as ww::Field bits; 0 = the rule's fields
    // Near: at most `distance` words between the operands; `ordered` for ONEAR.
    int distance = 0;
    bool ordered = false;
    std::vector<QueryNode> children;  // And/Or/Near: two or more; Not: one
    // Where this node starts and ends in the query string (bytes), for diagnostics and explain.
    std::size_t offset = 0;
    std::size_t length = 0;
};

struct QuerySyntaxError {
    std::size_t offset = 0;  // byte offset in the query string of the offending token
    std::string message;
};

// Parses `query`; on a syntax error returns nullopt and fills `error`.
std::optional<QueryNode> parse_query(std::string_view query, QuerySyntaxError& error);

// Fully parenthesized form, e.g. `(a OR (b AND (c NEAR/3 d)))`; shows how precedence applied.
std::string to_string(const QueryNode& node);

// The term nodes of `node` in query order.
void collect_terms(const QueryNode& node, std::vector<const QueryNode*>& out);

}  // namespace ww::rules

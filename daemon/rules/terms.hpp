#pragma once
// How a term as written in a rule ("Cease-fire", "strike*") becomes what is matched: shared by
// the loader (checks and warnings) and the compiler (Hyperscan literals).

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace ww::rules::detail {

struct TermText {
    std::string normalized;  // folded like document text (see text/normalize.hpp)
    bool prefix = false;     // trailing '*' in the rule
};

// Strips a trailing '*' and normalizes. The caller has rejected '*' anywhere else.
TermText normalize_term(std::string_view written, bool case_sensitive);

// The literal variants of a normalized term: every run of ' ' or '-' between two other
// characters may appear in text as a dash, a space or nothing ("cease-fire" -> "cease-fire",
// "cease fire", "ceasefire"). Up to kMaxFreeSeparators separators every combination is
// generated (3^n); beyond that only all-space, all-dash and joined, to bound the database.
inline constexpr std::size_t kMaxFreeSeparators = 3;
std::vector<std::string> separator_variants(std::string_view normalized);

// An exclude term may start with a field scope as in queries ("title:video game"): returns
// its ww::Field bit and removes the prefix from `term`; 0 (term unchanged) without one.
unsigned take_field_scope(std::string_view& term);

// Letters and digits (code points) in a normalized term, for the too-short warning.
std::size_t count_word_chars(std::string_view normalized);

// A word so common that a rule triggered by it alone matches almost every article.
bool is_stop_word(std::string_view normalized);

// Fast whole-word tests on normalized text: ASCII decided inline, the rest by ww::text.
bool word_char_before(std::string_view text, std::size_t pos);
bool word_char_at(std::string_view text, std::size_t pos);

}  // namespace ww::rules::detail

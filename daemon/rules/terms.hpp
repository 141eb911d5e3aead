#pragma once
// How a term as written in a rule ("Cease-fire", "strike*") becomes what is matched: shared by
// the loader (checks and warnings) and the compiler (Hyperscan literals).

#include <cstddef>
#include <cstdint>
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

// What Hyperscan looks for, for a normalized term. Literals are matched against the "scan
// text": the normalized text without its ' ' and '-' bytes. Every run of ' ' or '-' between two
// other characters of a term is a gap, which may appear in text as one dash, one space or
// nothing ("cease-fire" matches "cease-fire", "cease fire", "ceasefire"), so one literal
// ("ceasefire") stands for every spelling; the match callback checks that the separators the
// scan text left out sit only at the term's gaps. Up to kMaxFreeSeparators gaps each one is
// free; beyond that only all-space, all-dash or joined, to keep one rule from matching
// arbitrary word salad. Separators before the first or after the last other character
// ("-fire") are not gaps: `head`/`foot` count them and the text must have them as written.
inline constexpr std::size_t kMaxFreeSeparators = 3;
struct SeparatorShape {
    std::string literal;              // the term without separators
    std::vector<std::uint32_t> gaps;  // offsets in `literal` where a gap is, ascending
    std::size_t head = 0;             // leading separator bytes of the term
    std::size_t foot = 0;             // trailing separator bytes
};
SeparatorShape separator_shape(std::string_view normalized);

// An exclude term may start with a field scope as in queries ("title:video game"): returns
// its ww::Field bit and removes the prefix from `term`; 0 (term unchanged) without one.
unsigned take_field_scope(std::string_view& term);

// Letters and digits (code points) in a normalized term, for the too-short warning.
std::size_t count_word_chars(std::string_view normalized);

// Characters of scripts written without spaces between words (Chinese, Japanese, Thai, Lao,
// Khmer, Burmese) at `pos` / ending just before `pos`. Their text has no word boundaries to
// check, so each such character is a word of its own: word_char_at/before say no to it,
// "北京" matches inside "在北京表示", and "Beijing" in "在Beijing举行" is a whole word.
bool unspaced_at(std::string_view text, std::size_t pos);
bool unspaced_before(std::string_view text, std::size_t pos);
std::size_t count_unspaced_chars(std::string_view normalized);

// A word so common that a rule triggered by it alone matches almost every article.
bool is_stop_word(std::string_view normalized);

// Fast whole-word tests on normalized text: ASCII decided inline, the rest by ww::text;
// false for characters of unspaced scripts (see unspaced_at).
bool word_char_before(std::string_view text, std::size_t pos);
bool word_char_at(std::string_view text, std::size_t pos);

}  // namespace ww::rules::detail

#include "rules/terms.hpp"

#include <algorithm>
#include <array>

#include "text/utf8.hpp"
#include "wirewatch/text/normalize.hpp"

namespace ww::rules::detail {

namespace {

bool is_separator(char c) { return c == ' ' || c == '-'; }

bool ascii_word_char(unsigned char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Scripts written without spaces between words: Thai, Lao, Burmese, Khmer, Japanese kana and
// Han ideographs (Chinese, Japanese kanji). Korean is written with spaces and is not here.
bool unspaced_code_point(char32_t cp) {
    return (cp >= 0x0E00 && cp <= 0x0EFF) ||  // Thai, Lao
           (cp >= 0x1000 && cp <= 0x109F) ||  // Myanmar
           (cp >= 0x1780 && cp <= 0x17FF) ||  // Khmer
           cp == 0x3005 ||                    // ideographic iteration mark
           (cp >= 0x3040 && cp <= 0x30FF) ||  // Hiragana, Katakana
           (cp >= 0x31F0 && cp <= 0x31FF) ||  // Katakana phonetic extensions
           (cp >= 0x3400 && cp <= 0x4DBF) ||  // CJK extension A
           (cp >= 0x4E00 && cp <= 0x9FFF) ||  // CJK unified ideographs
           (cp >= 0xF900 && cp <= 0xFAFF) ||  // CJK compatibility ideographs
           (cp >= 0xFF66 && cp <= 0xFF9F) ||  // halfwidth katakana
           (cp >= 0x20000 && cp <= 0x3134F);  // CJK extensions B-G
}

// Folded like normalize_term() output and sorted for binary_search: English function words
// plus those of the other languages analysts most often watch, and "news" itself.
constexpr auto kStopWords = std::to_array<std::string_view>({
    "a",    "about", "after", "all", "an",  "and",  "are",  "as",   "at",   "be",  "but",   "by",
    "das",  "de",    "der",   "des", "die", "du",   "el",   "en",   "et",   "for", "from",  "has",
    "have", "he",    "her",   "his", "i",   "in",   "is",   "it",   "its",  "la",  "le",    "les",
    "news", "not",   "of",    "on",  "or",  "said", "says", "she",  "that", "the", "their", "they",
    "this", "to",    "un",    "und", "une", "was",  "we",   "were", "with", "you",
});
static_assert(std::is_sorted(kStopWords.begin(), kStopWords.end()));

}  // namespace

TermText normalize_term(std::string_view written, bool case_sensitive) {
    TermText out;
    if (!written.empty() && written.back() == '*') {
        out.prefix = true;
        written.remove_suffix(1);
    }
    text::NormalizeOptions options;
    options.fold_case = !case_sensitive;
    out.normalized = text::normalize_string(written, options);
    return out;
}

SeparatorShape separator_shape(std::string_view normalized) {
    SeparatorShape shape;
    std::size_t lead = 0;
    while (lead < normalized.size() && is_separator(normalized[lead])) {
        ++lead;
    }
    std::size_t tail = normalized.size();
    while (tail > lead && is_separator(normalized[tail - 1])) {
        --tail;
    }
    if (lead == tail) {
        // Nothing but separators (the loader rejects such terms): no gaps, no edges.
        for (char c : normalized) {
            if (!is_separator(c)) {
                shape.literal += c;
            }
        }
        return shape;
    }
    shape.head = lead;
    shape.foot = normalized.size() - tail;
    shape.literal.reserve(tail - lead);
    bool in_gap = false;
    for (std::size_t i = lead; i < tail; ++i) {
        if (is_separator(normalized[i])) {
            if (!in_gap) {
                shape.gaps.push_back(static_cast<std::uint32_t>(shape.literal.size()));
            }
            in_gap = true;
            continue;
        }
        in_gap = false;
        shape.literal += normalized[i];
    }
    return shape;
}

unsigned take_field_scope(std::string_view& term) {
    static constexpr std::pair<std::string_view, unsigned> kScopes[] = {
        {"title:", 1}, {"summary:", 2}, {"body:", 4}, {"url:", 8}};  // ww::Field bits
    for (const auto& [prefix, bit] : kScopes) {
        if (term.starts_with(prefix) && term.size() > prefix.size()) {
            term.remove_prefix(prefix.size());
            return bit;
        }
    }
    return 0;
}

std::size_t count_word_chars(std::string_view normalized) {
    std::size_t n = 0;
    for (std::size_t i = 0; i < normalized.size(); ++i) {
        // Count code points, not bytes: skip UTF-8 continuation bytes. Letters of unspaced
        // scripts count although word_char_at() says no to them.
        if ((static_cast<unsigned char>(normalized[i]) & 0xC0) == 0x80) {
            continue;
        }
        if (text::word_char_at(normalized, i)) {
            ++n;
        }
    }
    return n;
}

std::size_t count_unspaced_chars(std::string_view normalized) {
    std::size_t n = 0;
    for (std::size_t i = 0; i < normalized.size(); ++i) {
        n += unspaced_at(normalized, i) ? 1 : 0;
    }
    return n;
}

bool unspaced_at(std::string_view text, std::size_t pos) {
    if (pos >= text.size() || static_cast<unsigned char>(text[pos]) < 0xE0) {
        return false;  // ASCII, a continuation byte, or a two-byte character (below U+0800)
    }
    char32_t cp = 0;
    const auto* p = reinterpret_cast<const unsigned char*>(text.data()) + pos;
    return text::detail::decode(p, text.size() - pos, cp) != 0 && unspaced_code_point(cp);
}

bool unspaced_before(std::string_view text, std::size_t pos) {
    if (pos < 3 || pos > text.size() || static_cast<unsigned char>(text[pos - 1]) < 0x80) {
        return false;
    }
    return unspaced_at(text, text::detail::previous_start(text, pos));
}

bool is_stop_word(std::string_view normalized) {
    return std::binary_search(kStopWords.begin(), kStopWords.end(), normalized);
}

bool word_char_before(std::string_view text, std::size_t pos) {
    if (pos == 0) {
        return false;
    }
    const auto c = static_cast<unsigned char>(text[pos - 1]);
    if (c < 0x80) {
        return ascii_word_char(c);
    }
    return text::word_char_before(text, pos) && !unspaced_before(text, pos);
}

bool word_char_at(std::string_view text, std::size_t pos) {
    if (pos >= text.size()) {
        return false;
    }
    const auto c = static_cast<unsigned char>(text[pos]);
    if (c < 0x80) {
        return ascii_word_char(c);
    }
    return text::word_char_at(text, pos) && !unspaced_at(text, pos);
}

}  // namespace ww::rules::detail

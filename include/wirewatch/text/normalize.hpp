#pragma once
// Text folding for matching, with a map back to the original bytes for evidence.
// All functions are pure and thread-safe.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ww::text {

struct NormalizeOptions {
    bool fold_case = true;        // Unicode case folding (false for case-sensitive rules)
    bool fold_diacritics = true;  // "São" -> "Sao", "Alèp" -> "Alep"
};

// std::allocator, except that resize() leaves new elements uninitialized instead of zeroing
// them: normalize_into writes every offset of its map, and a reused map would otherwise be
// zero-filled again for each field (a memset of four bytes per input byte).
template <class T>
struct UninitializedAllocator : std::allocator<T> {
    using value_type = T;
    template <class U>
    struct rebind {
        using other = UninitializedAllocator<U>;
    };
    UninitializedAllocator() = default;
    template <class U>
    UninitializedAllocator(const UninitializedAllocator<U>&) noexcept {}
    template <class U>
    void construct(U* p) noexcept {
        ::new (static_cast<void*>(p)) U;
    }
    template <class U, class... Args>
    void construct(U* p, Args&&... args) {
        ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
    }
};

using OffsetMap = std::vector<std::uint32_t, UninitializedAllocator<std::uint32_t>>;

// Normalized text plus, for every byte of it, the byte offset in the original text of the
// character that produced it. `to_original` has text.size() + 1 entries; the last one is the
// original's size, so a half-open normalized span [b, e) maps to [to_original[b],
// to_original[e]) in the original.
struct NormalizedText {
    std::string text;
    OffsetMap to_original;

    std::size_t original_begin(std::size_t b) const { return to_original[b]; }
    std::size_t original_end(std::size_t e) const { return to_original[e]; }
};

// Input must be valid UTF-8 (see sanitize_utf8). Folding applied, in this order:
//  - NFKC (compatibility forms: ligatures, full-width letters, "…" -> "...")
//  - optional case folding and diacritic stripping
//  - every Unicode dash (category Pd, U+2010..U+2015, U+2212 minus) -> '-'
//  - curly and other typographic quotes/apostrophes -> '\'' or '"'
//  - every run of whitespace (Unicode Z*, tab, CR, LF, NBSP, ZWSP...) -> one ' '
//  - leading and trailing whitespace dropped; control characters dropped
NormalizedText normalize(std::string_view utf8, const NormalizeOptions& options = {});

// Same result as normalize(), written into `out`, whose previous contents are replaced: a
// matching thread that keeps one NormalizedText per field reuses its buffers instead of
// allocating (and page-faulting) two fresh ones per document.
void normalize_into(std::string_view utf8, NormalizedText& out,
                    const NormalizeOptions& options = {});

namespace detail {
// normalize_into on the byte-at-a-time path alone, without the SIMD block copy of plain ASCII:
// the reference that tests and the fuzz target compare normalize_into against.
void normalize_into_scalar(std::string_view utf8, NormalizedText& out,
                           const NormalizeOptions& options = {});
// normalize_into with its SSE2 block copy even where the CPU has AVX2 (which normalize_into
// then uses): so that tests cover both on either kind of machine.
void normalize_into_sse2(std::string_view utf8, NormalizedText& out,
                         const NormalizeOptions& options = {});
}  // namespace detail

// End in `original` (the text given to normalize) of a match that ends at normalized byte `e`;
// prefer it to original_end(e) for evidence spans. It differs in two edge cases: a match that
// ends inside the expansion of one character ("f" of "ﬁ", "wait." of "wait…") gets the whole
// character, where to_original[e] would cut it off; and whitespace or invisible characters
// (controls, soft hyphen, ZWJ) before to_original[e] are left out, which matters at
// e == text.size(): to_original.back() is the original's size even when normalize dropped
// trailing whitespace.
std::size_t original_match_end(const NormalizedText& normalized, std::string_view original,
                               std::size_t e);

// Same folding, without the offset map: for rule keywords and queries.
std::string normalize_string(std::string_view utf8, const NormalizeOptions& options = {});

// True when the code point ending just before `pos` (resp. starting at `pos`) in valid UTF-8
// `text` is a letter, a digit or a combining mark; false at either end of the text. Used for
// whole-word checks after a literal match.
bool word_char_before(std::string_view text, std::size_t pos);
bool word_char_at(std::string_view text, std::size_t pos);

// Valid UTF-8 out of arbitrary bytes: invalid sequences become U+FFFD; NUL and C0/C1 control
// characters other than tab, LF and CR are dropped.
std::string sanitize_utf8(std::string_view bytes);

// Converts bytes in `charset` (any name iconv knows; "" or unknown means "guess": UTF-8 if it
// validates, else Windows-1252) to sanitized UTF-8. ISO-8859-1/latin1/US-ASCII labels are read
// as Windows-1252, as browsers do. A UTF-8/UTF-16 BOM overrides the label.
std::string to_utf8(std::string_view bytes, std::string_view charset);

}  // namespace ww::text

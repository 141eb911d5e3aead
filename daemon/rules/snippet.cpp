#include "rules/snippet.hpp"

#include <algorithm>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "rules/terms.hpp"

namespace ww::rules::detail {

namespace {

constexpr std::string_view kEllipsis = "\xE2\x80\xA6";  // U+2026

bool continuation(std::string_view s, std::size_t i) {
    return i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80;
}

std::size_t next_char(std::string_view s, std::size_t i) {
    if (i >= s.size()) {
        return s.size();
    }
    ++i;
    while (continuation(s, i)) {
        ++i;
    }
    return i;
}

std::size_t prev_char(std::string_view s, std::size_t i) {
    if (i == 0) {
        return 0;
    }
    --i;
    while (i > 0 && continuation(s, i)) {
        --i;
    }
    return i;
}

std::size_t count_chars(std::string_view s, std::size_t from, std::size_t to) {
    const char* p = s.data();
    std::size_t n = 0;
    std::size_t i = from;
#if defined(__SSE2__)
    // Sixteen bytes at a time: continuation bytes 0x80..0xBF are the signed bytes below -64.
    // They are summed with psadbw: without -mpopcnt, __builtin_popcount is a libgcc call.
    __m128i continuations = _mm_setzero_si128();
    const std::size_t first = i;
    for (; i + 16 <= to; i += 16) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
        const __m128i cont = _mm_and_si128(_mm_cmplt_epi8(v, _mm_set1_epi8(static_cast<char>(-64))),
                                           _mm_set1_epi8(1));
        continuations = _mm_add_epi64(continuations, _mm_sad_epu8(cont, _mm_setzero_si128()));
    }
    const auto sums = static_cast<std::size_t>(_mm_cvtsi128_si64(continuations)) +
                      static_cast<std::size_t>(
                          _mm_cvtsi128_si64(_mm_unpackhi_epi64(continuations, continuations)));
    n = (i - first) - sums;
#endif
    for (; i < to; ++i) {
        n += (static_cast<unsigned char>(p[i]) & 0xC0) != 0x80;
    }
    return n;
}

// Moves `pos` (a character boundary) back over up to `k` characters and returns how many it
// passed. Whole stretches at a time: a stretch of `step` bytes holds `step` characters minus
// its continuation bytes, so ASCII text takes one vectorizable count per call.
std::size_t chars_back(std::string_view s, std::size_t& pos, std::size_t k) {
    std::size_t moved = 0;
    while (moved < k && pos > 0) {
        const std::size_t from = pos - std::min(k - moved, pos);
        moved += count_chars(s, from, pos);
        pos = from;
    }
    while (continuation(s, pos)) {
        ++pos;  // landed inside a character that was not counted
    }
    return moved;
}

// Moves `pos` (a character boundary) forward over up to `k` characters and returns how many.
std::size_t chars_forward(std::string_view s, std::size_t& pos, std::size_t k) {
    std::size_t moved = 0;
    while (moved < k && pos < s.size()) {
        const std::size_t to = pos + std::min(k - moved, s.size() - pos);
        moved += count_chars(s, pos, to);
        pos = to;
        while (continuation(s, pos)) {
            ++pos;  // finish the last character started
        }
    }
    return moved;
}

// Replaces '\n', '\r' and '\t' in text[0, size) with ' '. Sixteen bytes at a time: GCC 12
// did not vectorize the plain loop (a third of make_snippet's own instructions).
void spaces_for_breaks(char* text, std::size_t size) {
    std::size_t i = 0;
#if defined(__SSE2__)
    for (; i + 16 <= size; i += 16) {
        auto* at = reinterpret_cast<__m128i*>(text + i);
        const __m128i v = _mm_loadu_si128(at);
        const __m128i breaks = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\n')),
                                                         _mm_cmpeq_epi8(v, _mm_set1_epi8('\r'))),
                                            _mm_cmpeq_epi8(v, _mm_set1_epi8('\t')));
        if (_mm_movemask_epi8(breaks) != 0) {
            _mm_storeu_si128(at, _mm_or_si128(_mm_andnot_si128(breaks, v),
                                              _mm_and_si128(breaks, _mm_set1_epi8(' '))));
        }
    }
#endif
    for (; i < size; ++i) {
        const char c = text[i];
        if (c == '\n' || c == '\r' || c == '\t') {
            text[i] = ' ';
        }
    }
}

bool is_space(std::string_view s, std::size_t i) {
    const char c = s[i];
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

}  // namespace

Snippet make_snippet(std::string_view original, std::size_t begin, std::size_t end,
                     const std::vector<std::pair<std::size_t, std::size_t>>& ranges,
                     std::size_t chars) {
    const std::size_t n = original.size();
    begin = std::min(begin, n);
    end = std::clamp(end, begin, n);
    while (continuation(original, begin)) {
        --begin;
    }
    while (continuation(original, end)) {
        ++end;
    }

    // Share what the span leaves of the budget between both sides; a side that runs out of
    // text hands the rest to the other. Walks at most `chars` characters: documents are long.
    const std::size_t span_chars = count_chars(original, begin, end);
    const std::size_t budget = chars > span_chars ? chars - span_chars : 0;
    std::size_t start = begin;
    const std::size_t left = chars_back(original, start, budget / 2);
    std::size_t stop = end;
    const std::size_t right = chars_forward(original, stop, budget - left);
    chars_back(original, start, budget - left - right);
    // Never start or stop inside a word: drop the partial word, then the spaces beside it.
    if (start > 0 && word_char_before(original, start) && word_char_at(original, start)) {
        while (start < begin && word_char_at(original, start)) {
            start = next_char(original, start);
        }
    }
    if (start > 0) {
        while (start < begin && is_space(original, start)) {
            ++start;
        }
    }
    if (stop < n && word_char_before(original, stop) && word_char_at(original, stop)) {
        while (stop > end && word_char_before(original, stop)) {
            stop = prev_char(original, stop);
        }
    }
    if (stop < n) {
        while (stop > end && is_space(original, stop - 1)) {
            --stop;
        }
    }

    Snippet out;
    out.text.reserve(stop - start + 2 * kEllipsis.size());  // one allocation, not three
    const std::size_t lead = start > 0 ? kEllipsis.size() : 0;
    if (start > 0) {
        out.text += kEllipsis;
    }
    out.text.append(original.substr(start, stop - start));
    // Line breaks and tabs become spaces: same length, so marks stay valid.
    spaces_for_breaks(out.text.data() + lead, out.text.size() - lead);
    if (stop < n) {
        out.text += kEllipsis;
    }
    const auto inside = [&](const std::pair<std::size_t, std::size_t>& r) {
        return std::max(r.first, start) < std::min(r.second, stop);
    };
    out.marks.reserve(
        static_cast<std::size_t>(std::count_if(ranges.begin(), ranges.end(), inside)));
    for (const auto& [b, e] : ranges) {
        const std::size_t cb = std::max(b, start);
        const std::size_t ce = std::min(e, stop);
        if (cb < ce) {
            out.marks.emplace_back(cb - start + lead, ce - start + lead);
        }
    }
    return out;
}

}  // namespace ww::rules::detail

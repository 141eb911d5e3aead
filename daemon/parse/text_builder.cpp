#include "parse/text_builder.hpp"

#include <libxml/HTMLparser.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "parse/xml.hpp"
#include "text/utf8.hpp"
#include "wirewatch/text/normalize.hpp"

namespace ww::parse::detail {

namespace {

// What Windows-1252 puts at 0x80-0x9F; 0 where it defines nothing.
constexpr std::array<char32_t, 32> kCp1252High = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

bool is_ascii_space(unsigned char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// Bytes that end a run of word bytes in TextBuilder::text: ASCII whitespace, and 0xC2, which
// may start an NBSP. One table lookup per byte instead of seven comparisons.
constexpr std::array<bool, 256> kRunBreak = [] {
    std::array<bool, 256> t{};
    for (unsigned char c : {' ', '\t', '\n', '\r', '\f', '\v'}) {
        t[c] = true;
    }
    t[0xC2] = true;
    return t;
}();

bool breaks_run(char c) { return kRunBreak[static_cast<unsigned char>(c)]; }

// Set bits of a 16-bit mask (__builtin_popcount is a library call without -mpopcnt).
std::size_t bits_set(unsigned x) {
    x = x - ((x >> 1) & 0x5555u);
    x = (x & 0x3333u) + ((x >> 2) & 0x3333u);
    x = (x + (x >> 4)) & 0x0F0Fu;
    return (x + (x >> 8)) & 0x1Fu;
}

// Whether the sixteen bytes at `p` continue a stretch in TextBuilder::text as they are: no
// whitespace but single spaces, no 0xC2, and a space in the last byte followed by a byte that
// does not end the stretch (p[16] must be readable). `spaces` gets the spaces' bit mask.
bool is_plain_stretch(const char* p, unsigned& spaces) {
#ifdef __SSE2__
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    // \t \n \v \f \r are 0x09-0x0D: unsigned v - 9 <= 4, with signed compares after the shift.
    const __m128i shifted = _mm_sub_epi8(v, _mm_set1_epi8(static_cast<char>(0x89)));
    const __m128i control = _mm_cmplt_epi8(shifted, _mm_set1_epi8(static_cast<char>(0x85)));
    const __m128i irregular =
        _mm_or_si128(control, _mm_cmpeq_epi8(v, _mm_set1_epi8(static_cast<char>(0xC2))));
    if (_mm_movemask_epi8(irregular) != 0) {
        return false;
    }
    spaces = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(' '))));
    return (spaces & (spaces >> 1)) == 0 && ((spaces & 0x8000u) == 0 || !breaks_run(p[16]));
#else
    (void)p;
    (void)spaces;
    return false;
#endif
}

// Finds the next '<' or '&' with two memchr scans that are repeated only once passed, instead
// of string_view::find_first_of, which calls memchr on the two-byte set for every input byte
// (8% of feed parsing).
class MarkupFinder {
public:
    explicit MarkupFinder(std::string_view s) : s_(s), lt_(s.find('<')), amp_(s.find('&')) {}
    std::size_t next(std::size_t pos) {
        if (lt_ < pos) {
            lt_ = s_.find('<', pos);
        }
        if (amp_ < pos) {
            amp_ = s_.find('&', pos);
        }
        return std::min(lt_, amp_);
    }

private:
    std::string_view s_;
    std::size_t lt_;
    std::size_t amp_;
};

bool is_ascii_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool starts_with_ci(std::string_view s, std::size_t pos, std::string_view prefix) {
    if (s.size() - pos < prefix.size()) {
        return false;
    }
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        if (lower(s[pos + i]) != prefix[i]) {
            return false;
        }
    }
    return true;
}

}  // namespace

bool is_block_tag(std::string_view name) {
    static constexpr std::string_view kBlocks[] = {
        "p",       "div",        "li",     "ul",      "ol",     "dl",   "dt",         "dd",
        "h1",      "h2",         "h3",     "h4",      "h5",     "h6",   "blockquote", "pre",
        "section", "article",    "header", "footer",  "aside",  "nav",  "table",      "tr",
        "figure",  "figcaption", "hr",     "address", "main",   "form", "fieldset",   "details",
        "summary", "tbody",      "thead",  "caption", "center", "body", "html"};
    for (auto b : kBlocks) {
        if (name == b) {
            return true;
        }
    }
    return false;
}

// Elements whose content is never text a reader sees.
bool is_invisible_tag(std::string_view name) {
    return name == "script" || name == "style" || name == "template" || name == "noscript" ||
           name == "iframe" || name == "svg" || name == "object" || name == "math" ||
           name == "head";
}

namespace {

// Tag -> class, from the lists above, so the two never disagree.
template <bool (*Classify)(std::string_view)>
bool classify(Tag tag) {
    static const auto table = [] {
        std::array<bool, static_cast<std::size_t>(Tag::count)> t{};
        for (std::size_t i = 0; i < t.size(); ++i) {
            t[i] = Classify(tag_name(static_cast<Tag>(i)));
        }
        return t;
    }();
    return table[static_cast<std::size_t>(tag)];
}

}  // namespace

bool is_block(Tag tag) { return classify<&is_block_tag>(tag); }

bool is_invisible(Tag tag) { return classify<&is_invisible_tag>(tag); }

namespace {

// End of the tag starting at `lt` (index of its '>'), honouring quoted attribute values;
// npos if the tag never closes.
std::size_t tag_end(std::string_view s, std::size_t lt) {
    char quote = 0;
    for (std::size_t i = lt + 1; i < s.size(); ++i) {
        char c = s[i];
        if (quote != 0) {
            if (c == quote) {
                quote = 0;
            }
        } else if (c == '"' || c == '\'') {
            quote = c;
        } else if (c == '>') {
            return i;
        }
    }
    return std::string_view::npos;
}

}  // namespace

std::optional<char32_t> named_entity(std::string_view name) {
    if (name.empty() || name.size() > 32) {
        return std::nullopt;
    }
    if (name == "amp") {
        return U'&';
    }
    if (name == "lt") {
        return U'<';
    }
    if (name == "gt") {
        return U'>';
    }
    if (name == "quot") {
        return U'"';
    }
    if (name == "apos") {
        return U'\'';
    }
    // htmlEntityLookup wants a NUL-terminated name; it only reads libxml2's static HTML 4 table.
    std::string z(name);
    const htmlEntityDesc* e = htmlEntityLookup(reinterpret_cast<const xmlChar*>(z.c_str()));
    if (e == nullptr) {
        return std::nullopt;
    }
    return static_cast<char32_t>(e->value);
}

std::optional<char32_t> numeric_entity(std::string_view body) {
    if (body.size() < 2 || body[0] != '#') {
        return std::nullopt;
    }
    bool hex = body[1] == 'x' || body[1] == 'X';
    std::size_t i = hex ? 2 : 1;
    if (i >= body.size()) {
        return std::nullopt;
    }
    std::uint32_t value = 0;
    for (; i < body.size(); ++i) {
        char c = body[i];
        int digit = -1;
        if (c >= '0' && c <= '9') {
            digit = c - '0';
        } else if (hex && c >= 'a' && c <= 'f') {
            digit = c - 'a' + 10;
        } else if (hex && c >= 'A' && c <= 'F') {
            digit = c - 'A' + 10;
        }
        if (digit < 0) {
            return std::nullopt;
        }
        value = value * (hex ? 16 : 10) + static_cast<std::uint32_t>(digit);
        if (value > 0x10FFFF) {
            value = 0x110000;  // saturate: keep scanning for validity, answer U+FFFD
        }
    }
    if (value >= 0x80 && value <= 0x9F) {
        char32_t mapped = kCp1252High[value - 0x80];
        return mapped != 0 ? mapped : U'\uFFFD';
    }
    if (value == 0 || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) {
        return U'\uFFFD';
    }
    return static_cast<char32_t>(value);
}

void append_utf8(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

namespace {

#ifdef __SSE2__
// The sixty-four bytes at `p` are all in 0x20..0x7E: then, and only then, every byte minus
// 0x20 is at most 0x5E as an unsigned byte (0x7F gives 0x5F, controls and bytes >= 0x80 wrap
// above it), so one unsigned maximum over the four loads decides.
bool is_printable_ascii64(const unsigned char* p) {
    const __m128i space = _mm_set1_epi8(0x20);
    const auto shifted = [&](int k) {
        return _mm_sub_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + k)), space);
    };
    const __m128i high =
        _mm_max_epu8(_mm_max_epu8(shifted(0), shifted(16)), _mm_max_epu8(shifted(32), shifted(48)));
    const __m128i limit = _mm_set1_epi8(0x5E);
    return _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_max_epu8(high, limit), limit)) == 0xFFFF;
}
#endif

}  // namespace

namespace {

// is_clean_token, and with `no_markup` also no '<' or '&' (html_to_text's text as it is).
template <bool no_markup>
bool is_token(std::string_view text) {
    if (text.empty() || text.front() == ' ' || text.back() == ' ') {
        return false;
    }
    const char* p = text.data();
    const std::size_t n = text.size();
    std::size_t i = 0;
    bool previous_space = false;
#ifdef __SSE2__
    // Sixteen bytes per step, with a second load one byte further for the pairs of spaces, so
    // steps carry nothing over and one test at the end decides. Every byte in ' '..'~': the
    // unsigned maximum of the bytes minus ' ' stays at most '~' - ' ' (bytes below ' ' wrap
    // round above it). No space right after another: a byte and the next one or'ed are ' '
    // only when both are (or when one is below ' ', which fails anyway). The last step
    // overlaps the one before; it checks the pairs up to the last byte, and the last byte
    // itself is checked alone. A shorter text (most ids and dates) is checked in one step on
    // a copy padded with a byte that passes.
    const __m128i space = _mm_set1_epi8(' ');
    __m128i high = _mm_setzero_si128();
    __m128i bad = _mm_setzero_si128();
    const auto step = [&](const char* at) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(at));
        const __m128i next = _mm_loadu_si128(reinterpret_cast<const __m128i*>(at + 1));
        high = _mm_max_epu8(high, _mm_sub_epi8(v, space));
        bad = _mm_or_si128(bad, _mm_cmpeq_epi8(_mm_or_si128(v, next), space));
        if constexpr (no_markup) {
            bad = _mm_or_si128(bad, _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('<')),
                                                 _mm_cmpeq_epi8(v, _mm_set1_epi8('&'))));
        }
    };
    const auto passed = [&] {
        const __m128i limit = _mm_set1_epi8('~' - ' ');
        return _mm_movemask_epi8(bad) == 0 &&
               _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_max_epu8(high, limit), limit)) == 0xFFFF;
    };
    if (n < 17) {
        char padded[17];
        std::memset(padded, 'a', sizeof padded);
        std::memcpy(padded, p, n);
        step(padded);
        return passed();
    }
    step(p + n - 17);
    for (; i + 17 <= n; i += 16) {
        step(p + i);
    }
    const char last = p[n - 1];
    return passed() && last > ' ' && last <= '~' && !(no_markup && (last == '<' || last == '&'));
#endif
    for (; i < n; ++i) {
        const char c = p[i];
        if (c < ' ' || c > '~' || (c == ' ' && previous_space) ||
            (no_markup && (c == '<' || c == '&'))) {
            return false;
        }
        previous_space = c == ' ';
    }
    return true;
}

}  // namespace

bool is_clean_token(std::string_view text) { return is_token<false>(text); }

bool is_clean_utf8(std::string_view text) {
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    const std::size_t n = text.size();
    constexpr std::uint64_t kOnes = 0x0101010101010101ull;
    constexpr std::uint64_t kHigh = 0x8080808080808080ull;
    std::size_t i = 0;
    while (i < n) {
#ifdef __SSE2__
        // Printable ASCII sixty-four bytes per step with one test: bytes >= 0x80 are negative
        // as signed chars, so "below 0x20" catches them along with the controls. Whole
        // documents are checked before parsing, and most of their bytes pass here.
        if (n - i >= 64 && is_printable_ascii64(p + i)) {
            i += 64;
            while (n - i >= 64 && is_printable_ascii64(p + i)) {
                i += 64;
            }
            continue;
        }
        // Sixteen at a time where SSE2 is there (every x86-64): no high bit, nothing below
        // 0x20, no 0x7F. Signed compares are right because the high bits are checked first.
        if (n - i >= 16) {
            const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
            const __m128i bad = _mm_or_si128(_mm_cmplt_epi8(v, _mm_set1_epi8(0x20)),
                                             _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7F)));
            if (_mm_movemask_epi8(v) == 0 && _mm_movemask_epi8(bad) == 0) {
                i += 16;
                continue;
            }
        }
#endif
        // Eight ASCII bytes at a time: none with the high bit, none below 0x20, none 0x7F.
        if (n - i >= 8) {
            std::uint64_t w = 0;
            std::memcpy(&w, p + i, 8);
            const std::uint64_t below_space = (w - kOnes * 0x20) & ~w & kHigh;
            const std::uint64_t del =
                ((w ^ (kOnes * 0x7F)) - kOnes) & ~(w ^ (kOnes * 0x7F)) & kHigh;
            if ((w & kHigh) == 0 && below_space == 0 && del == 0) {
                i += 8;
                continue;
            }
        }
        const unsigned char c = p[i];
        if (c < 0x80) {
            if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) {
                return false;
            }
            ++i;
            continue;
        }
        char32_t cp = 0;
        const std::size_t len = ww::text::detail::decode(p + i, n - i, cp);
        if (len == 0 || (cp >= 0x80 && cp <= 0x9F)) {
            return false;
        }
        i += len;
    }
    return true;
}

std::string sanitize(std::string&& text) {
    if (is_clean_utf8(text)) {
        return std::move(text);
    }
    return sanitize(std::string_view(text));
}

std::string sanitize(std::string_view text) {
    if (is_clean_utf8(text)) {
        return std::string(text);
    }
    // U+0080-U+009F is C2 80..C2 9F in UTF-8. Only rewrite when present: the common case is a
    // straight copy inside sanitize_utf8.
    if (text.find('\xC2') == std::string_view::npos) {
        return ww::text::sanitize_utf8(text);
    }
    std::string mapped;
    mapped.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        auto c = static_cast<unsigned char>(text[i]);
        if (c == 0xC2 && i + 1 < text.size()) {
            auto next = static_cast<unsigned char>(text[i + 1]);
            if (next >= 0x80 && next <= 0x9F) {
                char32_t cp = kCp1252High[next - 0x80];
                if (cp != 0) {
                    append_utf8(mapped, cp);
                }
                ++i;
                continue;
            }
        }
        mapped += static_cast<char>(c);
    }
    return ww::text::sanitize_utf8(mapped);
}

void TextBuilder::text(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        auto c = static_cast<unsigned char>(s[i]);
        if (is_ascii_space(c)) {
            pending_space_ = true;
            ++i;
            continue;
        }
        if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xA0) {
            pending_space_ = true;  // NBSP separates words like a space
            i += 2;
            continue;
        }
        // Copy the whole stretch up to the next irregular space at once: words joined by one
        // ' ' come out as they went in, so only runs of spaces, other whitespace and NBSP
        // end a stretch. Appending byte by byte, then word by word, was the largest cost of
        // feed parsing.
        std::size_t end = i + 1;
        std::size_t inner_spaces = 0;
        while (end < s.size()) {
            unsigned spaces = 0;
            if (s.size() - end > 16 && is_plain_stretch(s.data() + end, spaces)) {
                end += 16;
                inner_spaces += bits_set(spaces);
                continue;
            }
            if (!breaks_run(s[end])) {
                ++end;
            } else if (s[end] == ' ' && end + 1 < s.size() && !breaks_run(s[end + 1])) {
                end += 2;
                ++inner_spaces;
            } else if (static_cast<unsigned char>(s[end]) == 0xC2 &&
                       !(end + 1 < s.size() && static_cast<unsigned char>(s[end + 1]) == 0xA0)) {
                ++end;  // a Latin-1 supplement character, not an NBSP
            } else {
                break;
            }
        }
        if (!current_.text.empty()) {
            if (pending_newline_) {
                current_.text += '\n';
            } else if (pending_space_) {
                current_.text += ' ';
            }
        }
        pending_space_ = false;
        pending_newline_ = false;
        current_.text.append(s.data() + i, end - i);
        if (link_depth_ > 0) {
            current_.link_bytes += end - i - inner_spaces;  // words only, as before
        }
        i = end;
    }
}

void TextBuilder::line_break() {
    if (single_line_) {
        pending_space_ = true;
    } else {
        pending_newline_ = true;
    }
}

void TextBuilder::block_break() {
    if (!current_.text.empty()) {
        paragraphs_.push_back(std::move(current_));
        current_ = Paragraph{};
    }
    pending_space_ = false;
    pending_newline_ = false;
}

const std::vector<TextBuilder::Paragraph>& TextBuilder::paragraphs() {
    block_break();
    return paragraphs_;
}

std::string TextBuilder::finish() {
    block_break();
    std::string out;
    if (paragraphs_.size() == 1) {
        out = std::move(paragraphs_.front().text);  // finish() is the builder's last call
    } else {
        for (const auto& p : paragraphs_) {
            if (!out.empty()) {
                out += single_line_ ? " " : "\n\n";
            }
            out += p.text;
        }
    }
    if (is_clean_utf8(out)) {
        return out;  // the common case: no second copy
    }
    return sanitize(out);
}

std::string html_to_text(std::string_view s, bool single_line) {
    if (is_token<true>(s)) {
        return std::string(s);  // most titles and many summaries: nothing to convert
    }
    MarkupFinder markup(s);
    TextBuilder tb(single_line);
    std::string decoded;
    std::size_t i = 0;
    while (i < s.size()) {
        std::size_t special = markup.next(i);
        if (special == std::string_view::npos) {
            tb.text(s.substr(i));
            break;
        }
        if (special > i) {
            tb.text(s.substr(i, special - i));
        }
        i = special;
        if (s[i] == '&') {
            std::size_t semi = s.find(';', i + 1);
            std::optional<char32_t> cp;
            if (semi != std::string_view::npos && semi - i <= 33) {
                std::string_view body = s.substr(i + 1, semi - i - 1);
                cp = (!body.empty() && body[0] == '#') ? numeric_entity(body) : named_entity(body);
            }
            if (cp) {
                decoded.clear();
                append_utf8(decoded, *cp);
                tb.text(decoded);
                i = semi + 1;
            } else {
                tb.text("&");
                ++i;
            }
            continue;
        }
        // s[i] == '<'
        if (s.compare(i, 4, "<!--") == 0) {
            std::size_t end = s.find("-->", i + 4);
            i = end == std::string_view::npos ? s.size() : end + 3;
            continue;
        }
        if (s.compare(i, 9, "<![CDATA[") == 0) {
            std::size_t end = s.find("]]>", i + 9);
            std::size_t stop = end == std::string_view::npos ? s.size() : end;
            tb.text(s.substr(i + 9, stop - i - 9));
            i = end == std::string_view::npos ? s.size() : end + 3;
            continue;
        }
        char next = i + 1 < s.size() ? s[i + 1] : '\0';
        bool closing = next == '/';
        char first = closing ? (i + 2 < s.size() ? s[i + 2] : '\0') : next;
        if (!(is_ascii_alpha(first) || ((next == '!' || next == '?') && !closing))) {
            tb.text("<");  // "a < b": a lone '<' is text, as browsers read it
            ++i;
            continue;
        }
        std::size_t end = tag_end(s, i);
        if (end == std::string_view::npos) {
            tb.text("<");
            ++i;
            continue;
        }
        if (next == '!' || next == '?') {
            i = end + 1;  // doctype, processing instruction
            continue;
        }
        std::size_t name_begin = i + (closing ? 2 : 1);
        std::size_t name_end = name_begin;
        std::string name;
        while (name_end < end &&
               (is_ascii_alpha(s[name_end]) || (s[name_end] >= '0' && s[name_end] <= '9') ||
                s[name_end] == ':' || s[name_end] == '-')) {
            name += lower(s[name_end]);
            ++name_end;
        }
        if (auto colon = name.rfind(':'); colon != std::string::npos) {
            name.erase(0, colon + 1);  // xhtml:p
        }
        i = end + 1;
        if (closing) {
            if (name == "a") {
                tb.leave_link();
            } else if (is_block_tag(name)) {
                tb.block_break();
            }
            continue;
        }
        bool self_closing = end > 0 && s[end - 1] == '/';
        if (is_invisible_tag(name) && !self_closing) {
            // Skip to the matching close tag; scripts contain '<' that are not tags.
            std::string close = "</" + name;
            std::size_t j = i;
            while (true) {
                j = s.find("</", j);
                if (j == std::string_view::npos || starts_with_ci(s, j, close)) {
                    break;
                }
                j += 2;
            }
            if (j == std::string_view::npos) {
                i = s.size();
            } else {
                std::size_t close_end = s.find('>', j);
                i = close_end == std::string_view::npos ? s.size() : close_end + 1;
            }
            continue;
        }
        if (name == "br") {
            tb.line_break();
        } else if (name == "a") {
            if (!self_closing) {
                tb.enter_link();
            }
        } else if (name == "td" || name == "th" || name == "img") {
            tb.text(" ");
        } else if (is_block_tag(name)) {
            tb.block_break();
        }
    }
    return tb.finish();
}

void dom_text_into(const xmlNode* node, TextBuilder& tb) {
    xml::walk(
        node,
        [&](const xmlNode* n) {
            if ((n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) &&
                n->content != nullptr) {
                tb.text(xml::cs(n->content));
                return false;
            }
            if (n->type != XML_ELEMENT_NODE) {
                return false;
            }
            std::string_view name = xml::local_name(n);
            if (is_invisible_tag(name)) {
                return false;
            }
            if (name == "br") {
                tb.line_break();
            } else if (name == "a") {
                tb.enter_link();
            } else if (name == "td" || name == "th" || name == "img") {
                tb.text(" ");
            } else if (is_block_tag(name)) {
                tb.block_break();
            }
            return true;
        },
        [&](const xmlNode* n) {
            std::string_view name = xml::local_name(n);
            if (name == "a") {
                tb.leave_link();
            } else if (is_block_tag(name)) {
                tb.block_break();
            }
        });
}

void page_text_into(const HtmlPage& page, std::uint32_t node, TextBuilder& tb) {
    walk(
        page, node,
        [&](std::uint32_t i) {
            const HtmlNode& n = page.nodes[i];
            if (n.kind != HtmlNode::Kind::element) {
                tb.text(page.text_of(i));
                return false;
            }
            if (is_invisible(n.tag)) {
                return false;
            }
            if (n.tag == Tag::br) {
                tb.line_break();
            } else if (n.tag == Tag::a) {
                tb.enter_link();
            } else if (n.tag == Tag::td || n.tag == Tag::th || n.tag == Tag::img) {
                tb.text(" ");
            } else if (is_block(n.tag)) {
                tb.block_break();
            }
            return true;
        },
        [&](std::uint32_t i) {
            const Tag tag = page.nodes[i].tag;
            if (tag == Tag::a) {
                tb.leave_link();
            } else if (is_block(tag)) {
                tb.block_break();
            }
        });
}

std::string dom_text(const xmlNode* node, bool single_line) {
    TextBuilder tb(single_line);
    dom_text_into(node, tb);
    return tb.finish();
}

std::string plain_text(std::string_view text, bool single_line) {
    TextBuilder tb(single_line);
    std::size_t pos = 0;
    while (pos <= text.size()) {
        std::size_t nl = text.find('\n', pos);
        std::string_view line =
            text.substr(pos, nl == std::string_view::npos ? text.npos : nl - pos);
        bool blank = true;
        for (char c : line) {
            if (!is_ascii_space(static_cast<unsigned char>(c))) {
                blank = false;
                break;
            }
        }
        if (blank) {
            tb.block_break();
        } else {
            tb.text(line);
            tb.line_break();
        }
        if (nl == std::string_view::npos) {
            break;
        }
        pos = nl + 1;
    }
    return tb.finish();
}

std::string clean_token(std::string_view text) {
    if (is_clean_token(text)) {
        return std::string(text);
    }
    return plain_text(text, true);
}

}  // namespace ww::parse::detail

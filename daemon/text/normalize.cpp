// Folding of article text for matching, with a byte map back to the original.
//
// The loop is built around an ASCII fast path because nearly all bytes of the news we watch are
// ASCII: runs of them are copied 16 or 32 bytes at a time (SSE2, or AVX2 where the CPU has it),
// the rest go through one table lookup each, and none reach utf8proc. A non-ASCII code point
// (or an ASCII one followed by non-ASCII bytes) starts a "segment": the starter plus the
// combining marks after it, which is the smallest unit NFKC, case folding and mark stripping can
// be applied to independently. Every output byte of a segment maps to the segment's start.

#include <utf8proc.h>

#if defined(__x86_64__)
#include <immintrin.h>
#elif defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <array>
#include <cstring>
#include <limits>
#include <vector>

#include "text/utf8.hpp"
#include "wirewatch/text/normalize.hpp"

namespace ww::text {
namespace {

// What a code point becomes before (and again after) NFKC.
enum class Fold : std::uint8_t { kKeep, kSpace, kDrop, kDash, kApostrophe, kQuote };

// ASCII table entries: the output byte, or one of these two codes.
constexpr unsigned char kAsciiDrop = 0;
constexpr unsigned char kAsciiSpace = 1;

struct AsciiTables {
    std::array<unsigned char, 128> folded{};  // with case folding
    std::array<unsigned char, 128> plain{};   // without
};

constexpr AsciiTables make_ascii_tables() {
    AsciiTables t;
    for (int c = 0; c < 128; ++c) {
        unsigned char v = static_cast<unsigned char>(c);
        if (c < 0x20 || c == 0x7F) {
            v = kAsciiDrop;
        }
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') {
            v = kAsciiSpace;
        }
        if (c == '`') {
            v = '\'';
        }
        t.plain[c] = v;
        t.folded[c] = (c >= 'A' && c <= 'Z') ? static_cast<unsigned char>(c + 32) : v;
    }
    return t;
}

constexpr AsciiTables kAscii = make_ascii_tables();

// Dashes, quotes, spaces and invisible characters are decided on the code point as written,
// before NFKC: NFKC would turn U+2033 DOUBLE PRIME into two primes and U+00B4 ACUTE ACCENT
// into a space plus a combining mark. The category test runs again on NFKC's output so that
// compatibility forms of these (U+FE58 SMALL EM DASH -> U+2014) fold the same way.
Fold classify(char32_t cp, const utf8proc_property_t* prop) {
    switch (cp) {
        case 0x2018:
        case 0x2019:
        case 0x201A:
        case 0x201B:
        case 0x2032:
        case 0x02BC:
        case 0x0060:
        case 0x00B4:
            return Fold::kApostrophe;
        case 0x201C:
        case 0x201D:
        case 0x201E:
        case 0x201F:
        case 0x00AB:
        case 0x00BB:
        case 0x2033:
            return Fold::kQuote;
        case 0x2212:
            return Fold::kDash;
        case 0x0085:  // NEXT LINE is a Cc but also White_Space
        case 0x200B:  // ZERO WIDTH SPACE separates words in Thai, Khmer, Burmese text
            return Fold::kSpace;
        default:
            break;
    }
    switch (prop->category) {
        case UTF8PROC_CATEGORY_ZS:
        case UTF8PROC_CATEGORY_ZL:
        case UTF8PROC_CATEGORY_ZP:
            return Fold::kSpace;
        case UTF8PROC_CATEGORY_PD:
            return Fold::kDash;
        // Controls, and format characters: soft hyphen, ZWNJ/ZWJ, BOM, word joiner, bidi
        // marks. They are invisible, so a keyword must match across them.
        case UTF8PROC_CATEGORY_CC:
        case UTF8PROC_CATEGORY_CF:
            return Fold::kDrop;
        default:
            return Fold::kKeep;
    }
}

bool is_mark(const utf8proc_property_t* prop) {
    return prop->category == UTF8PROC_CATEGORY_MN || prop->category == UTF8PROC_CATEGORY_MC ||
           prop->category == UTF8PROC_CATEGORY_ME;
}

// Marks removed by diacritic folding. Not every Mn: Devanagari vowel signs, viramas or the
// Japanese voicing marks spell different words, so only the generic combining-diacritic blocks
// (Latin, Greek, Cyrillic accents), Hebrew points and Arabic harakat are stripped. Arabic text
// is mostly written without harakat, so stripping them is what lets a keyword match.
bool is_foldable_mark(char32_t cp) {
    return (cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x1AB0 && cp <= 0x1AFF) ||
           (cp >= 0x1DC0 && cp <= 0x1DFF) || (cp >= 0x20D0 && cp <= 0x20FF) ||
           (cp >= 0xFE20 && cp <= 0xFE2F) || (cp >= 0x0591 && cp <= 0x05BD) || cp == 0x05BF ||
           cp == 0x05C1 || cp == 0x05C2 || cp == 0x05C4 || cp == 0x05C5 || cp == 0x05C7 ||
           (cp >= 0x0610 && cp <= 0x061A) || (cp >= 0x064B && cp <= 0x065F) || cp == 0x0670 ||
           (cp >= 0x06D6 && cp <= 0x06DC) || (cp >= 0x06DF && cp <= 0x06E4) || cp == 0x06E7 ||
           cp == 0x06E8 || (cp >= 0x06EA && cp <= 0x06ED);
}

// Latin letters whose diacritic is part of the glyph and so has no Unicode decomposition
// ("Łódź", "Ørsted", "Diyarbakır"), plus the Arabic tatweel, a justification stretch that is
// as meaningless to a keyword as an accent. Returns 0 when `cp` is not one of them, the
// replacement otherwise (kDropped for tatweel).
constexpr char32_t kDropped = 0xFFFFFFFF;

char32_t fold_undecomposable(char32_t cp) {
    if (cp < 0xD8 || cp > 0x0640) {
        return 0;
    }
    switch (cp) {
        case 0x00D8:
            return 'O';
        case 0x00F8:
            return 'o';
        case 0x0110:
            return 'D';
        case 0x0111:
            return 'd';
        case 0x0126:
            return 'H';
        case 0x0127:
            return 'h';
        case 0x0131:
            return 'i';
        case 0x0141:
            return 'L';
        case 0x0142:
            return 'l';
        case 0x0166:
            return 'T';
        case 0x0167:
            return 't';
        case 0x0180:
            return 'b';
        case 0x01B5:
            return 'Z';
        case 0x01B6:
            return 'z';
        case 0x0197:
            return 'I';
        case 0x0243:
            return 'B';
        case 0x0268:
            return 'i';
        case 0x0640:
            return kDropped;
        default:
            return 0;
    }
}

// What the segment loop needs to know about a code point.
struct CodePointFacts {
    Fold fold = Fold::kKeep;
    bool mark = false;
    // Bit (2 * fold_case + fold_diacritics) set: alone, the code point is already folded.
    std::uint8_t stable = 0;
};

unsigned option_bit(bool fold_case, bool fold_diacritics) {
    return 1u << ((fold_case ? 2 : 0) + (fold_diacritics ? 1 : 0));
}

CodePointFacts compute_facts(char32_t cp) {
    const utf8proc_property_t* prop = utf8proc_get_property(static_cast<utf8proc_int32_t>(cp));
    CodePointFacts facts;
    facts.fold = classify(cp, prop);
    facts.mark = is_mark(prop);
    if (prop->decomp_seqindex == UINT16_MAX) {
        const bool has_case = prop->casefold_seqindex != UINT16_MAX;
        const bool has_diacritic = is_foldable_mark(cp) || fold_undecomposable(cp) != 0;
        for (const bool fold_case : {false, true}) {
            for (const bool fold_diacritics : {false, true}) {
                if (!(fold_case && has_case) && !(fold_diacritics && has_diacritic)) {
                    facts.stable |=
                        static_cast<std::uint8_t>(option_bit(fold_case, fold_diacritics));
                }
            }
        }
    }
    return facts;
}

// Facts for U+0000..U+07FF, built once: the two-byte range holds Latin, Greek, Cyrillic,
// Hebrew and Arabic, where a utf8proc lookup per letter was most of the cost.
const CodePointFacts* two_byte_facts() {
    static const std::array<CodePointFacts, 0x800> table = [] {
        std::array<CodePointFacts, 0x800> t{};
        for (char32_t cp = 0; cp < 0x800; ++cp) {
            t[cp] = compute_facts(cp);
        }
        return t;
    }();
    return table.data();
}

// Facts for General Punctuation, U+2000..U+206F: typeset English news has a curly apostrophe,
// quote or dash every hundred characters or so, and each one cost a utf8proc lookup.
constexpr char32_t kPunctuationFirst = 0x2000;
constexpr char32_t kPunctuationCount = 0x70;

const CodePointFacts* punctuation_facts() {
    static const std::array<CodePointFacts, kPunctuationCount> table = [] {
        std::array<CodePointFacts, kPunctuationCount> t{};
        for (char32_t i = 0; i < kPunctuationCount; ++i) {
            t[i] = compute_facts(kPunctuationFirst + i);
        }
        return t;
    }();
    return table.data();
}

// Long runs of combining marks (Zalgo text) are split into several segments so that the
// utf8proc work buffer below stays on the stack.
constexpr std::size_t kMaxSegmentCodePoints = 32;
// How many invisible characters may sit between a base and its mark and still be looked past.
constexpr std::size_t kMaxInvisibleRun = 8;
// U+FDFA, the longest NFKC expansion, is 18 code points; case folding adds at most 3 per.
constexpr std::size_t kWorkCodePoints = kMaxSegmentCodePoints * 18 + 64;

bool is_hangul_vt_jamo(char32_t cp) {
    // Conjoining vowel and trailing jamo compose with the preceding leading jamo even though
    // they are starters, so they belong to its segment.
    return (cp >= 0x1161 && cp <= 0x1175) || (cp >= 0x11A8 && cp <= 0x11C2);
}

using FoldWork = std::array<utf8proc_int32_t, kWorkCodePoints>;

// NFKC (+ case folding, + mark stripping) of one segment of valid UTF-8 into `work`; returns
// the number of code points, or -1 when utf8proc fails (cannot happen for a bounded segment).
utf8proc_ssize_t fold_code_points(const unsigned char* bytes, std::size_t size,
                                  const NormalizeOptions& options, FoldWork& work) {
    utf8proc_option_t opts =
        static_cast<utf8proc_option_t>(UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT | UTF8PROC_STABLE);
    if (options.fold_case) {
        opts = static_cast<utf8proc_option_t>(opts | UTF8PROC_CASEFOLD);
    }
    utf8proc_ssize_t count =
        utf8proc_decompose(bytes, static_cast<utf8proc_ssize_t>(size), work.data(),
                           static_cast<utf8proc_ssize_t>(work.size()), opts);
    if (count < 0 || static_cast<std::size_t>(count) > work.size()) {
        return -1;
    }
    if (options.fold_diacritics) {
        utf8proc_ssize_t kept = 0;
        for (utf8proc_ssize_t k = 0; k < count; ++k) {
            const auto cp = static_cast<char32_t>(work[k]);
            if (is_foldable_mark(cp)) {
                continue;
            }
            const char32_t repl = fold_undecomposable(cp);
            if (repl == kDropped) {
                continue;
            }
            work[kept++] = static_cast<utf8proc_int32_t>(repl != 0 ? repl : cp);
        }
        count = kept;
    }
    // Recompose: what stays after stripping (Hangul jamo, kana + voicing mark, letters with
    // marks we keep) goes back to NFC form, which with the compatibility decomposition above
    // makes NFKC.
    if (count > 0) {
        count = utf8proc_normalize_utf32(
            work.data(), count, static_cast<utf8proc_option_t>(UTF8PROC_COMPOSE | UTF8PROC_STABLE));
    }
    return count;
}

// What a two-byte code point standing alone (no marks after it) folds to, per option
// combination: accented Latin, Greek and Cyrillic capitals are most of the non-ASCII letters
// in news, and each cost two utf8proc calls. Only results made of plain letters are kept
// (`size` 0 sends the code point to the general path): no spaces, dashes, quotes or drops,
// whose handling depends on the text around them.
struct FoldedTwoByte {
    std::uint8_t size = 0;
    std::array<char, 7> bytes{};
};
using TwoByteFolds = std::array<FoldedTwoByte, 0x800>;

FoldedTwoByte fold_alone(char32_t cp, const NormalizeOptions& options, const AsciiTables& ascii) {
    FoldedTwoByte out;
    char in[4];
    const std::size_t in_len = detail::encode(cp, in);
    FoldWork work;
    const utf8proc_ssize_t count =
        fold_code_points(reinterpret_cast<const unsigned char*>(in), in_len, options, work);
    if (count <= 0) {
        return out;
    }
    std::size_t size = 0;
    for (utf8proc_ssize_t k = 0; k < count; ++k) {
        const auto c = static_cast<char32_t>(work[k]);
        char buf[4];
        std::size_t len = 1;
        if (c < 0x80) {
            const unsigned char v = (options.fold_case ? ascii.folded : ascii.plain)[c];
            if (v == kAsciiDrop || v == kAsciiSpace || v == '-' || v == '\'' || v == '"') {
                return FoldedTwoByte{};
            }
            buf[0] = static_cast<char>(v);
        } else {
            const utf8proc_property_t* prop =
                utf8proc_get_property(static_cast<utf8proc_int32_t>(c));
            if (classify(c, prop) != Fold::kKeep || is_mark(prop)) {
                return FoldedTwoByte{};
            }
            len = detail::encode(c, buf);
        }
        if (size + len > out.bytes.size()) {
            return FoldedTwoByte{};
        }
        std::memcpy(out.bytes.data() + size, buf, len);
        size += len;
    }
    out.size = static_cast<std::uint8_t>(size);
    return out;
}

// By option_bit index (2 * fold_case + fold_diacritics), built on first use.
const FoldedTwoByte* two_byte_folds(bool fold_case, bool fold_diacritics) {
    static const std::array<TwoByteFolds, 4> tables = [] {
        std::array<TwoByteFolds, 4> t{};
        for (const bool c : {false, true}) {
            for (const bool d : {false, true}) {
                const NormalizeOptions options{c, d};
                TwoByteFolds& table = t[(c ? 2 : 0) + (d ? 1 : 0)];
                for (char32_t cp = 0x80; cp < 0x800; ++cp) {
                    table[cp] = fold_alone(cp, options, kAscii);
                }
            }
        }
        return t;
    }();
    return tables[(fold_case ? 2 : 0) + (fold_diacritics ? 1 : 0)].data();
}

// Output writer. Keeps the text and map in presized buffers written through raw pointers, so
// the fast path does plain stores; `WithMap` false compiles the map away for normalize_string.
//
// Spaces are emitted eagerly: the first whitespace after output appends one ' ', further
// whitespace sees that the text already ends in ' ' and adds nothing, and finish() drops a
// trailing one. That lets the block path copy "word word" runs with their single spaces as is.
template <bool WithMap>
class Writer {
public:
    Writer(std::string& text, OffsetMap& map, std::size_t input_size) : text_(text), map_(map) {
        // Output is rarely longer than the input (ligatures, "ß"); ensure() grows if it is.
        // The slack is the block copy's, which stores whole blocks (up to 32 bytes) past the
        // end. A larger
        // first guess costs a zero fill of the text on every call.
        grow(input_size + 33);
    }

    // Room for `extra` more bytes.
    void ensure(std::size_t extra) {
        if (size_ + extra > capacity_) {
            grow((size_ + extra) * 2);
        }
    }

    std::size_t room() const { return capacity_ - size_; }

    // A whitespace character. The space it may become maps to the end of the last character
    // that produced output: the start of the whitespace run, counting dropped invisible
    // characters as part of it, so that a match ending at the space maps to an original span
    // without the whitespace after it. Needs room for one byte.
    void space() {
        if (size_ > 0 && text_ptr_[size_ - 1] != ' ') {
            store(' ', last_end_);
        }
    }

    // One byte produced by the character at original offset `src`. Needs room for it.
    void put(unsigned char c, std::uint32_t src) {
        // A space emitted in the middle of a segment (a compatibility decomposition such as
        // U+00A8 -> " \u0308") must not map before the bytes already emitted for it.
        if (last_end_ < src) {
            last_end_ = src;
        }
        store(c, src);
    }

    // Marks the end in the original of the last character that produced output.
    void set_last_end(std::uint32_t end) { last_end_ = end; }
    std::uint32_t last_end() const { return last_end_; }
    bool ends_in_space() const { return size_ > 0 && text_ptr_[size_ - 1] == ' '; }
    std::size_t size() const { return size_; }

    // Raw access for the block copy, which keeps the size in a local while it runs: the
    // caller ensured room, writes through the pointers and sets the new size.
    char* text_data() { return text_ptr_; }
    std::uint32_t* map_data() { return map_ptr_; }
    void set_size(std::size_t size) { size_ = size; }

    void finish(std::uint32_t original_size) {
        if (ends_in_space()) {
            --size_;
        }
        text_.resize(size_);
        if constexpr (WithMap) {
            map_.resize(size_ + 1);
            map_[size_] = original_size;
        }
    }

private:
    void grow(std::size_t n) {
        text_.resize(n);
        text_ptr_ = text_.data();
        if constexpr (WithMap) {
            map_.resize(n);
            map_ptr_ = map_.data();
        }
        capacity_ = n;
    }

    void store(unsigned char c, std::uint32_t src) {
        text_ptr_[size_] = static_cast<char>(c);
        if constexpr (WithMap) {
            map_ptr_[size_] = src;
        }
        ++size_;
    }

    std::string& text_;
    OffsetMap& map_;
    char* text_ptr_ = nullptr;
    std::uint32_t* map_ptr_ = nullptr;
    std::size_t size_ = 0;
    std::size_t capacity_ = 0;
    std::uint32_t last_end_ = 0;
};

// What the block copy learns about one block of input, a bit per byte.
struct BlockBits {
    std::uint32_t special;  // the block copy cannot take it: non-ASCII, control, DEL, '`'
    std::uint32_t space;    // ' '
};

// The block copy's two vector widths. fold() stores a block of input at `out`, ASCII capitals
// lowercased when `case_bit` is 0x20 (as they are when it is 0), before knowing how many of
// its bytes are plain: the caller keeps only those before the first special one.
// store_offsets() writes the map entries of a block copied as it is: first, first + 1, ...
#if defined(__SSE2__)
constexpr bool kHaveBlocks = true;

struct Sse2 {
    static constexpr std::size_t kWidth = 16;

    static BlockBits fold(const unsigned char* in, char* out, char case_bit) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in));
        // Signed compare: bytes >= 0x80 are negative, so they are "below 0x20" too.
        const __m128i special = _mm_or_si128(_mm_cmplt_epi8(v, _mm_set1_epi8(0x20)),
                                             _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(0x7F)),
                                                          _mm_cmpeq_epi8(v, _mm_set1_epi8('`'))));
        // 'A'..'Z' moved to -128..-103, every other byte above that.
        const __m128i upper =
            _mm_cmplt_epi8(_mm_add_epi8(v, _mm_set1_epi8(0x3F)), _mm_set1_epi8(-102));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(out),
                         _mm_add_epi8(v, _mm_and_si128(upper, _mm_set1_epi8(case_bit))));
        const __m128i space = _mm_cmpeq_epi8(v, _mm_set1_epi8(' '));
        return BlockBits{static_cast<std::uint32_t>(_mm_movemask_epi8(special)),
                         static_cast<std::uint32_t>(_mm_movemask_epi8(space))};
    }

    static void store_offsets(std::uint32_t* map, std::uint32_t first) {
        const __m128i base =
            _mm_add_epi32(_mm_set1_epi32(static_cast<int>(first)), _mm_setr_epi32(0, 1, 2, 3));
        for (int k = 0; k < 16; k += 4) {
            _mm_storeu_si128(reinterpret_cast<__m128i*>(map + k),
                             _mm_add_epi32(base, _mm_set1_epi32(k)));
        }
    }
};

#if defined(__x86_64__)
// Twice the width where the CPU has AVX2 (checked at run time: the x86-64 baseline is SSE2).
constexpr bool kHaveAvx2 = true;

struct Avx2 {
    static constexpr std::size_t kWidth = 32;

    __attribute__((target("avx2"))) static BlockBits fold(const unsigned char* in, char* out,
                                                          char case_bit) {
        const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(in));
        const __m256i special =
            _mm256_or_si256(_mm256_cmpgt_epi8(_mm256_set1_epi8(0x20), v),
                            _mm256_or_si256(_mm256_cmpeq_epi8(v, _mm256_set1_epi8(0x7F)),
                                            _mm256_cmpeq_epi8(v, _mm256_set1_epi8('`'))));
        const __m256i upper =
            _mm256_cmpgt_epi8(_mm256_set1_epi8(-102), _mm256_add_epi8(v, _mm256_set1_epi8(0x3F)));
        _mm256_storeu_si256(
            reinterpret_cast<__m256i*>(out),
            _mm256_add_epi8(v, _mm256_and_si256(upper, _mm256_set1_epi8(case_bit))));
        const __m256i space = _mm256_cmpeq_epi8(v, _mm256_set1_epi8(' '));
        return BlockBits{static_cast<std::uint32_t>(_mm256_movemask_epi8(special)),
                         static_cast<std::uint32_t>(_mm256_movemask_epi8(space))};
    }

    __attribute__((target("avx2"))) static void store_offsets(std::uint32_t* map,
                                                              std::uint32_t first) {
        const __m256i base = _mm256_add_epi32(_mm256_set1_epi32(static_cast<int>(first)),
                                              _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
        for (int k = 0; k < 32; k += 8) {
            _mm256_storeu_si256(reinterpret_cast<__m256i*>(map + k),
                                _mm256_add_epi32(base, _mm256_set1_epi32(k)));
        }
    }
};

bool cpu_has_avx2() {
    static const bool has = __builtin_cpu_supports("avx2") != 0;
    return has;
}
#else
constexpr bool kHaveAvx2 = false;
using Avx2 = Sse2;
bool cpu_has_avx2() { return false; }
#endif
#else
constexpr bool kHaveBlocks = false;
constexpr bool kHaveAvx2 = false;

struct Sse2 {
    static constexpr std::size_t kWidth = 16;
    static BlockBits fold(const unsigned char* /*in*/, char* /*out*/, char /*case_bit*/) {
        return BlockBits{1u, 0u};
    }
    static void store_offsets(std::uint32_t* /*map*/, std::uint32_t /*first*/) {}
};
using Avx2 = Sse2;
bool cpu_has_avx2() { return false; }
#endif

// The widest block, for the slack the output buffers keep.
constexpr std::size_t kMaxBlock = 32;

// How much of its input a Normalizer asks the memory for up front.
constexpr std::size_t kPrefetchBytes = 4096;

// Which block copy a Normalizer runs.
enum class Blocks : std::uint8_t { kNone, kSse2, kAvx2 };

Blocks best_blocks() {
    if (kHaveAvx2 && cpu_has_avx2()) {
        return Blocks::kAvx2;
    }
    return kHaveBlocks ? Blocks::kSse2 : Blocks::kNone;
}

// Where the block copy is: input and output offsets, and the output size after the last
// space it emitted itself (bytes copied after that decide last_end).
struct BlockCursor {
    std::size_t i;
    std::size_t o;
    std::size_t mark;
    std::uint32_t last_end;
};

template <bool WithMap>
class Normalizer {
public:
    // `fast` false leaves out the block copy and the shortcuts for accented letters and
    // punctuation: the plain path that detail::normalize_into_scalar runs as a reference.
    Normalizer(std::string_view in, const NormalizeOptions& options, std::string& text,
               OffsetMap& map, bool fast = true, Blocks blocks = best_blocks())
        : in_(in),
          p_(reinterpret_cast<const unsigned char*>(in.data())),
          options_(options),
          ascii_(options.fold_case ? kAscii.folded.data() : kAscii.plain.data()),
          facts_(two_byte_facts()),
          punctuation_(punctuation_facts()),
          two_byte_(two_byte_folds(options.fold_case, options.fold_diacritics)),
          option_bit_(option_bit(options.fold_case, options.fold_diacritics)),
          fast_(fast),
          blocks_(fast ? blocks : Blocks::kNone),
          out_(text, map, in.size()) {}

    void run() {
        const std::size_t n = in_.size();
        // A field of an article usually starts cold: ask for its first lines all at once
        // rather than one miss after the other until the hardware prefetcher catches on.
        for (std::size_t line = 0; line < n && line < kPrefetchBytes; line += 64) {
            __builtin_prefetch(p_ + line);
        }
        std::size_t i = 0;
        while (i < n) {
            if (p_[i] < 0x80 && blocks_ != Blocks::kNone) {
                // Returns where plain ASCII ends: that byte goes through the paths below.
                i = blocks_ == Blocks::kAvx2 ? copy_blocks_avx2(i) : copy_blocks<Sse2>(i);
                if (i == n) {
                    break;
                }
            }
            const unsigned char c = p_[i];
            if (c >= 0x80) {
                i = non_ascii(i);
                continue;
            }
            const unsigned char v = ascii_[c];
            if (v > kAsciiSpace) {
                // A following non-ASCII byte may be a combining mark on this character.
                if (i + 1 < n && may_take_marks_at(i + 1)) {
                    i = segment(i);
                    continue;
                }
                out_.ensure(1);
                out_.put(v, static_cast<std::uint32_t>(i));
                ++i;
                out_.set_last_end(static_cast<std::uint32_t>(i));
            } else {
                if (v == kAsciiSpace) {
                    out_.ensure(1);
                    out_.space();
                }
                ++i;
            }
        }
        out_.finish(static_cast<std::uint32_t>(n));
    }

private:
    // The character starting with non-ASCII byte `i`; returns the offset after what it took.
    std::size_t non_ascii(std::size_t i) {
        const std::size_t next = common_non_ascii(i);
        return next != i ? next : segment(i);
    }

    // The shortcuts for the non-ASCII characters of most text (accented letters, curly
    // quotes, dashes); returns the offset after the character, or `i` when it needs segment().
    std::size_t common_non_ascii(std::size_t i) {
        const unsigned char c = p_[i];
        if (c < 0xE0) {
            return copy_two_byte(i) ? i + 2 : i;
        }
        if (c == 0xE2 && fast_ && fold_punctuation(i)) {
            return i + 3;
        }
        return i;
    }

    // A two-byte character not followed by a mark, either already folded (most Cyrillic,
    // Greek, Hebrew and Arabic letters: copied) or folding to plain letters on its own
    // (accented Latin: its entry in two_byte_); false leaves it to segment(), which would
    // produce the same.
    bool copy_two_byte(std::size_t i) {
        const std::size_t n = in_.size();
        if (i + 2 >= n || p_[i] < 0xC2 || (p_[i + 1] & 0xC0) != 0x80) {
            return false;
        }
        const char32_t cp = ((p_[i] & 0x1Fu) << 6) | (p_[i + 1] & 0x3Fu);
        const CodePointFacts& f = facts_[cp];
        const bool stable = (f.stable & option_bit_) != 0;
        const FoldedTwoByte& folded = two_byte_[cp];
        if (f.fold != Fold::kKeep || (!stable && (folded.size == 0 || !fast_))) {
            return false;
        }
        if (may_take_marks_at(i + 2)) {
            return false;
        }
        const auto src = static_cast<std::uint32_t>(i);
        if (stable) {
            out_.ensure(2);
            out_.put(p_[i], src);
            out_.put(p_[i + 1], src);
        } else {
            out_.ensure(folded.size);
            for (std::size_t k = 0; k < folded.size; ++k) {
                out_.put(static_cast<unsigned char>(folded.bytes[k]), src);
            }
        }
        out_.set_last_end(static_cast<std::uint32_t>(i + 2));
        return true;
    }

    // A General Punctuation character that folds to a space, dash, quote or nothing (curly
    // apostrophes and quotes, dashes: one every hundred characters of typeset news), done as
    // segment() does it for a starter that is not kept; false leaves it to segment().
    bool fold_punctuation(std::size_t i) {
        if (i + 2 >= in_.size() || (p_[i + 1] & 0xC0) != 0x80 || (p_[i + 2] & 0xC0) != 0x80) {
            return false;
        }
        const char32_t cp = 0x2000u | ((p_[i + 1] & 0x3Fu) << 6) | (p_[i + 2] & 0x3Fu);
        if (cp - kPunctuationFirst >= kPunctuationCount) {
            return false;
        }
        const Fold fold = punctuation_[cp - kPunctuationFirst].fold;
        if (fold == Fold::kKeep) {
            return false;
        }
        apply_fold(fold, static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(i + 3));
        return true;
    }

    // Whether the character before byte `j` may have combining marks to gather: the code
    // point at `j` is a mark, or an invisible character that is looked past. Decided from the
    // cached facts for two-byte code points and General Punctuation (an accented letter or a
    // curly quote after an ASCII letter is the common case); anything else says "maybe" and
    // leaves it to segment().
    bool may_take_marks_at(std::size_t j) const {
        const unsigned char c = p_[j];
        if (c < 0x80) {
            return ascii_[c] == kAsciiDrop;
        }
        const std::size_t n = in_.size();
        if (c >= 0xC2 && c < 0xE0) {
            if (j + 1 >= n || (p_[j + 1] & 0xC0) != 0x80) {
                return true;
            }
            const CodePointFacts& f = facts_[((c & 0x1Fu) << 6) | (p_[j + 1] & 0x3Fu)];
            return f.mark || f.fold == Fold::kDrop;
        }
        if (c == 0xE2 && j + 2 < n && (p_[j + 1] & 0xC0) == 0x80 && (p_[j + 2] & 0xC0) == 0x80) {
            const char32_t cp =
                ((c & 0x0Fu) << 12) | ((p_[j + 1] & 0x3Fu) << 6) | (p_[j + 2] & 0x3Fu);
            if (cp - kPunctuationFirst < kPunctuationCount) {
                const CodePointFacts& f = punctuation_[cp - kPunctuationFirst];
                return f.mark || f.fold == Fold::kDrop;
            }
        }
        return true;
    }

    // Copies plain ASCII at `i` a block of Isa::kWidth bytes at a time, case folded, and
    // whitespace runs as one space; returns where it stopped: at the end, or at a byte the
    // scalar path must see (non-ASCII, a control, DEL, a backtick, or an ASCII character that
    // may take marks). Keeps the writer's size and last_end in locals while it runs.
    template <class Isa>
    std::size_t copy_blocks(std::size_t i) {
        constexpr std::size_t kWidth = Isa::kWidth;
        const std::size_t n = in_.size();
        out_.ensure(n - i + kMaxBlock + 1);
        const unsigned char* const p = p_;
        char* text = out_.text_data();
        std::uint32_t* map = out_.map_data();
        const char case_bit = options_.fold_case ? 0x20 : 0;
        BlockCursor c{i, out_.size(), out_.size(), out_.last_end()};
        // Whether the byte before the block is a space copied by the block itself: a space
        // first in the block then collapses with it.
        std::uint32_t carry = 0;
        if (ascii_[p[i]] == kAsciiSpace) {
            skip_whitespace(c, text, map);
        }
        alignas(32) unsigned char tail[2 * kMaxBlock];
        while (c.i < n) {
            const unsigned char* s = p + c.i;
            if (n - c.i <= kWidth) {
                // Zero bytes after the end are controls, so the block stops there.
                std::memset(tail, 0, sizeof tail);
                std::memcpy(tail, s, n - c.i);
                s = tail;
            }
            const BlockBits b = Isa::fold(s, text + c.o, case_bit);
            if constexpr (WithMap) {
                Isa::store_offsets(map + c.o, static_cast<std::uint32_t>(c.i));
            }
            // A space right after a space ends the block too.
            const std::uint32_t stop = b.special | (b.space & ((b.space << 1) | carry));
            if (stop == 0) {
                c.i += kWidth;
                c.o += kWidth;
                carry = b.space >> (kWidth - 1);
                continue;
            }
            const auto k = static_cast<std::size_t>(__builtin_ctz(stop));
            c.i += k;
            c.o += k;
            if (c.i >= n) {
                break;
            }
            if (p[c.i] < 0x80 && ascii_[p[c.i]] == kAsciiSpace) {
                skip_whitespace(c, text, map);
                carry = 0;
                continue;
            }
            // The last byte copied may carry combining marks that follow it.
            if (c.o > c.mark && takes_marks_at(c.i)) {
                --c.i;
                --c.o;
                break;
            }
            if (p[c.i] < 0x80) {
                break;
            }
            // An accented letter or a curly quote goes on without leaving the loop: the
            // common ones right here (their output ends in a letter, dash or quote, with
            // last_end at c.i, so a space next is copied as it is), the others through the
            // writer.
            carry = 0;
            if (block_two_byte(c, text, map) || block_punctuation(c, text, map)) {
                continue;
            }
            if (!common_character(c)) {
                break;
            }
            // It may have emitted more than it read (a letter folding to three bytes), or
            // dropped the character (last_end is then before it) or made it a space.
            out_.ensure(n - c.i + kMaxBlock + 1);
            text = out_.text_data();
            map = out_.map_data();
            if (c.i < n && p[c.i] < 0x80 && ascii_[p[c.i]] == kAsciiSpace) {
                skip_whitespace(c, text, map);
            }
        }
        sync(c, text);
        return c.i;
    }

    // The AVX2 block copy: compiled for AVX2 (everything inlined into it) and only called
    // when the CPU has it.
#if defined(__x86_64__) && defined(__SSE2__)
    __attribute__((target("avx2"), flatten)) std::size_t copy_blocks_avx2(std::size_t i) {
        return copy_blocks<Avx2>(i);
    }
#else
    std::size_t copy_blocks_avx2(std::size_t i) { return copy_blocks<Sse2>(i); }
#endif

    // What copy_two_byte() does for a character whose folded form is at most two bytes (so
    // within the block copy's slack), on the block copy's locals; false when it does not
    // apply.
    bool block_two_byte(BlockCursor& c, char* text, std::uint32_t* map) const {
        const std::size_t i = c.i;
        if (i + 2 >= in_.size() || p_[i] < 0xC2 || p_[i] >= 0xE0 || (p_[i + 1] & 0xC0) != 0x80) {
            return false;
        }
        const char32_t cp = ((p_[i] & 0x1Fu) << 6) | (p_[i + 1] & 0x3Fu);
        const CodePointFacts& f = facts_[cp];
        const FoldedTwoByte& folded = two_byte_[cp];
        const bool stable = (f.stable & option_bit_) != 0;
        if (f.fold != Fold::kKeep || (!stable && (folded.size == 0 || folded.size > 2)) ||
            takes_marks_at(i + 2)) {
            return false;
        }
        const char* bytes = stable ? reinterpret_cast<const char*>(p_ + i) : folded.bytes.data();
        // Two bytes stored either way; a one-byte result commits one.
        text[c.o] = bytes[0];
        text[c.o + 1] = bytes[1];
        if constexpr (WithMap) {
            map[c.o] = static_cast<std::uint32_t>(i);
            map[c.o + 1] = static_cast<std::uint32_t>(i);
        }
        c.o += stable ? 2 : folded.size;
        c.i = i + 2;
        c.mark = c.o;
        c.last_end = static_cast<std::uint32_t>(c.i);
        return true;
    }

    // What fold_punctuation() does for a dash, apostrophe or quote, on the block copy's
    // locals; false when it does not apply.
    bool block_punctuation(BlockCursor& c, char* text, std::uint32_t* map) const {
        const std::size_t i = c.i;
        if (p_[i] != 0xE2 || i + 2 >= in_.size() || (p_[i + 1] & 0xC0) != 0x80 ||
            (p_[i + 2] & 0xC0) != 0x80) {
            return false;
        }
        const char32_t cp = 0x2000u | ((p_[i + 1] & 0x3Fu) << 6) | (p_[i + 2] & 0x3Fu);
        if (cp - kPunctuationFirst >= kPunctuationCount) {
            return false;
        }
        char folded = 0;
        switch (punctuation_[cp - kPunctuationFirst].fold) {
            case Fold::kDash:
                folded = '-';
                break;
            case Fold::kApostrophe:
                folded = '\'';
                break;
            case Fold::kQuote:
                folded = '"';
                break;
            default:
                return false;
        }
        text[c.o] = folded;
        if constexpr (WithMap) {
            map[c.o] = static_cast<std::uint32_t>(i);
        }
        ++c.o;
        c.i = i + 3;
        c.mark = c.o;
        c.last_end = static_cast<std::uint32_t>(c.i);
        return true;
    }

    // Hands the block copy's state to the writer.
    void sync(BlockCursor& c, const char* text) {
        note_copied(c, text);
        out_.set_size(c.o);
        out_.set_last_end(c.last_end);
    }

    // The non-ASCII character at c.i through common_non_ascii(), with the writer in step;
    // false (nothing done) when it needs segment().
    bool common_character(BlockCursor& c) {
        sync(c, out_.text_data());
        const std::size_t next = common_non_ascii(c.i);
        if (next == c.i) {
            return false;
        }
        c = BlockCursor{next, out_.size(), out_.size(), out_.last_end()};
        return true;
    }

    // After bytes copied as they are, last_end is the end of the last one, or its start if
    // it is a space (the start of a whitespace run, as in space()).
    static void note_copied(BlockCursor& c, const char* text) {
        if (c.o > c.mark) {
            const bool space = text[c.o - 1] == ' ';
            c.last_end = static_cast<std::uint32_t>(c.i - (space ? 1 : 0));
        }
    }

    // The whitespace run at c.i: one space (unless the output is empty or ends in one),
    // mapped to where the run starts, as space() does.
    void skip_whitespace(BlockCursor& c, char* text, std::uint32_t* map) const {
        note_copied(c, text);
        if (c.o > 0 && text[c.o - 1] != ' ') {
            text[c.o] = ' ';
            if constexpr (WithMap) {
                map[c.o] = c.last_end;
            }
            ++c.o;
        }
        const std::size_t n = in_.size();
        while (c.i < n && p_[c.i] < 0x80 && ascii_[p_[c.i]] == kAsciiSpace) {
            ++c.i;
        }
        c.mark = c.o;
    }

    bool takes_marks_at(std::size_t j) const {
        const unsigned char c = p_[j];
        return c < 0x80 ? ascii_[c] == kAsciiDrop : may_take_marks_at(j);
    }

    // Processes the segment starting at `start`; returns the offset after it.
    std::size_t segment(std::size_t start) {
        const std::size_t n = in_.size();
        char32_t cp = 0;
        std::size_t bad = 1;
        std::size_t len = detail::decode(p_ + start, n - start, cp, &bad);
        const auto src = static_cast<std::uint32_t>(start);
        if (len == 0) {
            // Input is meant to be sanitized; if it is not, still never read past a bad byte.
            emit_code_point(detail::kReplacement, src);
            out_.set_last_end(static_cast<std::uint32_t>(start + bad));
            return start + bad;
        }
        const CodePointFacts starter = facts(cp);
        if (starter.fold != Fold::kKeep) {
            apply_fold(starter.fold, src, static_cast<std::uint32_t>(start + len));
            return start + len;
        }
        // Gather the combining marks that follow the starter. Invisible characters that are
        // dropped anyway (soft hyphen, ZWJ, controls) do not separate a mark from its base:
        // otherwise "a<ZWJ>\u0308" would leave a bare mark where "ä" is expected.
        std::size_t end = start + len;
        std::size_t count = 1;
        bool has_invisible = false;
        const bool starter_is_hangul_l = cp >= 0x1100 && cp <= 0x1112;
        std::size_t scan = end;
        std::size_t invisible_run = 0;
        while (scan < n && count < kMaxSegmentCodePoints && invisible_run < kMaxInvisibleRun) {
            if (p_[scan] < 0x80) {
                if (ascii_[p_[scan]] != kAsciiDrop) {
                    break;
                }
                ++scan;
                ++invisible_run;
                continue;
            }
            char32_t next = 0;
            const std::size_t next_len = detail::decode(p_ + scan, n - scan, next);
            if (next_len == 0) {
                break;
            }
            const CodePointFacts next_facts = facts(next);
            if (next_facts.mark || (starter_is_hangul_l && is_hangul_vt_jamo(next))) {
                has_invisible = has_invisible || scan != end;
                scan += next_len;
                end = scan;
                invisible_run = 0;
                ++count;
                continue;
            }
            if (next_facts.fold != Fold::kDrop) {
                break;
            }
            scan += next_len;
            ++invisible_run;
        }
        const auto end32 = static_cast<std::uint32_t>(end);
        if (count == 1 && cp < 0x80) {
            out_.ensure(1);
            put_ascii(static_cast<unsigned char>(cp), src);
            out_.set_last_end(end32);
            return end;
        }
        if (count == 1 && cp < 0x800) {
            const FoldedTwoByte& folded = two_byte_[cp];
            if (folded.size != 0) {
                out_.ensure(folded.size);
                for (std::size_t k = 0; k < folded.size; ++k) {
                    out_.put(static_cast<unsigned char>(folded.bytes[k]), src);
                }
                out_.set_last_end(end32);
                return end;
            }
        }
        if (count == 1 && (starter.stable & option_bit_) != 0) {
            // Already in folded NFKC form on its own (most CJK, Arabic, lowercase Cyrillic):
            // copy the bytes.
            out_.ensure(len);
            for (std::size_t k = start; k < end; ++k) {
                out_.put(p_[k], src);
            }
            out_.set_last_end(end32);
            return end;
        }
        fold_segment(start, end, has_invisible);
        return end;
    }

    CodePointFacts facts(char32_t cp) const {
        if (cp < 0x800) {
            return facts_[cp];
        }
        if (cp - kPunctuationFirst < kPunctuationCount) {
            return punctuation_[cp - kPunctuationFirst];
        }
        return compute_facts(cp);
    }

    // Runs NFKC (+ case folding, + mark stripping) over one segment with utf8proc.
    void fold_segment(std::size_t start, std::size_t end, bool has_invisible) {
        const auto src = static_cast<std::uint32_t>(start);
        const unsigned char* bytes = p_ + start;
        std::size_t size = end - start;
        std::array<unsigned char, kMaxSegmentCodePoints * 4> visible;
        if (has_invisible) {
            size = copy_visible(start, end, visible.data());
            bytes = visible.data();
        }
        FoldWork work;
        const utf8proc_ssize_t count = fold_code_points(bytes, size, options_, work);
        if (count < 0) {
            // Cannot happen for a bounded segment of valid UTF-8; keep the bytes rather than
            // lose text.
            out_.ensure(size);
            for (std::size_t k = 0; k < size; ++k) {
                out_.put(bytes[k], src);
            }
            out_.set_last_end(static_cast<std::uint32_t>(end));
            return;
        }
        bool after_space = false;
        for (utf8proc_ssize_t k = 0; k < count; ++k) {
            const auto cp = static_cast<char32_t>(work[k]);
            if (cp < 0x80) {
                const unsigned char v = ascii_[cp];
                after_space = v == kAsciiSpace;
                out_.ensure(1);
                put_ascii(static_cast<unsigned char>(cp), src);
                continue;
            }
            const CodePointFacts out_facts = facts(cp);
            // Spacing accents decompose to a space plus a combining mark (U+00A8 -> " \u0308");
            // the mark has nothing left to sit on.
            if (after_space && out_facts.mark) {
                continue;
            }
            const Fold fold = out_facts.fold;
            after_space = fold == Fold::kSpace;
            if (fold != Fold::kKeep) {
                apply_fold(fold, src, 0);
                continue;
            }
            emit_code_point(cp, src);
        }
        if (!out_.ends_in_space()) {
            out_.set_last_end(static_cast<std::uint32_t>(end));
        }
    }

    // Copies the segment [start, end) without its dropped invisible characters and returns the
    // size: at most kMaxSegmentCodePoints visible code points, so at most 4 bytes each.
    std::size_t copy_visible(std::size_t start, std::size_t end, unsigned char* out) const {
        std::size_t size = 0;
        std::size_t k = start;
        while (k < end) {
            if (p_[k] < 0x80) {
                if (ascii_[p_[k]] != kAsciiDrop) {
                    out[size++] = p_[k];
                }
                ++k;
                continue;
            }
            char32_t cp = 0;
            const std::size_t len = detail::decode(p_ + k, end - k, cp);
            if (classify(cp, utf8proc_get_property(static_cast<utf8proc_int32_t>(cp))) !=
                Fold::kDrop) {
                std::memcpy(out + size, p_ + k, len);
                size += len;
            }
            k += len;
        }
        return size;
    }

    void put_ascii(unsigned char c, std::uint32_t src) {
        const unsigned char v = ascii_[c];
        if (v == kAsciiSpace) {
            out_.ensure(1);
            out_.space();
        } else if (v != kAsciiDrop) {
            out_.put(v, src);
        }
    }

    void emit_code_point(char32_t cp, std::uint32_t src) {
        char buf[4];
        const std::size_t len = detail::encode(cp, buf);
        out_.ensure(len);
        for (std::size_t k = 0; k < len; ++k) {
            out_.put(static_cast<unsigned char>(buf[k]), src);
        }
    }

    // `end` (when not 0) is the original offset after the character, for last_end.
    void apply_fold(Fold fold, std::uint32_t src, std::uint32_t end) {
        switch (fold) {
            case Fold::kSpace:
                out_.ensure(1);
                out_.space();
                return;
            case Fold::kDrop:
            case Fold::kKeep:
                return;
            case Fold::kDash:
                out_.ensure(1);
                out_.put('-', src);
                break;
            case Fold::kApostrophe:
                out_.ensure(1);
                out_.put('\'', src);
                break;
            case Fold::kQuote:
                out_.ensure(1);
                out_.put('"', src);
                break;
        }
        if (end != 0) {
            out_.set_last_end(end);
        }
    }

    std::string_view in_;
    const unsigned char* p_;
    const NormalizeOptions& options_;
    const unsigned char* ascii_;
    const CodePointFacts* facts_;
    const CodePointFacts* punctuation_;
    const FoldedTwoByte* two_byte_;
    unsigned option_bit_;
    bool fast_;
    Blocks blocks_;
    Writer<WithMap> out_;
};

}  // namespace

NormalizedText normalize(std::string_view utf8, const NormalizeOptions& options) {
    NormalizedText result;
    Normalizer<true> normalizer(utf8, options, result.text, result.to_original);
    normalizer.run();
    return result;
}

void normalize_into(std::string_view utf8, NormalizedText& out, const NormalizeOptions& options) {
    Normalizer<true> normalizer(utf8, options, out.text, out.to_original);
    normalizer.run();
}

void detail::normalize_into_scalar(std::string_view utf8, NormalizedText& out,
                                   const NormalizeOptions& options) {
    Normalizer<true> normalizer(utf8, options, out.text, out.to_original, false);
    normalizer.run();
}

void detail::normalize_into_sse2(std::string_view utf8, NormalizedText& out,
                                 const NormalizeOptions& options) {
    Normalizer<true> normalizer(utf8, options, out.text, out.to_original, true,
                                kHaveBlocks ? Blocks::kSse2 : Blocks::kNone);
    normalizer.run();
}

std::string normalize_string(std::string_view utf8, const NormalizeOptions& options) {
    std::string text;
    OffsetMap unused;
    Normalizer<false> normalizer(utf8, options, text, unused);
    normalizer.run();
    return text;
}

std::size_t original_match_end(const NormalizedText& normalized, std::string_view original,
                               std::size_t e) {
    if (e == 0) {
        return normalized.to_original[0];
    }
    const OffsetMap& map = normalized.to_original;
    const std::string& text = normalized.text;
    // Never step back into the character that produced the last matched byte.
    const std::size_t floor = map[e - 1];
    // A match that ends inside the expansion of one character ("f" of U+FB01 "ﬁ", "wait." of
    // "wait…") still covers that whole character: move on to the first byte of another one.
    if (text[e - 1] != ' ') {
        while (e < text.size() && map[e] == floor) {
            ++e;
        }
    }
    std::size_t end = map[e];
    while (end > floor + 1) {
        const std::size_t start = detail::previous_start(original, end);
        if (start <= floor) {
            break;
        }
        const auto c = static_cast<unsigned char>(original[start]);
        bool invisible = false;
        if (c < 0x80) {
            const unsigned char v = kAscii.plain[c];
            invisible = v == kAsciiSpace || v == kAsciiDrop;
        } else {
            char32_t cp = 0;
            const auto* p = reinterpret_cast<const unsigned char*>(original.data()) + start;
            if (detail::decode(p, end - start, cp) != end - start) {
                break;
            }
            const Fold fold =
                classify(cp, utf8proc_get_property(static_cast<utf8proc_int32_t>(cp)));
            invisible = fold == Fold::kSpace || fold == Fold::kDrop;
        }
        if (!invisible) {
            break;
        }
        end = start;
    }
    return end;
}

}  // namespace ww::text

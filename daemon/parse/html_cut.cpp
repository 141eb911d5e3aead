#include "parse/html_cut.hpp"

#include <climits>
#include <cstring>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "parse/placeholder.hpp"
#include "parse/text_builder.hpp"

namespace ww::parse::detail {

namespace {

constexpr std::size_t npos = std::string_view::npos;

// Longer contents are left in place: libxml2 stops at a text node over 10,000,000 bytes, and
// a cut that size is not worth reasoning about.
constexpr std::size_t kMaxCut = std::size_t{1} << 20;

// Shorter text runs cost the parser less than the placeholder and its bookkeeping save.
constexpr std::size_t kMinTextCut = 8;

// libxml2 stops the parse at a text node longer than XML_MAX_TEXT_LENGTH (10,000,000 bytes),
// after the chunk that crossed it; a page too short to hold one needs no thought about where a
// run put back crosses it.
constexpr std::size_t kMaxTextCutPage = 10'000'000;

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

bool is_letter(char c) {
    const char l = static_cast<char>(c | 0x20);
    return l >= 'a' && l <= 'z';
}

bool is_name_char(char c) {
    return is_letter(c) || (c >= '0' && c <= '9') || c == ':' || c == '-' || c == '_' || c == '.';
}

std::size_t skip_blanks(std::string_view s, std::size_t i) {
    while (i < s.size() && is_blank(s[i])) {
        ++i;
    }
    return i;
}

// End of the name htmlParseHTMLName reads at `i` (at most 100 characters), `i` if none.
std::size_t name_end(std::string_view s, std::size_t i) {
    if (i >= s.size() || !(is_letter(s[i]) || s[i] == '_' || s[i] == ':' || s[i] == '.')) {
        return i;
    }
    const std::size_t limit = i + 100;
    std::size_t j = i + 1;
    while (j < s.size() && j < limit && is_name_char(s[j])) {
        ++j;
    }
    return j;
}

bool at_empty_tag_end(std::string_view s, std::size_t i) {
    return s[i] == '/' && i + 1 < s.size() && s[i + 1] == '>';
}

// The '>' ending the start tag whose name ends at `i`, as htmlParseStartTag's attribute loop
// finds it (a quote only opens a value after '='); npos when the page ends first.
// `empty_tag`: the tag ends with "/>".
std::size_t start_tag_end(std::string_view s, std::size_t i, bool& empty_tag) {
    i = skip_blanks(s, i);
    while (i < s.size() && s[i] != '>' && !at_empty_tag_end(s, i)) {
        const std::size_t name = name_end(s, i);
        if (name == i) {
            // A bogus attribute: dropped up to the next blank or the end of the tag.
            while (i < s.size() && !is_blank(s[i]) && s[i] != '>' && !at_empty_tag_end(s, i)) {
                ++i;
            }
        } else {
            i = skip_blanks(s, name);
            if (i < s.size() && s[i] == '=') {
                i = skip_blanks(s, i + 1);
                if (i < s.size() && (s[i] == '"' || s[i] == '\'')) {
                    const std::size_t close = s.find(s[i], i + 1);
                    if (close == npos) {
                        return npos;
                    }
                    i = close + 1;
                } else {
                    while (i < s.size() && s[i] != '>' && !is_blank(s[i])) {
                        ++i;
                    }
                }
            }
        }
        i = skip_blanks(s, i);
    }
    if (i >= s.size()) {
        return npos;
    }
    empty_tag = s[i] == '/';
    return empty_tag ? i + 1 : i;
}

bool equals_lower(std::string_view s, std::string_view lower) {
    if (s.size() != lower.size()) {
        return false;
    }
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (static_cast<char>(s[i] | 0x20) != lower[i]) {
            return false;
        }
    }
    return true;
}

// Where htmlParseScript stops in content starting at `from`: the first "</" followed by the
// element's name in any case (xmlStrncasecmp, a prefix: "</scriptx" ends a script too), or
// the end of the page.
std::size_t raw_text_end(std::string_view s, std::size_t from, std::string_view name) {
    for (std::size_t i = s.find("</", from); i != npos; i = s.find("</", i + 1)) {
        if (s.size() - (i + 2) >= name.size() && equals_lower(s.substr(i + 2, name.size()), name)) {
            return i;
        }
    }
    return s.size();
}

// Whether libxml2 would hand these bytes on exactly as they are: well-formed UTF-8 of
// characters XML allows (is_clean_utf8 also refuses the C1 controls) and no U+FFFE/U+FFFF,
// which htmlParseScript drops. Anything else could switch the parser's encoding or lose a
// character, so it stays in the page. `page_clean`: the whole page passed is_clean_utf8, and
// so does every cut, which starts and ends next to ASCII markup.
bool passes_unchanged(std::string_view text, bool page_clean) {
    if (text.size() > kMaxCut || (!page_clean && !is_clean_utf8(text))) {
        return false;
    }
    for (std::size_t i = text.find("\xEF\xBF"); i != npos; i = text.find("\xEF\xBF", i + 1)) {
        if (i + 2 < text.size() && (text[i + 2] == '\xBE' || text[i + 2] == '\xBF')) {
            return false;
        }
    }
    return true;
}

// Whether the page holds "<s", "<S" or "<!-", without which it has no script, style or comment:
// pages without any are not scanned tag by tag. 16 bytes per step, with loads one and two
// bytes further for the bytes after each '<'.
bool may_hold_raw_text(std::string_view page) {
    const auto* p = reinterpret_cast<const unsigned char*>(page.data());
    const std::size_t n = page.size();
    std::size_t i = 0;
#ifdef __SSE2__
    const __m128i lt = _mm_set1_epi8('<');
    const __m128i s = _mm_set1_epi8('s');
    const __m128i bang = _mm_set1_epi8('!');
    const __m128i dash = _mm_set1_epi8('-');
    const __m128i case_bit = _mm_set1_epi8(0x20);
    for (; i + 18 <= n; i += 16) {
        const __m128i here = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
        const __m128i next = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i + 1));
        const __m128i next2 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i + 2));
        const __m128i comment =
            _mm_and_si128(_mm_cmpeq_epi8(next, bang), _mm_cmpeq_epi8(next2, dash));
        const __m128i after =
            _mm_or_si128(_mm_cmpeq_epi8(_mm_or_si128(next, case_bit), s), comment);
        if (_mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(here, lt), after)) != 0) {
            return true;
        }
    }
#endif
    for (; i + 1 < n; ++i) {
        if (p[i] == '<' &&
            ((p[i + 1] | 0x20) == 's' || (p[i + 1] == '!' && i + 2 < n && p[i + 2] == '-'))) {
            return true;
        }
    }
    return false;
}

// The first '&' or NUL in [from, to), `to` if none: where htmlParseCharData stops short of a
// tag. 16 bytes per step.
std::size_t text_stop(std::string_view s, std::size_t from, std::size_t to) {
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    std::size_t i = from;
#ifdef __SSE2__
    const __m128i amp = _mm_set1_epi8('&');
    const __m128i zero = _mm_setzero_si128();
    for (; i + 16 <= to; i += 16) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
        const int hits =
            _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, amp), _mm_cmpeq_epi8(v, zero)));
        if (hits != 0) {
            return i + static_cast<std::size_t>(__builtin_ctz(static_cast<unsigned>(hits)));
        }
    }
#endif
    for (; i < to; ++i) {
        if (p[i] == '&' || p[i] == 0) {
            return i;
        }
    }
    return to;
}

class Cutter {
public:
    Cutter(std::string_view page, bool page_clean, bool cut_text, std::string& out,
           std::vector<HtmlCut>& cuts)
        : page_(page), page_clean_(page_clean), cut_text_(cut_text), out_(out), cuts_(cuts) {}

    void run() {
        // Byte order marks at the very start stay in place: the parser skips one when told
        // the page is UTF-8 (xmlSwitchEncoding) and another when htmlParseDocument detects the
        // encoding, and reads any further one as text.
        std::size_t i = 0;
        while (page_.substr(i).starts_with("\xEF\xBB\xBF")) {
            i += 3;
        }
        while (i < page_.size()) {
            const void* lt = std::memchr(page_.data() + i, '<', page_.size() - i);
            const std::size_t j =
                lt == nullptr
                    ? page_.size()
                    : static_cast<std::size_t>(static_cast<const char*>(lt) - page_.data());
            if (cut_text_) {
                text(i, j);
            }
            if (lt == nullptr) {
                break;
            }
            i = markup(j);
        }
        if (!cuts_.empty()) {
            out_.append(page_.substr(copied_));
        }
    }

private:
    // Content from `from` up to the '<' at `to`: the parser reads it as character data, broken
    // by references. Each stretch between references is cut from its first non-blank byte, so
    // the parser meets a non-blank character in the same 1,000-byte chunk of text as it would
    // in the whole page: a chunk's blankness decides whether htmlCheckParagraph opens an
    // implied <p> before it. A stretch after '&' starts at the first blank, which no reference
    // reaches past. A NUL, which the parser reads as a space, leaves the rest in place.
    void text(std::size_t from, std::size_t to) {
        bool after_reference = false;
        while (from < to) {
            const std::size_t stop = text_stop(page_, from, to);
            std::size_t begin = from;
            if (after_reference) {
                while (begin < stop && !is_blank(page_[begin])) {
                    ++begin;
                }
            }
            begin = skip_blanks(page_.substr(0, stop), begin);
            if (stop - begin >= kMinTextCut) {
                cut_text(begin, stop);
            }
            if (stop == to || page_[stop] == '\0') {
                return;
            }
            after_reference = true;
            from = stop + 1;
        }
    }

    void cut_text(std::size_t begin, std::size_t end) {
        const std::string_view run = page_.substr(begin, end - begin);
        if (!passes_unchanged(run, page_clean_)) {
            return;
        }
        out_.append(page_.substr(copied_, begin - copied_));
        cuts_.push_back({HtmlCut::Kind::text, static_cast<std::uint32_t>(out_.size()),
                         static_cast<std::uint32_t>(begin),
                         static_cast<std::uint32_t>(run.size())});
        out_.append(kPlaceholder);
        copied_ = end;
    }

    // Markup starting with the '<' at `j`; returns where to look for the next '<'.
    std::size_t markup(std::size_t j) {
        if (j + 1 >= page_.size()) {
            return page_.size();
        }
        const char c = page_[j + 1];
        if (c == '!') {
            if (page_.compare(j, 4, "<!--") == 0) {
                return comment(j + 4);
            }
            return skip_past('>', j + 2);  // DOCTYPE or a bogus comment
        }
        if (c == '?') {
            return skip_past('>', j + 2);
        }
        if (c == '/') {
            // An end tag runs to the next '>'; "</" without a name is text.
            const std::size_t name = name_end(page_, j + 2);
            return name == j + 2 ? j + 2 : skip_past('>', name);
        }
        if (is_letter(c) || c == '_' || c == ':') {
            return element(j + 1);
        }
        return j + 1;
    }

    std::size_t skip_past(char c, std::size_t from) {
        const std::size_t at = page_.find(c, from);
        return at == npos ? page_.size() : at + 1;
    }

    // htmlParseComment from just after "<!--": "<!-->" and "<!--->" end at once, else the
    // comment ends at the first "-->" or "--!>" starting here; unterminated, it takes the rest.
    std::size_t comment(std::size_t k) {
        const std::string_view s = page_;
        if (k < s.size() && s[k] == '>') {
            return k + 1;
        }
        if (k + 1 < s.size() && s[k] == '-' && s[k + 1] == '>') {
            return k + 2;
        }
        const std::size_t end = s.find("-->", k);
        if (end == npos) {
            return s.size();
        }
        const std::string_view text = s.substr(k, end - k);
        const std::size_t bang = text.find("--!>");
        if (bang != npos) {
            return k + bang + 4;  // left alone: not worth the corner
        }
        if (!text.empty() && passes_unchanged(text, page_clean_)) {
            out_.append(s.substr(copied_, k - copied_));
            cuts_.push_back({HtmlCut::Kind::comment, static_cast<std::uint32_t>(out_.size() + 3),
                             static_cast<std::uint32_t>(k),
                             static_cast<std::uint32_t>(text.size())});
            copied_ = end;
        }
        return end + 3;
    }

    // A start tag whose name starts at `n`; script and style contents are cut.
    std::size_t element(std::size_t n) {
        const std::size_t name_stop = name_end(page_, n);
        bool empty_tag = false;
        const std::size_t gt = start_tag_end(page_, name_stop, empty_tag);
        if (gt == npos) {
            return page_.size();  // an unterminated start tag or quote takes the rest
        }
        const std::string_view name = page_.substr(n, name_stop - n);
        HtmlCut::Kind kind;
        std::string_view lower;
        if (equals_lower(name, "script")) {
            kind = HtmlCut::Kind::script;
            lower = "script";
        } else if (equals_lower(name, "style")) {
            kind = HtmlCut::Kind::style;
            lower = "style";
        } else {
            return gt + 1;
        }
        if (empty_tag) {
            return gt + 1;  // <script/> holds nothing
        }
        const std::size_t begin = gt + 1;
        const std::size_t end = raw_text_end(page_, begin, lower);
        const std::string_view text = page_.substr(begin, end - begin);
        // Content starting with an end tag or a start tag goes through the content loop's tag
        // handling before htmlParseScript sees it.
        const bool tag_first =
            text.size() >= 2 && text[0] == '<' &&
            (text[1] == '/' || is_letter(text[1]) || text[1] == '_' || text[1] == ':');
        if (!text.empty() && !tag_first && passes_unchanged(text, page_clean_)) {
            out_.append(page_.substr(copied_, begin - copied_));
            cuts_.push_back({kind, static_cast<std::uint32_t>(out_.size() - 1),
                             static_cast<std::uint32_t>(begin),
                             static_cast<std::uint32_t>(text.size())});
            copied_ = end;
        }
        return end;
    }

    std::string_view page_;
    bool page_clean_;
    bool cut_text_;  // plain text runs too, not only raw text
    std::string& out_;
    std::vector<HtmlCut>& cuts_;
    std::size_t copied_ = 0;  // page bytes before this are in out_ or cut
};

}  // namespace

bool cut_raw_text(std::string_view page, std::string& out, std::vector<HtmlCut>& cuts,
                  bool page_clean) {
    out.clear();
    cuts.clear();
    if (page.size() > static_cast<std::size_t>(INT_MAX)) {
        return false;  // html_sax_parse would cut the page short
    }
    const bool cut_text = page.size() < kMaxTextCutPage && !may_forge_placeholder(page);
    if (!cut_text && !may_hold_raw_text(page)) {
        return false;
    }
    Cutter(page, page_clean, cut_text, out, cuts).run();
    if (cuts.empty()) {
        out.clear();
        return false;
    }
    return true;
}

}  // namespace ww::parse::detail

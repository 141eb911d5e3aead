// match(): normalize each field, scan it, then evaluate the rules whose terms were found.

#include <spdlog/spdlog.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>

#include "rules/compiled.hpp"
#include "rules/snippet.hpp"
#include "rules/terms.hpp"

namespace ww::rules {

namespace {

using namespace detail;

[[noreturn]] void die(const std::string& message) {
    // A scan error means the database, scratch or memory is broken: a wrong answer (missed
    // alerts) is worse than a restart by systemd.
    std::fprintf(stderr, "wirewatch: rules: fatal: %s\n", message.c_str());
    if (auto log = spdlog::get("rules")) {
        log->critical("fatal: {}", message);
        log->flush();
    }
    std::abort();
}

// What a match callback needs; lives on the stack of scan() for one hs_scan call.
struct ScanContext {
    const Group* group;
    std::string_view text;      // what Hyperscan scans: the scan text for literals (see Pattern)
    std::string_view real;      // the normalized text, with its separators
    const std::uint32_t* seps;  // Scratch::seps_ for the scan text
    std::size_t sep_count;
    std::vector<Occurrence>* out;
    std::uint8_t field;
    std::uint16_t* count;  // Scratch::occurrence_count_
    std::vector<std::uint32_t>* counted;
};

// Records one occurrence unless its term already has kMaxOccurrences in this field.
inline void record(ScanContext& c, std::uint32_t term, std::size_t begin, std::size_t end) {
    const std::uint32_t slot = term * kFields + c.field;
    std::uint16_t& n = c.count[slot];
    if (n >= kMaxOccurrences) {
        return;
    }
    if (n++ == 0) {
        c.counted->push_back(slot);
    }
    c.out->push_back(Occurrence{term, c.field, static_cast<std::uint32_t>(begin),
                                static_cast<std::uint32_t>(end)});
}

// Whether the separators left out inside a match (seps[first, last), scan-text offsets) fit
// the pattern's gaps: each at a gap, at most one per gap, and for a uniform pattern none or
// one at every gap, all the same byte.
bool gaps_fit(const ScanContext& c, const Pattern& p, std::size_t begin, std::size_t first,
              std::size_t last) {
    const std::uint32_t* gap = c.group->gaps.data() + p.gaps_begin;
    const std::uint32_t* gaps_end = c.group->gaps.data() + p.gaps_end;
    if (p.uniform && last - first != static_cast<std::size_t>(gaps_end - gap)) {
        return false;
    }
    for (std::size_t k = first; k < last; ++k) {
        const std::uint32_t at = c.seps[k] - static_cast<std::uint32_t>(begin);
        while (gap != gaps_end && *gap < at) {
            ++gap;
        }
        if (gap == gaps_end || *gap != at) {
            return false;  // inside a chunk, or a second separator in one gap
        }
        ++gap;
        if (p.uniform && c.real[c.seps[k] + k] != c.real[c.seps[first] + first]) {
            return false;  // "one-two three-four five" is not a spelling of a 4-gap term
        }
    }
    return true;
}

// Literal match on the scan text. Hyperscan reports the end offset; the start is end - length.
// Both go back to the normalized text through the removed separators. Whole words are
// checked here, from the bytes around the match, instead of with \b in the patterns (which
// would force the slow regex compiler on every keyword).
int on_literal(unsigned int id, unsigned long long, unsigned long long to, unsigned int,
               void* context) {
    auto& c = *static_cast<ScanContext*>(context);
    const Pattern& p = c.group->patterns[id];
    const auto scan_end = static_cast<std::size_t>(to);
    const std::size_t scan_begin = scan_end - p.length;
    // Separators before the last byte of the match, then before its first byte: back from
    // there over the separators inside this match, of which there are few.
    const std::size_t last = static_cast<std::size_t>(
        std::upper_bound(c.seps, c.seps + c.sep_count, scan_end - 1) - c.seps);
    std::size_t first = last;
    while (first > 0 && c.seps[first - 1] > scan_begin) {
        --first;
    }
    if (last != first && !gaps_fit(c, p, scan_begin, first, last)) {
        return 0;
    }
    std::size_t begin = scan_begin + first;
    std::size_t end = scan_end + last;
    if ((p.head | p.foot) != 0) {
        // Separators at the term's edges must be the bytes written ("-fire").
        const std::string& v = c.group->edge_text[p.edges];
        if (begin < p.head || end + p.foot > c.real.size() ||
            c.real.compare(begin - p.head, p.head, v, 0, p.head) != 0 ||
            c.real.compare(end, p.foot, v, v.size() - p.foot, p.foot) != 0) {
            return 0;
        }
        begin -= p.head;
        end += p.foot;
    }
    if (p.word_first && detail::word_char_before(c.real, begin)) {
        return 0;  // inside a word: "war" in "software"
    }
    const bool end_ok = !p.word_last || !detail::word_char_at(c.real, end);
    std::size_t word_end = end;
    for (std::uint32_t i = p.refs_begin; i < p.refs_end; ++i) {
        const PatternRef& r = c.group->refs[i];
        if (r.prefix) {
            // "strike*": the span covers the whole word ("strikes"), for evidence and NEAR.
            if (word_end == end) {
                while (detail::word_char_at(c.real, word_end)) {
                    ++word_end;
                    while (word_end < c.real.size() &&
                           (static_cast<unsigned char>(c.real[word_end]) & 0xC0) == 0x80) {
                        ++word_end;
                    }
                }
            }
            record(c, r.term, begin, word_end);
        } else if (end_ok) {
            record(c, r.term, begin, end);
        }
    }
    return 0;  // never stop early: every occurrence may matter for NEAR and evidence
}

// Regex match (SOM_LEFTMOST): one report per end offset; duplicates are merged after the scan.
int on_regex(unsigned int id, unsigned long long from, unsigned long long to, unsigned int,
             void* context) {
    auto& c = *static_cast<ScanContext*>(context);
    record(c, c.group->regex_terms[id], static_cast<std::size_t>(from),
           static_cast<std::size_t>(to));
    return 0;
}

void scan_db(const hs_database_t* db, std::string_view text, hs_scratch_t* scratch,
             match_event_handler handler, ScanContext& ctx) {
    const hs_error_t err =
        hs_scan(db, text.data(), static_cast<unsigned int>(text.size()), 0, scratch, handler, &ctx);
    if (err != HS_SUCCESS && err != HS_SCAN_TERMINATED) {
        die("hs_scan failed with error " + std::to_string(err));
    }
}

#if defined(__SSE2__)
inline void copy16(char* to, const char* from) {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(to),
                     _mm_loadu_si128(reinterpret_cast<const __m128i*>(from)));
}
#endif

// The scan text of `t` into `scan_text` and `separators` (see Pattern and Scratch::seps_).
// Sixteen bytes at a time: each run of bytes between two separators is stored with one
// unaligned 16-byte copy (later stores overwrite what ran past it), so the cost follows the
// number of words rather than bytes. Both buffers get 16 bytes of slack for those stores.
// Returns the scan text's size and the number of separators; the buffers only grow (a resize
// down and back up would zero-fill them again for every field).
std::pair<std::size_t, std::size_t> strip_separators(std::string_view t, std::string& scan_text,
                                                     std::vector<std::uint32_t>& separators) {
    if (scan_text.size() < t.size() + 16) {
        scan_text.resize(t.size() + 16);
    }
    if (separators.size() < t.size() + 1) {
        separators.resize(t.size() + 1);
    }
    const char* in = t.data();
    char* out = scan_text.data();
    std::uint32_t* seps = separators.data();
    std::size_t kept = 0;
    std::size_t removed = 0;
    std::size_t i = 0;
#if defined(__SSE2__)
    // Loads of a run may read up to 16 bytes past its start: stop a block early enough.
    for (; i + 32 <= t.size(); i += 16) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in + i));
        auto mask = static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(
            _mm_cmpeq_epi8(v, _mm_set1_epi8(' ')), _mm_cmpeq_epi8(v, _mm_set1_epi8('-')))));
        unsigned from = 0;
        while (mask != 0) {
            const auto at = static_cast<unsigned>(__builtin_ctz(mask));
            mask &= mask - 1;
            copy16(out + kept, in + i + from);
            kept += at - from;
            seps[removed++] = static_cast<std::uint32_t>(kept);
            from = at + 1;
        }
        copy16(out + kept, in + i + from);
        kept += 16 - from;
    }
#endif
    for (; i < t.size(); ++i) {
        const char c = in[i];
        if (c == ' ' || c == '-') {
            seps[removed++] = static_cast<std::uint32_t>(kept);
        } else {
            out[kept++] = c;
        }
    }
    return {kept, removed};
}

}  // namespace

std::unique_ptr<Scratch> CompiledRuleSet::make_scratch() const {
    auto s = std::make_unique<Scratch>();
    s->owner_ = this;
    if (prototype_) {
        hs_scratch_t* clone = nullptr;
        if (hs_clone_scratch(prototype_.get(), &clone) != HS_SUCCESS) {
            die("hs_clone_scratch failed (out of memory?)");
        }
        s->hs_.reset(clone);
    }
    s->term_range_.assign(terms_.size(), {0, 0});
    s->occurrence_count_.assign(terms_.size() * kFields, 0);
    s->candidate_.assign(rules_.size(), 0);
    return s;
}

void CompiledRuleSet::reset(Scratch& s) const {
    for (std::uint32_t t : s.touched_terms_) {
        s.term_range_[t] = {0, 0};
    }
    s.touched_terms_.clear();
    for (std::uint32_t r : s.candidates_) {
        s.candidate_[r] = 0;
    }
    s.candidates_.clear();
    s.occurrences_.clear();
    for (std::uint32_t slot : s.counted_) {
        s.occurrence_count_[slot] = 0;
    }
    s.counted_.clear();
    s.has_text_ = {};
    s.words_end_ = {};
}

void CompiledRuleSet::scan(const Document& doc, Scratch& s) const {
    if (s.owner_ != this) {
        die("a Scratch was used with a rule set other than the one that made it");
    }
    reset(s);
    for (std::uint8_t g = 0; g < kGroups; ++g) {
        const Group& group = groups_[g];
        if (!group.literals && !group.regexes) {
            continue;
        }
        text::NormalizeOptions options;
        options.fold_case = g == kFolded;
        for (std::uint8_t f = 0; f < kFields; ++f) {
            if ((group.fields & (1u << f)) == 0) {
                continue;
            }
            const std::string& raw = doc.field(kFieldOrder[f]);
            if (raw.empty()) {
                continue;
            }
            text::normalize_into(raw, s.text_[g][f], options);
            s.has_text_[g][f] = true;
            std::string_view t = s.text_[g][f].text;
            // hs_scan takes an unsigned int length and offsets are kept in 32 bits.
            t = t.substr(0, std::numeric_limits<std::uint32_t>::max() - 1);
            ScanContext ctx{
                &group,     t, t, nullptr, 0, &s.occurrences_, f, s.occurrence_count_.data(),
                &s.counted_};
            if (group.literals) {
                const auto [kept, removed] = strip_separators(t, s.scan_text_, s.seps_);
                ctx.text = std::string_view(s.scan_text_.data(), kept);
                ctx.seps = s.seps_.data();
                ctx.sep_count = removed;
                scan_db(group.literals.get(), ctx.text, s.hs_.get(), on_literal, ctx);
                ctx.text = t;
            }
            if (group.regexes) {
                scan_db(group.regexes.get(), t, s.hs_.get(), on_regex, ctx);
            }
        }
    }
    auto& occ = s.occurrences_;
    if (occ.empty()) {
        return;
    }
    // Group by term; within a term, document order. Equal starts keep the longest match
    // (a regex reports every end offset of one match).
    std::sort(occ.begin(), occ.end(), [](const Occurrence& a, const Occurrence& b) {
        if (a.term != b.term) {
            return a.term < b.term;
        }
        if (a.field != b.field) {
            return a.field < b.field;
        }
        return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
    });
    std::size_t w = 0;
    for (std::size_t r = 0; r < occ.size(); ++r) {
        if (w > 0 && occ[w - 1].term == occ[r].term && occ[w - 1].field == occ[r].field &&
            occ[w - 1].begin == occ[r].begin) {
            occ[w - 1] = occ[r];
            continue;
        }
        occ[w++] = occ[r];
    }
    occ.resize(w);
    for (std::uint32_t i = 0; i < occ.size();) {
        const std::uint32_t term = occ[i].term;
        std::uint32_t j = i;
        while (j < occ.size() && occ[j].term == term) {
            ++j;
        }
        s.term_range_[term] = {i, j};
        s.touched_terms_.push_back(term);
        for (std::uint32_t k = term_rules_begin_[term]; k < term_rules_begin_[term + 1]; ++k) {
            const std::uint32_t rule = term_rules_[k];
            if (!s.candidate_[rule]) {
                s.candidate_[rule] = 1;
                s.candidates_.push_back(rule);
            }
        }
        i = j;
    }
    std::sort(s.candidates_.begin(), s.candidates_.end());
}

bool CompiledRuleSet::found(const Scratch& s, const TermRef& ref) const {
    const auto [b, e] = s.term_range_[ref.term];
    for (std::uint32_t i = b; i < e; ++i) {
        if ((1u << s.occurrences_[i].field) & ref.fields) {
            return true;
        }
    }
    return false;
}

std::uint32_t CompiledRuleSet::word_ordinal(Scratch& s, std::uint8_t group, std::uint8_t field,
                                            std::uint32_t offset) const {
    // The index of word starts grows only as far as the offsets asked for: NEAR terms found
    // early in a long body do not pay for indexing all of it.
    auto& starts = s.words_[group][field];
    std::uint32_t& done = s.words_end_[group][field];
    if (done == 0) {
        starts.clear();
        s.words_in_word_[group][field] = false;
    }
    const std::string_view t = s.text_[group][field].text;
    if (done <= offset && done < t.size()) {
        bool in_word = s.words_in_word_[group][field];
        std::size_t i = done;
        while (i < t.size() && i <= offset) {
#if defined(__SSE2__)
            // Sixteen ASCII bytes at a time: word-character mask, word starts are its rising
            // edges.
            if (i + 16 <= t.size()) {
                const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(t.data() + i));
                if (_mm_movemask_epi8(v) == 0) {
                    const __m128i lower = _mm_or_si128(v, _mm_set1_epi8(0x20));
                    const __m128i alpha =
                        _mm_and_si128(_mm_cmpgt_epi8(lower, _mm_set1_epi8('a' - 1)),
                                      _mm_cmplt_epi8(lower, _mm_set1_epi8('z' + 1)));
                    const __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)),
                                                        _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)));
                    const auto w =
                        static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(alpha, digit)));
                    unsigned rising = w & ~((w << 1) | (in_word ? 1u : 0u));
                    while (rising != 0) {
                        starts.push_back(static_cast<std::uint32_t>(i) +
                                         static_cast<std::uint32_t>(__builtin_ctz(rising)));
                        rising &= rising - 1;
                    }
                    in_word = ((w >> 15) & 1u) != 0;
                    i += 16;
                    continue;
                }
            }
#endif
            const auto c = static_cast<unsigned char>(t[i]);
            if ((c & 0xC0) == 0x80) {
                ++i;
                continue;  // inside a UTF-8 sequence: decided at its lead byte
            }
            if (c >= 0xE0 && detail::unspaced_at(t, i)) {
                // Chinese, Japanese, Thai...: every character counts as a word, so NEAR/n
                // there means within n characters.
                starts.push_back(static_cast<std::uint32_t>(i));
                in_word = false;
                ++i;
                continue;
            }
            // Not unspaced (just checked), so ww::text's letter test is the whole answer.
            const bool w = c < 0x80
                               ? ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || (c >= '0' && c <= '9')
                               : text::word_char_at(t, i);
            if (w && !in_word) {
                starts.push_back(static_cast<std::uint32_t>(i));
            }
            in_word = w;
            ++i;
        }
        // Stopped at a character boundary past `offset` (or at the end): every start at or
        // before `offset` is in.
        while (i < t.size() && (static_cast<unsigned char>(t[i]) & 0xC0) == 0x80) {
            ++i;
        }
        done = static_cast<std::uint32_t>(i);
        s.words_in_word_[group][field] = in_word;
    }
    // Ordinal of the word containing (or last starting before) `offset`, 1-based.
    return static_cast<std::uint32_t>(std::upper_bound(starts.begin(), starts.end(), offset) -
                                      starts.begin());
}

void CompiledRuleSet::positions(const CompiledRule& rule, std::uint32_t node, Scratch& s,
                                std::vector<WordSpan>& out, bool first_only) const {
    const QNode& q = rule.query[node];
    switch (q.kind) {
        case QueryNode::Kind::Term: {
            const TermRef& ref = rule.query_terms[q.ref];
            const auto [b, e] = s.term_range_[ref.term];
            for (std::uint32_t i = b; i < e; ++i) {
                const Occurrence o = s.occurrences_[i];
                if (((1u << o.field) & ref.fields) == 0) {
                    continue;
                }
                const std::uint32_t last = o.end > o.begin ? o.end - 1 : o.begin;
                out.push_back(WordSpan{o.field, word_ordinal(s, rule.group, o.field, o.begin),
                                       word_ordinal(s, rule.group, o.field, last)});
            }
            return;
        }
        case QueryNode::Kind::Or:
            for (std::uint32_t c : q.children) {
                positions(rule, c, s, out, false);
            }
            return;
        case QueryNode::Kind::Near:
            break;
        default:
            return;  // the parser allows no AND/NOT under NEAR
    }
    std::vector<WordSpan> left;
    std::vector<WordSpan> right;
    positions(rule, q.children[0], s, left, false);
    if (left.empty()) {
        return;
    }
    positions(rule, q.children[1], s, right, false);
    if (right.empty()) {
        return;
    }
    // Sweep: right sorted by (field, first); for each left span look only at right spans
    // whose first word can be within distance (bounded by the longest right span).
    auto by_start = [](const WordSpan& a, const WordSpan& b) {
        return a.field != b.field ? a.field < b.field : a.first < b.first;
    };
    std::sort(right.begin(), right.end(), by_start);
    std::uint32_t longest = 0;
    for (const WordSpan& r : right) {
        longest = std::max(longest, r.last - r.first);
    }
    const auto n = static_cast<std::uint32_t>(q.distance);
    for (const WordSpan& a : left) {
        const std::uint32_t from = a.first > n + longest + 1 ? a.first - n - longest - 1 : 0;
        auto it =
            std::lower_bound(right.begin(), right.end(), WordSpan{a.field, from, 0}, by_start);
        for (; it != right.end() && it->field == a.field && it->first <= a.last + n + 1; ++it) {
            const WordSpan& b = *it;
            bool ok;
            if (q.ordered) {
                // ONEAR: the left operand starts first; at most n words between.
                ok = a.first < b.first && (b.first <= a.last || b.first - a.last - 1 <= n);
            } else {
                const WordSpan& x = a.first <= b.first ? a : b;
                const WordSpan& y = a.first <= b.first ? b : a;
                ok = y.first <= x.last || y.first - x.last - 1 <= n;
            }
            if (ok) {
                out.push_back(
                    WordSpan{a.field, std::min(a.first, b.first), std::max(a.last, b.last)});
                if (first_only) {
                    return;
                }
            }
        }
    }
}

bool CompiledRuleSet::eval_query(const CompiledRule& rule, std::uint32_t node, Scratch& s) const {
    const QNode& q = rule.query[node];
    switch (q.kind) {
        case QueryNode::Kind::Term:
            return found(s, rule.query_terms[q.ref]);
        case QueryNode::Kind::Not:
            return !eval_query(rule, q.children[0], s);
        case QueryNode::Kind::And:
            for (std::uint32_t c : q.children) {
                if (!eval_query(rule, c, s)) {
                    return false;
                }
            }
            return true;
        case QueryNode::Kind::Or:
            for (std::uint32_t c : q.children) {
                if (eval_query(rule, c, s)) {
                    return true;
                }
            }
            return false;
        case QueryNode::Kind::Near: {
            std::vector<WordSpan> spans;
            positions(rule, node, s, spans, true);
            return !spans.empty();
        }
    }
    return false;
}

bool CompiledRuleSet::language_ok(const CompiledRule& rule, const Document& doc) {
    // Test the document first: reaching rule.def is a cache miss per candidate rule.
    if (doc.language.empty() || !rule.has_languages) {
        return true;
    }
    const auto& wanted = rule.def->languages;
    std::string lang = doc.language;
    std::transform(lang.begin(), lang.end(), lang.begin(), [](unsigned char c) {
        return static_cast<char>(c == '_' ? '-' : std::tolower(c));
    });
    const std::string primary = lang.substr(0, lang.find('-'));
    return std::any_of(wanted.begin(), wanted.end(),
                       [&](const std::string& w) { return w == lang || w == primary; });
}

namespace {

bool query_hit(const CompiledRuleSet& set, const CompiledRule& rule, Scratch& s) {
    if (rule.query.empty()) {
        return false;
    }
    // A query needs one of its non-negated terms found: NOT alone never hits.
    const bool any = std::any_of(rule.query_terms.begin(), rule.query_terms.end(),
                                 [&](const TermRef& r) { return r.positive && set.found(s, r); });
    return any && set.eval_query(rule, 0, s);
}

}  // namespace

bool CompiledRuleSet::evaluate(const CompiledRule& rule, const Document& doc, Scratch& s) const {
    bool query = false;
    return evaluate(rule, doc, s, query);
}

bool CompiledRuleSet::evaluate(const CompiledRule& rule, const Document& doc, Scratch& s,
                               bool& query) const {
    query = false;
    if (!language_ok(rule, doc)) {
        return false;
    }
    for (const TermRef& ex : rule.excludes) {
        if (found(s, ex)) {
            return false;
        }
    }
    // The query is evaluated even when a keyword already hit: its terms are evidence too, and
    // make_hit takes the answer from here instead of walking NEAR positions a second time.
    query = query_hit(*this, rule, s);
    if (query) {
        return true;
    }
    for (const auto* list : {&rule.keywords, &rule.regexes}) {
        for (const TermRef& r : *list) {
            if (found(s, r)) {
                return true;
            }
        }
    }
    return false;
}

void CompiledRuleSet::spans_of(const Scratch& s, const Document& doc, const TermRef& ref,
                               std::uint8_t group, std::vector<Span>& out) const {
    const auto [b, e] = s.term_range_[ref.term];
    for (std::uint32_t i = b; i < e; ++i) {
        const Occurrence& o = s.occurrences_[i];
        if (((1u << o.field) & ref.fields) == 0) {
            continue;
        }
        const text::NormalizedText& nt = s.text_[group][o.field];
        // original_match_end, not original_end: a span ending inside the expansion of one
        // character ("wait." of "wait…") covers all of it, and never trailing whitespace.
        const Field field = kFieldOrder[o.field];
        out.push_back(Span{field, nt.original_begin(o.begin),
                           text::original_match_end(nt, doc.field(field), o.end)});
    }
}

Hit CompiledRuleSet::make_hit(const CompiledRule& rule, const Document& doc, Scratch& s,
                              bool query) const {
    // Spans, terms and marks are gathered in the scratch's lists first, so that each of the
    // Hit's vectors is allocated once at its final size: a hit used to grow three vectors
    // push by push, and the allocator's work was a tenth of match() at 10k rules.
    Hit hit;
    hit.rule_id = rule.def->id;
    hit.severity = rule.def->severity;
    hit.tags = rule.def->tags;
    auto& used = s.written_used_;
    used.assign(rule.written.size(), 0);
    auto& spans = s.spans_;
    spans.clear();
    auto take = [&](const TermRef& r) {
        if (r.positive && found(s, r)) {
            used[r.written] = 1;
            spans_of(s, doc, r, rule.group, spans);
        }
    };
    for (const auto& r : rule.keywords) {
        take(r);
    }
    if (query) {
        for (const auto& r : rule.query_terms) {
            take(r);
        }
    }
    for (const auto& r : rule.regexes) {
        take(r);
    }
    hit.terms.reserve(static_cast<std::size_t>(std::count(used.begin(), used.end(), 1)));
    for (std::size_t i = 0; i < used.size(); ++i) {
        if (used[i]) {
            hit.terms.push_back(rule.written[i]);
        }
    }
    std::sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) {
        if (a.field != b.field) {
            return a.field < b.field;
        }
        return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
    });
    spans.erase(std::unique(spans.begin(), spans.end(),
                            [](const Span& a, const Span& b) {
                                return a.field == b.field && a.begin == b.begin && a.end == b.end;
                            }),
                spans.end());
    hit.spans.assign(spans.begin(), spans.end());
    if (!spans.empty()) {
        // The alert shows the title anyway, so a snippet of the title repeats it: when the
        // rule also hit the summary or body, show the first of those spans instead (spans are
        // sorted title, summary, body, url).
        auto chosen = spans.begin();
        if (chosen->field == Field::Title) {
            const auto text_span = std::find_if(spans.begin(), spans.end(), [](const Span& sp) {
                return sp.field == Field::Summary || sp.field == Field::Body;
            });
            if (text_span != spans.end()) {
                chosen = text_span;
            }
        }
        const Span& first = *chosen;
        auto& ranges = s.ranges_;
        ranges.clear();
        for (const Span& sp : spans) {
            if (sp.field == first.field) {
                ranges.emplace_back(sp.begin, sp.end);
            }
        }
        Snippet snippet = make_snippet(doc.field(first.field), first.begin, first.end, ranges);
        hit.snippet = std::move(snippet.text);
        hit.marks = std::move(snippet.marks);
    }
    return hit;
}

std::vector<Hit> CompiledRuleSet::match(const Document& doc, Scratch& s) const {
    scan(doc, s);
    // Rules first, Hits after: the vector of Hits is then allocated once at its final size
    // (reserving one per candidate made a block big enough for the allocator to consolidate
    // its free lists on every document).
    auto& hit_rules = s.hit_rules_;
    hit_rules.clear();
    for (std::uint32_t r : s.candidates_) {
        bool query = false;
        if (evaluate(rules_[r], doc, s, query)) {
            hit_rules.emplace_back(r, query);
        }
    }
    std::vector<Hit> hits;
    hits.reserve(hit_rules.size());
    for (const auto& [r, query] : hit_rules) {
        hits.push_back(make_hit(rules_[r], doc, s, query));
    }
    return hits;
}

}  // namespace ww::rules

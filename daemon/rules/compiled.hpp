#pragma once
// The compiled rule set and its per-thread scratch: private to daemon/rules.
//
// Layout, Suricata-style: every Hyperscan match id is an index into a table. Literal ids index
// `Group::patterns` (one entry per distinct normalized literal term, which fans out to its
// plain and prefix forms); regex ids index `Group::regex_terms`. A term is one distinct thing to
// find (a normalized keyword, phrase or regex); rules refer to terms, so a term shared by many
// rules is matched once. Occurrences of terms are recorded during the scan; booleans, NEAR,
// excludes and languages are evaluated afterwards, only for rules that had a term found.

#include <hs.h>

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "wirewatch/rules/rule_def.hpp"
#include "wirewatch/rules/rule_set.hpp"
#include "wirewatch/text/normalize.hpp"

namespace ww::rules {

namespace detail {

// Which normalization a term is matched against: case-folded (the default) or case kept
// (case_sensitive rules). Each has its own databases and its own normalized copy of the text.
inline constexpr std::size_t kGroups = 2;
inline constexpr std::uint8_t kFolded = 0;
inline constexpr std::uint8_t kExact = 1;

// Field index 0..3 in document order; its ww::Field bit is 1 << index.
inline constexpr std::size_t kFields = 4;
inline constexpr Field kFieldOrder[kFields] = {Field::Title, Field::Summary, Field::Body,
                                               Field::Url};

struct HsDatabaseDeleter {
    void operator()(hs_database_t* db) const { hs_free_database(db); }
};
using HsDatabase = std::unique_ptr<hs_database_t, HsDatabaseDeleter>;

struct HsScratchDeleter {
    void operator()(hs_scratch_t* s) const { hs_free_scratch(s); }
};
using HsScratch = std::unique_ptr<hs_scratch_t, HsScratchDeleter>;

struct Term {
    std::uint8_t group = kFolded;
    bool prefix = false;
    bool regex = false;
    std::string text;  // normalized literal, or the regex pattern
};

// One Hyperscan literal id: one normalized term (and its prefix form, "strike" and
// "strike*" share it). Literals are matched against the "scan text", the normalized text
// without ' ' and '-' (see SeparatorShape in terms.hpp): a term with k gaps is one literal
// instead of 2^k or 3^k spellings, which at 10k watch terms makes the database a third the
// size, its compile ~3x faster and the scan ~1.5x faster. The callback maps the match back to
// the normalized text through the positions of the removed separators (Scratch::seps_) and
// checks that those inside the match sit at the term's gaps.
struct Pattern {
    std::uint32_t length = 0;  // bytes of the literal (separators left out)
    std::uint16_t head = 0;    // leading/trailing separator bytes to compare with the real text
    std::uint16_t foot = 0;
    std::uint32_t edges = 0;  // head|foot: index into Group::edge_text
    // More than kMaxFreeSeparators gaps: the separators found must be none, or one at every
    // gap, all the same byte.
    bool uniform = false;
    bool word_first = false;  // first/last byte is a word character, so a boundary is required
    bool word_last = false;
    std::uint32_t gaps_begin = 0;  // [gaps_begin, gaps_end) into Group::gaps
    std::uint32_t gaps_end = 0;
    std::uint32_t refs_begin = 0;  // [refs_begin, refs_end) into Group::refs
    std::uint32_t refs_end = 0;
};

struct PatternRef {
    std::uint32_t term = 0;
    bool prefix = false;  // no boundary after the literal; the span extends to the word end
};

struct Group {
    HsDatabase literals;
    HsDatabase regexes;
    std::vector<std::string> literal_text;  // by literal id, scan-text form (no separators)
    std::vector<std::string> edge_text;     // the term as normalized, for Pattern::head/foot
    std::vector<Pattern> patterns;          // by literal id
    std::vector<std::uint32_t> gaps;        // Pattern::gaps_begin..gaps_end
    std::vector<PatternRef> refs;
    std::vector<std::uint32_t> regex_terms;  // by regex id
    std::vector<unsigned> regex_flags;       // by regex id
    unsigned fields = 0;                     // union of the fields any rule looks at here
};

// A term as one rule uses it: in which fields, and how the rule wrote it.
struct TermRef {
    std::uint32_t term = 0;
    unsigned fields = 0;
    std::uint32_t written = 0;  // index into CompiledRule::written
    bool positive = true;       // query terms under an odd number of NOTs are not
};

// Query tree with term references resolved; node 0 is the root.
struct QNode {
    QueryNode::Kind kind = QueryNode::Kind::Term;
    std::uint32_t ref = 0;  // Term: index into CompiledRule::query_terms
    int distance = 0;
    bool ordered = false;
    std::vector<std::uint32_t> children;
    const QueryNode* source = nullptr;  // for explain
};

struct CompiledRule {
    std::shared_ptr<const RuleDef> def;
    std::uint8_t group = kFolded;
    bool has_languages = false;        // def->languages is not empty
    std::vector<std::string> written;  // distinct terms as written, in rule order
    std::vector<TermRef> keywords;
    std::vector<TermRef> regexes;
    std::vector<TermRef> excludes;
    std::vector<TermRef> query_terms;
    std::vector<QNode> query;  // empty without a query
};

// Occurrences of one term recorded per field of a document; later ones are not recorded. A
// document that is one word repeated (a scraper loop, an attack) would otherwise grow the
// occurrence list with its size. The term still counts as found; NEAR/ONEAR and evidence spans
// see the first kMaxOccurrences of it in each field, which is plenty for proximity in real
// articles (a term said a thousand times is near everything). A regex counts every end offset
// Hyperscan reports, before they are merged into matches.
inline constexpr std::uint32_t kMaxOccurrences = 1000;

// One found term: normalized byte range in one field of one group's text.
struct Occurrence {
    std::uint32_t term;
    std::uint8_t field;  // index 0..3
    std::uint32_t begin;
    std::uint32_t end;
};

// A term occurrence located in words, for NEAR.
struct WordSpan {
    std::uint8_t field;
    std::uint32_t first;  // 1-based ordinal of the first and last word touched
    std::uint32_t last;
};

}  // namespace detail

class CompiledRuleSet;

class Scratch {
public:
    ~Scratch() = default;

private:
    friend class CompiledRuleSet;
    friend std::string explain(const RuleDef&, const Document&);

    const CompiledRuleSet* owner_ = nullptr;
    detail::HsScratch hs_;
    std::vector<detail::Occurrence> occurrences_;
    // Occurrences recorded per (term * kFields + field), for kMaxOccurrences; only the
    // indices in counted_ are nonzero.
    std::vector<std::uint16_t> occurrence_count_;
    std::vector<std::uint32_t> counted_;
    // Per term: [first, last) into occurrences_ after sorting; only touched terms are set.
    std::vector<std::pair<std::uint32_t, std::uint32_t>> term_range_;
    std::vector<std::uint32_t> touched_terms_;
    std::vector<std::uint8_t> candidate_;
    std::vector<std::uint32_t> candidates_;
    std::array<std::array<text::NormalizedText, detail::kFields>, detail::kGroups> text_;
    // text_ without ' ' and '-', for the literal databases (Pattern). Both buffers only grow;
    // scan() knows how much of each belongs to the field being scanned.
    std::string scan_text_;
    // For each separator left out of scan_text_, in order, the scan_text_ offset it preceded:
    // the k-th one was at offset seps_[k] + k of the normalized text.
    std::vector<std::uint32_t> seps_;
    std::array<std::array<bool, detail::kFields>, detail::kGroups> has_text_{};
    // Word start offsets, built only when a NEAR rule needs them and only as far as asked:
    // complete for the field's first words_end_ bytes (0: not started for this document);
    // words_in_word_ says whether the byte before words_end_ is inside a word.
    std::array<std::array<std::vector<std::uint32_t>, detail::kFields>, detail::kGroups> words_;
    std::array<std::array<std::uint32_t, detail::kFields>, detail::kGroups> words_end_{};
    std::array<std::array<bool, detail::kFields>, detail::kGroups> words_in_word_{};
    // match()'s and make_hit's working lists, kept so that a Hit's own vectors are allocated
    // once each, at their final size.
    std::vector<std::pair<std::uint32_t, bool>> hit_rules_;  // rule index, query hit
    std::vector<std::uint8_t> written_used_;
    std::vector<Span> spans_;
    std::vector<std::pair<std::size_t, std::size_t>> ranges_;
};

class CompiledRuleSet final : public RuleSet {
public:
    std::size_t size() const override { return rules_.size(); }
    const std::vector<RuleInfo>& rules() const override { return info_; }
    const CompileStats& stats() const override { return stats_; }
    std::unique_ptr<Scratch> make_scratch() const override;
    std::vector<Hit> match(const Document& doc, Scratch& scratch) const override;

    // Pieces of match(), also used by explain().
    void scan(const Document& doc, Scratch& s) const;
    bool evaluate(const detail::CompiledRule& rule, const Document& doc, Scratch& s) const;
    // Same, and whether the rule's query hit (false without a query).
    bool evaluate(const detail::CompiledRule& rule, const Document& doc, Scratch& s,
                  bool& query) const;
    void reset(Scratch& s) const;
    bool found(const Scratch& s, const detail::TermRef& ref) const;
    void positions(const detail::CompiledRule& rule, std::uint32_t node, Scratch& s,
                   std::vector<detail::WordSpan>& out, bool first_only) const;
    bool eval_query(const detail::CompiledRule& rule, std::uint32_t node, Scratch& s) const;
    static bool language_ok(const detail::CompiledRule& rule, const Document& doc);
    // Original-text spans of `ref` in document order.
    void spans_of(const Scratch& s, const Document& doc, const detail::TermRef& ref,
                  std::uint8_t group, std::vector<Span>& out) const;

    std::vector<detail::Term> terms_;
    std::array<detail::Group, detail::kGroups> groups_;
    std::vector<detail::CompiledRule> rules_;
    std::vector<RuleInfo> info_;
    // Which rules to evaluate when a term is found (positive references only), CSR layout.
    std::vector<std::uint32_t> term_rules_begin_;
    std::vector<std::uint32_t> term_rules_;
    detail::HsScratch prototype_;
    CompileStats stats_;

private:
    // `query`: the rule's query hit (from evaluate), so its terms are evidence too.
    Hit make_hit(const detail::CompiledRule& rule, const Document& doc, Scratch& s,
                 bool query) const;
    std::uint32_t word_ordinal(Scratch& s, std::uint8_t group, std::uint8_t field,
                               std::uint32_t offset) const;
};

}  // namespace ww::rules

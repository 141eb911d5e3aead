// compile(): rule definitions -> term tables -> Hyperscan databases (or the cached ones).

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <unordered_map>

#include "rules/cache.hpp"
#include "rules/compiled.hpp"
#include "rules/terms.hpp"

namespace ww::rules {

namespace {

using namespace detail;

// Bump when the meaning of the term tables changes in a way the patterns do not show
// (e.g. literal id assignment), so old caches are not reused.
constexpr std::string_view kCacheSchema = "wirewatch rules cache 3";

std::shared_ptr<spdlog::logger> logger() {
    if (auto existing = spdlog::get("rules")) {
        return existing;
    }
    auto created = spdlog::default_logger()->clone("rules");
    try {
        spdlog::register_logger(created);
    } catch (const spdlog::spdlog_ex&) {
        // Another thread registered it first; use theirs.
        if (auto existing = spdlog::get("rules")) {
            return existing;
        }
    }
    return created;
}

unsigned regex_flags(std::uint8_t group) {
    // SOM_LEFTMOST: evidence needs where a match starts, not only where it ends.
    // UTF8: the normalized text is UTF-8, so '.' and classes take whole code points.
    // No UCP: Hyperscan rejects \b in UCP mode, and `\bsanctions?\b` is the most common
    // rule regex. \w, \d and \b are therefore ASCII; the text is diacritic-folded, so Latin
    // scripts behave as expected, and \p{L} is there for the others.
    // CASELESS on the folded text too: the text is folded but the pattern is not.
    unsigned flags = HS_FLAG_SOM_LEFTMOST | HS_FLAG_UTF8;
    if (group == kFolded) {
        flags |= HS_FLAG_CASELESS;
    }
    return flags;
}

struct CompileErrorDeleter {
    void operator()(hs_compile_error_t* e) const { hs_free_compile_error(e); }
};
using CompileError = std::unique_ptr<hs_compile_error_t, CompileErrorDeleter>;

class Builder {
public:
    Builder(CompiledRuleSet& set, Diagnostics& diags) : set_(set), diags_(diags) {}

    void add_rule(const std::shared_ptr<const RuleDef>& def) {
        CompiledRule rule;
        rule.def = def;
        rule.group = def->case_sensitive ? kExact : kFolded;
        rule.has_languages = !def->languages.empty();
        const std::uint32_t index = static_cast<std::uint32_t>(set_.rules_.size());

        for (const TermDef& kw : def->keywords) {
            rule.keywords.push_back(
                ref(rule, literal_term(kw.text, rule.group), def->fields, kw.text, true));
        }
        if (def->parsed_query) {
            add_query_node(rule, *def->parsed_query, true);
        }
        for (const RegexDef& re : def->regex) {
            rule.regexes.push_back(
                ref(rule, regex_term(re, rule.group, *def), def->fields, re.pattern, true));
        }
        for (const TermDef& ex : def->exclude) {
            std::string_view text = ex.text;
            const unsigned scope = take_field_scope(text);
            rule.excludes.push_back(ref(rule, literal_term(std::string(text), rule.group),
                                        scope != 0 ? scope : def->fields, ex.text, false));
        }
        for (const auto* list :
             {&rule.keywords, &rule.regexes, &rule.query_terms, &rule.excludes}) {
            for (const TermRef& r : *list) {
                set_.groups_[rule.group].fields |= r.fields;
                if (r.positive) {
                    link(r.term, index);
                }
            }
        }
        RuleInfo info;
        info.id = def->id;
        info.severity = def->severity;
        info.tags = def->tags;
        info.where = def->where;
        set_.info_.push_back(std::move(info));
        set_.rules_.push_back(std::move(rule));
    }

    // Terms -> Hyperscan literal ids, per group; term -> rules index.
    void build_tables() {
        for (std::uint8_t g = 0; g < kGroups; ++g) {
            Group& group = set_.groups_[g];
            // "strike" and "strike*" are one literal with two refs.
            std::unordered_map<std::string_view, std::uint32_t> ids;
            ids.reserve(set_.terms_.size());
            // (literal id, ref) in term order, grouped by id below: no vector per literal.
            std::vector<std::pair<std::uint32_t, PatternRef>> refs;
            for (std::uint32_t t = 0; t < set_.terms_.size(); ++t) {
                const Term& term = set_.terms_[t];
                if (term.group != g || term.regex) {
                    continue;
                }
                auto [it, inserted] =
                    ids.emplace(term.text, static_cast<std::uint32_t>(group.patterns.size()));
                if (inserted) {
                    SeparatorShape shape = separator_shape(term.text);
                    if (shape.literal.empty()) {
                        ids.erase(it);
                        continue;  // only separators: rejected by the loader, never matches
                    }
                    group.patterns.push_back(pattern(group, term.text, shape));
                    group.literal_text.push_back(std::move(shape.literal));
                }
                refs.emplace_back(it->second, PatternRef{t, term.prefix});
            }
            std::stable_sort(refs.begin(), refs.end(),
                             [](const auto& a, const auto& b) { return a.first < b.first; });
            group.refs.reserve(refs.size());
            std::size_t r = 0;
            for (std::uint32_t id = 0; id < group.patterns.size(); ++id) {
                Pattern& p = group.patterns[id];
                p.refs_begin = static_cast<std::uint32_t>(group.refs.size());
                for (; r < refs.size() && refs[r].first == id; ++r) {
                    group.refs.push_back(refs[r].second);
                }
                p.refs_end = static_cast<std::uint32_t>(group.refs.size());
            }
        }
        // term -> rules, CSR; a rule that uses a term twice is listed once.
        std::stable_sort(term_rules_.begin(), term_rules_.end(),
                         [](const auto& a, const auto& b) { return a.first < b.first; });
        term_rules_.erase(std::unique(term_rules_.begin(), term_rules_.end()), term_rules_.end());
        set_.term_rules_.reserve(term_rules_.size());
        set_.term_rules_begin_.reserve(set_.terms_.size() + 1);
        set_.term_rules_begin_.push_back(0);
        std::size_t k = 0;
        for (std::uint32_t t = 0; t < set_.terms_.size(); ++t) {
            for (; k < term_rules_.size() && term_rules_[k].first == t; ++k) {
                set_.term_rules_.push_back(term_rules_[k].second);
            }
            set_.term_rules_begin_.push_back(static_cast<std::uint32_t>(set_.term_rules_.size()));
        }
    }

    // Every regex on its own first, so each bad one is reported at its rule (a multi-pattern
    // compile stops at the first error).
    void check_regexes() {
        for (const auto& [def, re, group] : regex_uses_) {
            hs_expr_info_t* info = nullptr;
            hs_compile_error_t* raw = nullptr;
            if (hs_expression_info(re->pattern.c_str(), regex_flags(group), &info, &raw) !=
                HS_SUCCESS) {
                CompileError err(raw);
                regex_error(*def, *re, err ? err->message : "unknown error");
                continue;
            }
            std::free(info);  // allocated with Hyperscan's misc allocator (malloc by default)
        }
    }

    std::array<bool, kSlots> expected_slots() const {
        std::array<bool, kSlots> out{};
        for (std::size_t g = 0; g < kGroups; ++g) {
            out[g * 2] = !set_.groups_[g].literal_text.empty();
            out[g * 2 + 1] = !set_.groups_[g].regex_terms.empty();
        }
        return out;
    }

    // Everything that decides what the databases contain and how they behave.
    Hash128 cache_key() const {
        Fnv1a128 h;
        h.str(kCacheSchema);
        h.str(hs_version());
        hs_platform_info_t platform{};
        if (hs_populate_platform(&platform) == HS_SUCCESS) {
            h.u64(platform.tune);
            h.u64(platform.cpu_features);
            h.u64(platform.reserved1);
            h.u64(platform.reserved2);
        }
        h.u64(HS_MODE_BLOCK);
        for (std::size_t g = 0; g < kGroups; ++g) {
            const Group& group = set_.groups_[g];
            h.u64(group.literal_text.size());
            for (const auto& lit : group.literal_text) {
                h.str(lit);  // flags 0, id = index
            }
            h.u64(group.regex_terms.size());
            for (std::size_t i = 0; i < group.regex_terms.size(); ++i) {
                h.str(set_.terms_[group.regex_terms[i]].text);
                h.u64(group.regex_flags[i]);
            }
        }
        return h.digest();
    }

    bool compile_databases(DatabaseSlots& dbs) {
        for (std::uint8_t g = 0; g < kGroups; ++g) {
            const Group& group = set_.groups_[g];
            if (!group.literal_text.empty() && !compile_literals(group, dbs[g * 2])) {
                return false;
            }
            if (!group.regex_terms.empty() && !compile_regexes(group, dbs[g * 2 + 1])) {
                return false;
            }
        }
        return true;
    }

private:
    static Pattern pattern(Group& group, const std::string& text, const SeparatorShape& shape) {
        Pattern p;
        p.length = static_cast<std::uint32_t>(shape.literal.size());
        p.head = static_cast<std::uint16_t>(shape.head);
        p.foot = static_cast<std::uint16_t>(shape.foot);
        if (shape.head + shape.foot > 0) {
            p.edges = static_cast<std::uint32_t>(group.edge_text.size());
            group.edge_text.push_back(text);
        }
        p.uniform = shape.gaps.size() > kMaxFreeSeparators;
        p.word_first = shape.head == 0 && detail::word_char_at(shape.literal, 0);
        p.word_last =
            shape.foot == 0 && detail::word_char_before(shape.literal, shape.literal.size());
        p.gaps_begin = static_cast<std::uint32_t>(group.gaps.size());
        group.gaps.insert(group.gaps.end(), shape.gaps.begin(), shape.gaps.end());
        p.gaps_end = static_cast<std::uint32_t>(group.gaps.size());
        return p;
    }

    TermRef ref(CompiledRule& rule, std::uint32_t term, unsigned fields, const std::string& written,
                bool positive) {
        TermRef r;
        r.term = term;
        r.fields = fields;
        r.positive = positive;
        auto it = std::find(rule.written.begin(), rule.written.end(), written);
        if (positive) {
            r.written = static_cast<std::uint32_t>(it - rule.written.begin());
            if (it == rule.written.end()) {
                rule.written.push_back(written);
            }
        }
        return r;
    }

    std::uint32_t add_query_node(CompiledRule& rule, const QueryNode& n, bool positive) {
        const auto index = static_cast<std::uint32_t>(rule.query.size());
        rule.query.emplace_back();
        QNode q;
        q.kind = n.kind;
        q.distance = n.distance;
        q.ordered = n.ordered;
        q.source = &n;
        if (n.kind == QueryNode::Kind::Term) {
            const std::string written = n.text + (n.prefix ? "*" : "");
            q.ref = static_cast<std::uint32_t>(rule.query_terms.size());
            const unsigned fields = n.fields != 0 ? n.fields : rule.def->fields;
            rule.query_terms.push_back(
                ref(rule, literal_term(written, rule.group), fields, written, positive));
        } else {
            const bool child_positive = n.kind == QueryNode::Kind::Not ? !positive : positive;
            for (const QueryNode& c : n.children) {
                q.children.push_back(add_query_node(rule, c, child_positive));
            }
        }
        rule.query[index] = std::move(q);
        return index;
    }

    std::uint32_t literal_term(const std::string& written, std::uint8_t group) {
        TermText norm = normalize_term(written, group == kExact);
        std::string key;
        key += static_cast<char>('0' + group);
        key += norm.prefix ? '*' : '=';
        key += norm.normalized;
        return intern(key, Term{group, norm.prefix, false, std::move(norm.normalized)});
    }

    std::uint32_t regex_term(const RegexDef& re, std::uint8_t group, const RuleDef& def) {
        regex_uses_.push_back({&def, &re, group});
        std::string key;
        key += static_cast<char>('0' + group);
        key += 'r';
        key += re.pattern;
        const auto before = set_.terms_.size();
        std::uint32_t t = intern(key, Term{group, false, true, re.pattern});
        if (set_.terms_.size() != before) {
            Group& g = set_.groups_[group];
            g.regex_terms.push_back(t);
            g.regex_flags.push_back(regex_flags(group));
            regex_first_use_[group].push_back({&def, &re});
        }
        return t;
    }

    std::uint32_t intern(const std::string& key, Term term) {
        auto [it, inserted] =
            term_index_.emplace(key, static_cast<std::uint32_t>(set_.terms_.size()));
        if (inserted) {
            set_.terms_.push_back(std::move(term));
        }
        return it->second;
    }

    void link(std::uint32_t term, std::uint32_t rule) { term_rules_.emplace_back(term, rule); }

    void regex_error(const RuleDef& def, const RegexDef& re, const std::string& message) {
        diags_.error(re.where, "rule \"" + def.id + "\": regex '" + re.pattern +
                                   "' is not supported by Hyperscan: " + message);
    }

    bool compile_literals(const Group& group, HsDatabase& out) {
        const std::size_t n = group.literal_text.size();
        std::vector<const char*> exprs(n);
        std::vector<std::size_t> lens(n);
        std::vector<unsigned> ids(n);
        // No CASELESS: both sides are already folded (or deliberately not, for the exact
        // group). No SOM: start = end - length for a literal.
        std::vector<unsigned> flags(n, 0);
        for (std::size_t i = 0; i < n; ++i) {
            exprs[i] = group.literal_text[i].data();
            lens[i] = group.literal_text[i].size();
            ids[i] = static_cast<unsigned>(i);  // id = index into Group::patterns
        }
        hs_database_t* db = nullptr;
        hs_compile_error_t* raw = nullptr;
        if (hs_compile_lit_multi(exprs.data(), flags.data(), ids.data(), lens.data(),
                                 static_cast<unsigned>(n), HS_MODE_BLOCK, nullptr, &db,
                                 &raw) != HS_SUCCESS) {
            CompileError err(raw);
            diags_.error(Location{}, std::string("cannot compile the keyword database: ") +
                                         (err ? err->message : "unknown error"));
            return false;
        }
        out.reset(db);
        return true;
    }

    bool compile_regexes(const Group& group, HsDatabase& out) {
        const std::size_t n = group.regex_terms.size();
        std::vector<const char*> exprs(n);
        std::vector<unsigned> ids(n);
        for (std::size_t i = 0; i < n; ++i) {
            exprs[i] = set_.terms_[group.regex_terms[i]].text.c_str();
            ids[i] = static_cast<unsigned>(i);  // id = index into Group::regex_terms
        }
        hs_database_t* db = nullptr;
        hs_compile_error_t* raw = nullptr;
        if (hs_compile_multi(exprs.data(), group.regex_flags.data(), ids.data(),
                             static_cast<unsigned>(n), HS_MODE_BLOCK, nullptr, &db,
                             &raw) != HS_SUCCESS) {
            CompileError err(raw);
            const std::string message = err ? err->message : "unknown error";
            // expression >= 0 names the pattern (e.g. "Pattern is too large" under SOM).
            const auto g = static_cast<std::size_t>(&group - set_.groups_.data());
            if (err && err->expression >= 0 &&
                static_cast<std::size_t>(err->expression) < regex_first_use_[g].size()) {
                const auto& [def, re] = regex_first_use_[g][err->expression];
                regex_error(*def, *re, message);
                return false;
            }
            diags_.error(Location{}, "cannot compile the regex database: " + message);
            return false;
        }
        out.reset(db);
        return true;
    }

    struct RegexUse {
        const RuleDef* def;
        const RegexDef* re;
        std::uint8_t group;
    };

    CompiledRuleSet& set_;
    Diagnostics& diags_;
    std::unordered_map<std::string, std::uint32_t> term_index_;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> term_rules_;  // (term, rule)
    std::vector<RegexUse> regex_uses_;
    // By group and regex id: the rule that introduced the pattern, to locate compile errors.
    std::array<std::vector<std::pair<const RuleDef*, const RegexDef*>>, kGroups> regex_first_use_;
};

// Scratch sized for every database: one prototype, cloned per thread by make_scratch().
bool attach(CompiledRuleSet& set, DatabaseSlots& dbs, std::string& why) {
    hs_scratch_t* proto = nullptr;
    for (auto& db : dbs) {
        if (db && hs_alloc_scratch(db.get(), &proto) != HS_SUCCESS) {
            hs_free_scratch(proto);
            why = "cannot allocate Hyperscan scratch";
            return false;
        }
    }
    set.prototype_.reset(proto);
    std::size_t bytes = 0;
    for (std::size_t g = 0; g < kGroups; ++g) {
        set.groups_[g].literals = std::move(dbs[g * 2]);
        set.groups_[g].regexes = std::move(dbs[g * 2 + 1]);
        for (const auto* db : {set.groups_[g].literals.get(), set.groups_[g].regexes.get()}) {
            std::size_t size = 0;
            if (db != nullptr && hs_database_size(db, &size) == HS_SUCCESS) {
                bytes += size;
            }
        }
    }
    set.stats_.database_bytes = bytes;
    return true;
}

}  // namespace

std::shared_ptr<const RuleSet> compile(const std::vector<std::shared_ptr<const RuleDef>>& rules,
                                       const CompileOptions& options, Diagnostics& diags) {
    const auto start = std::chrono::steady_clock::now();
    const int errors_before = diags.error_count();
    auto set = std::make_shared<CompiledRuleSet>();
    Builder builder(*set, diags);
    for (const auto& rule : rules) {
        builder.add_rule(rule);
    }
    builder.build_tables();
    builder.check_regexes();
    if (diags.error_count() != errors_before) {
        return nullptr;
    }
    for (const auto& g : set->groups_) {
        set->stats_.literal_patterns += g.literal_text.size();
        set->stats_.regex_patterns += g.regex_terms.size();
    }

    DatabaseSlots dbs;
    const auto expected = builder.expected_slots();
    const Hash128 key = builder.cache_key();
    std::filesystem::path file;
    bool loaded = false;
    std::string why;
    if (!options.cache_dir.empty()) {
        file = cache_file(options.cache_dir, key);
        set->stats_.cache_file = file;
        std::error_code ec;
        if (std::filesystem::exists(file, ec)) {
            loaded = load_cache(file, key, expected, dbs, why) && attach(*set, dbs, why);
            if (!loaded) {
                logger()->warn("rule cache unusable, recompiling: file={} reason=\"{}\"",
                               file.string(), why);
                dbs = DatabaseSlots{};
            }
        }
    }
    if (!loaded) {
        if (!builder.compile_databases(dbs)) {
            return nullptr;
        }
        if (!file.empty() && !write_cache(file, key, dbs, why)) {
            logger()->warn("cannot write rule cache: file={} reason=\"{}\"", file.string(), why);
        }
        if (!attach(*set, dbs, why)) {
            diags.error(Location{}, why);
            return nullptr;
        }
    }
    set->stats_.from_cache = loaded;
    set->stats_.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return set;
}

}  // namespace ww::rules

// Rule files: TOML schema, validation, query parsing and load-time warnings.

#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>

#include "rules/terms.hpp"
#include "wirewatch/rules/rule_def.hpp"

namespace ww::rules {

namespace {

const std::vector<std::string> kRuleKeys = {
    "id",   "description", "keywords", "query",     "regex",          "exclude",
    "tags", "severity",    "fields",   "languages", "case_sensitive",
};
const std::vector<std::string> kFieldNames = {"title", "summary", "body", "url"};
const std::vector<std::string> kSeverityNames = {"info", "low", "medium", "high", "critical"};

// Beyond this many distinct terms the can-never-match check (2^n assignments) is skipped.
constexpr std::size_t kMaxSatisfiabilityTerms = 14;

std::size_t utf8_length(unsigned char lead) {
    if (lead < 0x80) {
        return 1;
    }
    if ((lead >> 5) == 0x6) {
        return 2;
    }
    if ((lead >> 4) == 0xE) {
        return 3;
    }
    if ((lead >> 3) == 0x1E) {
        return 4;
    }
    return 1;
}

std::size_t code_points(std::string_view s) {
    std::size_t n = 0;
    for (char c : s) {
        n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    }
    return n;
}

// The raw file, kept to turn an offset inside a decoded TOML string back into a file column
// (toml++ only knows where the string starts; escapes and multi-byte characters shift it).
class Source {
public:
    Source(std::string_view text, std::string path) : path_(std::move(path)) {
        std::size_t start = 0;
        while (start <= text.size()) {
            std::size_t nl = text.find('\n', start);
            if (nl == std::string_view::npos) {
                lines_.push_back(text.substr(start));
                break;
            }
            std::string_view line = text.substr(start, nl - start);
            if (!line.empty() && line.back() == '\r') {
                line.remove_suffix(1);
            }
            lines_.push_back(line);
            start = nl + 1;
        }
    }

    const std::string& path() const { return path_; }

    Location at(const toml::source_position& p) const {
        return Location{path_, static_cast<int>(p.line), static_cast<int>(p.column)};
    }
    Location at(const toml::node& n) const { return at(n.source().begin); }

    // The file position of byte `offset` of the decoded string whose opening quote is at `p`.
    Location inside_string(const toml::source_position& p, std::size_t offset) const {
        std::size_t line = p.line;
        int col = static_cast<int>(p.column);
        if (line == 0 || line > lines_.size()) {
            return at(p);
        }
        std::string_view raw = lines_[line - 1];
        std::size_t i = byte_of_column(raw, col);
        const bool basic = i < raw.size() && raw[i] == '"';
        const bool multi = raw.substr(i, 3) == "'''" || raw.substr(i, 3) == "\"\"\"";
        const std::size_t delim = multi ? 3 : 1;
        i += delim;
        col += static_cast<int>(delim);
        if (multi && i == raw.size() && line < lines_.size()) {
            // TOML drops a newline right after the opening delimiter.
            raw = lines_[line++];
            i = 0;
            col = 1;
        }
        std::size_t decoded = 0;
        while (decoded < offset) {
            if (i >= raw.size()) {
                if (line >= lines_.size()) {
                    break;
                }
                raw = lines_[line++];
                i = 0;
                col = 1;
                decoded += 1;  // the newline itself
                continue;
            }
            std::size_t raw_len = utf8_length(static_cast<unsigned char>(raw[i]));
            std::size_t out_len = raw_len;
            int cols = 1;
            if (basic && raw[i] == '\\' && i + 1 < raw.size()) {
                const char e = raw[i + 1];
                if (e == 'u' || e == 'U') {
                    raw_len = e == 'u' ? 6 : 10;
                    unsigned long cp = std::strtoul(
                        std::string(raw.substr(i + 2, raw_len - 2)).c_str(), nullptr, 16);
                    out_len = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
                } else {
                    raw_len = 2;
                    out_len = 1;
                }
                cols = static_cast<int>(raw_len);
            }
            if (decoded + out_len > offset) {
                break;
            }
            decoded += out_len;
            i += std::min(raw_len, raw.size() - i);
            col += cols;
        }
        return Location{path_, static_cast<int>(line), col};
    }

private:
    static std::size_t byte_of_column(std::string_view raw, int column) {
        std::size_t i = 0;
        for (int c = 1; c < column && i < raw.size(); ++c) {
            i += utf8_length(static_cast<unsigned char>(raw[i]));
        }
        return std::min(i, raw.size());
    }

    std::string path_;
    std::vector<std::string_view> lines_;
};

// Two-line caret display appended to query diagnostics.
std::string caret(std::string_view query, std::size_t offset) {
    std::string shown(query);
    std::replace(shown.begin(), shown.end(), '\n', ' ');
    std::replace(shown.begin(), shown.end(), '\t', ' ');
    offset = std::min(offset, query.size());
    if (query.find_first_not_of(" \t\n") == std::string_view::npos) {
        return "";  // nothing to point into
    }
    return "\n    " + shown + "\n    " + std::string(code_points(query.substr(0, offset)), ' ') +
           "^";
}

class RuleLoader {
public:
    RuleLoader(const Source& src, Diagnostics& diags) : src_(src), diags_(diags) {}

    void load(const toml::table& root, std::vector<std::shared_ptr<const RuleDef>>& out) {
        for (const auto& [key, node] : root) {
            if (key.str() == "rule") {
                continue;
            }
            std::string hint = did_you_mean(std::string(key.str()), {"rule"});
            diags_.error(src_.at(key.source().begin),
                         "unknown top-level key '" + std::string(key.str()) + "'" +
                             (hint.empty() ? std::string(" (rules go in [[rule]] tables)")
                                           : " (did you mean '" + hint + "'?)"));
        }
        const toml::node* rules = root.get("rule");
        if (rules == nullptr) {
            return;
        }
        const toml::array* array = rules->as_array();
        if (array == nullptr) {
            diags_.error(src_.at(*rules), "'rule' must be an array of tables: write [[rule]]");
            return;
        }
        int index = 0;
        for (const toml::node& element : *array) {
            ++index;
            const toml::table* table = element.as_table();
            if (table == nullptr) {
                diags_.error(src_.at(element), "rule #" + std::to_string(index) +
                                                   ": must be a table: write [[rule]]");
                continue;
            }
            auto rule = load_rule(*table, index);
            if (rule) {
                out.push_back(std::move(rule));
            }
        }
    }

private:
    std::shared_ptr<const RuleDef> load_rule(const toml::table& table, int index) {
        auto rule = std::make_shared<RuleDef>();
        rule->where = src_.at(table);
        label_ = "rule #" + std::to_string(index);
        const int errors_before = diags_.error_count();

        if (const toml::node* id = table.get("id")) {
            rule->id_where = src_.at(*id);
            const auto* s = id->as_string();
            if (s == nullptr || s->get().empty()) {
                error(*id, "'id' must be a non-empty string");
            } else {
                rule->id = s->get();
                label_ = "rule \"" + rule->id + "\"";
            }
        } else {
            error(rule->where, "missing 'id' (every rule needs a unique id)");
        }

        // Report in file order, not the table's (alphabetical) order.
        std::vector<std::pair<const toml::key*, const toml::node*>> entries;
        for (const auto& [key, node] : table) {
            entries.emplace_back(&key, &node);
        }
        std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
            const auto& pa = a.first->source().begin;
            const auto& pb = b.first->source().begin;
            return pa.line != pb.line ? pa.line < pb.line : pa.column < pb.column;
        });

        for (const auto& [key_ptr, node_ptr] : entries) {
            const std::string key(key_ptr->str());
            const toml::node& node = *node_ptr;
            if (key == "id") {
                continue;
            }
            if (key == "description") {
                read_string(node, key, rule->description);
            } else if (key == "keywords") {
                read_terms(node, key, rule->keywords);
            } else if (key == "exclude") {
                read_terms(node, key, rule->exclude);
            } else if (key == "query") {
                read_string(node, key, rule->query);
                rule->query_where = src_.inside_string(node.source().begin, 0);
            } else if (key == "regex") {
                read_regexes(node, *rule);
            } else if (key == "tags") {
                read_strings(node, key, rule->tags);
            } else if (key == "severity") {
                read_severity(node, *rule);
            } else if (key == "fields") {
                read_fields(node, *rule);
            } else if (key == "languages") {
                read_languages(node, *rule);
            } else if (key == "case_sensitive") {
                if (const auto* b = node.as_boolean()) {
                    rule->case_sensitive = b->get();
                } else {
                    error(node, "'case_sensitive' must be true or false");
                }
            } else {
                std::string hint = did_you_mean(key, kRuleKeys);
                error(src_.at(key_ptr->source().begin),
                      "unknown key '" + key + "'" +
                          (hint.empty() ? std::string() : " (did you mean '" + hint + "'?)"));
            }
        }

        // Normalization depends on case_sensitive, which may come after the terms in the file.
        check_terms(rule->keywords, "keyword", *rule, true);
        check_terms(rule->exclude, "exclude term", *rule, false);

        if (rule->keywords.empty() && rule->regex.empty() && !table.contains("query") &&
            diags_.error_count() == errors_before) {
            error(rule->where, "has no keywords, query or regex, so it can never match");
        }
        if (const toml::node* q = table.get("query"); q != nullptr && q->is_string()) {
            parse_rule_query(*q, *rule);
        }
        if (diags_.error_count() != errors_before) {
            return nullptr;
        }
        return rule;
    }

    void error(const toml::node& node, const std::string& message) {
        error(src_.at(node), message);
    }
    void error(Location where, const std::string& message) {
        diags_.error(std::move(where), label_ + ": " + message);
    }
    void warning(Location where, const std::string& message) {
        diags_.warning(std::move(where), label_ + ": " + message);
    }

    void read_string(const toml::node& node, const std::string& key, std::string& out) {
        if (const auto* s = node.as_string()) {
            out = s->get();
        } else {
            error(node, "'" + key + "' must be a string");
        }
    }

    // Calls `each` for every string element; reports non-arrays and non-strings.
    template <typename F>
    void for_each_string(const toml::node& node, const std::string& key, F each) {
        const toml::array* array = node.as_array();
        if (array == nullptr) {
            error(node, "'" + key + "' must be an array of strings, e.g. " + key + " = [\"...\"]");
            return;
        }
        for (const toml::node& element : *array) {
            if (const auto* s = element.as_string()) {
                each(s->get(), element);
            } else {
                error(element, "'" + key + "' must contain only strings");
            }
        }
    }

    void read_strings(const toml::node& node, const std::string& key,
                      std::vector<std::string>& out) {
        for_each_string(node, key,
                        [&](const std::string& s, const toml::node&) { out.push_back(s); });
    }

    void read_terms(const toml::node& node, const std::string& key, std::vector<TermDef>& out) {
        for_each_string(node, key, [&](const std::string& s, const toml::node& element) {
            out.push_back(TermDef{s, src_.at(element)});
        });
    }

    void read_regexes(const toml::node& node, RuleDef& rule) {
        for_each_string(node, "regex", [&](const std::string& s, const toml::node& element) {
            if (s.empty()) {
                error(element, "empty regex");
                return;
            }
            rule.regex.push_back(RegexDef{s, src_.at(element)});
        });
    }

    void read_severity(const toml::node& node, RuleDef& rule) {
        const auto* s = node.as_string();
        if (s == nullptr) {
            error(node, "'severity' must be a string: info, low, medium, high or critical");
            return;
        }
        if (!parse_severity(s->get(), rule.severity)) {
            std::string hint = did_you_mean(s->get(), kSeverityNames);
            error(node, "unknown severity '" + s->get() + "'" +
                            (hint.empty() ? std::string() : " (did you mean '" + hint + "'?)") +
                            "; expected info, low, medium, high or critical");
        }
    }

    void read_fields(const toml::node& node, RuleDef& rule) {
        unsigned bits = 0;
        bool any = false;
        for_each_string(node, "fields", [&](const std::string& s, const toml::node& element) {
            any = true;
            unsigned bit = ww::field_bit(s);
            if (bit == 0) {
                std::string hint = did_you_mean(s, kFieldNames);
                error(element,
                      "unknown field '" + s + "'" +
                          (hint.empty() ? std::string() : " (did you mean '" + hint + "'?)") +
                          "; expected title, summary, body or url");
            }
            bits |= bit;
        });
        if (node.is_array() && !any) {
            error(node, "'fields' must name at least one field");
        }
        if (bits != 0) {
            rule.fields = bits;
        }
    }

    void read_languages(const toml::node& node, RuleDef& rule) {
        for_each_string(node, "languages", [&](const std::string& s, const toml::node& element) {
            std::string tag = s;
            std::transform(tag.begin(), tag.end(), tag.begin(),
                           [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
            // A BCP 47 tag: a 2-3 letter primary language, optional "-subtags".
            std::size_t primary = 0;
            while (primary < tag.size() && std::isalpha(static_cast<unsigned char>(tag[primary]))) {
                ++primary;
            }
            bool valid = primary >= 2 && primary <= 3;
            for (std::size_t i = primary; valid && i < tag.size(); ++i) {
                valid = std::isalnum(static_cast<unsigned char>(tag[i])) || tag[i] == '-';
            }
            valid = valid && (primary == tag.size() || tag[primary] == '-');
            if (!valid) {
                error(element,
                      "'" + s + "' is not a language tag (e.g. \"en\", \"fr\", \"pt-BR\")");
                return;
            }
            rule.languages.push_back(tag);
        });
    }

    // Shared checks for keywords and exclude terms: wildcard placement, emptiness after
    // normalization, and (for keywords) the match-almost-everything warnings.
    void check_terms(std::vector<TermDef>& terms, const std::string& what, const RuleDef& rule,
                     bool warn) {
        for (const TermDef& t : terms) {
            std::string_view body = t.text;
            if (!warn) {
                detail::take_field_scope(body);  // exclude terms may be scoped: "title:video"
            }
            const std::string scoped(body);
            if (!body.empty() && body.back() == '*') {
                body.remove_suffix(1);
            }
            if (body.find('*') != std::string_view::npos) {
                error(t.where,
                      what + " '" + t.text +
                          "': '*' is only allowed at the end of a term (a prefix wildcard)");
                continue;
            }
            detail::TermText norm = detail::normalize_term(scoped, rule.case_sensitive);
            if (detail::count_word_chars(norm.normalized) == 0) {
                error(t.where, what + " '" + t.text + "' has no letters or digits to match");
                continue;
            }
            if (warn) {
                warn_broad(t.where, what, t.text, norm);
            }
        }
    }

    void warn_broad(const Location& where, const std::string& what, const std::string& written,
                    const detail::TermText& norm) {
        const std::size_t letters = detail::count_word_chars(norm.normalized);
        // Two Han characters or kana are a normal word ("北京", "東京"); one is too broad.
        const std::size_t too_few =
            detail::count_unspaced_chars(norm.normalized) > 0 ? std::size_t{1} : std::size_t{2};
        if (detail::is_stop_word(norm.normalized)) {
            warning(where, what + " '" + written +
                               "' is a common word; the rule will match almost every article");
        } else if (letters <= too_few) {
            warning(where, what + " '" + written + "' has only " + std::to_string(letters) +
                               (letters == 1 ? " letter" : " letters") +
                               "; the rule will match almost everything");
        }
    }

    void parse_rule_query(const toml::node& node, RuleDef& rule) {
        const auto pos = node.source().begin;
        QuerySyntaxError err;
        std::optional<QueryNode> parsed = parse_query(rule.query, err);
        if (!parsed) {
            error(src_.inside_string(pos, err.offset),
                  "query: " + err.message + caret(rule.query, err.offset));
            return;
        }
        // Term-level checks, each pointing at the term inside the query.
        std::vector<const QueryNode*> terms;
        collect_terms(*parsed, terms);
        bool term_errors = false;
        for (const QueryNode* t : terms) {
            detail::TermText norm = detail::normalize_term(t->text, rule.case_sensitive);
            if (detail::count_word_chars(norm.normalized) == 0) {
                error(src_.inside_string(pos, t->offset),
                      "query: term '" + t->text + "' has no letters or digits to match" +
                          caret(rule.query, t->offset));
                term_errors = true;
            }
        }
        if (term_errors) {
            return;
        }
        // A term that alone makes the query true (the root, or an operand of a top-level OR).
        std::vector<const QueryNode*> sufficient;
        collect_sufficient(*parsed, sufficient);
        for (const QueryNode* t : sufficient) {
            detail::TermText norm = detail::normalize_term(t->text, rule.case_sensitive);
            warn_broad(src_.inside_string(pos, t->offset), "query term", t->text, norm);
        }
        switch (satisfiable(*parsed, rule.case_sensitive)) {
            case Satisfiable::Yes:
                break;
            case Satisfiable::AllNegated:
                warning(rule.query_where,
                        "query can never match: every term is negated, and NOT alone never hits");
                break;
            case Satisfiable::Contradiction:
                warning(rule.query_where, "query can never match: its terms contradict each other");
                break;
        }
        rule.parsed_query = std::move(parsed);
    }

    static void collect_sufficient(const QueryNode& n, std::vector<const QueryNode*>& out) {
        if (n.kind == QueryNode::Kind::Term) {
            out.push_back(&n);
        } else if (n.kind == QueryNode::Kind::Or) {
            for (const auto& c : n.children) {
                collect_sufficient(c, out);
            }
        }
    }

    // Brute force over the distinct terms: is there an assignment where the query is true and
    // at least one non-negated term is found (the matcher's rule)? NEAR counts as AND, which
    // can only make this answer "yes" more often, so a warning is never wrong.
    enum class Satisfiable { Yes, AllNegated, Contradiction };

    static Satisfiable satisfiable(const QueryNode& root, bool case_sensitive) {
        std::map<std::string, std::size_t> atoms;
        std::map<const QueryNode*, std::size_t> atom_of;
        std::uint32_t positive = 0;
        std::vector<std::pair<const QueryNode*, bool>> stack = {{&root, true}};
        while (!stack.empty()) {
            auto [n, polarity] = stack.back();
            stack.pop_back();
            if (n->kind == QueryNode::Kind::Term) {
                detail::TermText norm = detail::normalize_term(n->text, case_sensitive);
                std::string key =
                    std::to_string(n->fields) + (norm.prefix ? "*" : "=") + norm.normalized;
                auto [it, inserted] = atoms.emplace(key, atoms.size());
                atom_of[n] = it->second;
                if (atoms.size() > kMaxSatisfiabilityTerms) {
                    return Satisfiable::Yes;  // too many to try; assume the author knew
                }
                if (polarity) {
                    positive |= 1u << it->second;
                }
                continue;
            }
            const bool child_polarity = n->kind == QueryNode::Kind::Not ? !polarity : polarity;
            for (const auto& c : n->children) {
                stack.emplace_back(&c, child_polarity);
            }
        }
        if (positive == 0) {
            return Satisfiable::AllNegated;
        }
        const std::uint32_t combos = 1u << atoms.size();
        for (std::uint32_t mask = 0; mask < combos; ++mask) {
            if ((mask & positive) != 0 && eval(root, mask, atom_of)) {
                return Satisfiable::Yes;
            }
        }
        return Satisfiable::Contradiction;
    }

    static bool eval(const QueryNode& n, std::uint32_t mask,
                     const std::map<const QueryNode*, std::size_t>& atom_of) {
        switch (n.kind) {
            case QueryNode::Kind::Term:
                return (mask >> atom_of.at(&n)) & 1u;
            case QueryNode::Kind::Not:
                return !eval(n.children.front(), mask, atom_of);
            case QueryNode::Kind::Or:
                return std::any_of(n.children.begin(), n.children.end(),
                                   [&](const QueryNode& c) { return eval(c, mask, atom_of); });
            case QueryNode::Kind::And:
            case QueryNode::Kind::Near:
                return std::all_of(n.children.begin(), n.children.end(),
                                   [&](const QueryNode& c) { return eval(c, mask, atom_of); });
        }
        return false;
    }

    const Source& src_;
    Diagnostics& diags_;
    std::string label_;
};

void load_into(std::string_view text, const std::string& path, Diagnostics& diags,
               std::vector<std::shared_ptr<const RuleDef>>& out) {
    Source src(text, path);
    toml::table root;
    try {
        root = toml::parse(text, path);
    } catch (const toml::parse_error& e) {
        diags.error(src.at(e.source().begin), std::string(e.description()));
        return;
    }
    // Collected per file and reported in file order, as a compiler would, although the
    // checks run per key, then per term, then per query.
    Diagnostics local;
    RuleLoader loader(src, local);
    loader.load(root, out);
    std::vector<Diagnostic> items = local.all();
    std::stable_sort(items.begin(), items.end(), [](const Diagnostic& a, const Diagnostic& b) {
        return a.where.line != b.where.line ? a.where.line < b.where.line
                                            : a.where.column < b.where.column;
    });
    for (auto& d : items) {
        diags.add(std::move(d));
    }
}

// Ids are unique across every file of a rule set: the second one is an error, the first gets
// a note so the reader finds both.
void drop_duplicates(std::vector<std::shared_ptr<const RuleDef>>& rules, Diagnostics& diags) {
    std::map<std::string, const RuleDef*> first;
    std::vector<std::shared_ptr<const RuleDef>> kept;
    for (auto& rule : rules) {
        auto [it, inserted] = first.emplace(rule->id, rule.get());
        if (inserted) {
            kept.push_back(std::move(rule));
            continue;
        }
        diags.error(rule->id_where, "rule \"" + rule->id + "\": duplicate id");
        diags.note(it->second->id_where, "rule \"" + rule->id + "\": first defined here");
    }
    rules = std::move(kept);
}

}  // namespace

std::vector<std::shared_ptr<const RuleDef>> load_rule_text(std::string_view toml_text,
                                                           const std::string& path,
                                                           Diagnostics& diags) {
    std::vector<std::shared_ptr<const RuleDef>> out;
    load_into(toml_text, path, diags, out);
    drop_duplicates(out, diags);
    return out;
}

std::vector<std::shared_ptr<const RuleDef>> load_rule_files(
    const std::vector<std::filesystem::path>& files, Diagnostics& diags) {
    std::vector<std::shared_ptr<const RuleDef>> out;
    for (const auto& file : files) {
        std::ifstream in(file, std::ios::binary);
        if (!in) {
            diags.error(Location{file.string()},
                        std::string("cannot read rule file: ") + std::strerror(errno));
            continue;
        }
        std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        if (in.bad()) {
            diags.error(Location{file.string()}, "cannot read rule file");
            continue;
        }
        load_into(content, file.string(), diags, out);
    }
    drop_duplicates(out, diags);
    return out;
}

std::shared_ptr<const RuleDef> find_rule(const std::vector<std::shared_ptr<const RuleDef>>& rules,
                                         std::string_view id) {
    for (const auto& r : rules) {
        if (r->id == id) {
            return r;
        }
    }
    return nullptr;
}

const char* severity_name(Severity s) {
    switch (s) {
        case Severity::Info:
            return "info";
        case Severity::Low:
            return "low";
        case Severity::Medium:
            return "medium";
        case Severity::High:
            return "high";
        case Severity::Critical:
            return "critical";
    }
    return "medium";
}

bool parse_severity(const std::string& name, Severity& out) {
    static const std::pair<const char*, Severity> kNames[] = {
        {"info", Severity::Info}, {"low", Severity::Low},           {"medium", Severity::Medium},
        {"high", Severity::High}, {"critical", Severity::Critical},
    };
    for (const auto& [n, s] : kNames) {
        if (name == n) {
            out = s;
            return true;
        }
    }
    return false;
}

}  // namespace ww::rules

// explain(): the matcher's decision for one rule and one document, spelled out for people.

#include "wirewatch/rules/explain.hpp"

#include <algorithm>

#include "rules/compiled.hpp"

namespace ww::rules {

namespace {

using namespace detail;

// Occurrences listed per term before "and N more".
constexpr std::size_t kMaxListed = 5;

std::string field_list(unsigned fields) {
    std::string out;
    for (Field f : kFieldOrder) {
        if (fields & static_cast<unsigned>(f)) {
            out += out.empty() ? "" : ", ";
            out += field_name(f);
        }
    }
    return out;
}

class Explainer {
public:
    Explainer(const CompiledRuleSet& set, const CompiledRule& rule, const Document& doc, Scratch& s)
        : set_(set), rule_(rule), doc_(doc), s_(s) {}

    std::string run() {
        const RuleDef& def = *rule_.def;
        std::string verdict_reason;
        const bool language = CompiledRuleSet::language_ok(rule_, doc_);
        out_ += "fields: " + field_list(def.fields) + "\n";
        out_ += "language: document " +
                (doc_.language.empty() ? std::string("unknown") : "'" + doc_.language + "'") +
                ", rule " + (def.languages.empty() ? std::string("any") : join(def.languages)) +
                (language ? " -> ok\n" : " -> not one of the rule's languages\n");

        bool any_positive = false;
        if (!rule_.keywords.empty()) {
            out_ += "keywords (any of):\n";
            for (std::size_t i = 0; i < rule_.keywords.size(); ++i) {
                any_positive |= term_line(rule_.keywords[i], def.keywords[i].text, 1);
            }
        }
        bool query = false;
        if (!rule_.query.empty()) {
            out_ += "query: " + def.query + "\n";
            out_ += "  parsed as " + to_string(*def.parsed_query) + "\n";
            query = node(0, 1);
            const bool positive =
                std::any_of(rule_.query_terms.begin(), rule_.query_terms.end(),
                            [&](const TermRef& r) { return r.positive && set_.found(s_, r); });
            if (query && !positive) {
                out_ += "  (true, but no non-negated term was found, so it does not hit)\n";
                query = false;
            }
            if (!query && failed_.empty() && !positive) {
                failed_ = "no non-negated term of the query was found";
            }
            any_positive |= query;
        }
        if (!rule_.regexes.empty()) {
            out_ += "regex (any of):\n";
            for (std::size_t i = 0; i < rule_.regexes.size(); ++i) {
                any_positive |= term_line(rule_.regexes[i], "/" + def.regex[i].pattern + "/", 1);
            }
        }
        bool excluded = false;
        if (!rule_.excludes.empty()) {
            out_ += "exclude (none may be found):\n";
            for (std::size_t i = 0; i < rule_.excludes.size(); ++i) {
                excluded |= term_line(rule_.excludes[i], def.exclude[i].text, 1);
            }
        }

        std::string head = "rule \"" + def.id + "\"";
        if (!def.where.file.empty()) {
            head += " (" + def.where.file + ":" + std::to_string(def.where.line) + ")";
        }
        if (!language) {
            head += ": NO HIT: the document's language is not one of the rule's\n";
        } else if (excluded) {
            head += ": NO HIT: an exclude term was found\n";
        } else if (any_positive) {
            head += ": HIT\n";
        } else {
            head += ": NO HIT: ";
            head += rule_.query.empty() ? std::string("no keyword or regex was found")
                                        : "the query failed at " + failed_;
            head += "\n";
        }
        return head + out_;
    }

private:
    static std::string join(const std::vector<std::string>& v) {
        std::string out;
        for (const auto& s : v) {
            out += out.empty() ? "" : ", ";
            out += s;
        }
        return out;
    }

    // One line per term: whether and where it was found, in the original text.
    bool term_line(const TermRef& ref, const std::string& label, int depth) {
        std::vector<Span> spans;
        set_.spans_of(s_, doc_, ref, rule_.group, spans);
        std::string line(static_cast<std::size_t>(depth) * 2, ' ');
        line += spans.empty() ? "[ ] " : "[x] ";
        line += label;
        if (spans.empty()) {
            line += ": not found";
        } else {
            line += ": found " + std::to_string(spans.size()) + "x:";
            for (std::size_t i = 0; i < spans.size() && i < kMaxListed; ++i) {
                const Span& sp = spans[i];
                line += std::string(i == 0 ? " " : ", ") + field_name(sp.field) + " " +
                        std::to_string(sp.begin) + ".." + std::to_string(sp.end) + " \"" +
                        doc_.field(sp.field).substr(sp.begin, sp.end - sp.begin) + "\"";
            }
            if (spans.size() > kMaxListed) {
                line += " and " + std::to_string(spans.size() - kMaxListed) + " more";
            }
        }
        out_ += line + "\n";
        return !spans.empty();
    }

    std::string source_text(const QNode& q) const {
        const std::string& query = rule_.def->query;
        // Appended, not "'" + substr(...): GCC 12 -O3 warns (-Wrestrict) on that temporary.
        std::string out = "'";
        out.append(query, q.source->offset, q.source->length);
        out += '\'';
        return out;
    }

    // Prints the clause and its children; remembers the first (deepest) clause that failed.
    bool node(std::uint32_t index, int depth) {
        const QNode& q = rule_.query[index];
        if (q.kind == QueryNode::Kind::Term) {
            const bool ok = term_line(rule_.query_terms[q.ref], source_text(q), depth);
            if (!ok && failed_.empty()) {
                failed_ = source_text(q) + " (not found)";
            }
            return ok;
        }
        const std::size_t at = out_.size();
        const std::string failed_before = failed_;
        std::vector<bool> results;
        for (std::uint32_t c : q.children) {
            results.push_back(node(c, depth + 1));
        }
        const bool ok = set_.eval_query(rule_, index, s_);
        if (ok) {
            failed_ = failed_before;  // failures inside a true clause did not decide anything
        } else if (q.kind == QueryNode::Kind::Or && failed_before.empty()) {
            failed_ = source_text(q) + " (none of the alternatives found)";
        }
        std::string line(static_cast<std::size_t>(depth) * 2, ' ');
        line += ok ? "[x] " : "[ ] ";
        switch (q.kind) {
            case QueryNode::Kind::And:
                line += "AND: " + std::string(ok ? "all found" : "not all found");
                break;
            case QueryNode::Kind::Or:
                line += "OR: " + std::string(ok ? "at least one found" : "none found");
                break;
            case QueryNode::Kind::Not:
                line += "NOT: " + std::string(ok ? "absent, as required" : "present");
                if (!ok && failed_.empty()) {
                    failed_ = source_text(q) + " (the negated term is present)";
                }
                break;
            case QueryNode::Kind::Near: {
                const std::string op =
                    (q.ordered ? "ONEAR/" : "NEAR/") + std::to_string(q.distance);
                const bool operands = results[0] && results[1];
                line += op + ": " +
                        (ok         ? std::string("within distance")
                         : operands ? "both found, but never within " + std::to_string(q.distance) +
                                          " words" + (q.ordered ? " in this order" : "")
                                    : std::string("an operand is missing"));
                if (!ok && operands && failed_.empty()) {
                    failed_ = source_text(q) + " (too far apart)";
                }
                break;
            }
            default:
                break;
        }
        line += ' ';
        line += source_text(q);
        line += '\n';
        out_.insert(at, line);
        return ok;
    }

    const CompiledRuleSet& set_;
    const CompiledRule& rule_;
    const Document& doc_;
    Scratch& s_;
    std::string out_;
    std::string failed_;
};

}  // namespace

std::string explain(const RuleDef& rule, const Document& doc) {
    Diagnostics diags;
    auto def = std::make_shared<RuleDef>(rule);
    auto compiled = compile({def}, CompileOptions{}, diags);
    if (!compiled) {
        return "rule \"" + rule.id + "\" does not compile:\n" + diags.str();
    }
    const auto& set = static_cast<const CompiledRuleSet&>(*compiled);
    auto scratch = set.make_scratch();
    set.scan(doc, *scratch);
    Explainer explainer(set, set.rules_.front(), doc, *scratch);
    return explainer.run();
}

}  // namespace ww::rules

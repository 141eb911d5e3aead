#include "wirewatch/rules/query.hpp"

#include <cctype>
#include <charconv>

#include "wirewatch/diagnostics.hpp"
#include "wirewatch/document.hpp"

namespace ww::rules {

namespace {

// Proximity beyond this many words is almost certainly a typo and makes NEAR meaningless.
constexpr int kMaxNearDistance = 1000;

const std::vector<std::string> kScopeNames = {"title", "summary", "body", "url"};

struct Token {
    enum class Kind { End, LParen, RParen, Term, And, Or, Not, Near };
    Kind kind = Kind::End;
    std::size_t offset = 0;
    std::size_t length = 0;
    std::string text;  // Term: without quotes and '*'
    bool phrase = false;
    bool prefix = false;
    unsigned scope = 0;  // Term or LParen preceded by "field:"
    int distance = 0;
    bool ordered = false;
};

// Thrown inside the parser only; parse_query turns it into a QuerySyntaxError.
struct SyntaxError {
    std::size_t offset;
    std::string message;
};

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

bool ends_word(char c) { return is_space(c) || c == '(' || c == ')' || c == '"'; }

class Lexer {
public:
    explicit Lexer(std::string_view q) : q_(q) {}

    std::vector<Token> run() {
        std::vector<Token> out;
        while (true) {
            Token t = next();
            out.push_back(t);
            if (t.kind == Token::Kind::End) {
                return out;
            }
        }
    }

private:
    Token next() {
        while (pos_ < q_.size() && is_space(q_[pos_])) {
            ++pos_;
        }
        Token t;
        t.offset = pos_;
        if (pos_ == q_.size()) {
            return t;
        }
        const char c = q_[pos_];
        if (c == '(') {
            ++pos_;
            t.kind = Token::Kind::LParen;
            t.length = 1;
            return t;
        }
        if (c == ')') {
            ++pos_;
            t.kind = Token::Kind::RParen;
            t.length = 1;
            return t;
        }
        if (c == '-' && pos_ + 1 < q_.size() && !is_space(q_[pos_ + 1]) && q_[pos_ + 1] != ')') {
            // A leading '-' negates; inside a word ("cease-fire") it is part of the term.
            ++pos_;
            t.kind = Token::Kind::Not;
            t.length = 1;
            t.text = "-";
            return t;
        }
        if (c == '"') {
            return phrase(t, 0);
        }
        return word(t);
    }

    Token phrase(Token t, unsigned scope) {
        const std::size_t open = pos_;
        const std::size_t close = q_.find('"', open + 1);
        if (close == std::string_view::npos) {
            throw SyntaxError{open, "unterminated phrase: missing closing '\"'"};
        }
        t.kind = Token::Kind::Term;
        t.phrase = true;
        t.scope = scope;
        t.text = std::string(q_.substr(open + 1, close - open - 1));
        pos_ = close + 1;
        if (pos_ < q_.size() && q_[pos_] == '*') {
            t.prefix = true;
            ++pos_;
        }
        if (pos_ < q_.size() && !ends_word(q_[pos_])) {
            throw SyntaxError{pos_, "expected a space or operator after the closing '\"'"};
        }
        bool blank = true;
        for (char ch : t.text) {
            blank = blank && is_space(ch);
        }
        if (blank) {
            throw SyntaxError{open, "empty phrase"};
        }
        t.length = pos_ - t.offset;
        return t;
    }

    Token word(Token t) {
        std::size_t end = pos_;
        while (end < q_.size() && !ends_word(q_[end])) {
            ++end;
        }
        std::string_view w = q_.substr(pos_, end - pos_);

        // Field scope: "title:term", "title:\"a phrase\"", "title:(a OR b)".
        const std::size_t colon = w.find(':');
        if (colon != std::string_view::npos && colon > 0) {
            std::string_view name = w.substr(0, colon);
            bool alpha = true;
            for (char ch : name) {
                alpha = alpha && std::isalpha(static_cast<unsigned char>(ch));
            }
            if (unsigned bits = ww::field_bit(name); bits != 0) {
                pos_ += colon + 1;
                if (pos_ == q_.size() || is_space(q_[pos_]) || q_[pos_] == ')') {
                    throw SyntaxError{
                        pos_, "expected a term, phrase or '(' after '" + std::string(name) + ":'"};
                }
                if (q_[pos_] == '"') {
                    return phrase(t, bits);
                }
                if (q_[pos_] == '(') {
                    ++pos_;
                    t.kind = Token::Kind::LParen;
                    t.scope = bits;
                    t.length = pos_ - t.offset;
                    return t;
                }
                Token fresh;
                fresh.offset = pos_;
                Token inner = word(fresh);
                if (inner.kind != Token::Kind::Term) {
                    throw SyntaxError{inner.offset,
                                      "expected a term after '" + std::string(name) + ":'"};
                }
                inner.offset = t.offset;
                inner.scope = bits;
                inner.length = pos_ - t.offset;
                return inner;
            }
            // "titel:x" is a typo; "10:30" or "https://..." are just text.
            if (alpha) {
                std::string hint = did_you_mean(std::string(name), kScopeNames);
                if (!hint.empty()) {
                    throw SyntaxError{t.offset, "unknown field '" + std::string(name) +
                                                    "' (did you mean '" + hint + "'?)"};
                }
            }
        }

        pos_ = end;
        t.length = end - t.offset;
        if (w == "AND") {
            t.kind = Token::Kind::And;
            return t;
        }
        if (w == "OR") {
            t.kind = Token::Kind::Or;
            return t;
        }
        if (w == "NOT") {
            t.kind = Token::Kind::Not;
            t.text = "NOT";
            return t;
        }
        if (w.starts_with("NEAR") || w.starts_with("ONEAR")) {
            const bool ordered = w[0] == 'O';
            std::string_view rest = w.substr(ordered ? 5 : 4);
            const char* op = ordered ? "ONEAR" : "NEAR";
            if (rest.empty() || rest[0] != '/') {
                throw SyntaxError{t.offset,
                                  std::string(op) + " needs a distance, e.g. " + op + "/5"};
            }
            rest.remove_prefix(1);
            int n = 0;
            auto [p, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), n);
            if (rest.empty() || ec != std::errc() || p != rest.data() + rest.size() || n < 1 ||
                n > kMaxNearDistance) {
                throw SyntaxError{t.offset + (ordered ? 6 : 5),
                                  std::string(op) + " distance must be a whole number from 1 to " +
                                      std::to_string(kMaxNearDistance)};
            }
            t.kind = Token::Kind::Near;
            t.distance = n;
            t.ordered = ordered;
            return t;
        }
        t.kind = Token::Kind::Term;
        t.text = std::string(w);
        if (!t.text.empty() && t.text.back() == '*') {
            t.prefix = true;
            t.text.pop_back();
        }
        if (t.text.empty()) {
            throw SyntaxError{t.offset, "a wildcard '*' needs a word before it, e.g. strike*"};
        }
        if (std::size_t star = t.text.find('*'); star != std::string::npos) {
            throw SyntaxError{t.offset + star,
                              "'*' is only allowed at the end of a term (a prefix wildcard)"};
        }
        return t;
    }

    std::string_view q_;
    std::size_t pos_ = 0;
};

std::string describe(const Token& t, std::string_view q) {
    if (t.kind == Token::Kind::End) {
        return "the end of the query";
    }
    // Appended, not "'" + std::string(...): GCC 12 -O3 warns (-Wrestrict) on that temporary.
    std::string out = "'";
    out.append(q.substr(t.offset, t.length));
    out += '\'';
    return out;
}

class Parser {
public:
    Parser(std::string_view q, std::vector<Token> tokens) : q_(q), tokens_(std::move(tokens)) {}

    QueryNode parse() {
        if (peek().kind == Token::Kind::End) {
            throw SyntaxError{0, "empty query"};
        }
        QueryNode root = parse_or(0);
        if (peek().kind == Token::Kind::RParen) {
            throw SyntaxError{peek().offset, "unexpected ')' without a matching '('"};
        }
        if (peek().kind != Token::Kind::End) {
            throw SyntaxError{peek().offset, "unexpected " + describe(peek(), q_)};
        }
        return root;
    }

private:
    const Token& peek() const { return tokens_[pos_]; }
    const Token& take() { return tokens_[pos_++]; }

    static void finish(QueryNode& node) {
        const QueryNode& last = node.children.back();
        node.length = last.offset + last.length - node.offset;
    }

    QueryNode parse_or(unsigned scope) {
        QueryNode left = parse_and(scope);
        if (peek().kind != Token::Kind::Or) {
            return left;
        }
        QueryNode node;
        node.kind = QueryNode::Kind::Or;
        node.offset = left.offset;
        node.children.push_back(std::move(left));
        while (peek().kind == Token::Kind::Or) {
            const Token& op = take();
            node.children.push_back(parse_and_after(op, scope));
        }
        finish(node);
        return node;
    }

    QueryNode parse_and_after(const Token& op, unsigned scope) {
        expect_operand(op);
        return parse_and(scope);
    }

    static bool starts_operand(Token::Kind k) {
        return k == Token::Kind::Term || k == Token::Kind::LParen || k == Token::Kind::Not;
    }

    void expect_operand(const Token& op) {
        if (!starts_operand(peek().kind)) {
            const std::string name(q_.substr(op.offset, op.length));
            throw SyntaxError{peek().kind == Token::Kind::End ? q_.size() : peek().offset,
                              "expected a term, phrase or '(' after '" + name + "', found " +
                                  describe(peek(), q_)};
        }
    }

    QueryNode parse_and(unsigned scope) {
        QueryNode left = parse_near(scope);
        QueryNode node;
        node.kind = QueryNode::Kind::And;
        node.offset = left.offset;
        node.children.push_back(std::move(left));
        while (true) {
            if (peek().kind == Token::Kind::And) {
                const Token& op = take();
                expect_operand(op);
            } else if (!starts_operand(peek().kind)) {
                break;
            }
            // Adjacent operands without an operator are ANDed, as most monitoring tools do.
            node.children.push_back(parse_near(scope));
        }
        if (node.children.size() == 1) {
            return std::move(node.children.front());
        }
        finish(node);
        return node;
    }

    void check_near_operand(const QueryNode& n, const Token& op) {
        switch (n.kind) {
            case QueryNode::Kind::Term:
            case QueryNode::Kind::Near:
                return;
            case QueryNode::Kind::Or:
                for (const auto& c : n.children) {
                    check_near_operand(c, op);
                }
                return;
            default:
                break;
        }
        const std::string name(q_.substr(op.offset, op.length));
        throw SyntaxError{n.offset, "operands of " + name +
                                        " must be terms, phrases or OR groups of them "
                                        "(no AND/NOT inside a proximity operator)"};
    }

    QueryNode parse_near(unsigned scope) {
        QueryNode left = parse_unary(scope);
        while (peek().kind == Token::Kind::Near) {
            const Token op = take();
            expect_operand(op);
            QueryNode right = parse_unary(scope);
            check_near_operand(left, op);
            check_near_operand(right, op);
            QueryNode node;
            node.kind = QueryNode::Kind::Near;
            node.distance = op.distance;
            node.ordered = op.ordered;
            node.offset = left.offset;
            node.children.push_back(std::move(left));
            node.children.push_back(std::move(right));
            finish(node);
            left = std::move(node);
        }
        return left;
    }

    QueryNode parse_unary(unsigned scope) {
        if (peek().kind == Token::Kind::Not) {
            const Token op = take();
            expect_operand(op);
            QueryNode node;
            node.kind = QueryNode::Kind::Not;
            node.offset = op.offset;
            node.children.push_back(parse_unary(scope));
            finish(node);
            return node;
        }
        return parse_primary(scope);
    }

    QueryNode parse_primary(unsigned scope) {
        const Token& t = peek();
        if (t.kind == Token::Kind::Term) {
            take();
            QueryNode node;
            node.kind = QueryNode::Kind::Term;
            node.text = t.text;
            node.phrase = t.phrase;
            node.prefix = t.prefix;
            node.fields = t.scope != 0 ? t.scope : scope;
            node.offset = t.offset;
            node.length = t.length;
            return node;
        }
        if (t.kind == Token::Kind::LParen) {
            const Token open = take();
            if (peek().kind == Token::Kind::RParen) {
                throw SyntaxError{open.offset, "empty parentheses"};
            }
            QueryNode inner = parse_or(open.scope != 0 ? open.scope : scope);
            if (peek().kind != Token::Kind::RParen) {
                if (peek().kind == Token::Kind::End) {
                    throw SyntaxError{open.offset, "unclosed '(': missing ')'"};
                }
                throw SyntaxError{peek().offset,
                                  "expected ')' or an operator, found " + describe(peek(), q_)};
            }
            const Token& close = take();
            // The group's extent includes its parentheses, for carets and explain.
            inner.offset = open.offset;
            inner.length = close.offset + 1 - open.offset;
            return inner;
        }
        if (t.kind == Token::Kind::RParen) {
            throw SyntaxError{t.offset, "unexpected ')' without a matching '('"};
        }
        if (t.kind == Token::Kind::End) {
            throw SyntaxError{q_.size(), "unexpected end of the query"};
        }
        throw SyntaxError{t.offset, "expected a term, phrase or '(' before " + describe(t, q_)};
    }

    std::string_view q_;
    std::vector<Token> tokens_;
    std::size_t pos_ = 0;
};

void print(const QueryNode& n, std::string& out) {
    auto scope = [&]() {
        for (const auto& name : kScopeNames) {
            if (n.fields == ww::field_bit(name)) {
                out += name + ":";
            }
        }
    };
    switch (n.kind) {
        case QueryNode::Kind::Term:
            scope();
            if (n.phrase) {
                out += '"' + n.text + '"';
            } else {
                out += n.text;
            }
            if (n.prefix) {
                out += '*';
            }
            return;
        case QueryNode::Kind::Not:
            out += "NOT ";
            print(n.children.front(), out);
            return;
        default:
            break;
    }
    std::string op = n.kind == QueryNode::Kind::And  ? " AND "
                     : n.kind == QueryNode::Kind::Or ? " OR "
                     : n.ordered                     ? " ONEAR/" + std::to_string(n.distance) + " "
                                                     : " NEAR/" + std::to_string(n.distance) + " ";
    out += '(';
    for (std::size_t i = 0; i < n.children.size(); ++i) {
        if (i > 0) {
            out += op;
        }
        print(n.children[i], out);
    }
    out += ')';
}

}  // namespace

std::optional<QueryNode> parse_query(std::string_view query, QuerySyntaxError& error) {
    try {
        Lexer lexer(query);
        Parser parser(query, lexer.run());
        return parser.parse();
    } catch (const SyntaxError& e) {
        error.offset = e.offset;
        error.message = e.message;
        return std::nullopt;
    }
}

std::string to_string(const QueryNode& node) {
    std::string out;
    print(node, out);
    return out;
}

void collect_terms(const QueryNode& node, std::vector<const QueryNode*>& out) {
    if (node.kind == QueryNode::Kind::Term) {
        out.push_back(&node);
        return;
    }
    for (const auto& c : node.children) {
        collect_terms(c, out);
    }
}

}  // namespace ww::rules

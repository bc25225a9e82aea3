// A recursive-descent parser over CEL's grammar (precedence from low to high):
//   Expr     = Or ["?" Or ":" Expr]
//   Or       = And {"||" And}          And = Relation {"&&" Relation}
//   Relation = Addition {("<"|"<="|">"|">="|"=="|"!="|"in") Addition}
//   Addition = Multiply {("+"|"-") Multiply}
//   Multiply = Unary {("*"|"/"|"%") Unary}
//   Unary    = Member | "!" {"!"} Member | "-" {"-"} Member
//   Member   = Primary {"." IDENT ["(" args ")"] | "[" Expr "]"}
//   Primary  = IDENT ["(" args ")"] | "(" Expr ")" | "[" args "]" | literal
#include "tools/apiserver-lite/cel/cel_parser.h"

#include <cctype>
#include <cstdlib>
#include <stdexcept>

namespace hvo::apiserver::cel {
namespace {

struct Token {
  enum class Type { kEnd, kIdent, kInt, kUint, kDouble, kString, kPunct };
  Type type = Type::kEnd;
  std::string text;  // identifier, punctuation, or the decoded string
  std::size_t column = 0;
};

class SyntaxError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

[[noreturn]] void fail(const std::string& what, std::size_t column) {
  throw SyntaxError("Syntax error: " + what + " at column " + std::to_string(column + 1));
}

class Lexer {
 public:
  explicit Lexer(std::string_view source) : source_(source) {}

  std::vector<Token> tokens() {
    std::vector<Token> out;
    for (;;) {
      skip_space();
      Token token;
      token.column = at_;
      if (at_ >= source_.size()) {
        out.push_back(token);
        return out;
      }
      const char c = source_[at_];
      if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
        if ((c == 'r' || c == 'R') && at_ + 1 < source_.size() &&
            (source_[at_ + 1] == '\'' || source_[at_ + 1] == '"')) {
          ++at_;
          token.type = Token::Type::kString;
          token.text = string_literal(/*raw=*/true);
        } else {
          token.type = Token::Type::kIdent;
          while (at_ < source_.size() &&
                 (std::isalnum(static_cast<unsigned char>(source_[at_])) || source_[at_] == '_'))
            token.text += source_[at_++];
        }
      } else if (std::isdigit(static_cast<unsigned char>(c)) ||
                 (c == '.' && at_ + 1 < source_.size() &&
                  std::isdigit(static_cast<unsigned char>(source_[at_ + 1])))) {
        number(token);
      } else if (c == '\'' || c == '"') {
        token.type = Token::Type::kString;
        token.text = string_literal(/*raw=*/false);
      } else {
        token.type = Token::Type::kPunct;
        static const char* const kTwo[] = {"&&", "||", "<=", ">=", "==", "!="};
        for (const char* two : kTwo) {
          if (source_.substr(at_, 2) == two)
            token.text = two;
        }
        if (token.text.empty()) {
          if (std::string("!<>+-*/%.,()[]?:{}").find(c) == std::string::npos)
            fail(std::string("unexpected character '") + c + "'", at_);
          token.text = std::string(1, c);
        }
        at_ += token.text.size();
      }
      out.push_back(std::move(token));
    }
  }

 private:
  void skip_space() {
    while (at_ < source_.size()) {
      if (std::isspace(static_cast<unsigned char>(source_[at_]))) {
        ++at_;
      } else if (source_.substr(at_, 2) == "//") {
        while (at_ < source_.size() && source_[at_] != '\n')
          ++at_;
      } else {
        return;
      }
    }
  }

  void number(Token& token) {
    const std::size_t start = at_;
    bool is_double = false;
    if (source_.substr(at_, 2) == "0x" || source_.substr(at_, 2) == "0X") {
      at_ += 2;
      while (at_ < source_.size() && std::isxdigit(static_cast<unsigned char>(source_[at_])))
        ++at_;
    } else {
      while (at_ < source_.size() && std::isdigit(static_cast<unsigned char>(source_[at_])))
        ++at_;
      if (at_ < source_.size() && source_[at_] == '.' && at_ + 1 < source_.size() &&
          std::isdigit(static_cast<unsigned char>(source_[at_ + 1]))) {
        is_double = true;
        ++at_;
        while (at_ < source_.size() && std::isdigit(static_cast<unsigned char>(source_[at_])))
          ++at_;
      }
      if (at_ < source_.size() && (source_[at_] == 'e' || source_[at_] == 'E')) {
        is_double = true;
        ++at_;
        if (at_ < source_.size() && (source_[at_] == '+' || source_[at_] == '-'))
          ++at_;
        while (at_ < source_.size() && std::isdigit(static_cast<unsigned char>(source_[at_])))
          ++at_;
      }
    }
    token.text = std::string(source_.substr(start, at_ - start));
    token.type = is_double ? Token::Type::kDouble : Token::Type::kInt;
    if (!is_double && at_ < source_.size() && (source_[at_] == 'u' || source_[at_] == 'U')) {
      token.type = Token::Type::kUint;
      ++at_;
    }
  }

  std::string string_literal(bool raw) {
    const char quote = source_[at_];
    const std::size_t start = at_;
    const bool triple = source_.substr(at_, 3) == std::string(3, quote);
    at_ += triple ? 3 : 1;
    std::string text;
    for (;;) {
      if (at_ >= source_.size())
        fail("unterminated string", start);
      if (triple ? source_.substr(at_, 3) == std::string(3, quote) : source_[at_] == quote) {
        at_ += triple ? 3 : 1;
        return text;
      }
      const char c = source_[at_++];
      if (c != '\\' || raw) {
        text += c;
        continue;
      }
      if (at_ >= source_.size())
        fail("unterminated string", start);
      const char escaped = source_[at_++];
      switch (escaped) {
        case 'n':
          text += '\n';
          break;
        case 't':
          text += '\t';
          break;
        case 'r':
          text += '\r';
          break;
        case 'a':
          text += '\a';
          break;
        case 'b':
          text += '\b';
          break;
        case 'f':
          text += '\f';
          break;
        case 'v':
          text += '\v';
          break;
        case '\\':
        case '\'':
        case '"':
        case '`':
        case '?':
          text += escaped;
          break;
        default:
          fail(std::string("invalid escape '\\") + escaped + "'", at_ - 2);
      }
    }
  }

  std::string_view source_;
  std::size_t at_ = 0;
};

// Bounds that keep parsing, evaluating and destroying a tree within a small stack, whatever
// the input (CRD rules are short; cel-go bounds recursion too).
constexpr int kMaxDepth = 100;
constexpr int kMaxNodes = 2000;

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : tokens_(std::move(tokens)) {}

  ExprPtr parse_all() {
    ExprPtr expr = expression();
    if (peek().type != Token::Type::kEnd)
      fail("unexpected token '" + peek().text + "'", peek().column);
    return expr;
  }

 private:
  ExprPtr make_node(Expr::Kind kind, std::string name = "") {
    if (++nodes_ > kMaxNodes)
      fail("expression has more than " + std::to_string(kMaxNodes) + " nodes", peek().column);
    auto expr = std::make_unique<Expr>();
    expr->kind = kind;
    expr->name = std::move(name);
    return expr;
  }

  const Token& peek() const { return tokens_[at_]; }
  bool is_punct(const char* text) const {
    return peek().type == Token::Type::kPunct && peek().text == text;
  }
  bool accept(const char* text) {
    if (!is_punct(text))
      return false;
    ++at_;
    return true;
  }
  void expect(const char* text) {
    if (!accept(text)) {
      fail(std::string("expected '") + text + "', got '" +
               (peek().type == Token::Type::kEnd ? std::string("<end>") : peek().text) + "'",
           peek().column);
    }
  }

  ExprPtr binary(ExprPtr left, const std::string& op, ExprPtr right) {
    ExprPtr node = make_node(Expr::Kind::kBinary, op);
    node->args.push_back(std::move(left));
    node->args.push_back(std::move(right));
    return node;
  }

  ExprPtr expression() {
    if (++depth_ > kMaxDepth)
      fail("expression nests too deeply", peek().column);
    ExprPtr condition = logical_or();
    if (accept("?")) {
      ExprPtr node = make_node(Expr::Kind::kConditional);
      node->args.push_back(std::move(condition));
      node->args.push_back(logical_or());
      expect(":");
      node->args.push_back(expression());
      condition = std::move(node);
    }
    --depth_;
    return condition;
  }
  ExprPtr logical_or() {
    ExprPtr left = logical_and();
    while (accept("||"))
      left = binary(std::move(left), "||", logical_and());
    return left;
  }
  ExprPtr logical_and() {
    ExprPtr left = relation();
    while (accept("&&"))
      left = binary(std::move(left), "&&", relation());
    return left;
  }
  ExprPtr relation() {
    ExprPtr left = addition();
    for (;;) {
      std::string op;
      for (const char* candidate : {"<=", ">=", "==", "!=", "<", ">"}) {
        if (is_punct(candidate)) {
          op = candidate;
          break;
        }
      }
      if (op.empty() && peek().type == Token::Type::kIdent && peek().text == "in")
        op = "in";
      if (op.empty())
        return left;
      ++at_;
      left = binary(std::move(left), op, addition());
    }
  }
  ExprPtr addition() {
    ExprPtr left = multiply();
    for (;;) {
      if (accept("+"))
        left = binary(std::move(left), "+", multiply());
      else if (accept("-"))
        left = binary(std::move(left), "-", multiply());
      else
        return left;
    }
  }
  ExprPtr multiply() {
    ExprPtr left = unary();
    for (;;) {
      if (accept("*"))
        left = binary(std::move(left), "*", unary());
      else if (accept("/"))
        left = binary(std::move(left), "/", unary());
      else if (accept("%"))
        left = binary(std::move(left), "%", unary());
      else
        return left;
    }
  }
  ExprPtr unary() {
    for (const char* op : {"!", "-"}) {
      if (accept(op)) {
        if (++depth_ > kMaxDepth)
          fail("expression nests too deeply", peek().column);
        ExprPtr node = make_node(Expr::Kind::kUnary, op);
        node->args.push_back(unary());
        --depth_;
        return node;
      }
    }
    return member();
  }

  std::vector<ExprPtr> arguments(const char* close) {
    std::vector<ExprPtr> args;
    if (accept(close))
      return args;
    do {
      args.push_back(expression());
    } while (accept(","));
    expect(close);
    return args;
  }

  ExprPtr member() {
    ExprPtr operand = primary();
    for (;;) {
      if (accept(".")) {
        if (peek().type != Token::Type::kIdent)
          fail("expected a field or method name", peek().column);
        const Token name = peek();
        ++at_;
        if (accept("(")) {
          operand = method(std::move(operand), name, arguments(")"));
        } else {
          ExprPtr node = make_node(Expr::Kind::kSelect, name.text);
          node->args.push_back(std::move(operand));
          operand = std::move(node);
        }
      } else if (accept("[")) {
        ExprPtr node = make_node(Expr::Kind::kIndex);
        node->args.push_back(std::move(operand));
        node->args.push_back(expression());
        expect("]");
        operand = std::move(node);
      } else {
        return operand;
      }
    }
  }

  ExprPtr method(ExprPtr target, const Token& name, std::vector<ExprPtr> args) {
    static const char* const kMacros[] = {"all", "exists", "exists_one", "filter", "map"};
    for (const char* macro : kMacros) {
      if (name.text != macro)
        continue;
      if (args.size() != 2 || args[0]->kind != Expr::Kind::kIdent)
        fail(name.text + "() takes a variable name and an expression", name.column);
      ExprPtr node = make_node(Expr::Kind::kComprehension, name.text);
      node->variable = args[0]->name;
      node->args.push_back(std::move(target));
      node->args.push_back(std::move(args[1]));
      return node;
    }
    ExprPtr node = make_node(Expr::Kind::kCall, name.text);
    node->receiver = true;
    node->args.push_back(std::move(target));
    for (auto& arg : args)
      node->args.push_back(std::move(arg));
    return node;
  }

  ExprPtr primary() {
    const Token token = peek();
    switch (token.type) {
      case Token::Type::kEnd:
        fail("unexpected end of expression", token.column);
      case Token::Type::kInt:
      case Token::Type::kUint: {
        ++at_;
        ExprPtr node = make_node(Expr::Kind::kLiteral);
        errno = 0;
        const bool hex = token.text.size() > 2 && (token.text[1] == 'x' || token.text[1] == 'X');
        const unsigned long long value = std::strtoull(token.text.c_str(), nullptr, hex ? 16 : 10);
        if (errno != 0 || (token.type == Token::Type::kInt && value > 9223372036854775807ULL))
          fail("integer literal out of range", token.column);
        if (token.type == Token::Type::kUint)
          node->literal = static_cast<std::uint64_t>(value);
        else
          node->literal = static_cast<std::int64_t>(value);
        return node;
      }
      case Token::Type::kDouble: {
        ++at_;
        ExprPtr node = make_node(Expr::Kind::kLiteral);
        node->literal = std::strtod(token.text.c_str(), nullptr);
        return node;
      }
      case Token::Type::kString: {
        ++at_;
        ExprPtr node = make_node(Expr::Kind::kLiteral);
        node->literal = token.text;
        return node;
      }
      case Token::Type::kIdent:
        return identifier();
      case Token::Type::kPunct:
        break;
    }
    if (accept("(")) {
      ExprPtr inner = expression();
      expect(")");
      return inner;
    }
    if (accept("[")) {
      ExprPtr node = make_node(Expr::Kind::kList);
      node->args = arguments("]");
      return node;
    }
    fail("unexpected token '" + token.text + "'", token.column);
  }

  ExprPtr identifier() {
    const Token token = peek();
    ++at_;
    if (token.text == "true" || token.text == "false" || token.text == "null") {
      ExprPtr node = make_node(Expr::Kind::kLiteral);
      node->literal =
          token.text == "null" ? nlohmann::json() : nlohmann::json(token.text == "true");
      return node;
    }
    if (!accept("("))
      return make_node(Expr::Kind::kIdent, token.text);
    std::vector<ExprPtr> args = arguments(")");
    if (token.text == "has") {
      if (args.size() != 1 || args[0]->kind != Expr::Kind::kSelect)
        fail("invalid argument to has() macro", token.column);
      ExprPtr node = make_node(Expr::Kind::kHas, args[0]->name);
      node->args.push_back(std::move(args[0]->args[0]));
      return node;
    }
    ExprPtr node = make_node(Expr::Kind::kCall, token.text);
    node->args = std::move(args);
    return node;
  }

  std::vector<Token> tokens_;
  std::size_t at_ = 0;
  int depth_ = 0;
  int nodes_ = 0;
};

}  // namespace

Result<ExprPtr> parse(std::string_view source) {
  try {
    Parser parser(Lexer(source).tokens());
    return parser.parse_all();
  } catch (const SyntaxError& error) {
    return Error(ErrorCode::kInvalidArgument, error.what());
  }
}

}  // namespace hvo::apiserver::cel

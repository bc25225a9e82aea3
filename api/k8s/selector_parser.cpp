// Selector::parse: the `labelSelector=` text form, with the grammar and quirks of
// apimachinery's labels parser: "in"/"notin" are keywords only where an operator is expected,
// "a in ()" and "a in (x,)" contain the empty value, "a=" means "a equals the empty value".
#include <optional>

#include "api/k8s/selector.h"

namespace hvo::k8s {
namespace {

enum class Token {
  kIdentifier,
  kIn,
  kNotIn,
  kOpenParen,
  kCloseParen,
  kComma,
  kBang,          // !
  kEquals,        // =
  kDoubleEquals,  // ==
  kNotEquals,     // !=
  kGreaterThan,
  kLessThan,
  kEnd,
};

struct Lexeme {
  Token token;
  std::string text;
};

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}
bool is_symbol(char c) {
  return c == '=' || c == '!' || c == '(' || c == ')' || c == ',' || c == '>' || c == '<';
}

std::vector<Lexeme> tokenize(std::string_view text) {
  std::vector<Lexeme> lexemes;
  std::size_t pos = 0;
  while (true) {
    while (pos < text.size() && is_space(text[pos]))
      ++pos;
    if (pos == text.size())
      break;
    const char c = text[pos];
    if (is_symbol(c)) {
      const bool pair = pos + 1 < text.size() && text[pos + 1] == '=' && (c == '=' || c == '!');
      if (pair) {
        lexemes.push_back({c == '=' ? Token::kDoubleEquals : Token::kNotEquals,
                           std::string(text.substr(pos, 2))});
        pos += 2;
        continue;
      }
      Token token = Token::kComma;
      switch (c) {
        case '=':
          token = Token::kEquals;
          break;
        case '!':
          token = Token::kBang;
          break;
        case '(':
          token = Token::kOpenParen;
          break;
        case ')':
          token = Token::kCloseParen;
          break;
        case '>':
          token = Token::kGreaterThan;
          break;
        case '<':
          token = Token::kLessThan;
          break;
        default:
          token = Token::kComma;
          break;
      }
      lexemes.push_back({token, std::string(1, c)});
      ++pos;
      continue;
    }
    const std::size_t begin = pos;
    while (pos < text.size() && !is_space(text[pos]) && !is_symbol(text[pos]))
      ++pos;
    std::string word(text.substr(begin, pos - begin));
    const Token token = word == "in"      ? Token::kIn
                        : word == "notin" ? Token::kNotIn
                                          : Token::kIdentifier;
    lexemes.push_back({token, std::move(word)});
  }
  lexemes.push_back({Token::kEnd, ""});
  return lexemes;
}

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text), lexemes_(tokenize(text)) {}

  Result<Selector> parse() {
    Selector selector;
    if (peek_value().token == Token::kEnd)
      return selector;
    while (true) {
      auto requirement = parse_requirement();
      if (!requirement.ok())
        return requirement.error();
      selector.add(std::move(*requirement));
      const Lexeme next = next_value();
      if (next.token == Token::kEnd)
        return selector;
      if (next.token != Token::kComma)
        return fail(next, "',' or end of string");
      const Token after = peek_value().token;
      if (after != Token::kIdentifier && after != Token::kBang) {
        return fail(peek_value(), "identifier after ','");
      }
    }
  }

 private:
  // Where values are expected, "in" and "notin" are ordinary words.
  Lexeme as_value(Lexeme lexeme) const {
    if (lexeme.token == Token::kIn || lexeme.token == Token::kNotIn) {
      lexeme.token = Token::kIdentifier;
    }
    return lexeme;
  }
  Lexeme peek_value() const { return as_value(lexemes_[position_]); }
  Lexeme next_value() { return as_value(next_raw()); }
  Lexeme next_raw() {
    const Lexeme& lexeme = lexemes_[position_];
    if (position_ + 1 < lexemes_.size())
      ++position_;
    return lexeme;
  }

  Error fail(const Lexeme& found, const std::string& expected) const {
    const std::string shown = found.token == Token::kEnd ? "end of string" : "'" + found.text + "'";
    return Error(ErrorCode::kInvalidArgument, "label selector \"" + std::string(text_) +
                                                  "\": found " + shown + ", expected " + expected);
  }
  Error invalid(const Error& error) const {
    return error.with_context("label selector \"" + std::string(text_) + "\"");
  }

  Result<Requirement> parse_requirement() {
    Lexeme lexeme = next_value();
    const bool negated = lexeme.token == Token::kBang;
    if (negated)
      lexeme = next_value();
    if (lexeme.token != Token::kIdentifier)
      return fail(lexeme, "identifier");
    const std::string key = lexeme.text;

    const Token after_key = peek_value().token;
    if (negated || after_key == Token::kEnd || after_key == Token::kComma) {
      if (negated && after_key != Token::kEnd && after_key != Token::kComma) {
        return fail(peek_value(), "',' or end of string after '!" + key + "'");
      }
      auto made = Requirement::make(
          key, negated ? SelectorOperator::kDoesNotExist : SelectorOperator::kExists, {});
      if (!made.ok())
        return invalid(made.error());
      return made;
    }

    const Lexeme op_lexeme = next_raw();
    std::optional<SelectorOperator> op;
    switch (op_lexeme.token) {
      case Token::kIn:
        op = SelectorOperator::kIn;
        break;
      case Token::kNotIn:
        op = SelectorOperator::kNotIn;
        break;
      case Token::kEquals:
        op = SelectorOperator::kEquals;
        break;
      case Token::kDoubleEquals:
        op = SelectorOperator::kDoubleEquals;
        break;
      case Token::kNotEquals:
        op = SelectorOperator::kNotEquals;
        break;
      case Token::kGreaterThan:
        op = SelectorOperator::kGreaterThan;
        break;
      case Token::kLessThan:
        op = SelectorOperator::kLessThan;
        break;
      default:
        return fail(op_lexeme, "one of =, ==, !=, in, notin, >, <");
    }

    auto values = (*op == SelectorOperator::kIn || *op == SelectorOperator::kNotIn)
                      ? parse_value_set()
                      : parse_exact_value();
    if (!values.ok())
      return values.error();
    auto made = Requirement::make(key, *op, std::move(*values));
    if (!made.ok())
      return invalid(made.error());
    return made;
  }

  // "(x,y)", "()", "(x,)", "(,x)": empty entries are the empty value.
  Result<std::vector<std::string>> parse_value_set() {
    const Lexeme open = next_value();
    if (open.token != Token::kOpenParen)
      return fail(open, "'('");
    std::vector<std::string> values;
    bool expect_value = true;
    while (true) {
      const Lexeme lexeme = next_value();
      if (lexeme.token == Token::kIdentifier && expect_value) {
        values.push_back(lexeme.text);
        expect_value = false;
      } else if (lexeme.token == Token::kComma) {
        if (expect_value)
          values.emplace_back();
        expect_value = true;
      } else if (lexeme.token == Token::kCloseParen) {
        if (expect_value)
          values.emplace_back();
        return values;
      } else {
        return fail(lexeme, expect_value ? "',', ')' or identifier" : "',' or ')'");
      }
    }
  }

  // "a=b" or "a=" (the empty value).
  Result<std::vector<std::string>> parse_exact_value() {
    const Lexeme lexeme = peek_value();
    if (lexeme.token == Token::kEnd || lexeme.token == Token::kComma) {
      return std::vector<std::string>{""};
    }
    next_value();
    if (lexeme.token != Token::kIdentifier)
      return fail(lexeme, "identifier");
    return std::vector<std::string>{lexeme.text};
  }

  std::string_view text_;
  std::vector<Lexeme> lexemes_;
  std::size_t position_ = 0;
};

}  // namespace

Result<Selector> Selector::parse(std::string_view text) {
  return Parser(text).parse();
}

}  // namespace hvo::k8s

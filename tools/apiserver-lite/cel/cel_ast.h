// The syntax tree of a CEL expression (https://github.com/google/cel-spec, langdef.md), for the
// subset CustomResourceDefinition validation rules use: literals, `self` / `oldSelf` and
// comprehension variables, field selection, indexing, calls (global and receiver style),
// unary/binary operators, the conditional, list literals, and the macros `has()`, `all`,
// `exists`, `exists_one`, `filter` and `map`.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace hvo::apiserver::cel {

struct Expr {
  enum class Kind {
    kLiteral,       // literal
    kIdent,         // name
    kSelect,        // args[0].name
    kIndex,         // args[0][args[1]]
    kCall,          // name(args...), or args[0].name(args[1...]) when receiver
    kUnary,         // name ("!" or "-") args[0]
    kBinary,        // args[0] name args[1]; name is the operator ("&&", "<=", "in", ...)
    kConditional,   // args[0] ? args[1] : args[2]
    kList,          // [args...]
    kHas,           // has(args[0].name): args[0] is the operand of the select
    kComprehension  // args[0].name(variable, args[1]) with name all|exists|exists_one|filter|map
  };
  Kind kind = Kind::kLiteral;
  nlohmann::json literal;  // kLiteral: null, bool, integer, float or string
  std::string name;
  std::string variable;   // kComprehension
  bool receiver = false;  // kCall
  std::vector<std::unique_ptr<Expr>> args;
};

using ExprPtr = std::unique_ptr<Expr>;

}  // namespace hvo::apiserver::cel

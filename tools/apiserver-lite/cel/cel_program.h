// A compiled CEL validation rule and its evaluation against a JSON value (`self`) and, for
// transition rules, the stored value (`oldSelf`).
//
// Supported (what CustomResourceDefinition rules commonly use, checked against cel-go and the
// Kubernetes CEL libraries): null, bool, int, uint (evaluated as int), double and string
// literals; lists; field selection and has(); indexing of lists and maps; ! - * / % + - < <= > >=
// == != in && || ?:; size(), string(), int(), double(), matches(), startsWith(), endsWith(),
// contains(); the macros all, exists, exists_one, filter, map; and Kubernetes' quantity library:
// quantity(), isQuantity(), compareTo(), isLessThan(), isGreaterThan(), isInteger(),
// asInteger(), add(), sub(), sign(). A rule that uses anything else does not compile, with an
// "undeclared reference" error like cel-go's.
//
// Errors follow cel-go's wording ("no such key: minimum", "division by zero", "index out of
// bounds: 2", "no such overload"), and `&&` / `||` absorb an error on one side when the other
// side decides the result, as CEL's commutative logical operators do.
//
// Cost: every node evaluated costs 1 from a budget the caller passes; an exhausted budget ends
// evaluation with "operation cancelled: actual cost limit exceeded", as cel-go's runtime cost
// limit does (the static cost estimate upstream runs on CRD creation is not reproduced).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "api/k8s/quantity.h"
#include "common/status.h"
#include "tools/apiserver-lite/cel/cel_ast.h"

namespace hvo::apiserver::cel {

struct Value {
  enum class Type { kNull, kBool, kInt, kDouble, kString, kList, kMap, kQuantity };
  Type type = Type::kNull;
  nlohmann::json json;  // every type but kQuantity (lists and maps hold JSON elements)
  k8s::Quantity quantity;

  static Value from_json(const nlohmann::json& value);
  bool is_true() const { return type == Type::kBool && json.get<bool>(); }
};

const char* type_name(Value::Type type);

struct Activation {
  const nlohmann::json* self = nullptr;
  const nlohmann::json* old_self = nullptr;  // null when the rule is not a transition rule
};

class Program {
 public:
  // Parses and checks `source` (identifiers and function names). Errors read like cel-go's:
  // "Syntax error: ... at column N", "undeclared reference to 'foo'".
  static Result<Program> compile(const std::string& source);

  // Whether the rule reads oldSelf (a transition rule, evaluated on update only).
  bool uses_old_self() const { return uses_old_self_; }

  // Evaluates the rule; `budget` is decreased by the cost spent.
  Result<Value> evaluate(const Activation& activation, std::int64_t& budget) const;

 private:
  std::shared_ptr<const Expr> root_;
  bool uses_old_self_ = false;
};

}  // namespace hvo::apiserver::cel

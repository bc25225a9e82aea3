#include "tools/apiserver-lite/cel/cel_program.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <regex>
#include <set>
#include <stdexcept>
#include <vector>

#include "tools/apiserver-lite/cel/cel_parser.h"

namespace hvo::apiserver::cel {
namespace {

using nlohmann::json;
using Type = Value::Type;

class EvalError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

[[noreturn]] void no_overload(const std::string& function) {
  throw EvalError("no such overload: " + function);
}

Value make_bool(bool b) {
  Value v;
  v.type = Type::kBool;
  v.json = b;
  return v;
}
Value make_int(std::int64_t i) {
  Value v;
  v.type = Type::kInt;
  v.json = i;
  return v;
}
Value make_double(double d) {
  Value v;
  v.type = Type::kDouble;
  v.json = d;
  return v;
}
Value make_string(std::string s) {
  Value v;
  v.type = Type::kString;
  v.json = std::move(s);
  return v;
}
Value make_quantity(k8s::Quantity q) {
  Value v;
  v.type = Type::kQuantity;
  v.quantity = q;
  return v;
}

bool is_number(const Value& v) {
  return v.type == Type::kInt || v.type == Type::kDouble;
}
double as_double(const Value& v) {
  return v.type == Type::kInt ? static_cast<double>(v.json.get<std::int64_t>())
                              : v.json.get<double>();
}

// Values back to JSON, for list literals and the results of map().
json to_json(const Value& v, const std::string& where) {
  if (v.type == Type::kQuantity)
    throw EvalError("unsupported: a quantity inside a list (" + where + ")");
  return v.json;
}

// Strings count Unicode code points, as CEL's size() does.
std::int64_t code_points(const std::string& s) {
  std::int64_t count = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80)
      ++count;
  }
  return count;
}

bool equal(const Value& a, const Value& b) {
  if (is_number(a) && is_number(b)) {
    if (a.type == Type::kInt && b.type == Type::kInt)
      return a.json.get<std::int64_t>() == b.json.get<std::int64_t>();
    return as_double(a) == as_double(b);
  }
  if (a.type == Type::kQuantity || b.type == Type::kQuantity) {
    if (a.type != b.type)
      no_overload("_==_");
    return a.quantity.compare(b.quantity) == 0;
  }
  if (a.type != b.type) {
    if (a.type == Type::kNull || b.type == Type::kNull)
      return false;
    no_overload("_==_");
  }
  return a.json == b.json;
}

int compare(const Value& a, const Value& b, const std::string& op) {
  if (is_number(a) && is_number(b)) {
    if (a.type == Type::kInt && b.type == Type::kInt) {
      const auto x = a.json.get<std::int64_t>();
      const auto y = b.json.get<std::int64_t>();
      return x < y ? -1 : (x > y ? 1 : 0);
    }
    const double x = as_double(a);
    const double y = as_double(b);
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  if (a.type != b.type)
    no_overload("_" + op + "_");
  switch (a.type) {
    case Type::kString: {
      const auto& x = a.json.get_ref<const std::string&>();
      const auto& y = b.json.get_ref<const std::string&>();
      return x < y ? -1 : (x > y ? 1 : 0);
    }
    case Type::kBool:
      return static_cast<int>(a.json.get<bool>()) - static_cast<int>(b.json.get<bool>());
    default:
      no_overload("_" + op + "_");
  }
}

std::int64_t checked(long double result) {
  if (result > static_cast<long double>(std::numeric_limits<std::int64_t>::max()) ||
      result < static_cast<long double>(std::numeric_limits<std::int64_t>::min()))
    throw EvalError("integer overflow");
  return static_cast<std::int64_t>(result);
}

const std::set<std::string>& known_functions() {
  static const std::set<std::string> kNames = {
      "size",          "string",    "int",       "double",     "matches",   "startsWith",
      "endsWith",      "contains",  "quantity",  "isQuantity", "compareTo", "isLessThan",
      "isGreaterThan", "isInteger", "asInteger", "add",        "sub",       "sign"};
  return kNames;
}

// Compile-time checks: every identifier is self, oldSelf or a comprehension variable in scope;
// every function is one this evaluator knows.
void check(const Expr& expr, std::vector<std::string>& scope, bool& uses_old_self) {
  switch (expr.kind) {
    case Expr::Kind::kIdent:
      if (expr.name == "oldSelf")
        uses_old_self = true;
      if (expr.name != "self" && expr.name != "oldSelf" &&
          std::find(scope.begin(), scope.end(), expr.name) == scope.end())
        throw EvalError("undeclared reference to '" + expr.name + "'");
      return;
    case Expr::Kind::kCall:
      if (!known_functions().count(expr.name))
        throw EvalError("undeclared reference to '" + expr.name + "'");
      break;
    case Expr::Kind::kComprehension:
      check(*expr.args[0], scope, uses_old_self);
      scope.push_back(expr.variable);
      check(*expr.args[1], scope, uses_old_self);
      scope.pop_back();
      return;
    default:
      break;
  }
  for (const auto& arg : expr.args)
    check(*arg, scope, uses_old_self);
}

class Interpreter {
 public:
  Interpreter(const Activation& activation, std::int64_t& budget)
      : activation_(activation), budget_(budget) {}

  Value eval(const Expr& expr) {
    if (--budget_ < 0)
      throw EvalError("operation cancelled: actual cost limit exceeded");
    switch (expr.kind) {
      case Expr::Kind::kLiteral:
        return Value::from_json(expr.literal);
      case Expr::Kind::kIdent:
        return identifier(expr.name);
      case Expr::Kind::kSelect:
        return select(eval(*expr.args[0]), expr.name);
      case Expr::Kind::kHas: {
        const Value operand = eval(*expr.args[0]);
        if (operand.type != Type::kMap)
          no_overload("has");
        return make_bool(operand.json.contains(expr.name));
      }
      case Expr::Kind::kIndex:
        return index(eval(*expr.args[0]), eval(*expr.args[1]));
      case Expr::Kind::kList: {
        Value list;
        list.type = Type::kList;
        list.json = json::array();
        for (const auto& item : expr.args)
          list.json.push_back(to_json(eval(*item), "list literal"));
        return list;
      }
      case Expr::Kind::kUnary:
        return unary(expr);
      case Expr::Kind::kBinary:
        return binary(expr);
      case Expr::Kind::kConditional: {
        const Value condition = eval(*expr.args[0]);
        if (condition.type != Type::kBool)
          no_overload("_?_:_");
        return eval(*expr.args[condition.is_true() ? 1 : 2]);
      }
      case Expr::Kind::kCall:
        return call(expr);
      case Expr::Kind::kComprehension:
        return comprehension(expr);
    }
    throw EvalError("unknown expression");
  }

 private:
  Value identifier(const std::string& name) {
    for (auto it = scope_.rbegin(); it != scope_.rend(); ++it) {
      if (it->first == name)
        return it->second;
    }
    if (name == "self" && activation_.self)
      return Value::from_json(*activation_.self);
    if (name == "oldSelf" && activation_.old_self)
      return Value::from_json(*activation_.old_self);
    throw EvalError("no such attribute: " + name);
  }

  static Value select(const Value& operand, const std::string& field) {
    if (operand.type != Type::kMap)
      no_overload("select " + field);
    const auto found = operand.json.find(field);
    if (found == operand.json.end())
      throw EvalError("no such key: " + field);
    return Value::from_json(*found);
  }

  static Value index(const Value& operand, const Value& key) {
    if (operand.type == Type::kList) {
      if (key.type != Type::kInt)
        no_overload("_[_]");
      const auto i = key.json.get<std::int64_t>();
      if (i < 0 || static_cast<std::size_t>(i) >= operand.json.size())
        throw EvalError("index out of bounds: " + std::to_string(i));
      return Value::from_json(operand.json[static_cast<std::size_t>(i)]);
    }
    if (operand.type == Type::kMap) {
      if (key.type != Type::kString)
        no_overload("_[_]");
      const auto found = operand.json.find(key.json.get<std::string>());
      if (found == operand.json.end())
        throw EvalError("no such key: " + key.json.get<std::string>());
      return Value::from_json(*found);
    }
    no_overload("_[_]");
  }

  Value unary(const Expr& expr) {
    const Value operand = eval(*expr.args[0]);
    if (expr.name == "!") {
      if (operand.type != Type::kBool)
        no_overload("!_");
      return make_bool(!operand.is_true());
    }
    if (operand.type == Type::kInt)
      return make_int(checked(-static_cast<long double>(operand.json.get<std::int64_t>())));
    if (operand.type == Type::kDouble)
      return make_double(-operand.json.get<double>());
    no_overload("-_");
  }

  // CEL's && and ||: an error on one side is absorbed when the other side decides.
  Value logical(const Expr& expr, bool is_and) {
    std::optional<std::string> error;
    std::optional<bool> left;
    try {
      const Value v = eval(*expr.args[0]);
      if (v.type != Type::kBool)
        no_overload(is_and ? "_&&_" : "_||_");
      left = v.is_true();
    } catch (const EvalError& e) {
      if (budget_ < 0)
        throw;
      error = e.what();
    }
    if (left && *left != is_and)
      return make_bool(*left);  // false && ..., true || ...
    const Value right = eval(*expr.args[1]);
    if (right.type != Type::kBool)
      no_overload(is_and ? "_&&_" : "_||_");
    if (right.is_true() != is_and)
      return make_bool(right.is_true());
    if (error)
      throw EvalError(*error);
    return make_bool(is_and);
  }

  Value binary(const Expr& expr) {
    const std::string& op = expr.name;
    if (op == "&&" || op == "||")
      return logical(expr, op == "&&");
    const Value a = eval(*expr.args[0]);
    const Value b = eval(*expr.args[1]);
    if (op == "==")
      return make_bool(equal(a, b));
    if (op == "!=")
      return make_bool(!equal(a, b));
    if (op == "<")
      return make_bool(compare(a, b, op) < 0);
    if (op == "<=")
      return make_bool(compare(a, b, op) <= 0);
    if (op == ">")
      return make_bool(compare(a, b, op) > 0);
    if (op == ">=")
      return make_bool(compare(a, b, op) >= 0);
    if (op == "in") {
      if (b.type == Type::kList) {
        for (const auto& item : b.json) {
          if (equal(a, Value::from_json(item)))
            return make_bool(true);
        }
        return make_bool(false);
      }
      if (b.type == Type::kMap && a.type == Type::kString)
        return make_bool(b.json.contains(a.json.get<std::string>()));
      no_overload("@in");
    }
    return arithmetic(op, a, b);
  }

  static Value arithmetic(const std::string& op, const Value& a, const Value& b) {
    if (op == "+" && a.type == Type::kString && b.type == Type::kString)
      return make_string(a.json.get<std::string>() + b.json.get<std::string>());
    if (op == "+" && a.type == Type::kList && b.type == Type::kList) {
      Value list = a;
      for (const auto& item : b.json)
        list.json.push_back(item);
      return list;
    }
    if (a.type == Type::kInt && b.type == Type::kInt) {
      const long double x = a.json.get<std::int64_t>();
      const long double y = b.json.get<std::int64_t>();
      if (op == "+")
        return make_int(checked(x + y));
      if (op == "-")
        return make_int(checked(x - y));
      if (op == "*")
        return make_int(checked(x * y));
      const auto xi = a.json.get<std::int64_t>();
      const auto yi = b.json.get<std::int64_t>();
      if (yi == 0)
        throw EvalError(op == "/" ? "division by zero" : "modulus by zero");
      if (xi == std::numeric_limits<std::int64_t>::min() && yi == -1)
        throw EvalError("integer overflow");
      return make_int(op == "/" ? xi / yi : xi % yi);
    }
    if (a.type == Type::kDouble && b.type == Type::kDouble && op != "%") {
      const double x = a.json.get<double>();
      const double y = b.json.get<double>();
      if (op == "+")
        return make_double(x + y);
      if (op == "-")
        return make_double(x - y);
      if (op == "*")
        return make_double(x * y);
      return make_double(x / y);
    }
    no_overload("_" + op + "_");
  }

  static k8s::Quantity parse_quantity(const Value& v) {
    if (v.type != Type::kString)
      no_overload("quantity");
    auto parsed = k8s::Quantity::parse(v.json.get<std::string>());
    if (!parsed.ok())
      throw EvalError("quantity parse error: " + parsed.error().message());
    return *parsed;
  }

  static bool is_integer(const k8s::Quantity& q) {
    return q.compare(k8s::Quantity::from_int(q.value())) == 0;
  }

  Value call(const Expr& expr) {
    std::vector<Value> args;
    for (const auto& arg : expr.args)
      args.push_back(eval(*arg));
    const std::string& f = expr.name;
    const auto arity = [&](std::size_t n) {
      if (args.size() != n)
        no_overload(f);
    };
    if (f == "size") {
      arity(1);
      const Value& v = args[0];
      if (v.type == Type::kString)
        return make_int(code_points(v.json.get<std::string>()));
      if (v.type == Type::kList || v.type == Type::kMap)
        return make_int(static_cast<std::int64_t>(v.json.size()));
      no_overload(f);
    }
    if (f == "string") {
      arity(1);
      const Value& v = args[0];
      switch (v.type) {
        case Type::kString:
          return v;
        case Type::kInt:
          return make_string(std::to_string(v.json.get<std::int64_t>()));
        case Type::kBool:
          return make_string(v.is_true() ? "true" : "false");
        case Type::kDouble:
          return make_string(v.json.dump());
        default:
          no_overload(f);
      }
    }
    if (f == "int") {
      arity(1);
      const Value& v = args[0];
      if (v.type == Type::kInt)
        return v;
      if (v.type == Type::kDouble)
        return make_int(checked(std::trunc(v.json.get<double>())));
      if (v.type == Type::kString) {
        const std::string& s = v.json.get_ref<const std::string&>();
        std::size_t used = 0;
        try {
          const long long parsed = std::stoll(s, &used);
          if (used == s.size())
            return make_int(parsed);
        } catch (const std::exception&) {
        }
        throw EvalError("cannot convert \"" + s + "\" to int");
      }
      no_overload(f);
    }
    if (f == "double") {
      arity(1);
      if (is_number(args[0]))
        return make_double(as_double(args[0]));
      no_overload(f);
    }
    if (f == "matches" || f == "startsWith" || f == "endsWith" || f == "contains") {
      arity(2);
      if (args[0].type != Type::kString || args[1].type != Type::kString)
        no_overload(f);
      const std::string& s = args[0].json.get_ref<const std::string&>();
      const std::string& t = args[1].json.get_ref<const std::string&>();
      if (f == "startsWith")
        return make_bool(s.rfind(t, 0) == 0);
      if (f == "endsWith")
        return make_bool(s.size() >= t.size() && s.compare(s.size() - t.size(), t.size(), t) == 0);
      if (f == "contains")
        return make_bool(s.find(t) != std::string::npos);
      try {
        return make_bool(std::regex_search(s, std::regex(t, std::regex::ECMAScript)));
      } catch (const std::regex_error&) {
        throw EvalError("invalid regular expression: " + t);
      }
    }
    if (f == "quantity") {
      arity(1);
      return make_quantity(parse_quantity(args[0]));
    }
    if (f == "isQuantity") {
      arity(1);
      if (args[0].type != Type::kString)
        no_overload(f);
      return make_bool(k8s::Quantity::parse(args[0].json.get<std::string>()).ok());
    }
    // The quantity library's methods: the receiver is args[0].
    if (args.empty() || args[0].type != Type::kQuantity)
      no_overload(f);
    const k8s::Quantity& q = args[0].quantity;
    if (f == "isInteger") {
      arity(1);
      return make_bool(is_integer(q));
    }
    if (f == "asInteger") {
      arity(1);
      if (!is_integer(q))
        throw EvalError("cannot convert value to integer");
      return make_int(q.value());
    }
    if (f == "sign") {
      arity(1);
      return make_int(q.sign());
    }
    arity(2);
    k8s::Quantity other;
    if (args[1].type == Type::kQuantity)
      other = args[1].quantity;
    else if (args[1].type == Type::kInt && (f == "add" || f == "sub"))
      other = k8s::Quantity::from_int(args[1].json.get<std::int64_t>());
    else
      no_overload(f);
    if (f == "compareTo")
      return make_int(q.compare(other));
    if (f == "isLessThan")
      return make_bool(q.compare(other) < 0);
    if (f == "isGreaterThan")
      return make_bool(q.compare(other) > 0);
    auto result = f == "add" ? q.add(other) : q.sub(other);
    if (!result.ok())
      throw EvalError(result.error().message());
    return make_quantity(*result);
  }

  Value comprehension(const Expr& expr) {
    const Value range = eval(*expr.args[0]);
    std::vector<json> items;
    if (range.type == Type::kList) {
      items.assign(range.json.begin(), range.json.end());
    } else if (range.type == Type::kMap) {
      for (auto it = range.json.begin(); it != range.json.end(); ++it)
        items.emplace_back(it.key());  // a map's comprehension ranges over its keys
    } else {
      no_overload(expr.name);
    }
    const std::string& macro = expr.name;
    Value list;
    list.type = Type::kList;
    list.json = json::array();
    std::int64_t matches = 0;
    std::optional<std::string> error;  // all/exists absorb errors when another element decides
    for (const json& item : items) {
      scope_.emplace_back(expr.variable, Value::from_json(item));
      try {
        const Value result = eval(*expr.args[1]);
        scope_.pop_back();
        if (macro == "map") {
          list.json.push_back(to_json(result, "map()"));
          continue;
        }
        if (result.type != Type::kBool)
          no_overload(macro);
        if (macro == "all" && !result.is_true())
          return make_bool(false);
        if (macro == "exists" && result.is_true())
          return make_bool(true);
        if (result.is_true()) {
          ++matches;
          if (macro == "filter")
            list.json.push_back(item);
        }
      } catch (const EvalError& e) {
        if (!scope_.empty() && scope_.back().first == expr.variable)
          scope_.pop_back();
        if (budget_ < 0 || (macro != "all" && macro != "exists"))
          throw;
        error = e.what();
      }
    }
    if (error)
      throw EvalError(*error);
    if (macro == "all")
      return make_bool(true);
    if (macro == "exists")
      return make_bool(false);
    if (macro == "exists_one")
      return make_bool(matches == 1);
    return list;
  }

  const Activation& activation_;
  std::int64_t& budget_;
  std::vector<std::pair<std::string, Value>> scope_;
};

}  // namespace

Value Value::from_json(const nlohmann::json& value) {
  Value v;
  v.json = value;
  switch (value.type()) {
    case json::value_t::null:
      v.type = Type::kNull;
      break;
    case json::value_t::boolean:
      v.type = Type::kBool;
      break;
    case json::value_t::number_integer:
      v.type = Type::kInt;
      break;
    case json::value_t::number_unsigned: {
      const auto u = value.get<std::uint64_t>();
      if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
        throw EvalError("integer overflow");
      v.type = Type::kInt;
      v.json = static_cast<std::int64_t>(u);
      break;
    }
    case json::value_t::number_float:
      v.type = Type::kDouble;
      break;
    case json::value_t::string:
      v.type = Type::kString;
      break;
    case json::value_t::array:
      v.type = Type::kList;
      break;
    case json::value_t::object:
      v.type = Type::kMap;
      break;
    default:
      throw EvalError("unsupported value");
  }
  return v;
}

const char* type_name(Type type) {
  switch (type) {
    case Type::kNull:
      return "null_type";
    case Type::kBool:
      return "bool";
    case Type::kInt:
      return "int";
    case Type::kDouble:
      return "double";
    case Type::kString:
      return "string";
    case Type::kList:
      return "list";
    case Type::kMap:
      return "map";
    case Type::kQuantity:
      return "kubernetes.Quantity";
  }
  return "unknown";
}

Result<Program> Program::compile(const std::string& source) {
  auto parsed = parse(source);
  if (!parsed.ok())
    return parsed.error();
  Program program;
  try {
    std::vector<std::string> scope;
    check(**parsed, scope, program.uses_old_self_);
  } catch (const EvalError& error) {
    return Error(ErrorCode::kInvalidArgument, std::string("ERROR: ") + error.what());
  }
  program.root_ = std::shared_ptr<const Expr>(std::move(parsed).value());
  return program;
}

Result<Value> Program::evaluate(const Activation& activation, std::int64_t& budget) const {
  try {
    Interpreter interpreter(activation, budget);
    return interpreter.eval(*root_);
  } catch (const EvalError& error) {
    return Error(ErrorCode::kInvalidArgument, error.what());
  } catch (const nlohmann::json::exception& error) {
    return Error(ErrorCode::kInvalidArgument, std::string("no such overload: ") + error.what());
  }
}

}  // namespace hvo::apiserver::cel

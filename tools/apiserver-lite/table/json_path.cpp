#include "tools/apiserver-lite/table/json_path.h"

namespace hvo::apiserver {

using nlohmann::json;

namespace {

struct Step {
  enum class Kind { kField, kIndex, kWildcard, kFilter };
  Kind kind = Kind::kField;
  std::string field;         // kField; kFilter: the field compared
  long index = 0;            // kIndex
  std::string filter_value;  // kFilter: the value it must equal (string form)
};

std::string unquote(const std::string& text) {
  if (text.size() >= 2 && (text.front() == '"' || text.front() == '\'') &&
      text.back() == text.front()) {
    return text.substr(1, text.size() - 2);
  }
  return text;
}

// Parses "[...]" starting at expression[pos] == '['; returns false when malformed.
bool parse_bracket(const std::string& expression, std::size_t& pos, std::vector<Step>& steps) {
  const auto close = expression.find(']', pos);
  if (close == std::string::npos)
    return false;
  const std::string inner = expression.substr(pos + 1, close - pos - 1);
  pos = close + 1;
  Step step;
  if (inner == "*") {
    step.kind = Step::Kind::kWildcard;
  } else if (inner.rfind("?(@.", 0) == 0 && inner.back() == ')') {
    const std::string condition = inner.substr(4, inner.size() - 5);
    const auto eq = condition.find("==");
    if (eq == std::string::npos)
      return false;
    step.kind = Step::Kind::kFilter;
    step.field = condition.substr(0, eq);
    step.filter_value = unquote(condition.substr(eq + 2));
  } else if (!inner.empty() && (inner.front() == '\'' || inner.front() == '"')) {
    step.field = unquote(inner);
  } else {
    try {
      std::size_t used = 0;
      step.index = std::stol(inner, &used);
      if (used != inner.size())
        return false;
    } catch (const std::exception&) {
      return false;
    }
    step.kind = Step::Kind::kIndex;
  }
  steps.push_back(step);
  return true;
}

std::optional<std::vector<Step>> parse(std::string expression) {
  if (expression.size() >= 2 && expression.front() == '{' && expression.back() == '}') {
    expression = expression.substr(1, expression.size() - 2);
  }
  std::vector<Step> steps;
  std::size_t pos = 0;
  while (pos < expression.size()) {
    if (expression[pos] == '.') {
      const auto end = expression.find_first_of(".[", pos + 1);
      const std::string field =
          expression.substr(pos + 1, end == std::string::npos ? std::string::npos : end - pos - 1);
      if (!field.empty())
        steps.push_back({Step::Kind::kField, field, 0, ""});
      pos = end == std::string::npos ? expression.size() : end;
    } else if (expression[pos] == '[') {
      if (!parse_bracket(expression, pos, steps))
        return std::nullopt;
    } else {
      return std::nullopt;
    }
  }
  return steps;
}

std::string scalar_text(const json& value) {
  return value.is_string() ? value.get<std::string>() : value.dump();
}

}  // namespace

std::optional<std::vector<json>> json_path_find(const json& root, const std::string& expression) {
  auto steps = parse(expression);
  if (!steps)
    return std::nullopt;
  std::vector<const json*> current{&root};
  for (const auto& step : *steps) {
    std::vector<const json*> next;
    for (const json* node : current) {
      switch (step.kind) {
        case Step::Kind::kField:
          if (node->is_object() && node->contains(step.field))
            next.push_back(&(*node)[step.field]);
          break;
        case Step::Kind::kIndex:
          if (node->is_array()) {
            const long size = static_cast<long>(node->size());
            const long index = step.index < 0 ? size + step.index : step.index;
            if (index >= 0 && index < size)
              next.push_back(&(*node)[static_cast<std::size_t>(index)]);
          }
          break;
        case Step::Kind::kWildcard:
          if (node->is_array() || node->is_object()) {
            for (const auto& child : *node)
              next.push_back(&child);
          }
          break;
        case Step::Kind::kFilter:
          if (node->is_array()) {
            for (const auto& child : *node) {
              if (child.is_object() && child.contains(step.field) &&
                  scalar_text(child[step.field]) == step.filter_value) {
                next.push_back(&child);
              }
            }
          }
          break;
      }
    }
    current = std::move(next);
  }
  std::vector<json> out;
  for (const json* node : current)
    out.push_back(*node);
  return out;
}

}  // namespace hvo::apiserver

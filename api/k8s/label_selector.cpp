#include "api/k8s/label_selector.h"

#include "api/k8s/names.h"

namespace hvo::k8s {
namespace {

SelectorOperator selector_operator(LabelSelectorOperator op) {
  switch (op) {
    case LabelSelectorOperator::kIn:
      return SelectorOperator::kIn;
    case LabelSelectorOperator::kNotIn:
      return SelectorOperator::kNotIn;
    case LabelSelectorOperator::kExists:
      return SelectorOperator::kExists;
    case LabelSelectorOperator::kDoesNotExist:
      return SelectorOperator::kDoesNotExist;
  }
  return SelectorOperator::kIn;
}

void add_problems(const std::vector<std::string>& problems, const std::string& path,
                  const std::string& value, FieldErrors& errors) {
  for (const std::string& problem : problems) {
    errors.push_back({path, "invalid value \"" + value + "\": " + problem});
  }
}

}  // namespace

const char* to_string(LabelSelectorOperator op) {
  switch (op) {
    case LabelSelectorOperator::kIn:
      return "In";
    case LabelSelectorOperator::kNotIn:
      return "NotIn";
    case LabelSelectorOperator::kExists:
      return "Exists";
    case LabelSelectorOperator::kDoesNotExist:
      return "DoesNotExist";
  }
  return "In";
}

std::optional<LabelSelectorOperator> parse_label_selector_operator(const std::string& text) {
  if (text == "In")
    return LabelSelectorOperator::kIn;
  if (text == "NotIn")
    return LabelSelectorOperator::kNotIn;
  if (text == "Exists")
    return LabelSelectorOperator::kExists;
  if (text == "DoesNotExist")
    return LabelSelectorOperator::kDoesNotExist;
  return std::nullopt;
}

FieldErrors validate(const LabelSelector& selector, const std::string& path) {
  FieldErrors errors;
  const std::string labels_path = field_path(path, "matchLabels");
  for (const auto& [key, value] : selector.match_labels) {
    add_problems(check_qualified_name(key), labels_path, key, errors);
    add_problems(check_label_value(value), field_path(labels_path, key), value, errors);
  }
  for (std::size_t i = 0; i < selector.match_expressions.size(); ++i) {
    const LabelSelectorRequirement& requirement = selector.match_expressions[i];
    const std::string item = index_path(field_path(path, "matchExpressions"), i);
    add_problems(check_qualified_name(requirement.key), field_path(item, "key"), requirement.key,
                 errors);
    const bool is_set = requirement.op == LabelSelectorOperator::kIn ||
                        requirement.op == LabelSelectorOperator::kNotIn;
    if (is_set && requirement.values.empty()) {
      errors.push_back(
          {field_path(item, "values"), "must be specified when operator is In or NotIn"});
    }
    if (!is_set && !requirement.values.empty()) {
      errors.push_back({field_path(item, "values"),
                        "may not be specified when operator is Exists or DoesNotExist"});
    }
    for (std::size_t v = 0; v < requirement.values.size(); ++v) {
      add_problems(check_label_value(requirement.values[v]),
                   index_path(field_path(item, "values"), v), requirement.values[v], errors);
    }
  }
  return errors;
}

Result<Selector> to_selector(const LabelSelector& selector) {
  Selector out;
  for (const auto& [key, value] : selector.match_labels) {
    auto requirement = Requirement::make(key, SelectorOperator::kEquals, {value});
    if (!requirement.ok())
      return requirement.error();
    out.add(std::move(*requirement));
  }
  for (const LabelSelectorRequirement& expression : selector.match_expressions) {
    auto requirement =
        Requirement::make(expression.key, selector_operator(expression.op), expression.values);
    if (!requirement.ok())
      return requirement.error();
    out.add(std::move(*requirement));
  }
  return out;
}

Result<Selector> to_selector(const std::optional<LabelSelector>& selector) {
  if (!selector)
    return Selector::nothing();
  return to_selector(*selector);
}

Result<std::string> to_string(const LabelSelector& selector) {
  auto converted = to_selector(selector);
  if (!converted.ok())
    return converted.error();
  return converted->to_string();
}

bool matches(const LabelSelector& selector, const StringMap& labels) {
  auto converted = to_selector(selector);
  return converted.ok() && converted->matches(labels);
}

void decode(const Json& value, const std::string& path, FieldErrors& errors,
            LabelSelectorRequirement& out) {
  const ObjectReader reader(value, path, errors);
  reader.required("key", out.key);
  if (const Json* op = reader.find("operator")) {
    decode_enum(*op, reader.path_of("operator"), errors, out.op, parse_label_selector_operator,
                "\"In\", \"NotIn\", \"Exists\", \"DoesNotExist\"");
  } else if (reader.is_object()) {
    errors.push_back({reader.path_of("operator"), "required value"});
  }
  reader.optional("values", out.values);
}

void decode(const Json& value, const std::string& path, FieldErrors& errors, LabelSelector& out) {
  const ObjectReader reader(value, path, errors);
  reader.optional("matchLabels", out.match_labels);
  reader.optional("matchExpressions", out.match_expressions);
}

void encode(Json& target, const LabelSelectorRequirement& requirement) {
  ensure_object(target);
  put(target, "key", requirement.key);
  put(target, "operator", to_string(requirement.op));
  put(target, "values", requirement.values);
}

void encode(Json& target, const LabelSelector& selector) {
  ensure_object(target);
  put(target, "matchLabels", selector.match_labels);
  put(target, "matchExpressions", selector.match_expressions);
}

}  // namespace hvo::k8s

#include "tools/apiserver-lite/rest/field_selector.h"

#include <algorithm>

#include "tools/apiserver-lite/registry/event_views.h"
#include "tools/apiserver-lite/rest/api_error.h"

namespace hvo::apiserver {

using nlohmann::json;

namespace {

std::string trim(const std::string& text) {
  const auto begin = text.find_first_not_of(' ');
  if (begin == std::string::npos)
    return {};
  const auto end = text.find_last_not_of(' ');
  return text.substr(begin, end - begin + 1);
}

// The value at a dotted path as the real server's field sets render it ("" when absent).
std::string field_value(const json& object, const std::string& field) {
  if (field == "source")  // core/v1 Events only
    return core_event_source_field(object);
  const json* node = &object;
  std::size_t start = 0;
  while (start <= field.size()) {
    const auto dot = field.find('.', start);
    const std::string part =
        field.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (!node->is_object() || !node->contains(part))
      return {};
    node = &(*node)[part];
    if (dot == std::string::npos)
      break;
    start = dot + 1;
  }
  if (node->is_string())
    return node->get<std::string>();
  if (node->is_null())
    return {};
  if (node->is_object() && node->contains("component")) {
    return (*node)["component"].is_string() ? (*node)["component"].get<std::string>() : "";
  }
  return node->dump();
}

bool allowed(const ResourceType& type, const std::string& field) {
  if (field == "metadata.name" || field == "metadata.namespace")
    return true;
  const auto& extra = type.extra_field_selectors;
  return std::find(extra.begin(), extra.end(), field) != extra.end();
}

}  // namespace

FieldSelector FieldSelector::parse(const std::string& text, const ResourceType& type) {
  FieldSelector selector;
  std::size_t start = 0;
  while (start < text.size()) {
    auto comma = text.find(',', start);
    if (comma == std::string::npos)
      comma = text.size();
    const std::string term = trim(text.substr(start, comma - start));
    start = comma + 1;
    if (term.empty())
      continue;
    FieldRequirement requirement;
    std::size_t op = term.find("!=");
    std::size_t op_len = 2;
    if (op != std::string::npos) {
      requirement.equals = false;
    } else if ((op = term.find("==")) == std::string::npos) {
      op = term.find('=');
      op_len = 1;
    }
    if (op == std::string::npos || op == 0) {
      throw bad_request("invalid selector: '" + text + "'; can't understand '" + term + "'");
    }
    requirement.field = trim(term.substr(0, op));
    requirement.value = trim(term.substr(op + op_len));
    if (!allowed(type, requirement.field)) {
      throw bad_request("field label not supported: " + requirement.field);
    }
    selector.requirements_.push_back(std::move(requirement));
  }
  return selector;
}

bool FieldSelector::matches(const json& object) const {
  for (const auto& requirement : requirements_) {
    const bool equal = field_value(object, requirement.field) == requirement.value;
    if (equal != requirement.equals)
      return false;
  }
  return true;
}

std::string FieldSelector::required_value(const std::string& field) const {
  for (const auto& requirement : requirements_) {
    if (requirement.field == field && requirement.equals)
      return requirement.value;
  }
  return {};
}

}  // namespace hvo::apiserver

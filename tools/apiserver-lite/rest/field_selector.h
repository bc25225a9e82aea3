// fieldSelector for LIST and WATCH: "metadata.name=x,metadata.namespace!=y". Custom resources
// support metadata.name and metadata.namespace only; built-ins add a few fields of their own
// (ResourceType::extra_field_selectors). Anything else is a 400.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tools/apiserver-lite/registry/resource_type.h"

namespace hvo::apiserver {

struct FieldRequirement {
  std::string field;   // "metadata.name"
  bool equals = true;  // = / == versus !=
  std::string value;
};

class FieldSelector {
 public:
  // Parses and checks the fields against `type`. Throws ApiError (400) naming the bad term.
  static FieldSelector parse(const std::string& text, const ResourceType& type);

  bool empty() const { return requirements_.empty(); }
  bool matches(const nlohmann::json& object) const;
  // The value required for `field` with "=", when there is one (narrows a watch to one name).
  std::string required_value(const std::string& field) const;

 private:
  std::vector<FieldRequirement> requirements_;
};

}  // namespace hvo::apiserver

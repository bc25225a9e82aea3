// Validation of a value against an OpenAPI v3 schema, following kube-openapi's validator as
// apiextensions-apiserver runs it on custom resources, with its error reasons and messages.
#include <cmath>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "api/schema/field_errors.h"
#include "api/schema/formats.h"
#include "api/schema/pattern_cache.h"
#include "api/schema/schema_keywords.h"
#include "api/schema/structural_schema.h"

namespace hvo::schema {
namespace {

using nlohmann::json;

// The type name kube-openapi reports for a value ("must be of type integer: \"string\"").
std::string type_name(const json& v) {
  switch (v.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::boolean:
      return "boolean";
    case json::value_t::string:
      return "string";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
      return "integer";
    case json::value_t::number_float:
      return "number";
    case json::value_t::object:
      return "object";
    case json::value_t::array:
      return "array";
    default:
      return "unknown";
  }
}

bool is_integral(const json& v) {
  if (v.is_number_integer())
    return true;
  if (!v.is_number_float())
    return false;
  const double d = v.get<double>();
  return std::isfinite(d) && std::trunc(d) == d;
}

bool has_type(const json& v, const std::string& type) {
  if (type == "object")
    return v.is_object();
  if (type == "array")
    return v.is_array();
  if (type == "string")
    return v.is_string();
  if (type == "boolean")
    return v.is_boolean();
  if (type == "integer")
    return is_integral(v);
  if (type == "number")
    return v.is_number();
  return true;  // an unknown type name is the structural check's business, not validation's
}

// Unicode code points, as kube-openapi counts string length (utf8.RuneCountInString).
int64_t rune_count(const std::string& s) {
  int64_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80)
      ++n;
  }
  return n;
}

// "spec.cpu.count in body should be ..."; the root has no name.
std::string in_body(const std::string& path, const std::string& text) {
  return path.empty() ? "in body " + text : path + " in body " + text;
}

std::optional<double> number_value(const json* value) {
  if (!value || !value->is_number())
    return std::nullopt;
  return value->get<double>();
}

std::optional<int64_t> count_value(const json* value) {
  if (!value || !value->is_number_integer())
    return std::nullopt;
  return value->get<int64_t>();
}

std::string string_value(const json* value) {
  return value && value->is_string() ? value->get<std::string>() : std::string();
}

bool is_schema(const json* value) {
  return value && value->is_object();
}

class Validator {
 public:
  explicit Validator(std::vector<FieldError>& errors) : errors_(errors) {}

  void validate(const json& schema, const json& value, const std::string& path) {
    if (!schema.is_object())
      return;
    const SchemaKeywords kw = read_keywords(schema);
    if (value.is_null() && kw.nullable)
      return;
    if (!check_type(kw, value, path))
      return;
    check_enum(kw, value, path);
    if (value.is_number())
      check_number(kw, value, path);
    if (value.is_string())
      check_string(kw, value, path);
    if (value.is_array())
      check_array(kw, value, path);
    if (value.is_object())
      check_object(kw, value, path);
    check_junctors(kw, value, path);
  }

 private:
  // False when the value has the wrong type: further checks would only repeat the problem.
  bool check_type(const SchemaKeywords& kw, const json& value, const std::string& path) {
    if (kw.int_or_string) {
      if (value.is_string() || is_integral(value))
        return true;
      const std::string actual = type_name(value);
      errors_.push_back(type_invalid(
          path, actual, in_body(path, "must be of type integer,string: " + quote(actual))));
      return false;
    }
    const std::string type = string_value(kw.type);
    if (type.empty() || has_type(value, type))
      return true;
    const std::string actual = type_name(value);
    errors_.push_back(type_invalid(
        path, actual, in_body(path, "must be of type " + type + ": " + quote(actual))));
    return false;
  }

  void check_enum(const SchemaKeywords& kw, const json& value, const std::string& path) {
    if (!kw.enum_values || !kw.enum_values->is_array())
      return;
    for (const json& allowed : *kw.enum_values) {
      if (allowed == value)
        return;
    }
    errors_.push_back(not_supported(
        path, value, std::vector<json>(kw.enum_values->begin(), kw.enum_values->end())));
  }

  void check_number(const SchemaKeywords& kw, const json& value, const std::string& path) {
    const double v = value.get<double>();
    if (auto max = number_value(kw.maximum)) {
      if (kw.exclusive_maximum ? v >= *max : v > *max) {
        errors_.push_back(invalid(
            path, value,
            in_body(path, std::string("should be less than ") +
                              (kw.exclusive_maximum ? "" : "or equal to ") + format_number(*max))));
      }
    }
    if (auto min = number_value(kw.minimum)) {
      if (kw.exclusive_minimum ? v <= *min : v < *min) {
        errors_.push_back(invalid(
            path, value,
            in_body(path, std::string("should be greater than ") +
                              (kw.exclusive_minimum ? "" : "or equal to ") + format_number(*min))));
      }
    }
    if (auto factor = number_value(kw.multiple_of); factor && *factor > 0) {
      const double quotient = v / *factor;
      if (std::fabs(quotient - std::round(quotient)) > 1e-9) {
        errors_.push_back(invalid(
            path, value, in_body(path, "should be a multiple of " + format_number(*factor))));
      }
    }
  }

  void check_string(const SchemaKeywords& kw, const json& value, const std::string& path) {
    const std::string& s = value.get_ref<const std::string&>();
    const int64_t length = rune_count(s);
    if (auto max = count_value(kw.max_length); max && length > *max) {
      errors_.push_back(too_long(path, *max));
    }
    if (auto min = count_value(kw.min_length); min && length < *min) {
      errors_.push_back(
          invalid(path, value,
                  in_body(path, "should be at least " + std::to_string(*min) + " chars long")));
    }
    const std::string pattern = string_value(kw.pattern);
    if (!pattern.empty() && !pattern_matches(pattern, s)) {
      errors_.push_back(invalid(path, value, in_body(path, "should match '" + pattern + "'")));
    }
    const std::string format = string_value(kw.format);
    if (!format.empty() && !matches_format(format, s)) {
      errors_.push_back(
          invalid(path, value, in_body(path, "must be of type " + format + ": " + quote(s))));
    }
  }

  void check_array(const SchemaKeywords& kw, const json& value, const std::string& path) {
    const auto size = static_cast<int64_t>(value.size());
    if (auto max = count_value(kw.max_items); max && size > *max) {
      errors_.push_back(too_many(path, size, *max));
    }
    if (auto min = count_value(kw.min_items); min && size < *min) {
      errors_.push_back(invalid(
          path, size, in_body(path, "should have at least " + std::to_string(*min) + " items")));
    }
    if (kw.unique_items && has_duplicates(value)) {
      errors_.push_back(invalid(path, value, in_body(path, "shouldn't contain duplicates")));
    }
    check_list_type(kw, value, path);
    if (is_schema(kw.items)) {
      for (size_t i = 0; i < value.size(); ++i)
        validate(*kw.items, value[i], index_path(path, i));
    }
  }

  static bool has_duplicates(const json& array) {
    std::set<std::string> seen;
    for (const json& item : array) {
      if (!seen.insert(item.dump()).second)
        return true;
    }
    return false;
  }

  // x-kubernetes-list-type set: items unique; map: the list-map-keys unique. Each repeat is
  // reported at its own index, as the API server does.
  void check_list_type(const SchemaKeywords& kw, const json& value, const std::string& path) {
    const std::string list_type = string_value(kw.list_type);
    if (list_type == "set") {
      std::set<std::string> seen;
      for (size_t i = 0; i < value.size(); ++i) {
        if (!seen.insert(value[i].dump()).second) {
          errors_.push_back(duplicate(index_path(path, i), value[i]));
        }
      }
    } else if (list_type == "map") {
      if (!kw.list_map_keys || !kw.list_map_keys->is_array())
        return;
      std::set<std::string> seen;
      for (size_t i = 0; i < value.size(); ++i) {
        if (!value[i].is_object())
          continue;
        json key_values = json::object();
        for (const json& key : *kw.list_map_keys) {
          if (!key.is_string())
            continue;
          auto field = value[i].find(key.get<std::string>());
          if (field != value[i].end())
            key_values[key.get<std::string>()] = *field;
        }
        if (!seen.insert(key_values.dump()).second) {
          errors_.push_back(duplicate(index_path(path, i), key_values));
        }
      }
    }
  }

  void check_object(const SchemaKeywords& kw, const json& value, const std::string& path) {
    const auto size = static_cast<int64_t>(value.size());
    if (auto max = count_value(kw.max_properties); max && size > *max) {
      errors_.push_back(too_many(path, size, *max));
    }
    if (auto min = count_value(kw.min_properties); min && size < *min) {
      errors_.push_back(
          invalid(path, size,
                  in_body(path, "should have at least " + std::to_string(*min) + " properties")));
    }
    if (kw.required && kw.required->is_array()) {
      for (const json& name : *kw.required) {
        if (name.is_string() && !value.contains(name.get<std::string>())) {
          errors_.push_back(required(child_path(path, name.get<std::string>())));
        }
      }
    }
    if (kw.embedded_resource)
      check_embedded(value, path);
    const json* additional = kw.additional_properties;
    const bool properties_declared = kw.properties && kw.properties->is_object();
    for (auto it = value.begin(); it != value.end(); ++it) {
      const std::string child = child_path(path, it.key());
      const auto prop =
          properties_declared ? kw.properties->find(it.key()) : json::const_iterator();
      if (properties_declared && prop != kw.properties->end() && prop->is_object()) {
        validate(*prop, it.value(), child);
      } else if (is_schema(additional)) {
        validate(*additional, it.value(), child);
      } else if (additional && additional->is_boolean() && !additional->get<bool>()) {
        errors_.push_back(invalid(child, it.value(), in_body(child, "is a forbidden property")));
      }
    }
  }

  // An embedded resource (x-kubernetes-embedded-resource) must say what it is.
  void check_embedded(const json& value, const std::string& path) {
    for (const char* key : {"apiVersion", "kind"}) {
      auto it = value.find(key);
      if (it == value.end() || !it->is_string() || it->get<std::string>().empty()) {
        errors_.push_back(
            {"FieldValueRequired", child_path(path, key), "Required value: must not be empty"});
      }
    }
  }

  bool passes(const json& schema, const json& value, const std::string& path) {
    std::vector<FieldError> scratch;
    Validator(scratch).validate(schema, value, path);
    return scratch.empty();
  }

  void check_junctors(const SchemaKeywords& kw, const json& value, const std::string& path) {
    if (kw.all_of && kw.all_of->is_array()) {
      for (const json& branch : *kw.all_of)
        validate(branch, value, path);
    }
    if (kw.any_of && kw.any_of->is_array()) {
      bool matched = false;
      for (const json& branch : *kw.any_of)
        matched = matched || passes(branch, value, path);
      if (!matched) {
        errors_.push_back(
            invalid(path, value, in_body(path, "must validate at least one schema (anyOf)")));
      }
    }
    if (kw.one_of && kw.one_of->is_array()) {
      int matched = 0;
      for (const json& branch : *kw.one_of)
        matched += passes(branch, value, path) ? 1 : 0;
      if (matched != 1) {
        errors_.push_back(
            invalid(path, value, in_body(path, "must validate one and only one schema (oneOf)")));
      }
    }
    if (is_schema(kw.not_schema) && passes(*kw.not_schema, value, path)) {
      errors_.push_back(invalid(path, value, in_body(path, "must not validate the schema (not)")));
    }
  }

  std::vector<FieldError>& errors_;
};

}  // namespace

std::vector<FieldError> validate(const json& schema, const json& value,
                                 const std::string& root_path) {
  std::vector<FieldError> errors;
  Validator(errors).validate(schema, value, root_path);
  return errors;
}

}  // namespace hvo::schema

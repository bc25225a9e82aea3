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
#include "api/schema/schema_node.h"
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

std::optional<double> number_keyword(const json& schema, const char* key) {
  auto it = schema.find(key);
  if (it == schema.end() || !it->is_number())
    return std::nullopt;
  return it->get<double>();
}

std::optional<int64_t> count_keyword(const json& schema, const char* key) {
  auto it = schema.find(key);
  if (it == schema.end() || !it->is_number_integer())
    return std::nullopt;
  return it->get<int64_t>();
}

class Validator {
 public:
  explicit Validator(std::vector<FieldError>& errors) : errors_(errors) {}

  void validate(const json& schema, const json& value, const std::string& path) {
    if (!schema.is_object())
      return;
    if (value.is_null() && flag(schema, "nullable"))
      return;
    if (!check_type(schema, value, path))
      return;
    check_enum(schema, value, path);
    if (value.is_number())
      check_number(schema, value, path);
    if (value.is_string())
      check_string(schema, value, path);
    if (value.is_array())
      check_array(schema, value, path);
    if (value.is_object())
      check_object(schema, value, path);
    check_junctors(schema, value, path);
  }

 private:
  // False when the value has the wrong type: further checks would only repeat the problem.
  bool check_type(const json& schema, const json& value, const std::string& path) {
    if (flag(schema, "x-kubernetes-int-or-string")) {
      if (value.is_string() || is_integral(value))
        return true;
      const std::string actual = type_name(value);
      errors_.push_back(type_invalid(
          path, actual, in_body(path, "must be of type integer,string: " + quote(actual))));
      return false;
    }
    const std::string type = string_keyword(schema, "type");
    if (type.empty() || has_type(value, type))
      return true;
    const std::string actual = type_name(value);
    errors_.push_back(type_invalid(
        path, actual, in_body(path, "must be of type " + type + ": " + quote(actual))));
    return false;
  }

  void check_enum(const json& schema, const json& value, const std::string& path) {
    auto it = schema.find("enum");
    if (it == schema.end() || !it->is_array())
      return;
    for (const json& allowed : *it) {
      if (allowed == value)
        return;
    }
    errors_.push_back(not_supported(path, value, std::vector<json>(it->begin(), it->end())));
  }

  void check_number(const json& schema, const json& value, const std::string& path) {
    const double v = value.get<double>();
    if (auto max = number_keyword(schema, "maximum")) {
      const bool exclusive = flag(schema, "exclusiveMaximum");
      if (exclusive ? v >= *max : v > *max) {
        errors_.push_back(
            invalid(path, value,
                    in_body(path, std::string("should be less than ") +
                                      (exclusive ? "" : "or equal to ") + format_number(*max))));
      }
    }
    if (auto min = number_keyword(schema, "minimum")) {
      const bool exclusive = flag(schema, "exclusiveMinimum");
      if (exclusive ? v <= *min : v < *min) {
        errors_.push_back(
            invalid(path, value,
                    in_body(path, std::string("should be greater than ") +
                                      (exclusive ? "" : "or equal to ") + format_number(*min))));
      }
    }
    if (auto factor = number_keyword(schema, "multipleOf"); factor && *factor > 0) {
      const double quotient = v / *factor;
      if (std::fabs(quotient - std::round(quotient)) > 1e-9) {
        errors_.push_back(invalid(
            path, value, in_body(path, "should be a multiple of " + format_number(*factor))));
      }
    }
  }

  void check_string(const json& schema, const json& value, const std::string& path) {
    const std::string& s = value.get_ref<const std::string&>();
    const int64_t length = rune_count(s);
    if (auto max = count_keyword(schema, "maxLength"); max && length > *max) {
      errors_.push_back(too_long(path, *max));
    }
    if (auto min = count_keyword(schema, "minLength"); min && length < *min) {
      errors_.push_back(
          invalid(path, value,
                  in_body(path, "should be at least " + std::to_string(*min) + " chars long")));
    }
    const std::string pattern = string_keyword(schema, "pattern");
    if (!pattern.empty() && !pattern_matches(pattern, s)) {
      errors_.push_back(invalid(path, value, in_body(path, "should match '" + pattern + "'")));
    }
    const std::string format = string_keyword(schema, "format");
    if (!format.empty() && !matches_format(format, s)) {
      errors_.push_back(
          invalid(path, value, in_body(path, "must be of type " + format + ": " + quote(s))));
    }
  }

  void check_array(const json& schema, const json& value, const std::string& path) {
    const auto size = static_cast<int64_t>(value.size());
    if (auto max = count_keyword(schema, "maxItems"); max && size > *max) {
      errors_.push_back(too_many(path, size, *max));
    }
    if (auto min = count_keyword(schema, "minItems"); min && size < *min) {
      errors_.push_back(invalid(
          path, size, in_body(path, "should have at least " + std::to_string(*min) + " items")));
    }
    if (flag(schema, "uniqueItems") && has_duplicates(value)) {
      errors_.push_back(invalid(path, value, in_body(path, "shouldn't contain duplicates")));
    }
    check_list_type(schema, value, path);
    if (const json* items = sub_schema(schema, "items")) {
      for (size_t i = 0; i < value.size(); ++i)
        validate(*items, value[i], index_path(path, i));
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
  void check_list_type(const json& schema, const json& value, const std::string& path) {
    const std::string list_type = string_keyword(schema, "x-kubernetes-list-type");
    if (list_type == "set") {
      std::set<std::string> seen;
      for (size_t i = 0; i < value.size(); ++i) {
        if (!seen.insert(value[i].dump()).second) {
          errors_.push_back(duplicate(index_path(path, i), value[i]));
        }
      }
    } else if (list_type == "map") {
      auto keys = schema.find("x-kubernetes-list-map-keys");
      if (keys == schema.end() || !keys->is_array())
        return;
      std::set<std::string> seen;
      for (size_t i = 0; i < value.size(); ++i) {
        if (!value[i].is_object())
          continue;
        json key_values = json::object();
        for (const json& key : *keys) {
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

  void check_object(const json& schema, const json& value, const std::string& path) {
    const auto size = static_cast<int64_t>(value.size());
    if (auto max = count_keyword(schema, "maxProperties"); max && size > *max) {
      errors_.push_back(too_many(path, size, *max));
    }
    if (auto min = count_keyword(schema, "minProperties"); min && size < *min) {
      errors_.push_back(
          invalid(path, size,
                  in_body(path, "should have at least " + std::to_string(*min) + " properties")));
    }
    if (auto req = schema.find("required"); req != schema.end() && req->is_array()) {
      for (const json& name : *req) {
        if (name.is_string() && !value.contains(name.get<std::string>())) {
          errors_.push_back(required(child_path(path, name.get<std::string>())));
        }
      }
    }
    if (flag(schema, "x-kubernetes-embedded-resource"))
      check_embedded(value, path);
    const auto additional = schema.find("additionalProperties");
    for (auto it = value.begin(); it != value.end(); ++it) {
      const std::string child = child_path(path, it.key());
      if (const json* prop = property_schema(schema, it.key())) {
        validate(*prop, it.value(), child);
      } else if (additional != schema.end() && additional->is_object()) {
        validate(*additional, it.value(), child);
      } else if (additional != schema.end() && additional->is_boolean() &&
                 !additional->get<bool>()) {
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

  void check_junctors(const json& schema, const json& value, const std::string& path) {
    if (auto all = schema.find("allOf"); all != schema.end() && all->is_array()) {
      for (const json& branch : *all)
        validate(branch, value, path);
    }
    if (auto any = schema.find("anyOf"); any != schema.end() && any->is_array()) {
      bool matched = false;
      for (const json& branch : *any)
        matched = matched || passes(branch, value, path);
      if (!matched) {
        errors_.push_back(
            invalid(path, value, in_body(path, "must validate at least one schema (anyOf)")));
      }
    }
    if (auto one = schema.find("oneOf"); one != schema.end() && one->is_array()) {
      int matched = 0;
      for (const json& branch : *one)
        matched += passes(branch, value, path) ? 1 : 0;
      if (matched != 1) {
        errors_.push_back(
            invalid(path, value, in_body(path, "must validate one and only one schema (oneOf)")));
      }
    }
    if (const json* negated = sub_schema(schema, "not"); negated && passes(*negated, value, path)) {
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

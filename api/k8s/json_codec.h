// Decoding JSON into typed values with field paths in every error, and encoding typed values
// back onto the JSON they came from.
//
// Decoding never throws and never stops at the first problem: each decode() appends
// "<path>: expected integer, got string" (and the like) to a FieldErrors list and leaves its
// output unchanged, so one pass reports every problem in an object.
//
// Encoding overlays: encode(target, value) writes the fields this code knows onto `target`,
// which may hold fields it does not know (added by a newer CRD version or another tool); those
// survive a read → modify status → write cycle. A value that is numerically unchanged keeps the
// spelling it had ("1.5Gi" is not rewritten to "1536Mi" unless the value changed).
//
// Each struct gets a pair of overloads in its own namespace, found by argument-dependent lookup:
//   void decode(const Json& value, const std::string& path, FieldErrors& errors, CpuSpec& out);
//   void encode(Json& target, const CpuSpec& cpu);
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/k8s/field_error.h"
#include "api/k8s/quantity.h"
#include "api/k8s/time.h"

namespace hvo::k8s {

using Json = nlohmann::json;
using StringMap = std::map<std::string, std::string>;

// How errors name a JSON value's type: string, integer, number, boolean, object, array, null.
const char* json_type_name(const Json& value);

// Appends "<path>: expected <expected>, got <actual type>".
void add_type_error(const Json& value, const std::string& path, const char* expected,
                    FieldErrors& errors);

void decode(const Json& value, const std::string& path, FieldErrors& errors, std::string& out);
void decode(const Json& value, const std::string& path, FieldErrors& errors, bool& out);
void decode(const Json& value, const std::string& path, FieldErrors& errors, std::int64_t& out);
void decode(const Json& value, const std::string& path, FieldErrors& errors, std::int32_t& out);
void decode(const Json& value, const std::string& path, FieldErrors& errors, double& out);
// A quantity is a string ("2Gi") or a number (2147483648), as x-kubernetes-int-or-string allows.
void decode(const Json& value, const std::string& path, FieldErrors& errors, Quantity& out);
void decode(const Json& value, const std::string& path, FieldErrors& errors, Time& out);
void decode(const Json& value, const std::string& path, FieldErrors& errors, MicroTime& out);
void decode(const Json& value, const std::string& path, FieldErrors& errors, StringMap& out);
// Kept as is (managedFields and other opaque parts).
void decode(const Json& value, const std::string& path, FieldErrors& errors, Json& out);

template <typename T>
void decode(const Json& value, const std::string& path, FieldErrors& errors, std::vector<T>& out) {
  if (!value.is_array()) {
    add_type_error(value, path, "array", errors);
    return;
  }
  std::vector<T> items(value.size());
  for (std::size_t i = 0; i < value.size(); ++i) {
    decode(value[i], index_path(path, i), errors, items[i]);
  }
  out = std::move(items);
}

template <typename T>
void decode(const Json& value, const std::string& path, FieldErrors& errors,
            std::optional<T>& out) {
  if (value.is_null()) {
    out.reset();
    return;
  }
  T decoded{};
  const std::size_t errors_before = errors.size();
  decode(value, path, errors, decoded);
  if (errors.size() == errors_before)
    out = std::move(decoded);
}

// Decodes a string into an enum through `parse` (returning std::optional<E>); an unknown value
// reads `<path>: unsupported value "Sometimes": supported values: "Always", "Halted"`.
template <typename E, typename Parse>
void decode_enum(const Json& value, const std::string& path, FieldErrors& errors, E& out,
                 Parse parse, const char* supported) {
  if (!value.is_string()) {
    add_type_error(value, path, "string", errors);
    return;
  }
  const auto parsed = parse(value.get_ref<const std::string&>());
  if (!parsed) {
    errors.push_back({path, "unsupported value \"" + value.get<std::string>() +
                                "\": supported values: " + supported});
    return;
  }
  out = *parsed;
}

// Reads the fields of one JSON object. A value that is not an object is reported once, and
// every read from it is then a no-op.
class ObjectReader {
 public:
  ObjectReader(const Json& value, std::string path, FieldErrors& errors);
  // The reader keeps a pointer to `value`: a temporary would dangle.
  ObjectReader(Json&& value, std::string path, FieldErrors& errors) = delete;

  bool is_object() const { return object_ != nullptr; }
  const std::string& path() const { return path_; }
  FieldErrors& errors() const { return errors_; }
  std::string path_of(const char* key) const { return field_path(path_, key); }
  // The field's value, or nullptr when absent or null.
  const Json* find(const char* key) const;

  // Absent or null: `out` keeps its default.
  template <typename T>
  void optional(const char* key, T& out) const {
    if (const Json* field = find(key))
      decode(*field, path_of(key), errors_, out);
  }

  // Absent or null: "<path>: required value".
  template <typename T>
  void required(const char* key, T& out) const {
    if (const Json* field = find(key)) {
      decode(*field, path_of(key), errors_, out);
    } else if (is_object()) {
      errors_.push_back({path_of(key), "required value"});
    }
  }

 private:
  const Json* object_ = nullptr;
  std::string path_;
  FieldErrors& errors_;
};

// Makes `target` an object (a fresh one when it holds anything else) and returns it.
Json& ensure_object(Json& target);

void encode(Json& target, const std::string& value);
void encode(Json& target, const char* value);
void encode(Json& target, bool value);
void encode(Json& target, std::int64_t value);
void encode(Json& target, std::int32_t value);
void encode(Json& target, double value);
void encode(Json& target, const Quantity& value);
void encode(Json& target, const Time& value);
void encode(Json& target, const MicroTime& value);
void encode(Json& target, const StringMap& value);
void encode(Json& target, const Json& value);

// Lists overlay element by element: item i is written onto the old element i.
template <typename T>
void encode(Json& target, const std::vector<T>& items) {
  Json old = target.is_array() ? std::move(target) : Json::array();
  Json out = Json::array();
  for (std::size_t i = 0; i < items.size(); ++i) {
    Json element = i < old.size() ? std::move(old[i]) : Json();
    encode(element, items[i]);
    out.push_back(std::move(element));
  }
  target = std::move(out);
}

// Lists whose items have an identity (a name, a condition type) overlay by that identity, so
// removing or reordering items keeps each item's unknown fields with the right item.
template <typename T, typename KeyOf>
void encode_keyed_list(Json& target, const std::vector<T>& items, const char* key_field,
                       KeyOf key_of) {
  Json old = target.is_array() ? std::move(target) : Json::array();
  Json out = Json::array();
  for (const T& item : items) {
    Json element;
    const std::string key = key_of(item);
    for (Json& candidate : old) {
      if (candidate.is_object() && candidate.value(key_field, Json()) == Json(key)) {
        element = std::move(candidate);
        candidate = Json();
        break;
      }
    }
    encode(element, item);
    out.push_back(std::move(element));
  }
  target = std::move(out);
}

// Empty strings, lists and maps are left out of the JSON, as Go's `omitempty` does.
inline bool omitted(const std::string& value) {
  return value.empty();
}
template <typename T>
bool omitted(const std::vector<T>& value) {
  return value.empty();
}
inline bool omitted(const StringMap& value) {
  return value.empty();
}
template <typename T>
bool omitted(const T&) {
  return false;
}

// Writes one field: removes it when the value is omitted (or an absent optional); otherwise
// encodes onto the old value. A struct that encodes to an empty object where the field did not
// exist before is left out too, so reading and writing an object does not add `{}` fields.
template <typename T>
void put(Json& object, const char* key, const T& value) {
  ensure_object(object);
  if (omitted(value)) {
    object.erase(key);
    return;
  }
  const bool existed = object.contains(key);
  Json& field = object[key];
  encode(field, value);
  if (!existed && field.is_object() && field.empty())
    object.erase(key);
}

template <typename T>
void put(Json& object, const char* key, const std::optional<T>& value) {
  ensure_object(object);
  if (!value) {
    object.erase(key);
    return;
  }
  encode(object[key], *value);
}

// Writes a field the CRD schema defaults: when the JSON lacks it and the value is the default,
// it stays absent, so reading and writing an object the API server has not defaulted (a
// manifest file, a test fixture) adds nothing to it.
template <typename T>
void put_defaulted(Json& object, const char* key, const T& value, const T& default_value) {
  ensure_object(object);
  if (!object.contains(key) && value == default_value)
    return;
  put(object, key, value);
}

// Parses JSON text; malformed or truncated text is an InvalidArgument error naming `what` and
// the position, never an exception.
Result<Json> parse_json(std::string_view text, const std::string& what);

}  // namespace hvo::k8s

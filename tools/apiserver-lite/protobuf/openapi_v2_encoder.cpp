#include "tools/apiserver-lite/protobuf/openapi_v2_encoder.h"

#include <cstdint>

#include "tools/apiserver-lite/protobuf/wire_writer.h"

namespace hvo::apiserver::protobuf {

using nlohmann::json;

namespace {

// Field numbers of gnostic's openapi.v2 messages, named where they are used more than once.
namespace schema_field {
constexpr std::uint32_t kRef = 1, kFormat = 2, kTitle = 3, kDescription = 4, kDefault = 5,
                        kMultipleOf = 6, kMaximum = 7, kExclusiveMaximum = 8, kMinimum = 9,
                        kExclusiveMinimum = 10, kMaxLength = 11, kMinLength = 12, kPattern = 13,
                        kMaxItems = 14, kMinItems = 15, kUniqueItems = 16, kMaxProperties = 17,
                        kMinProperties = 18, kRequired = 19, kEnum = 20, kAdditionalProperties = 21,
                        kType = 22, kItems = 23, kAllOf = 24, kProperties = 25, kDiscriminator = 26,
                        kReadOnly = 27, kExample = 30, kVendorExtension = 31;
}  // namespace schema_field

const json* member(const json& object, const char* key) {
  if (!object.is_object())
    return nullptr;
  const auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

// Proto3 leaves defaults out: empty strings, false, zero.
void put_string(WireWriter& out, std::uint32_t number, const json& object, const char* key) {
  const json* value = member(object, key);
  if (value != nullptr && value->is_string() && !value->get_ref<const std::string&>().empty())
    out.bytes_field(number, value->get_ref<const std::string&>());
}

void put_bool(WireWriter& out, std::uint32_t number, const json& object, const char* key) {
  const json* value = member(object, key);
  if (value != nullptr && value->is_boolean() && value->get<bool>())
    out.bool_field(number, true);
}

void put_int64(WireWriter& out, std::uint32_t number, const json& object, const char* key) {
  const json* value = member(object, key);
  if (value != nullptr && value->is_number_integer() && value->get<std::int64_t>() != 0)
    out.varint_field(number, static_cast<std::uint64_t>(value->get<std::int64_t>()));
}

void put_double(WireWriter& out, std::uint32_t number, const json& object, const char* key) {
  const json* value = member(object, key);
  if (value != nullptr && value->is_number() && value->get<double>() != 0.0)
    out.double_field(number, value->get<double>());
}

void put_strings(WireWriter& out, std::uint32_t number, const json& object, const char* key) {
  const json* values = member(object, key);
  if (values == nullptr)
    return;
  if (values->is_string()) {
    out.bytes_field(number, values->get_ref<const std::string&>());
    return;
  }
  if (!values->is_array())
    return;
  for (const auto& value : *values) {
    if (value.is_string())
      out.bytes_field(number, value.get_ref<const std::string&>());
  }
}

// gnostic Any {value=1 (google.protobuf.Any, unused), yaml=2}.
WireWriter any(const json& value) {
  WireWriter out;
  out.bytes_field(2, value.dump());
  return out;
}

void put_any(WireWriter& out, std::uint32_t number, const json& object, const char* key) {
  if (const json* value = member(object, key))
    out.message_field(number, any(*value));
}

void put_anys(WireWriter& out, std::uint32_t number, const json& object, const char* key) {
  const json* values = member(object, key);
  if (values == nullptr || !values->is_array())
    return;
  for (const auto& value : *values)
    out.message_field(number, any(value));
}

// Every `x-` member as a NamedAny {name=1, value=2}.
void put_vendor_extensions(WireWriter& out, std::uint32_t number, const json& object) {
  if (!object.is_object())
    return;
  for (const auto& [key, value] : object.items()) {
    if (key.rfind("x-", 0) != 0)
      continue;
    WireWriter named;
    named.bytes_field(1, key);
    named.message_field(2, any(value));
    out.message_field(number, named);
  }
}

WireWriter named(const std::string& name, const WireWriter& value) {
  WireWriter out;
  out.bytes_field(1, name);
  out.message_field(2, value);
  return out;
}

WireWriter schema(const json& s) {
  namespace f = schema_field;
  WireWriter out;
  if (!s.is_object())
    return out;  // a boolean schema has no v2 form; an empty schema allows anything
  put_string(out, f::kRef, s, "$ref");
  put_string(out, f::kFormat, s, "format");
  put_string(out, f::kTitle, s, "title");
  put_string(out, f::kDescription, s, "description");
  put_any(out, f::kDefault, s, "default");
  put_double(out, f::kMultipleOf, s, "multipleOf");
  put_double(out, f::kMaximum, s, "maximum");
  put_bool(out, f::kExclusiveMaximum, s, "exclusiveMaximum");
  put_double(out, f::kMinimum, s, "minimum");
  put_bool(out, f::kExclusiveMinimum, s, "exclusiveMinimum");
  put_int64(out, f::kMaxLength, s, "maxLength");
  put_int64(out, f::kMinLength, s, "minLength");
  put_string(out, f::kPattern, s, "pattern");
  put_int64(out, f::kMaxItems, s, "maxItems");
  put_int64(out, f::kMinItems, s, "minItems");
  put_bool(out, f::kUniqueItems, s, "uniqueItems");
  put_int64(out, f::kMaxProperties, s, "maxProperties");
  put_int64(out, f::kMinProperties, s, "minProperties");
  put_strings(out, f::kRequired, s, "required");
  put_anys(out, f::kEnum, s, "enum");
  if (const json* additional = member(s, "additionalProperties")) {
    // AdditionalPropertiesItem: oneof {schema=1, boolean=2}; a oneof member is written even
    // when false.
    WireWriter item;
    if (additional->is_boolean())
      item.bool_field(2, additional->get<bool>());
    else
      item.message_field(1, schema(*additional));
    out.message_field(f::kAdditionalProperties, item);
  }
  if (member(s, "type") != nullptr) {
    WireWriter type;  // TypeItem {repeated string value=1}
    put_strings(type, 1, s, "type");
    out.message_field(f::kType, type);
  }
  if (const json* items = member(s, "items")) {
    WireWriter item;  // ItemsItem {repeated Schema schema=1}
    if (items->is_array()) {
      for (const auto& each : *items)
        item.message_field(1, schema(each));
    } else {
      item.message_field(1, schema(*items));
    }
    out.message_field(f::kItems, item);
  }
  if (const json* all_of = member(s, "allOf"); all_of != nullptr && all_of->is_array()) {
    for (const auto& each : *all_of)
      out.message_field(f::kAllOf, schema(each));
  }
  if (const json* properties = member(s, "properties");
      properties != nullptr && properties->is_object()) {
    WireWriter named_schemas;  // Properties {repeated NamedSchema additional_properties=1}
    for (const auto& [name, property] : properties->items())
      named_schemas.message_field(1, named(name, schema(property)));
    out.message_field(f::kProperties, named_schemas);
  }
  put_string(out, f::kDiscriminator, s, "discriminator");
  put_bool(out, f::kReadOnly, s, "readOnly");
  put_any(out, f::kExample, s, "example");
  put_vendor_extensions(out, f::kVendorExtension, s);
  if (const json* nullable = member(s, "nullable"); nullable != nullptr && nullable->is_boolean() &&
                                                    nullable->get<bool>() &&
                                                    member(s, "x-nullable") == nullptr) {
    out.message_field(f::kVendorExtension, named("x-nullable", any(true)));
  }
  return out;
}

// A non-body parameter's sub-schema. Query and formData parameters number their fields from
// `type` = 6 (allowEmptyValue is 5), path and header ones from `type` = 5; the rest follow in
// the same order. `items` (PrimitivesItems, for array parameters) is not written.
WireWriter non_body_sub_schema(const json& p, bool query_like) {
  WireWriter out;
  put_bool(out, 1, p, "required");
  put_string(out, 2, p, "in");
  put_string(out, 3, p, "description");
  put_string(out, 4, p, "name");
  const std::uint32_t type = query_like ? 6 : 5;
  if (query_like)
    put_bool(out, 5, p, "allowEmptyValue");
  put_string(out, type, p, "type");
  put_string(out, type + 1, p, "format");
  put_string(out, type + 3, p, "collectionFormat");
  put_any(out, type + 4, p, "default");
  put_double(out, type + 5, p, "maximum");
  put_bool(out, type + 6, p, "exclusiveMaximum");
  put_double(out, type + 7, p, "minimum");
  put_bool(out, type + 8, p, "exclusiveMinimum");
  put_int64(out, type + 9, p, "maxLength");
  put_int64(out, type + 10, p, "minLength");
  put_string(out, type + 11, p, "pattern");
  put_int64(out, type + 12, p, "maxItems");
  put_int64(out, type + 13, p, "minItems");
  put_bool(out, type + 14, p, "uniqueItems");
  put_anys(out, type + 15, p, "enum");
  put_double(out, type + 16, p, "multipleOf");
  put_vendor_extensions(out, type + 17, p);
  return out;
}

// Parameter: oneof {body_parameter=1, non_body_parameter=2}.
WireWriter parameter(const json& p) {
  WireWriter out;
  const std::string in = p.value("in", "");
  if (in == "body") {
    WireWriter body;  // BodyParameter
    put_string(body, 1, p, "description");
    put_string(body, 2, p, "name");
    put_string(body, 3, p, "in");
    put_bool(body, 4, p, "required");
    if (const json* s = member(p, "schema"))
      body.message_field(5, schema(*s));
    put_vendor_extensions(body, 6, p);
    out.message_field(1, body);
    return out;
  }
  // NonBodyParameter: oneof {header=1, formData=2, query=3, path=4}.
  const std::uint32_t which = in == "header" ? 1 : in == "formData" ? 2 : in == "path" ? 4 : 3;
  WireWriter non_body;
  non_body.message_field(which, non_body_sub_schema(p, which == 2 || which == 3));
  out.message_field(2, non_body);
  return out;
}

// ParametersItem: oneof {parameter=1, json_reference=2 {_ref=1, description=2}}.
WireWriter parameters_item(const json& p) {
  WireWriter out;
  if (member(p, "$ref") != nullptr) {
    WireWriter reference;
    put_string(reference, 1, p, "$ref");
    put_string(reference, 2, p, "description");
    out.message_field(2, reference);
  } else {
    out.message_field(1, parameter(p));
  }
  return out;
}

void put_parameters(WireWriter& out, std::uint32_t number, const json& object) {
  const json* parameters = member(object, "parameters");
  if (parameters == nullptr || !parameters->is_array())
    return;
  for (const auto& p : *parameters)
    out.message_field(number, parameters_item(p));
}

// Responses {repeated NamedResponseValue response_code=1, vendor_extension=2}; a ResponseValue
// is oneof {response=1, json_reference=2}; a Response {description=1, schema=2 (SchemaItem oneof
// {schema=1, file_schema=2}), ..., vendor_extension=5}.
WireWriter responses(const json& r) {
  WireWriter out;
  if (!r.is_object())
    return out;
  for (const auto& [code, value] : r.items()) {
    if (code.rfind("x-", 0) == 0)
      continue;
    WireWriter response_value;
    if (member(value, "$ref") != nullptr) {
      WireWriter reference;
      put_string(reference, 1, value, "$ref");
      put_string(reference, 2, value, "description");
      response_value.message_field(2, reference);
    } else {
      WireWriter response;
      put_string(response, 1, value, "description");
      if (const json* s = member(value, "schema")) {
        WireWriter schema_item;
        schema_item.message_field(1, schema(*s));
        response.message_field(2, schema_item);
      }
      put_vendor_extensions(response, 5, value);
      response_value.message_field(1, response);
    }
    out.message_field(1, named(code, response_value));
  }
  put_vendor_extensions(out, 2, r);
  return out;
}

WireWriter operation(const json& op) {
  WireWriter out;
  put_strings(out, 1, op, "tags");
  put_string(out, 2, op, "summary");
  put_string(out, 3, op, "description");
  put_string(out, 5, op, "operationId");
  put_strings(out, 6, op, "produces");
  put_strings(out, 7, op, "consumes");
  put_parameters(out, 8, op);
  if (const json* r = member(op, "responses"))
    out.message_field(9, responses(*r));
  put_strings(out, 10, op, "schemes");
  put_bool(out, 11, op, "deprecated");
  put_vendor_extensions(out, 13, op);
  return out;
}

WireWriter path_item(const json& item) {
  WireWriter out;
  put_string(out, 1, item, "$ref");
  const std::pair<const char*, std::uint32_t> methods[] = {
      {"get", 2},     {"put", 3},  {"post", 4}, {"delete", 5},
      {"options", 6}, {"head", 7}, {"patch", 8}};
  for (const auto& [method, number] : methods) {
    if (const json* op = member(item, method))
      out.message_field(number, operation(*op));
  }
  put_parameters(out, 9, item);
  put_vendor_extensions(out, 10, item);
  return out;
}

WireWriter info(const json& i) {
  WireWriter out;
  put_string(out, 1, i, "title");
  put_string(out, 2, i, "version");
  put_string(out, 3, i, "description");
  put_string(out, 4, i, "termsOfService");
  put_vendor_extensions(out, 7, i);
  return out;
}

}  // namespace

std::string encode_openapi_v2(const json& document) {
  WireWriter out;
  put_string(out, 1, document, "swagger");
  if (const json* i = member(document, "info"))
    out.message_field(2, info(*i));
  put_string(out, 3, document, "host");
  put_string(out, 4, document, "basePath");
  put_strings(out, 5, document, "schemes");
  put_strings(out, 6, document, "consumes");
  put_strings(out, 7, document, "produces");
  if (const json* paths = member(document, "paths"); paths != nullptr && paths->is_object()) {
    WireWriter encoded;  // Paths {vendor_extension=1, repeated NamedPathItem path=2}
    put_vendor_extensions(encoded, 1, *paths);
    for (const auto& [path, item] : paths->items()) {
      if (path.rfind("x-", 0) != 0)
        encoded.message_field(2, named(path, path_item(item)));
    }
    out.message_field(8, encoded);
  }
  if (const json* definitions = member(document, "definitions");
      definitions != nullptr && definitions->is_object()) {
    WireWriter encoded;  // Definitions {repeated NamedSchema additional_properties=1}
    for (const auto& [name, s] : definitions->items())
      encoded.message_field(1, named(name, schema(s)));
    out.message_field(9, encoded);
  }
  if (const json* parameters = member(document, "parameters");
      parameters != nullptr && parameters->is_object()) {
    WireWriter encoded;  // ParameterDefinitions {repeated NamedParameter additional_properties=1}
    for (const auto& [name, p] : parameters->items())
      encoded.message_field(1, named(name, parameter(p)));
    out.message_field(10, encoded);
  }
  put_vendor_extensions(out, 16, document);
  return out.take();
}

}  // namespace hvo::apiserver::protobuf

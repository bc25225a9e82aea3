// The protobuf OpenAPI v2 document (gnostic's openapi.v2.Document): read back field by field with
// the wire reader, checked against the field numbers of OpenAPIv2.proto.
#include "tools/apiserver-lite/protobuf/openapi_v2_encoder.h"

#include <cstring>
#include <map>

#include <gtest/gtest.h>

#include "tools/apiserver-lite/protobuf/wire_reader.h"

namespace hvo::apiserver::protobuf {
namespace {

using nlohmann::json;

// Every field of one message: length-delimited payloads as they are, varints as decimal text,
// fixed64 as the double it holds.
std::multimap<std::uint32_t, std::string> fields(const std::string& bytes) {
  std::multimap<std::uint32_t, std::string> out;
  WireReader reader(bytes);
  while (!reader.done()) {
    const FieldTag tag = reader.tag();
    switch (tag.wire_type) {
      case WireType::kVarint:
        out.emplace(tag.number, std::to_string(reader.varint()));
        break;
      case WireType::kLengthDelimited:
        out.emplace(tag.number, std::string(reader.length_delimited()));
        break;
      case WireType::kFixed64: {
        const std::uint64_t bits = reader.fixed64();
        double value = 0;
        std::memcpy(&value, &bits, sizeof value);
        out.emplace(tag.number, std::to_string(value));
        break;
      }
      default:
        ADD_FAILURE() << "unexpected wire type in field " << tag.number;
        reader.skip(tag.wire_type);
    }
  }
  return out;
}

std::string field(const std::string& bytes, std::uint32_t number) {
  const auto all = fields(bytes);
  const auto it = all.find(number);
  return it == all.end() ? "" : it->second;
}

std::vector<std::string> repeated(const std::string& bytes, std::uint32_t number) {
  std::vector<std::string> out;
  const auto all = fields(bytes);
  for (auto [it, end] = all.equal_range(number); it != end; ++it)
    out.push_back(it->second);
  return out;
}

// The value of the Named* entry called `name` in repeated field `number`.
std::string named(const std::string& bytes, std::uint32_t number, const std::string& name) {
  for (const auto& entry : repeated(bytes, number)) {
    if (field(entry, 1) == name)
      return field(entry, 2);
  }
  ADD_FAILURE() << "no entry " << name << " in field " << number;
  return "";
}

// A gnostic Any carries YAML (here JSON) in field 2.
json any_value(const std::string& any) {
  return json::parse(field(any, 2));
}

const json kDocument = json::parse(R"({
  "swagger": "2.0",
  "info": {"title": "Kubernetes", "version": "v1.32.0"},
  "paths": {
    "/apis/example.io/v1/namespaces/{namespace}/widgets": {
      "post": {
        "operationId": "createWidget",
        "tags": ["example.io_v1"],
        "x-kubernetes-action": "post",
        "x-kubernetes-group-version-kind": {"group": "example.io", "version": "v1", "kind": "Widget"},
        "parameters": [
          {"name": "fieldValidation", "in": "query", "type": "string", "uniqueItems": true,
           "description": "how"},
          {"name": "namespace", "in": "path", "type": "string", "required": true},
          {"name": "body", "in": "body", "required": true,
           "schema": {"$ref": "#/definitions/io.example.v1.Widget"}}
        ],
        "responses": {"200": {"description": "OK",
                              "schema": {"$ref": "#/definitions/io.example.v1.Widget"}}}
      }
    }
  },
  "definitions": {
    "io.example.v1.Widget": {
      "type": "object",
      "description": "A widget.",
      "required": ["spec"],
      "x-kubernetes-group-version-kind": [{"group": "example.io", "version": "v1", "kind": "Widget"}],
      "properties": {
        "spec": {
          "type": "object",
          "properties": {
            "size": {"type": "integer", "format": "int32", "minimum": 1, "maximum": 10, "default": 3},
            "color": {"type": "string", "enum": ["red", "blue"], "nullable": true},
            "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 5},
            "labels": {"type": "object", "additionalProperties": {"type": "string"}},
            "closed": {"type": "object", "additionalProperties": false},
            "anything": {"x-kubernetes-preserve-unknown-fields": true, "oneOf": [{"type": "string"}]}
          }
        },
        "metadata": {"allOf": [{"$ref": "#/definitions/ObjectMeta"}]}
      }
    }
  }
})");

class OpenApiV2Encoder : public ::testing::Test {
 protected:
  const std::string document = encode_openapi_v2(kDocument);
  std::string definition(const std::string& name) const {
    return named(field(document, 9), 1, name);
  }
  std::string property(const std::string& schema, const std::string& name) const {
    return named(field(schema, 25), 1, name);
  }
};

TEST_F(OpenApiV2Encoder, DocumentAndInfo) {
  EXPECT_EQ(field(document, 1), "2.0");
  EXPECT_EQ(field(field(document, 2), 1), "Kubernetes");
  EXPECT_EQ(field(field(document, 2), 2), "v1.32.0");
}

TEST_F(OpenApiV2Encoder, OperationsCarryTheirGvkAndParameters) {
  const std::string item =
      named(field(document, 8), 2, "/apis/example.io/v1/namespaces/{namespace}/widgets");
  EXPECT_TRUE(field(item, 2).empty());  // no get
  const std::string post = field(item, 4);
  EXPECT_EQ(field(post, 5), "createWidget");
  EXPECT_EQ(repeated(post, 1), std::vector<std::string>{"example.io_v1"});
  EXPECT_EQ(any_value(named(post, 13, "x-kubernetes-group-version-kind")),
            json::parse(R"({"group":"example.io","version":"v1","kind":"Widget"})"));
  EXPECT_EQ(any_value(named(post, 13, "x-kubernetes-action")), "post");

  const auto parameters = repeated(post, 8);  // ParametersItem
  ASSERT_EQ(parameters.size(), 3u);
  // ParametersItem.parameter(1) → Parameter.non_body_parameter(2) → query(3).
  const std::string query = field(field(field(parameters[0], 1), 2), 3);
  EXPECT_EQ(field(query, 4), "fieldValidation");
  EXPECT_EQ(field(query, 2), "query");
  EXPECT_EQ(field(query, 3), "how");
  EXPECT_EQ(field(query, 6), "string");
  EXPECT_EQ(field(query, 20), "1");  // uniqueItems
  // path(4): type is field 5, required field 1.
  const std::string path = field(field(field(parameters[1], 1), 2), 4);
  EXPECT_EQ(field(path, 4), "namespace");
  EXPECT_EQ(field(path, 5), "string");
  EXPECT_EQ(field(path, 1), "1");
  // Parameter.body_parameter(1): schema is field 5.
  const std::string body = field(field(parameters[2], 1), 1);
  EXPECT_EQ(field(body, 2), "body");
  EXPECT_EQ(field(field(body, 5), 1), "#/definitions/io.example.v1.Widget");

  // Responses.response_code(1) → ResponseValue.response(1) → Response.schema(2) → SchemaItem(1).
  const std::string ok = named(field(post, 9), 1, "200");
  const std::string response = field(ok, 1);
  EXPECT_EQ(field(response, 1), "OK");
  EXPECT_EQ(field(field(field(response, 2), 1), 1), "#/definitions/io.example.v1.Widget");
}

TEST_F(OpenApiV2Encoder, DefinitionsKeepTheSchema) {
  const std::string widget = definition("io.example.v1.Widget");
  EXPECT_EQ(repeated(field(widget, 22), 1), std::vector<std::string>{"object"});
  EXPECT_EQ(field(widget, 4), "A widget.");
  EXPECT_EQ(repeated(widget, 19), std::vector<std::string>{"spec"});
  EXPECT_EQ(any_value(named(widget, 31, "x-kubernetes-group-version-kind")),
            json::parse(R"([{"group":"example.io","version":"v1","kind":"Widget"}])"));

  const std::string spec = property(widget, "spec");
  const std::string size = property(spec, "size");
  EXPECT_EQ(field(size, 2), "int32");
  EXPECT_EQ(field(size, 9), std::to_string(1.0));   // minimum, a double
  EXPECT_EQ(field(size, 7), std::to_string(10.0));  // maximum
  EXPECT_EQ(any_value(field(size, 5)), 3);          // default

  const std::string color = property(spec, "color");
  const auto values = repeated(color, 20);
  ASSERT_EQ(values.size(), 2u);
  EXPECT_EQ(any_value(values[0]), "red");
  EXPECT_EQ(any_value(named(color, 31, "x-nullable")), true);

  const std::string tags = property(spec, "tags");
  ASSERT_EQ(repeated(field(tags, 23), 1).size(), 1u);  // ItemsItem holds one schema
  EXPECT_EQ(repeated(field(field(field(tags, 23), 1), 22), 1), std::vector<std::string>{"string"});
  EXPECT_EQ(field(tags, 14), "5");

  // AdditionalPropertiesItem: schema(1) or boolean(2), a false boolean written all the same.
  EXPECT_EQ(repeated(field(field(field(property(spec, "labels"), 21), 1), 22), 1),
            std::vector<std::string>{"string"});
  const auto closed = fields(field(property(spec, "closed"), 21));
  ASSERT_EQ(closed.count(2), 1u);
  EXPECT_EQ(closed.find(2)->second, "0");

  // oneOf has no v2 field and is left out; extensions stay.
  const std::string anything = property(spec, "anything");
  EXPECT_EQ(any_value(named(anything, 31, "x-kubernetes-preserve-unknown-fields")), true);
  for (const auto& [number, value] : fields(anything))
    EXPECT_EQ(number, 31u);

  const auto all_of = repeated(property(widget, "metadata"), 24);
  ASSERT_EQ(all_of.size(), 1u);
  EXPECT_EQ(field(all_of[0], 1), "#/definitions/ObjectMeta");
}

}  // namespace
}  // namespace hvo::apiserver::protobuf

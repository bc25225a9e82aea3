// OpenAPI v3 structural schemas as CustomResourceDefinitions use them: validation, defaulting and
// pruning of objects, and the structural-schema check the API server runs on a CRD. One
// implementation shared by the API server emulator and the project's tests of crds/ and examples/.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace hvo::schema {

// One validation failure, shaped like a Kubernetes StatusCause.
struct FieldError {
  // Kubernetes cause reasons: FieldValueRequired, FieldValueInvalid, FieldValueNotSupported,
  // FieldValueTypeInvalid, FieldValueTooLong, FieldValueTooMany, FieldValueDuplicate, ...
  std::string reason;
  std::string field;    // "spec.memory.startup", "spec.disks[1].size"
  std::string message;  // "Unsupported value: \"Sometimes\": supported values: \"Always\", ..."
};

// Validates `value` against an OpenAPI v3 schema (the `openAPIV3Schema` node of a CRD version).
// Supports: type, format (int32, int64, date-time, ...), enum, required, properties,
// additionalProperties, items, minimum/maximum (+exclusive), minLength/maxLength, pattern,
// minItems/maxItems, uniqueItems, minProperties/maxProperties, nullable,
// x-kubernetes-int-or-string, x-kubernetes-preserve-unknown-fields,
// x-kubernetes-embedded-resource, x-kubernetes-list-type (set/map + list-map-keys), allOf, anyOf,
// oneOf, not. `x-kubernetes-validations` (CEL) are not evaluated; see cel_rules().
// `root_path` prefixes every field path ("" gives "spec.cpu.count"). Patterns use ECMAScript
// syntax (the RE2 subset CRDs use agrees) and are compiled once per process; strings longer than
// kMaxPatternInput (16 KiB) never match a pattern. A float with an integral value counts as an
// integer, as it does after the API server's JSON decoding.
std::vector<FieldError> validate(const nlohmann::json& schema, const nlohmann::json& value,
                                 const std::string& root_path = "");

// Applies schema `default`s in place, as the API server does on create, update and read:
// a missing property with a default gets it; recursion into objects and arrays, including values
// just defaulted (so `default: {}` on an object brings its properties' defaults). A null the
// schema does not allow (no `nullable: true`) is replaced by the default, or dropped without one.
void apply_defaults(const nlohmann::json& schema, nlohmann::json& value);

// Removes fields the schema does not declare (unless x-kubernetes-preserve-unknown-fields), in
// place. The dotted paths of removed fields are appended to `pruned` when given. For a root
// object `apiVersion`, `kind` and `metadata` are always kept.
void prune(const nlohmann::json& schema, nlohmann::json& value,
           std::vector<std::string>* pruned = nullptr);

// The structural-schema rules of apiextensions (every node has a type, or int-or-string /
// preserve-unknown-fields; no additionalProperties together with properties; metadata only
// name/generateName at the root; ...), plus the other checks the API server makes on a CRD
// schema: unsupported keywords ($ref, patternProperties, uniqueItems: true, ...), consistent
// x-kubernetes-list-type / list-map-keys / map-type, and defaults that survive pruning and pass
// validation. Returns one message per violation, naming the path
// ("properties[spec].properties[cpu].type: Required value: ...").
std::vector<std::string> check_structural(const nlohmann::json& schema);

// Every CEL rule in the schema with the path of the node that carries it ("spec.generation",
// "spec.disks[*]" for list items, "spec.x.*" for map values), so callers can warn that they are
// not evaluated.
struct CelRule {
  std::string path;
  std::string rule;
  std::string message;
};
std::vector<CelRule> cel_rules(const nlohmann::json& schema);

}  // namespace hvo::schema

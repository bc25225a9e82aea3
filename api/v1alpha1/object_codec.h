// The parts every kind shares: apiVersion/kind, metadata, spec, status, and the raw JSON the
// object was read from. Each kind's from_json/to_json/parse is one call into these templates.
//
// A Kind here is a struct with `metadata`, `spec`, `status`, `raw` and a `kKind` name, and
// decode/encode overloads for its Spec and Status types.
#pragma once

#include <string>
#include <string_view>

#include "api/k8s/json_codec.h"
#include "api/k8s/object_meta.h"
#include "api/v1alpha1/group.h"
#include "common/status.h"

namespace hvo::api {

// "VirtualMachine team-a/web-1" (or just the kind while the name is unknown): the context of
// every error about one object.
template <typename Kind>
std::string describe(const Kind& object) {
  const std::string key = object.metadata.key();
  return key.empty() ? std::string(Kind::kKind) : std::string(Kind::kKind) + " " + key;
}

template <typename Kind>
Result<Kind> decode_object(const k8s::Json& json) {
  k8s::FieldErrors errors;
  Kind object;
  const k8s::ObjectReader reader(json, "", errors);
  std::string api_version;
  std::string kind;
  reader.optional("apiVersion", api_version);
  reader.optional("kind", kind);
  if (!api_version.empty() && api_version != kApiVersion) {
    errors.push_back(
        {"apiVersion", "expected " + std::string(kApiVersion) + ", got " + api_version});
  }
  if (!kind.empty() && kind != Kind::kKind) {
    errors.push_back({"kind", "expected " + std::string(Kind::kKind) + ", got " + kind});
  }
  reader.optional("metadata", object.metadata);
  reader.required("spec", object.spec);
  reader.optional("status", object.status);
  if (!errors.empty())
    return k8s::to_error(describe(object), errors);
  object.raw = json;
  return object;
}

// The raw JSON with the typed fields written over it: fields this code does not model survive.
template <typename Kind>
k8s::Json encode_object(const Kind& object) {
  k8s::Json out = object.raw.is_object() ? object.raw : k8s::Json::object();
  out["apiVersion"] = kApiVersion;
  out["kind"] = Kind::kKind;
  k8s::put(out, "metadata", object.metadata);
  k8s::put(out, "spec", object.spec);
  k8s::put(out, "status", object.status);
  return out;
}

template <typename Kind>
Result<Kind> parse_object(std::string_view text) {
  auto json = k8s::parse_json(text, Kind::kKind);
  if (!json.ok())
    return json.error();
  return decode_object<Kind>(*json);
}

}  // namespace hvo::api

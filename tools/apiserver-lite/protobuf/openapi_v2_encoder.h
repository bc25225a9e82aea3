// The OpenAPI v2 (swagger 2.0) document in protobuf, as kube-apiserver serves /openapi/v2 to a
// client that asks for application/com.github.proto-openapi.spec.v2@v1.0+protobuf (kubectl
// 1.27/1.28 do, for validation and explain): gnostic's openapi.v2.Document message
// (github.com/google/gnostic openapiv2/OpenAPIv2.proto), encoded from the JSON document.
// Vendor extensions, defaults, enums and examples are gnostic Any values carrying YAML; JSON is
// YAML, so they carry the JSON text.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace hvo::apiserver::protobuf {

// The media types a client asks /openapi/v2 in protobuf with: client-go's (kubectl 1.27/1.28)
// and the form without '@', the only one a response can carry (Go's mime parser refuses '@').
inline constexpr const char* kOpenApiV2Protobuf =
    "application/com.github.proto-openapi.spec.v2@v1.0+protobuf";
inline constexpr const char* kOpenApiV2ProtobufAlt =
    "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";

// Swagger keywords gnostic has no field for (and JSON-schema ones swagger 2.0 lacks, such as
// oneOf) are left out, as upstream's v2 document leaves them out; `nullable: true` becomes the
// `x-nullable` extension, as upstream spells it in v2.
std::string encode_openapi_v2(const nlohmann::json& document);

}  // namespace hvo::apiserver::protobuf

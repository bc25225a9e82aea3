// Request bodies in Kubernetes' protobuf encoding (application/vnd.kubernetes.protobuf), as
// client-go and kubectl 1.32+ send built-in kinds: the 4 bytes "k8s\0", then a runtime.Unknown
// {typeMeta{apiVersion=1, kind=2}=1, raw=2, contentEncoding=3, contentType=4} whose raw bytes are
// the typed message. Decoded into the JSON object the same object would have been sent as, so
// everything downstream of the body is the JSON path.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace hvo::apiserver::protobuf {

inline constexpr const char* kKubernetesProtobuf = "application/vnd.kubernetes.protobuf";

struct DecodedBody {
  enum class Outcome {
    kOk,
    kUnknownKind,  // a well-formed envelope of a kind we have no table for
    kMalformed,    // no magic, a broken envelope or a broken typed message
  };
  Outcome outcome = Outcome::kMalformed;
  nlohmann::json object;  // kOk: {"apiVersion", "kind", ...the typed fields}
  std::string api_version;
  std::string kind;
  std::string error;  // kUnknownKind / kMalformed: what went wrong, for the client
};

DecodedBody decode_kubernetes_protobuf(std::string_view body);

}  // namespace hvo::apiserver::protobuf

// Media types of request bodies and responses: which body encodings a verb accepts, decoding a
// body into a JSON object (400 with the parser's reason when malformed), and what the client's
// Accept header asks for (a Table, plain JSON, or something we cannot produce: 406).
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "common/net/http_types.h"

namespace hvo::apiserver {

inline constexpr const char* kTableContentType = "application/json;as=Table;v=v1;g=meta.k8s.io";

// "application/merge-patch+json" from "application/merge-patch+json; charset=utf-8".
std::string media_type(const std::string& content_type);

// The body of a create/update as a JSON object: application/json (or none) and application/yaml
// are accepted; others throw 415, malformed or non-object bodies throw 400. With
// `accepts_protobuf` (built-in kinds), application/vnd.kubernetes.protobuf is decoded into the
// same JSON (protobuf/protobuf_decoder.h): a kind without a protobuf table is 415, a malformed
// body 400. Custom resources have no protobuf encoding, as upstream: 415.
nlohmann::json decode_object_body(const net::HttpRequest& request, bool accepts_protobuf = false);
// Parses `text` as JSON (yaml=false) or a single YAML document; throws 400 when malformed.
nlohmann::json parse_body(const std::string& text, bool yaml);

enum class ResponseFormat { kJson, kTable };
// What one Accept media range ("application/json;as=Table;v=v1;g=meta.k8s.io") asks for, or
// nullopt when we cannot produce it (protobuf, q=0, other types).
std::optional<ResponseFormat> acceptable_format(const std::string& media_range);
// The first acceptable range of the Accept header (none: JSON). Throws 406 NotAcceptable when it
// names nothing we can produce, e.g. protobuf alone: kubectl and client-go list JSON after
// protobuf, so they get JSON.
ResponseFormat negotiate_format(const net::HttpRequest& request);

}  // namespace hvo::apiserver

#include "tools/apiserver-lite/rest/content_types.h"

#include <algorithm>
#include <cctype>
#include <vector>

#include "api/schema/yaml_json.h"
#include "tools/apiserver-lite/protobuf/protobuf_decoder.h"
#include "tools/apiserver-lite/rest/api_error.h"

namespace hvo::apiserver {

using nlohmann::json;

std::string media_type(const std::string& content_type) {
  std::string type = content_type.substr(0, content_type.find(';'));
  type.erase(std::remove_if(type.begin(), type.end(),
                            [](unsigned char c) { return std::isspace(c) != 0; }),
             type.end());
  std::transform(type.begin(), type.end(), type.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return type;
}

json parse_body(const std::string& text, bool yaml) {
  json body;
  if (yaml) {
    auto converted = schema::yaml_to_json(text);
    if (!converted.ok())
      throw bad_request("error decoding YAML: " + converted.error().message());
    body = std::move(converted).value();
  } else {
    try {
      body = json::parse(text);
    } catch (const json::parse_error& e) {
      throw bad_request(std::string("couldn't get version/kind; json parse error: ") + e.what());
    }
  }
  return body;
}

namespace {

json decode_protobuf_body(const std::string& body) {
  auto decoded = protobuf::decode_kubernetes_protobuf(body);
  switch (decoded.outcome) {
    case protobuf::DecodedBody::Outcome::kOk:
      return std::move(decoded.object);
    case protobuf::DecodedBody::Outcome::kUnknownKind:
      throw unsupported_media_type(
          std::string(protobuf::kKubernetesProtobuf) + " (" + decoded.error + ")",
          "application/json, application/yaml");
    case protobuf::DecodedBody::Outcome::kMalformed:
      break;
  }
  throw bad_request("error decoding protobuf body: " + decoded.error);
}

}  // namespace

json decode_object_body(const net::HttpRequest& request, bool accepts_protobuf) {
  const std::string type = media_type(request.header("Content-Type"));
  if (accepts_protobuf && type == protobuf::kKubernetesProtobuf)
    return decode_protobuf_body(request.body);
  const bool yaml = type == "application/yaml";
  if (!type.empty() && type != "application/json" && !yaml && type != "*/*") {
    throw unsupported_media_type(type, accepts_protobuf ? "application/json, application/yaml, "
                                                          "application/vnd.kubernetes.protobuf"
                                                        : "application/json, application/yaml");
  }
  json body = parse_body(request.body, yaml);
  if (!body.is_object())
    throw bad_request("the request body must be a JSON object");
  return body;
}

namespace {

std::string trim(const std::string& text) {
  const auto begin = text.find_first_not_of(" \t");
  if (begin == std::string::npos)
    return "";
  const auto end = text.find_last_not_of(" \t");
  return text.substr(begin, end - begin + 1);
}

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::size_t at = 0;
  while (true) {
    const auto next = text.find(separator, at);
    parts.push_back(trim(text.substr(at, next == std::string::npos ? next : next - at)));
    if (next == std::string::npos)
      return parts;
    at = next + 1;
  }
}

}  // namespace

std::optional<ResponseFormat> acceptable_format(const std::string& media_range) {
  const auto parts = split(media_range, ';');
  const std::string type = media_type(parts[0]);
  bool table = false;
  for (std::size_t i = 1; i < parts.size(); ++i) {
    const std::string parameter = media_type(parts[i]);  // lower-cased, no spaces
    if (parameter == "q=0" || parameter == "q=0.0" || parameter == "q=0.00" ||
        parameter == "q=0.000") {
      return std::nullopt;
    }
    if (parameter == "as=table")
      table = true;
    else if (parameter.rfind("as=", 0) == 0)
      return std::nullopt;  // PartialObjectMetadata and the like: the client lists a fallback
  }
  if (type == "application/json")
    return table ? ResponseFormat::kTable : ResponseFormat::kJson;
  // YAML is answered with JSON (a subset of YAML); a wildcard takes JSON too.
  if (type == "application/yaml" || type == "*/*" || type == "application/*")
    return ResponseFormat::kJson;
  return std::nullopt;  // protobuf, CBOR, text/html, ...: nothing we produce
}

ResponseFormat negotiate_format(const net::HttpRequest& request) {
  const std::string accept = request.header("Accept");
  if (trim(accept).empty())
    return ResponseFormat::kJson;
  // The client's order stands (kubectl lists its preference first); q-values other than 0 are
  // not ranked, as client-go and kubectl never send them.
  for (const auto& range : split(accept, ',')) {
    if (range.empty())
      continue;
    if (auto format = acceptable_format(range))
      return *format;
  }
  throw not_acceptable(accept);
}

}  // namespace hvo::apiserver

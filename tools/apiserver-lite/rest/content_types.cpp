#include "tools/apiserver-lite/rest/content_types.h"

#include <algorithm>
#include <cctype>

#include "api/schema/yaml_json.h"
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

json decode_object_body(const net::HttpRequest& request) {
  const std::string type = media_type(request.header("Content-Type"));
  const bool yaml = type == "application/yaml";
  if (!type.empty() && type != "application/json" && !yaml && type != "*/*") {
    throw unsupported_media_type(type);
  }
  json body = parse_body(request.body, yaml);
  if (!body.is_object())
    throw bad_request("the request body must be a JSON object");
  return body;
}

ResponseFormat negotiate_format(const net::HttpRequest& request) {
  const std::string accept = request.header("Accept");
  if (accept.find("as=Table") != std::string::npos)
    return ResponseFormat::kTable;
  if (accept.empty() || accept.find("json") != std::string::npos ||
      accept.find("*/*") != std::string::npos ||
      accept.find("application/*") != std::string::npos ||
      accept.find("yaml") != std::string::npos || accept.find("protobuf") != std::string::npos) {
    return ResponseFormat::kJson;
  }
  throw not_acceptable(accept);
}

}  // namespace hvo::apiserver

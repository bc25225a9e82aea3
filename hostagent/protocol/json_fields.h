// Typed reads of JSON fields that name the full field path when the type is wrong
// ("spec.networks[1].vlanId: expected an integer"), used by every from_json of the protocol.
// Unknown fields are ignored so an older agent accepts a newer operator's requests.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "hostagent/protocol/agent_result.h"

namespace hvo::agent::wire {

class FieldError : public std::runtime_error {
 public:
  FieldError(const std::string& path, const std::string& problem)
      : std::runtime_error(path.empty() ? problem : path + ": " + problem) {}
};

// A view of one JSON object at a known path. Missing optional fields (or null) read as absent.
class ObjectReader {
 public:
  // Throws FieldError when `json` is not an object.
  ObjectReader(const nlohmann::json& json, std::string path);

  std::optional<std::string> string(const char* key) const;
  std::optional<int64_t> integer(const char* key) const;
  std::optional<bool> boolean(const char* key) const;
  std::vector<std::string> string_list(const char* key) const;  // absent: empty

  std::string required_string(const char* key) const;
  int64_t required_integer(const char* key) const;

  // The child object or array, or nullptr when absent or null.
  const nlohmann::json* child(const char* key) const;
  // "parent.key", for nested readers and error messages.
  std::string path_of(std::string_view key) const;

 private:
  const nlohmann::json* find(const char* key) const;
  const nlohmann::json& json_;
  std::string path_;
};

// Elements of an array field, each with its path "key[i]". Absent: empty.
std::vector<std::pair<const nlohmann::json*, std::string>> array_items(const ObjectReader& reader,
                                                                       const char* key);

// Parses a request or response body into T (which has from_json(ObjectReader) semantics through
// `read`), turning malformed JSON and wrong types into InvalidSpec naming the field.
template <typename T, typename ReadFn>
AgentResult<T> parse_body(std::string_view body, std::string_view what, ReadFn read) {
  nlohmann::json json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) {
    return make_error(AgentErrorCode::kInvalidSpec, std::string(what) + " is not valid JSON");
  }
  try {
    return read(json);
  } catch (const FieldError& error) {
    return make_error(AgentErrorCode::kInvalidSpec,
                      std::string(what) + " has a bad field: " + error.what());
  }
}

}  // namespace hvo::agent::wire

#include "hostagent/protocol/json_fields.h"

#include <limits>
#include <utility>

namespace hvo::agent::wire {

ObjectReader::ObjectReader(const nlohmann::json& json, std::string path)
    : json_(json), path_(std::move(path)) {
  if (!json_.is_object())
    throw FieldError(path_, "expected an object");
}

const nlohmann::json* ObjectReader::find(const char* key) const {
  auto it = json_.find(key);
  if (it == json_.end() || it->is_null())
    return nullptr;
  return &*it;
}

std::string ObjectReader::path_of(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

std::optional<std::string> ObjectReader::string(const char* key) const {
  const auto* value = find(key);
  if (value == nullptr)
    return std::nullopt;
  if (!value->is_string())
    throw FieldError(path_of(key), "expected a string");
  return value->get<std::string>();
}

std::optional<int64_t> ObjectReader::integer(const char* key) const {
  const auto* value = find(key);
  if (value == nullptr)
    return std::nullopt;
  // nlohmann would silently truncate 1.5 to 1 and wrap huge unsigned values: refuse both.
  if (value->is_number_unsigned()) {
    const auto unsigned_value = value->get<uint64_t>();
    if (unsigned_value > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      throw FieldError(path_of(key), "integer out of range");
    }
    return static_cast<int64_t>(unsigned_value);
  }
  if (!value->is_number_integer())
    throw FieldError(path_of(key), "expected an integer");
  return value->get<int64_t>();
}

std::optional<bool> ObjectReader::boolean(const char* key) const {
  const auto* value = find(key);
  if (value == nullptr)
    return std::nullopt;
  if (!value->is_boolean())
    throw FieldError(path_of(key), "expected true or false");
  return value->get<bool>();
}

std::vector<std::string> ObjectReader::string_list(const char* key) const {
  std::vector<std::string> out;
  for (const auto& [item, path] : array_items(*this, key)) {
    if (!item->is_string())
      throw FieldError(path, "expected a string");
    out.push_back(item->get<std::string>());
  }
  return out;
}

std::string ObjectReader::required_string(const char* key) const {
  auto value = string(key);
  if (!value)
    throw FieldError(path_of(key), "required");
  return *value;
}

int64_t ObjectReader::required_integer(const char* key) const {
  auto value = integer(key);
  if (!value)
    throw FieldError(path_of(key), "required");
  return *value;
}

const nlohmann::json* ObjectReader::child(const char* key) const {
  return find(key);
}

std::vector<std::pair<const nlohmann::json*, std::string>> array_items(const ObjectReader& reader,
                                                                       const char* key) {
  std::vector<std::pair<const nlohmann::json*, std::string>> out;
  const auto* array = reader.child(key);
  if (array == nullptr)
    return out;
  if (!array->is_array())
    throw FieldError(reader.path_of(key), "expected an array");
  for (std::size_t i = 0; i < array->size(); ++i) {
    out.emplace_back(&(*array)[i], reader.path_of(key) + "[" + std::to_string(i) + "]");
  }
  return out;
}

}  // namespace hvo::agent::wire

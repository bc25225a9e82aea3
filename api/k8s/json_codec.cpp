#include "api/k8s/json_codec.h"

#include <limits>

namespace hvo::k8s {

const char* json_type_name(const Json& value) {
  switch (value.type()) {
    case Json::value_t::string:
      return "string";
    case Json::value_t::boolean:
      return "boolean";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
      return "integer";
    case Json::value_t::number_float:
      return "number";
    case Json::value_t::object:
      return "object";
    case Json::value_t::array:
      return "array";
    case Json::value_t::null:
      return "null";
    default:
      return "unsupported value";
  }
}

void add_type_error(const Json& value, const std::string& path, const char* expected,
                    FieldErrors& errors) {
  errors.push_back({path, std::string("expected ") + expected + ", got " + json_type_name(value)});
}

void decode(const Json& value, const std::string& path, FieldErrors& errors, std::string& out) {
  if (!value.is_string())
    return add_type_error(value, path, "string", errors);
  out = value.get<std::string>();
}

void decode(const Json& value, const std::string& path, FieldErrors& errors, bool& out) {
  if (!value.is_boolean())
    return add_type_error(value, path, "boolean", errors);
  out = value.get<bool>();
}

void decode(const Json& value, const std::string& path, FieldErrors& errors, std::int64_t& out) {
  if (value.is_number_unsigned()) {
    if (value.get<std::uint64_t>() >
        static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      errors.push_back({path, "integer out of range: " + value.dump()});
      return;
    }
    out = value.get<std::int64_t>();
    return;
  }
  if (!value.is_number_integer())
    return add_type_error(value, path, "integer", errors);
  out = value.get<std::int64_t>();
}

void decode(const Json& value, const std::string& path, FieldErrors& errors, std::int32_t& out) {
  std::int64_t wide = 0;
  const std::size_t errors_before = errors.size();
  decode(value, path, errors, wide);
  if (errors.size() != errors_before)
    return;
  if (wide < std::numeric_limits<std::int32_t>::min() ||
      wide > std::numeric_limits<std::int32_t>::max()) {
    errors.push_back({path, "integer out of range: " + value.dump()});
    return;
  }
  out = static_cast<std::int32_t>(wide);
}

void decode(const Json& value, const std::string& path, FieldErrors& errors, double& out) {
  if (!value.is_number())
    return add_type_error(value, path, "number", errors);
  out = value.get<double>();
}

void decode(const Json& value, const std::string& path, FieldErrors& errors, Quantity& out) {
  std::string text;
  if (value.is_string()) {
    // Kubernetes trims surrounding whitespace from quoted quantities.
    text = value.get<std::string>();
    const auto first = text.find_first_not_of(" \t\r\n");
    const auto last = text.find_last_not_of(" \t\r\n");
    text = first == std::string::npos ? std::string() : text.substr(first, last - first + 1);
  } else if (value.is_number()) {
    text = value.dump();
  } else {
    return add_type_error(value, path, "quantity (string or number)", errors);
  }
  auto parsed = Quantity::parse(text);
  if (!parsed.ok()) {
    errors.push_back({path, parsed.error().message()});
    return;
  }
  out = *parsed;
}

void decode(const Json& value, const std::string& path, FieldErrors& errors, Time& out) {
  if (!value.is_string())
    return add_type_error(value, path, "RFC 3339 time string", errors);
  auto parsed = Time::parse(value.get_ref<const std::string&>());
  if (!parsed.ok()) {
    errors.push_back({path, parsed.error().message()});
    return;
  }
  out = *parsed;
}

void decode(const Json& value, const std::string& path, FieldErrors& errors, MicroTime& out) {
  if (!value.is_string())
    return add_type_error(value, path, "RFC 3339 time string", errors);
  auto parsed = MicroTime::parse(value.get_ref<const std::string&>());
  if (!parsed.ok()) {
    errors.push_back({path, parsed.error().message()});
    return;
  }
  out = *parsed;
}

void decode(const Json& value, const std::string& path, FieldErrors& errors, StringMap& out) {
  if (!value.is_object())
    return add_type_error(value, path, "object", errors);
  StringMap decoded;
  for (const auto& [key, item] : value.items()) {
    if (!item.is_string()) {
      add_type_error(item, field_path(path, key), "string", errors);
      continue;
    }
    decoded[key] = item.get<std::string>();
  }
  out = std::move(decoded);
}

void decode(const Json& value, const std::string& /*path*/, FieldErrors& /*errors*/, Json& out) {
  out = value;
}

ObjectReader::ObjectReader(const Json& value, std::string path, FieldErrors& errors)
    : path_(std::move(path)), errors_(errors) {
  if (value.is_object()) {
    object_ = &value;
  } else {
    add_type_error(value, path_, "object", errors_);
  }
}

const Json* ObjectReader::find(const char* key) const {
  if (object_ == nullptr)
    return nullptr;
  const auto it = object_->find(key);
  if (it == object_->end() || it->is_null())
    return nullptr;
  return &*it;
}

Json& ensure_object(Json& target) {
  if (!target.is_object())
    target = Json::object();
  return target;
}

void encode(Json& target, const std::string& value) {
  target = value;
}
void encode(Json& target, const char* value) {
  target = value;
}
void encode(Json& target, bool value) {
  target = value;
}
void encode(Json& target, std::int64_t value) {
  target = value;
}
void encode(Json& target, std::int32_t value) {
  target = value;
}
void encode(Json& target, double value) {
  target = value;
}

void encode(Json& target, const Quantity& value) {
  if (target.is_string() || target.is_number()) {
    FieldErrors errors;
    Quantity old;
    decode(target, "", errors, old);
    if (errors.empty() && old == value)
      return;  // keep the user's spelling of an unchanged value
  }
  target = value.to_string();
}

void encode(Json& target, const Time& value) {
  // Times are stored with whole seconds: an old spelling of the same second stays.
  if (target.is_string()) {
    auto old = Time::parse(target.get_ref<const std::string&>());
    if (old.ok() && format_rfc3339(old->time_point()) == value.to_string())
      return;
  }
  target = value.to_string();
}

void encode(Json& target, const MicroTime& value) {
  if (target.is_string()) {
    auto old = MicroTime::parse(target.get_ref<const std::string&>());
    if (old.ok() && format_rfc3339_micro(old->time_point()) == value.to_string())
      return;
  }
  target = value.to_string();
}

void encode(Json& target, const StringMap& value) {
  target = Json(value);
}
void encode(Json& target, const Json& value) {
  target = value;
}

Result<Json> parse_json(std::string_view text, const std::string& what) {
  try {
    return Json::parse(text);
  } catch (const Json::exception& e) {
    return Error(ErrorCode::kInvalidArgument, what + ": malformed JSON: " + e.what());
  }
}

}  // namespace hvo::k8s

#include "api/schema/field_errors.h"

#include <cmath>
#include <cstdio>

namespace hvo::schema {

std::string child_path(const std::string& parent, const std::string& name) {
  return parent.empty() ? name : parent + "." + name;
}

std::string index_path(const std::string& parent, size_t index) {
  return parent + "[" + std::to_string(index) + "]";
}

std::string quote(const std::string& text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

std::string format_number(double value) {
  if (std::isfinite(value) && std::trunc(value) == value && std::fabs(value) < 1e21) {
    return std::to_string(static_cast<long long>(value));
  }
  return nlohmann::json(value).dump();
}

std::string format_value(const nlohmann::json& value) {
  if (value.is_string())
    return quote(value.get<std::string>());
  if (value.is_number_float())
    return format_number(value.get<double>());
  return value.dump();
}

FieldError required(const std::string& path) {
  return {"FieldValueRequired", path, "Required value"};
}

FieldError not_supported(const std::string& path, const nlohmann::json& value,
                         const std::vector<nlohmann::json>& supported) {
  std::string message = "Unsupported value: " + format_value(value);
  if (!supported.empty()) {
    message += ": supported values: ";
    for (size_t i = 0; i < supported.size(); ++i) {
      if (i > 0)
        message += ", ";
      // Kubernetes quotes every allowed value, whatever its type: "1", "2".
      const nlohmann::json& v = supported[i];
      message += quote(v.is_string() ? v.get<std::string>() : format_value(v));
    }
  }
  return {"FieldValueNotSupported", path, message};
}

FieldError invalid(const std::string& path, const nlohmann::json& value,
                   const std::string& detail) {
  return {"FieldValueInvalid", path, "Invalid value: " + format_value(value) + ": " + detail};
}

FieldError type_invalid(const std::string& path, const nlohmann::json& value,
                        const std::string& detail) {
  return {"FieldValueTypeInvalid", path, "Invalid value: " + format_value(value) + ": " + detail};
}

FieldError too_long(const std::string& path, int64_t max_length) {
  return {"FieldValueTooLong", path,
          "Too long: may not be more than " + std::to_string(max_length) + " bytes"};
}

FieldError too_many(const std::string& path, int64_t actual, int64_t max_items) {
  return {"FieldValueTooMany", path,
          "Too many: " + std::to_string(actual) + ": must have at most " +
              std::to_string(max_items) + " items"};
}

FieldError duplicate(const std::string& path, const nlohmann::json& value) {
  return {"FieldValueDuplicate", path, "Duplicate value: " + format_value(value)};
}

FieldError forbidden(const std::string& path, const std::string& detail) {
  return {"FieldValueForbidden", path, "Forbidden: " + detail};
}

}  // namespace hvo::schema

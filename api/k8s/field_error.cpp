#include "api/k8s/field_error.h"

namespace hvo::k8s {

std::string join(const FieldErrors& errors) {
  std::string out;
  for (const FieldError& error : errors) {
    if (!out.empty())
      out += "; ";
    out += error.to_string();
  }
  return out;
}

Error to_error(const std::string& context, const FieldErrors& errors) {
  return Error(ErrorCode::kInvalidArgument, context + ": " + join(errors));
}

std::string field_path(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}

std::string index_path(const std::string& parent, std::size_t index) {
  return parent + "[" + std::to_string(index) + "]";
}

}  // namespace hvo::k8s

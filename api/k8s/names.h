// Kubernetes name and label syntax (apimachinery's validation package). Each check returns the
// problems with `value` as messages; an empty list means valid. Messages follow Kubernetes'
// wording closely enough that users recognise them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace hvo::k8s {

// RFC 1123 label: lowercase alphanumerics and '-', starts and ends alphanumeric, at most 63
// characters (namespace names, Service names).
std::vector<std::string> check_dns1123_label(std::string_view value);

// RFC 1123 subdomain: dot-separated RFC 1123 labels, at most 253 characters (most object names).
std::vector<std::string> check_dns1123_subdomain(std::string_view value);

// Label key / qualified name: optional DNS subdomain prefix and '/', then a name of at most 63
// alphanumerics, '-', '_' or '.', starting and ending alphanumeric ("app", "example.com/tier").
std::vector<std::string> check_qualified_name(std::string_view value);

// Label value: empty, or at most 63 alphanumerics, '-', '_' or '.', starting and ending
// alphanumeric.
std::vector<std::string> check_label_value(std::string_view value);

}  // namespace hvo::k8s

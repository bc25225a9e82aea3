// How a plain (unquoted, untagged) YAML scalar is typed, following go-yaml v2's resolver, which
// is what Kubernetes uses to read manifests. Kept apart from the tree walk so it can be tested
// value by value.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace hvo::schema {

// The JSON value of a plain scalar: null, boolean, integer, float or string. Infinity and NaN
// (".inf", ".nan") come back as floats; JSON cannot carry them, the caller decides.
nlohmann::json resolve_plain_scalar(const std::string& text);

// The string a scalar mapping key becomes in JSON: "yes" -> "true", "0x10" -> "16", "~" -> "null".
std::string plain_key_to_string(const std::string& text);

}  // namespace hvo::schema

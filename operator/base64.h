// Base64 decoding of kubeconfig `*-data` fields (standard alphabet, padding required when the
// length is not a multiple of four, whitespace such as wrapped lines ignored).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace hvo::kube {

// nullopt when `text` holds a character outside the alphabet or a malformed padding.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace hvo::kube

// Base64 as the etcd JSON gateway carries keys and values (standard alphabet, padded).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace hvo::apiserver::etcd {

std::string base64_encode(std::string_view bytes);
// Empty optional when `text` is not valid padded base64.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace hvo::apiserver::etcd

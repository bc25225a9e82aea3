// Small text files the runtime reads (service-account token, namespace).
#pragma once

#include <optional>
#include <string>

namespace hvo::kube {

// The file's content without leading and trailing whitespace; nullopt when the file cannot be
// read or holds only whitespace.
std::optional<std::string> read_trimmed_file(const std::string& path);

}  // namespace hvo::kube

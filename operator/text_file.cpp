#include "operator/text_file.h"

#include <fstream>
#include <sstream>

namespace hvo::kube {

std::optional<std::string> read_trimmed_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return std::nullopt;
  std::ostringstream content;
  content << in.rdbuf();
  const std::string text = content.str();
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos)
    return std::nullopt;
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

}  // namespace hvo::kube

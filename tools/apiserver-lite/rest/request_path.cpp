#include "tools/apiserver-lite/rest/request_path.h"

#include <vector>

namespace hvo::apiserver {
namespace {

std::vector<std::string> split_segments(const std::string& path) {
  std::vector<std::string> segments;
  std::string current;
  for (char c : path) {
    if (c == '/') {
      if (!current.empty())
        segments.push_back(current);
      current.clear();
    } else {
      current += c;
    }
  }
  if (!current.empty())
    segments.push_back(current);
  return segments;
}

}  // namespace

std::optional<ResourcePath> parse_resource_path(const std::string& path) {
  const auto segments = split_segments(path);
  ResourcePath out;
  std::size_t i = 0;
  if (segments.size() >= 3 && segments[0] == "api") {
    out.version = segments[1];
    i = 2;
  } else if (segments.size() >= 4 && segments[0] == "apis") {
    out.group = segments[1];
    out.version = segments[2];
    i = 3;
  } else {
    return std::nullopt;
  }
  std::vector<std::string> rest(segments.begin() + static_cast<long>(i), segments.end());
  // namespaces/NS/PLURAL[/NAME[/SUB]] addresses a namespaced resource, except that
  // namespaces/NS/{status,finalize} are the Namespace object's own subresources.
  if (rest.size() >= 3 && rest[0] == "namespaces" && rest[2] != "status" && rest[2] != "finalize") {
    out.ns = rest[1];
    rest.erase(rest.begin(), rest.begin() + 2);
  }
  if (rest.empty() || rest.size() > 3)
    return std::nullopt;
  out.plural = rest[0];
  if (rest.size() >= 2)
    out.name = rest[1];
  if (rest.size() == 3)
    out.subresource = rest[2];
  return out;
}

}  // namespace hvo::apiserver

// Splits a resource URL into group, version, namespace, resource, name and subresource:
//   /api/v1/namespaces/NS/configmaps/NAME, /apis/G/V/PLURAL/NAME/status, /api/v1/namespaces/NS
#pragma once

#include <optional>
#include <string>

namespace hvo::apiserver {

struct ResourcePath {
  std::string group;  // "" for /api/v1
  std::string version;
  std::string ns;      // "" when the path names no namespace
  std::string plural;  // "namespaces", "virtualmachines"
  std::string name;    // "" for a collection
  std::string subresource;
};

// Empty optional when the path is not a resource path (discovery, /version, a typo).
std::optional<ResourcePath> parse_resource_path(const std::string& path);

}  // namespace hvo::apiserver

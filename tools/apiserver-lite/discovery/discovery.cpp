#include "tools/apiserver-lite/discovery/discovery.h"

#include <algorithm>
#include <map>
#include <set>

namespace hvo::apiserver {

using nlohmann::json;

namespace {

// Versions of each non-core group, in registration order (the first is preferred).
std::map<std::string, std::vector<std::string>> group_versions(
    const std::vector<ResourceTypePtr>& types) {
  std::map<std::string, std::vector<std::string>> groups;
  for (const auto& type : types) {
    if (type->group.empty())
      continue;
    auto& versions = groups[type->group];
    if (std::find(versions.begin(), versions.end(), type->version) == versions.end()) {
      versions.push_back(type->version);
    }
  }
  return groups;
}

json group_document(const std::string& group, const std::vector<std::string>& versions) {
  json list = json::array();
  for (const auto& version : versions) {
    list.push_back({{"groupVersion", group + "/" + version}, {"version", version}});
  }
  return {{"name", group}, {"versions", list}, {"preferredVersion", list.front()}};
}

json resource_entry(const ResourceType& type) {
  json entry = {
      {"name", type.plural},
      {"singularName", type.singular},
      {"namespaced", type.namespaced},
      {"kind", type.kind},
      {"verbs", json::array({"create", "delete", "get", "list", "patch", "update", "watch"})}};
  if (!type.verbs.empty())
    entry["verbs"] = type.verbs;
  if (!type.short_names.empty())
    entry["shortNames"] = type.short_names;
  if (!type.categories.empty())
    entry["categories"] = type.categories;
  return entry;
}

json status_entry(const ResourceType& type) {
  return {{"name", type.plural + "/status"},
          {"singularName", ""},
          {"namespaced", type.namespaced},
          {"kind", type.kind},
          {"verbs", json::array({"get", "patch", "update"})}};
}

}  // namespace

json api_versions_document(const std::string& server_address) {
  return {{"kind", "APIVersions"},
          {"versions", json::array({"v1"})},
          {"serverAddressByClientCIDRs",
           json::array({{{"clientCIDR", "0.0.0.0/0"}, {"serverAddress", server_address}}})}};
}

json api_group_list_document(const std::vector<ResourceTypePtr>& types) {
  json groups = json::array();
  for (const auto& [group, versions] : group_versions(types)) {
    groups.push_back(group_document(group, versions));
  }
  return {{"kind", "APIGroupList"}, {"apiVersion", "v1"}, {"groups", groups}};
}

std::optional<json> api_group_document(const std::vector<ResourceTypePtr>& types,
                                       const std::string& group) {
  const auto groups = group_versions(types);
  auto it = groups.find(group);
  if (it == groups.end())
    return std::nullopt;
  json document = group_document(group, it->second);
  document["kind"] = "APIGroup";
  document["apiVersion"] = "v1";
  return document;
}

std::optional<json> api_resource_list_document(const std::vector<ResourceTypePtr>& types,
                                               const std::string& group,
                                               const std::string& version) {
  json resources = json::array();
  for (const auto& type : types) {
    if (type->group != group || type->version != version)
      continue;
    resources.push_back(resource_entry(*type));
    if (type->status_subresource)
      resources.push_back(status_entry(*type));
  }
  if (resources.empty())
    return std::nullopt;
  return json{{"kind", "APIResourceList"},
              {"apiVersion", "v1"},
              {"groupVersion", group.empty() ? version : group + "/" + version},
              {"resources", resources}};
}

json version_document() {
  return {{"major", "1"},
          {"minor", "32"},
          {"gitVersion", kKubernetesVersion},
          {"gitCommit", "hyperv-operator-apiserver-lite"},
          {"gitTreeState", "clean"},
          {"buildDate", "2026-01-01T00:00:00Z"},
          {"goVersion", "go1.23.6"},
          {"compiler", "gc"},
          {"platform", "linux/amd64"}};
}

}  // namespace hvo::apiserver

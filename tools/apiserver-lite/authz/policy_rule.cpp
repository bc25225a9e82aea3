#include "tools/apiserver-lite/authz/policy_rule.h"

#include <algorithm>

namespace hvo::apiserver::authz {

using nlohmann::json;

namespace {

constexpr const char* kAll = "*";

std::vector<std::string> strings_of(const json& rule, const char* member) {
  std::vector<std::string> out;
  auto found = rule.find(member);
  if (found == rule.end() || !found->is_array())
    return out;
  for (const auto& item : *found) {
    if (item.is_string())
      out.push_back(item.get<std::string>());
  }
  return out;
}

bool has(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

void put(json& out, const char* member, const std::vector<std::string>& list) {
  if (!list.empty())
    out[member] = list;
}

}  // namespace

PolicyRule parse_rule(const json& rule) {
  PolicyRule out;
  if (!rule.is_object())
    return out;
  out.verbs = strings_of(rule, "verbs");
  out.api_groups = strings_of(rule, "apiGroups");
  out.resources = strings_of(rule, "resources");
  out.resource_names = strings_of(rule, "resourceNames");
  out.non_resource_urls = strings_of(rule, "nonResourceURLs");
  return out;
}

json to_json(const PolicyRule& rule) {
  json out = {{"verbs", rule.verbs}};
  put(out, "apiGroups", rule.api_groups);
  put(out, "resources", rule.resources);
  put(out, "resourceNames", rule.resource_names);
  put(out, "nonResourceURLs", rule.non_resource_urls);
  return out;
}

bool operator==(const PolicyRule& a, const PolicyRule& b) {
  return a.verbs == b.verbs && a.api_groups == b.api_groups && a.resources == b.resources &&
         a.resource_names == b.resource_names && a.non_resource_urls == b.non_resource_urls;
}

bool verb_matches(const PolicyRule& rule, const std::string& verb) {
  return has(rule.verbs, kAll) || has(rule.verbs, verb);
}

bool api_group_matches(const PolicyRule& rule, const std::string& group) {
  return has(rule.api_groups, kAll) || has(rule.api_groups, group);
}

bool resource_matches(const PolicyRule& rule, const std::string& combined,
                      const std::string& subresource) {
  for (const auto& resource : rule.resources) {
    if (resource == kAll || resource == combined)
      return true;
    // "*/status" grants the status subresource of every resource.
    if (!subresource.empty() && resource == "*/" + subresource)
      return true;
  }
  return false;
}

bool resource_name_matches(const PolicyRule& rule, const std::string& name) {
  return rule.resource_names.empty() || has(rule.resource_names, name);
}

bool non_resource_url_matches(const PolicyRule& rule, const std::string& path) {
  for (const auto& url : rule.non_resource_urls) {
    if (url == kAll || url == path)
      return true;
    if (!url.empty() && url.back() == '*') {
      const std::string prefix = url.substr(0, url.find_last_not_of('*') + 1);
      if (path.compare(0, prefix.size(), prefix) == 0)
        return true;
    }
  }
  return false;
}

bool rule_allows(const RequestAttributes& request, const PolicyRule& rule) {
  if (!verb_matches(rule, request.verb))
    return false;
  if (!request.resource_request)
    return non_resource_url_matches(rule, request.path);
  const std::string combined =
      request.subresource.empty() ? request.resource : request.resource + "/" + request.subresource;
  return api_group_matches(rule, request.api_group) &&
         resource_matches(rule, combined, request.subresource) &&
         resource_name_matches(rule, request.name);
}

}  // namespace hvo::apiserver::authz

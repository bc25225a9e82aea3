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

namespace {

bool has_all(const std::vector<std::string>& set, const std::vector<std::string>& wanted) {
  return std::all_of(wanted.begin(), wanted.end(),
                     [&](const std::string& item) { return has(set, item); });
}

bool resources_cover(const std::vector<std::string>& owner,
                     const std::vector<std::string>& wanted) {
  if (has(owner, kAll))
    return true;
  for (const auto& resource : wanted) {
    if (has(owner, resource))
      continue;
    const auto slash = resource.find('/');
    if (slash == std::string::npos || !has(owner, "*" + resource.substr(slash)))
      return false;
  }
  return true;
}

bool urls_cover(const std::vector<std::string>& owner, const std::vector<std::string>& wanted) {
  PolicyRule rule;
  rule.non_resource_urls = owner;
  return std::all_of(wanted.begin(), wanted.end(),
                     [&](const std::string& url) { return non_resource_url_matches(rule, url); });
}

bool rule_covers(const PolicyRule& owner, const PolicyRule& part) {
  const bool names =
      part.resource_names.empty()
          ? owner.resource_names.empty()
          : owner.resource_names.empty() || has_all(owner.resource_names, part.resource_names);
  return (has(owner.verbs, kAll) || has_all(owner.verbs, part.verbs)) &&
         (has(owner.api_groups, kAll) || has_all(owner.api_groups, part.api_groups)) &&
         resources_cover(owner.resources, part.resources) &&
         urls_cover(owner.non_resource_urls, part.non_resource_urls) && names;
}

// One rule per verb × group × resource × name, or per verb × URL.
std::vector<PolicyRule> break_down(const PolicyRule& rule) {
  std::vector<PolicyRule> parts;
  for (const auto& verb : rule.verbs) {
    for (const auto& group : rule.api_groups) {
      for (const auto& resource : rule.resources) {
        if (rule.resource_names.empty()) {
          parts.push_back(PolicyRule{{verb}, {group}, {resource}, {}, {}});
        }
        for (const auto& name : rule.resource_names)
          parts.push_back(PolicyRule{{verb}, {group}, {resource}, {name}, {}});
      }
    }
    for (const auto& url : rule.non_resource_urls)
      parts.push_back(PolicyRule{{verb}, {}, {}, {}, {url}});
  }
  return parts;
}

std::string quoted_list(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i)
    out += (i ? " \"" : "\"") + items[i] + "\"";
  return out + "]";
}

}  // namespace

std::vector<PolicyRule> uncovered_rules(const std::vector<PolicyRule>& owner,
                                        const std::vector<PolicyRule>& requested) {
  std::vector<PolicyRule> missing;
  for (const auto& rule : requested) {
    for (const auto& part : break_down(rule)) {
      const bool covered = std::any_of(owner.begin(), owner.end(),
                                       [&](const PolicyRule& o) { return rule_covers(o, part); });
      if (!covered && std::find(missing.begin(), missing.end(), part) == missing.end())
        missing.push_back(part);
    }
  }
  return missing;
}

std::string compact_string(const PolicyRule& rule) {
  std::vector<std::string> parts;
  auto add = [&](const char* name, const std::vector<std::string>& items) {
    if (!items.empty())
      parts.push_back(std::string(name) + ":" + quoted_list(items));
  };
  add("APIGroups", rule.api_groups);
  add("Resources", rule.resources);
  add("NonResourceURLs", rule.non_resource_urls);
  add("ResourceNames", rule.resource_names);
  add("Verbs", rule.verbs);
  std::string out = "{";
  for (std::size_t i = 0; i < parts.size(); ++i)
    out += (i ? ", " : "") + parts[i];
  return out + "}";
}

std::vector<PolicyRule> parse_rules(const json& rules) {
  std::vector<PolicyRule> parsed;
  if (rules.is_array()) {
    for (const auto& rule : rules)
      parsed.push_back(parse_rule(rule));
  }
  return parsed;
}

k8s::StringMap labels_of(const json& object) {
  k8s::StringMap labels;
  if (!object.is_object())
    return labels;
  const auto metadata = object.find("metadata");
  if (metadata == object.end() || !metadata->is_object())
    return labels;
  const auto found = metadata->find("labels");
  if (found == metadata->end() || !found->is_object())
    return labels;
  for (const auto& [key, value] : found->items()) {
    if (value.is_string())
      labels[key] = value.get<std::string>();
  }
  return labels;
}

}  // namespace hvo::apiserver::authz

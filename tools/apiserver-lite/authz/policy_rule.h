// One RBAC PolicyRule and whether it allows a request, with kube-apiserver's matching
// (rbac/v1 helpers): `*` for every verb, group, resource or URL; `*/sub` for that subresource of
// every resource; resourceNames narrowing to named objects (a request without a name never
// matches a rule that has them); non-resource URLs exact or as a prefix ending in `*`.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/k8s/json_codec.h"

namespace hvo::apiserver::authz {

// What an authorizer is asked, as kube's authorizer.Attributes.
struct RequestAttributes {
  std::string user;
  std::vector<std::string> groups;  // system:authenticated included for authenticated users
  std::string verb;                 // get list watch create update patch delete deletecollection
  bool resource_request = false;
  std::string api_group;  // resource requests
  std::string api_version;
  std::string resource;
  std::string subresource;
  std::string ns;
  std::string name;
  std::string path;  // non-resource requests: "/version", "/apis/hyperv.operator.io"
};

struct PolicyRule {
  std::vector<std::string> verbs;
  std::vector<std::string> api_groups;
  std::vector<std::string> resources;
  std::vector<std::string> resource_names;
  std::vector<std::string> non_resource_urls;
};

// Reads rbac/v1 PolicyRule JSON (absent lists are empty). Non-string members are skipped.
PolicyRule parse_rule(const nlohmann::json& rule);
// A `rules` list of a Role or ClusterRole; anything but a list reads as no rules.
std::vector<PolicyRule> parse_rules(const nlohmann::json& rules);
// metadata.labels of an RBAC object (what aggregation selectors match), string values only.
k8s::StringMap labels_of(const nlohmann::json& object);
nlohmann::json to_json(const PolicyRule& rule);
bool operator==(const PolicyRule& a, const PolicyRule& b);

bool verb_matches(const PolicyRule& rule, const std::string& verb);
bool api_group_matches(const PolicyRule& rule, const std::string& group);
// `combined` is "resource" or "resource/subresource".
bool resource_matches(const PolicyRule& rule, const std::string& combined,
                      const std::string& subresource);
bool resource_name_matches(const PolicyRule& rule, const std::string& name);
bool non_resource_url_matches(const PolicyRule& rule, const std::string& path);

bool rule_allows(const RequestAttributes& request, const PolicyRule& rule);

// The parts of `requested` that no rule of `owner` covers, as upstream's rbac validation Covers:
// each requested rule is broken down into one rule per verb, group, resource (and resource name,
// or URL), and a part is covered when one owner rule holds all of it (`*` covers everything of its
// field, `*/sub` covers `x/sub`, a URL ending in `*` covers its prefix, an owner rule without
// resourceNames covers any name).
std::vector<PolicyRule> uncovered_rules(const std::vector<PolicyRule>& owner,
                                        const std::vector<PolicyRule>& requested);
// upstream's CompactString: {APIGroups:["g"], Resources:["r"], Verbs:["get"]}.
std::string compact_string(const PolicyRule& rule);

}  // namespace hvo::apiserver::authz

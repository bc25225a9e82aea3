// kube-apiserver's RBAC authorizer over one snapshot of the RBAC objects: a request is allowed
// when a RoleBinding in its namespace or a ClusterRoleBinding binds one of the user's identities
// (User name, Group, ServiceAccount `system:serviceaccount:NS:NAME`) to a Role or ClusterRole
// with a rule that allows it. A ClusterRole with an aggregationRule grants what the aggregation
// controller would write into it: the rules of every other ClusterRole its selectors match
// (transitively, as the controller converges), not its own. The system:masters group is always
// allowed (upstream's privileged-group authorizer, ahead of RBAC).
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tools/apiserver-lite/authz/policy_rule.h"

namespace hvo::apiserver::authz {

inline constexpr const char* kMastersGroup = "system:masters";

// The stored objects, keyed "NS/NAME" (roles, role bindings) or "NAME" (cluster-scoped).
struct RbacObjects {
  std::map<std::string, nlohmann::json> roles;
  std::map<std::string, nlohmann::json> cluster_roles;
  std::map<std::string, nlohmann::json> role_bindings;
  std::map<std::string, nlohmann::json> cluster_role_bindings;
};

struct Decision {
  bool allowed = false;
  // Upstream's wording: `RBAC: allowed by ClusterRoleBinding "x" of ClusterRole "y" to User "u"`;
  // empty when denied (as RBAC leaves it) or allowed as system:masters.
  std::string reason;
};

// Whether `subject` (rbac/v1 Subject JSON) names this user. A ServiceAccount without a namespace
// is taken from `binding_ns` (a RoleBinding's own); none there means no match.
bool subject_matches(const nlohmann::json& subject, const std::string& user,
                     const std::vector<std::string>& groups, const std::string& binding_ns);

class RbacPolicy {
 public:
  explicit RbacPolicy(const RbacObjects& objects);

  Decision authorize(const RequestAttributes& request) const;
  // Every rule that applies to the user in `ns` (ClusterRoleBindings, then the namespace's
  // RoleBindings), for SelfSubjectRulesReview. Rules of missing roles are absent.
  std::vector<PolicyRule> rules_for(const std::string& user, const std::vector<std::string>& groups,
                                    const std::string& ns) const;
  // The rules a ClusterRole grants (aggregated when it aggregates); empty when absent.
  const std::vector<PolicyRule>& cluster_role_rules(const std::string& name) const;
  // The rules of a binding's roleRef (`kind` Role, in `ns`, or ClusterRole); empty when absent.
  const std::vector<PolicyRule>& role_ref_rules(const std::string& kind, const std::string& ns,
                                                const std::string& name) const;
  // Whether the role a binding's roleRef names exists.
  bool role_ref_exists(const std::string& kind, const std::string& ns,
                       const std::string& name) const;

 private:
  struct Binding {
    std::string kind;  // "RoleBinding" or "ClusterRoleBinding"
    std::string ns;    // RoleBinding's namespace
    std::string name;
    std::string role_kind;  // "Role" or "ClusterRole"
    std::string role_name;
    nlohmann::json subjects;
  };
  const std::vector<PolicyRule>& rules_of(const Binding& binding) const;
  // The subject of `binding` that names the user, or nullptr.
  const nlohmann::json* matching_subject(const Binding& binding, const std::string& user,
                                         const std::vector<std::string>& groups) const;

  std::map<std::string, std::vector<PolicyRule>> cluster_role_rules_;
  std::map<std::string, std::vector<PolicyRule>> role_rules_;  // "NS/NAME"
  std::vector<Binding> cluster_bindings_;
  std::map<std::string, std::vector<Binding>> bindings_by_ns_;
};

}  // namespace hvo::apiserver::authz

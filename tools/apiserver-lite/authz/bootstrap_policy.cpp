#include "tools/apiserver-lite/authz/bootstrap_policy.h"

namespace hvo::apiserver::authz {

using nlohmann::json;

namespace {

const json kReadVerbs = {"get", "list", "watch"};
const json kWriteVerbs = {"create", "delete", "deletecollection", "patch", "update"};
const json kAllVerbs = {"create", "delete", "deletecollection", "get",
                        "list",   "patch",  "update",           "watch"};

json rule(const json& verbs, const json& groups, const json& resources) {
  return {{"verbs", verbs}, {"apiGroups", groups}, {"resources", resources}};
}

json url_rule(const json& verbs, const json& urls) {
  return {{"verbs", verbs}, {"nonResourceURLs", urls}};
}

json metadata(const std::string& name, json labels = json::object()) {
  labels["kubernetes.io/bootstrapping"] = "rbac-defaults";
  return {{"name", name},
          {"labels", labels},
          {"annotations", {{"rbac.authorization.kubernetes.io/autoupdate", "true"}}}};
}

// Rules as a vector: a braced single json would be copied, not wrapped in an array.
json cluster_role(const std::string& name, const std::vector<json>& rules,
                  json labels = json::object()) {
  return {{"apiVersion", "rbac.authorization.k8s.io/v1"},
          {"kind", "ClusterRole"},
          {"metadata", metadata(name, std::move(labels))},
          {"rules", json(rules)}};
}

// A ClusterRole whose rules the aggregation fills from roles labelled `aggregate-to-<to>`.
json aggregated_role(const std::string& name, const std::string& to, json labels = json::object()) {
  json role = cluster_role(name, {}, std::move(labels));
  role["aggregationRule"] = {
      {"clusterRoleSelectors",
       json::array(
           {{{"matchLabels", {{"rbac.authorization.k8s.io/aggregate-to-" + to, "true"}}}}})}};
  return role;
}

json aggregate_to(const std::string& to) {
  return {{"rbac.authorization.k8s.io/aggregate-to-" + to, "true"}};
}

json binding(const std::string& name, const std::string& role, const json& groups) {
  json subjects = json::array();
  for (const auto& group : groups) {
    subjects.push_back(
        {{"apiGroup", "rbac.authorization.k8s.io"}, {"kind", "Group"}, {"name", group}});
  }
  return {{"apiVersion", "rbac.authorization.k8s.io/v1"},
          {"kind", "ClusterRoleBinding"},
          {"metadata", metadata(name)},
          {"roleRef",
           {{"apiGroup", "rbac.authorization.k8s.io"}, {"kind", "ClusterRole"}, {"name", role}}},
          {"subjects", subjects}};
}

}  // namespace

std::vector<json> bootstrap_cluster_roles() {
  const json discovery_urls = {"/api",     "/api/*",   "/apis",    "/apis/*",
                               "/healthz", "/livez",   "/openapi", "/openapi/*",
                               "/readyz",  "/version", "/version/"};
  const json public_urls = {"/healthz", "/livez", "/readyz", "/version", "/version/"};
  return {
      cluster_role("cluster-admin", {rule({"*"}, {"*"}, {"*"}), url_rule({"*"}, {"*"})}),
      aggregated_role("admin", "admin"),
      aggregated_role("edit", "edit", aggregate_to("admin")),
      aggregated_role("view", "view", aggregate_to("edit")),
      cluster_role("system:aggregate-to-admin",
                   {rule({"create"}, {"authorization.k8s.io"}, {"localsubjectaccessreviews"}),
                    rule(kAllVerbs, {"rbac.authorization.k8s.io"}, {"rolebindings", "roles"})},
                   aggregate_to("admin")),
      cluster_role(
          "system:aggregate-to-edit",
          {rule(kReadVerbs, {""},
                {"pods/attach", "pods/exec", "pods/portforward", "pods/proxy", "secrets",
                 "services/proxy"}),
           rule({"impersonate"}, {""}, {"serviceaccounts"}),
           rule(kWriteVerbs, {""},
                {"pods", "pods/attach", "pods/exec", "pods/portforward", "pods/proxy"}),
           rule({"create"}, {""}, {"pods/eviction"}),
           rule(kWriteVerbs, {""},
                {"configmaps", "events", "persistentvolumeclaims", "replicationcontrollers",
                 "replicationcontrollers/scale", "secrets", "serviceaccounts", "services",
                 "services/proxy"}),
           rule({"create"}, {""}, {"serviceaccounts/token"}),
           rule(kWriteVerbs, {"apps"},
                {"daemonsets", "deployments", "deployments/rollback", "deployments/scale",
                 "replicasets", "replicasets/scale", "statefulsets", "statefulsets/scale"}),
           rule(kWriteVerbs, {"autoscaling"}, {"horizontalpodautoscalers"}),
           rule(kWriteVerbs, {"batch"}, {"cronjobs", "jobs"}),
           rule(kWriteVerbs, {"extensions"},
                {"daemonsets", "deployments", "deployments/rollback", "deployments/scale",
                 "ingresses", "networkpolicies", "replicasets", "replicasets/scale",
                 "replicationcontrollers/scale"}),
           rule(kWriteVerbs, {"policy"}, {"poddisruptionbudgets"}),
           rule(kWriteVerbs, {"networking.k8s.io"}, {"ingresses", "networkpolicies"}),
           rule(kAllVerbs, {"coordination.k8s.io"}, {"leases"})},
          aggregate_to("edit")),
      cluster_role(
          "system:aggregate-to-view",
          {rule(kReadVerbs, {""},
                {"configmaps", "endpoints", "persistentvolumeclaims",
                 "persistentvolumeclaims/status", "pods", "replicationcontrollers",
                 "replicationcontrollers/scale", "serviceaccounts", "services", "services/status"}),
           rule(
               kReadVerbs, {""},
               {"bindings", "events", "limitranges", "namespaces/status", "pods/log", "pods/status",
                "replicationcontrollers/status", "resourcequotas", "resourcequotas/status"}),
           rule(kReadVerbs, {""}, {"namespaces"}),
           rule(kReadVerbs, {"discovery.k8s.io"}, {"endpointslices"}),
           rule(
               kReadVerbs, {"apps"},
               {"controllerrevisions", "daemonsets", "daemonsets/status", "deployments",
                "deployments/scale", "deployments/status", "replicasets", "replicasets/scale",
                "replicasets/status", "statefulsets", "statefulsets/scale", "statefulsets/status"}),
           rule(kReadVerbs, {"autoscaling"},
                {"horizontalpodautoscalers", "horizontalpodautoscalers/status"}),
           rule(kReadVerbs, {"batch"}, {"cronjobs", "cronjobs/status", "jobs", "jobs/status"}),
           rule(kReadVerbs, {"extensions"},
                {"daemonsets", "daemonsets/status", "deployments", "deployments/scale",
                 "deployments/status", "ingresses", "ingresses/status", "networkpolicies",
                 "replicasets", "replicasets/scale", "replicasets/status",
                 "replicationcontrollers/scale"}),
           rule(kReadVerbs, {"policy"}, {"poddisruptionbudgets", "poddisruptionbudgets/status"}),
           rule(kReadVerbs, {"networking.k8s.io"},
                {"ingresses", "ingresses/status", "networkpolicies"})},
          aggregate_to("view")),
      cluster_role("system:basic-user",
                   {rule({"create"}, {"authorization.k8s.io"},
                         {"selfsubjectaccessreviews", "selfsubjectrulesreviews"}),
                    rule({"create"}, {"authentication.k8s.io"}, {"selfsubjectreviews"})}),
      cluster_role("system:discovery", {url_rule({"get"}, discovery_urls)}),
      cluster_role("system:public-info-viewer", {url_rule({"get"}, public_urls)}),
      // Bound to nobody: what a monitoring agent is given for /metrics and the single checks.
      cluster_role("system:monitoring",
                   {url_rule({"get"}, {"/healthz", "/healthz/*", "/livez", "/livez/*", "/metrics",
                                       "/metrics/slis", "/readyz", "/readyz/*"})}),
  };
}

std::vector<json> bootstrap_cluster_role_bindings() {
  return {
      binding("cluster-admin", "cluster-admin", {"system:masters"}),
      binding("system:basic-user", "system:basic-user", {"system:authenticated"}),
      binding("system:discovery", "system:discovery", {"system:authenticated"}),
      binding("system:public-info-viewer", "system:public-info-viewer",
              {"system:authenticated", "system:unauthenticated"}),
  };
}

}  // namespace hvo::apiserver::authz

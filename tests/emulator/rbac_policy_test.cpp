// The emulator's RBAC authorizer as pure logic: kube-apiserver's rule matching (wildcards,
// */subresource, resourceNames, non-resource URLs with a trailing *), subjects (users, groups,
// service accounts with and without a namespace), RoleBindings confined to their namespace,
// ClusterRole aggregation, system:masters, the bootstrap roles, and the 403 wording.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tools/apiserver-lite/authz/bootstrap_policy.h"
#include "tools/apiserver-lite/authz/forbidden.h"
#include "tools/apiserver-lite/authz/policy_rule.h"
#include "tools/apiserver-lite/authz/rbac_policy.h"
#include "tools/apiserver-lite/authz/request_attributes.h"

namespace hvo::apiserver::authz {
namespace {

using nlohmann::json;

RequestAttributes resource(const std::string& verb, const std::string& group,
                           const std::string& plural, const std::string& ns = "",
                           const std::string& name = "", const std::string& subresource = "") {
  RequestAttributes request;
  request.user = "alice";
  request.groups = {"system:authenticated"};
  request.verb = verb;
  request.resource_request = true;
  request.api_group = group;
  request.resource = plural;
  request.ns = ns;
  request.name = name;
  request.subresource = subresource;
  return request;
}

RequestAttributes path(const std::string& verb, const std::string& url) {
  RequestAttributes request;
  request.user = "alice";
  request.verb = verb;
  request.path = url;
  return request;
}

TEST(RbacRuleMatching, FollowsKubeApiserversRules) {
  struct Case {
    const char* name;
    json rule;
    RequestAttributes request;
    bool allowed;
  };
  const json vm_rule = {{"verbs", {"get", "list"}},
                        {"apiGroups", {"hyperv.operator.io"}},
                        {"resources", {"virtualmachines"}}};
  const std::vector<Case> cases = {
      {"exact verb, group and resource", vm_rule,
       resource("list", "hyperv.operator.io", "virtualmachines", "t1"), true},
      {"verb not listed", vm_rule, resource("delete", "hyperv.operator.io", "virtualmachines"),
       false},
      {"other group", vm_rule, resource("get", "", "virtualmachines"), false},
      {"a subresource is not its resource", vm_rule,
       resource("get", "hyperv.operator.io", "virtualmachines", "t1", "a", "status"), false},
      {"resource/subresource",
       {{"verbs", {"update"}}, {"apiGroups", {"x"}}, {"resources", {"vms/status"}}},
       resource("update", "x", "vms", "t1", "a", "status"),
       true},
      {"*/subresource grants that subresource of every resource",
       {{"verbs", {"get"}}, {"apiGroups", {"x"}}, {"resources", {"*/status"}}},
       resource("get", "x", "hosts", "", "h", "status"),
       true},
      {"*/subresource does not grant the resource",
       {{"verbs", {"get"}}, {"apiGroups", {"x"}}, {"resources", {"*/status"}}},
       resource("get", "x", "hosts", "", "h"),
       false},
      {"* everywhere",
       {{"verbs", {"*"}}, {"apiGroups", {"*"}}, {"resources", {"*"}}},
       resource("deletecollection", "any.io", "things", "ns", "", "scale"),
       true},
      {"resourceNames allow the named object",
       {{"verbs", {"get"}},
        {"apiGroups", {""}},
        {"resources", {"secrets"}},
        {"resourceNames", {"creds"}}},
       resource("get", "", "secrets", "t1", "creds"),
       true},
      {"resourceNames refuse other names",
       {{"verbs", {"get"}},
        {"apiGroups", {""}},
        {"resources", {"secrets"}},
        {"resourceNames", {"creds"}}},
       resource("get", "", "secrets", "t1", "other"),
       false},
      {"resourceNames refuse a request without a name (list)",
       {{"verbs", {"list"}},
        {"apiGroups", {""}},
        {"resources", {"secrets"}},
        {"resourceNames", {"creds"}}},
       resource("list", "", "secrets", "t1"),
       false},
      {"a resource rule never grants a path", vm_rule, path("get", "/version"), false},
      {"exact non-resource URL",
       {{"verbs", {"get"}}, {"nonResourceURLs", {"/version"}}},
       path("get", "/version"),
       true},
      {"non-resource URL is not a prefix without *",
       {{"verbs", {"get"}}, {"nonResourceURLs", {"/api"}}},
       path("get", "/api/v1"),
       false},
      {"trailing * is a prefix",
       {{"verbs", {"get"}}, {"nonResourceURLs", {"/apis/*"}}},
       path("get", "/apis/hyperv.operator.io/v1alpha1"),
       true},
      {"trailing * needs the prefix",
       {{"verbs", {"get"}}, {"nonResourceURLs", {"/apis/*"}}},
       path("get", "/apis"),
       false},
      {"non-resource verb is the method",
       {{"verbs", {"get"}}, {"nonResourceURLs", {"*"}}},
       path("post", "/admin/compact"),
       false},
      {"a URL rule never grants a resource",
       {{"verbs", {"*"}}, {"nonResourceURLs", {"*"}}},
       resource("get", "", "pods", "t1"),
       false},
  };
  for (const auto& c : cases)
    EXPECT_EQ(rule_allows(c.request, parse_rule(c.rule)), c.allowed) << c.name;
}

TEST(RbacEscalation, CoversAsUpstreamBreaksRulesDown) {
  auto rule = [](const json& j) { return parse_rule(j); };
  const std::vector<PolicyRule> owner = {
      rule({{"verbs", {"get", "list"}},
            {"apiGroups", {""}},
            {"resources", {"secrets", "*/status"}}}),
      rule({{"verbs", {"*"}},
            {"apiGroups", {"x.io"}},
            {"resources", {"vms"}},
            {"resourceNames", {"a", "b"}}}),
      rule({{"verbs", {"get"}}, {"nonResourceURLs", {"/apis/*"}}}),
  };
  struct Case {
    const char* name;
    json requested;
    std::vector<std::string> missing;  // compact strings
  };
  const std::vector<Case> cases = {
      {"a subset of verbs and resources",
       {{"verbs", {"list"}}, {"apiGroups", {""}}, {"resources", {"secrets"}}},
       {}},
      {"*/status covers pods/status",
       {{"verbs", {"get"}}, {"apiGroups", {""}}, {"resources", {"pods/status"}}},
       {}},
      {"a verb not held",
       {{"verbs", {"get", "delete"}}, {"apiGroups", {""}}, {"resources", {"secrets"}}},
       {R"({APIGroups:[""], Resources:["secrets"], Verbs:["delete"]})"}},
      {"named objects within the owner's names",
       {{"verbs", {"update"}},
        {"apiGroups", {"x.io"}},
        {"resources", {"vms"}},
        {"resourceNames", {"b"}}},
       {}},
      {"every name when the owner holds only some",
       {{"verbs", {"update"}}, {"apiGroups", {"x.io"}}, {"resources", {"vms"}}},
       {R"({APIGroups:["x.io"], Resources:["vms"], Verbs:["update"]})"}},
      {"a URL under the owner's prefix",
       {{"verbs", {"get"}}, {"nonResourceURLs", {"/apis/x"}}},
       {}},
      {"* is only covered by *",
       {{"verbs", {"get"}}, {"apiGroups", {""}}, {"resources", {"*"}}},
       {R"({APIGroups:[""], Resources:["*"], Verbs:["get"]})"}},
  };
  for (const auto& c : cases) {
    std::vector<std::string> missing;
    for (const auto& part : uncovered_rules(owner, {rule(c.requested)}))
      missing.push_back(compact_string(part));
    EXPECT_EQ(missing, c.missing) << c.name;
  }
}

json role_object(const std::string& kind, const std::string& ns, const std::string& name,
                 const json& rules, const json& labels = json::object()) {
  json metadata = {{"name", name}, {"labels", labels}};
  if (!ns.empty())
    metadata["namespace"] = ns;
  return {{"kind", kind}, {"metadata", metadata}, {"rules", rules}};
}

json binding_object(const std::string& kind, const std::string& ns, const std::string& name,
                    const std::string& role_kind, const std::string& role, const json& subjects) {
  json metadata = {{"name", name}};
  if (!ns.empty())
    metadata["namespace"] = ns;
  return {
      {"kind", kind},
      {"metadata", metadata},
      {"roleRef", {{"apiGroup", "rbac.authorization.k8s.io"}, {"kind", role_kind}, {"name", role}}},
      {"subjects", subjects}};
}

const json kVmAdmin = json::array({{{"verbs", {"*"}},
                                    {"apiGroups", {"hyperv.operator.io"}},
                                    {"resources", {"virtualmachines"}}}});

TEST(RbacSubjects, UsersGroupsAndServiceAccounts) {
  RbacObjects objects;
  objects.cluster_roles["vm-admin"] = role_object("ClusterRole", "", "vm-admin", kVmAdmin);
  objects.role_bindings["t1/by-user"] =
      binding_object("RoleBinding", "t1", "by-user", "ClusterRole", "vm-admin",
                     {{{"kind", "User"}, {"name", "alice"}}});
  objects.role_bindings["t2/by-group"] =
      binding_object("RoleBinding", "t2", "by-group", "ClusterRole", "vm-admin",
                     {{{"kind", "Group"}, {"name", "team-2"}}});
  // A ServiceAccount subject without a namespace means the RoleBinding's own.
  objects.role_bindings["t3/by-sa"] =
      binding_object("RoleBinding", "t3", "by-sa", "ClusterRole", "vm-admin",
                     {{{"kind", "ServiceAccount"}, {"name", "robot"}}});
  objects.cluster_role_bindings["sa-everywhere"] =
      binding_object("ClusterRoleBinding", "", "sa-everywhere", "ClusterRole", "vm-admin",
                     {{{"kind", "ServiceAccount"}, {"name", "op"}, {"namespace", "ops"}}});
  const RbacPolicy policy(objects);

  struct Case {
    const char* name;
    std::string user;
    std::vector<std::string> groups;
    std::string ns;
    bool allowed;
  };
  const std::vector<Case> cases = {
      {"user in its namespace", "alice", {}, "t1", true},
      {"user in another namespace", "alice", {}, "t2", false},
      {"user across namespaces (a RoleBinding grants no cluster-wide list)",
       "alice",
       {},
       "",
       false},
      {"group member", "bob", {"team-2"}, "t2", true},
      {"not a group member", "bob", {"team-1"}, "t2", false},
      {"service account of the binding's namespace",
       "system:serviceaccount:t3:robot",
       {},
       "t3",
       true},
      {"same name in another namespace", "system:serviceaccount:t9:robot", {}, "t3", false},
      {"service account bound cluster-wide", "system:serviceaccount:ops:op", {}, "t5", true},
      {"cluster-wide binding, across namespaces", "system:serviceaccount:ops:op", {}, "", true},
      {"system:masters needs no binding", "root", {"system:masters"}, "t7", true},
  };
  for (const auto& c : cases) {
    RequestAttributes request = resource("list", "hyperv.operator.io", "virtualmachines", c.ns);
    request.user = c.user;
    request.groups = c.groups;
    EXPECT_EQ(policy.authorize(request).allowed, c.allowed) << c.name;
  }
  RequestAttributes alice = resource("list", "hyperv.operator.io", "virtualmachines", "t1");
  EXPECT_EQ(policy.authorize(alice).reason,
            "RBAC: allowed by RoleBinding \"by-user/t1\" of ClusterRole \"vm-admin\" to User "
            "\"alice\"");
}

TEST(RbacRoles, ARoleGrantsOnlyThroughABindingInItsNamespace) {
  RbacObjects objects;
  objects.roles["t1/vms"] = role_object("Role", "t1", "vms", kVmAdmin);
  objects.role_bindings["t1/alice"] = binding_object("RoleBinding", "t1", "alice", "Role", "vms",
                                                     {{{"kind", "User"}, {"name", "alice"}}});
  // A binding in t2 naming a Role "vms" finds no such Role in t2.
  objects.role_bindings["t2/alice"] = binding_object("RoleBinding", "t2", "alice", "Role", "vms",
                                                     {{{"kind", "User"}, {"name", "alice"}}});
  // A ClusterRoleBinding cannot name a Role.
  objects.cluster_role_bindings["bad"] = binding_object(
      "ClusterRoleBinding", "", "bad", "Role", "vms", {{{"kind", "User"}, {"name", "alice"}}});
  const RbacPolicy policy(objects);
  EXPECT_TRUE(
      policy.authorize(resource("create", "hyperv.operator.io", "virtualmachines", "t1")).allowed);
  EXPECT_FALSE(
      policy.authorize(resource("create", "hyperv.operator.io", "virtualmachines", "t2")).allowed);
  EXPECT_FALSE(policy.authorize(resource("list", "hyperv.operator.io", "virtualmachines")).allowed);
}

TEST(RbacAggregation, AnAggregatedRoleGrantsTheRulesOfTheRolesItSelects) {
  RbacObjects objects;
  json aggregated = role_object(
      "ClusterRole", "", "vm-view",
      json::array(
          {{{"verbs", {"delete"}}, {"apiGroups", {"*"}}, {"resources", {"*"}}}}));  // replaced
  aggregated["aggregationRule"] = {
      {"clusterRoleSelectors", {{{"matchLabels", {{"example.io/aggregate-to-view", "true"}}}}}}};
  objects.cluster_roles["vm-view"] = aggregated;
  objects.cluster_roles["vm-reader"] = role_object("ClusterRole", "", "vm-reader",
                                                   {{{"verbs", {"get", "list"}},
                                                     {"apiGroups", {"hyperv.operator.io"}},
                                                     {"resources", {"virtualmachines"}}}},
                                                   {{"example.io/aggregate-to-view", "true"}});
  // Selected through an expression; itself aggregating (transitive, as the controller converges).
  json middle = role_object("ClusterRole", "", "middle", json::array(), {{"tier", "middle"}});
  middle["aggregationRule"] = {
      {"clusterRoleSelectors", {{{"matchLabels", {{"example.io/aggregate-to-middle", "true"}}}}}}};
  objects.cluster_roles["middle"] = middle;
  objects.cluster_roles["event-reader"] =
      role_object("ClusterRole", "", "event-reader",
                  {{{"verbs", {"watch"}}, {"apiGroups", {""}}, {"resources", {"events"}}}},
                  {{"example.io/aggregate-to-middle", "true"}});
  objects.cluster_roles["vm-view"]["aggregationRule"]["clusterRoleSelectors"].push_back(
      {{"matchExpressions", {{{"key", "tier"}, {"operator", "In"}, {"values", {"middle"}}}}}});
  objects.cluster_roles["unlabelled"] =
      role_object("ClusterRole", "", "unlabelled",
                  {{{"verbs", {"*"}}, {"apiGroups", {"*"}}, {"resources", {"*"}}}});
  objects.role_bindings["t1/viewers"] =
      binding_object("RoleBinding", "t1", "viewers", "ClusterRole", "vm-view",
                     {{{"kind", "User"}, {"name", "alice"}}});
  const RbacPolicy policy(objects);

  EXPECT_EQ(policy.cluster_role_rules("vm-view").size(), 2u);
  EXPECT_TRUE(policy.authorize(resource("get", "hyperv.operator.io", "virtualmachines", "t1", "a"))
                  .allowed);
  EXPECT_TRUE(policy.authorize(resource("watch", "", "events", "t1")).allowed);
  // The aggregated role's own rules are what the controller overwrites: not granted.
  EXPECT_FALSE(policy.authorize(resource("delete", "", "secrets", "t1", "s")).allowed);
}

TEST(RbacAggregation, BootstrapViewEditAdminAggregateAsUpstream) {
  RbacObjects objects;
  for (const auto& role : bootstrap_cluster_roles())
    objects.cluster_roles[role["metadata"]["name"].get<std::string>()] = role;
  for (const auto& binding : bootstrap_cluster_role_bindings())
    objects.cluster_role_bindings[binding["metadata"]["name"].get<std::string>()] = binding;
  for (const char* role : {"view", "edit", "admin"}) {
    objects.role_bindings[std::string("t1/") + role] =
        binding_object("RoleBinding", "t1", role, "ClusterRole", role,
                       {{{"kind", "User"}, {"name", std::string("as-") + role}}});
  }
  const RbacPolicy policy(objects);
  auto may = [&](const std::string& user, RequestAttributes request) {
    request.user = user;
    return policy.authorize(request).allowed;
  };
  const auto read_cm = resource("get", "", "configmaps", "t1", "c");
  const auto write_cm = resource("update", "", "configmaps", "t1", "c");
  const auto read_secret = resource("get", "", "secrets", "t1", "s");
  const auto write_binding = resource("create", "rbac.authorization.k8s.io", "rolebindings", "t1");
  EXPECT_TRUE(may("as-view", read_cm));
  EXPECT_FALSE(may("as-view", write_cm));
  EXPECT_FALSE(may("as-view", read_secret));  // view never reads Secrets
  EXPECT_TRUE(may("as-edit", write_cm));
  EXPECT_TRUE(may("as-edit", read_secret));
  EXPECT_FALSE(may("as-edit", write_binding));
  EXPECT_TRUE(may("as-admin", write_binding));
  EXPECT_TRUE(may("as-admin", read_cm));  // admin ⊇ edit ⊇ view
  EXPECT_FALSE(may("as-admin", resource("get", "", "configmaps", "t2", "c")));

  // Every authenticated user reads discovery and the version, and asks about itself; the
  // anonymous user only the public paths.
  RequestAttributes discovery = path("get", "/apis/hyperv.operator.io/v1alpha1");
  discovery.groups = {"system:authenticated"};
  EXPECT_TRUE(policy.authorize(discovery).allowed);
  RequestAttributes anonymous = path("get", "/version");
  anonymous.user = "system:anonymous";
  anonymous.groups = {"system:unauthenticated"};
  EXPECT_TRUE(policy.authorize(anonymous).allowed);
  anonymous.path = "/apis";
  EXPECT_FALSE(policy.authorize(anonymous).allowed);
  RequestAttributes review = resource("create", "authorization.k8s.io", "selfsubjectaccessreviews");
  EXPECT_TRUE(policy.authorize(review).allowed);
  RequestAttributes metrics = path("get", "/metrics");
  metrics.groups = {"system:authenticated"};
  EXPECT_FALSE(policy.authorize(metrics).allowed);
  metrics.groups.push_back("system:masters");
  EXPECT_TRUE(policy.authorize(metrics).allowed);
}

TEST(RbacForbidden, WordsTheRefusalAsKubeApiserver) {
  const auto namespaced =
      forbidden_request(resource("list", "hyperv.operator.io", "virtualmachines", "team-b"));
  EXPECT_EQ(namespaced.code(), 403);
  EXPECT_EQ(namespaced.reason(), "Forbidden");
  EXPECT_EQ(std::string(namespaced.what()),
            "virtualmachines.hyperv.operator.io is forbidden: User \"alice\" cannot list resource "
            "\"virtualmachines\" in API group \"hyperv.operator.io\" in the namespace \"team-b\"");
  EXPECT_EQ(namespaced.status_body()["details"],
            (json{{"group", "hyperv.operator.io"}, {"kind", "virtualmachines"}}));

  const auto cluster = forbidden_request(resource("get", "", "namespaces", "", "kube-system"));
  EXPECT_EQ(std::string(cluster.what()),
            "namespaces \"kube-system\" is forbidden: User \"alice\" cannot get resource "
            "\"namespaces\" in API group \"\" at the cluster scope");

  const auto status = forbidden_request(
      resource("update", "hyperv.operator.io", "virtualmachines", "t1", "web", "status"));
  EXPECT_EQ(std::string(status.what()),
            "virtualmachines.hyperv.operator.io \"web\" is forbidden: User \"alice\" cannot update "
            "resource \"virtualmachines/status\" in API group \"hyperv.operator.io\" in the "
            "namespace \"t1\"");

  const auto non_resource = forbidden_request(path("get", "/metrics"));
  EXPECT_EQ(std::string(non_resource.what()),
            "forbidden: User \"alice\" cannot get path \"/metrics\"");
}

net::HttpRequest http(const std::string& method, const std::string& target,
                      const std::string& body = "") {
  net::HttpRequest request;
  request.method = method;
  const auto question = target.find('?');
  request.path = target.substr(0, question);
  if (question != std::string::npos) {
    request.raw_query = target.substr(question + 1);
    request.query = net::decode_query(request.raw_query);
  }
  request.body = body;
  return request;
}

TEST(RbacRequestAttributes, DerivedAsKubesRequestInfo) {
  const UserInfo alice{"alice", "a-uid", {"team-a"}};
  struct Case {
    const char* name;
    net::HttpRequest request;
    std::string verb, group, resource, subresource, ns, object, path;
  };
  const std::vector<Case> cases = {
      {"watch narrowed to one name",
       http("GET",
            "/apis/hyperv.operator.io/v1alpha1/namespaces/t1/virtualmachines"
            "?watch=true&fieldSelector=metadata.name%3Dweb"),
       "watch", "hyperv.operator.io", "virtualmachines", "", "t1", "web", ""},
      {"a create names nothing, whatever its body",
       http("POST", "/api/v1/namespaces/t1/secrets", R"({"metadata":{"name":"s"}})"), "create", "",
       "secrets", "", "t1", "", ""},
      {"a namespace is its own namespace", http("GET", "/api/v1/namespaces/t1"), "get", "",
       "namespaces", "", "t1", "t1", ""},
      {"status subresource", http("PUT", "/apis/g.io/v1/hosts/h1/status"), "update", "g.io",
       "hosts", "status", "", "h1", ""},
      {"delete without a name", http("DELETE", "/api/v1/namespaces/t1/configmaps"),
       "deletecollection", "", "configmaps", "", "t1", "", ""},
      {"discovery is a path", http("GET", "/apis"), "get", "", "", "", "", "", "/apis"},
      {"other methods on paths are lower-cased", http("POST", "/admin/compact"), "post", "", "", "",
       "", "", "/admin/compact"},
  };
  for (const auto& c : cases) {
    const auto attributes = request_attributes(c.request, alice);
    EXPECT_EQ(attributes.verb, c.verb) << c.name;
    EXPECT_EQ(attributes.resource_request, c.path.empty()) << c.name;
    EXPECT_EQ(attributes.api_group, c.group) << c.name;
    EXPECT_EQ(attributes.resource, c.resource) << c.name;
    EXPECT_EQ(attributes.subresource, c.subresource) << c.name;
    EXPECT_EQ(attributes.ns, c.ns) << c.name;
    EXPECT_EQ(attributes.name, c.object) << c.name;
    EXPECT_EQ(attributes.path, c.path) << c.name;
    EXPECT_EQ(attributes.groups, (std::vector<std::string>{"team-a", "system:authenticated"}))
        << c.name;
  }
  const auto anonymous = request_attributes(http("GET", "/healthz"), std::nullopt);
  EXPECT_EQ(anonymous.user, "system:anonymous");
  EXPECT_EQ(anonymous.groups, std::vector<std::string>{"system:unauthenticated"});
}

}  // namespace
}  // namespace hvo::apiserver::authz

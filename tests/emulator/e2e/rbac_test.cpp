// RBAC through the emulator's HTTP API: grants and revocations take effect (a new binding at
// once, a deleted one once the watch delivers it), aggregation follows labels live and is written
// into the aggregating roles, writes (patches included) cannot escalate, the
// authorization.k8s.io reviews answer as kube-apiserver's, and discovery lists them.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/support/control_plane.h"

namespace hvo::testing {
namespace {

using nlohmann::json;

class Rbac : public ::testing::Test {
 protected:
  static ControlPlane& plane() {
    static std::unique_ptr<ControlPlane> shared = [] {
      ControlPlaneOptions options;
      options.users = {{"alice", {"team-a"}}, {"bob", {}}};
      return std::make_unique<ControlPlane>(options);
    }();
    return *shared;
  }

  // Sends as `user` ("admin" for the admin token) and returns status and parsed body.
  std::pair<int, json> call(const std::string& user, const std::string& method,
                            const std::string& path, const json& body = nullptr) {
    const std::string text = body.is_null() ? "" : body.dump();
    auto request = user == "admin" ? plane().request(method, path, text)
                                   : plane().request_as(user, method, path, text);
    auto response = plane().http_client()->send(request);
    EXPECT_TRUE(response.ok()) << method << " " << path;
    if (!response.ok())
      return {0, json()};
    return {response->status, json::parse(response->body, nullptr, false)};
  }

  // PATCH as `user` with the patch's media type.
  std::pair<int, json> patch_as(const std::string& user, const std::string& path, const json& body,
                                const std::string& content_type) {
    auto request = plane().request_as(user, "PATCH", path, body.dump());
    request.headers["Content-Type"] = content_type;
    auto response = plane().http_client()->send(request);
    EXPECT_TRUE(response.ok()) << "PATCH " << path;
    if (!response.ok())
      return {0, json()};
    return {response->status, json::parse(response->body, nullptr, false)};
  }

  // Whether ClusterRole `name`'s stored rules include `rule`.
  bool stored_rules_include(const std::string& name, const json& rule) {
    auto [code, role] =
        call("admin", "GET", "/apis/rbac.authorization.k8s.io/v1/clusterroles/" + name);
    if (code != 200 || !role.contains("rules") || !role["rules"].is_array())
      return false;
    for (const auto& stored : role["rules"]) {
      if (stored == rule)
        return true;
    }
    return false;
  }

  int status_of(const std::string& user, const std::string& method, const std::string& path,
                const json& body = nullptr) {
    return call(user, method, path, body).first;
  }

  void create_namespace(const std::string& name) {
    ASSERT_EQ(
        status_of("admin", "POST", "/api/v1/namespaces",
                  {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", name}}}}),
        201);
  }

  static json binding(const std::string& ns, const std::string& name, const std::string& role,
                      const json& subject) {
    return {{"apiVersion", "rbac.authorization.k8s.io/v1"},
            {"kind", "RoleBinding"},
            {"metadata", {{"name", name}, {"namespace", ns}}},
            {"roleRef",
             {{"apiGroup", "rbac.authorization.k8s.io"}, {"kind", "ClusterRole"}, {"name", role}}},
            {"subjects", json::array({subject})}};
  }

  // Polls (every 100 ms, at most 20 s) until `done` holds.
  static bool eventually(const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
      if (done())
        return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return done();
  }
};

TEST_F(Rbac, ABindingGrantsAtOnceAndItsDeletionRevokes) {
  create_namespace("rbac-grant");
  const std::string secrets = "/api/v1/namespaces/rbac-grant/secrets";
  EXPECT_EQ(status_of("bob", "GET", secrets), 403);
  ASSERT_EQ(
      status_of("admin", "POST",
                "/apis/rbac.authorization.k8s.io/v1/namespaces/rbac-grant/rolebindings",
                binding("rbac-grant", "bob-edit", "edit", {{"kind", "User"}, {"name", "bob"}})),
      201);
  // The very next request sees the binding (a denial is confirmed against etcd).
  EXPECT_EQ(status_of("bob", "GET", secrets), 200);
  EXPECT_EQ(status_of("bob", "GET", "/api/v1/namespaces/default/secrets"), 403);
  ASSERT_EQ(
      status_of("admin", "DELETE",
                "/apis/rbac.authorization.k8s.io/v1/namespaces/rbac-grant/rolebindings/bob-edit"),
      200);
  EXPECT_TRUE(eventually([&] { return status_of("bob", "GET", secrets) == 403; }));
}

TEST_F(Rbac, AClusterRoleLabelledForAggregationExtendsViewLive) {
  create_namespace("rbac-aggregate");
  ASSERT_EQ(status_of("admin", "POST",
                      "/apis/rbac.authorization.k8s.io/v1/namespaces/rbac-aggregate/rolebindings",
                      binding("rbac-aggregate", "team-a-view", "view",
                              {{"kind", "Group"}, {"name", "team-a"}})),
            201);
  const std::string leases = "/apis/coordination.k8s.io/v1/namespaces/rbac-aggregate/leases";
  EXPECT_EQ(status_of("alice", "GET", "/api/v1/namespaces/rbac-aggregate/configmaps"), 200);
  EXPECT_EQ(status_of("alice", "GET", leases), 403);  // view does not read Leases
  const json lease_reader = {
      {"apiVersion", "rbac.authorization.k8s.io/v1"},
      {"kind", "ClusterRole"},
      {"metadata",
       {{"name", "lease-reader"},
        {"labels", {{"rbac.authorization.k8s.io/aggregate-to-view", "true"}}}}},
      {"rules", json::array({{{"verbs", {"get", "list"}},
                              {"apiGroups", {"coordination.k8s.io"}},
                              {"resources", {"leases"}}}})}};
  ASSERT_EQ(
      status_of("admin", "POST", "/apis/rbac.authorization.k8s.io/v1/clusterroles", lease_reader),
      201);
  EXPECT_EQ(status_of("alice", "GET", leases), 200);
  ASSERT_EQ(
      status_of("admin", "DELETE", "/apis/rbac.authorization.k8s.io/v1/clusterroles/lease-reader"),
      200);
  EXPECT_TRUE(eventually([&] { return status_of("alice", "GET", leases) == 403; }));
}

TEST_F(Rbac, AggregatingClusterRolesStoreTheRulesTheySelect) {
  const json rule = {
      {"verbs", {"get", "list"}}, {"apiGroups", {"example.com"}}, {"resources", {"widgets"}}};
  // The bootstrap roles are filled at start-up: view holds what system:aggregate-to-view lists.
  const json bootstrap_rule = {
      {"verbs", {"get", "list", "watch"}},
      {"apiGroups", {""}},
      {"resources",
       {"configmaps", "endpoints", "persistentvolumeclaims", "persistentvolumeclaims/status",
        "pods", "replicationcontrollers", "replicationcontrollers/scale", "serviceaccounts",
        "services", "services/status"}}};
  EXPECT_TRUE(eventually([&] { return stored_rules_include("view", bootstrap_rule); }));
  const json widget_reader = {
      {"apiVersion", "rbac.authorization.k8s.io/v1"},
      {"kind", "ClusterRole"},
      {"metadata",
       {{"name", "widget-reader"},
        {"labels", {{"rbac.authorization.k8s.io/aggregate-to-view", "true"}}}}},
      {"rules", json::array({rule})}};
  ASSERT_EQ(
      status_of("admin", "POST", "/apis/rbac.authorization.k8s.io/v1/clusterroles", widget_reader),
      201);
  // view selects it; edit selects view, admin selects edit: the rule reaches all three.
  EXPECT_TRUE(eventually([&] { return stored_rules_include("view", rule); }));
  EXPECT_TRUE(eventually([&] { return stored_rules_include("admin", rule); }));
  auto [code, view] = call("admin", "GET", "/apis/rbac.authorization.k8s.io/v1/clusterroles/view");
  ASSERT_EQ(code, 200);
  bool applied_by_controller = false;
  for (const auto& entry : view["metadata"].value("managedFields", json::array())) {
    applied_by_controller |= entry.value("manager", "") == "clusterrole-aggregation-controller" &&
                             entry.value("operation", "") == "Apply";
  }
  EXPECT_TRUE(applied_by_controller) << view.dump();
  ASSERT_EQ(
      status_of("admin", "DELETE", "/apis/rbac.authorization.k8s.io/v1/clusterroles/widget-reader"),
      200);
  EXPECT_TRUE(eventually([&] { return !stored_rules_include("view", rule); }));
  EXPECT_TRUE(eventually([&] { return !stored_rules_include("admin", rule); }));
  EXPECT_TRUE(stored_rules_include("view", bootstrap_rule));
}

TEST_F(Rbac, PatchesAreCheckedForEscalationAsStored) {
  create_namespace("rbac-patch");
  const std::string roles = "/apis/rbac.authorization.k8s.io/v1/namespaces/rbac-patch/roles";
  const std::string bindings =
      "/apis/rbac.authorization.k8s.io/v1/namespaces/rbac-patch/rolebindings";
  ASSERT_EQ(status_of("admin", "POST", bindings,
                      binding("rbac-patch", "alice-admin", "admin",
                              {{"kind", "User"}, {"name", "alice"}})),
            201);
  const json pod_reader = {
      {"apiVersion", "rbac.authorization.k8s.io/v1"},
      {"kind", "Role"},
      {"metadata", {{"name", "pod-reader"}, {"namespace", "rbac-patch"}}},
      {"rules", json::array({{{"verbs", {"get"}}, {"apiGroups", {""}}, {"resources", {"pods"}}}})}};
  ASSERT_EQ(status_of("alice", "POST", roles, pod_reader), 201);
  const std::string refusal =
      "roles.rbac.authorization.k8s.io \"pod-reader\" is forbidden: user \"alice\" "
      "(groups=[\"team-a\" \"system:authenticated\"]) is attempting to grant RBAC permissions "
      "not currently held:\n{APIGroups:[\"\"], Resources:[\"nodes\"], Verbs:[\"get\"]}";
  const json nodes_rule = {{"verbs", {"get"}}, {"apiGroups", {""}}, {"resources", {"nodes"}}};
  // Merge (and strategic merge, applied as merge): the whole rules list is replaced.
  for (const char* media :
       {"application/merge-patch+json", "application/strategic-merge-patch+json"}) {
    auto [code, refused] =
        patch_as("alice", roles + "/pod-reader", {{"rules", json::array({nodes_rule})}}, media);
    EXPECT_EQ(code, 403) << media;
    EXPECT_EQ(refused.value("message", ""), refusal) << media;
  }
  // JSON patch adding the rule next to the held one.
  auto [json_code, json_refused] =
      patch_as("alice", roles + "/pod-reader",
               json::array({{{"op", "add"}, {"path", "/rules/-"}, {"value", nodes_rule}}}),
               "application/json-patch+json");
  EXPECT_EQ(json_code, 403);
  EXPECT_EQ(json_refused.value("message", ""), refusal);
  // Server-side apply (forced: the rules belong to the creator), on the existing role and
  // creating a new one.
  json applied = pod_reader;
  applied["rules"] = json::array({nodes_rule});
  auto [apply_code, apply_refused] =
      patch_as("alice", roles + "/pod-reader?fieldManager=alice&force=true", applied,
               "application/apply-patch+yaml");
  EXPECT_EQ(apply_code, 403);
  EXPECT_EQ(apply_refused.value("message", ""), refusal);
  applied["metadata"]["name"] = "node-reader";
  EXPECT_EQ(patch_as("alice", roles + "/node-reader?fieldManager=alice", applied,
                     "application/apply-patch+yaml")
                .first,
            403);
  EXPECT_EQ(status_of("admin", "GET", roles + "/node-reader"), 404);
  // A replace (PUT) is checked the same way, against the stored object.
  auto [got, current] = call("alice", "GET", roles + "/pod-reader");
  ASSERT_EQ(got, 200);
  current["rules"].push_back(nodes_rule);
  auto [put_code, put_refused] = call("alice", "PUT", roles + "/pod-reader", current);
  EXPECT_EQ(put_code, 403);
  EXPECT_EQ(put_refused.value("message", ""), refusal);
  // Nothing was stored by the refused patches.
  auto [read, stored] = call("admin", "GET", roles + "/pod-reader");
  ASSERT_EQ(read, 200);
  EXPECT_EQ(stored["rules"], pod_reader["rules"]);
  // A patch to rules alice holds is stored.
  const json configmaps_rule = {
      {"verbs", {"get", "list"}}, {"apiGroups", {""}}, {"resources", {"configmaps"}}};
  auto [allowed, patched] =
      patch_as("alice", roles + "/pod-reader",
               json::array({{{"op", "add"}, {"path", "/rules/-"}, {"value", configmaps_rule}}}),
               "application/json-patch+json");
  EXPECT_EQ(allowed, 200) << patched.dump();
  EXPECT_EQ(patched["rules"].size(), 2u);
  // A binding patched to hand on cluster-admin (roleRef cannot change, so a new one is applied).
  json root_binding =
      binding("rbac-patch", "bob-root", "cluster-admin", {{"kind", "User"}, {"name", "bob"}});
  auto [bind_code, bind_refused] = patch_as("alice", bindings + "/bob-root?fieldManager=alice",
                                            root_binding, "application/apply-patch+yaml");
  EXPECT_EQ(bind_code, 403);
  EXPECT_NE(bind_refused.value("message", "")
                .find("rolebindings.rbac.authorization.k8s.io "
                      "\"bob-root\" is forbidden"),
            std::string::npos);
  // Labelling a binding alice may make is a patch like any other.
  ASSERT_EQ(
      status_of("alice", "POST", bindings,
                binding("rbac-patch", "bob-view", "view", {{"kind", "User"}, {"name", "bob"}})),
      201);
  EXPECT_EQ(patch_as("alice", bindings + "/bob-view", {{"metadata", {{"labels", {{"a", "b"}}}}}},
                     "application/merge-patch+json")
                .first,
            200);
}

TEST_F(Rbac, BindingToAMissingRoleNeedsBind) {
  create_namespace("rbac-missing");
  const std::string bindings =
      "/apis/rbac.authorization.k8s.io/v1/namespaces/rbac-missing/rolebindings";
  ASSERT_EQ(status_of("admin", "POST", bindings,
                      binding("rbac-missing", "alice-admin", "admin",
                              {{"kind", "User"}, {"name", "alice"}})),
            201);
  const json bob = {{"kind", "User"}, {"name", "bob"}};
  // Upstream looks the role's rules up when the writer may not `bind` it; the lookup fails.
  auto [code, refused] =
      call("alice", "POST", bindings, binding("rbac-missing", "bob-nothing", "no-such-role", bob));
  EXPECT_EQ(code, 404);
  EXPECT_EQ(refused.value("message", ""),
            "clusterroles.rbac.authorization.k8s.io \"no-such-role\" not found");
  json to_role = binding("rbac-missing", "bob-role", "missing-role", bob);
  to_role["roleRef"]["kind"] = "Role";
  auto [role_code, role_refused] = call("alice", "POST", bindings, to_role);
  EXPECT_EQ(role_code, 404);
  EXPECT_EQ(role_refused.value("message", ""),
            "roles.rbac.authorization.k8s.io \"missing-role\" not found");
  // Who may bind anything (system:masters here) binds roles that do not exist yet.
  EXPECT_EQ(status_of("admin", "POST", bindings,
                      binding("rbac-missing", "bob-nothing", "no-such-role", bob)),
            201);
}

TEST_F(Rbac, AccessReviewsAnswerAsKubeApiserver) {
  create_namespace("rbac-review");
  ASSERT_EQ(
      status_of(
          "admin", "POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/rbac-review/rolebindings",
          binding("rbac-review", "alice-admin", "admin", {{"kind", "User"}, {"name", "alice"}})),
      201);
  const std::string base = "/apis/authorization.k8s.io/v1/";
  const json ask_secrets = {
      {"namespace", "rbac-review"}, {"verb", "list"}, {"resource", "secrets"}};

  auto [self_code, self] = call("alice", "POST", base + "selfsubjectaccessreviews",
                                {{"apiVersion", "authorization.k8s.io/v1"},
                                 {"kind", "SelfSubjectAccessReview"},
                                 {"spec", {{"resourceAttributes", ask_secrets}}}});
  EXPECT_EQ(self_code, 201);
  EXPECT_EQ(self["kind"], "SelfSubjectAccessReview");
  EXPECT_EQ(self["status"]["allowed"], true);
  EXPECT_EQ(self["status"]["reason"],
            "RBAC: allowed by RoleBinding \"alice-admin/rbac-review\" of ClusterRole \"admin\" to "
            "User \"alice\"");

  // bob may create SelfSubjectAccessReviews (system:basic-user) but not SubjectAccessReviews.
  const json about_alice = {{"apiVersion", "authorization.k8s.io/v1"},
                            {"kind", "SubjectAccessReview"},
                            {"spec", {{"user", "alice"}, {"resourceAttributes", ask_secrets}}}};
  EXPECT_EQ(status_of("bob", "POST", base + "subjectaccessreviews", about_alice), 403);
  auto [sar_code, sar] = call("admin", "POST", base + "subjectaccessreviews", about_alice);
  EXPECT_EQ(sar_code, 201);
  EXPECT_EQ(sar["status"]["allowed"], true);
  json about_bob = about_alice;
  about_bob["spec"]["user"] = "bob";
  EXPECT_EQ(call("admin", "POST", base + "subjectaccessreviews", about_bob).second["status"],
            json({{"allowed", false}}));

  // Non-resource attributes; both kinds at once is 422.
  auto [path_code, path_review] =
      call("bob", "POST", base + "selfsubjectaccessreviews",
           {{"apiVersion", "authorization.k8s.io/v1"},
            {"kind", "SelfSubjectAccessReview"},
            {"spec", {{"nonResourceAttributes", {{"path", "/apis"}, {"verb", "get"}}}}}});
  EXPECT_EQ(path_code, 201);
  EXPECT_EQ(path_review["status"]["allowed"], true);
  auto [both_code, both] =
      call("bob", "POST", base + "selfsubjectaccessreviews",
           {{"apiVersion", "authorization.k8s.io/v1"},
            {"kind", "SelfSubjectAccessReview"},
            {"spec",
             {{"resourceAttributes", ask_secrets},
              {"nonResourceAttributes", {{"path", "/apis"}, {"verb", "get"}}}}}});
  EXPECT_EQ(both_code, 422);
  EXPECT_EQ(both["reason"], "Invalid");

  // A LocalSubjectAccessReview must ask about its own namespace.
  json local = {{"apiVersion", "authorization.k8s.io/v1"},
                {"kind", "LocalSubjectAccessReview"},
                {"spec", {{"user", "alice"}, {"resourceAttributes", ask_secrets}}}};
  EXPECT_EQ(call("admin", "POST", base + "namespaces/rbac-review/localsubjectaccessreviews", local)
                .second["status"]["allowed"],
            true);
  EXPECT_EQ(
      status_of("admin", "POST", base + "namespaces/default/localsubjectaccessreviews", local),
      422);

  // The rules alice holds in rbac-review include the admin role's RoleBinding rights.
  auto [rules_code, rules] = call("alice", "POST", base + "selfsubjectrulesreviews",
                                  {{"apiVersion", "authorization.k8s.io/v1"},
                                   {"kind", "SelfSubjectRulesReview"},
                                   {"spec", {{"namespace", "rbac-review"}}}});
  EXPECT_EQ(rules_code, 201);
  bool rolebindings = false;
  for (const auto& rule : rules["status"]["resourceRules"]) {
    for (const auto& resource : rule["resources"])
      rolebindings = rolebindings || resource == "rolebindings";
  }
  EXPECT_TRUE(rolebindings) << rules.dump();
  EXPECT_EQ(rules["status"]["incomplete"], false);
}

TEST_F(Rbac, NoOneGrantsWhatTheyDoNotHoldUnlessAllowedToBind) {
  create_namespace("rbac-escalate");
  const std::string bindings =
      "/apis/rbac.authorization.k8s.io/v1/namespaces/rbac-escalate/rolebindings";
  const json bob = {{"kind", "User"}, {"name", "bob"}};
  ASSERT_EQ(status_of("admin", "POST", bindings,
                      binding("rbac-escalate", "alice-admin", "admin",
                              {{"kind", "User"}, {"name", "alice"}})),
            201);
  // admin holds everything edit grants, so alice may hand edit on; not cluster-admin.
  EXPECT_EQ(status_of("alice", "POST", bindings, binding("rbac-escalate", "bob-edit", "edit", bob)),
            201);
  auto [code, refused] =
      call("alice", "POST", bindings, binding("rbac-escalate", "bob-root", "cluster-admin", bob));
  EXPECT_EQ(code, 403);
  EXPECT_EQ(refused.value("message", ""),
            "rolebindings.rbac.authorization.k8s.io \"bob-root\" is forbidden: user \"alice\" "
            "(groups=[\"team-a\" \"system:authenticated\"]) is attempting to grant RBAC "
            "permissions not currently held:\n{APIGroups:[\"*\"], Resources:[\"*\"], "
            "Verbs:[\"*\"]}\n{NonResourceURLs:[\"*\"], Verbs:[\"*\"]}");
  // `bind` on that one ClusterRole is enough (what the operator's chart grants it).
  const json bind_root = {{"apiVersion", "rbac.authorization.k8s.io/v1"},
                          {"kind", "ClusterRole"},
                          {"metadata", {{"name", "bind-cluster-admin"}}},
                          {"rules", json::array({{{"verbs", {"bind"}},
                                                  {"apiGroups", {"rbac.authorization.k8s.io"}},
                                                  {"resources", {"clusterroles"}},
                                                  {"resourceNames", {"cluster-admin"}}}})}};
  ASSERT_EQ(
      status_of("admin", "POST", "/apis/rbac.authorization.k8s.io/v1/clusterroles", bind_root),
      201);
  ASSERT_EQ(status_of("admin", "POST", bindings,
                      binding("rbac-escalate", "alice-bind", "bind-cluster-admin",
                              {{"kind", "User"}, {"name", "alice"}})),
            201);
  EXPECT_EQ(status_of("alice", "POST", bindings,
                      binding("rbac-escalate", "bob-root", "cluster-admin", bob)),
            201);
  // A Role listing rules alice does not hold.
  const json node_reader = {
      {"apiVersion", "rbac.authorization.k8s.io/v1"},
      {"kind", "Role"},
      {"metadata", {{"name", "nodes"}, {"namespace", "rbac-escalate"}}},
      {"rules",
       json::array({{{"verbs", {"get"}}, {"apiGroups", {""}}, {"resources", {"nodes"}}}})}};
  EXPECT_EQ(
      status_of("bob", "POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/rbac-escalate/roles",
                node_reader),
      201);  // bob is cluster-admin in this namespace now
  EXPECT_EQ(
      status_of("alice", "POST",
                "/apis/rbac.authorization.k8s.io/v1/namespaces/rbac-escalate/roles", node_reader),
      403);
}

TEST_F(Rbac, DiscoveryListsTheReviewsWithCreateOnly) {
  auto [code, resources] = call("bob", "GET", "/apis/authorization.k8s.io/v1");
  ASSERT_EQ(code, 200);
  std::vector<std::string> names;
  for (const auto& resource : resources["resources"]) {
    names.push_back(resource["name"]);
    EXPECT_EQ(resource["verbs"], json::array({"create"})) << resource.dump();
  }
  EXPECT_EQ(names,
            (std::vector<std::string>{"localsubjectaccessreviews", "selfsubjectaccessreviews",
                                      "selfsubjectrulesreviews", "subjectaccessreviews"}));
  bool listed = false;
  const json groups = call("bob", "GET", "/apis").second["groups"];
  for (const auto& group : groups)
    listed = listed || group["name"] == "authorization.k8s.io";
  EXPECT_TRUE(listed);
}

TEST_F(Rbac, KubectlAuthCanIListsAndAnswers) {
  const auto masters = plane().kubectl({"auth", "can-i", "delete", "nodes"});
  EXPECT_EQ(masters.exit_code, 0) << masters.err;
  EXPECT_EQ(masters.out, "yes\n");
  const auto bob =
      plane().kubectl({"--token", plane().token_of("bob"), "auth", "can-i", "list", "namespaces"});
  EXPECT_EQ(bob.exit_code, 1) << bob.err;
  EXPECT_EQ(bob.out, "no\n");
  const auto listed =
      plane().kubectl({"--token", plane().token_of("bob"), "auth", "can-i", "--list"});
  EXPECT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_NE(listed.out.find("selfsubjectaccessreviews.authorization.k8s.io"), std::string::npos)
      << listed.out;
}

}  // namespace
}  // namespace hvo::testing

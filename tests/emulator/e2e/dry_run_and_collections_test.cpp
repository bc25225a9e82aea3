// dryRun=All on every write verb (the answer is what would have been stored; etcd and watchers
// see nothing), deletecollection with selectors and finalizers, and the managedFields entries
// non-apply writes record.
#include "tests/emulator/e2e/emulator_fixture.h"

namespace hvo::testing {
namespace {

using nlohmann::json;

class DryRun : public EmulatorTest {};
class DeleteCollection : public EmulatorTest {};
class ManagedFields : public EmulatorTest {};

json widget_body(const std::string& name, int size, const json& labels = json::object(),
                 const json& finalizers = json::array()) {
  json metadata = {{"name", name}, {"labels", labels}};
  if (!finalizers.empty())
    metadata["finalizers"] = finalizers;
  return {{"apiVersion", "example.io/v1"},
          {"kind", "Widget"},
          {"metadata", metadata},
          {"spec", {{"size", size}}}};
}

TEST_F(DryRun, EveryVerbAnswersWithoutWriting) {
  const std::string ns = make_namespace();
  const json w1 = create_widget(ns, "w1", 1);
  const std::string rv = w1["metadata"]["resourceVersion"];
  const std::string w1_path = widgets(ns) + "/w1";
  WatchReader watch(plane(), widgets(ns) + "?watch=1&resourceVersion=" + rv);

  json replaced = w1;
  replaced["spec"]["size"] = 5;
  const json put = expect(200, "PUT", w1_path + "?dryRun=All", replaced);
  EXPECT_EQ(put["spec"]["size"], 5);
  EXPECT_EQ(put["metadata"]["generation"], 2);  // admission and generation ran

  const json merged = expect(200, "PATCH", w1_path + "?dryRun=All", {{"spec", {{"size", 7}}}},
                             "application/merge-patch+json");
  EXPECT_EQ(merged["spec"]["size"], 7);
  EXPECT_EQ(merged["spec"]["color"], "blue");  // schema defaults too

  const json applied = expect(200, "PATCH", w1_path + "?dryRun=All&fieldManager=planner&force=true",
                              widget_body("w1", 9), "application/apply-patch+yaml");
  EXPECT_EQ(applied["spec"]["size"], 9);

  json with_status = w1;
  with_status["status"] = {{"phase", "Ready"}};
  const json status = expect(200, "PUT", w1_path + "/status?dryRun=All", with_status);
  EXPECT_EQ(status["status"]["phase"], "Ready");

  // Invalid objects are still refused: validation runs.
  expect(422, "PATCH", w1_path + "?dryRun=All", {{"spec", {{"size", -1}}}},
         "application/merge-patch+json");

  const json deleted = expect(200, "DELETE", w1_path + "?dryRun=All");
  EXPECT_EQ(deleted["status"], "Success");

  const json unchanged = expect(200, "GET", w1_path);
  EXPECT_EQ(unchanged["spec"]["size"], 1);
  EXPECT_EQ(unchanged["metadata"]["resourceVersion"], rv);
  EXPECT_FALSE(unchanged.contains("status"));
  for (const auto& entry : unchanged["metadata"]["managedFields"])
    EXPECT_NE(entry["manager"], "planner");

  // A create and an apply that would create store nothing either.
  expect(201, "POST", widgets(ns) + "?dryRun=All", widget_body("ghost", 1));
  expect(201, "PATCH", widgets(ns) + "/ghost2?dryRun=All&fieldManager=planner",
         widget_body("ghost2", 1), "application/apply-patch+yaml");
  expect(404, "GET", widgets(ns) + "/ghost");
  expect(404, "GET", widgets(ns) + "/ghost2");

  // A graceful delete shows the deletionTimestamp it would set.
  create_widget(ns, "w2", 2);
  json finalized = expect(200, "GET", widgets(ns) + "/w2");
  finalized["metadata"]["finalizers"] = {"example.io/keep"};
  finalized = expect(200, "PUT", widgets(ns) + "/w2", finalized);
  const json marked = expect(200, "DELETE", widgets(ns) + "/w2?dryRun=All");
  EXPECT_TRUE(marked["metadata"].contains("deletionTimestamp")) << marked.dump();
  const json w2 = expect(200, "GET", widgets(ns) + "/w2");
  EXPECT_FALSE(w2["metadata"].contains("deletionTimestamp"));
  EXPECT_EQ(w2["metadata"]["resourceVersion"], finalized["metadata"]["resourceVersion"]);

  // The watch from before the dry runs sees only the real writes: w2's create and update.
  auto first = watch.next();
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ((*first)["type"], "ADDED");
  EXPECT_EQ((*first)["object"]["metadata"]["name"], "w2");
  auto second = watch.next();
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ((*second)["type"], "MODIFIED");
  EXPECT_EQ((*second)["object"]["metadata"]["name"], "w2");
  create_widget(ns, "marker", 1);
  auto third = watch.next();
  ASSERT_TRUE(third.has_value());
  EXPECT_EQ((*third)["object"]["metadata"]["name"], "marker") << third->dump();

  json cleared = expect(200, "GET", widgets(ns) + "/w2");
  cleared["metadata"]["finalizers"] = json::array();
  expect(200, "PUT", widgets(ns) + "/w2", cleared);
}

TEST_F(DryRun, UnknownValuesAreInvalidOptions) {
  const std::string ns = make_namespace();
  create_widget(ns, "w1", 1);
  const json refused = expect(422, "DELETE", widgets(ns) + "/w1?dryRun=Some");
  EXPECT_EQ(refused["reason"], "Invalid");
  EXPECT_EQ(refused["details"]["kind"], "DeleteOptions");
  EXPECT_EQ(refused["details"]["group"], "meta.k8s.io");
  EXPECT_EQ(refused["details"]["causes"][0]["field"], "dryRun");
  EXPECT_NE(refused["message"].get<std::string>().find("supported values: \"All\""),
            std::string::npos)
      << refused.dump();
  expect(422, "POST", widgets(ns) + "?dryRun=", widget_body("w2", 1));
  expect(200, "GET", widgets(ns) + "/w1");
  expect(404, "GET", widgets(ns) + "/w2");
}

TEST_F(DryRun, DeleteOptionsInTheBodyCount) {
  // kubectl and client-go send DeleteOptions (with dryRun) in the body; the query is then unread.
  const std::string ns = make_namespace();
  create_widget(ns, "w1", 1);
  const json options = {{"kind", "DeleteOptions"}, {"apiVersion", "v1"}, {"dryRun", {"All"}}};
  expect(200, "DELETE", widgets(ns) + "/w1", options);
  expect(200, "DELETE", widgets(ns), options);
  expect(200, "GET", widgets(ns) + "/w1");
  const json refused = expect(422, "DELETE", widgets(ns) + "/w1",
                              {{"kind", "DeleteOptions"}, {"dryRun", {"All", "Some"}}});
  EXPECT_NE(refused["message"].get<std::string>().find(R"([]string{"All", "Some"})"),
            std::string::npos)
      << refused.dump();
  expect(200, "GET", widgets(ns) + "/w1");
}

TEST_F(DeleteCollection, DeletesWhatTheSelectorsPickHonouringFinalizers) {
  const std::string ns = make_namespace();
  expect(201, "POST", widgets(ns), widget_body("a", 1, {{"batch", "x"}}));
  expect(201, "POST", widgets(ns), widget_body("b", 1, {{"batch", "x"}}));
  expect(201, "POST", widgets(ns), widget_body("c", 1, {{"batch", "y"}}));
  expect(201, "POST", widgets(ns), widget_body("d", 1, {{"batch", "x"}}, {"example.io/keep"}));

  const json dry = expect(200, "DELETE", widgets(ns) + "?labelSelector=batch%3Dx&dryRun=All");
  EXPECT_EQ(dry["items"].size(), 3u);
  expect(200, "GET", widgets(ns) + "/a");

  const json deleted = expect(200, "DELETE", widgets(ns) + "?labelSelector=batch%3Dx");
  EXPECT_EQ(deleted["kind"], "WidgetList");
  EXPECT_EQ(deleted["apiVersion"], "example.io/v1");
  std::vector<std::string> names;
  for (const auto& item : deleted["items"])
    names.push_back(item["metadata"]["name"]);
  EXPECT_EQ(names, (std::vector<std::string>{"a", "b", "d"}));
  expect(404, "GET", widgets(ns) + "/a");
  expect(404, "GET", widgets(ns) + "/b");
  expect(200, "GET", widgets(ns) + "/c");
  const json d = expect(200, "GET", widgets(ns) + "/d");
  EXPECT_TRUE(d["metadata"].contains("deletionTimestamp")) << d.dump();

  // A field selector, and nothing picked: an empty list.
  const json by_name = expect(200, "DELETE", widgets(ns) + "?fieldSelector=metadata.name%3Dc");
  EXPECT_EQ(by_name["items"].size(), 1u);
  expect(404, "GET", widgets(ns) + "/c");
  const json none = expect(200, "DELETE", widgets(ns) + "?labelSelector=batch%3Dnone");
  EXPECT_TRUE(none["items"].empty());

  json cleared = d;
  cleared["metadata"]["finalizers"] = json::array();
  expect(200, "PUT", widgets(ns) + "/d", cleared);
  expect(404, "GET", widgets(ns) + "/d");
}

TEST_F(DeleteCollection, ClusterScopedAndRefusedScopes) {
  const std::string label = "dc-" + make_namespace();
  for (const char* name : {"-one", "-two"}) {
    expect(201, "POST", "/apis/rbac.authorization.k8s.io/v1/clusterroles",
           {{"metadata", {{"name", label + name}, {"labels", {{"purpose", label}}}}},
            {"rules", json::array()}});
  }
  const json deleted =
      expect(200, "DELETE",
             "/apis/rbac.authorization.k8s.io/v1/clusterroles?labelSelector=purpose%3D" + label);
  EXPECT_EQ(deleted["kind"], "ClusterRoleList");
  EXPECT_EQ(deleted["items"].size(), 2u);
  expect(404, "GET", "/apis/rbac.authorization.k8s.io/v1/clusterroles/" + label + "-one");
  // As kube-apiserver: not across all namespaces, and never for namespaces.
  expect(405, "DELETE", "/api/v1/configmaps");
  expect(405, "DELETE", "/api/v1/namespaces");
}

TEST_F(ManagedFields, UpdatesAndPatchesRecordTheirManager) {
  const std::string ns = make_namespace();
  const json created = expect(201, "POST", widgets(ns) + "?fieldManager=maker",
                              widget_body("w1", 1, {{"app", "x"}}));
  ASSERT_EQ(created["metadata"]["managedFields"].size(), 1u);
  EXPECT_EQ(created["metadata"]["managedFields"][0]["manager"], "maker");
  EXPECT_EQ(created["metadata"]["managedFields"][0]["operation"], "Update");

  const json patched = expect(200, "PATCH", widgets(ns) + "/w1?fieldManager=tuner",
                              {{"spec", {{"size", 4}}}}, "application/merge-patch+json");
  json owners = json::object();
  for (const auto& entry : patched["metadata"]["managedFields"]) {
    if (entry["fieldsV1"].contains("f:spec") && entry["fieldsV1"]["f:spec"].contains("f:size"))
      owners[entry["manager"].get<std::string>()] = entry["operation"];
  }
  EXPECT_EQ(owners, json({{"tuner", "Update"}})) << patched.dump();

  // An apply of the size now conflicts with the updater, as upstream, unless forced.
  const json conflict = expect(409, "PATCH", widgets(ns) + "/w1?fieldManager=planner",
                               widget_body("w1", 6), "application/apply-patch+yaml");
  EXPECT_NE(conflict["message"].get<std::string>().find("tuner"), std::string::npos)
      << conflict.dump();
  expect(200, "PATCH", widgets(ns) + "/w1?fieldManager=planner&force=true", widget_body("w1", 6),
         "application/apply-patch+yaml");

  json status = expect(200, "GET", widgets(ns) + "/w1");
  status["status"] = {{"phase", "Ready"}};
  const json with_status = expect(200, "PUT", widgets(ns) + "/w1/status?fieldManager=ctl", status);
  bool status_entry = false;
  for (const auto& entry : with_status["metadata"]["managedFields"]) {
    if (entry["manager"] == "ctl") {
      status_entry = true;
      EXPECT_EQ(entry["subresource"], "status");
      EXPECT_TRUE(entry["fieldsV1"].contains("f:status"));
    }
  }
  EXPECT_TRUE(status_entry) << with_status.dump();
}

}  // namespace
}  // namespace hvo::testing

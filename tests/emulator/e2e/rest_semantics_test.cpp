// Object semantics over HTTP: create/get/list/update, optimistic concurrency, generation and
// status rules, no-op writes, validation, finalizers, paging, selectors and namespaces.
#include <thread>

#include "tests/emulator/e2e/emulator_fixture.h"

namespace hvo::testing {
namespace {

using nlohmann::json;

class RestSemantics : public EmulatorTest {};

TEST_F(RestSemantics, CreateFillsServerFieldsAndDefaults) {
  const std::string ns = make_namespace();
  const json created = create_widget(ns, "w1", 1);
  EXPECT_FALSE(created["metadata"].value("uid", "").empty());
  EXPECT_EQ(created["metadata"]["generation"], 1);
  EXPECT_FALSE(created["metadata"].value("resourceVersion", "").empty());
  EXPECT_EQ(created["spec"]["color"], "blue");  // schema default
  const json read = expect(200, "GET", widgets(ns) + "/w1");
  EXPECT_EQ(read["metadata"]["uid"], created["metadata"]["uid"]);
  EXPECT_EQ(read["metadata"]["resourceVersion"], created["metadata"]["resourceVersion"]);
  const json list = expect(200, "GET", widgets(ns));
  EXPECT_EQ(list["kind"], "WidgetList");
  ASSERT_EQ(list["items"].size(), 1u);
  EXPECT_EQ(list["items"][0]["kind"], "Widget");
}

TEST_F(RestSemantics, DuplicateCreateIsAlreadyExists) {
  const std::string ns = make_namespace();
  create_widget(ns, "w1", 1);
  const json error =
      expect(409, "POST", widgets(ns), {{"metadata", {{"name", "w1"}}}, {"spec", {{"size", 1}}}});
  EXPECT_EQ(error["reason"], "AlreadyExists");
}

TEST_F(RestSemantics, PutWithoutResourceVersionIs422AndStaleIs409) {
  const std::string ns = make_namespace();
  json widget = create_widget(ns, "w1", 1);
  json without = widget;
  without["metadata"].erase("resourceVersion");
  const json invalid = expect(422, "PUT", widgets(ns) + "/w1", without);
  EXPECT_EQ(invalid["reason"], "Invalid");
  EXPECT_EQ(invalid["details"]["causes"][0]["field"], "metadata.resourceVersion");

  json first = widget;
  first["spec"]["size"] = 2;
  expect(200, "PUT", widgets(ns) + "/w1", first);
  json stale = widget;  // still carries the original resourceVersion
  stale["spec"]["size"] = 3;
  const json conflict = expect(409, "PUT", widgets(ns) + "/w1", stale);
  EXPECT_EQ(conflict["reason"], "Conflict");
  EXPECT_NE(conflict["message"].get<std::string>().find("the object has been modified"),
            std::string::npos);
}

TEST_F(RestSemantics, SecretStringDataIsFoldedIntoBase64Data) {
  const std::string ns = make_namespace();
  const std::string secrets = "/api/v1/namespaces/" + ns + "/secrets";
  const json secret = {{"apiVersion", "v1"},
                       {"kind", "Secret"},
                       {"metadata", {{"name", "s1"}}},
                       {"data", {{"kept", "a2VwdA=="}, {"key", "b2xk"}}},
                       {"stringData", {{"key", "new value"}}}};
  expect(201, "POST", secrets, secret);
  json stored = expect(200, "GET", secrets + "/s1");
  EXPECT_FALSE(stored.contains("stringData"));
  EXPECT_EQ(stored["data"]["kept"], "a2VwdA==");
  EXPECT_EQ(stored["data"]["key"], "bmV3IHZhbHVl");  // "new value"

  stored["stringData"] = {{"other", "x"}};
  const json updated = expect(200, "PUT", secrets + "/s1", stored);
  EXPECT_FALSE(updated.contains("stringData"));
  EXPECT_EQ(updated["data"]["other"], "eA==");
}

TEST_F(RestSemantics, PutOfMissingObjectIsNotFound) {
  const std::string ns = make_namespace();
  expect(404, "PUT", widgets(ns) + "/ghost",
         {{"metadata", {{"name", "ghost"}, {"resourceVersion", "1"}}}, {"spec", {{"size", 1}}}});
}

TEST_F(RestSemantics, SpecChangeBumpsGenerationStatusWriteDoesNot) {
  const std::string ns = make_namespace();
  json widget = create_widget(ns, "w1", 1);
  widget["spec"]["size"] = 5;
  widget = expect(200, "PUT", widgets(ns) + "/w1", widget);
  EXPECT_EQ(widget["metadata"]["generation"], 2);
  widget["status"] = {{"phase", "Ready"}};
  widget = expect(200, "PUT", widgets(ns) + "/w1/status", widget);
  EXPECT_EQ(widget["metadata"]["generation"], 2);
  EXPECT_EQ(widget["status"]["phase"], "Ready");
  widget["metadata"]["labels"] = {{"team", "a"}};
  widget = expect(200, "PUT", widgets(ns) + "/w1", widget);
  EXPECT_EQ(widget["metadata"]["generation"], 2);
}

TEST_F(RestSemantics, StatusWriteIgnoresSpecAndMainWriteIgnoresStatus) {
  const std::string ns = make_namespace();
  json widget = create_widget(ns, "w1", 1);
  json status_write = widget;
  status_write["spec"]["size"] = 99;
  status_write["status"] = {{"phase", "Running"}};
  widget = expect(200, "PUT", widgets(ns) + "/w1/status", status_write);
  EXPECT_EQ(widget["spec"]["size"], 1);
  EXPECT_EQ(widget["status"]["phase"], "Running");

  json main_write = widget;
  main_write["status"] = {{"phase", "Forged"}};
  main_write["spec"]["size"] = 2;
  widget = expect(200, "PUT", widgets(ns) + "/w1", main_write);
  EXPECT_EQ(widget["status"]["phase"], "Running");
  EXPECT_EQ(widget["spec"]["size"], 2);

  const json created_with_status = expect(
      201, "POST", widgets(ns),
      {{"metadata", {{"name", "w2"}}}, {"spec", {{"size", 1}}}, {"status", {{"phase", "X"}}}});
  EXPECT_FALSE(created_with_status.contains("status"));
}

TEST_F(RestSemantics, NoOpWriteKeepsTheResourceVersion) {
  const std::string ns = make_namespace();
  const json widget = create_widget(ns, "w1", 1);
  const json again = expect(200, "PUT", widgets(ns) + "/w1", widget);
  EXPECT_EQ(again["metadata"]["resourceVersion"], widget["metadata"]["resourceVersion"]);
  const json patched = expect(200, "PATCH", widgets(ns) + "/w1", {{"spec", {{"size", 1}}}},
                              "application/merge-patch+json");
  EXPECT_EQ(patched["metadata"]["resourceVersion"], widget["metadata"]["resourceVersion"]);
}

TEST_F(RestSemantics, SchemaViolationIs422NamingTheField) {
  const std::string ns = make_namespace();
  const json error =
      expect(422, "POST", widgets(ns), {{"metadata", {{"name", "bad"}}}, {"spec", {{"size", -1}}}});
  EXPECT_EQ(error["reason"], "Invalid");
  EXPECT_EQ(error["details"]["kind"], "Widget");
  EXPECT_EQ(error["details"]["causes"][0]["field"], "spec.size");
  const json missing =
      expect(422, "POST", widgets(ns), {{"metadata", {{"name", "bad"}}}, {"spec", json::object()}});
  EXPECT_EQ(missing["details"]["causes"][0]["field"], "spec.size");
}

TEST_F(RestSemantics, UnknownFieldsArePrunedWithAWarningOrRefusedWhenStrict) {
  const std::string ns = make_namespace();
  const json body = {{"metadata", {{"name", "w1"}}}, {"spec", {{"size", 1}, {"shape", "round"}}}};
  const auto strict = send("POST", widgets(ns) + "?fieldValidation=Strict", body.dump());
  EXPECT_EQ(strict.status, 400);
  EXPECT_NE(strict.body.find("unknown field \\\"spec.shape\\\""), std::string::npos) << strict.body;
  const auto warned = send("POST", widgets(ns), body.dump());
  EXPECT_EQ(warned.status, 201);
  EXPECT_NE(warned.header("Warning").find("spec.shape"), std::string::npos);
  EXPECT_FALSE(json::parse(warned.body)["spec"].contains("shape"));
}

TEST_F(RestSemantics, GenerateNameMakesDistinctNames) {
  const std::string ns = make_namespace();
  const json body = {{"metadata", {{"generateName", "w-"}}}, {"spec", {{"size", 1}}}};
  const json a = expect(201, "POST", widgets(ns), body);
  const json b = expect(201, "POST", widgets(ns), body);
  const std::string name_a = a["metadata"]["name"];
  EXPECT_EQ(name_a.rfind("w-", 0), 0u);
  EXPECT_EQ(name_a.size(), 7u);
  EXPECT_NE(a["metadata"]["name"], b["metadata"]["name"]);
}

TEST_F(RestSemantics, FinalizersHoldDeletionUntilRemoved) {
  const std::string ns = make_namespace();
  json widget = create_widget(ns, "w1", 1);
  widget["metadata"]["finalizers"] = {"example.io/cleanup"};
  widget = expect(200, "PUT", widgets(ns) + "/w1", widget);
  const json deleting = expect(200, "DELETE", widgets(ns) + "/w1");
  EXPECT_TRUE(deleting["metadata"].contains("deletionTimestamp"));
  EXPECT_EQ(deleting["metadata"]["deletionGracePeriodSeconds"], 0);
  const json adding = expect(422, "PATCH", widgets(ns) + "/w1",
                             {{"metadata", {{"finalizers", {"example.io/cleanup", "late"}}}}},
                             "application/merge-patch+json");
  EXPECT_EQ(adding["details"]["causes"][0]["field"], "metadata.finalizers");
  expect(200, "GET", widgets(ns) + "/w1");
  expect(200, "PATCH", widgets(ns) + "/w1", {{"metadata", {{"finalizers", nullptr}}}},
         "application/merge-patch+json");
  expect(404, "GET", widgets(ns) + "/w1");
}

TEST_F(RestSemantics, ImmediateDeleteReturnsSuccessStatus) {
  const std::string ns = make_namespace();
  create_widget(ns, "w1", 1);
  const json status = expect(200, "DELETE", widgets(ns) + "/w1");
  EXPECT_EQ(status["kind"], "Status");
  EXPECT_EQ(status["status"], "Success");
  expect(404, "DELETE", widgets(ns) + "/w1");
}

TEST_F(RestSemantics, PagedListSharesTheFirstPagesResourceVersion) {
  const std::string ns = make_namespace();
  for (int i = 0; i < 5; ++i)
    create_widget(ns, "w" + std::to_string(i), i);
  std::vector<std::string> names;
  std::string token;
  std::string first_rv;
  int pages = 0;
  do {
    std::string path = widgets(ns) + "?limit=2";
    if (!token.empty())
      path += "&continue=" + net::url_encode(token);
    const json page = expect(200, "GET", path);
    if (first_rv.empty())
      first_rv = page["metadata"]["resourceVersion"];
    EXPECT_EQ(page["metadata"]["resourceVersion"], first_rv);
    for (const auto& item : page["items"])
      names.push_back(item["metadata"]["name"]);
    token = page["metadata"].value("continue", "");
    // A write between pages does not show up in later pages of the same list.
    if (pages++ == 0)
      create_widget(ns, "w9", 9);
  } while (!token.empty());
  EXPECT_EQ(names, (std::vector<std::string>{"w0", "w1", "w2", "w3", "w4"}));
  EXPECT_EQ(pages, 3);
}

TEST_F(RestSemantics, LabelSelectorsFilterLists) {
  const std::string ns = make_namespace();
  create_widget(ns, "a", 1, {{"tier", "web"}, {"env", "prod"}});
  create_widget(ns, "b", 1, {{"tier", "db"}, {"env", "prod"}});
  create_widget(ns, "c", 1, {{"tier", "web"}});
  auto names = [&](const std::string& selector) {
    const json list =
        expect(200, "GET", widgets(ns) + "?labelSelector=" + net::url_encode(selector));
    std::vector<std::string> out;
    for (const auto& item : list["items"])
      out.push_back(item["metadata"]["name"]);
    return out;
  };
  EXPECT_EQ(names("tier=web"), (std::vector<std::string>{"a", "c"}));
  EXPECT_EQ(names("tier!=web"), (std::vector<std::string>{"b"}));
  EXPECT_EQ(names("tier in (db,cache)"), (std::vector<std::string>{"b"}));
  EXPECT_EQ(names("env"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(names("!env"), (std::vector<std::string>{"c"}));
  EXPECT_EQ(names("tier=web,env=prod"), (std::vector<std::string>{"a"}));
  expect(400, "GET", widgets(ns) + "?labelSelector=" + net::url_encode("tier in (web"));
}

TEST_F(RestSemantics, FieldSelectorsOnCustomResourcesAreNameAndNamespaceOnly) {
  const std::string ns = make_namespace();
  create_widget(ns, "a", 1);
  create_widget(ns, "b", 2);
  const json list = expect(200, "GET", widgets(ns) + "?fieldSelector=metadata.name%3Db");
  ASSERT_EQ(list["items"].size(), 1u);
  EXPECT_EQ(list["items"][0]["metadata"]["name"], "b");
  expect(400, "GET", widgets(ns) + "?fieldSelector=spec.size%3D1");
}

TEST_F(RestSemantics, PatchKindsApplyToTheStoredObject) {
  const std::string ns = make_namespace();
  create_widget(ns, "w1", 1);
  json merged = expect(200, "PATCH", widgets(ns) + "/w1", {{"spec", {{"tags", {"x"}}}}},
                       "application/merge-patch+json");
  EXPECT_EQ(merged["spec"]["tags"], json({"x"}));
  json patched = expect(200, "PATCH", widgets(ns) + "/w1",
                        json::parse(R"([{"op":"add","path":"/spec/tags/-","value":"y"}])"),
                        "application/json-patch+json");
  EXPECT_EQ(patched["spec"]["tags"], json({"x", "y"}));
  expect(422, "PATCH", widgets(ns) + "/w1",
         json::parse(R"([{"op":"remove","path":"/spec/nothing"}])"), "application/json-patch+json");
  const json stale = expect(409, "PATCH", widgets(ns) + "/w1",
                            {{"metadata", {{"resourceVersion", "1"}}}, {"spec", {{"size", 3}}}},
                            "application/merge-patch+json");
  EXPECT_EQ(stale["reason"], "Conflict");
  const auto missing_manager =
      send("PATCH", widgets(ns) + "/w1", "spec:\n  size: 4\n", "application/apply-patch+yaml");
  EXPECT_EQ(missing_manager.status, 422);
  const auto applied = send("PATCH", widgets(ns) + "/w2?fieldManager=tester",
                            "apiVersion: example.io/v1\nkind: Widget\nmetadata:\n  name: w2\n"
                            "spec:\n  size: 4\n",
                            "application/apply-patch+yaml");
  EXPECT_EQ(applied.status, 201) << applied.body;
  EXPECT_EQ(json::parse(applied.body)["metadata"]["managedFields"][0]["manager"], "tester");
  const json status_patched = expect(200, "PATCH", widgets(ns) + "/w1/status",
                                     {{"spec", {{"size", 50}}}, {"status", {{"phase", "On"}}}},
                                     "application/merge-patch+json");
  EXPECT_EQ(status_patched["status"]["phase"], "On");
  EXPECT_EQ(status_patched["spec"]["size"], 1);
}

TEST_F(RestSemantics, ServerSideApplyConflictIs409NamingFieldAndManager) {
  const std::string ns = make_namespace();
  const std::string path = widgets(ns) + "/w1";
  const std::string apply_type = "application/apply-patch+yaml";
  auto applied = [&](int size) {
    return json({{"apiVersion", "example.io/v1"},
                 {"kind", "Widget"},
                 {"metadata", {{"name", "w1"}}},
                 {"spec", {{"size", size}}}})
        .dump();
  };
  ASSERT_EQ(send("PATCH", path + "?fieldManager=alice", applied(1), apply_type).status, 201);
  const auto refused = send("PATCH", path + "?fieldManager=bob", applied(2), apply_type);
  ASSERT_EQ(refused.status, 409) << refused.body;
  const json status = json::parse(refused.body);
  EXPECT_EQ(status["reason"], "Conflict");
  ASSERT_EQ(status["details"]["causes"].size(), 1u) << refused.body;
  EXPECT_EQ(status["details"]["causes"][0]["reason"], "FieldManagerConflict");
  EXPECT_EQ(status["details"]["causes"][0]["field"], ".spec.size");
  EXPECT_NE(status["details"]["causes"][0]["message"].get<std::string>().find("alice"),
            std::string::npos);
  EXPECT_EQ(expect(200, "GET", path)["spec"]["size"], 1);

  const auto forced = send("PATCH", path + "?fieldManager=bob&force=true", applied(2), apply_type);
  ASSERT_EQ(forced.status, 200) << forced.body;
  EXPECT_EQ(json::parse(forced.body)["spec"]["size"], 2);
}

TEST_F(RestSemantics, DeletingANamespaceRemovesItsObjects) {
  const std::string ns = make_namespace();
  create_widget(ns, "w1", 1);
  expect(201, "POST", "/api/v1/namespaces/" + ns + "/configmaps",
         {{"metadata", {{"name", "c1"}}}, {"data", {{"k", "v"}}}});
  const json terminating = expect(200, "DELETE", "/api/v1/namespaces/" + ns);
  EXPECT_EQ(terminating["status"]["phase"], "Terminating");
  expect(403, "POST", widgets(ns), {{"metadata", {{"name", "late"}}}, {"spec", {{"size", 1}}}});
  bool gone = false;
  for (int i = 0; i < 200 && !gone; ++i) {
    gone = send("GET", "/api/v1/namespaces/" + ns).status == 404;
    if (!gone)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(gone);
  EXPECT_EQ(send("GET", widgets(ns) + "/w1").status, 404);
  EXPECT_EQ(send("GET", "/api/v1/namespaces/" + ns + "/configmaps/c1").status, 404);
}

TEST_F(RestSemantics, CreatingInAMissingNamespaceIsNotFound) {
  const json error = expect(404, "POST", widgets("no-such-ns"),
                            {{"metadata", {{"name", "w"}}}, {"spec", {{"size", 1}}}});
  EXPECT_EQ(error["details"]["kind"], "namespaces");
}

TEST_F(RestSemantics, BuiltinKindsAreServed) {
  const std::string ns = make_namespace();
  expect(201, "POST", "/api/v1/namespaces/" + ns + "/secrets",
         {{"metadata", {{"name", "s"}}}, {"data", {{"k", "dg=="}}}});
  expect(201, "POST", "/api/v1/namespaces/" + ns + "/serviceaccounts",
         {{"metadata", {{"name", "sa"}}}});
  expect(201, "POST", "/apis/coordination.k8s.io/v1/namespaces/" + ns + "/leases",
         {{"metadata", {{"name", "leader"}}}, {"spec", {{"holderIdentity", "a"}}}});
  expect(201, "POST", "/api/v1/namespaces/" + ns + "/events",
         {{"metadata", {{"name", "e1"}}},
          {"involvedObject", {{"kind", "Widget"}, {"name", "w"}}},
          {"reason", "Tested"},
          {"message", "m"}});
  expect(201, "POST", "/apis/events.k8s.io/v1/namespaces/" + ns + "/events",
         {{"metadata", {{"name", "e2"}}},
          {"regarding", {{"kind", "Widget"}, {"name", "w"}}},
          {"reason", "Tested"},
          {"note", "n"},
          {"type", "Normal"}});
  expect(201, "POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/" + ns + "/roles",
         {{"metadata", {{"name", "r"}}}, {"rules", json::array()}});
  const json events = expect(
      200, "GET", "/api/v1/namespaces/" + ns + "/events?fieldSelector=involvedObject.name%3Dw");
  // The events.k8s.io/v1 Event is the same store seen through another view.
  EXPECT_EQ(events["items"].size(), 2u);
}

TEST_F(RestSemantics, DiscoveryAndVersion) {
  const json version = expect(200, "GET", "/version");
  EXPECT_EQ(version["major"], "1");
  EXPECT_EQ(version["minor"], "32");
  const json groups = expect(200, "GET", "/apis");
  bool found = false;
  for (const auto& group : groups["groups"])
    found |= group["name"] == "example.io";
  EXPECT_TRUE(found);
  const json resources = expect(200, "GET", "/apis/example.io/v1");
  std::vector<std::string> names;
  for (const auto& resource : resources["resources"])
    names.push_back(resource["name"]);
  EXPECT_EQ(names, (std::vector<std::string>{"widgets", "widgets/status"}));
  EXPECT_EQ(resources["resources"][0]["shortNames"], json({"wd"}));
  expect(200, "GET", "/api/v1");
  expect(404, "GET", "/apis/nothing.io/v1");
}

}  // namespace
}  // namespace hvo::testing

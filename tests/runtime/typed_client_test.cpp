// TypedClient over the fake API server: every verb hands out decoded structs, writes send the
// typed fields over the raw JSON (unknown fields survive), lists page with continue tokens, and
// server errors and undecodable objects are errors naming the object.
#include "operator/typed_client.h"

#include <gtest/gtest.h>

#include "operator/typed_kinds.h"
#include "tests/runtime/fake_api_server.h"

namespace hvo::kube {
namespace {

using testing::FakeApiServer;

const std::string kVmPath = "/apis/hyperv.operator.io/v1alpha1/namespaces/team-a/virtualmachines/";
const std::string kHostPath = "/apis/hyperv.operator.io/v1alpha1/hypervhosts/";

json vm_json(const std::string& name, int cpus = 2) {
  return {{"apiVersion", "hyperv.operator.io/v1alpha1"},
          {"kind", "VirtualMachine"},
          {"metadata", {{"name", name}, {"namespace", "team-a"}}},
          {"spec", {{"cpu", {{"count", cpus}}}, {"memory", {{"startup", "4Gi"}}}}},
          {"x-unmodelled", {{"kept", true}}}};
}

json host_json(const std::string& name) {
  return {{"apiVersion", "hyperv.operator.io/v1alpha1"},
          {"kind", "HyperVHost"},
          {"metadata", {{"name", name}}},
          {"spec",
           {{"address", name + ".example:9443"},
            {"credentialsSecretRef", {{"name", name + "-creds"}, {"namespace", "hvo-system"}}}}}};
}

class TypedClientTest : public ::testing::Test {
 protected:
  std::shared_ptr<FakeApiServer> server = std::make_shared<FakeApiServer>();
  metrics::Registry registry;
  RestClient rest{server, "https://fake:6443", nullptr, registry};
  VirtualMachineClient vms{rest};

  const net::HttpRequest last_request() const { return server->requests().back(); }
};

TEST_F(TypedClientTest, GetDecodesTheObject) {
  server->put_object(kVmPath + "web-1", vm_json("web-1", 4));
  auto vm = vms.get("team-a", "web-1");
  ASSERT_TRUE(vm.ok()) << vm.error().message();
  EXPECT_EQ(vm->metadata.key(), "team-a/web-1");
  EXPECT_EQ(vm->spec.cpu.count, 4);
  EXPECT_FALSE(vm->metadata.resource_version.empty());
}

TEST_F(TypedClientTest, GetOfMissingObjectIsNotFound) {
  auto vm = vms.get("team-a", "nope");
  ASSERT_FALSE(vm.ok());
  EXPECT_EQ(vm.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(vm.error().message().find("nope"), std::string::npos) << vm.error().message();
}

TEST_F(TypedClientTest, CreateThenUpdateKeepsUnmodelledFields) {
  auto decoded = api::VirtualMachine::from_json(vm_json("web-1"));
  ASSERT_TRUE(decoded.ok()) << decoded.error().message();
  auto created = vms.create(*decoded, WriteOptions{"hyperv-operator", false});
  ASSERT_TRUE(created.ok()) << created.error().message();
  EXPECT_EQ(last_request().method, "POST");
  EXPECT_EQ(last_request().path,
            "/apis/hyperv.operator.io/v1alpha1/namespaces/team-a/virtualmachines");
  EXPECT_EQ(last_request().query_param("fieldManager"), "hyperv-operator");
  EXPECT_EQ(created->metadata.uid, "uid-web-1");

  api::VirtualMachine changed = *created;
  changed.spec.cpu.count = 8;
  auto updated = vms.update(changed);
  ASSERT_TRUE(updated.ok()) << updated.error().message();
  EXPECT_EQ(updated->spec.cpu.count, 8);
  const json stored = *server->object(kVmPath + "web-1");
  EXPECT_EQ(stored["spec"]["cpu"]["count"], 8);
  EXPECT_EQ(stored["x-unmodelled"]["kept"], true);
}

TEST_F(TypedClientTest, StaleUpdateStatusIsConflictAndARereadSucceeds) {
  server->put_object(kVmPath + "web-1", vm_json("web-1"));
  auto first = vms.get("team-a", "web-1");
  ASSERT_TRUE(first.ok());
  server->put_object(kVmPath + "web-1", vm_json("web-1", 3));  // someone else wrote meanwhile

  api::VirtualMachine stale = *first;
  stale.status.host = "hv-01";
  auto conflict = vms.update_status(stale);
  ASSERT_FALSE(conflict.ok());
  EXPECT_EQ(conflict.error().code(), ErrorCode::kConflict);

  auto fresh = vms.get("team-a", "web-1");
  ASSERT_TRUE(fresh.ok());
  fresh->status.host = "hv-01";
  auto saved = vms.update_status(*fresh);
  ASSERT_TRUE(saved.ok()) << saved.error().message();
  EXPECT_EQ(last_request().path, kVmPath + "web-1/status");
  EXPECT_EQ(saved->status.host, "hv-01");
  EXPECT_EQ(saved->spec.cpu.count, 3);
}

TEST_F(TypedClientTest, ListPagesCarryResourceVersionAndContinueToken) {
  for (const char* name : {"a", "b", "c", "d", "e"})
    server->put_object(kVmPath + name, vm_json(name));
  ListOptions options;
  options.limit = 2;
  auto page = vms.list("team-a", options);
  ASSERT_TRUE(page.ok()) << page.error().message();
  EXPECT_EQ(page->items.size(), 2u);
  EXPECT_FALSE(page->continue_token.empty());
  EXPECT_EQ(page->resource_version, std::to_string(server->resource_version()));

  auto all = vms.list_all("team-a", options);
  ASSERT_TRUE(all.ok()) << all.error().message();
  std::vector<std::string> names;
  for (const auto& vm : all->items)
    names.push_back(vm.metadata.name);
  EXPECT_EQ(names, (std::vector<std::string>{"a", "b", "c", "d", "e"}));
  EXPECT_EQ(all->resource_version, std::to_string(server->resource_version()));
}

TEST_F(TypedClientTest, ListAllStartsOverWhenTheContinueTokenExpired) {
  for (const char* name : {"a", "b", "c"})
    server->put_object(kVmPath + name, vm_json(name));
  server->add_fault(
      [&](const net::HttpRequest& request) -> std::optional<Result<net::HttpResponse>> {
        if (request.query_param("continue").empty())
          return std::nullopt;
        return Result<net::HttpResponse>(
            testing::status_response(410, "Expired", "the continue token has expired"));
      });
  ListOptions options;
  options.limit = 2;
  auto all = vms.list_all("team-a", options);
  ASSERT_TRUE(all.ok()) << all.error().message();
  EXPECT_EQ(all->items.size(), 3u);
}

TEST_F(TypedClientTest, MergeJsonAndApplyPatches) {
  server->put_object(kVmPath + "web-1", vm_json("web-1"));
  auto merged = vms.patch("team-a", "web-1", PatchType::kMerge,
                          {{"metadata", {{"labels", {{"tier", "web"}}}}}});
  ASSERT_TRUE(merged.ok()) << merged.error().message();
  EXPECT_EQ(merged->metadata.labels.at("tier"), "web");
  EXPECT_EQ(last_request().header("Content-Type"), "application/merge-patch+json");

  auto patched =
      vms.patch("team-a", "web-1", PatchType::kJson,
                json::array({{{"op", "replace"}, {"path", "/spec/cpu/count"}, {"value", 6}}}));
  ASSERT_TRUE(patched.ok()) << patched.error().message();
  EXPECT_EQ(patched->spec.cpu.count, 6);
  EXPECT_EQ(last_request().header("Content-Type"), "application/json-patch+json");

  json configuration = {{"apiVersion", "hyperv.operator.io/v1alpha1"},
                        {"kind", "VirtualMachine"},
                        {"metadata", {{"name", "web-1"}, {"namespace", "team-a"}}},
                        {"spec", {{"image", "rocky-10"}}}};
  auto applied = vms.apply(configuration, "hyperv-operator", /*force=*/true);
  ASSERT_TRUE(applied.ok()) << applied.error().message();
  EXPECT_EQ(applied->spec.image, "rocky-10");
  EXPECT_EQ(applied->spec.cpu.count, 6);
  EXPECT_EQ(last_request().header("Content-Type"), "application/apply-patch+yaml");
  EXPECT_EQ(last_request().query_param("fieldManager"), "hyperv-operator");
  EXPECT_EQ(last_request().query_param("force"), "true");

  auto unmanaged = vms.apply(configuration, "");
  ASSERT_FALSE(unmanaged.ok());
  EXPECT_EQ(unmanaged.error().code(), ErrorCode::kInvalidArgument);
}

TEST_F(TypedClientTest, RemoveReturnsTheDeletedObject) {
  server->put_object(kVmPath + "web-1", vm_json("web-1"));
  const std::string version = resource_version_of(*server->object(kVmPath + "web-1"));
  DeleteOptions stale;
  stale.precondition_resource_version = "1";
  auto refused = vms.remove("team-a", "web-1", stale);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code(), ErrorCode::kConflict);

  DeleteOptions guarded;
  guarded.precondition_resource_version = version;
  auto removed = vms.remove("team-a", "web-1", guarded);
  ASSERT_TRUE(removed.ok()) << removed.error().message();
  ASSERT_TRUE(removed->has_value());
  EXPECT_EQ((*removed)->metadata.name, "web-1");
  EXPECT_FALSE(server->object(kVmPath + "web-1").has_value());
}

TEST_F(TypedClientTest, RemoveAnsweredWithAStatusGivesNoObject) {
  server->add_fault(testing::answer_with([] {
    net::HttpResponse response;
    response.status = 200;
    response.body = R"({"kind":"Status","apiVersion":"v1","status":"Success"})";
    return response;
  }()));
  auto removed = vms.remove("team-a", "web-1");
  ASSERT_TRUE(removed.ok()) << removed.error().message();
  EXPECT_FALSE(removed->has_value());
}

TEST_F(TypedClientTest, ObjectThatDoesNotDecodeIsAnErrorNamingIt) {
  json broken = vm_json("web-1");
  broken["spec"].erase("cpu");
  server->put_object(kVmPath + "web-1", broken);
  auto vm = vms.get("team-a", "web-1");
  ASSERT_FALSE(vm.ok());
  EXPECT_EQ(vm.error().code(), ErrorCode::kInternal);
  EXPECT_NE(vm.error().message().find("team-a/web-1"), std::string::npos) << vm.error().message();
  EXPECT_NE(vm.error().message().find("cpu"), std::string::npos) << vm.error().message();

  auto list = vms.list("team-a");
  ASSERT_FALSE(list.ok());  // a partial snapshot would read as deletions
}

TEST_F(TypedClientTest, ClusterScopedKindsUseClusterPaths) {
  HyperVHostClient hosts(rest);
  auto decoded = api::HyperVHost::from_json(host_json("hv-01"));
  ASSERT_TRUE(decoded.ok()) << decoded.error().message();
  auto created = hosts.create(*decoded);
  ASSERT_TRUE(created.ok()) << created.error().message();
  EXPECT_EQ(last_request().path, "/apis/hyperv.operator.io/v1alpha1/hypervhosts");
  EXPECT_TRUE(server->object(kHostPath + "hv-01").has_value());
  auto listed = hosts.list("");
  ASSERT_TRUE(listed.ok()) << listed.error().message();
  ASSERT_EQ(listed->items.size(), 1u);
  EXPECT_EQ(listed->items[0].spec.address, "hv-01.example:9443");
  EXPECT_EQ(TenantClient(rest).resource().display(), "tenants.hyperv.operator.io");
  EXPECT_FALSE(QuotaClient(rest).resource().namespaced);
}

}  // namespace
}  // namespace hvo::kube

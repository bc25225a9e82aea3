// Typed views of a SharedInformer: the lister decodes cached JSON into the caller's own copies
// and reports objects that do not decode; typed handlers see add/update/delete as structs.
#include "operator/typed_informer.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>

#include "operator/typed_kinds.h"
#include "tests/runtime/fake_api_server.h"

namespace hvo::kube {
namespace {

using std::chrono::milliseconds;
using testing::FakeApiServer;

const std::string kCollection = "/apis/hyperv.operator.io/v1alpha1/namespaces/";

json vm_json(const std::string& ns, const std::string& name, int cpus = 2) {
  return {{"apiVersion", "hyperv.operator.io/v1alpha1"},
          {"kind", "VirtualMachine"},
          {"metadata", {{"name", name}, {"namespace", ns}}},
          {"spec", {{"cpu", {{"count", cpus}}}, {"memory", {{"startup", "4Gi"}}}}}};
}
std::string path_of(const std::string& ns, const std::string& name) {
  return kCollection + ns + "/virtualmachines/" + name;
}

// Typed events as "add ns/name cpus" lines, waited for with a bounded deadline.
class TypedLog {
 public:
  TypedEventHandlers<api::VirtualMachine> handlers() {
    TypedEventHandlers<api::VirtualMachine> h;
    h.on_add = [this](const api::VirtualMachine& vm) { push("add", vm); };
    h.on_update = [this](const api::VirtualMachine& old_vm, const api::VirtualMachine& vm) {
      push("update", vm, " from " + std::to_string(old_vm.spec.cpu.count));
    };
    h.on_delete = [this](const api::VirtualMachine& vm) { push("delete", vm); };
    h.on_decode_error = [this](const json& object, const Error&) {
      std::lock_guard<std::mutex> lock(mu_);
      entries_.push_back("undecodable " + object_key(object));
      cv_.notify_all();
    };
    return h;
  }
  std::vector<std::string> wait_for(std::size_t count) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, std::chrono::seconds(60), [&] { return entries_.size() >= count; });
    return entries_;
  }

 private:
  void push(const std::string& what, const api::VirtualMachine& vm, const std::string& extra = "") {
    std::lock_guard<std::mutex> lock(mu_);
    entries_.push_back(what + " " + vm.metadata.key() + " " + std::to_string(vm.spec.cpu.count) +
                       extra);
    cv_.notify_all();
  }
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::string> entries_;
};

class TypedInformerTest : public ::testing::Test {
 protected:
  InformerOptions options() {
    InformerOptions o = informer_options_for<api::VirtualMachine>();
    o.reflector.backoff_initial = milliseconds(1);
    o.reflector.backoff_max = milliseconds(5);
    return o;
  }

  std::shared_ptr<FakeApiServer> server = std::make_shared<FakeApiServer>();
  metrics::Registry registry;
  RestClient client{server, "https://fake:6443", nullptr, registry};
};

TEST_F(TypedInformerTest, ListerHandsOutDecodedCopiesTheCallerMayChange) {
  server->put_object(path_of("team-a", "web-1"), vm_json("team-a", "web-1", 4));
  server->put_object(path_of("team-b", "db-1"), vm_json("team-b", "db-1"));
  SharedInformer informer(client, options());
  TypedInformer<api::VirtualMachine> vms(informer);
  informer.start();
  ASSERT_TRUE(vms.wait_for_sync());

  auto vm = vms.lister().get("team-a", "web-1");
  ASSERT_TRUE(vm.ok()) << vm.error().message();
  EXPECT_EQ(vm->spec.cpu.count, 4);
  vm->spec.cpu.count = 16;  // the caller's copy: the cache is untouched
  EXPECT_EQ(vms.lister().get("team-a/web-1")->spec.cpu.count, 4);

  EXPECT_EQ(vms.lister().list().items.size(), 2u);
  const auto team_b = vms.lister().in_namespace("team-b");
  ASSERT_EQ(team_b.items.size(), 1u);
  EXPECT_EQ(team_b.items[0].metadata.name, "db-1");

  auto missing = vms.lister().get("team-a", "nope");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
}

TEST_F(TypedInformerTest, ListerReportsCachedObjectsThatDoNotDecode) {
  json broken = vm_json("team-a", "broken");
  broken["spec"].erase("memory");
  server->put_object(path_of("team-a", "broken"), broken);
  server->put_object(path_of("team-a", "good"), vm_json("team-a", "good"));
  SharedInformer informer(client, options());
  informer.start();
  ASSERT_TRUE(informer.wait_for_sync());
  TypedLister<api::VirtualMachine> lister(informer.store());

  const auto all = lister.list();
  ASSERT_EQ(all.items.size(), 1u);
  EXPECT_EQ(all.items[0].metadata.name, "good");
  ASSERT_EQ(all.errors.size(), 1u);
  EXPECT_NE(all.errors[0].message().find("team-a/broken"), std::string::npos)
      << all.errors[0].message();
  EXPECT_FALSE(lister.get("team-a/broken").ok());
}

TEST_F(TypedInformerTest, TypedHandlersSeeAddUpdateDeleteInOrder) {
  server->put_object(path_of("team-a", "a"), vm_json("team-a", "a"));
  SharedInformer informer(client, options());
  TypedInformer<api::VirtualMachine> vms(informer);
  TypedLog log;
  vms.add_event_handlers(log.handlers());
  informer.start();
  ASSERT_TRUE(vms.wait_for_sync());

  server->put_object(path_of("team-a", "a"), vm_json("team-a", "a", 3));
  json broken = vm_json("team-a", "b");
  broken.erase("spec");
  server->put_object(path_of("team-a", "b"), broken);
  server->delete_object(path_of("team-a", "a"));
  EXPECT_EQ(log.wait_for(4),
            (std::vector<std::string>{"add team-a/a 2", "update team-a/a 3 from 2",
                                      "undecodable team-a/b", "delete team-a/a 3"}));
}

}  // namespace
}  // namespace hvo::kube

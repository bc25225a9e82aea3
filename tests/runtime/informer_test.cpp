#include "operator/informer.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <thread>

#include "tests/runtime/event_log.h"
#include "tests/runtime/fake_api_server.h"
#include "tests/runtime/fake_clock.h"

namespace hvo::kube {
namespace {

using std::chrono::milliseconds;
using testing::EventLog;
using testing::FakeApiServer;
using testing::FakeClock;

const GroupVersionResource kVms{"hyperv.operator.io", "v1alpha1", "virtualmachines", true};
const std::string kNs = "/apis/hyperv.operator.io/v1alpha1/namespaces/ns/virtualmachines/";

json vm(const std::string& name, int cpu = 1, const std::string& host = "") {
  json object = {{"apiVersion", "hyperv.operator.io/v1alpha1"},
                 {"kind", "VirtualMachine"},
                 {"metadata", {{"name", name}, {"namespace", "ns"}}},
                 {"spec", {{"cpu", cpu}}}};
  if (!host.empty())
    object["status"]["hostName"] = host;
  return object;
}

int count_requests(const FakeApiServer& server, bool watch) {
  int count = 0;
  for (const auto& request : server.requests()) {
    if ((request.query_param("watch") == "1") == watch)
      ++count;
  }
  return count;
}

class InformerTest : public ::testing::Test {
 protected:
  InformerOptions options(int64_t page_size = 500) {
    InformerOptions o;
    o.reflector.gvr = kVms;
    o.reflector.page_size = page_size;
    o.reflector.backoff_initial = milliseconds(1);
    o.reflector.backoff_max = milliseconds(5);
    return o;
  }

  std::shared_ptr<FakeApiServer> server = std::make_shared<FakeApiServer>();
  metrics::Registry registry;
  RestClient client{server, "https://fake:6443", nullptr, registry};
  EventLog log;
};

TEST_F(InformerTest, SeesEveryCreateUpdateDeleteInOrder) {
  server->put_object(kNs + "a", vm("a"));
  server->put_object(kNs + "b", vm("b"));
  SharedInformer informer(client, options());
  informer.add_event_handlers(log.handlers());
  informer.start();
  ASSERT_TRUE(informer.wait_for_sync());
  EXPECT_EQ(informer.store().size(), 2u);

  server->put_object(kNs + "c", vm("c"));
  server->put_object(kNs + "a", vm("a", 2));
  server->delete_object(kNs + "b");
  server->put_object(kNs + "a", vm("a", 3));
  const auto entries = log.wait_for(6);
  EXPECT_EQ(entries, (std::vector<std::string>{"add ns/a", "add ns/b", "add ns/c", "update ns/a",
                                               "delete ns/b", "update ns/a"}));
  EXPECT_EQ((*informer.store().get("ns/a"))["spec"]["cpu"], 3);
  EXPECT_EQ(informer.store().get("ns/b"), nullptr);
  // The reflector records the version once the handlers are done with the event.
  while (informer.last_resource_version() != std::to_string(server->resource_version())) {
    std::this_thread::yield();
  }
}

TEST_F(InformerTest, ListsInPagesAndWatchesFromTheListsVersion) {
  for (const char* name : {"a", "b", "c", "d", "e"})
    server->put_object(kNs + name, vm(name));
  const std::string listed_at = std::to_string(server->resource_version());
  SharedInformer informer(client, options(2));
  informer.start();
  ASSERT_TRUE(informer.wait_for_sync());
  EXPECT_EQ(informer.store().size(), 5u);
  EXPECT_EQ(count_requests(*server, false), 3);
  server->put_object(kNs + "f", vm("f"));
  while (informer.store().size() < 6)
    std::this_thread::yield();
  for (const auto& request : server->requests()) {
    if (request.query_param("watch") != "1")
      continue;
    EXPECT_EQ(request.query_param("resourceVersion"), listed_at);
    EXPECT_EQ(request.query_param("allowWatchBookmarks"), "true");
    break;
  }
}

// drop_managed_fields keeps metadata.managedFields out of the cache, from lists and watches.
TEST_F(InformerTest, ManagedFieldsAreDroppedWhenAsked) {
  json listed = vm("a");
  listed["metadata"]["managedFields"] = json::array({{{"manager", "kubectl"}}});
  server->put_object(kNs + "a", listed);
  InformerOptions dropping = options();
  dropping.drop_managed_fields = true;
  SharedInformer informer(client, dropping);
  informer.add_event_handlers(log.handlers());
  informer.start();
  ASSERT_TRUE(informer.wait_for_sync());
  const auto cached = informer.store().get("ns/a");
  ASSERT_NE(cached, nullptr);
  EXPECT_FALSE((*cached)["metadata"].contains("managedFields"));
  EXPECT_EQ((*cached)["metadata"]["name"], "a");

  json watched = vm("b");
  watched["metadata"]["managedFields"] = json::array({{{"manager", "operator"}}});
  server->put_object(kNs + "b", watched);
  ASSERT_EQ(log.wait_for(2).size(), 2u);
  ASSERT_NE(informer.store().get("ns/b"), nullptr);
  EXPECT_FALSE((*informer.store().get("ns/b"))["metadata"].contains("managedFields"));
  informer.stop();
}

// Pages go into the store as they arrive; a list whose continue token expires after its first
// page is listed again whole (client-go's pager), and each object is reported once, nothing as
// deleted.
TEST_F(InformerTest, AListRestartedMidwayReportsEachObjectOnce) {
  for (const char* name : {"a", "b", "c", "d", "e"})
    server->put_object(kNs + name, vm(name));
  server->add_fault(testing::pass_through([] {}));  // page 1 as usual
  server->add_fault(testing::answer_with(
      {410,
       {{"Content-Type", "application/json"}},
       R"({"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "Expired",
           "code": 410, "message": "the provided continue parameter is too old"})"}));
  SharedInformer informer(client, options(2));
  informer.add_event_handlers(log.handlers());
  informer.start();
  ASSERT_TRUE(informer.wait_for_sync());

  EXPECT_EQ(informer.store().size(), 5u);
  std::vector<std::string> entries = log.entries();
  std::sort(entries.begin(), entries.end());
  EXPECT_EQ(entries,
            (std::vector<std::string>{"add ns/a", "add ns/b", "add ns/c", "add ns/d", "add ns/e"}));
  EXPECT_EQ(count_requests(*server, false), 3);  // page 1, page 2 (expired), one unpaged list
}

// While the informer is disconnected, objects change and the server compacts its history: the
// watch gets 410, the informer lists again, and the diff reports exactly what happened.
TEST_F(InformerTest, RelistAfterExpiredWatchIsExactIncludingDeletes) {
  server->put_object(kNs + "a", vm("a"));
  server->put_object(kNs + "b", vm("b"));
  server->put_object(kNs + "keep", vm("keep"));
  SharedInformer informer(client, options());
  informer.add_event_handlers(log.handlers());
  informer.start();
  ASSERT_TRUE(informer.wait_for_sync());
  while (server->open_watches() == 0)
    std::this_thread::yield();

  server->add_fault(testing::pass_through([&] {
    server->delete_object(kNs + "b");
    server->put_object(kNs + "a", vm("a", 4));
    server->put_object(kNs + "c", vm("c"));
    server->compact();
  }));
  server->end_watches();

  const auto entries = log.wait_for(6);
  ASSERT_EQ(entries.size(), 6u);
  const std::vector<std::string> after_relist(entries.begin() + 3, entries.end());
  EXPECT_EQ(after_relist, (std::vector<std::string>{"update ns/a", "add ns/c", "delete ns/b"}));
  EXPECT_EQ(count_requests(*server, false), 2);
  std::vector<std::string> keys = informer.store().keys();
  std::sort(keys.begin(), keys.end());
  EXPECT_EQ(keys, (std::vector<std::string>{"ns/a", "ns/c", "ns/keep"}));
  EXPECT_EQ((*informer.store().get("ns/a"))["spec"]["cpu"], 4);
}

// A lost connection (the server restarting) resumes the watch from the last version seen,
// without listing again and without losing what changed meanwhile.
TEST_F(InformerTest, WatchResumesAfterTheServerComesBack) {
  server->put_object(kNs + "a", vm("a"));
  SharedInformer informer(client, options());
  informer.add_event_handlers(log.handlers());
  informer.start();
  ASSERT_TRUE(informer.wait_for_sync());
  while (server->open_watches() == 0)
    std::this_thread::yield();
  const int watches_before = count_requests(*server, true);

  const auto refuse = testing::fail_with(Error(ErrorCode::kUnavailable, "connection refused"));
  // The first reconnect finds the server down, and the object is created during the outage.
  server->add_fault([&, refuse](const net::HttpRequest& request) {
    server->put_object(kNs + "during-outage", vm("during-outage"));
    return refuse(request);
  });
  server->add_fault(refuse);
  server->add_fault(refuse);
  server->end_watches();

  const auto entries = log.wait_for(2);
  EXPECT_EQ(entries, (std::vector<std::string>{"add ns/a", "add ns/during-outage"}));
  EXPECT_EQ(count_requests(*server, false), 1);
  EXPECT_GE(count_requests(*server, true) - watches_before, 4);
}

TEST_F(InformerTest, ListFailuresAreRetriedUntilSynced) {
  server->put_object(kNs + "a", vm("a"));
  for (int i = 0; i < 2; ++i) {
    server->add_fault(
        testing::answer_with(testing::status_response(403, "Forbidden", "rbac not yet")));
  }
  SharedInformer informer(client, options());
  EXPECT_FALSE(informer.has_synced());
  informer.start();
  ASSERT_TRUE(informer.wait_for_sync());
  EXPECT_EQ(informer.store().size(), 1u);
  EXPECT_EQ(count_requests(*server, false), 3);
}

TEST_F(InformerTest, HandlerAddedAfterSyncReceivesTheCacheAsAdds) {
  server->put_object(kNs + "a", vm("a"));
  SharedInformer informer(client, options());
  informer.start();
  ASSERT_TRUE(informer.wait_for_sync());
  informer.add_event_handlers(log.handlers());
  EXPECT_EQ(log.wait_for(1), (std::vector<std::string>{"add ns/a"}));
}

TEST_F(InformerTest, CustomIndexFollowsTheObjects) {
  server->put_object(kNs + "a", vm("a", 1, "hv-01"));
  server->put_object(kNs + "b", vm("b", 1, "hv-02"));
  SharedInformer informer(client, options());
  informer.add_index("host", index_by_field("/status/hostName"));
  informer.add_event_handlers(log.handlers());
  informer.start();
  ASSERT_TRUE(informer.wait_for_sync());
  EXPECT_EQ(informer.store().by_index("host", "hv-01").size(), 1u);
  server->put_object(kNs + "b", vm("b", 1, "hv-01"));
  log.wait_for(3);
  EXPECT_EQ(informer.store().by_index("host", "hv-01").size(), 2u);
  EXPECT_TRUE(informer.store().by_index("host", "hv-02").empty());
}

TEST_F(InformerTest, ResyncRedeliversCachedObjects) {
  FakeClock clock;
  server->put_object(kNs + "a", vm("a"));
  InformerOptions resyncing = options();
  resyncing.resync_period = std::chrono::minutes(10);
  SharedInformer informer(client, resyncing, clock);
  informer.add_event_handlers(log.handlers());
  informer.start();
  ASSERT_TRUE(informer.wait_for_sync());
  // The resync thread sleeps on the fake clock; move it until the resync shows.
  while (log.entries().size() < 2) {
    clock.advance(std::chrono::minutes(10));
    std::this_thread::yield();
  }
  const auto entries = log.entries();
  EXPECT_EQ(entries[0], "add ns/a");
  EXPECT_EQ(entries[1], "resync ns/a");
}

// Holds handlers back until opened; opens on destruction so no test can leave a thread stuck.
class Gate {
 public:
  ~Gate() { open(); }
  void open() {
    std::lock_guard<std::mutex> lock(mu_);
    open_ = true;
    cv_.notify_all();
  }
  void pass() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return open_; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
};

EventHandlers gated(EventHandlers inner, Gate& gate) {
  EventHandlers out;
  out.on_add = [inner, &gate](const json& object) {
    gate.pass();
    inner.on_add(object);
  };
  out.on_update = [inner, &gate](const json& old_object, const json& object) {
    gate.pass();
    inner.on_update(old_object, object);
  };
  out.on_delete = [inner, &gate](const json& object) {
    gate.pass();
    inner.on_delete(object);
  };
  return out;
}

// A handler that blocks does not stop the watch: the store and the resourceVersion keep up with
// the server while the blocked handler's notifications wait in its own buffer, another handler
// keeps receiving, and once unblocked it gets everything in order.
TEST_F(InformerTest, SlowHandlerStallsNeitherTheWatchNorOtherHandlers) {
  SharedInformer informer(client, options());
  Gate gate;  // declared after the informer: opened before the informer stops its listeners
  EventLog slow_log;
  informer.add_event_handlers(gated(slow_log.handlers(), gate));
  informer.add_event_handlers(log.handlers());
  informer.start();
  ASSERT_TRUE(informer.wait_for_sync());

  constexpr int kObjects = 200;
  for (int i = 0; i < kObjects; ++i)
    server->put_object(kNs + "vm-" + std::to_string(i), vm("vm-" + std::to_string(i)));
  server->delete_object(kNs + "vm-0");
  const auto fast = log.wait_for(kObjects + 1);
  ASSERT_EQ(fast.size(), static_cast<std::size_t>(kObjects + 1));
  while (informer.last_resource_version() != std::to_string(server->resource_version()))
    std::this_thread::yield();
  EXPECT_EQ(informer.store().size(), static_cast<std::size_t>(kObjects - 1));
  EXPECT_TRUE(slow_log.entries().empty());
  // The first notification is in the blocked handler, the rest wait in its buffer.
  EXPECT_EQ(informer.pending_notifications(), static_cast<std::size_t>(kObjects));

  gate.open();
  EXPECT_EQ(slow_log.wait_for(kObjects + 1), fast);
}

// has_synced() means the handlers have the initial list too (they filled the controllers'
// queues), not only the store.
TEST_F(InformerTest, SyncWaitsForHandlersToReceiveTheInitialList) {
  server->put_object(kNs + "a", vm("a"));
  server->put_object(kNs + "b", vm("b"));
  SharedInformer informer(client, options());
  Gate gate;
  informer.add_event_handlers(gated(log.handlers(), gate));
  informer.start();
  while (informer.store().size() < 2)
    std::this_thread::yield();
  EXPECT_FALSE(informer.has_synced());
  gate.open();
  ASSERT_TRUE(informer.wait_for_sync());
  EXPECT_TRUE(informer.has_synced());
  EXPECT_EQ(log.entries().size(), 2u);
}

// stop() returns although a handler still has a backlog: what is buffered is dropped.
TEST_F(InformerTest, StopDropsTheBacklogOfABlockedHandler) {
  server->put_object(kNs + "a", vm("a"));
  server->put_object(kNs + "b", vm("b"));
  auto informer = std::make_unique<SharedInformer>(client, options());
  Gate gate;
  informer->add_event_handlers(gated(log.handlers(), gate));
  informer->start();
  while (informer->pending_notifications() < 1)
    std::this_thread::yield();
  std::thread opener([&] {
    // The handler in progress is let go once stop() has cleared the buffer.
    while (informer->pending_notifications() > 0)
      std::this_thread::yield();
    gate.open();
  });
  informer->stop();
  opener.join();
  EXPECT_LE(log.entries().size(), 1u);
}

TEST_F(InformerTest, EnqueueKeysPassesObjectKeys) {
  std::vector<std::string> keys;
  EventHandlers handlers = enqueue_keys([&](const std::string& key) { keys.push_back(key); });
  handlers.on_add(vm("a"));
  handlers.on_update(vm("a"), vm("b"));
  handlers.on_delete(vm("c"));
  EXPECT_EQ(keys, (std::vector<std::string>{"ns/a", "ns/b", "ns/c"}));
}

}  // namespace
}  // namespace hvo::kube

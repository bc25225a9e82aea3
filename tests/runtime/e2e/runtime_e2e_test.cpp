// The operator runtime against the real emulator: apiserver-lite on etcd, started once for the
// suite by hvo::testing::ControlPlane. Each test works in a namespace (and cluster-scoped names)
// of its own, so tests do not see each other's objects. Deadlines only bound failures.
#include <gtest/gtest.h>

#include <signal.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "common/process/process.h"
#include "operator/api_error.h"
#include "operator/client_config.h"
#include "operator/controller.h"
#include "operator/informer.h"
#include "operator/leader_elector.h"
#include "operator/rest_client.h"
#include "operator/token_source.h"
#include "operator/typed_informer.h"
#include "operator/typed_kinds.h"
#include "tests/support/control_plane.h"

namespace hvo::kube {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

const GroupVersionResource kConfigMaps{"", "v1", "configmaps", true};
const GroupVersionResource kNamespaces{"", "v1", "namespaces", false};
const GroupVersionResource kQuotas{"hyperv.operator.io", "v1alpha1", "quotas", false};

constexpr Duration kBound = seconds(60);  // how long a test waits before calling it a failure

// Polls `done` until it holds or `bound` passed; returns whether it held.
bool eventually(const std::function<bool()>& done, Duration bound = kBound) {
  const auto deadline = std::chrono::steady_clock::now() + bound;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done())
      return true;
    std::this_thread::sleep_for(milliseconds(20));
  }
  return done();
}

json must(Result<json> result) {
  if (!result.ok())
    throw std::runtime_error(result.error().message());
  return std::move(result).value();
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
  if (!out)
    throw std::runtime_error("cannot write " + path);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string value_of(const json& object) {
  return object.value("data", json::object()).value("v", "");
}

// Informer handler calls as "add NAME v", "update NAME old->new", "delete NAME last-v".
class Changes {
 public:
  EventHandlers handlers() {
    EventHandlers h;
    h.on_add = [this](const json& object) {
      record("add " + name_of(object) + " " + value_of(object));
    };
    h.on_update = [this](const json& old_object, const json& object) {
      record("update " + name_of(object) + " " + value_of(old_object) + "->" + value_of(object));
    };
    h.on_delete = [this](const json& object) {
      record("delete " + name_of(object) + " " + value_of(object));
    };
    return h;
  }

  // Waits (bounded) until at least `count` changes were seen; returns all of them.
  std::vector<std::string> wait_for(std::size_t count) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, kBound, [&] { return entries_.size() >= count; });
    return entries_;
  }

 private:
  void record(std::string entry) {
    std::lock_guard<std::mutex> lock(mu_);
    entries_.push_back(std::move(entry));
    cv_.notify_all();
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::string> entries_;
};

// A client with its own connection, metrics and token source, as a separate process has.
class Api {
 public:
  explicit Api(const ClientConfig& config)
      : rest_(http_for(config), config.server, make_token_source(config, real_clock()), registry_) {
  }

  RestClient& rest() { return rest_; }
  metrics::Registry& registry() { return registry_; }

 private:
  static std::shared_ptr<net::HttpClient> http_for(const ClientConfig& config) {
    net::HttpClientConfig http;
    http.base_url = config.server;
    http.tls = config.tls;
    auto client = net::HttpClient::create(http);
    if (!client.ok())
      throw std::runtime_error(client.error().message());
    return std::move(client).value();
  }

  metrics::Registry registry_;
  RestClient rest_;
};

class RuntimeE2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    hvo::testing::ControlPlaneOptions options;
    options.apply_project_crds = true;
    plane_ = std::make_unique<hvo::testing::ControlPlane>(options);
  }
  static void TearDownTestSuite() { plane_.reset(); }

  void SetUp() override {
    auto config = load_kubeconfig({plane().kubeconfig_path()});
    ASSERT_TRUE(config.ok()) << config.error().message();
    config_ = std::move(config).value();
    admin_ = std::make_unique<Api>(config_);
    std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) {
      return static_cast<char>(std::isalnum(c) ? std::tolower(c) : '-');
    });
    ns_ = "rte-" + name.substr(0, 50);
    must(admin().create(kNamespaces, "", {{"metadata", {{"name", ns_}}}}));
  }

  static hvo::testing::ControlPlane& plane() { return *plane_; }
  // Restarts the emulator and gives the test's admin a new connection (a POST on a connection
  // pooled before the restart fails without a retry, as it is not idempotent).
  void restart_emulator() {
    plane().restart_apiserver();
    admin_ = std::make_unique<Api>(config_);
  }
  RestClient& admin() { return admin_->rest(); }

  json create(const std::string& name, const std::string& value) {
    const json object = {{"apiVersion", "v1"},
                         {"kind", "ConfigMap"},
                         {"metadata", {{"name", name}}},
                         {"data", {{"v", value}}}};
    return must(admin().create(kConfigMaps, ns_, object));
  }
  json set(const std::string& name, const std::string& value) {
    json object = must(admin().get(kConfigMaps, ns_, name));
    object["data"]["v"] = value;
    return must(admin().update(kConfigMaps, object));
  }
  void remove(const std::string& name) { must(admin().remove(kConfigMaps, ns_, name)); }

  // An informer over this test's ConfigMaps feeding `changes`, started and synced.
  std::unique_ptr<SharedInformer> start_informer(RestClient& rest, const EventHandlers& handlers,
                                                 ReflectorOptions reflector = ReflectorOptions()) {
    InformerOptions options;
    options.reflector = std::move(reflector);
    options.reflector.gvr = kConfigMaps;
    options.reflector.namespace_name = ns_;
    auto informer = std::make_unique<SharedInformer>(rest, options);
    informer->add_event_handlers(handlers);
    informer->start();
    if (!informer->wait_for_sync())
      throw std::runtime_error("informer did not sync");
    return informer;
  }

  // name -> value of what the store holds.
  static std::map<std::string, std::string> contents(const SharedInformer& informer) {
    std::map<std::string, std::string> result;
    for (const auto& object : informer.store().list())
      result[name_of(*object)] = value_of(*object);
    return result;
  }

  static std::unique_ptr<hvo::testing::ControlPlane> plane_;
  ClientConfig config_;
  std::unique_ptr<Api> admin_;
  std::string ns_;
};

std::unique_ptr<hvo::testing::ControlPlane> RuntimeE2eTest::plane_;

TEST_F(RuntimeE2eTest, InformerSeesEveryCreateUpdateDeleteInOrder) {
  Changes changes;
  Api api(config_);
  auto informer = start_informer(api.rest(), changes.handlers());

  create("a", "1");
  set("a", "2");
  create("b", "1");
  set("a", "3");
  remove("a");
  set("b", "2");
  remove("b");
  create("c", "1");

  const std::vector<std::string> expected = {"add a 1",       "update a 1->2", "add b 1",
                                             "update a 2->3", "delete a 3",    "update b 1->2",
                                             "delete b 2",    "add c 1"};
  EXPECT_EQ(changes.wait_for(expected.size()), expected);
  EXPECT_EQ(contents(*informer), (std::map<std::string, std::string>{{"c", "1"}}));
}

TEST_F(RuntimeE2eTest, CompactionWhileDisconnectedRelistsAndDeliversMissedDeletes) {
  // The informer authenticates with a token of its own; revoking it (an emulator restart with
  // that line gone) keeps it disconnected, deterministically, while the changes and the
  // compaction happen. Afterwards it relists (directly, or after its watch from the compacted
  // resourceVersion is answered 410).
  const std::string tokens_csv = plane().dir() + "/tokens.csv";
  const std::string admin_line = read_file(tokens_csv);
  const std::string informer_line =
      "rte-informer-0123456789,informer,informer-uid,\"system:masters\"\n";
  struct Restore {
    std::string path, text;
    ~Restore() { write_file(path, text); }
  } restore{tokens_csv, admin_line};
  write_file(tokens_csv, admin_line + informer_line);
  restart_emulator();
  ClientConfig own_token = config_;
  own_token.token.clear();
  own_token.token_file = plane().dir() + "/informer-token";
  write_file(own_token.token_file, "rte-informer-0123456789\n");

  create("a", "1");
  create("b", "1");
  create("c", "1");
  Changes changes;
  Api api(own_token);
  ReflectorOptions reflector;
  reflector.backoff_initial = milliseconds(500);
  reflector.backoff_max = seconds(1);
  auto informer = start_informer(api.rest(), changes.handlers(), reflector);
  ASSERT_EQ(changes.wait_for(3).size(), 3u);
  const std::string before = informer->last_resource_version();

  write_file(tokens_csv, admin_line);
  restart_emulator();
  set("b", "2");
  remove("b");
  set("c", "2");
  create("d", "1");
  const int64_t compacted = plane().compact();
  ASSERT_GT(compacted, std::stoll(before));
  write_file(tokens_csv, admin_line + informer_line);
  restart_emulator();

  const auto seen = changes.wait_for(6);
  ASSERT_EQ(seen.size(), 6u);
  // A relist diff, not a replayed watch: b's intermediate update was never seen, its delete
  // carries the last state the informer knew.
  const std::multiset<std::string> after_relist(seen.begin() + 3, seen.end());
  EXPECT_EQ(after_relist, (std::multiset<std::string>{"delete b 1", "update c 1->2", "add d 1"}));
  EXPECT_EQ(contents(*informer),
            (std::map<std::string, std::string>{{"a", "1"}, {"c", "2"}, {"d", "1"}}));
  EXPECT_GE(std::stoll(informer->last_resource_version()), compacted);

  // The watch opened after the relist delivers new changes again.
  set("a", "2");
  const auto later = changes.wait_for(7);
  ASSERT_EQ(later.size(), 7u);
  EXPECT_EQ(later.back(), "update a 1->2");
}

// The informer's watch ends when the emulator stops and is reopened at once, so it may reach the
// stopping server: that must answer 503 or drop the connection (the watch resumes from its
// resourceVersion), never 404 (the informer would relist and collapse the changes below).
TEST_F(RuntimeE2eTest, WatchResumesAfterEmulatorRestartWithoutLostEvents) {
  Changes changes;
  Api api(config_);
  auto informer = start_informer(api.rest(), changes.handlers());
  create("a", "1");
  ASSERT_EQ(changes.wait_for(1).size(), 1u);

  restart_emulator();
  set("a", "2");
  create("b", "1");
  remove("a");
  set("b", "2");

  const std::vector<std::string> expected = {"add a 1", "update a 1->2", "add b 1", "delete a 2",
                                             "update b 1->2"};
  EXPECT_EQ(changes.wait_for(expected.size()), expected);
  EXPECT_EQ(contents(*informer), (std::map<std::string, std::string>{{"b", "2"}}));
}

class LeaderElectionE2eTest : public RuntimeE2eTest {
 protected:
  static constexpr Duration kLease = seconds(3);
  static constexpr Duration kRetry = milliseconds(500);

  LeaderElectionOptions options(const std::string& lease, const std::string& identity,
                                bool release_on_stop) {
    LeaderElectionOptions o;
    o.lease_namespace = ns_;
    o.lease_name = lease;
    o.identity = identity;
    o.lease_duration = kLease;
    o.renew_deadline = seconds(2);
    o.retry_period = kRetry;
    o.release_on_stop = release_on_stop;
    return o;
  }
  std::string holder(const std::string& lease) {
    return must(admin().get(kLeaseResource, ns_, lease))["spec"].value("holderIdentity", "");
  }
  // Waits until exactly one of the two leads and stays so for a few retry periods; returns it.
  static LeaderElector* single_leader(LeaderElector& a, LeaderElector& b) {
    if (!eventually([&] { return a.is_leader() || b.is_leader(); }))
      return nullptr;
    for (int i = 0; i < 10; ++i) {
      if (a.is_leader() && b.is_leader())
        return nullptr;
      std::this_thread::sleep_for(kRetry / 2);
    }
    if (a.is_leader() == b.is_leader())
      return nullptr;
    return a.is_leader() ? &a : &b;
  }
};

TEST_F(LeaderElectionE2eTest, TwoCandidatesElectOneAndAKilledLeaderIsReplacedWhenItsLeaseExpires) {
  Api process_a(config_);
  Api process_b(config_);
  LeaderElector a(process_a.rest(), options("crash", "a", false), process_a.registry());
  LeaderElector b(process_b.rest(), options("crash", "b", false), process_b.registry());
  ASSERT_TRUE(a.start().ok());
  ASSERT_TRUE(b.start().ok());
  LeaderElector* leader = single_leader(a, b);
  ASSERT_NE(leader, nullptr) << "a leads: " << a.is_leader() << ", b leads: " << b.is_leader();
  LeaderElector& follower = leader == &a ? b : a;
  const std::string leader_id = leader == &a ? "a" : "b";
  EXPECT_EQ(holder("crash"), leader_id);
  EXPECT_EQ(follower.observed_leader(), leader_id);

  leader->stop();  // like a killed process: no release
  EXPECT_EQ(holder("crash"), leader_id);
  // Failure bound: the lease duration plus a retry period, with slack for a loaded machine.
  EXPECT_TRUE(eventually([&] { return follower.is_leader(); }, kLease + kRetry + seconds(2)));
  EXPECT_EQ(holder("crash"), leader_id == "a" ? "b" : "a");
  EXPECT_FALSE(leader->is_leader());
}

TEST_F(LeaderElectionE2eTest, CleanStopReleasesTheLeaseForTheOtherCandidate) {
  Api process_a(config_);
  Api process_b(config_);
  LeaderElector a(process_a.rest(), options("clean", "a", true), process_a.registry());
  LeaderElector b(process_b.rest(), options("clean", "b", true), process_b.registry());
  ASSERT_TRUE(a.start().ok());
  ASSERT_TRUE(b.start().ok());
  LeaderElector* leader = single_leader(a, b);
  ASSERT_NE(leader, nullptr);
  LeaderElector& follower = leader == &a ? b : a;
  const std::string follower_id = leader == &a ? "b" : "a";

  leader->stop();
  EXPECT_FALSE(leader->is_leader());
  const std::string after_stop = holder("clean");
  EXPECT_TRUE(after_stop.empty() || after_stop == follower_id) << after_stop;
  // Failure bound: without the release the follower would wait for the whole lease.
  EXPECT_TRUE(eventually([&] { return follower.is_leader(); }, kLease));
  EXPECT_EQ(holder("clean"), follower_id);
}

// Fails each key's first `failures` reconciles; records the key's requeue count at each call.
class FlakyReconciler final : public Reconciler {
 public:
  explicit FlakyReconciler(int failures) : failures_left_(failures) {}
  void attach(Controller& controller) { controller_ = &controller; }
  void fail_next(int failures) {
    std::lock_guard<std::mutex> lock(mu_);
    failures_left_ = failures;
  }

  Result<ReconcileResult> reconcile(const Request& request) override {
    std::lock_guard<std::mutex> lock(mu_);
    requeues_seen_.push_back(controller_->queue().num_requeues(request.key()));
    if (failures_left_ > 0) {
      --failures_left_;
      return Error(ErrorCode::kUnavailable, "injected failure for " + request.key());
    }
    ++successes_;
    return ReconcileResult::done();
  }

  int successes() {
    std::lock_guard<std::mutex> lock(mu_);
    return successes_;
  }
  std::vector<int> requeues_seen() {
    std::lock_guard<std::mutex> lock(mu_);
    return requeues_seen_;
  }

 private:
  std::mutex mu_;
  Controller* controller_ = nullptr;
  int failures_left_;
  int successes_ = 0;
  std::vector<int> requeues_seen_;
};

TEST_F(RuntimeE2eTest, FailingReconcileIsRetriedWithBackoffAndSuccessResetsIt) {
  FlakyReconciler reconciler(3);
  metrics::Registry registry;
  ControllerOptions options;
  options.name = "rte-flaky";
  options.rate_limits.base_delay = milliseconds(50);
  options.rate_limits.max_delay = seconds(2);
  Controller controller(options, reconciler, registry);
  reconciler.attach(controller);
  controller.start();
  Api api(config_);
  auto informer = start_informer(
      api.rest(), enqueue_keys([&](const std::string& key) { controller.queue().add(key); }));
  const std::string key = ns_ + "/a";

  create("a", "1");
  ASSERT_TRUE(eventually([&] { return reconciler.successes() == 1; }));
  // Each retry came through the key's backoff, one step further each time; the success reset it.
  EXPECT_EQ(reconciler.requeues_seen(), (std::vector<int>{0, 1, 2, 3}));
  EXPECT_EQ(controller.queue().num_requeues(key), 0);

  reconciler.fail_next(1);
  set("a", "2");
  ASSERT_TRUE(eventually([&] { return reconciler.successes() == 2; }));
  EXPECT_EQ(reconciler.requeues_seen(), (std::vector<int>{0, 1, 2, 3, 0, 1}));
  EXPECT_EQ(controller.queue().num_requeues(key), 0);

  informer->stop();
  controller.stop();
}

TEST_F(RuntimeE2eTest, StaleStatusUpdateIsConflictAndRereadThenRetrySucceeds) {
  const json quota = {{"apiVersion", "hyperv.operator.io/v1alpha1"},
                      {"kind", "Quota"},
                      {"metadata", {{"name", ns_}}},
                      {"spec", {{"tenant", "team-a"}, {"hard", {{"vms", 2}}}}}};
  const json created = must(admin().create(kQuotas, "", quota));

  json first = created;
  first["status"] = {{"observedGeneration", 1}};
  must(admin().update_status(kQuotas, first));

  json stale = created;
  stale["status"] = {{"observedGeneration", 2}};
  auto conflict = admin().update_status(kQuotas, stale);
  ASSERT_FALSE(conflict.ok());
  EXPECT_EQ(conflict.error().code(), ErrorCode::kConflict) << conflict.error().message();

  json reread = must(admin().get(kQuotas, "", ns_));
  reread["status"] = {{"observedGeneration", 2}};
  must(admin().update_status(kQuotas, reread));
  EXPECT_EQ(must(admin().get(kQuotas, "", ns_))["status"]["observedGeneration"], 2);
  must(admin().remove(kQuotas, "", ns_));
}

TEST_F(RuntimeE2eTest, RotatedTokenFileIsPickedUpAfterTheOldTokenIsRevoked) {
  // The fixture's emulator reads <dir>/tokens.csv when it starts: extra lines add tokens, and a
  // restart with a line gone revokes that token.
  const std::string tokens_csv = plane().dir() + "/tokens.csv";
  const std::string admin_line = read_file(tokens_csv);
  const std::string old_token = "rte-rotation-old-0123456789";
  const std::string new_token = "rte-rotation-new-9876543210";
  auto line = [](const std::string& token) {
    return token + ",rotating,rotating-uid,\"system:masters\"\n";
  };
  struct Restore {
    std::string path, text;
    ~Restore() { write_file(path, text); }
  } restore{tokens_csv, admin_line};

  write_file(tokens_csv, admin_line + line(old_token));
  restart_emulator();
  ClientConfig rotating = config_;
  rotating.token.clear();
  rotating.token_file = plane().dir() + "/rotating-token";
  write_file(rotating.token_file, old_token + "\n");
  Api api(rotating);
  EXPECT_EQ(name_of(must(api.rest().get(kNamespaces, "", ns_))), ns_);

  // The file rotates while both tokens are valid.
  write_file(tokens_csv, admin_line + line(old_token) + line(new_token));
  restart_emulator();
  write_file(rotating.token_file, new_token + "\n");
  EXPECT_EQ(name_of(must(api.rest().get(kNamespaces, "", ns_))), ns_);

  // The old token is revoked: only the new one from the file can work.
  write_file(tokens_csv, admin_line + line(new_token));
  restart_emulator();
  EXPECT_EQ(name_of(must(api.rest().get(kNamespaces, "", ns_))), ns_);
  const json written = must(api.rest().create(
      kConfigMaps, ns_, {{"metadata", {{"name", "after-rotation"}}}, {"data", {{"v", "1"}}}}));
  EXPECT_EQ(name_of(written), "after-rotation");
  EXPECT_EQ(value_of(must(api.rest().get(kConfigMaps, ns_, "after-rotation"))), "1");

  // A token nobody knows is refused, so the successes above were not anonymous.
  write_file(rotating.token_file, "rte-rotation-unknown\n");
  Api unknown(rotating);
  auto refused = unknown.rest().get(kNamespaces, "", ns_);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code(), ErrorCode::kUnauthenticated) << refused.error().message();
}

// The typed client and a typed informer view over the emulator: the CRD's schema accepts what the
// typed encoder writes, the status subresource and optimistic concurrency work with structs, the
// patch kinds and paging reach the real REST semantics, and the lister decodes the cache.
TEST_F(RuntimeE2eTest, TypedClientRoundTripsVirtualMachinesThroughTheEmulator) {
  VirtualMachineClient vms(admin());
  auto make = [&](const std::string& name) {
    api::VirtualMachine vm;
    vm.metadata.name = name;
    vm.metadata.namespace_ = ns_;
    vm.metadata.labels["tier"] = "web";
    vm.spec.cpu.count = 2;
    vm.spec.memory.startup = k8s::Quantity::parse("4Gi").value();
    vm.spec.image = "rocky-10";
    return vm;
  };
  auto created = vms.create(make("web-1"));
  ASSERT_TRUE(created.ok()) << created.error().message();
  EXPECT_FALSE(created->metadata.uid.empty());
  for (const char* name : {"web-2", "web-3"})
    ASSERT_TRUE(vms.create(make(name)).ok());

  // A typed informer sees what the client wrote; the lister hands out decoded copies.
  SharedInformer informer(admin(), [&] {
    InformerOptions options = informer_options_for<api::VirtualMachine>();
    options.reflector.namespace_name = ns_;
    return options;
  }());
  TypedInformer<api::VirtualMachine> typed(informer);
  std::mutex mu;
  std::vector<std::string> seen;
  TypedEventHandlers<api::VirtualMachine> handlers;
  handlers.on_update = [&](const api::VirtualMachine&, const api::VirtualMachine& vm) {
    std::lock_guard<std::mutex> lock(mu);
    seen.push_back(vm.metadata.name + " " + vm.status.host);
  };
  typed.add_event_handlers(handlers);
  informer.start();
  ASSERT_TRUE(typed.wait_for_sync());
  EXPECT_EQ(typed.lister().list().items.size(), 3u);
  EXPECT_TRUE(typed.lister().list().errors.empty());

  // Status through the subresource; a stale write is Conflict and a re-read succeeds.
  api::VirtualMachine stale = *created;
  api::VirtualMachine fresh = *created;
  fresh.status.host = "hv-01";
  auto with_status = vms.update_status(fresh);
  ASSERT_TRUE(with_status.ok()) << with_status.error().message();
  EXPECT_EQ(with_status->status.host, "hv-01");
  stale.status.host = "hv-02";
  auto conflict = vms.update_status(stale);
  ASSERT_FALSE(conflict.ok());
  EXPECT_EQ(conflict.error().code(), ErrorCode::kConflict) << conflict.error().message();
  EXPECT_TRUE(eventually([&] {
    auto cached = typed.lister().get(ns_, "web-1");
    return cached.ok() && cached->status.host == "hv-01";
  }));
  EXPECT_TRUE(eventually([&] {
    std::lock_guard<std::mutex> lock(mu);
    return std::find(seen.begin(), seen.end(), "web-1 hv-01") != seen.end();
  }));

  // Spec update keeps the status; merge, JSON and apply patches.
  api::VirtualMachine bigger = *with_status;
  bigger.spec.cpu.count = 4;
  auto updated = vms.update(bigger);
  ASSERT_TRUE(updated.ok()) << updated.error().message();
  EXPECT_EQ(updated->spec.cpu.count, 4);
  EXPECT_EQ(updated->status.host, "hv-01");
  auto merged =
      vms.patch(ns_, "web-1", PatchType::kMerge, {{"metadata", {{"labels", {{"tier", "db"}}}}}});
  ASSERT_TRUE(merged.ok()) << merged.error().message();
  EXPECT_EQ(merged->metadata.labels.at("tier"), "db");
  auto json_patched =
      vms.patch(ns_, "web-1", PatchType::kJson,
                json::array({{{"op", "replace"}, {"path", "/spec/cpu/count"}, {"value", 6}}}));
  ASSERT_TRUE(json_patched.ok()) << json_patched.error().message();
  EXPECT_EQ(json_patched->spec.cpu.count, 6);
  const json configuration = {
      {"apiVersion", "hyperv.operator.io/v1alpha1"},
      {"kind", "VirtualMachine"},
      {"metadata", {{"name", "web-1"}, {"namespace", ns_}}},
      {"spec",
       {{"cpu", {{"count", 6}}}, {"memory", {{"startup", "4Gi"}}}, {"image", "ubuntu-24.04"}}}};
  auto applied = vms.apply(configuration, "rte-typed", /*force=*/true);
  ASSERT_TRUE(applied.ok()) << applied.error().message();
  EXPECT_EQ(applied->spec.image, "ubuntu-24.04");
  EXPECT_FALSE(vms.apply(configuration, "").ok());

  // Paging: resourceVersion and continue tokens.
  ListOptions paged;
  paged.limit = 2;
  auto first = vms.list(ns_, paged);
  ASSERT_TRUE(first.ok()) << first.error().message();
  EXPECT_EQ(first->items.size(), 2u);
  EXPECT_FALSE(first->continue_token.empty());
  EXPECT_FALSE(first->resource_version.empty());
  auto all = vms.list_all(ns_, paged);
  ASSERT_TRUE(all.ok()) << all.error().message();
  std::set<std::string> names;
  for (const auto& vm : all->items)
    names.insert(vm.metadata.name);
  EXPECT_EQ(names, (std::set<std::string>{"web-1", "web-2", "web-3"}));

  // Delete returns the object; the informer's cache follows.
  auto removed = vms.remove(ns_, "web-2");
  ASSERT_TRUE(removed.ok()) << removed.error().message();
  auto missing = vms.get(ns_, "web-2");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
  EXPECT_TRUE(eventually([&] { return !typed.lister().get(ns_, "web-2").ok(); }));
}

#ifdef HVO_OPERATOR_BINARY
// SIGTERM to the operator binary (as the kubelet sends it) stops it gracefully and releases its
// Lease: the holder is cleared, so a standby replica takes over at its next retry instead of
// waiting out the lease.
TEST_F(RuntimeE2eTest, SigtermMakesTheOperatorReleaseItsLease) {
  process::Options options;
  options.argv = {HVO_OPERATOR_BINARY,
                  "--kubeconfig=" + plane().kubeconfig_path(),
                  "--leader-elect=true",
                  "--leader-election-namespace=" + ns_,
                  "--leader-election-id=rte-sigterm",
                  "--metrics-bind-address=0",
                  "--health-probe-bind-address=0"};
  options.env["POD_NAME"] = "rte-sigterm-pod";
  options.std_out = process::Stdio::append_to(plane().dir() + "/rte-sigterm-operator.log");
  options.std_err = process::Stdio::append_to(plane().dir() + "/rte-sigterm-operator.log");
  auto spawned = process::Process::spawn(options);
  ASSERT_TRUE(spawned.ok()) << spawned.error().message();
  process::Process& operator_process = *spawned;  // killed by its destructor if still running

  auto holder = [&]() -> std::string {
    auto lease = admin().get(kLeaseResource, ns_, "rte-sigterm");
    return lease.ok() ? (*lease)["spec"].value("holderIdentity", "") : "";
  };
  ASSERT_TRUE(eventually([&] { return !holder().empty(); }))
      << read_file(plane().dir() + "/rte-sigterm-operator.log");
  EXPECT_NE(holder().find("rte-sigterm-pod"), std::string::npos) << holder();

  ASSERT_TRUE(operator_process.signal(SIGTERM).ok());
  auto exited = operator_process.wait(std::chrono::duration_cast<process::Timeout>(kBound));
  ASSERT_TRUE(exited.ok()) << exited.error().message();
  EXPECT_TRUE(exited->success()) << exited->describe() << "\n"
                                 << read_file(plane().dir() + "/rte-sigterm-operator.log");
  const json released = must(admin().get(kLeaseResource, ns_, "rte-sigterm"));
  EXPECT_EQ(released["spec"].value("holderIdentity", "<absent>"), "") << released.dump();
  EXPECT_EQ(released["spec"].value("leaseDurationSeconds", 0), 1) << released.dump();
}
#endif

}  // namespace
}  // namespace hvo::kube

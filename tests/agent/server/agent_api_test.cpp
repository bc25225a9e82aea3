#include "hostagent/server/agent_api.h"
#include "hostagent/protocol/inventory_digest.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "tests/agent/support/api_fixture.h"
#include "tests/agent/support/sample_spec.h"

namespace hvo::agent {
namespace {

using testing::ApiHarness;
using testing::body_json;
using testing::sample_spec;

std::string spec_body(const VmSpec& spec) {
  return nlohmann::json(spec).dump();
}

std::string vm_path(const VmSpec& spec) {
  return "/v1/vms/" + spec.uid;
}

void expect_error(const net::HttpResponse& response, int status, const char* code) {
  EXPECT_EQ(response.status, status) << response.body;
  ASSERT_EQ(response.header("Content-Type"), "application/json") << response.body;
  EXPECT_EQ(body_json(response).value("code", ""), code) << response.body;
}

TEST(AgentApi, HealthzAnswersWithoutToken) {
  ApiHarness api;
  const auto response = api.call("GET", "/healthz", "", "");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "ok\n");
}

TEST(AgentApi, EveryOtherRouteRefusesMissingOrWrongToken) {
  ApiHarness api;
  const std::pair<const char*, const char*> routes[] = {
      {"GET", "/v1/host"},           {"GET", "/v1/vms"},
      {"PUT", "/v1/vms/u-1"},        {"DELETE", "/v1/vms/u-1"},
      {"POST", "/v1/vms/u-1/power"}, {"GET", "/v1/operations/x"},
      {"GET", "/metrics"},           {"GET", "/v1/sim/faults"},
  };
  for (const auto& [method, path] : routes) {
    SCOPED_TRACE(std::string(method) + " " + path);
    const auto missing = api.call(method, path, "", "");
    expect_error(missing, 401, "Unauthorized");
    EXPECT_EQ(missing.header("WWW-Authenticate"), "Bearer");
    expect_error(api.call(method, path, "", "wrong"), 401, "Unauthorized");
    expect_error(api.call(method, path, "", std::string(testing::kTestToken) + "x"), 401,
                 "Unauthorized");
  }
}

// What the server asks before it reads a body: a bad token or an announced body over the limit
// is refused from the headers alone, in the same JSON as handle() answers.
TEST(AgentApi, HeaderStageRefusesBadTokensAndAnnouncedOversizedBodies) {
  testing::ApiHarnessOptions options;
  options.api.max_body_bytes = 1024;
  ApiHarness api(options);
  auto no_token = api.check_head("PUT", "/v1/vms/u-1", "", "10");
  ASSERT_TRUE(no_token.has_value());
  expect_error(*no_token, 401, "Unauthorized");
  auto wrong = api.check_head("PUT", "/v1/vms/u-1", "wrong", "104857600");
  ASSERT_TRUE(wrong.has_value());
  expect_error(*wrong, 401, "Unauthorized");
  auto too_large = api.check_head("PUT", "/v1/vms/u-1", testing::kTestToken, "1025");
  ASSERT_TRUE(too_large.has_value());
  expect_error(*too_large, 413, "PayloadTooLarge");
  EXPECT_FALSE(api.check_head("PUT", "/v1/vms/u-1", testing::kTestToken, "1024").has_value());
  EXPECT_FALSE(api.check_head("GET", "/v1/vms", testing::kTestToken).has_value());
  EXPECT_FALSE(api.check_head("GET", "/healthz", "").has_value());
}

TEST(AgentApi, RotatedTokenFileTakesEffectWithoutRestart) {
  ApiHarness api;
  EXPECT_EQ(api.call("GET", "/v1/vms").status, 200);
  // A new mtime makes the change visible even within one clock tick.
  const std::string rotated = "rotated-token-0123456789abcdef0123456789";
  testing::write_secret(api.token_path(), rotated + "\n");
  std::filesystem::last_write_time(
      api.token_path(),
      std::filesystem::last_write_time(api.token_path()) + std::chrono::seconds(5));
  expect_error(api.call("GET", "/v1/vms"), 401, "Unauthorized");
  EXPECT_EQ(api.call("GET", "/v1/vms", "", rotated).status, 200);
}

TEST(AgentApi, RotationToATooShortTokenKeepsThePreviousOne) {
  ApiHarness api;
  const std::string too_short(kMinTokenBytes - 1, 'a');
  testing::write_secret(api.token_path(), too_short + "\n");
  std::filesystem::last_write_time(
      api.token_path(),
      std::filesystem::last_write_time(api.token_path()) + std::chrono::seconds(5));
  expect_error(api.call("GET", "/v1/vms", "", too_short), 401, "Unauthorized");
  EXPECT_EQ(api.call("GET", "/v1/vms").status, 200);
}

TEST(AgentApi, HostReportsTheSimHost) {
  ApiHarness api;
  const auto response = api.call("GET", "/v1/host");
  ASSERT_EQ(response.status, 200);
  const auto info = parse_host_info(response.body);
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->driver, "sim");
  EXPECT_EQ(info->name, "sim-host");
  EXPECT_EQ(info->capacity.cpu, 64);
}

// The host answer carries the digest of the inventory it would list now, so a poller reads the
// inventory only when a VM came, went, or changed state or addresses.
TEST(AgentApi, HostCarriesTheDigestOfTheCurrentInventory) {
  ApiHarness api;
  const auto digest_of_host = [&] {
    return parse_host_info(api.call("GET", "/v1/host").body)->inventory_digest;
  };
  const std::string empty_host = digest_of_host();
  EXPECT_EQ(empty_host.size(), 16u);
  EXPECT_EQ(digest_of_host(), empty_host);

  const VmSpec spec = sample_spec();
  ASSERT_EQ(api.call("PUT", vm_path(spec), spec_body(spec)).status, 200);
  const std::string one_vm = digest_of_host();
  EXPECT_NE(one_vm, empty_host);
  const auto inventory = parse_inventory(api.call("GET", "/v1/vms").body);
  ASSERT_TRUE(inventory.ok());
  EXPECT_EQ(inventory->digest, one_vm);
  EXPECT_EQ(inventory->digest, inventory_digest(*inventory));
}

TEST(AgentApi, PutCreatesOnceAndAnswersWithTheFinishedOperation) {
  ApiHarness api;
  const VmSpec spec = sample_spec();
  const auto first = api.call("PUT", vm_path(spec), spec_body(spec));
  ASSERT_EQ(first.status, 200) << first.body;
  const auto op = parse_operation(first.body);
  ASSERT_TRUE(op.ok());
  EXPECT_EQ(op->state, OperationState::kSucceeded);
  ASSERT_TRUE(op->ensure_result.has_value());
  EXPECT_TRUE(op->ensure_result->created);
  EXPECT_FALSE(op->ensure_result->vm.dvd_path.empty());

  const auto second = api.call("PUT", vm_path(spec), spec_body(spec));
  ASSERT_EQ(second.status, 200);
  EXPECT_FALSE(parse_operation(second.body)->ensure_result->created);

  const auto inventory = parse_inventory(api.call("GET", "/v1/vms").body);
  ASSERT_EQ(inventory->vms.size(), 1u);
  const auto one = api.call("GET", vm_path(spec));
  ASSERT_EQ(one.status, 200);
  EXPECT_EQ(body_json(one)["uid"], spec.uid);
}

TEST(AgentApi, SeedIsWrittenAndReplacedWhenUserDataChanges) {
  ApiHarness api;
  VmSpec spec = sample_spec();
  const auto first = parse_operation(api.call("PUT", vm_path(spec), spec_body(spec)).body);
  const std::string first_seed = first->ensure_result->vm.dvd_path;
  EXPECT_TRUE(std::filesystem::exists(first_seed));
  spec.cloud_init->user_data += "runcmd: [true]\n";
  const auto second = parse_operation(api.call("PUT", vm_path(spec), spec_body(spec)).body);
  const std::string second_seed = second->ensure_result->vm.dvd_path;
  EXPECT_NE(second_seed, first_seed);
  EXPECT_TRUE(std::filesystem::exists(second_seed));
  EXPECT_FALSE(std::filesystem::exists(first_seed));
  ASSERT_EQ(api.call("DELETE", vm_path(spec)).status, 200);
  EXPECT_FALSE(std::filesystem::exists(second_seed));
}

TEST(AgentApi, RefusesBadRequestsWithStableCodes) {
  ApiHarness api;
  VmSpec spec = sample_spec();
  expect_error(api.call("PUT", "/v1/vms/other-uid", spec_body(spec)), 400, "InvalidSpec");
  expect_error(api.call("PUT", "/v1/vms/bad%20uid", spec_body(spec)), 400, "InvalidSpec");
  expect_error(api.call("PUT", vm_path(spec), "{"), 400, "InvalidSpec");
  VmSpec invalid = spec;
  invalid.cpu.count = 0;
  const auto refused = api.call("PUT", vm_path(spec), spec_body(invalid));
  expect_error(refused, 400, "InvalidSpec");
  EXPECT_NE(body_json(refused)["message"].get<std::string>().find("cpu.count"), std::string::npos);
  VmSpec unknown_image = spec;
  unknown_image.image = "nope";
  expect_error(api.call("PUT", vm_path(spec), spec_body(unknown_image)), 422, "ImageNotFound");
  VmSpec unknown_switch = spec;
  unknown_switch.networks[0].switch_name = "nope";
  expect_error(api.call("PUT", vm_path(spec), spec_body(unknown_switch)), 422, "SwitchNotFound");
  expect_error(api.call("POST", vm_path(spec) + "/power", R"({"action":"fly"})"), 400,
               "InvalidSpec");
  expect_error(api.call("POST", vm_path(spec) + "/power", R"({"action":"start"})"), 404,
               "NotFound");
  expect_error(api.call("GET", vm_path(spec)), 404, "NotFound");
  expect_error(api.call("GET", "/v1/operations/nope"), 404, "NotFound");
  expect_error(api.call("GET", "/v2/anything"), 404, "NotFound");
  const auto wrong_method = api.call("PATCH", vm_path(spec), "{}");
  expect_error(wrong_method, 405, "MethodNotAllowed");
  EXPECT_EQ(wrong_method.header("Allow"), "GET, PUT, DELETE");
}

TEST(AgentApi, BodyOverTheLimitIsPayloadTooLarge) {
  testing::ApiHarnessOptions options;
  options.api.max_body_bytes = 1024;
  ApiHarness api(options);
  VmSpec spec = sample_spec();
  spec.cloud_init->user_data = std::string(2000, 'x');
  expect_error(api.call("PUT", vm_path(spec), spec_body(spec)), 413, "PayloadTooLarge");
}

TEST(AgentApi, PowerAndDeleteRunAsOperations) {
  ApiHarness api;
  const VmSpec spec = sample_spec();
  ASSERT_EQ(api.call("PUT", vm_path(spec), spec_body(spec)).status, 200);
  const auto off = api.call("POST", vm_path(spec) + "/power", R"({"action":"turnoff"})");
  ASSERT_EQ(off.status, 200) << off.body;
  EXPECT_EQ(parse_operation(off.body)->vm->state, VmState::kOff);
  expect_error(api.call("POST", vm_path(spec) + "/power", R"({"action":"restart"})"), 409,
               "Conflict");
  const auto removed = api.call("DELETE", vm_path(spec));
  ASSERT_EQ(removed.status, 200);
  EXPECT_EQ(parse_operation(removed.body)->kind, OperationKind::kDelete);
  EXPECT_EQ(api.call("DELETE", vm_path(spec)).status, 200);  // idempotent
  expect_error(api.call("GET", vm_path(spec)), 404, "NotFound");
}

TEST(AgentApi, SlowWorkAnswers202AndTheOperationCanBePolled) {
  testing::ApiHarnessOptions options;
  options.sim.latencies.create_ms = 200;
  options.api.operation_wait = std::chrono::milliseconds(0);
  ApiHarness api(options);
  const VmSpec spec = sample_spec();
  const auto accepted = api.call("PUT", vm_path(spec), spec_body(spec));
  ASSERT_EQ(accepted.status, 202) << accepted.body;
  const auto op = parse_operation(accepted.body);
  ASSERT_TRUE(op.ok());
  EXPECT_EQ(accepted.header("Location"), "/v1/operations/" + op->id);
  EXPECT_FALSE(op->finished());

  const auto done = api.runner().wait(op->id, std::chrono::seconds(30));
  ASSERT_TRUE(done && done->finished());
  const auto polled = api.call("GET", "/v1/operations/" + op->id);
  ASSERT_EQ(polled.status, 200);
  const auto finished = parse_operation(polled.body);
  EXPECT_EQ(finished->state, OperationState::kSucceeded);
  EXPECT_TRUE(finished->ensure_result->created);
}

TEST(AgentApi, FullQueueAnswersBusy) {
  testing::ApiHarnessOptions options;
  options.sim.latencies.create_ms = 300;
  options.runner = {1, 1, 100};
  options.api.operation_wait = std::chrono::milliseconds(0);
  ApiHarness api(options);
  int busy = 0;
  for (int i = 0; i < 5; ++i) {
    const VmSpec spec = sample_spec("u-" + std::to_string(i), "vm-" + std::to_string(i));
    const auto response = api.call("PUT", vm_path(spec), spec_body(spec));
    if (response.status == 429) {
      expect_error(response, 429, "Busy");
      ++busy;
    } else {
      EXPECT_EQ(response.status, 202);
    }
  }
  // One runs, one waits; at least the rest are refused.
  EXPECT_GE(busy, 3);
}

// Counts how many calls for one uid are inside the driver at once.
class OverlapDetector final : public Driver {
 public:
  explicit OverlapDetector(Driver& inner) : inner_(inner) {}
  std::string name() const override { return inner_.name(); }
  AgentResult<HostInfo> host_info() override { return inner_.host_info(); }
  AgentResult<Inventory> inventory() override { return inner_.inventory(); }
  AgentResult<VmStatus> vm(const std::string& uid) override { return inner_.vm(uid); }
  AgentResult<EnsureResult> ensure(const VmSpec& spec, const std::string& seed) override {
    const int now = ++inside_;
    int seen = max_inside_.load();
    while (now > seen && !max_inside_.compare_exchange_weak(seen, now)) {
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // widen any overlap
    auto result = inner_.ensure(spec, seed);
    --inside_;
    return result;
  }
  AgentResult<VmStatus> power(const std::string& uid, const PowerRequest& r) override {
    return inner_.power(uid, r);
  }
  AgentStatus remove(const std::string& uid) override { return inner_.remove(uid); }
  int max_inside() const { return max_inside_.load(); }

 private:
  Driver& inner_;
  std::atomic<int> inside_{0};
  std::atomic<int> max_inside_{0};
};

TEST(AgentApi, ConcurrentCallsForOneVmAreSerialized) {
  hvo::testing::TempDir dir;
  auto sim = std::move(SimDriver::open({})).value();
  OverlapDetector detector(*sim);
  VmService service(detector, SeedStore(dir.path()));
  OperationRunner runner({8, 256, 1000});
  std::ofstream(dir.path() + "/token") << testing::kTestToken;
  auto token = std::move(TokenFile::open(dir.path() + "/token")).value();
  metrics::Registry registry;
  AgentMetrics metrics(registry);
  ApiOptions options;
  options.operation_wait = std::chrono::seconds(30);
  AgentApi api(service, runner, *token, registry, metrics, options);

  const VmSpec spec = sample_spec();
  std::vector<std::thread> callers;
  std::atomic<int> ok{0};
  for (int i = 0; i < 8; ++i) {
    callers.emplace_back([&] {
      net::HttpRequest request;
      request.method = "PUT";
      request.path = vm_path(spec);
      request.body = spec_body(spec);
      request.headers["Authorization"] = std::string("Bearer ") + testing::kTestToken;
      if (api.handle(request).status == 200)
        ++ok;
    });
  }
  for (auto& caller : callers)
    caller.join();
  EXPECT_EQ(ok.load(), 8);
  EXPECT_EQ(detector.max_inside(), 1);
  EXPECT_EQ(sim->inventory()->vms.size(), 1u);
}

TEST(AgentApi, MetricsExposeAgentFamilies) {
  ApiHarness api;
  const VmSpec spec = sample_spec();
  ASSERT_EQ(api.call("PUT", vm_path(spec), spec_body(spec)).status, 200);
  ASSERT_EQ(api.call("GET", "/v1/vms").status, 200);
  const auto response = api.call("GET", "/metrics");
  ASSERT_EQ(response.status, 200);
  const std::string& text = response.body;
  EXPECT_NE(
      text.find(
          R"(hyperv_agent_http_requests_total{method="PUT",route="/v1/vms/{uid}",code="200"} 1)"),
      std::string::npos)
      << text;
  EXPECT_NE(
      text.find(R"(hyperv_agent_driver_call_duration_seconds_count{driver="sim",call="ensure"} 1)"),
      std::string::npos);
  EXPECT_NE(text.find(R"(hyperv_agent_vms{state="Running"} 1)"), std::string::npos);
  EXPECT_NE(text.find("hyperv_agent_operations_in_flight 0"), std::string::npos);
}

TEST(AgentApi, SimFaultEndpointInjectsFailuresWithTheirCodes) {
  ApiHarness api;
  const VmSpec spec = sample_spec();
  ASSERT_EQ(api.call("PUT", "/v1/sim/faults", R"({"failingVms":[")" + spec.uid + R"("]})").status,
            200);
  expect_error(api.call("PUT", vm_path(spec), spec_body(spec)), 502, "DriverError");
  ASSERT_EQ(api.call("PUT", "/v1/sim/faults", R"({"hostDown":true})").status, 200);
  expect_error(api.call("GET", "/v1/host"), 503, "HostUnavailable");
  ASSERT_EQ(
      api.call("PUT", "/v1/sim/faults", R"({"crashAfterCreate":[")" + spec.uid + R"("]})").status,
      200);
  expect_error(api.call("PUT", vm_path(spec), spec_body(spec)), 502, "DriverError");
  const auto converged = api.call("PUT", vm_path(spec), spec_body(spec));
  ASSERT_EQ(converged.status, 200);
  EXPECT_FALSE(parse_operation(converged.body)->ensure_result->created);
  EXPECT_EQ(parse_inventory(api.call("GET", "/v1/vms").body)->vms.size(), 1u);
}

TEST(AgentApi, SimFaultEndpointIsAbsentUnlessEnabled) {
  testing::ApiHarnessOptions options;
  options.sim_endpoints = false;
  ApiHarness api(options);
  expect_error(api.call("PUT", "/v1/sim/faults", R"({"hostDown":true})"), 404, "NotFound");
}

TEST(Route, MatchesTheTableAndNothingElse) {
  const std::tuple<const char*, RouteId, const char*> rows[] = {
      {"/healthz", RouteId::kHealthz, ""},
      {"/v1/host", RouteId::kHost, ""},
      {"/v1/vms", RouteId::kVms, ""},
      {"/v1/vms/abc", RouteId::kVm, "abc"},
      {"/v1/vms/abc/power", RouteId::kVmPower, "abc"},
      {"/v1/operations/op-1", RouteId::kOperation, "op-1"},
      {"/v1/vms/", RouteId::kUnknown, ""},
      {"/v1/vms/a/b", RouteId::kUnknown, ""},
      {"/v1/vms//power", RouteId::kUnknown, ""},
      {"/v1/hosts", RouteId::kUnknown, ""},
  };
  for (const auto& [path, id, param] : rows) {
    SCOPED_TRACE(path);
    const auto match = match_route(path);
    EXPECT_EQ(match.id, id);
    EXPECT_EQ(match.param, param);
  }
}

}  // namespace
}  // namespace hvo::agent

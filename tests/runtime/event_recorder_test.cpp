#include "operator/event_recorder.h"

#include <gtest/gtest.h>

#include "tests/runtime/fake_api_server.h"
#include "tests/runtime/fake_clock.h"

namespace hvo::kube {
namespace {

using std::chrono::seconds;
using testing::FakeApiServer;
using testing::FakeClock;

const json kVm = {
    {"apiVersion", "hyperv.operator.io/v1alpha1"},
    {"kind", "VirtualMachine"},
    {"metadata", {{"name", "web"}, {"namespace", "ns"}, {"uid", "u-1"}, {"resourceVersion", "7"}}}};
const json kHost = {{"apiVersion", "hyperv.operator.io/v1alpha1"},
                    {"kind", "HyperVHost"},
                    {"metadata", {{"name", "hv-01"}, {"uid", "u-2"}}}};

class EventRecorderTest : public ::testing::Test {
 protected:
  std::vector<json> events_in(const std::string& ns) {
    auto list = client.list(kEventResource, ns);
    return list.ok() ? (*list)["items"].get<std::vector<json>>() : std::vector<json>{};
  }
  int writes(const std::string& method) {
    int count = 0;
    for (const auto& request : server->requests()) {
      if (request.method == method && request.path.find("/events") != std::string::npos)
        ++count;
    }
    return count;
  }

  std::shared_ptr<FakeApiServer> server = std::make_shared<FakeApiServer>();
  metrics::Registry registry;
  FakeClock clock;
  RestClient client{server, "https://fake:6443", nullptr, registry, RestClientOptions(), clock};
};

TEST_F(EventRecorderTest, WritesAnEventsV1EventAboutTheObject) {
  EventRecorderOptions options;
  options.reporting_instance = "hyperv-operator-0";
  EventRecorder recorder(client, options, clock);
  recorder.record(kVm, "Normal", "Scheduled", "Schedule", "placed on hv-01");
  recorder.flush();
  const auto events = events_in("ns");
  ASSERT_EQ(events.size(), 1u);
  const json& event = events[0];
  EXPECT_EQ(event["reason"], "Scheduled");
  EXPECT_EQ(event["type"], "Normal");
  EXPECT_EQ(event["action"], "Schedule");
  EXPECT_EQ(event["note"], "placed on hv-01");
  EXPECT_EQ(event["reportingController"], "hyperv.operator.io/hyperv-operator");
  EXPECT_EQ(event["reportingInstance"], "hyperv-operator-0");
  EXPECT_EQ(event["regarding"]["kind"], "VirtualMachine");
  EXPECT_EQ(event["regarding"]["uid"], "u-1");
  EXPECT_EQ(event["regarding"]["namespace"], "ns");
  EXPECT_EQ(event["metadata"]["name"].get<std::string>().rfind("web.", 0), 0u);
  EXPECT_FALSE(event.contains("series"));
}

TEST_F(EventRecorderTest, RepeatsAreAggregatedIntoTheSeries) {
  EventRecorder recorder(client, EventRecorderOptions(), clock);
  for (int i = 0; i < 3; ++i) {
    recorder.record(kVm, "Warning", "AgentUnreachable", "Reconcile", "hv-01 did not answer");
    clock.advance(seconds(1));
  }
  recorder.flush();
  const auto events = events_in("ns");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["series"]["count"], 3);
  EXPECT_TRUE(events[0]["series"].contains("lastObservedTime"));
  EXPECT_EQ(writes("POST"), 1);
  EXPECT_EQ(writes("PATCH"), 2);
}

TEST_F(EventRecorderTest, ADifferentNoteIsANewEvent) {
  EventRecorder recorder(client, EventRecorderOptions(), clock);
  recorder.record(kVm, "Normal", "PowerChanged", "PowerOn", "running");
  clock.advance(seconds(1));
  recorder.record(kVm, "Normal", "PowerChanged", "PowerOff", "stopped");
  recorder.flush();
  EXPECT_EQ(events_in("ns").size(), 2u);
}

TEST_F(EventRecorderTest, AFlappingObjectIsRateLimited) {
  EventRecorderOptions options;
  options.per_object_burst = 3;
  EventRecorder recorder(client, options, clock);
  for (int i = 0; i < 10; ++i) {
    recorder.record(kVm, "Warning", "Flapping", "Reconcile", "state " + std::to_string(i));
    clock.advance(seconds(1));
  }
  recorder.record(kHost, "Normal", "Ready", "Probe", "other objects are not limited");
  recorder.flush();
  EXPECT_EQ(events_in("ns").size(), 3u);
  clock.advance(std::chrono::minutes(5));  // one more token
  recorder.record(kVm, "Warning", "Flapping", "Reconcile", "after a pause");
  recorder.flush();
  EXPECT_EQ(events_in("ns").size(), 4u);
}

TEST_F(EventRecorderTest, ClusterScopedObjectsGetEventsInDefault) {
  EventRecorder recorder(client, EventRecorderOptions(), clock);
  recorder.record(kHost, "Normal", "Ready", "Probe", "agent answered");
  recorder.flush();
  ASSERT_EQ(events_in("default").size(), 1u);
  EXPECT_FALSE(events_in("default")[0]["regarding"].contains("namespace"));
}

TEST_F(EventRecorderTest, AnExpiredEventIsCreatedAgain) {
  EventRecorder recorder(client, EventRecorderOptions(), clock);
  recorder.record(kVm, "Normal", "Scheduled", "Schedule", "placed");
  recorder.flush();
  const std::string name = events_in("ns")[0]["metadata"]["name"];
  server->delete_object("/apis/events.k8s.io/v1/namespaces/ns/events/" + name);
  clock.advance(seconds(1));
  recorder.record(kVm, "Normal", "Scheduled", "Schedule", "placed");
  recorder.flush();
  ASSERT_EQ(events_in("ns").size(), 1u);
  EXPECT_FALSE(events_in("ns")[0].contains("series"));
}

}  // namespace
}  // namespace hvo::kube

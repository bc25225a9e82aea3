// Protobuf request bodies over HTTP, for what kubectl does not send itself: creates of kinds
// `kubectl create` has no verb for (Lease, events.k8s.io Event), an update (PUT), a DELETE with
// protobuf DeleteOptions preconditions, and the refusals (malformed 400, CRDs and custom
// resources 415).
#include "tests/emulator/e2e/emulator_fixture.h"
#include "tools/apiserver-lite/protobuf/wire_writer.h"

namespace hvo::testing {
namespace {

using apiserver::protobuf::WireWriter;
using nlohmann::json;

constexpr const char* kProtobuf = "application/vnd.kubernetes.protobuf";

std::string envelope(const std::string& api_version, const std::string& kind,
                     const WireWriter& raw) {
  WireWriter type_meta;
  type_meta.bytes_field(1, api_version);
  type_meta.bytes_field(2, kind);
  WireWriter unknown;
  unknown.message_field(1, type_meta);
  unknown.message_field(2, raw);
  return std::string("k8s\0", 4) + unknown.bytes();
}

WireWriter metadata(const std::string& name, const std::string& resource_version = "") {
  WireWriter meta;
  meta.bytes_field(1, name);
  if (!resource_version.empty())
    meta.bytes_field(6, resource_version);
  return meta;
}

WireWriter string_map_entry(const std::string& key, const std::string& value) {
  WireWriter entry;
  entry.bytes_field(1, key);
  entry.bytes_field(2, value);
  return entry;
}

class ProtobufBodies : public EmulatorTest {};

TEST_F(ProtobufBodies, LeaseAndEventsV1EventAreCreated) {
  const std::string ns = make_namespace();
  WireWriter spec;
  spec.bytes_field(1, "operator-0");
  spec.varint_field(2, 15);
  WireWriter renew;
  renew.varint_field(1, 1700000000);
  renew.varint_field(2, 250000000);
  spec.message_field(4, renew);
  WireWriter lease;
  lease.message_field(1, metadata("leader"));
  lease.message_field(2, spec);
  const auto created = send("POST", "/apis/coordination.k8s.io/v1/namespaces/" + ns + "/leases",
                            envelope("coordination.k8s.io/v1", "Lease", lease), kProtobuf);
  ASSERT_EQ(created.status, 201) << created.body;
  const json stored =
      expect(200, "GET", "/apis/coordination.k8s.io/v1/namespaces/" + ns + "/leases/leader");
  EXPECT_EQ(stored["spec"], json::parse(R"({"holderIdentity":"operator-0",
      "leaseDurationSeconds":15,"renewTime":"2023-11-14T22:13:20.250000Z"})"));

  WireWriter regarding;
  regarding.bytes_field(1, "Widget");
  regarding.bytes_field(2, ns);
  regarding.bytes_field(3, "w1");
  WireWriter event_time;
  event_time.varint_field(1, 1700000000);
  WireWriter event;
  event.message_field(1, metadata("w1.1"));
  event.message_field(2, event_time);
  event.bytes_field(4, "example.io/controller");
  event.bytes_field(5, "controller-0");
  event.bytes_field(6, "Resize");
  event.bytes_field(7, "Resized");
  event.message_field(8, regarding);
  event.bytes_field(10, "size changed");
  event.bytes_field(11, "Normal");
  const auto posted = send("POST", "/apis/events.k8s.io/v1/namespaces/" + ns + "/events",
                           envelope("events.k8s.io/v1", "Event", event), kProtobuf);
  ASSERT_EQ(posted.status, 201) << posted.body;
  // The same Event through the core/v1 view.
  const json core = expect(200, "GET", "/api/v1/namespaces/" + ns + "/events/w1.1");
  EXPECT_EQ(core["involvedObject"]["name"], "w1");
  EXPECT_EQ(core["reason"], "Resized");
  EXPECT_EQ(core["message"], "size changed");
}

TEST_F(ProtobufBodies, UpdateAndDeleteWithPreconditions) {
  const std::string ns = make_namespace();
  const std::string path = "/api/v1/namespaces/" + ns + "/configmaps";
  WireWriter config_map;
  config_map.message_field(1, metadata("c1"));
  config_map.message_field(2, string_map_entry("color", "blue"));
  ASSERT_EQ(send("POST", path, envelope("v1", "ConfigMap", config_map), kProtobuf).status, 201);
  const json created = expect(200, "GET", path + "/c1");

  WireWriter updated;
  updated.message_field(1, metadata("c1", created["metadata"]["resourceVersion"]));
  updated.message_field(2, string_map_entry("color", "red"));
  const auto put = send("PUT", path + "/c1", envelope("v1", "ConfigMap", updated), kProtobuf);
  ASSERT_EQ(put.status, 200) << put.body;
  const json current = expect(200, "GET", path + "/c1");
  EXPECT_EQ(current["data"], json::parse(R"({"color":"red"})"));
  // A stale resourceVersion conflicts, as in JSON.
  EXPECT_EQ(send("PUT", path + "/c1", envelope("v1", "ConfigMap", updated), kProtobuf).status, 409);

  WireWriter wrong_uid;
  wrong_uid.bytes_field(1, "not-the-uid");
  WireWriter options;
  options.message_field(2, wrong_uid);
  const auto refused =
      send("DELETE", path + "/c1", envelope("v1", "DeleteOptions", options), kProtobuf);
  EXPECT_EQ(refused.status, 409) << refused.body;
  WireWriter right_uid;
  right_uid.bytes_field(1, current["metadata"]["uid"].get<std::string>());
  WireWriter matching;
  matching.message_field(2, right_uid);
  EXPECT_EQ(
      send("DELETE", path + "/c1", envelope("v1", "DeleteOptions", matching), kProtobuf).status,
      200);
  EXPECT_EQ(send("GET", path + "/c1").status, 404);
}

TEST_F(ProtobufBodies, MalformedIs400AndKindsWithoutProtobufAre415) {
  const std::string ns = make_namespace();
  const auto truncated = send("POST", "/api/v1/namespaces/" + ns + "/configmaps",
                              std::string("k8s\0\x0a\x0f\x0a\x02v1", 9), kProtobuf);
  EXPECT_EQ(truncated.status, 400) << truncated.body;
  EXPECT_NE(json::parse(truncated.body)["message"].get<std::string>().find("truncated"),
            std::string::npos)
      << truncated.body;

  WireWriter crd;
  crd.message_field(1, metadata("things.example.io"));
  const auto refused =
      send("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
           envelope("apiextensions.k8s.io/v1", "CustomResourceDefinition", crd), kProtobuf);
  EXPECT_EQ(refused.status, 415) << refused.body;
  EXPECT_EQ(json::parse(refused.body)["reason"], "UnsupportedMediaType");
  // A Widget (a custom resource) in a well-formed envelope is refused too.
  WireWriter widget;
  widget.message_field(1, metadata("w1"));
  EXPECT_EQ(
      send("POST", widgets(ns), envelope("example.io/v1", "Widget", widget), kProtobuf).status,
      415);
}

}  // namespace
}  // namespace hvo::testing

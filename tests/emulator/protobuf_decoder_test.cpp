// Protobuf request bodies (protobuf/): the bytes kubectl 1.32 really sends for the built-in kinds
// (captured from `kubectl create ...` against a recording server), messages built field by field
// for the kinds kubectl cannot create directly, unknown fields, and malformed input.
#include "tools/apiserver-lite/protobuf/protobuf_decoder.h"

#include <gtest/gtest.h>

#include "tools/apiserver-lite/protobuf/wire_reader.h"
#include "tools/apiserver-lite/protobuf/wire_writer.h"
#include "tools/apiserver-lite/rest/api_error.h"
#include "tools/apiserver-lite/rest/content_types.h"

namespace hvo::apiserver::protobuf {
namespace {

using nlohmann::json;

// kubectl 1.32.3: `kubectl create namespace ns1`.
const std::string kNamespaceBody(
    "\x6b\x38\x73\x00\x0a\x0f\x0a\x02\x76\x31\x12\x09\x4e\x61\x6d\x65\x73\x70\x61\x63\x65\x12\x1b"
    "\x0a\x13\x0a\x03\x6e\x73\x31\x12\x00\x1a\x00\x22\x00\x2a\x00\x32\x00\x38\x00\x42\x00\x12\x00"
    "\x1a\x02\x0a\x00\x1a\x00\x22\x00",
    54);
// `kubectl create secret generic s1 -n ns1 --from-literal=a=b --from-literal=k=v`.
const std::string kSecretBody(
    "\x6b\x38\x73\x00\x0a\x0c\x0a\x02\x76\x31\x12\x06\x53\x65\x63\x72\x65\x74\x12\x29\x0a\x15\x0a"
    "\x02\x73\x31\x12\x00\x1a\x03\x6e\x73\x31\x22\x00\x2a\x00\x32\x00\x38\x00\x42\x00\x12\x06\x0a"
    "\x01\x61\x12\x01\x62\x12\x06\x0a\x01\x6b\x12\x01\x76\x1a\x00\x1a\x00\x22\x00",
    65);
// `kubectl create configmap c1 -n ns1 --from-literal=x=y`.
const std::string kConfigMapBody(
    "\x6b\x38\x73\x00\x0a\x0f\x0a\x02\x76\x31\x12\x09\x43\x6f\x6e\x66\x69\x67\x4d\x61\x70\x12\x1f"
    "\x0a\x15\x0a\x02\x63\x31\x12\x00\x1a\x03\x6e\x73\x31\x22\x00\x2a\x00\x32\x00\x38\x00\x42\x00"
    "\x12\x06\x0a\x01\x78\x12\x01\x79\x1a\x00\x22\x00",
    58);
// `kubectl create serviceaccount sa1 -n ns1`.
const std::string kServiceAccountBody(
    "\x6b\x38\x73\x00\x0a\x14\x0a\x02\x76\x31\x12\x0e\x53\x65\x72\x76\x69\x63\x65\x41\x63\x63\x6f"
    "\x75\x6e\x74\x12\x18\x0a\x16\x0a\x03\x73\x61\x31\x12\x00\x1a\x03\x6e\x73\x31\x22\x00\x2a\x00"
    "\x32\x00\x38\x00\x42\x00\x1a\x00\x22\x00",
    56);
// `kubectl create rolebinding rb1 -n ns1 --role=r1 --user=alice --serviceaccount=ns1:sa1
// --group=g1`.
const std::string kRoleBindingBody(
    "\x6b\x38\x73\x00\x0a\x2b\x0a\x1c\x72\x62\x61\x63\x2e\x61\x75\x74\x68\x6f\x72\x69\x7a\x61\x74"
    "\x69\x6f\x6e\x2e\x6b\x38\x73\x2e\x69\x6f\x2f\x76\x31\x12\x0b\x52\x6f\x6c\x65\x42\x69\x6e\x64"
    "\x69\x6e\x67\x12\xb3\x01\x0a\x16\x0a\x03\x72\x62\x31\x12\x00\x1a\x03\x6e\x73\x31\x22\x00\x2a"
    "\x00\x32\x00\x38\x00\x42\x00\x12\x2a\x0a\x04\x55\x73\x65\x72\x12\x19\x72\x62\x61\x63\x2e\x61"
    "\x75\x74\x68\x6f\x72\x69\x7a\x61\x74\x69\x6f\x6e\x2e\x6b\x38\x73\x2e\x69\x6f\x1a\x05\x61\x6c"
    "\x69\x63\x65\x22\x00\x12\x28\x0a\x05\x47\x72\x6f\x75\x70\x12\x19\x72\x62\x61\x63\x2e\x61\x75"
    "\x74\x68\x6f\x72\x69\x7a\x61\x74\x69\x6f\x6e\x2e\x6b\x38\x73\x2e\x69\x6f\x1a\x02\x67\x31\x22"
    "\x00\x12\x1c\x0a\x0e\x53\x65\x72\x76\x69\x63\x65\x41\x63\x63\x6f\x75\x6e\x74\x12\x00\x1a\x03"
    "\x73\x61\x31\x22\x03\x6e\x73\x31\x1a\x25\x0a\x19\x72\x62\x61\x63\x2e\x61\x75\x74\x68\x6f\x72"
    "\x69\x7a\x61\x74\x69\x6f\x6e\x2e\x6b\x38\x73\x2e\x69\x6f\x12\x04\x52\x6f\x6c\x65\x1a\x02\x72"
    "\x31\x1a\x00\x22\x00",
    235);
// `kubectl create clusterrolebinding crb1 --clusterrole=cr1 --user=bob`.
const std::string kClusterRoleBindingBody(
    "\x6b\x38\x73\x00\x0a\x32\x0a\x1c\x72\x62\x61\x63\x2e\x61\x75\x74\x68\x6f\x72\x69\x7a\x61\x74"
    "\x69\x6f\x6e\x2e\x6b\x38\x73\x2e\x69\x6f\x2f\x76\x31\x12\x12\x43\x6c\x75\x73\x74\x65\x72\x52"
    "\x6f\x6c\x65\x42\x69\x6e\x64\x69\x6e\x67\x12\x6f\x0a\x14\x0a\x04\x63\x72\x62\x31\x12\x00\x1a"
    "\x00\x22\x00\x2a\x00\x32\x00\x38\x00\x42\x00\x12\x28\x0a\x04\x55\x73\x65\x72\x12\x19\x72\x62"
    "\x61\x63\x2e\x61\x75\x74\x68\x6f\x72\x69\x7a\x61\x74\x69\x6f\x6e\x2e\x6b\x38\x73\x2e\x69\x6f"
    "\x1a\x03\x62\x6f\x62\x22\x00\x1a\x2d\x0a\x19\x72\x62\x61\x63\x2e\x61\x75\x74\x68\x6f\x72\x69"
    "\x7a\x61\x74\x69\x6f\x6e\x2e\x6b\x38\x73\x2e\x69\x6f\x12\x0b\x43\x6c\x75\x73\x74\x65\x72\x52"
    "\x6f\x6c\x65\x1a\x03\x63\x72\x31\x1a\x00\x22\x00",
    173);

// "k8s\0" + runtime.Unknown{typeMeta{apiVersion, kind}, raw}.
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

WireWriter metadata(const std::string& name, const std::string& ns = "") {
  WireWriter meta;
  meta.bytes_field(1, name);
  if (!ns.empty())
    meta.bytes_field(3, ns);
  return meta;
}

WireWriter time_message(std::int64_t seconds, std::int32_t nanos = 0) {
  WireWriter time;
  time.varint_field(1, static_cast<std::uint64_t>(seconds));
  if (nanos != 0)
    time.varint_field(2, static_cast<std::uint64_t>(nanos));
  return time;
}

json decoded_ok(const std::string& body) {
  const auto decoded = decode_kubernetes_protobuf(body);
  EXPECT_EQ(decoded.outcome, DecodedBody::Outcome::kOk) << decoded.error;
  return decoded.object;
}

struct KubectlCase {
  const char* name;
  const std::string* body;
  const char* expected;  // the JSON kubectl 1.31 sends for the same command
};

void PrintTo(const KubectlCase& c, std::ostream* os) {
  *os << c.name;
}

class KubectlBodies : public ::testing::TestWithParam<KubectlCase> {};

TEST_P(KubectlBodies, DecodeToTheJsonKubectlWouldSend) {
  EXPECT_EQ(decoded_ok(*GetParam().body), json::parse(GetParam().expected));
}

INSTANTIATE_TEST_SUITE_P(
    Protobuf, KubectlBodies,
    ::testing::Values(
        KubectlCase{"Namespace", &kNamespaceBody,
                    R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"ns1",
                       "creationTimestamp":null},"spec":{},"status":{}})"},
        KubectlCase{"Secret", &kSecretBody,
                    R"({"apiVersion":"v1","kind":"Secret","metadata":{"name":"s1",
                       "namespace":"ns1","creationTimestamp":null},
                       "data":{"a":"Yg==","k":"dg=="}})"},
        KubectlCase{"ConfigMap", &kConfigMapBody,
                    R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c1",
                       "namespace":"ns1","creationTimestamp":null},"data":{"x":"y"}})"},
        KubectlCase{"ServiceAccount", &kServiceAccountBody,
                    R"({"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"sa1",
                       "namespace":"ns1","creationTimestamp":null}})"},
        KubectlCase{"RoleBinding", &kRoleBindingBody,
                    R"({"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding",
                       "metadata":{"name":"rb1","namespace":"ns1","creationTimestamp":null},
                       "subjects":[
                         {"kind":"User","apiGroup":"rbac.authorization.k8s.io","name":"alice"},
                         {"kind":"Group","apiGroup":"rbac.authorization.k8s.io","name":"g1"},
                         {"kind":"ServiceAccount","name":"sa1","namespace":"ns1"}],
                       "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role",
                                  "name":"r1"}})"},
        KubectlCase{"ClusterRoleBinding", &kClusterRoleBindingBody,
                    R"({"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding",
                       "metadata":{"name":"crb1","creationTimestamp":null},
                       "subjects":[
                         {"kind":"User","apiGroup":"rbac.authorization.k8s.io","name":"bob"}],
                       "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole",
                                  "name":"cr1"}})"}));

TEST(ProtobufDecoder, ObjectMetaFields) {
  WireWriter owner;
  owner.bytes_field(5, "v1");
  owner.bytes_field(1, "ConfigMap");
  owner.bytes_field(3, "parent");
  owner.bytes_field(4, "uid-1");
  owner.bool_field(6, true);
  owner.bool_field(7, false);  // a Go pointer: false is kept
  WireWriter label;
  label.bytes_field(1, "app");
  label.bytes_field(2, "web");
  WireWriter fields;
  fields.bytes_field(1, R"({"f:data":{".":{}}})");
  WireWriter managed;
  managed.bytes_field(1, "kubectl");
  managed.bytes_field(2, "Update");
  managed.bytes_field(3, "v1");
  managed.message_field(4, time_message(1700000000));
  managed.bytes_field(6, "FieldsV1");
  managed.message_field(7, fields);
  WireWriter meta = metadata("m1", "ns1");
  meta.bytes_field(2, "gen-");
  meta.bytes_field(5, "uid-2");
  meta.bytes_field(6, "42");
  meta.varint_field(7, 3);
  meta.message_field(8, time_message(0));  // zero Time
  meta.message_field(9, time_message(1700000000, 500000000));
  meta.varint_field(10, 0);  // *int64: zero is kept
  meta.message_field(11, label);
  meta.message_field(13, owner);
  meta.bytes_field(14, "a/b");
  meta.bytes_field(14, "c/d");
  meta.message_field(17, managed);
  WireWriter cm;
  cm.message_field(1, meta);
  EXPECT_EQ(decoded_ok(envelope("v1", "ConfigMap", cm))["metadata"], json::parse(R"({
    "name":"m1","namespace":"ns1","generateName":"gen-","uid":"uid-2","resourceVersion":"42",
    "generation":3,"creationTimestamp":null,"deletionTimestamp":"2023-11-14T22:13:20Z",
    "deletionGracePeriodSeconds":0,"labels":{"app":"web"},
    "ownerReferences":[{"apiVersion":"v1","kind":"ConfigMap","name":"parent","uid":"uid-1",
                        "controller":true,"blockOwnerDeletion":false}],
    "finalizers":["a/b","c/d"],
    "managedFields":[{"manager":"kubectl","operation":"Update","apiVersion":"v1",
                      "time":"2023-11-14T22:13:20Z","fieldsType":"FieldsV1",
                      "fieldsV1":{"f:data":{".":{}}}}]})"));
}

TEST(ProtobufDecoder, SecretImmutableTypeAndStringData) {
  WireWriter entry;
  entry.bytes_field(1, "bin");
  entry.bytes_field(2, std::string("\x00\xff", 2));
  WireWriter text;
  text.bytes_field(1, "plain");
  text.bytes_field(2, "text");
  WireWriter secret;
  secret.message_field(1, metadata("s1", "ns1"));
  secret.message_field(2, entry);
  secret.message_field(4, text);
  secret.bytes_field(3, "kubernetes.io/tls");
  secret.bool_field(5, false);
  const json object = decoded_ok(envelope("v1", "Secret", secret));
  EXPECT_EQ(object["data"], json::parse(R"({"bin":"AP8="})"));
  EXPECT_EQ(object["stringData"], json::parse(R"({"plain":"text"})"));
  EXPECT_EQ(object["type"], "kubernetes.io/tls");
  EXPECT_EQ(object["immutable"], false);
}

// What `kubectl auth can-i list secrets -n t1` (1.32+) and a SubjectAccessReview send.
TEST(ProtobufDecoder, AccessReviews) {
  WireWriter attributes;
  attributes.bytes_field(1, "t1");
  attributes.bytes_field(2, "list");
  attributes.bytes_field(5, "secrets");
  WireWriter self_spec;
  self_spec.message_field(1, attributes);
  WireWriter self;
  self.message_field(1, WireWriter());
  self.message_field(2, self_spec);
  EXPECT_EQ(
      decoded_ok(envelope("authorization.k8s.io/v1", "SelfSubjectAccessReview", self))["spec"],
      json::parse(R"({"resourceAttributes":{"namespace":"t1","verb":"list",
                                                   "resource":"secrets"}})"));

  WireWriter path;
  path.bytes_field(1, "/metrics");
  path.bytes_field(2, "get");
  WireWriter spec;
  spec.message_field(2, path);
  spec.bytes_field(3, "alice");
  spec.bytes_field(4, "team-a");
  spec.bytes_field(4, "system:authenticated");
  WireWriter review;
  review.message_field(2, spec);
  EXPECT_EQ(decoded_ok(envelope("authorization.k8s.io/v1", "SubjectAccessReview", review))["spec"],
            json::parse(R"({"nonResourceAttributes":{"path":"/metrics","verb":"get"},
                            "user":"alice","groups":["team-a","system:authenticated"]})"));

  WireWriter rules_spec;
  rules_spec.bytes_field(1, "t1");
  WireWriter rules;
  rules.message_field(2, rules_spec);
  EXPECT_EQ(
      decoded_ok(envelope("authorization.k8s.io/v1", "SelfSubjectRulesReview", rules))["spec"],
      json::parse(R"({"namespace":"t1"})"));
}

TEST(ProtobufDecoder, RoleAndClusterRoleWithAggregation) {
  WireWriter rule;
  for (const char* verb : {"get", "list"})
    rule.bytes_field(1, verb);
  rule.bytes_field(2, "");
  rule.bytes_field(3, "pods");
  rule.bytes_field(4, "p1");
  WireWriter role;
  role.message_field(1, metadata("r1", "ns1"));
  role.message_field(2, rule);
  EXPECT_EQ(decoded_ok(envelope("rbac.authorization.k8s.io/v1", "Role", role))["rules"],
            json::parse(R"([{"verbs":["get","list"],"apiGroups":[""],"resources":["pods"],
                             "resourceNames":["p1"]}])"));

  WireWriter url_rule;
  url_rule.bytes_field(1, "get");
  url_rule.bytes_field(5, "/healthz");
  WireWriter match;
  match.bytes_field(1, "rbac.example.com/aggregate-to-view");
  match.bytes_field(2, "true");
  WireWriter requirement;
  requirement.bytes_field(1, "tier");
  requirement.bytes_field(2, "In");
  requirement.bytes_field(3, "a");
  requirement.bytes_field(3, "b");
  WireWriter selector;
  selector.message_field(1, match);
  selector.message_field(2, requirement);
  WireWriter aggregation;
  aggregation.message_field(1, selector);
  WireWriter cluster_role;
  cluster_role.message_field(1, metadata("cr1"));
  cluster_role.message_field(2, url_rule);
  cluster_role.message_field(3, aggregation);
  const json object =
      decoded_ok(envelope("rbac.authorization.k8s.io/v1", "ClusterRole", cluster_role));
  EXPECT_EQ(object["rules"], json::parse(R"([{"verbs":["get"],"nonResourceURLs":["/healthz"]}])"));
  EXPECT_EQ(object["aggregationRule"], json::parse(R"({"clusterRoleSelectors":[
      {"matchLabels":{"rbac.example.com/aggregate-to-view":"true"},
       "matchExpressions":[{"key":"tier","operator":"In","values":["a","b"]}]}]})"));
}

TEST(ProtobufDecoder, LeaseKeepsZeroPointersAndWritesMicroTime) {
  WireWriter spec;
  spec.bytes_field(1, "node-a");
  spec.varint_field(2, 15);
  spec.message_field(3, time_message(1700000000, 123456789));
  spec.message_field(4, time_message(-1));  // one second before the epoch
  spec.varint_field(5, 0);
  WireWriter lease;
  lease.message_field(1, metadata("l1", "ns1"));
  lease.message_field(2, spec);
  EXPECT_EQ(decoded_ok(envelope("coordination.k8s.io/v1", "Lease", lease))["spec"],
            json::parse(R"({"holderIdentity":"node-a","leaseDurationSeconds":15,
                            "acquireTime":"2023-11-14T22:13:20.123456Z",
                            "renewTime":"1969-12-31T23:59:59.000000Z","leaseTransitions":0})"));
}

TEST(ProtobufDecoder, CoreAndEventsV1Events) {
  WireWriter ref;
  ref.bytes_field(1, "VirtualMachine");
  ref.bytes_field(2, "team-a");
  ref.bytes_field(3, "vm1");
  ref.bytes_field(5, "hyperv.operator.io/v1alpha1");
  WireWriter source;
  source.bytes_field(1, "hyperv-operator");
  WireWriter core;
  core.message_field(1, metadata("vm1.1", "team-a"));
  core.message_field(2, ref);
  core.bytes_field(3, "Scheduled");
  core.bytes_field(4, "placed on host-1");
  core.message_field(5, source);
  core.message_field(6, time_message(1700000000));
  core.message_field(7, time_message(1700000060));
  core.varint_field(8, 2);
  core.bytes_field(9, "Normal");
  core.message_field(10, WireWriter());  // zero MicroTime, as Go sends it
  const json event = decoded_ok(envelope("v1", "Event", core));
  EXPECT_EQ(event["involvedObject"]["name"], "vm1");
  EXPECT_EQ(event["source"], json::parse(R"({"component":"hyperv-operator"})"));
  EXPECT_EQ(event["firstTimestamp"], "2023-11-14T22:13:20Z");
  EXPECT_EQ(event["lastTimestamp"], "2023-11-14T22:14:20Z");
  EXPECT_EQ(event["count"], 2);
  EXPECT_EQ(event["eventTime"], nullptr);

  WireWriter series;
  series.varint_field(1, 4);
  series.message_field(2, time_message(1700000000, 1000));
  WireWriter modern;
  modern.message_field(1, metadata("vm1.2", "team-a"));
  modern.message_field(2, time_message(1700000000));
  modern.message_field(3, series);
  modern.bytes_field(4, "hyperv.operator.io/controller");
  modern.bytes_field(6, "Schedule");
  modern.bytes_field(7, "Scheduled");
  modern.message_field(8, ref);
  modern.bytes_field(10, "placed");
  modern.bytes_field(11, "Normal");
  modern.varint_field(15, 0);
  const json v1 = decoded_ok(envelope("events.k8s.io/v1", "Event", modern));
  EXPECT_EQ(v1["eventTime"], "2023-11-14T22:13:20.000000Z");
  EXPECT_EQ(v1["series"], json::parse(R"({"count":4,
                                          "lastObservedTime":"2023-11-14T22:13:20.000001Z"})"));
  EXPECT_EQ(v1["regarding"]["kind"], "VirtualMachine");
  EXPECT_EQ(v1["note"], "placed");
  EXPECT_FALSE(v1.contains("deprecatedCount"));  // zero and omitempty
}

TEST(ProtobufDecoder, DeleteOptionsInAnyGroupVersion) {
  WireWriter preconditions;
  preconditions.bytes_field(1, "uid-1");
  WireWriter options;
  options.varint_field(1, 0);
  options.message_field(2, preconditions);
  options.bytes_field(4, "Foreground");
  options.bytes_field(5, "All");
  const json object = decoded_ok(envelope("coordination.k8s.io/v1", "DeleteOptions", options));
  EXPECT_EQ(object, json::parse(R"({"apiVersion":"coordination.k8s.io/v1",
      "kind":"DeleteOptions","gracePeriodSeconds":0,"preconditions":{"uid":"uid-1"},
      "propagationPolicy":"Foreground","dryRun":["All"]})"));
}

TEST(ProtobufDecoder, NegativeInt32IsTenByteVarint) {
  WireWriter spec;
  spec.varint_field(2, static_cast<std::uint64_t>(std::int64_t{-5}));
  WireWriter lease;
  lease.message_field(2, spec);
  EXPECT_EQ(decoded_ok(
                envelope("coordination.k8s.io/v1", "Lease", lease))["spec"]["leaseDurationSeconds"],
            -5);
}

TEST(ProtobufDecoder, UnknownFieldsOfEveryWireTypeAreSkipped) {
  WireWriter nested;
  nested.bytes_field(1, "ignored");
  WireWriter meta = metadata("ns1");
  meta.varint_field(99, 7);
  meta.double_field(100, 1.5);
  WireWriter ns;
  ns.message_field(1, meta);
  ns.message_field(50, nested);
  ns.varint_field(51, 300);
  ns.double_field(52, 2.0);
  std::string raw = ns.take();
  raw += std::string("\xad\x03\x01\x02\x03\x04", 6);  // field 53, fixed32
  // The envelope's own unknown fields (9) and contentType (4) are skipped too.
  WireWriter type_meta;
  type_meta.bytes_field(1, "v1");
  type_meta.bytes_field(2, "Namespace");
  WireWriter unknown;
  unknown.message_field(1, type_meta);
  unknown.bytes_field(2, raw);
  unknown.bytes_field(4, "application/vnd.kubernetes.protobuf");
  unknown.varint_field(9, 1);
  EXPECT_EQ(decoded_ok(std::string("k8s\0", 4) + unknown.bytes()),
            json::parse(R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"ns1"}})"));
  EXPECT_EQ(decoded_ok(envelope("v1", "Namespace", WireWriter())),
            json::parse(R"({"apiVersion":"v1","kind":"Namespace"})"));
}

TEST(ProtobufDecoder, UnknownKindIsReportedApart) {
  const auto decoded = decode_kubernetes_protobuf(envelope("apps/v1", "Deployment", WireWriter()));
  EXPECT_EQ(decoded.outcome, DecodedBody::Outcome::kUnknownKind);
  EXPECT_EQ(decoded.kind, "Deployment");
  EXPECT_NE(decoded.error.find("apps/v1, Kind=Deployment"), std::string::npos) << decoded.error;
  // A known kind in a version we do not serve is unknown too.
  EXPECT_EQ(decode_kubernetes_protobuf(envelope("v2", "Namespace", WireWriter())).outcome,
            DecodedBody::Outcome::kUnknownKind);
}

struct MalformedCase {
  const char* name;
  std::string body;
  const char* message;  // a part of the error
};

void PrintTo(const MalformedCase& c, std::ostream* os) {
  *os << c.name;
}

class MalformedBodies : public ::testing::TestWithParam<MalformedCase> {};

TEST_P(MalformedBodies, AreMalformedWithAReason) {
  const auto decoded = decode_kubernetes_protobuf(GetParam().body);
  EXPECT_EQ(decoded.outcome, DecodedBody::Outcome::kMalformed);
  EXPECT_NE(decoded.error.find(GetParam().message), std::string::npos) << decoded.error;
}

std::string with_raw(const std::string& kind, const std::string& raw) {
  WireWriter type_meta;
  type_meta.bytes_field(1, "v1");
  type_meta.bytes_field(2, kind);
  WireWriter unknown;
  unknown.message_field(1, type_meta);
  unknown.bytes_field(2, raw);
  return std::string("k8s\0", 4) + unknown.bytes();
}

INSTANTIATE_TEST_SUITE_P(
    Protobuf, MalformedBodies,
    ::testing::Values(
        MalformedCase{"Empty", "", "prefix"},
        MalformedCase{"JsonBody", R"({"kind":"Namespace"})", "prefix"},
        MalformedCase{"NoKind", std::string("k8s\0", 4), "no kind"},
        MalformedCase{"TruncatedEnvelope", std::string("k8s\0\x0a", 5), "envelope"},
        MalformedCase{"EnvelopeLengthPastTheEnd", std::string("k8s\0\x0a\x7f\x0a\x02", 8),
                      "truncated length-delimited"},
        MalformedCase{"TruncatedRaw", kNamespaceBody.substr(0, 40), "truncated"},
        MalformedCase{"TruncatedInnerMessage",
                      with_raw("Namespace", std::string("\x0a\x05\x0a\x03n", 5)),
                      "Namespace.metadata"},
        MalformedCase{"WrongWireTypeOfAKnownField",
                      with_raw("Namespace", std::string("\x08\x01", 2)),
                      "Namespace.metadata (field 1): wire type varint"},
        MalformedCase{"StringWhereVarintIsExpected",
                      with_raw("Secret", std::string("\x2a\x01x", 3)), "Secret.immutable"},
        MalformedCase{"OverlongVarint",
                      with_raw("Namespace", std::string("\x50\xff\xff\xff\xff\xff\xff\xff\xff"
                                                        "\xff\x7f",
                                                        11)),
                      "varint longer than 64 bits"},
        MalformedCase{"FieldNumberZero", with_raw("Namespace", std::string("\x02\x00", 2)),
                      "invalid field number 0"},
        MalformedCase{"WireType7", with_raw("Namespace", std::string("\x0f", 1)),
                      "invalid wire type 7"},
        MalformedCase{"GroupWireType", with_raw("Namespace", std::string("\x1b", 1)), "group"},
        MalformedCase{"InvalidUtf8", with_raw("Namespace", std::string("\x0a\x03\x0a\x01\xff", 5)),
                      "UTF-8"},
        MalformedCase{"FieldsV1NotJson",
                      with_raw("ConfigMap", std::string("\x0a\x07\x8a\x01\x04\x3a\x02\x0a\x00", 9)),
                      "FieldsV1"},
        MalformedCase{"NanosOutOfRange",
                      with_raw("Namespace", std::string("\x0a\x0a\x4a\x08\x08\x01\x10\xff\xff\xff"
                                                        "\xff\x0f",
                                                        12)),
                      "nanos"},
        MalformedCase{"CompressedContent",
                      std::string("k8s\0\x0a\x0f\x0a\x02v1\x12\x09Namespace\x1a\x04gzip", 27),
                      "contentEncoding"}));

TEST(ProtobufDecoder, EveryPrefixOfARealBodyIsHandled) {
  // Cut anywhere, the body is refused or (cut between fields) decoded; never read out of bounds.
  for (std::size_t length = 0; length < kNamespaceBody.size(); ++length) {
    const auto decoded = decode_kubernetes_protobuf(kNamespaceBody.substr(0, length));
    // The raw field spans bytes 21..49 (tag, length, 27 bytes): cuts inside it are malformed.
    if (length > 21 && length < 50) {
      EXPECT_EQ(decoded.outcome, DecodedBody::Outcome::kMalformed) << length;
      EXPECT_NE(decoded.error.find("truncated"), std::string::npos) << decoded.error;
    } else if (decoded.outcome == DecodedBody::Outcome::kOk) {
      EXPECT_EQ(decoded.object["kind"], "Namespace") << length;
    }
  }
}

TEST(WireReader, ReadsEachWireType) {
  WireWriter writer;
  writer.varint_field(1, 150);
  writer.double_field(2, -2.5);
  writer.bytes_field(3, "abc");
  const std::string bytes = writer.bytes();
  EXPECT_EQ(bytes.substr(0, 3), std::string("\x08\x96\x01", 3));  // protobuf's own example
  WireReader reader(bytes);
  EXPECT_EQ(reader.tag().number, 1u);
  EXPECT_EQ(reader.varint(), 150u);
  const FieldTag fixed = reader.tag();
  EXPECT_EQ(fixed.wire_type, WireType::kFixed64);
  EXPECT_EQ(reader.fixed64(), 0xc004000000000000ull);  // -2.5 as IEEE 754
  EXPECT_EQ(reader.tag().wire_type, WireType::kLengthDelimited);
  EXPECT_EQ(reader.length_delimited(), "abc");
  EXPECT_TRUE(reader.done());
  const std::string cut_short("\x0d\x01\x02", 3);  // the reader views it: it must outlive it
  WireReader truncated(cut_short);
  EXPECT_EQ(truncated.tag().wire_type, WireType::kFixed32);
  EXPECT_THROW(truncated.fixed32(), WireError);
}

}  // namespace
}  // namespace hvo::apiserver::protobuf

namespace hvo::apiserver {
namespace {

net::HttpRequest protobuf_request(const std::string& body) {
  net::HttpRequest request;
  request.headers["Content-Type"] = "application/vnd.kubernetes.protobuf";
  request.body = body;
  return request;
}

int status_of(const net::HttpRequest& request, bool accepts_protobuf) {
  try {
    decode_object_body(request, accepts_protobuf);
    return 200;
  } catch (const ApiError& error) {
    return error.code();
  }
}

TEST(DecodeObjectBody, ProtobufOfABuiltInKindIsItsJson) {
  const auto body = decode_object_body(protobuf_request(protobuf::kNamespaceBody), true);
  EXPECT_EQ(body["metadata"]["name"], "ns1");
  EXPECT_EQ(status_of(protobuf_request(protobuf::kNamespaceBody), false), 415);  // custom kinds
  EXPECT_EQ(status_of(protobuf_request(protobuf::kNamespaceBody.substr(0, 30)), true), 400);
  protobuf::WireWriter empty;
  EXPECT_EQ(status_of(protobuf_request(protobuf::envelope("apps/v1", "Deployment", empty)), true),
            415);
}

}  // namespace
}  // namespace hvo::apiserver

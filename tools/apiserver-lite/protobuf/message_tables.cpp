#include "tools/apiserver-lite/protobuf/message_tables.h"

namespace hvo::apiserver::protobuf {

const Field* Message::field(std::uint32_t number) const {
  for (const auto& f : fields) {
    if (f.number == number)
      return &f;
  }
  return nullptr;
}

namespace {

using Table = const Message& (*)();

Field scalar(std::uint32_t number, const char* name, FieldKind kind) {
  return Field{number, name, kind};
}
Field str(std::uint32_t number, const char* name) {
  return scalar(number, name, FieldKind::kString);
}
Field strings(std::uint32_t number, const char* name) {
  Field f = str(number, name);
  f.repeated = true;
  return f;
}
Field message(std::uint32_t number, const char* name, Table table) {
  Field f{number, name, FieldKind::kMessage};
  f.message = table;
  return f;
}
Field messages(std::uint32_t number, const char* name, Table table) {
  Field f = message(number, name, table);
  f.repeated = true;
  return f;
}
// A Go pointer field (or one without omitempty): present on the wire means present in JSON.
Field kept(Field f) {
  f.keep_zero = true;
  return f;
}

// k8s.io/apimachinery/pkg/apis/meta/v1

const Message& owner_reference() {
  static const Message m{"OwnerReference",
                         {str(5, "apiVersion"), str(1, "kind"), str(3, "name"), str(4, "uid"),
                          kept(scalar(6, "controller", FieldKind::kBool)),
                          kept(scalar(7, "blockOwnerDeletion", FieldKind::kBool))}};
  return m;
}

const Message& managed_fields_entry() {
  static const Message m{"ManagedFieldsEntry",
                         {str(1, "manager"), str(2, "operation"), str(3, "apiVersion"),
                          scalar(4, "time", FieldKind::kTime), str(6, "fieldsType"),
                          scalar(7, "fieldsV1", FieldKind::kFieldsV1), str(8, "subresource")}};
  return m;
}

const Message& object_meta() {
  static const Message m{
      "ObjectMeta",
      {str(1, "name"), str(2, "generateName"), str(3, "namespace"), str(4, "selfLink"),
       str(5, "uid"), str(6, "resourceVersion"), scalar(7, "generation", FieldKind::kInt64),
       scalar(8, "creationTimestamp", FieldKind::kTime),
       scalar(9, "deletionTimestamp", FieldKind::kTime),
       kept(scalar(10, "deletionGracePeriodSeconds", FieldKind::kInt64)),
       scalar(11, "labels", FieldKind::kStringMap),
       scalar(12, "annotations", FieldKind::kStringMap),
       messages(13, "ownerReferences", owner_reference), strings(14, "finalizers"),
       messages(17, "managedFields", managed_fields_entry)}};
  return m;
}

const Message& label_selector_requirement() {
  static const Message m{"LabelSelectorRequirement",
                         {str(1, "key"), str(2, "operator"), strings(3, "values")}};
  return m;
}

const Message& label_selector() {
  static const Message m{"LabelSelector",
                         {scalar(1, "matchLabels", FieldKind::kStringMap),
                          messages(2, "matchExpressions", label_selector_requirement)}};
  return m;
}

const Message& preconditions() {
  static const Message m{"Preconditions", {kept(str(1, "uid")), kept(str(2, "resourceVersion"))}};
  return m;
}

const Message& delete_options() {
  static const Message m{
      "DeleteOptions",
      {kept(scalar(1, "gracePeriodSeconds", FieldKind::kInt64)),
       message(2, "preconditions", preconditions),
       kept(scalar(3, "orphanDependents", FieldKind::kBool)), kept(str(4, "propagationPolicy")),
       strings(5, "dryRun"),
       kept(scalar(6, "ignoreStoreReadErrorWithClusterBreakingPotential", FieldKind::kBool))}};
  return m;
}

// k8s.io/api/core/v1

const Message& namespace_condition() {
  static const Message m{
      "NamespaceCondition",
      {str(1, "type"), str(2, "status"), scalar(4, "lastTransitionTime", FieldKind::kTime),
       str(5, "reason"), str(6, "message")}};
  return m;
}

const Message& namespace_spec() {
  static const Message m{"NamespaceSpec", {strings(1, "finalizers")}};
  return m;
}

const Message& namespace_status() {
  static const Message m{"NamespaceStatus",
                         {str(1, "phase"), messages(2, "conditions", namespace_condition)}};
  return m;
}

const Message& namespace_() {
  static const Message m{"Namespace",
                         {message(1, "metadata", object_meta), message(2, "spec", namespace_spec),
                          message(3, "status", namespace_status)}};
  return m;
}

const Message& secret() {
  static const Message m{
      "Secret",
      {message(1, "metadata", object_meta), kept(scalar(5, "immutable", FieldKind::kBool)),
       scalar(2, "data", FieldKind::kBytesMap), scalar(4, "stringData", FieldKind::kStringMap),
       str(3, "type")}};
  return m;
}

const Message& config_map() {
  static const Message m{
      "ConfigMap",
      {message(1, "metadata", object_meta), kept(scalar(4, "immutable", FieldKind::kBool)),
       scalar(2, "data", FieldKind::kStringMap), scalar(3, "binaryData", FieldKind::kBytesMap)}};
  return m;
}

const Message& object_reference() {
  static const Message m{"ObjectReference",
                         {str(1, "kind"), str(2, "namespace"), str(3, "name"), str(4, "uid"),
                          str(5, "apiVersion"), str(6, "resourceVersion"), str(7, "fieldPath")}};
  return m;
}

const Message& local_object_reference() {
  static const Message m{"LocalObjectReference", {str(1, "name")}};
  return m;
}

const Message& service_account() {
  static const Message m{
      "ServiceAccount",
      {message(1, "metadata", object_meta), messages(2, "secrets", object_reference),
       messages(3, "imagePullSecrets", local_object_reference),
       kept(scalar(4, "automountServiceAccountToken", FieldKind::kBool))}};
  return m;
}

const Message& event_source() {
  static const Message m{"EventSource", {str(1, "component"), str(2, "host")}};
  return m;
}

const Message& event_series() {
  static const Message m{"EventSeries",
                         {scalar(1, "count", FieldKind::kInt32),
                          scalar(2, "lastObservedTime", FieldKind::kMicroTime)}};
  return m;
}

const Message& core_event() {
  static const Message m{
      "Event",
      {message(1, "metadata", object_meta), message(2, "involvedObject", object_reference),
       str(3, "reason"), str(4, "message"), message(5, "source", event_source),
       scalar(6, "firstTimestamp", FieldKind::kTime), scalar(7, "lastTimestamp", FieldKind::kTime),
       scalar(8, "count", FieldKind::kInt32), str(9, "type"),
       scalar(10, "eventTime", FieldKind::kMicroTime), message(11, "series", event_series),
       str(12, "action"), message(13, "related", object_reference), str(14, "reportingComponent"),
       str(15, "reportingInstance")}};
  return m;
}

// k8s.io/api/events/v1

const Message& events_v1_event() {
  static const Message m{
      "Event",
      {message(1, "metadata", object_meta), scalar(2, "eventTime", FieldKind::kMicroTime),
       message(3, "series", event_series), str(4, "reportingController"),
       str(5, "reportingInstance"), str(6, "action"), str(7, "reason"),
       message(8, "regarding", object_reference), message(9, "related", object_reference),
       str(10, "note"), str(11, "type"), message(12, "deprecatedSource", event_source),
       scalar(13, "deprecatedFirstTimestamp", FieldKind::kTime),
       scalar(14, "deprecatedLastTimestamp", FieldKind::kTime),
       scalar(15, "deprecatedCount", FieldKind::kInt32)}};
  return m;
}

// k8s.io/api/coordination/v1

const Message& lease_spec() {
  // Every LeaseSpec field is a Go pointer.
  static const Message m{
      "LeaseSpec",
      {kept(str(1, "holderIdentity")), kept(scalar(2, "leaseDurationSeconds", FieldKind::kInt32)),
       kept(scalar(3, "acquireTime", FieldKind::kMicroTime)),
       kept(scalar(4, "renewTime", FieldKind::kMicroTime)),
       kept(scalar(5, "leaseTransitions", FieldKind::kInt32)), kept(str(6, "strategy")),
       kept(str(7, "preferredHolder"))}};
  return m;
}

const Message& lease() {
  static const Message m{"Lease",
                         {message(1, "metadata", object_meta), message(2, "spec", lease_spec)}};
  return m;
}

// k8s.io/api/rbac/v1

const Message& policy_rule() {
  static const Message m{
      "PolicyRule",
      {kept(strings(1, "verbs")), strings(2, "apiGroups"), strings(3, "resources"),
       strings(4, "resourceNames"), strings(5, "nonResourceURLs")}};
  return m;
}

const Message& subject() {
  static const Message m{
      "Subject",
      {kept(str(1, "kind")), str(2, "apiGroup"), kept(str(3, "name")), str(4, "namespace")}};
  return m;
}

const Message& role_ref() {
  static const Message m{"RoleRef",
                         {kept(str(1, "apiGroup")), kept(str(2, "kind")), kept(str(3, "name"))}};
  return m;
}

const Message& aggregation_rule() {
  static const Message m{"AggregationRule", {messages(1, "clusterRoleSelectors", label_selector)}};
  return m;
}

const Message& role() {
  static const Message m{"Role",
                         {message(1, "metadata", object_meta), messages(2, "rules", policy_rule)}};
  return m;
}

const Message& cluster_role() {
  static const Message m{"ClusterRole",
                         {message(1, "metadata", object_meta), messages(2, "rules", policy_rule),
                          message(3, "aggregationRule", aggregation_rule)}};
  return m;
}

const Message& role_binding() {
  static const Message m{"RoleBinding",
                         {message(1, "metadata", object_meta), messages(2, "subjects", subject),
                          message(3, "roleRef", role_ref)}};
  return m;
}

const Message& cluster_role_binding() {
  static const Message m{"ClusterRoleBinding",
                         {message(1, "metadata", object_meta), messages(2, "subjects", subject),
                          message(3, "roleRef", role_ref)}};
  return m;
}

// k8s.io/api/authorization/v1 (the reviews' specs; the selectors of ResourceAttributes, a
// SubjectAccessReview's extra and every status are not read: the server ignores them)

const Message& resource_attributes() {
  static const Message m{"ResourceAttributes",
                         {str(1, "namespace"), str(2, "verb"), str(3, "group"), str(4, "version"),
                          str(5, "resource"), str(6, "subresource"), str(7, "name")}};
  return m;
}

const Message& non_resource_attributes() {
  static const Message m{"NonResourceAttributes", {str(1, "path"), str(2, "verb")}};
  return m;
}

const Message& self_subject_access_review_spec() {
  static const Message m{"SelfSubjectAccessReviewSpec",
                         {message(1, "resourceAttributes", resource_attributes),
                          message(2, "nonResourceAttributes", non_resource_attributes)}};
  return m;
}

const Message& subject_access_review_spec() {
  static const Message m{"SubjectAccessReviewSpec",
                         {message(1, "resourceAttributes", resource_attributes),
                          message(2, "nonResourceAttributes", non_resource_attributes),
                          str(3, "user"), strings(4, "groups"), str(6, "uid")}};
  return m;
}

const Message& self_subject_rules_review_spec() {
  static const Message m{"SelfSubjectRulesReviewSpec", {str(1, "namespace")}};
  return m;
}

const Message& self_subject_access_review() {
  static const Message m{
      "SelfSubjectAccessReview",
      {message(1, "metadata", object_meta), message(2, "spec", self_subject_access_review_spec)}};
  return m;
}

const Message& subject_access_review() {
  static const Message m{
      "SubjectAccessReview",
      {message(1, "metadata", object_meta), message(2, "spec", subject_access_review_spec)}};
  return m;
}

const Message& local_subject_access_review() {
  static const Message m{
      "LocalSubjectAccessReview",
      {message(1, "metadata", object_meta), message(2, "spec", subject_access_review_spec)}};
  return m;
}

const Message& self_subject_rules_review() {
  static const Message m{
      "SelfSubjectRulesReview",
      {message(1, "metadata", object_meta), message(2, "spec", self_subject_rules_review_spec)}};
  return m;
}

}  // namespace

const std::vector<KindTable>& kind_tables() {
  static const std::vector<KindTable> tables = {
      {"v1", "Namespace", namespace_},
      {"v1", "Secret", secret},
      {"v1", "ConfigMap", config_map},
      {"v1", "ServiceAccount", service_account},
      {"v1", "Event", core_event},
      {"events.k8s.io/v1", "Event", events_v1_event},
      {"coordination.k8s.io/v1", "Lease", lease},
      {"rbac.authorization.k8s.io/v1", "Role", role},
      {"rbac.authorization.k8s.io/v1", "ClusterRole", cluster_role},
      {"rbac.authorization.k8s.io/v1", "RoleBinding", role_binding},
      {"rbac.authorization.k8s.io/v1", "ClusterRoleBinding", cluster_role_binding},
      {"authorization.k8s.io/v1", "SelfSubjectAccessReview", self_subject_access_review},
      {"authorization.k8s.io/v1", "SubjectAccessReview", subject_access_review},
      {"authorization.k8s.io/v1", "LocalSubjectAccessReview", local_subject_access_review},
      {"authorization.k8s.io/v1", "SelfSubjectRulesReview", self_subject_rules_review},
      {"", "DeleteOptions", delete_options},
  };
  return tables;
}

const KindTable* find_kind(const std::string& api_version, const std::string& kind) {
  for (const auto& table : kind_tables()) {
    const bool any_version = std::string(table.kind) == "DeleteOptions";
    if (kind == table.kind && (any_version || api_version == table.api_version))
      return &table;
  }
  return nullptr;
}

}  // namespace hvo::apiserver::protobuf

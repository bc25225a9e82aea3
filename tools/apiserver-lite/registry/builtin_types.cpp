#include "tools/apiserver-lite/registry/builtin_types.h"

#include <chrono>

#include "tools/apiserver-lite/registry/event_views.h"

namespace hvo::apiserver {
namespace {

PrinterColumn column(const char* name, const char* json_path, const char* type = "string") {
  PrinterColumn c;
  c.name = name;
  c.json_path = json_path;
  c.type = type;
  return c;
}

PrinterColumn count_column(const char* name, const char* json_path) {
  PrinterColumn c = column(name, json_path, "integer");
  c.count = true;
  return c;
}

PrinterColumn age() {
  return column("Age", ".metadata.creationTimestamp", "date");
}

ResourceType make(const char* group, const char* version, const char* kind, const char* plural,
                  const char* singular, bool namespaced, const char* storage_prefix) {
  ResourceType t;
  t.group = group;
  t.version = version;
  t.kind = kind;
  t.list_kind = std::string(kind) + "List";
  t.plural = plural;
  t.singular = singular;
  t.namespaced = namespaced;
  t.storage_prefix = storage_prefix;
  return t;
}

}  // namespace

std::vector<ResourceType> builtin_types() {
  std::vector<ResourceType> types;

  auto ns = make("", "v1", "Namespace", "namespaces", "namespace", false, "/registry/namespaces");
  ns.short_names = {"ns"};
  ns.status_subresource = true;
  ns.printer_columns = {column("Status", ".status.phase"), age()};
  ns.extra_field_selectors = {"status.phase"};
  types.push_back(ns);

  auto secret = make("", "v1", "Secret", "secrets", "secret", true, "/registry/secrets");
  secret.printer_columns = {column("Type", ".type"), count_column("Data", ".data"), age()};
  secret.extra_field_selectors = {"type"};
  types.push_back(secret);

  auto cm = make("", "v1", "ConfigMap", "configmaps", "configmap", true, "/registry/configmaps");
  cm.short_names = {"cm"};
  cm.printer_columns = {count_column("Data", ".data"), age()};
  types.push_back(cm);

  auto sa = make("", "v1", "ServiceAccount", "serviceaccounts", "serviceaccount", true,
                 "/registry/serviceaccounts");
  sa.short_names = {"sa"};
  sa.printer_columns = {count_column("Secrets", ".secrets"), age()};
  types.push_back(sa);

  auto event = make("", "v1", "Event", "events", "event", true, "/registry/events");
  event.short_names = {"ev"};
  event.ttl = std::chrono::hours(1);
  event.to_storage = core_event_view;
  event.from_storage = core_event_view;
  event.printer_columns = event_printer_columns(nullptr);
  event.extra_field_selectors = {"involvedObject.kind",
                                 "involvedObject.namespace",
                                 "involvedObject.name",
                                 "involvedObject.uid",
                                 "involvedObject.apiVersion",
                                 "involvedObject.resourceVersion",
                                 "involvedObject.fieldPath",
                                 "reason",
                                 "reportingComponent",
                                 "source",
                                 "type"};
  types.push_back(event);

  // events.k8s.io/v1 is a view of the same stored Events (the core/v1 shape), as upstream.
  auto new_event =
      make("events.k8s.io", "v1", "Event", "events", "event", true, "/registry/events");
  new_event.short_names = {"ev"};
  new_event.ttl = std::chrono::hours(1);
  new_event.to_storage = core_event_from_events_v1;
  new_event.from_storage = events_v1_from_core_event;
  new_event.printer_columns = event_printer_columns(core_event_from_events_v1);
  new_event.extra_field_selectors = {"regarding.kind",
                                     "regarding.namespace",
                                     "regarding.name",
                                     "regarding.uid",
                                     "regarding.apiVersion",
                                     "regarding.resourceVersion",
                                     "regarding.fieldPath",
                                     "reason",
                                     "type",
                                     "reportingController"};
  types.push_back(new_event);

  auto lease =
      make("coordination.k8s.io", "v1", "Lease", "leases", "lease", true, "/registry/leases");
  lease.printer_columns = {column("Holder", ".spec.holderIdentity"), age()};
  types.push_back(lease);

  const char* rbac = "rbac.authorization.k8s.io";
  for (auto type : {make(rbac, "v1", "Role", "roles", "role", true, "/registry/roles"),
                    make(rbac, "v1", "RoleBinding", "rolebindings", "rolebinding", true,
                         "/registry/rolebindings"),
                    make(rbac, "v1", "ClusterRole", "clusterroles", "clusterrole", false,
                         "/registry/clusterroles"),
                    make(rbac, "v1", "ClusterRoleBinding", "clusterrolebindings",
                         "clusterrolebinding", false, "/registry/clusterrolebindings")}) {
    type.printer_columns = {column("Created At", ".metadata.creationTimestamp")};
    types.push_back(type);
  }

  auto crd =
      make(kCrdGroup, "v1", "CustomResourceDefinition", kCrdPlural, "customresourcedefinition",
           false, "/registry/apiextensions.k8s.io/customresourcedefinitions");
  crd.short_names = {"crd", "crds"};
  crd.categories = {"api-extensions"};
  crd.status_subresource = true;
  crd.tracks_generation = true;
  crd.printer_columns = {column("Created At", ".metadata.creationTimestamp")};
  types.push_back(crd);

  return types;
}

}  // namespace hvo::apiserver

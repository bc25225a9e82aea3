#include "controllers/event_routing.h"

#include "api/v1alpha1/tenant_types.h"
#include "controllers/conditions.h"
#include "controllers/host_reachability.h"
#include "controllers/indexed_caches.h"
#include "controllers/tenant_desired.h"

namespace hvo::controllers {
namespace {

using Json = nlohmann::json;

std::string string_at(const Json& object, const char* pointer) {
  return object.value(Json::json_pointer(pointer), std::string());
}

std::string key_of(const Json& object) {
  const std::string ns = string_at(object, "/metadata/namespace");
  const std::string name = string_at(object, "/metadata/name");
  return ns.empty() ? name : ns + "/" + name;
}

bool spec_changed(const Json& old_object, const Json& new_object) {
  return old_object.value(Json::json_pointer("/metadata/generation"), 0) !=
         new_object.value(Json::json_pointer("/metadata/generation"), 0);
}

IndexedCaches reads(const RoutingCaches& caches) {
  return IndexedCaches({caches.vms, caches.hosts, caches.tenants, caches.quotas});
}

// Waiting for quota: no reservation yet, or a reserved VM whose grown spec the quota refused
// (Ready=False, QuotaExceeded).
bool waits_for_quota(const Json& vm) {
  if (cached_condition_status(vm, condition_type::kQuotaReserved) != "True")
    return true;
  const Json* ready = cached_condition(vm, condition_type::kReady);
  return ready != nullptr && ready->value("reason", "") == "QuotaExceeded";
}

// The tenant's VMs (namespace and tenant indices, no decode); only those waiting for quota when
// `waiting_only` (their cached JSON is looked at, nothing else).
void enqueue_vms_of(const RoutingCaches& caches, const std::string& tenant, bool waiting_only,
                    const Enqueue& enqueue) {
  for (const std::string& key : reads(caches).vm_keys_of_tenant(tenant)) {
    if (waiting_only) {
      const kube::ObjectPtr vm = caches.vms.get(key);
      if (!vm || !waits_for_quota(*vm))
        continue;
    }
    enqueue(key);
  }
}

std::vector<std::string> namespaces_of(const Json& tenant) {
  std::vector<std::string> namespaces;
  for (const auto& ns : tenant.value(Json::json_pointer("/spec/namespaces"), Json::array())) {
    if (ns.is_string())
      namespaces.push_back(ns.get<std::string>());
  }
  return namespaces;
}

}  // namespace

kube::EventHandlers vm_events(RoutingCaches caches, Queues queues) {
  const auto route = [caches, queues](const Json& vm) {
    queues.vm(key_of(vm));
    const IndexedCaches indexed = reads(caches);
    const std::string tenant =
        indexed.tenant_name_of_namespace(string_at(vm, "/metadata/namespace"));
    if (tenant.empty())
      return;
    for (const std::string& quota : indexed.quota_keys_of_tenant(tenant))
      queues.quota(quota);
    queues.tenant(tenant);
  };
  kube::EventHandlers handlers;
  handlers.on_add = route;
  handlers.on_update = [route](const Json&, const Json& vm) { route(vm); };
  handlers.on_delete = route;
  return handlers;
}

kube::EventHandlers quota_events(RoutingCaches caches, Queues queues) {
  const auto admit_waiting = [caches, queues](const Json& quota) {
    enqueue_vms_of(caches, string_at(quota, "/spec/tenant"), /*waiting_only=*/true, queues.vm);
  };
  kube::EventHandlers handlers;
  handlers.on_add = [queues, admit_waiting](const Json& quota) {
    queues.quota(key_of(quota));
    admit_waiting(quota);
  };
  handlers.on_update = [queues, admit_waiting](const Json& old_quota, const Json& quota) {
    if (!spec_changed(old_quota, quota))
      return;  // our own status write
    queues.quota(key_of(quota));
    admit_waiting(quota);
  };
  // A deleted quota limits nothing any more: waiting VMs may go.
  handlers.on_delete = admit_waiting;
  return handlers;
}

kube::EventHandlers tenant_events(RoutingCaches caches, Queues queues) {
  const auto route = [caches, queues](const Json& tenant) {
    const std::string name = key_of(tenant);
    queues.tenant(name);
    enqueue_vms_of(caches, name, /*waiting_only=*/false, queues.vm);
  };
  kube::EventHandlers handlers;
  handlers.on_add = route;
  handlers.on_update = [route, caches, queues](const Json& old_tenant, const Json& tenant) {
    if (!spec_changed(old_tenant, tenant))
      return;
    route(tenant);
    // VMs of namespaces the tenant no longer lists lose its policy and quota: wake them too
    // (those it still lists were woken above; a queue takes a key once).
    const IndexedCaches indexed = reads(caches);
    for (const std::string& ns : namespaces_of(old_tenant)) {
      const std::string owner = indexed.tenant_name_of_namespace(ns);
      for (const std::string& key : indexed.vm_keys_in({ns}, owner))
        queues.vm(key);
    }
  };
  // VMs of a deleted tenant's namespaces have no tenant now (NoTenant) or another one: wake them.
  handlers.on_delete = [caches, queues](const Json& tenant) {
    queues.tenant(key_of(tenant));
    const IndexedCaches indexed = reads(caches);
    for (const std::string& ns : namespaces_of(tenant)) {
      const std::string owner = indexed.tenant_name_of_namespace(ns);
      for (const std::string& key : indexed.vm_keys_in({ns}, owner))
        queues.vm(key);
    }
  };
  return handlers;
}

kube::EventHandlers tenant_labelled_events(Enqueue tenant) {
  const auto route = [tenant](const Json& object) {
    const auto labels = object.value(Json::json_pointer("/metadata/labels"), Json::object());
    const std::string owner = labels.value(kTenantLabel, std::string());
    if (!owner.empty())
      tenant(owner);
  };
  kube::EventHandlers handlers;
  handlers.on_add = route;
  handlers.on_update = [route](const Json& old_object, const Json& object) {
    route(old_object);  // a label moved to another tenant wakes both (the queue merges one)
    route(object);
  };
  handlers.on_delete = route;
  return handlers;
}

kube::EventHandlers host_events(RoutingCaches caches, Queues queues) {
  kube::EventHandlers handlers;
  handlers.on_add = [queues](const Json& host) { queues.host(key_of(host)); };
  handlers.on_update = [caches, queues](const Json& old_host, const Json& host) {
    if (spec_changed(old_host, host))
      queues.host(key_of(host));
    // A host that stopped answering, or answers again (Reachable or Ready flipped): its VMs'
    // status says so at once, and deletes that waited for it run now (they are not polled on a
    // timer). Woken from the cache's event, so their passes see the new host.
    // Fencing flipped: its VMs may fail over now, or stop waiting (failover_planner.h).
    const bool reachability = host_reachability_changed(old_host, host);
    if (reachability || host_fencing_changed(old_host, host)) {
      for (const std::string& vm : reads(caches).vm_keys_on_host(key_of(host)))
        queues.vm(vm);
    }
    // VMs failed over from it remove their stale copies once it answers again.
    if (reachability)
      enqueue_vms_with_stale_copy_on(caches.vms, key_of(host), queues.vm);
  };
  handlers.on_delete = [caches, queues](const Json& host) {
    queues.host(key_of(host));
    for (const std::string& vm : reads(caches).vm_keys_on_host(key_of(host)))
      queues.vm(vm);
    enqueue_vms_with_stale_copy_on(caches.vms, key_of(host), queues.vm);
  };
  return handlers;
}

void enqueue_vms_with_stale_copy_on(const kube::Store& vms, const std::string& host,
                                    const Enqueue& enqueue) {
  for (const std::string& key : vms.index_keys(kVmsByStaleCopyHost, host))
    enqueue(key);
}

void enqueue_vms_on_host(const kube::Store& vms, const std::string& host, const Enqueue& enqueue) {
  for (const std::string& key : vms.index_keys(kVmsByHost, host))
    enqueue(key);
}

void enqueue_hosts_using_secret(const kube::Store& hosts, const k8s::Json& secret,
                                const Enqueue& enqueue) {
  const auto& metadata = secret.value("metadata", k8s::Json::object());
  const std::string ns = metadata.value("namespace", std::string());
  const std::string name = metadata.value("name", std::string());
  for (const auto& host : hosts.list()) {
    const auto ref =
        host->value(k8s::Json::json_pointer("/spec/credentialsSecretRef"), k8s::Json::object());
    if (ref.value("namespace", std::string()) == ns && ref.value("name", std::string()) == name)
      enqueue(host->value(k8s::Json::json_pointer("/metadata/name"), std::string()));
  }
}

}  // namespace hvo::controllers

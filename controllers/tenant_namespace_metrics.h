// hyperv_tenant_namespace{tenant, namespace} = 1 for every namespace a Tenant lists: the join key
// dashboards use to sum namespace-labelled figures (the agents' per-VM usage, VMs by phase) per
// tenant. Refreshed at scrape time from the Tenant cache.
#pragma once

#include "common/metrics/registry.h"
#include "operator/store.h"

namespace hvo::controllers {

// `tenants` must outlive `registry`'s use.
void register_tenant_namespace_metrics(metrics::Registry& registry, const kube::Store& tenants);

}  // namespace hvo::controllers

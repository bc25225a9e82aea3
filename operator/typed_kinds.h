// The REST collections of the four v1alpha1 kinds, so TypedClient<T> and TypedInformer<T> need
// no GroupVersionResource argument, and short names for their clients.
//
// Core kinds (Namespace, Secret, RoleBinding, Lease, Event) have no C++ structs in this project;
// they stay on the dynamic RestClient. A type with from_json/to_json (or an ObjectCodec
// specialisation) and a ResourceOf specialisation joins the typed client the same way.
#pragma once

#include "api/v1alpha1/group.h"
#include "api/v1alpha1/hyperv_host_types.h"
#include "api/v1alpha1/quota_types.h"
#include "api/v1alpha1/tenant_types.h"
#include "api/v1alpha1/virtual_machine_types.h"
#include "operator/resource.h"
#include "operator/typed_client.h"

namespace hvo::kube {

// VirtualMachines live in tenant namespaces; the other three kinds are cluster-scoped.
template <typename Kind, bool kNamespaced>
struct V1alpha1Resource {
  static GroupVersionResource resource() {
    return GroupVersionResource{api::kGroup, api::kVersion, Kind::kPlural, kNamespaced};
  }
};

template <>
struct ResourceOf<api::VirtualMachine> : V1alpha1Resource<api::VirtualMachine, true> {};
template <>
struct ResourceOf<api::HyperVHost> : V1alpha1Resource<api::HyperVHost, false> {};
template <>
struct ResourceOf<api::Tenant> : V1alpha1Resource<api::Tenant, false> {};
template <>
struct ResourceOf<api::Quota> : V1alpha1Resource<api::Quota, false> {};

using VirtualMachineClient = TypedClient<api::VirtualMachine>;
using HyperVHostClient = TypedClient<api::HyperVHost>;
using TenantClient = TypedClient<api::Tenant>;
using QuotaClient = TypedClient<api::Quota>;

}  // namespace hvo::kube

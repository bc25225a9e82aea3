// Which REST collection an object lives in, and the request paths built from it.
#pragma once

#include <string>

namespace hvo::kube {

struct GroupVersionResource {
  std::string group;     // "" for the core group
  std::string version;   // "v1", "v1alpha1"
  std::string resource;  // plural: "virtualmachines", "leases", "events"
  bool namespaced = true;

  // "/api/v1" or "/apis/<group>/<version>".
  std::string group_version_path() const {
    return group.empty() ? "/api/" + version : "/apis/" + group + "/" + version;
  }
  // The collection: namespaced with a namespace, or across all namespaces / cluster-scoped.
  std::string collection_path(const std::string& namespace_name) const {
    if (namespaced && !namespace_name.empty()) {
      return group_version_path() + "/namespaces/" + namespace_name + "/" + resource;
    }
    return group_version_path() + "/" + resource;
  }
  std::string object_path(const std::string& namespace_name, const std::string& name) const {
    return collection_path(namespace_name) + "/" + name;
  }
  // "virtualmachines.hyperv.operator.io" or "leases" for messages.
  std::string display() const { return group.empty() ? resource : resource + "." + group; }
};

}  // namespace hvo::kube

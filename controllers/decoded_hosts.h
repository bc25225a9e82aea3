// HyperVHosts decoded once per resourceVersion. Placement weighs every host for every VM, and
// hosts change seldom (their status is written at most once a second), so decoding them on each
// placement would make a rollout's CPU grow with hosts × VMs for nothing.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "api/v1alpha1/hyperv_host_types.h"
#include "operator/store.h"

namespace hvo::controllers {

class DecodedHosts {
 public:
  explicit DecodedHosts(const kube::Store& hosts) : hosts_(hosts) {}

  // The cached host, or null when it is not cached or does not decode (logged).
  std::shared_ptr<const api::HyperVHost> get(const std::string& name) const;
  // Every cached host that decodes, by name.
  std::vector<std::shared_ptr<const api::HyperVHost>> all() const;

 private:
  std::shared_ptr<const api::HyperVHost> decode(const kube::ObjectPtr& object) const;

  const kube::Store& hosts_;
  struct Decoded {
    kube::ObjectPtr source;  // the cached object it was decoded from
    std::string version;
    std::shared_ptr<const api::HyperVHost> host;
  };
  mutable std::mutex mu_;
  mutable std::map<std::string, Decoded> decoded_;  // by name; entries of deleted hosts linger
  // The last all(): the store's objects in its order, and the answer. The store keeps its order
  // while keys stay, so comparing pointers position by position finds what changed without
  // reading a name.
  mutable std::vector<kube::ObjectPtr> last_objects_;
  mutable std::vector<std::shared_ptr<const api::HyperVHost>> last_decoded_;  // same order
  mutable std::vector<std::shared_ptr<const api::HyperVHost>> last_all_;      // by name
};

}  // namespace hvo::controllers

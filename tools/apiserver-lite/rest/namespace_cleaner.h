// The namespace controller's job: a namespace being deleted is emptied (objects without
// finalizers deleted, the others marked for deletion) and removed once nothing is left in it.
// Runs on its own thread, woken when a deletion starts and every second while work remains.
#pragma once

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "tools/apiserver-lite/registry/resource_registry.h"
#include "tools/apiserver-lite/rest/lifecycle_hooks.h"
#include "tools/apiserver-lite/storage/object_store.h"

namespace hvo::apiserver {

class NamespaceCleaner {
 public:
  NamespaceCleaner(ObjectStore& store, ResourceRegistry& registry, LifecycleHooks& hooks);
  ~NamespaceCleaner();
  NamespaceCleaner(const NamespaceCleaner&) = delete;
  NamespaceCleaner& operator=(const NamespaceCleaner&) = delete;

  // A namespace started terminating: sweep now rather than at the next second.
  void notify();

 private:
  void run();
  void sweep();
  // Deletes what it can in `ns`; true when the namespace holds nothing any more.
  bool empty_namespace(const std::string& ns);

  ObjectStore& store_;
  ResourceRegistry& registry_;
  LifecycleHooks& hooks_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool wake_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace hvo::apiserver

#include "tools/apiserver-lite/rest/namespace_cleaner.h"

#include <spdlog/spdlog.h>

#include <set>

#include "tools/apiserver-lite/rest/object_rules.h"
#include "tools/apiserver-lite/rest/resource_handler.h"

namespace hvo::apiserver {

using nlohmann::json;

NamespaceCleaner::NamespaceCleaner(ObjectStore& store, ResourceRegistry& registry,
                                   LifecycleHooks& hooks)
    : store_(store), registry_(registry), hooks_(hooks) {
  thread_ = std::thread([this] { run(); });
}

NamespaceCleaner::~NamespaceCleaner() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void NamespaceCleaner::notify() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    wake_ = true;
  }
  cv_.notify_all();
}

void NamespaceCleaner::run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    cv_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_ || wake_; });
    if (stopping_)
      return;
    wake_ = false;
    lock.unlock();
    sweep();
    lock.lock();
  }
}

void NamespaceCleaner::sweep() {
  auto namespaces = registry_.find("", "v1", "namespaces");
  if (!namespaces)
    return;
  auto page =
      store_.list(*namespaces, "", "", 0, 0, [](const json& ns) { return is_deleting(ns); });
  if (!page.ok()) {
    spdlog::warn("namespace_sweep_failed error={}", page.error().message());
    return;
  }
  for (const auto& ns : page->items) {
    const std::string name = object_name(ns);
    if (!empty_namespace(name))
      continue;
    const int64_t revision = std::stoll(ns["metadata"].value("resourceVersion", "0"));
    auto removed = store_.remove(*namespaces, "", name, revision);
    if (removed.ok())
      spdlog::info("namespace_deleted namespace={}", name);
  }
}

bool NamespaceCleaner::empty_namespace(const std::string& ns) {
  bool empty = true;
  std::set<std::string> seen_prefixes;
  for (const auto& type : registry_.all()) {
    if (!type->namespaced || !seen_prefixes.insert(type->storage_prefix).second)
      continue;
    auto page = store_.list(*type, ns, "", 0, 0, nullptr);
    if (!page.ok()) {
      empty = false;
      continue;
    }
    for (const auto& object : page->items) {
      empty = false;
      const std::string name = object_name(object);
      const int64_t revision = std::stoll(object["metadata"].value("resourceVersion", "0"));
      if (finalizers_of(object).empty()) {
        auto removed = store_.remove(*type, ns, name, revision);
        if (removed.ok())
          hooks_.after_delete(*type, removed->object);
      } else if (!is_deleting(object)) {
        json marked = object;
        marked["metadata"]["deletionTimestamp"] = now_rfc3339();
        marked["metadata"]["deletionGracePeriodSeconds"] = 0;
        (void)store_.update(*type, marked, revision);
      }
    }
  }
  return empty;
}

}  // namespace hvo::apiserver

// An in-memory API server for reconciler tests: objects by collection and key, resourceVersion
// checks (stale writes are Conflict, as the real server answers), generation bumps on spec
// changes, and informer caches (kube::Store) that see every write at once unless `lag_caches`
// holds them back, to test what happens while a cache is behind.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "controllers/cluster_api.h"
#include "operator/store.h"

namespace hvo::controllers::testing {

class FakeCluster : public ClusterApi {
 public:
  // Writes to `gvr` are mirrored into `store` (the informer cache a reconciler reads). With
  // `selects`, only the objects it accepts are (a label-selected informer): an object that stops
  // matching leaves the cache, as the watch reports it deleted.
  void mirror(const kube::GroupVersionResource& gvr, kube::Store& store,
              std::function<bool(const k8s::Json&)> selects = nullptr) {
    mirrors_[gvr.resource] = &store;
    if (selects)
      selectors_[gvr.resource] = std::move(selects);
  }

  // Stores an object as a client's create would (uid, generation 1, resourceVersion).
  k8s::Json put(const kube::GroupVersionResource& gvr, k8s::Json object) {
    std::lock_guard<std::mutex> lock(mu_);
    auto& metadata = object["metadata"];
    if (!metadata.contains("uid"))
      metadata["uid"] = "uid-" + metadata.value("name", std::string());
    if (!metadata.contains("generation"))
      metadata["generation"] = 1;
    return store_locked(gvr, std::move(object));
  }
  k8s::Json object(const kube::GroupVersionResource& gvr, const std::string& ns,
                   const std::string& name) {
    std::lock_guard<std::mutex> lock(mu_);
    const auto found = objects_.find(key(gvr, ns, name));
    return found == objects_.end() ? k8s::Json() : found->second;
  }
  bool exists(const kube::GroupVersionResource& gvr, const std::string& ns,
              const std::string& name) {
    return !object(gvr, ns, name).is_null();
  }
  // Replaces the spec as a user's apply would: generation + 1.
  void edit_spec(const kube::GroupVersionResource& gvr, const std::string& ns,
                 const std::string& name, const std::function<void(k8s::Json& spec)>& edit) {
    std::lock_guard<std::mutex> lock(mu_);
    k8s::Json object = objects_.at(key(gvr, ns, name));
    edit(object["spec"]);
    object["metadata"]["generation"] = object["metadata"].value("generation", 1) + 1;
    store_locked(gvr, std::move(object));
  }
  // A user's delete: with finalizers the object stays, marked for deletion.
  void request_delete(const kube::GroupVersionResource& gvr, const std::string& ns,
                      const std::string& name) {
    std::lock_guard<std::mutex> lock(mu_);
    k8s::Json object = objects_.at(key(gvr, ns, name));
    object["metadata"]["deletionTimestamp"] = "2026-11-22T00:00:00Z";
    store_locked(gvr, std::move(object));
  }

  Result<k8s::Json> get(const kube::GroupVersionResource& gvr, const std::string& ns,
                        const std::string& name) override {
    std::lock_guard<std::mutex> lock(mu_);
    ++gets;
    const auto found = objects_.find(key(gvr, ns, name));
    if (found == objects_.end())
      return Error(ErrorCode::kNotFound, gvr.resource + " " + ns + "/" + name + " not found");
    return found->second;
  }
  Result<k8s::Json> create(const kube::GroupVersionResource& gvr, const std::string& ns,
                           const k8s::Json& object) override {
    std::lock_guard<std::mutex> lock(mu_);
    ++writes;
    k8s::Json stored = object;
    if (!ns.empty())
      stored["metadata"]["namespace"] = ns;
    const std::string name = stored["metadata"].value("name", std::string());
    if (objects_.count(key(gvr, ns, name)))
      return Error(ErrorCode::kAlreadyExists, name + " exists");
    stored["metadata"]["uid"] = "uid-" + name;
    return store_locked(gvr, std::move(stored));
  }
  Result<k8s::Json> update(const kube::GroupVersionResource& gvr,
                           const k8s::Json& object) override {
    return write(gvr, object, /*status_only=*/false);
  }
  Result<k8s::Json> update_status(const kube::GroupVersionResource& gvr,
                                  const k8s::Json& object) override {
    return write(gvr, object, /*status_only=*/true);
  }
  Result<k8s::Json> merge_patch(const kube::GroupVersionResource& gvr, const std::string& ns,
                                const std::string& name, const k8s::Json& patch) override {
    std::lock_guard<std::mutex> lock(mu_);
    ++writes;
    const auto found = objects_.find(key(gvr, ns, name));
    if (found == objects_.end())
      return Error(ErrorCode::kNotFound, name + " not found");
    k8s::Json object = found->second;
    object.merge_patch(patch);
    return store_locked(gvr, std::move(object));
  }
  // Applies the patch as the API server does; a failed `test` op is a Conflict-free 422
  // (kInvalidArgument), like apiserver-lite's.
  Result<k8s::Json> json_patch(const kube::GroupVersionResource& gvr, const std::string& ns,
                               const std::string& name, const k8s::Json& patch) override {
    std::lock_guard<std::mutex> lock(mu_);
    ++writes;
    ++patches;
    const auto found = objects_.find(key(gvr, ns, name));
    if (found == objects_.end())
      return Error(ErrorCode::kNotFound, name + " not found");
    k8s::Json patched;
    try {
      patched = found->second.patch(patch);
    } catch (const k8s::Json::exception& e) {
      return Error(ErrorCode::kInvalidArgument, std::string("json patch: ") + e.what());
    }
    return commit_locked(gvr, found, std::move(patched));
  }
  Status remove(const kube::GroupVersionResource& gvr, const std::string& ns,
                const std::string& name) override {
    std::lock_guard<std::mutex> lock(mu_);
    ++writes;
    objects_.erase(key(gvr, ns, name));
    if (auto* store = mirror_for(gvr))
      store->remove(ns.empty() ? name : ns + "/" + name);
    return OkStatus();
  }

  int gets = 0;  // reads that bypass the caches
  int writes = 0;
  int status_writes = 0;
  // One status write for which this answers true fails with a Conflict instead (then resets).
  std::function<bool(const k8s::Json&)> fail_status_write_if;
  int patches = 0;
  bool lag_caches = false;  // writes reach the API but not the mirrored caches

 private:
  static std::string key(const kube::GroupVersionResource& gvr, const std::string& ns,
                         const std::string& name) {
    return gvr.resource + ":" + ns + "/" + name;
  }
  kube::Store* mirror_for(const kube::GroupVersionResource& gvr) {
    const auto found = mirrors_.find(gvr.resource);
    return found == mirrors_.end() ? nullptr : found->second;
  }

  Result<k8s::Json> write(const kube::GroupVersionResource& gvr, const k8s::Json& object,
                          bool status_only) {
    std::lock_guard<std::mutex> lock(mu_);
    ++writes;
    if (status_only)
      ++status_writes;
    if (status_only && fail_status_write_if && fail_status_write_if(object)) {
      fail_status_write_if = nullptr;  // once
      return Error(ErrorCode::kConflict, "the object has been modified (injected)");
    }
    const auto& metadata = object.at("metadata");
    const std::string ns = metadata.value("namespace", std::string());
    const std::string name = metadata.value("name", std::string());
    const auto found = objects_.find(key(gvr, ns, name));
    if (found == objects_.end())
      return Error(ErrorCode::kNotFound, name + " not found");
    if (metadata.value("resourceVersion", std::string()) !=
        found->second["metadata"].value("resourceVersion", std::string()))
      return Error(ErrorCode::kConflict, "the object has been modified");
    k8s::Json stored = found->second;
    if (status_only) {
      stored["status"] = object.value("status", k8s::Json::object());
    } else {
      stored["metadata"]["finalizers"] = metadata.value("finalizers", k8s::Json::array());
      stored["metadata"]["labels"] = metadata.value("labels", k8s::Json::object());
    }
    return commit_locked(gvr, found, std::move(stored));
  }

  // Stores a written object; one marked for deletion goes once its last finalizer does.
  k8s::Json commit_locked(const kube::GroupVersionResource& gvr,
                          std::map<std::string, k8s::Json>::iterator found, k8s::Json stored) {
    const auto& metadata = stored["metadata"];
    if (metadata.contains("deletionTimestamp") &&
        metadata.value("finalizers", k8s::Json::array()).empty()) {
      const std::string ns = metadata.value("namespace", std::string());
      const std::string name = metadata.value("name", std::string());
      objects_.erase(found);
      if (auto* store = mirror_for(gvr); store && !lag_caches)
        store->remove(ns.empty() ? name : ns + "/" + name);
      return stored;
    }
    return store_locked(gvr, std::move(stored));
  }

  k8s::Json store_locked(const kube::GroupVersionResource& gvr, k8s::Json object) {
    object["metadata"]["resourceVersion"] = std::to_string(++revision_);
    const std::string ns = object["metadata"].value("namespace", std::string());
    const std::string name = object["metadata"].value("name", std::string());
    objects_[key(gvr, ns, name)] = object;
    if (auto* store = mirror_for(gvr); store && !lag_caches) {
      const std::string cache_key = ns.empty() ? name : ns + "/" + name;
      const auto selector = selectors_.find(gvr.resource);
      if (selector != selectors_.end() && !selector->second(object))
        store->remove(cache_key);
      else
        store->upsert(cache_key, std::make_shared<const k8s::Json>(object));
    }
    return object;
  }

  std::mutex mu_;
  std::map<std::string, k8s::Json> objects_;
  std::map<std::string, kube::Store*> mirrors_;
  std::map<std::string, std::function<bool(const k8s::Json&)>> selectors_;
  long revision_ = 0;
};

struct RecordedEvent {
  std::string object;  // "ns/name" or "name"
  std::string type;
  std::string reason;
  std::string note;
};

class FakeEvents : public EventSink {
 public:
  void record(const k8s::Json& regarding, const std::string& type, const std::string& reason,
              const std::string&, const std::string& note) override {
    std::lock_guard<std::mutex> lock(mu);
    const auto& metadata = regarding.at("metadata");
    const std::string ns = metadata.value("namespace", std::string());
    const std::string name = metadata.value("name", std::string());
    events.push_back({ns.empty() ? name : ns + "/" + name, type, reason, note});
  }
  bool has(const std::string& reason) {
    std::lock_guard<std::mutex> lock(mu);
    for (const auto& event : events) {
      if (event.reason == reason)
        return true;
    }
    return false;
  }
  std::mutex mu;
  std::vector<RecordedEvent> events;
};

}  // namespace hvo::controllers::testing

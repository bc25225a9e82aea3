// Kubernetes objects in etcd, stored the way kube-apiserver stores them: JSON without
// metadata.resourceVersion, written by compare-and-swap transactions on the key's mod_revision.
// Objects read back carry resourceVersion = the key's mod_revision. No lock is held across etcd
// calls: concurrency is etcd's (optimistic, per key).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/status.h"
#include "tools/apiserver-lite/etcd/etcd_client.h"
#include "tools/apiserver-lite/registry/resource_type.h"

namespace hvo::apiserver {

struct StoredObject {
  nlohmann::json object;  // with metadata.resourceVersion set
  int64_t mod_revision = 0;
};

struct ListPage {
  int64_t revision = 0;  // the store revision the page was read at
  std::vector<nlohmann::json> items;
  std::string next_key;              // first key of the next page; empty when done
  std::optional<int64_t> remaining;  // keys after this page (unfiltered lists only)
};

// Decodes a stored value into an object served as `type` (apiVersion/kind of that version) with
// resourceVersion = mod_revision. kInternal when the value is not a JSON object.
Result<nlohmann::json> decode_object(const ResourceType& type, const std::string& value,
                                     int64_t mod_revision);
// The bytes stored for `object`: its JSON without metadata.resourceVersion.
std::string encode_object(const nlohmann::json& object);
// The bytes stored for `object` served as `type` (in the stored form when `type` is a view).
std::string encode_object(const ResourceType& type, const nlohmann::json& object);
// `object` as `type` serves it once stored: the identity unless `type` is a view of another
// stored shape, then the round trip through that shape (fields the view cannot store vanish).
nlohmann::json as_stored(const ResourceType& type, const nlohmann::json& object);

class ObjectStore {
 public:
  explicit ObjectStore(etcd::EtcdClient& etcd) : etcd_(etcd) {}

  // kNotFound when absent.
  Result<StoredObject> get(const ResourceType& type, const std::string& ns,
                           const std::string& name);
  // Objects of `type` in `ns` ("" for all) from key `start_key` on (empty: the beginning), read
  // at `revision` (0: latest). Stops after `limit` objects that pass `filter` (0: no limit).
  // kGone when `revision` was compacted.
  Result<ListPage> list(const ResourceType& type, const std::string& ns,
                        const std::string& start_key, int64_t limit, int64_t revision,
                        const std::function<bool(const nlohmann::json&)>& filter);
  // kAlreadyExists when the key exists.
  Result<StoredObject> create(const ResourceType& type, const nlohmann::json& object);
  // Writes if the stored mod_revision still equals `expected`: kConflict otherwise, kNotFound
  // when the object is gone.
  Result<StoredObject> update(const ResourceType& type, const nlohmann::json& object,
                              int64_t expected);
  // Deletes if the stored mod_revision equals `expected` (kConflict/kNotFound otherwise). Returns
  // the last state with resourceVersion = the deletion revision.
  Result<StoredObject> remove(const ResourceType& type, const std::string& ns,
                              const std::string& name, int64_t expected);

  etcd::EtcdClient& etcd() { return etcd_; }

 private:
  // A lease for objects with a TTL, shared by writes within a minute as the real server does.
  Result<int64_t> lease_for(const ResourceType& type);

  etcd::EtcdClient& etcd_;
  std::mutex lease_mu_;
  int64_t lease_id_ = 0;
  std::chrono::steady_clock::time_point lease_granted_{};
};

// metadata.namespace / metadata.name of an object ("" when absent).
std::string object_namespace(const nlohmann::json& object);
std::string object_name(const nlohmann::json& object);

}  // namespace hvo::apiserver

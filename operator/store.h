// The informer's cache: objects by "ns/name" key, shared read-only (a reader holds a
// shared_ptr<const json> that stays valid after the store moves on), with secondary indices
// kept up to date on every change. Thread-safe; readers do not block each other.
//
// Two layouts. kParsed keeps the parsed object: a read costs nothing. kPacked keeps it packed
// (object_packer.h: CBOR deflated against a sample of the kind) and unpacks it on every read: a
// settled 2 KB VirtualMachine is ~12 KB as a parsed tree and ~150 bytes packed, for the kind
// that numbers in the thousands. Indices
// and observers see the parsed object when it arrives, so what is summed or looked up often is
// kept by them and never needs a read.
#pragma once

#include <nlohmann/json.hpp>

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "operator/object_packer.h"

namespace hvo::kube {

using ObjectPtr = std::shared_ptr<const nlohmann::json>;
// The index values of one object (none, one or several).
using IndexFunc = std::function<std::vector<std::string>(const nlohmann::json& object)>;

inline constexpr const char* kNamespaceIndex = "namespace";

// metadata.namespace.
IndexFunc index_by_namespace();
// The value of one label, e.g. the tenant label.
IndexFunc index_by_label(const std::string& label);
// A string at a JSON pointer, e.g. "/status/hostName" for VMs by host.
IndexFunc index_by_field(const std::string& json_pointer);
// Every string of an array at a JSON pointer, e.g. "/spec/namespaces" for Tenants by namespace.
IndexFunc index_by_string_list(const std::string& json_pointer);
// "<Kind>/<name>" of every ownerReference (owners live in the object's namespace or none).
IndexFunc index_by_owner();

// Told of every change to a Store, in the same step (under the store's write lock, so changes
// arrive in the store's order and an observer is never behind the store it watches): `previous`
// is null for a new key, `current` null for a removed one. Observers keep aggregates an index
// cannot (sums per host); they must be quick and must not call back into the store.
using StoreObserver = std::function<void(const std::string& key, const ObjectPtr& previous,
                                         const ObjectPtr& current)>;

enum class StoreLayout { kParsed, kPacked };

class Store {
 public:
  // Starts with the namespace index.
  // `packing_sample`: with kPacked, a typical object of the kind (ObjectPacker).
  explicit Store(StoreLayout layout = StoreLayout::kParsed,
                 const nlohmann::json& packing_sample = nullptr);

  // Adds an index; objects already stored are indexed at once.
  void add_index(const std::string& name, IndexFunc func);
  // Adds an observer; it is first told of every object already stored (as new).
  void add_observer(StoreObserver observer);

  // Inserts or replaces by key; returns the previous object (nullptr when new).
  ObjectPtr upsert(const std::string& key, ObjectPtr object);
  // Removes by key; returns the removed object (nullptr when absent).
  ObjectPtr remove(const std::string& key);

  ObjectPtr get(const std::string& key) const;
  std::vector<ObjectPtr> list() const;
  std::vector<std::string> keys() const;
  // Objects whose index `index` yields `value`; empty for an unknown index.
  std::vector<ObjectPtr> by_index(const std::string& index, const std::string& value) const;
  // The keys of those objects, sorted; nothing is handed out (routing needs only keys).
  std::vector<std::string> index_keys(const std::string& index, const std::string& value) const;
  bool has_index(const std::string& index) const;
  std::size_t size() const;

  // How many objects get(), list() and by_index() have handed out since construction: what a
  // reader pays to decode. Tests and benchmarks use it to prove a pass reads only what its
  // indices select.
  std::size_t objects_read() const { return objects_read_.load(std::memory_order_relaxed); }

  StoreLayout layout() const { return layout_; }

 private:
  // One object as kept: parsed, or packed by the kPacked layout.
  struct Item {
    ObjectPtr parsed;
    std::shared_ptr<const std::vector<std::uint8_t>> packed;
  };
  Item keep(const ObjectPtr& object) const;
  ObjectPtr read(const Item& item) const;
  // Reads items taken out under the lock, outside it, counting them as read.
  std::vector<ObjectPtr> read_all(const std::vector<Item>& items) const;
  // The keys index `index` gives for `value`; null for an unknown index or value.
  const std::set<std::string>* bucket_locked(const std::string& index,
                                             const std::string& value) const;

  void index_locked(const std::string& key, const nlohmann::json& object);
  void unindex_locked(const std::string& key, const nlohmann::json& object);
  void notify_locked(const std::string& key, const ObjectPtr& previous, const ObjectPtr& current);
  void count_read(std::size_t objects) const {
    objects_read_.fetch_add(objects, std::memory_order_relaxed);
  }

  const StoreLayout layout_;
  const ObjectPacker packer_;
  mutable std::shared_mutex mu_;
  std::unordered_map<std::string, Item> items_;
  std::map<std::string, IndexFunc> index_funcs_;
  std::vector<StoreObserver> observers_;
  // index name -> value -> keys
  std::map<std::string, std::unordered_map<std::string, std::set<std::string>>> indices_;
  mutable std::atomic<std::size_t> objects_read_{0};
};

}  // namespace hvo::kube

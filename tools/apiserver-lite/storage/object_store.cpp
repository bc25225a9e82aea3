#include "tools/apiserver-lite/storage/object_store.h"

#include "tools/apiserver-lite/storage/key_layout.h"

namespace hvo::apiserver {

using nlohmann::json;

namespace {

std::string metadata_string(const json& object, const char* field) {
  auto metadata = object.find("metadata");
  if (metadata == object.end() || !metadata->is_object())
    return {};
  auto it = metadata->find(field);
  return it != metadata->end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string describe(const ResourceType& type, const std::string& key) {
  return type.qualified_resource() + " key " + key;
}

}  // namespace

std::string object_namespace(const json& object) {
  return metadata_string(object, "namespace");
}
std::string object_name(const json& object) {
  return metadata_string(object, "name");
}

Result<json> decode_object(const ResourceType& type, const std::string& value,
                           int64_t mod_revision) {
  json object = json::parse(value, nullptr, /*allow_exceptions=*/false);
  if (!object.is_object()) {
    return Error(ErrorCode::kInternal,
                 "stored " + type.qualified_resource() + " object is not a JSON object");
  }
  if (type.from_storage)
    object = type.from_storage(object);
  // Custom resources are stored in the storage version and served in any version: with no
  // conversion webhook the real server only rewrites apiVersion ("None" strategy).
  object["apiVersion"] = type.api_version();
  object["kind"] = type.kind;
  object["metadata"]["resourceVersion"] = std::to_string(mod_revision);
  return object;
}

std::string encode_object(const json& object) {
  json stored = object;
  if (auto metadata = stored.find("metadata"); metadata != stored.end() && metadata->is_object()) {
    metadata->erase("resourceVersion");
    metadata->erase("selfLink");
  }
  return stored.dump();
}

std::string encode_object(const ResourceType& type, const json& object) {
  return encode_object(type.to_storage ? type.to_storage(object) : object);
}

json as_stored(const ResourceType& type, const json& object) {
  if (!type.to_storage || !type.from_storage)
    return object;
  json served = type.from_storage(type.to_storage(object));
  served["apiVersion"] = type.api_version();
  served["kind"] = type.kind;
  return served;
}

Result<StoredObject> ObjectStore::get(const ResourceType& type, const std::string& ns,
                                      const std::string& name) {
  const std::string key = object_key(type, ns, name);
  auto range = etcd_.range(key);
  if (!range.ok())
    return range.error().with_context("get " + describe(type, key));
  if (range->kvs.empty())
    return Error(ErrorCode::kNotFound, "no object at " + key);
  const auto& kv = range->kvs.front();
  auto object = decode_object(type, kv.value, kv.mod_revision);
  if (!object.ok())
    return object.error();
  return StoredObject{std::move(object).value(), kv.mod_revision};
}

Result<ListPage> ObjectStore::list(const ResourceType& type, const std::string& ns,
                                   const std::string& start_key, int64_t limit, int64_t revision,
                                   const std::function<bool(const json&)>& filter) {
  const std::string prefix = collection_prefix(type, ns);
  const std::string end = etcd::prefix_range_end(prefix);
  std::string from = start_key.empty() ? prefix : start_key;
  ListPage page;
  page.revision = revision;
  // Read in chunks until `limit` objects passed the filter, as the real server pages a
  // filtered list: later reads use the first read's revision so the page is one snapshot.
  const int64_t chunk = limit > 0 ? std::max<int64_t>(limit, 100) : 0;
  while (true) {
    auto range = etcd_.range(from, end, chunk > 0 ? chunk + 1 : 0, page.revision);
    if (!range.ok())
      return range.error().with_context("list " + type.qualified_resource());
    if (page.revision == 0)
      page.revision = range->revision;
    const auto& kvs = range->kvs;
    std::size_t index = 0;
    for (; index < kvs.size(); ++index) {
      if (chunk > 0 && index == static_cast<std::size_t>(chunk))
        break;
      if (limit > 0 && static_cast<int64_t>(page.items.size()) == limit)
        break;
      auto object = decode_object(type, kvs[index].value, kvs[index].mod_revision);
      if (!object.ok())
        return object.error();
      if (filter && !filter(*object))
        continue;
      page.items.push_back(std::move(object).value());
    }
    if (index < kvs.size()) {
      page.next_key = kvs[index].key;
      if (!filter)
        page.remaining = range->count - static_cast<int64_t>(index);
      if (limit > 0 && static_cast<int64_t>(page.items.size()) == limit)
        return page;
      from = page.next_key;
      page.next_key.clear();
      continue;
    }
    return page;
  }
}

Result<int64_t> ObjectStore::lease_for(const ResourceType& type) {
  if (!type.ttl)
    return int64_t{0};
  std::lock_guard<std::mutex> lock(lease_mu_);
  const auto now = std::chrono::steady_clock::now();
  if (lease_id_ != 0 && now - lease_granted_ < std::chrono::minutes(1))
    return lease_id_;
  auto lease = etcd_.grant_lease(*type.ttl + std::chrono::minutes(1));
  if (!lease.ok())
    return lease.error().with_context("TTL lease for " + type.qualified_resource());
  lease_id_ = *lease;
  lease_granted_ = now;
  return lease_id_;
}

Result<StoredObject> ObjectStore::create(const ResourceType& type, const json& object) {
  const std::string key = object_key(type, object_namespace(object), object_name(object));
  auto lease = lease_for(type);
  if (!lease.ok())
    return lease.error();
  auto txn = etcd_.put_if(key, encode_object(type, object), 0, *lease);
  if (!txn.ok())
    return txn.error().with_context("create " + describe(type, key));
  if (!txn->succeeded)
    return Error(ErrorCode::kAlreadyExists, key + " already exists");
  json stored = as_stored(type, object);
  stored["metadata"]["resourceVersion"] = std::to_string(txn->revision);
  return StoredObject{std::move(stored), txn->revision};
}

Result<StoredObject> ObjectStore::update(const ResourceType& type, const json& object,
                                         int64_t expected) {
  const std::string key = object_key(type, object_namespace(object), object_name(object));
  auto lease = lease_for(type);
  if (!lease.ok())
    return lease.error();
  auto txn = etcd_.put_if(key, encode_object(type, object), expected, *lease);
  if (!txn.ok())
    return txn.error().with_context("update " + describe(type, key));
  if (!txn->succeeded) {
    if (!txn->current)
      return Error(ErrorCode::kNotFound, "no object at " + key);
    return Error(ErrorCode::kConflict, key + " is at revision " +
                                           std::to_string(txn->current->mod_revision) + ", not " +
                                           std::to_string(expected));
  }
  json stored = as_stored(type, object);
  stored["metadata"]["resourceVersion"] = std::to_string(txn->revision);
  return StoredObject{std::move(stored), txn->revision};
}

Result<StoredObject> ObjectStore::remove(const ResourceType& type, const std::string& ns,
                                         const std::string& name, int64_t expected) {
  const std::string key = object_key(type, ns, name);
  auto txn = etcd_.delete_if(key, expected);
  if (!txn.ok())
    return txn.error().with_context("delete " + describe(type, key));
  if (!txn->succeeded) {
    if (!txn->current)
      return Error(ErrorCode::kNotFound, "no object at " + key);
    return Error(ErrorCode::kConflict, key + " changed before the delete");
  }
  if (!txn->previous)
    return Error(ErrorCode::kNotFound, "no object at " + key);
  auto object = decode_object(type, txn->previous->value, txn->revision);
  if (!object.ok())
    return object.error();
  return StoredObject{std::move(object).value(), txn->revision};
}

}  // namespace hvo::apiserver

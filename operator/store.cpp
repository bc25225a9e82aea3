#include "operator/store.h"

#include <mutex>

namespace hvo::kube {

using nlohmann::json;

IndexFunc index_by_namespace() {
  return [](const json& object) -> std::vector<std::string> {
    const auto meta = object.find("metadata");
    if (meta == object.end() || !meta->contains("namespace"))
      return {};
    const json& ns = (*meta)["namespace"];
    if (!ns.is_string())
      return {};
    return {ns.get<std::string>()};
  };
}

IndexFunc index_by_label(const std::string& label) {
  return [label](const json& object) -> std::vector<std::string> {
    const auto meta = object.find("metadata");
    if (meta == object.end() || !meta->contains("labels"))
      return {};
    const json& labels = (*meta)["labels"];
    const auto value = labels.find(label);
    if (value == labels.end() || !value->is_string())
      return {};
    return {value->get<std::string>()};
  };
}

IndexFunc index_by_field(const std::string& json_pointer) {
  const json::json_pointer pointer(json_pointer);
  return [pointer](const json& object) -> std::vector<std::string> {
    if (!object.contains(pointer))
      return {};
    const json& value = object.at(pointer);
    if (!value.is_string() || value.get<std::string>().empty())
      return {};
    return {value.get<std::string>()};
  };
}

IndexFunc index_by_string_list(const std::string& json_pointer) {
  const json::json_pointer pointer(json_pointer);
  return [pointer](const json& object) -> std::vector<std::string> {
    std::vector<std::string> values;
    if (!object.contains(pointer))
      return values;
    const json& list = object.at(pointer);
    if (!list.is_array())
      return values;
    for (const json& value : list) {
      if (value.is_string() && !value.get<std::string>().empty())
        values.push_back(value.get<std::string>());
    }
    return values;
  };
}

IndexFunc index_by_owner() {
  return [](const json& object) -> std::vector<std::string> {
    std::vector<std::string> owners;
    const auto meta = object.find("metadata");
    if (meta == object.end() || !meta->contains("ownerReferences"))
      return owners;
    for (const json& owner : (*meta)["ownerReferences"]) {
      const auto kind = owner.find("kind");
      const auto name = owner.find("name");
      if (kind != owner.end() && kind->is_string() && name != owner.end() && name->is_string()) {
        owners.push_back(kind->get<std::string>() + "/" + name->get<std::string>());
      }
    }
    return owners;
  };
}

Store::Store(StoreLayout layout, const nlohmann::json& packing_sample)
    : layout_(layout), packer_(packing_sample) {
  index_funcs_.emplace(kNamespaceIndex, index_by_namespace());
}

Store::Item Store::keep(const ObjectPtr& object) const {
  Item item;
  if (layout_ == StoreLayout::kParsed) {
    item.parsed = object;
    return item;
  }
  item.packed = std::make_shared<const std::vector<std::uint8_t>>(packer_.pack(*object));
  return item;
}

ObjectPtr Store::read(const Item& item) const {
  if (item.parsed)
    return item.parsed;
  return std::make_shared<const json>(packer_.unpack(*item.packed));
}

void Store::add_index(const std::string& name, IndexFunc func) {
  std::unique_lock<std::shared_mutex> lock(mu_);
  index_funcs_[name] = std::move(func);
  indices_.erase(name);
  auto& index = indices_[name];
  for (const auto& [key, item] : items_) {
    for (const std::string& value : index_funcs_[name](*read(item)))
      index[value].insert(key);
  }
}

void Store::add_observer(StoreObserver observer) {
  std::unique_lock<std::shared_mutex> lock(mu_);
  for (const auto& [key, item] : items_)
    observer(key, nullptr, read(item));
  observers_.push_back(std::move(observer));
}

void Store::notify_locked(const std::string& key, const ObjectPtr& previous,
                          const ObjectPtr& current) {
  for (const StoreObserver& observer : observers_)
    observer(key, previous, current);
}

void Store::index_locked(const std::string& key, const json& object) {
  for (const auto& [name, func] : index_funcs_) {
    for (const std::string& value : func(object))
      indices_[name][value].insert(key);
  }
}

void Store::unindex_locked(const std::string& key, const json& object) {
  for (const auto& [name, func] : index_funcs_) {
    auto& index = indices_[name];
    for (const std::string& value : func(object)) {
      auto bucket = index.find(value);
      if (bucket == index.end())
        continue;
      bucket->second.erase(key);
      if (bucket->second.empty())
        index.erase(bucket);
    }
  }
}

ObjectPtr Store::upsert(const std::string& key, ObjectPtr object) {
  Item item = keep(object);  // packing needs no lock
  std::unique_lock<std::shared_mutex> lock(mu_);
  ObjectPtr previous;
  auto it = items_.find(key);
  if (it != items_.end()) {
    previous = read(it->second);
    unindex_locked(key, *previous);
    it->second = std::move(item);
  } else {
    items_.emplace(key, std::move(item));
  }
  index_locked(key, *object);
  notify_locked(key, previous, object);
  return previous;
}

ObjectPtr Store::remove(const std::string& key) {
  std::unique_lock<std::shared_mutex> lock(mu_);
  auto it = items_.find(key);
  if (it == items_.end())
    return nullptr;
  ObjectPtr previous = read(it->second);
  unindex_locked(key, *previous);
  items_.erase(it);
  notify_locked(key, previous, nullptr);
  return previous;
}

ObjectPtr Store::get(const std::string& key) const {
  Item item;
  {
    std::shared_lock<std::shared_mutex> lock(mu_);
    auto it = items_.find(key);
    if (it == items_.end())
      return nullptr;
    item = it->second;
  }
  count_read(1);
  return read(item);  // a packed object is parsed outside the lock
}

std::vector<ObjectPtr> Store::read_all(const std::vector<Item>& items) const {
  count_read(items.size());
  std::vector<ObjectPtr> objects;
  objects.reserve(items.size());
  for (const Item& item : items)
    objects.push_back(read(item));  // a packed object is parsed outside the lock
  return objects;
}

const std::set<std::string>* Store::bucket_locked(const std::string& index,
                                                  const std::string& value) const {
  auto named = indices_.find(index);
  if (named == indices_.end())
    return nullptr;
  auto bucket = named->second.find(value);
  return bucket == named->second.end() ? nullptr : &bucket->second;
}

std::vector<ObjectPtr> Store::list() const {
  std::vector<Item> items;
  {
    std::shared_lock<std::shared_mutex> lock(mu_);
    items.reserve(items_.size());
    for (const auto& [key, item] : items_)
      items.push_back(item);
  }
  return read_all(items);
}

std::vector<std::string> Store::keys() const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  std::vector<std::string> keys;
  keys.reserve(items_.size());
  for (const auto& [key, item] : items_)
    keys.push_back(key);
  return keys;
}

std::vector<ObjectPtr> Store::by_index(const std::string& index, const std::string& value) const {
  std::vector<Item> items;
  {
    std::shared_lock<std::shared_mutex> lock(mu_);
    if (const std::set<std::string>* keys = bucket_locked(index, value)) {
      for (const std::string& key : *keys)
        items.push_back(items_.at(key));
    }
  }
  return read_all(items);
}

std::vector<std::string> Store::index_keys(const std::string& index,
                                           const std::string& value) const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  const std::set<std::string>* keys = bucket_locked(index, value);
  return keys ? std::vector<std::string>(keys->begin(), keys->end()) : std::vector<std::string>();
}

bool Store::has_index(const std::string& index) const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  return index_funcs_.count(index) > 0;
}

std::size_t Store::size() const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  return items_.size();
}

}  // namespace hvo::kube

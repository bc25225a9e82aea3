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

Store::Store() {
  index_funcs_.emplace(kNamespaceIndex, index_by_namespace());
}

void Store::add_index(const std::string& name, IndexFunc func) {
  std::unique_lock<std::shared_mutex> lock(mu_);
  index_funcs_[name] = std::move(func);
  indices_.erase(name);
  auto& index = indices_[name];
  for (const auto& [key, object] : items_) {
    for (const std::string& value : index_funcs_[name](*object))
      index[value].insert(key);
  }
}

void Store::add_observer(StoreObserver observer) {
  std::unique_lock<std::shared_mutex> lock(mu_);
  for (const auto& [key, object] : items_)
    observer(key, nullptr, object);
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
  std::unique_lock<std::shared_mutex> lock(mu_);
  ObjectPtr previous;
  auto it = items_.find(key);
  if (it != items_.end()) {
    previous = it->second;
    unindex_locked(key, *previous);
    it->second = object;
  } else {
    items_.emplace(key, object);
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
  ObjectPtr previous = it->second;
  unindex_locked(key, *previous);
  items_.erase(it);
  notify_locked(key, previous, nullptr);
  return previous;
}

ObjectPtr Store::get(const std::string& key) const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  auto it = items_.find(key);
  if (it == items_.end())
    return nullptr;
  count_read(1);
  return it->second;
}

std::vector<ObjectPtr> Store::list() const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  std::vector<ObjectPtr> objects;
  objects.reserve(items_.size());
  for (const auto& [key, object] : items_)
    objects.push_back(object);
  count_read(objects.size());
  return objects;
}

std::vector<std::string> Store::keys() const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  std::vector<std::string> keys;
  keys.reserve(items_.size());
  for (const auto& [key, object] : items_)
    keys.push_back(key);
  return keys;
}

std::vector<ObjectPtr> Store::by_index(const std::string& index, const std::string& value) const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  std::vector<ObjectPtr> objects;
  auto named = indices_.find(index);
  if (named == indices_.end())
    return objects;
  auto bucket = named->second.find(value);
  if (bucket == named->second.end())
    return objects;
  for (const std::string& key : bucket->second)
    objects.push_back(items_.at(key));
  count_read(objects.size());
  return objects;
}

std::vector<std::string> Store::index_keys(const std::string& index,
                                           const std::string& value) const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  auto named = indices_.find(index);
  if (named == indices_.end())
    return {};
  auto bucket = named->second.find(value);
  if (bucket == named->second.end())
    return {};
  return std::vector<std::string>(bucket->second.begin(), bucket->second.end());
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

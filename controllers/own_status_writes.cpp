#include "controllers/own_status_writes.h"

namespace hvo::controllers {

void OwnStatusWrites::wrote(const std::string& key, const std::string& replaced) {
  if (replaced.empty())
    return;
  std::lock_guard<std::mutex> lock(mu_);
  replaced_[key].insert(replaced);
}

bool OwnStatusWrites::cache_behind(const std::string& key, const std::string& cached_version) {
  std::lock_guard<std::mutex> lock(mu_);
  const auto found = replaced_.find(key);
  if (found == replaced_.end())
    return false;
  if (found->second.count(cached_version) > 0)
    return true;
  // Our last write, or a newer version: the cache has caught up.
  replaced_.erase(found);
  return false;
}

void OwnStatusWrites::forget(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  replaced_.erase(key);
}

}  // namespace hvo::controllers

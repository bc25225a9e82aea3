// Status writers that read from an informer cache (Quota, Tenant) remember the versions their
// own writes replaced: a pass that starts from one of them would only end in a 409 Conflict and
// a backoff (the cache has not caught up with the last write yet), so it is skipped and retried
// shortly instead. The VM controller does the same through its ReservationLedger
// (cache_behind()). No informer feed is needed: a cached version that is none of the replaced
// ones is the write itself or newer, and clears what was remembered for the key.
#pragma once

#include <map>
#include <mutex>
#include <set>
#include <string>

namespace hvo::controllers {

class OwnStatusWrites {
 public:
  // After a successful write: `replaced` is the resourceVersion the write was made from.
  void wrote(const std::string& key, const std::string& replaced);
  // Whether `cached_version` is one this process already wrote over (skip the pass).
  bool cache_behind(const std::string& key, const std::string& cached_version);
  // The object is gone from the cache: nothing to remember.
  void forget(const std::string& key);

 private:
  std::mutex mu_;
  std::map<std::string, std::set<std::string>> replaced_;  // key -> versions written over
};

}  // namespace hvo::controllers

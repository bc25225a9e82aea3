// The receiving end of a resource watcher: one client's watch. Calls come from the watcher's
// thread (events, in revision order) and from the hub's ticker (bookmarks, expiry), never at the
// same time for one subscriber: both happen under the watcher's lock.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace hvo::apiserver {

// One change of one stored object, decoded once and shared by every subscriber.
struct StoredChange {
  int64_t revision = 0;
  std::string key;
  // Stored JSON (no resourceVersion); null when absent: `current` for a delete, `previous` for
  // a create.
  std::shared_ptr<const nlohmann::json> current;
  std::shared_ptr<const nlohmann::json> previous;
  int64_t previous_revision = 0;
};

class WatchSubscriber {
 public:
  virtual ~WatchSubscriber() = default;
  // Delivers a change; false when the subscriber is finished (client gone) and must be dropped.
  virtual bool deliver(const StoredChange& change) = 0;
  // Periodic duty: bookmarks and the timeoutSeconds deadline. `progress` is a revision every
  // change up to which has been delivered. False when finished.
  virtual bool tick(std::chrono::steady_clock::time_point now, int64_t progress) = 0;
  // The revision up to which this subscriber has every change it needs.
  virtual int64_t position() const = 0;
  // The watcher cannot serve this subscriber any more (history lost): send 410 and finish.
  virtual void expire(const std::string& message) = 0;
};

}  // namespace hvo::apiserver

// One client's watch over HTTP: turns stored changes into watch events
// ({"type":"ADDED|MODIFIED|DELETED|BOOKMARK|ERROR","object":...} per line), filtered by
// namespace and selectors the way the real watch cache filters (an object leaving the selection
// is DELETED, one entering it ADDED), encoded as objects or Table rows; sends bookmarks and ends
// the response at timeoutSeconds.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "common/net/http_server.h"
#include "tools/apiserver-lite/registry/resource_registry.h"
#include "tools/apiserver-lite/table/table_converter.h"
#include "tools/apiserver-lite/watch/watch_subscriber.h"

namespace hvo::apiserver {

struct WatchSessionOptions {
  ResourceTypePtr type;
  std::function<bool(const nlohmann::json&)> filter;  // namespace and selectors
  int64_t after_revision = 0;                         // changes at or before it are skipped
  bool bookmarks = false;
  std::chrono::milliseconds bookmark_interval{std::chrono::seconds(30)};
  std::optional<std::chrono::steady_clock::time_point> deadline;  // timeoutSeconds
  bool as_table = false;
  IncludeObject include_object = IncludeObject::kMetadata;
};

class WatchSession : public WatchSubscriber {
 public:
  WatchSession(std::shared_ptr<net::ResponseStream> stream, WatchSessionOptions options);

  // A synthetic ADDED for an object that existed when the watch started.
  bool send_added(const nlohmann::json& object);
  // A BOOKMARK at `revision`; `initial_events_end` marks the end of sendInitialEvents.
  bool send_bookmark(int64_t revision, bool initial_events_end);

  bool deliver(const StoredChange& change) override;
  bool tick(std::chrono::steady_clock::time_point now, int64_t progress) override;
  void expire(const std::string& message) override;
  int64_t position() const override;

 private:
  bool send(const char* type, const nlohmann::json& object);
  nlohmann::json served_object(const nlohmann::json& stored, int64_t revision) const;

  mutable std::mutex mu_;
  std::shared_ptr<net::ResponseStream> stream_;
  WatchSessionOptions options_;
  int64_t last_revision_;
  std::chrono::steady_clock::time_point last_bookmark_;
};

}  // namespace hvo::apiserver

#include "tools/apiserver-lite/watch/watch_session.h"

namespace hvo::apiserver {

using nlohmann::json;

WatchSession::WatchSession(std::shared_ptr<net::ResponseStream> stream, WatchSessionOptions options)
    : stream_(std::move(stream)),
      options_(std::move(options)),
      last_revision_(options_.after_revision),
      last_bookmark_(std::chrono::steady_clock::now()) {}

json WatchSession::served_object(const json& stored, int64_t revision) const {
  json object = options_.type->from_storage ? options_.type->from_storage(stored) : stored;
  object["apiVersion"] = options_.type->api_version();
  object["kind"] = options_.type->kind;
  object["metadata"]["resourceVersion"] = std::to_string(revision);
  return object;
}

bool WatchSession::send(const char* type, const json& object) {
  json event = {{"type", type}};
  if (options_.as_table && std::string(type) != "BOOKMARK" && std::string(type) != "ERROR") {
    json list_metadata = {{"resourceVersion", object["metadata"].value("resourceVersion", "")}};
    event["object"] = to_table(*options_.type, {object}, list_metadata, options_.include_object,
                               std::chrono::system_clock::now());
  } else {
    event["object"] = object;
  }
  return stream_->write(event.dump() + "\n");
}

bool WatchSession::send_added(const json& object) {
  std::lock_guard<std::mutex> lock(mu_);
  return send("ADDED", object);
}

bool WatchSession::send_bookmark(int64_t revision, bool initial_events_end) {
  std::lock_guard<std::mutex> lock(mu_);
  json metadata = {{"resourceVersion", std::to_string(revision)}};
  if (initial_events_end) {
    metadata["annotations"] = {{"k8s.io/initial-events-end", "true"}};
  }
  const json object = {{"kind", options_.type->kind},
                       {"apiVersion", options_.type->api_version()},
                       {"metadata", metadata}};
  last_bookmark_ = std::chrono::steady_clock::now();
  return send("BOOKMARK", object);
}

bool WatchSession::deliver(const StoredChange& change) {
  std::lock_guard<std::mutex> lock(mu_);
  if (stream_->closed())
    return false;
  if (change.revision <= last_revision_)
    return true;
  last_revision_ = change.revision;
  const bool was_in =
      change.previous && options_.filter(served_object(*change.previous, change.previous_revision));
  if (!change.current) {
    if (!was_in)
      return true;
    return send("DELETED", served_object(*change.previous, change.revision));
  }
  const json current = served_object(*change.current, change.revision);
  const bool is_in = options_.filter(current);
  if (is_in)
    return send(was_in ? "MODIFIED" : "ADDED", current);
  // The object left the selection: the client sees it go, as from the real watch cache.
  if (was_in)
    return send("DELETED", current);
  return true;
}

bool WatchSession::tick(std::chrono::steady_clock::time_point now, int64_t progress) {
  int64_t revision = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stream_->closed())
      return false;
    if (options_.deadline && now >= *options_.deadline) {
      stream_->close();
      return false;
    }
    if (!options_.bookmarks || now - last_bookmark_ < options_.bookmark_interval)
      return true;
    last_revision_ = std::max(last_revision_, progress);
    revision = last_revision_;
  }
  return send_bookmark(revision, false);
}

int64_t WatchSession::position() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_revision_;
}

void WatchSession::expire(const std::string& message) {
  std::lock_guard<std::mutex> lock(mu_);
  const json status = {{"kind", "Status"},    {"apiVersion", "v1"}, {"metadata", json::object()},
                       {"status", "Failure"}, {"message", message}, {"reason", "Expired"},
                       {"code", 410}};
  send("ERROR", status);
  stream_->close();
}

}  // namespace hvo::apiserver

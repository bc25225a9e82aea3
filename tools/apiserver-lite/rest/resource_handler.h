// The verbs on one resource: GET, LIST, WATCH, POST, PUT, PATCH, DELETE on objects and their
// /status subresource, with the real server's semantics (see KUBE-API-NOTES.md). Errors are
// ApiError exceptions, turned into Status bodies by the caller. Holds no lock across etcd calls.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/net/http_server.h"
#include "tools/apiserver-lite/patch/managed_fields.h"
#include "tools/apiserver-lite/registry/resource_registry.h"
#include "tools/apiserver-lite/rest/content_types.h"
#include "tools/apiserver-lite/rest/lifecycle_hooks.h"
#include "tools/apiserver-lite/rest/request_path.h"
#include "tools/apiserver-lite/storage/object_store.h"
#include "tools/apiserver-lite/watch/watch_hub.h"

namespace hvo::apiserver {

struct ResourceHandlerOptions {
  std::chrono::milliseconds bookmark_interval{std::chrono::seconds(30)};
  std::chrono::seconds default_watch_timeout{std::chrono::minutes(30)};
};

// One request on one resource, resolved.
// Refuses (throws ApiError) to store `updated` in place of `old` (null: none yet).
using WriteAdmission =
    std::function<void(const nlohmann::json* old, const nlohmann::json& updated)>;

struct ResourceRequest {
  const net::HttpRequest& http;
  const ResourcePath& path;
  const ResourceType& type;
  ResourceTypePtr type_ptr;
  // Run by PUT and PATCH on the object as it would be stored (on each retry) before it is, and by
  // a server-side apply that creates; may be empty.
  WriteAdmission admit_update;
};

class ResourceHandler {
 public:
  // DeleteOptions.preconditions.
  struct DeletePreconditions {
    std::string uid;
    std::string resource_version;
  };

  ResourceHandler(ObjectStore& store, WatchHub& hub, LifecycleHooks& hooks,
                  ResourceHandlerOptions options)
      : store_(store), hub_(hub), hooks_(hooks), options_(options) {}

  // Called with a namespace's name when its deletion starts (the cleaner empties it).
  void on_namespace_terminating(std::function<void(const std::string&)> callback) {
    on_namespace_terminating_ = std::move(callback);
  }

  // Answers through `responder` (a plain reply, or a stream for watches). Throws ApiError.
  void handle(const ResourceRequest& request, net::Responder& responder);

 private:
  net::HttpResponse get(const ResourceRequest& request);
  net::HttpResponse list(const ResourceRequest& request);
  void watch(const ResourceRequest& request, net::Responder& responder);
  // `applied`: the body is a server-side apply's result, which carries its managedFields.
  net::HttpResponse create(const ResourceRequest& request, bool applied = false);
  net::HttpResponse update(const ResourceRequest& request);
  net::HttpResponse patch(const ResourceRequest& request);
  net::HttpResponse remove(const ResourceRequest& request);
  // DELETE on a collection: each object the selectors pick is deleted as by remove(); the
  // answer is the list of them as they were before.
  net::HttpResponse remove_collection(const ResourceRequest& request);

  // Deletes (or starts deleting, with finalizers) one object; returns the response body.
  nlohmann::json delete_object(const ResourceRequest& request, const std::string& ns,
                               const std::string& name, const DeletePreconditions& preconditions,
                               bool dry_run);

  // Computes the new state of an existing object from its current one; nullopt: no change.
  using Mutation = std::function<std::optional<nlohmann::json>(const StoredObject& current)>;
  // Read, mutate, compare-and-swap; retried on conflict unless `retry_on_conflict` is false
  // (the client pinned a resourceVersion). Deletes the object when the result is being deleted
  // and has no finalizers left. Returns the stored (or last) state; with `dry_run` the state
  // that would have been stored, without writing.
  nlohmann::json guaranteed_update(const ResourceRequest& request, const Mutation& mutate,
                                   bool retry_on_conflict, bool dry_run);
  // Generic update rules + kind hooks + schema admission for a main or /status write, and the
  // writer's managedFields entry (operation Update) unless `applied` (apply records its own).
  nlohmann::json prepare_update(const ResourceRequest& request, const nlohmann::json& old,
                                nlohmann::json updated, std::vector<std::string>& warnings,
                                bool applied = false);
  void require_namespace_accepts_objects(const ResourceRequest& request, const std::string& ns);
  std::string namespace_of(const ResourceRequest& request, const nlohmann::json& object) const;

  ObjectStore& store_;
  WatchHub& hub_;
  LifecycleHooks& hooks_;
  ResourceHandlerOptions options_;
  std::function<void(const std::string&)> on_namespace_terminating_;
};

// A JSON (or Table) response with Warning headers.
net::HttpResponse json_response(int status, const nlohmann::json& body,
                                const std::vector<std::string>& warnings = {},
                                const char* content_type = "application/json");

std::string now_rfc3339();

// Who an Update-operation write is recorded for: `fieldManager`, else the User-Agent's program.
UpdateManager update_manager(const ResourceRequest& request);

}  // namespace hvo::apiserver

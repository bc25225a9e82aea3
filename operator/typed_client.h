// A typed view over the dynamic RestClient: the same verbs, retries, rate limit and error
// decoding, with objects as C++ structs instead of JSON.
//
//   TypedClient<api::VirtualMachine> vms(rest);
//   Result<api::VirtualMachine> vm = vms.get("team-a", "web-1");
//   vm->status.phase = ...;
//   Result<api::VirtualMachine> saved = vms.update_status(*vm);   // Conflict when stale
//
// A kind takes part through two traits:
// - ObjectCodec<T>: decode (JSON -> Result<T>) and encode (T -> JSON). The default calls
//   T::from_json / t.to_json(), which the v1alpha1 kinds provide; their to_json() writes the
//   typed fields over the JSON the object was read from, so fields this code does not model
//   survive a read-modify-write.
// - ResourceOf<T>: the REST collection (typed_kinds.h has the four v1alpha1 kinds). A client can
//   also be built with an explicit GroupVersionResource.
//
// An object the server returns that does not decode is an error (kInternal) naming the kind,
// the object and the field: the call itself may have succeeded on the server, so callers that
// wrote should re-read rather than blindly repeat.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "operator/resource.h"
#include "operator/rest_client.h"

namespace hvo::kube {

template <typename T>
struct ObjectCodec {
  static Result<T> decode(const nlohmann::json& object) { return T::from_json(object); }
  static nlohmann::json encode(const T& object) { return object.to_json(); }
};

// Specialised per kind with `static GroupVersionResource resource()`.
template <typename T>
struct ResourceOf;

// One page of a typed LIST. Pass resource_version to a watch (or an informer) to continue from
// this snapshot, and continue_token as ListOptions::continue_token for the next page.
template <typename T>
struct TypedList {
  std::vector<T> items;
  std::string resource_version;
  std::string continue_token;  // empty on the last page
};

template <typename T>
class TypedClient {
 public:
  explicit TypedClient(RestClient& client, GroupVersionResource gvr = ResourceOf<T>::resource())
      : client_(client), gvr_(std::move(gvr)) {}

  const GroupVersionResource& resource() const { return gvr_; }

  Result<T> get(const std::string& namespace_name, const std::string& name) {
    return decode(client_.get(gvr_, namespace_name, name));
  }

  // One page. Every item must decode: a list is a snapshot and a partial one would look like
  // deletions to the caller.
  Result<TypedList<T>> list(const std::string& namespace_name,
                            const ListOptions& options = ListOptions()) {
    Result<nlohmann::json> page = client_.list(gvr_, namespace_name, options);
    if (!page.ok())
      return page.error();
    TypedList<T> out;
    const nlohmann::json& metadata = (*page)["metadata"];
    if (metadata.is_object()) {
      out.resource_version = metadata.value("resourceVersion", "");
      out.continue_token = metadata.value("continue", "");
    }
    const nlohmann::json& items = (*page)["items"];
    if (!items.is_array())
      return items.is_null() ? Result<TypedList<T>>(std::move(out)) : malformed_list();
    out.items.reserve(items.size());
    for (const nlohmann::json& item : items) {
      Result<T> object = decode_one(item);
      if (!object.ok())
        return object.error();
      out.items.push_back(std::move(object).value());
    }
    return out;
  }

  // Every page, following continue tokens; the result carries the first page's
  // resourceVersion (the snapshot's). A continue token that expired between pages (410) starts
  // over with one unpaged list, as client-go's pager does.
  Result<TypedList<T>> list_all(const std::string& namespace_name,
                                ListOptions options = ListOptions()) {
    TypedList<T> all;
    bool first = true;
    while (true) {
      Result<TypedList<T>> page = list(namespace_name, options);
      if (!page.ok()) {
        if (page.error().code() == ErrorCode::kGone && !options.continue_token.empty()) {
          all = TypedList<T>();
          first = true;
          options.continue_token.clear();
          options.limit = 0;
          continue;
        }
        return page.error();
      }
      if (first)
        all.resource_version = page->resource_version;
      first = false;
      for (T& item : page->items)
        all.items.push_back(std::move(item));
      if (page->continue_token.empty())
        return all;
      options.continue_token = page->continue_token;
    }
  }

  // Created in the object's metadata.namespace.
  Result<T> create(const T& object, const WriteOptions& options = WriteOptions()) {
    const nlohmann::json body = ObjectCodec<T>::encode(object);
    return decode(client_.create(gvr_, namespace_of(body), body, options));
  }

  // PUT guarded by metadata.resourceVersion: a stale one is Conflict; re-read and retry.
  Result<T> update(const T& object, const WriteOptions& options = WriteOptions()) {
    return decode(client_.update(gvr_, ObjectCodec<T>::encode(object), options));
  }
  Result<T> update_status(const T& object, const WriteOptions& options = WriteOptions()) {
    return decode(client_.update_status(gvr_, ObjectCodec<T>::encode(object), options));
  }

  // Merge patch (RFC 7386), JSON patch (RFC 6902, an array) or server-side apply (needs
  // options.field_manager). `body` is the patch document.
  Result<T> patch(const std::string& namespace_name, const std::string& name, PatchType type,
                  const nlohmann::json& body, const PatchOptions& options = PatchOptions()) {
    return decode(client_.patch(gvr_, namespace_name, name, type, body.dump(), options));
  }

  // Server-side apply of `configuration` (the fields this manager owns: apiVersion, kind,
  // metadata.name/namespace and what it sets). `force` takes over fields other managers own.
  Result<T> apply(const nlohmann::json& configuration, const std::string& field_manager,
                  bool force = false, const std::string& subresource = "") {
    PatchOptions options;
    options.field_manager = field_manager;
    options.force = force;
    options.subresource = subresource;
    return patch(namespace_of(configuration), name_of(configuration), PatchType::kApply,
                 configuration, options);
  }

  // The deleted object, or the object still held by finalizers (deletionTimestamp set); nullopt
  // when the server answered with a Status instead of the object.
  Result<std::optional<T>> remove(const std::string& namespace_name, const std::string& name,
                                  const DeleteOptions& options = DeleteOptions()) {
    Result<nlohmann::json> answer = client_.remove(gvr_, namespace_name, name, options);
    if (!answer.ok())
      return answer.error();
    if (answer->is_object() && answer->value("kind", "") == "Status")
      return std::optional<T>();
    Result<T> object = decode_one(*answer);
    if (!object.ok())
      return object.error();
    return std::optional<T>(std::move(object).value());
  }

 private:
  Result<T> decode(Result<nlohmann::json> answer) const {
    if (!answer.ok())
      return answer.error();
    return decode_one(*answer);
  }
  Result<T> decode_one(const nlohmann::json& object) const {
    Result<T> decoded = ObjectCodec<T>::decode(object);
    if (!decoded.ok()) {
      return Error(ErrorCode::kInternal, "decode " + gvr_.display() + " " + object_key(object) +
                                             " from the server: " + decoded.error().message());
    }
    return decoded;
  }
  Result<TypedList<T>> malformed_list() const {
    return Error(ErrorCode::kInternal, "list " + gvr_.display() + ": items is not an array");
  }

  RestClient& client_;
  GroupVersionResource gvr_;
};

}  // namespace hvo::kube

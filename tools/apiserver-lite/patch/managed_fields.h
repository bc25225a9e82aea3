// Field ownership of writes that are not server-side apply (create, update, merge/JSON patch),
// as kube-apiserver's field manager records them: the writer's manager gets an entry with
// operation Update holding the fields it added or changed; other managers (Apply or Update)
// lose those fields and the removed ones; entries left empty disappear. The manager is the
// `fieldManager` parameter, else the User-Agent's program name.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace hvo::apiserver {

struct UpdateManager {
  std::string manager;      // fieldManager, or manager_from_user_agent()
  std::string api_version;  // the version the object was written in
  std::string now;          // RFC 3339, the entry's time when its fields change
  std::string subresource;  // "status" for writes to /status, else ""
};

// Upstream's prefixFromUserAgent: the text before the first '/', without unprintable
// characters, at most 128 bytes ("kubectl/v1.32.0 (linux/amd64) ..." -> "kubectl").
std::string manager_from_user_agent(const std::string& user_agent);

// Whether `entries` reads as a list of ManagedFieldsEntry: objects whose fields have their
// schema's types (fieldsV1 an object, the rest strings). Upstream reads anything else as no
// managedFields at all (unstructured.GetManagedFields), so a write that sends it keeps the live
// object's entries.
bool managed_fields_well_formed(const nlohmann::json& entries);

// Sets updated.metadata.managedFields from the entries it carries (else live's; null `live`: a
// create) and the change from `live` to `updated`. [{}] sent as managedFields clears them.
void record_update(const nlohmann::json& live, nlohmann::json& updated,
                   const UpdateManager& manager);

}  // namespace hvo::apiserver

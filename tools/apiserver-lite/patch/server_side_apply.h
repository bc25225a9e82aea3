// A simplified server-side apply: the applied configuration is the manager's whole intent, so
// its fields are merged into the live object, fields the manager applied before but leaves out
// now are removed (unless another manager's applied set holds them), and the manager's field set
// is recorded in metadata.managedFields (FieldsV1). Lists are atomic. Conflicts between managers
// are not detected: every apply behaves as if forced.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace hvo::apiserver {

struct ApplyRequest {
  std::string manager;      // fieldManager (required by the caller)
  std::string api_version;  // recorded in the managedFields entry
  std::string now;          // RFC 3339
};

// `live` is null when the object does not exist yet.
nlohmann::json server_side_apply(const nlohmann::json& live, const nlohmann::json& applied,
                                 const ApplyRequest& request);

}  // namespace hvo::apiserver

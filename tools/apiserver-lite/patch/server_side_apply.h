// A simplified server-side apply: the applied configuration is the manager's whole intent, so
// its fields are merged into the live object, fields the manager applied before but leaves out
// now are removed (unless another manager's applied set holds them), and the manager's field set
// is recorded in metadata.managedFields (FieldsV1). Lists are atomic. Setting a field another
// manager owns to a different value is a conflict (ApplyConflicts) unless forced; forcing moves
// the field to the applying manager. Other managers' entries may be Update ones
// (managed_fields.h): a field an update set conflicts like an applied one, as upstream.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace hvo::apiserver {

struct ApplyRequest {
  std::string manager;      // fieldManager (required by the caller)
  std::string api_version;  // recorded in the managedFields entry
  std::string now;          // RFC 3339
  bool force = false;       // ?force=true: take conflicting fields over
};

struct ApplyConflict {
  std::string manager;
  std::string field;  // ".spec.size", ".metadata.labels.app"
};

// Thrown by server_side_apply() when the applied configuration conflicts and is not forced.
class ApplyConflicts : public std::runtime_error {
 public:
  explicit ApplyConflicts(std::vector<ApplyConflict> conflicts);
  const std::vector<ApplyConflict>& conflicts() const { return conflicts_; }

 private:
  std::vector<ApplyConflict> conflicts_;
};

// `live` is null when the object does not exist yet.
nlohmann::json server_side_apply(const nlohmann::json& live, const nlohmann::json& applied,
                                 const ApplyRequest& request);

}  // namespace hvo::apiserver

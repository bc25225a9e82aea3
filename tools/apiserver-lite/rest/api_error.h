// Kubernetes API errors: thrown inside the request handlers, turned into a Status body
// ({"kind":"Status","status":"Failure","reason","message","details","code"}) at the edge.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/schema/structural_schema.h"
#include "common/status.h"
#include "tools/apiserver-lite/registry/resource_type.h"

namespace hvo::apiserver {

class ApiError : public std::runtime_error {
 public:
  ApiError(int code, std::string reason, const std::string& message,
           nlohmann::json details = nlohmann::json::object())
      : std::runtime_error(message),
        code_(code),
        reason_(std::move(reason)),
        details_(std::move(details)) {}

  int code() const { return code_; }
  const std::string& reason() const { return reason_; }
  nlohmann::json status_body() const;
  // The Status's metadata.continue (an expired list's token to go on inconsistently).
  ApiError& with_continue(std::string token) {
    continue_ = std::move(token);
    return *this;
  }

 private:
  int code_;
  std::string continue_;
  std::string reason_;
  nlohmann::json details_;
};

ApiError not_found(const ResourceType& type, const std::string& name);
ApiError already_exists(const ResourceType& type, const std::string& name);
ApiError conflict(const ResourceType& type, const std::string& name);
// A server-side apply that sets fields other managers own: 409 Conflict with one
// FieldManagerConflict cause per (manager, field) pair.
struct FieldManagerConflict {
  std::string manager;
  std::string field;
};
ApiError apply_conflict(const ResourceType& type, const std::string& name,
                        const std::string& message,
                        const std::vector<FieldManagerConflict>& conflicts);
ApiError invalid(const ResourceType& type, const std::string& name,
                 const std::vector<schema::FieldError>& causes);
ApiError bad_request(const std::string& message);
ApiError forbidden(const ResourceType& type, const std::string& name, const std::string& why);
ApiError gone(const std::string& message);
ApiError method_not_supported(const std::string& method, const std::string& what);
ApiError unsupported_media_type(
    const std::string& content_type,
    const std::string& accepted =
        "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml");
ApiError not_acceptable(const std::string& accept);
ApiError unauthorized();
ApiError internal_error(const std::string& message);
ApiError path_not_found(const std::string& path);

// Maps a storage error to the API error the real server answers with for `name` of `type`.
ApiError from_storage_error(const Error& error, const ResourceType& type, const std::string& name);

// The Status body of a successful immediate delete.
nlohmann::json success_status(const ResourceType& type, const std::string& name,
                              const std::string& uid);

}  // namespace hvo::apiserver

// CustomResourceDefinitions as the server consumes them: validation of a CRD object, the
// resources it serves (one per served version), and the status the real server's naming and
// establishing controllers write (acceptedNames, NamesAccepted, Established, storedVersions).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/schema/structural_schema.h"
#include "tools/apiserver-lite/registry/resource_type.h"

namespace hvo::apiserver {

// Field errors of a CRD (names, scope, versions, structural schemas), empty when valid.
std::vector<schema::FieldError> validate_crd(const nlohmann::json& crd);

// One ResourceType per served version of a valid CRD.
std::vector<ResourceType> crd_resource_types(const nlohmann::json& crd);

// Writes status.acceptedNames, status.storedVersions and the NamesAccepted and Established
// conditions (True, at `now`, keeping lastTransitionTime of conditions already True).
void set_crd_status(nlohmann::json& crd, const std::string& now);

}  // namespace hvo::apiserver

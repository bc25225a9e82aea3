// The predicate LIST and WATCH apply to objects: namespace, labelSelector and fieldSelector.
#pragma once

#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "tools/apiserver-lite/registry/resource_type.h"
#include "tools/apiserver-lite/rest/list_options.h"

namespace hvo::apiserver {

using ObjectFilter = std::function<bool(const nlohmann::json&)>;

// Throws ApiError (400) for a malformed or unsupported selector. Returns nullptr when nothing
// filters (every object of the collection passes).
ObjectFilter make_object_filter(const ResourceType& type, const std::string& ns,
                                const ListOptions& options);

}  // namespace hvo::apiserver

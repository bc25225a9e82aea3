// meta.k8s.io/v1 Table responses, as `kubectl get` asks for them: a Name column, then the
// resource's printer columns (CRD additionalPrinterColumns) evaluated with JSONPath on each
// object; date columns are rendered as ages, missing values as null.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tools/apiserver-lite/registry/resource_type.h"

namespace hvo::apiserver {

// What each row carries besides its cells (?includeObject=None|Metadata|Object).
enum class IncludeObject { kNone, kMetadata, kObject };

IncludeObject parse_include_object(const std::string& value);

nlohmann::json table_column_definitions(const ResourceType& type);
nlohmann::json table_row(const ResourceType& type, const nlohmann::json& object,
                         IncludeObject include, std::chrono::system_clock::time_point now);
// A Table of `items`; `list_metadata` is the list's metadata (resourceVersion, continue).
nlohmann::json to_table(const ResourceType& type, const std::vector<nlohmann::json>& items,
                        const nlohmann::json& list_metadata, IncludeObject include,
                        std::chrono::system_clock::time_point now);

}  // namespace hvo::apiserver

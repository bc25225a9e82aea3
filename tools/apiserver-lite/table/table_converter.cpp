#include "tools/apiserver-lite/table/table_converter.h"

#include <optional>

#include "api/k8s/time.h"
#include "tools/apiserver-lite/table/json_path.h"
#include "tools/apiserver-lite/util/human_duration.h"

namespace hvo::apiserver {

using nlohmann::json;

namespace {

json cell_value(const PrinterColumn& column, const json& object,
                std::chrono::system_clock::time_point now) {
  std::optional<json> computed;
  if (column.value) {
    computed = column.value(object);
    if (computed->is_null())
      return nullptr;
  }
  auto found = column.value ? std::nullopt : json_path_find(object, column.json_path);
  if (!column.value && (!found || found->empty()))
    return nullptr;
  const json& value = column.value ? *computed : found->front();
  if (column.count)
    return value.is_object() || value.is_array() ? json(value.size()) : json(0);
  if (column.type == "date" && value.is_string()) {
    auto time = k8s::parse_rfc3339(value.get<std::string>());
    if (!time.ok())
      return value;
    return human_duration(std::chrono::duration_cast<std::chrono::seconds>(now - *time));
  }
  if (column.type == "string" && !value.is_string())
    return value.dump();
  return value;
}

json partial_metadata(const json& object) {
  return {{"kind", "PartialObjectMetadata"},
          {"apiVersion", "meta.k8s.io/v1"},
          {"metadata", object.value("metadata", json::object())}};
}

}  // namespace

IncludeObject parse_include_object(const std::string& value) {
  if (value == "None")
    return IncludeObject::kNone;
  if (value == "Object")
    return IncludeObject::kObject;
  return IncludeObject::kMetadata;
}

json table_column_definitions(const ResourceType& type) {
  json columns = json::array();
  columns.push_back({{"name", "Name"},
                     {"type", "string"},
                     {"format", "name"},
                     {"description", "Name must be unique within a namespace."},
                     {"priority", 0}});
  for (const auto& column : type.printer_columns) {
    columns.push_back({{"name", column.name},
                       {"type", column.type == "date" ? "string" : column.type},
                       {"format", column.format},
                       {"description", column.description},
                       {"priority", column.priority}});
  }
  return columns;
}

json table_row(const ResourceType& type, const json& object, IncludeObject include,
               std::chrono::system_clock::time_point now) {
  json cells = json::array();
  cells.push_back(object.value("metadata", json::object()).value("name", ""));
  for (const auto& column : type.printer_columns)
    cells.push_back(cell_value(column, object, now));
  json row = {{"cells", cells}};
  if (include == IncludeObject::kMetadata)
    row["object"] = partial_metadata(object);
  if (include == IncludeObject::kObject)
    row["object"] = object;
  return row;
}

json to_table(const ResourceType& type, const std::vector<json>& items, const json& list_metadata,
              IncludeObject include, std::chrono::system_clock::time_point now) {
  json rows = json::array();
  for (const auto& item : items)
    rows.push_back(table_row(type, item, include, now));
  return {{"kind", "Table"},
          {"apiVersion", "meta.k8s.io/v1"},
          {"metadata", list_metadata},
          {"columnDefinitions", table_column_definitions(type)},
          {"rows", rows}};
}

}  // namespace hvo::apiserver

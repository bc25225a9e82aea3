#include "tools/apiserver-lite/rest/object_filter.h"

#include "api/k8s/selector.h"
#include "tools/apiserver-lite/rest/api_error.h"
#include "tools/apiserver-lite/rest/field_selector.h"
#include "tools/apiserver-lite/storage/object_store.h"

namespace hvo::apiserver {

using nlohmann::json;

namespace {

k8s::StringMap labels_of(const json& object) {
  k8s::StringMap labels;
  auto metadata = object.find("metadata");
  if (metadata == object.end() || !metadata->is_object())
    return labels;
  auto found = metadata->find("labels");
  if (found == metadata->end() || !found->is_object())
    return labels;
  for (const auto& [key, value] : found->items()) {
    if (value.is_string())
      labels[key] = value.get<std::string>();
  }
  return labels;
}

}  // namespace

ObjectFilter make_object_filter(const ResourceType& type, const std::string& ns,
                                const ListOptions& options) {
  auto labels = k8s::Selector::parse(options.label_selector);
  if (!labels.ok())
    throw bad_request("unable to parse requirement: " + labels.error().message());
  auto fields = FieldSelector::parse(options.field_selector, type);
  const bool by_namespace = type.namespaced && !ns.empty();
  if (labels->is_everything() && fields.empty() && !by_namespace)
    return nullptr;
  return [labels = std::move(labels).value(), fields = std::move(fields), ns,
          by_namespace](const json& object) {
    if (by_namespace && object_namespace(object) != ns)
      return false;
    return fields.matches(object) && labels.matches(labels_of(object));
  };
}

}  // namespace hvo::apiserver

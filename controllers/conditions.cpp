#include "controllers/conditions.h"

#include <utility>

namespace hvo::controllers {

k8s::Condition make_condition(std::string type, bool status, std::string reason,
                              std::string message, std::int64_t generation) {
  k8s::Condition condition;
  condition.type = std::move(type);
  condition.status = status ? k8s::ConditionStatus::kTrue : k8s::ConditionStatus::kFalse;
  condition.reason = std::move(reason);
  condition.message = std::move(message);
  condition.observed_generation = generation;
  return condition;
}

k8s::Condition make_unknown_condition(std::string type, std::string reason, std::string message,
                                      std::int64_t generation) {
  k8s::Condition condition =
      make_condition(std::move(type), false, std::move(reason), std::move(message), generation);
  condition.status = k8s::ConditionStatus::kUnknown;
  return condition;
}

bool apply_conditions(std::vector<k8s::Condition>& conditions,
                      const std::vector<k8s::Condition>& computed, const k8s::Time& now) {
  bool changed = false;
  for (const auto& condition : computed)
    changed = k8s::set_condition(conditions, condition, now) || changed;
  return changed;
}

const k8s::Json* cached_condition(const k8s::Json& object, const char* type) {
  const auto status = object.find("status");
  if (status == object.end() || !status->is_object())
    return nullptr;
  const auto conditions = status->find("conditions");
  if (conditions == status->end() || !conditions->is_array())
    return nullptr;
  for (const k8s::Json& condition : *conditions) {
    if (condition.is_object() && condition.value("type", "") == type)
      return &condition;
  }
  return nullptr;
}

std::string cached_condition_status(const k8s::Json& object, const char* type) {
  const k8s::Json* condition = cached_condition(object, type);
  return condition != nullptr ? condition->value("status", "") : "";
}

}  // namespace hvo::controllers

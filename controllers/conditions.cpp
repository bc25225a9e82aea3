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

}  // namespace hvo::controllers

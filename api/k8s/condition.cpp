#include "api/k8s/condition.h"

#include <algorithm>

#include "api/k8s/names.h"

namespace hvo::k8s {

const char* to_string(ConditionStatus status) {
  switch (status) {
    case ConditionStatus::kTrue:
      return "True";
    case ConditionStatus::kFalse:
      return "False";
    case ConditionStatus::kUnknown:
      return "Unknown";
  }
  return "Unknown";
}

std::optional<ConditionStatus> parse_condition_status(const std::string& text) {
  if (text == "True")
    return ConditionStatus::kTrue;
  if (text == "False")
    return ConditionStatus::kFalse;
  if (text == "Unknown")
    return ConditionStatus::kUnknown;
  return std::nullopt;
}

bool set_condition(std::vector<Condition>& conditions, const Condition& condition, Time now) {
  Condition* existing = find_condition(conditions, condition.type);
  if (existing == nullptr) {
    conditions.push_back(condition);
    conditions.back().last_transition_time = now;
    return true;
  }
  bool changed = false;
  if (existing->status != condition.status) {
    existing->status = condition.status;
    existing->last_transition_time = now;
    changed = true;
  }
  if (existing->reason != condition.reason) {
    existing->reason = condition.reason;
    changed = true;
  }
  if (existing->message != condition.message) {
    existing->message = condition.message;
    changed = true;
  }
  if (existing->observed_generation != condition.observed_generation) {
    existing->observed_generation = condition.observed_generation;
    changed = true;
  }
  return changed;
}

bool remove_condition(std::vector<Condition>& conditions, std::string_view type) {
  const auto it = std::find_if(conditions.begin(), conditions.end(),
                               [&](const Condition& c) { return c.type == type; });
  if (it == conditions.end())
    return false;
  conditions.erase(it);
  return true;
}

const Condition* find_condition(const std::vector<Condition>& conditions, std::string_view type) {
  for (const Condition& condition : conditions) {
    if (condition.type == type)
      return &condition;
  }
  return nullptr;
}

Condition* find_condition(std::vector<Condition>& conditions, std::string_view type) {
  for (Condition& condition : conditions) {
    if (condition.type == type)
      return &condition;
  }
  return nullptr;
}

bool is_true(const std::vector<Condition>& conditions, std::string_view type) {
  const Condition* condition = find_condition(conditions, type);
  return condition != nullptr && condition->status == ConditionStatus::kTrue;
}

bool is_false(const std::vector<Condition>& conditions, std::string_view type) {
  const Condition* condition = find_condition(conditions, type);
  return condition != nullptr && condition->status == ConditionStatus::kFalse;
}

bool is_valid_reason(std::string_view reason) {
  const auto letter = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); };
  const auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (reason.empty() || reason.size() > 1024 || !letter(reason.front()))
    return false;
  const char last = reason.back();
  if (reason.size() > 1 && !(letter(last) || digit(last) || last == '_'))
    return false;
  return std::all_of(reason.begin(), reason.end(), [&](char c) {
    return letter(c) || digit(c) || c == '_' || c == ',' || c == ':';
  });
}

FieldErrors validate(const Condition& condition, const std::string& path) {
  FieldErrors errors;
  const std::string type_path = field_path(path, "type");
  if (condition.type.size() > 316) {
    errors.push_back({type_path, "must be no more than 316 characters"});
  }
  for (const std::string& problem : check_qualified_name(condition.type)) {
    errors.push_back({type_path, "invalid value \"" + condition.type + "\": " + problem});
  }
  if (condition.observed_generation < 0) {
    errors.push_back(
        {field_path(path, "observedGeneration"), "must be greater than or equal to 0"});
  }
  if (condition.reason.empty()) {
    errors.push_back({field_path(path, "reason"), "required value"});
  } else if (!is_valid_reason(condition.reason)) {
    errors.push_back({field_path(path, "reason"),
                      "invalid value \"" + condition.reason +
                          "\": a condition reason must start with a letter, contain only "
                          "letters, digits, '_', ',' or ':', end with a letter, digit or '_', "
                          "and be at most 1024 characters (e.g. 'QuotaExceeded')"});
  }
  if (condition.message.size() > 32768) {
    errors.push_back({field_path(path, "message"), "must be no more than 32768 characters"});
  }
  return errors;
}

void decode(const Json& value, const std::string& path, FieldErrors& errors, Condition& out) {
  const ObjectReader reader(value, path, errors);
  reader.required("type", out.type);
  if (const Json* status = reader.find("status")) {
    decode_enum(*status, reader.path_of("status"), errors, out.status, parse_condition_status,
                "\"True\", \"False\", \"Unknown\"");
  } else if (reader.is_object()) {
    errors.push_back({reader.path_of("status"), "required value"});
  }
  reader.optional("observedGeneration", out.observed_generation);
  reader.optional("lastTransitionTime", out.last_transition_time);
  reader.optional("reason", out.reason);
  reader.optional("message", out.message);
}

void encode(Json& target, const Condition& condition) {
  ensure_object(target);
  target["type"] = condition.type;
  target["status"] = to_string(condition.status);
  if (condition.observed_generation != 0) {
    target["observedGeneration"] = condition.observed_generation;
  } else {
    target.erase("observedGeneration");
  }
  encode(target["lastTransitionTime"], condition.last_transition_time);
  // reason and message are required by the schema even when empty.
  target["reason"] = condition.reason;
  target["message"] = condition.message;
}

void encode(Json& target, const std::vector<Condition>& conditions) {
  encode_keyed_list(target, conditions, "type", [](const Condition& c) { return c.type; });
}

}  // namespace hvo::k8s

// metav1.Condition and the helpers every reconciler uses to maintain a status' conditions.
// lastTransitionTime changes only when a condition's status flips, so `kubectl wait` and
// kstatus see a stable transition time; observedGeneration records which spec the condition
// describes.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/k8s/field_error.h"
#include "api/k8s/json_codec.h"
#include "api/k8s/time.h"

namespace hvo::k8s {

enum class ConditionStatus { kTrue, kFalse, kUnknown };

// "True", "False", "Unknown".
const char* to_string(ConditionStatus status);
std::optional<ConditionStatus> parse_condition_status(const std::string& text);

struct Condition {
  std::string type;  // "Ready", "Scheduled", ...
  ConditionStatus status = ConditionStatus::kUnknown;
  std::int64_t observed_generation = 0;
  Time last_transition_time;
  std::string reason;   // CamelCase, for programs: "QuotaExceeded"
  std::string message;  // a sentence, for people
};

// Adds `condition`, or updates the one of the same type: lastTransitionTime becomes `now` when
// the condition is new or its status changed and is kept otherwise; reason, message and
// observedGeneration always take the given values. Returns whether anything changed, so callers
// can skip writing an unchanged status.
bool set_condition(std::vector<Condition>& conditions, const Condition& condition, Time now);

// Removes the condition of `type`; returns whether there was one.
bool remove_condition(std::vector<Condition>& conditions, std::string_view type);

const Condition* find_condition(const std::vector<Condition>& conditions, std::string_view type);
Condition* find_condition(std::vector<Condition>& conditions, std::string_view type);

// Whether the condition of `type` exists with status True (False for is_false).
bool is_true(const std::vector<Condition>& conditions, std::string_view type);
bool is_false(const std::vector<Condition>& conditions, std::string_view type);

// Kubernetes' rule for reasons: ^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$, at most 1024 long.
bool is_valid_reason(std::string_view reason);

// The metav1.Condition validation rules: type a qualified name of at most 316 characters,
// reason valid and non-empty, message at most 32768 characters, observedGeneration >= 0.
FieldErrors validate(const Condition& condition, const std::string& path);

void decode(const Json& value, const std::string& path, FieldErrors& errors, Condition& out);
void encode(Json& target, const Condition& condition);
// Conditions overlay by type, keeping unknown fields with the right condition.
void encode(Json& target, const std::vector<Condition>& conditions);

}  // namespace hvo::k8s

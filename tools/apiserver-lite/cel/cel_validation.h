// Evaluates a CRD schema's x-kubernetes-validations rules against an object on create, update
// and patch, as kube-apiserver's apiextensions CEL validator does:
// - each rule runs with `self` bound to the value at its node (absent or null values are not
//   validated); at the root, `self` holds apiVersion, kind and metadata.name/generateName only;
// - a rule reading `oldSelf` (a transition rule) runs only on update, where the old value
//   correlates: through object properties, map keys and items of x-kubernetes-list-type: map
//   lists (by their keys); never through other lists;
// - ratcheting: a value equal to the stored one is not refused again by its non-transition
//   rules (so status writes pass on objects stored before a rule existed);
// - a false rule gives `<path>: Invalid value: "<schema type>": <message>`, the path extended by
//   fieldPath, the message from messageExpression (when it evaluates to a non-empty string),
//   else message, else "failed rule: <rule>"; reason FieldValueForbidden / Required / Duplicate
//   changes the error's kind as upstream; an evaluation error reads
//   "<error> evaluating rule: <message or rule>";
// - one cost budget per object (kPerObjectCostBudget steps); exhausting it stops validation.
// A rule the evaluator cannot compile is skipped (and reported by rules_not_supported(), which
// the server logs when it starts serving the CRD): the emulator then accepts what a real server
// might refuse, never the reverse.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/schema/structural_schema.h"

namespace hvo::apiserver::cel {

inline constexpr std::int64_t kPerObjectCostBudget = 1000000;

std::vector<schema::FieldError> validate_rules(const nlohmann::json& schema,
                                               const nlohmann::json& object,
                                               const nlohmann::json* old_object,
                                               std::int64_t budget = kPerObjectCostBudget);

// "spec.memory: <rule>: <compile error>" for each rule (or messageExpression) of `schema` this
// evaluator cannot compile.
std::vector<std::string> rules_not_supported(const nlohmann::json& schema);

}  // namespace hvo::apiserver::cel

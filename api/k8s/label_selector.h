// metav1.LabelSelector: matchLabels plus matchExpressions, as objects carry it in their spec
// (VirtualMachine placement.hostSelector, Tenant hostSelector, Quota hostSelector).
//
// Semantics follow metav1.LabelSelectorAsSelector: an empty selector ({}) matches every object;
// a null (absent) selector matches none. Fields decide what absence means for them (an absent
// placement.hostSelector means "any host"), so absence is modelled with
// std::optional<LabelSelector> at the field and to_selector(std::nullopt) is Selector::nothing().
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "api/k8s/field_error.h"
#include "api/k8s/json_codec.h"
#include "api/k8s/selector.h"

namespace hvo::k8s {

enum class LabelSelectorOperator { kIn, kNotIn, kExists, kDoesNotExist };

// "In", "NotIn", "Exists", "DoesNotExist".
const char* to_string(LabelSelectorOperator op);
std::optional<LabelSelectorOperator> parse_label_selector_operator(const std::string& text);

struct LabelSelectorRequirement {
  std::string key;
  LabelSelectorOperator op = LabelSelectorOperator::kIn;  // JSON "operator"
  std::vector<std::string> values;
};

struct LabelSelector {
  StringMap match_labels;
  std::vector<LabelSelectorRequirement> match_expressions;

  bool empty() const { return match_labels.empty() && match_expressions.empty(); }
};

// Every problem, with paths under `path` ("spec.placement.hostSelector.matchExpressions[0]
// .values: must be specified when operator is In or NotIn").
FieldErrors validate(const LabelSelector& selector, const std::string& path);

// The requirement list; an error (naming the first problem) when the selector is invalid.
Result<Selector> to_selector(const LabelSelector& selector);
// A null selector matches nothing.
Result<Selector> to_selector(const std::optional<LabelSelector>& selector);

// The `labelSelector=` text form ("a=b,c in (x,y),!d"); an invalid selector yields its error.
Result<std::string> to_string(const LabelSelector& selector);

// Matches `labels`; an invalid selector matches nothing.
bool matches(const LabelSelector& selector, const StringMap& labels);

void decode(const Json& value, const std::string& path, FieldErrors& errors,
            LabelSelectorRequirement& out);
void decode(const Json& value, const std::string& path, FieldErrors& errors, LabelSelector& out);
void encode(Json& target, const LabelSelectorRequirement& requirement);
void encode(Json& target, const LabelSelector& selector);

}  // namespace hvo::k8s

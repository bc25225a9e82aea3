// A parsed label selector: the list of requirements the `labelSelector=` query parameter
// carries (apimachinery's labels.Selector). Built from text with Selector::parse or from a
// metav1.LabelSelector with to_selector() (label_selector.h).
//
// Text form, as the API server accepts it:
//   a=b   a==b   a!=b   a in (x,y)   a notin (x,y)   a   !a   a>3   a<3
// joined by ','; whitespace around tokens is ignored. Requirements are kept sorted by key (the
// order Kubernetes prints them in) and values sorted and unique.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "api/k8s/json_codec.h"
#include "common/status.h"

namespace hvo::k8s {

enum class SelectorOperator {
  kEquals,        // a=b
  kDoubleEquals,  // a==b
  kNotEquals,     // a!=b  (also matches objects without the label)
  kIn,            // a in (x,y)
  kNotIn,         // a notin (x,y)  (also matches objects without the label)
  kExists,        // a
  kDoesNotExist,  // !a
  kGreaterThan,   // a>3  (integer label values only)
  kLessThan,      // a<3
};

class Requirement {
 public:
  // Validates like labels.NewRequirement: the key is a qualified name, every value a label
  // value; =, ==, != take one value, in/notin at least one, exists/!exists none, > and < one
  // integer.
  static Result<Requirement> make(std::string key, SelectorOperator op,
                                  std::vector<std::string> values);

  const std::string& key() const { return key_; }
  SelectorOperator op() const { return op_; }
  const std::vector<std::string>& values() const { return values_; }

  bool matches(const StringMap& labels) const;
  std::string to_string() const;

 private:
  Requirement(std::string key, SelectorOperator op, std::vector<std::string> values)
      : key_(std::move(key)), op_(op), values_(std::move(values)) {}

  std::string key_;
  SelectorOperator op_;
  std::vector<std::string> values_;  // sorted, unique
};

class Selector {
 public:
  // No requirements: matches every object (an empty `labelSelector=`).
  Selector() = default;
  static Selector everything() { return Selector(); }
  // Matches no object: what Kubernetes makes of a null metav1.LabelSelector.
  static Selector nothing();

  // Parses the `labelSelector=` text form; errors name the selector and the problem.
  static Result<Selector> parse(std::string_view text);

  // Adds a requirement, keeping the list sorted by key.
  void add(Requirement requirement);

  bool matches(const StringMap& labels) const;
  bool is_everything() const { return !nothing_ && requirements_.empty(); }
  bool is_nothing() const { return nothing_; }
  const std::vector<Requirement>& requirements() const { return requirements_; }

  // "a=b,c in (x,y),!d"; "" for everything (and for nothing, as in Kubernetes).
  std::string to_string() const;

 private:
  std::vector<Requirement> requirements_;
  bool nothing_ = false;
};

}  // namespace hvo::k8s

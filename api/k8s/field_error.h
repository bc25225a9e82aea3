// A problem with one field of an object, named by its path ("spec.memory.startup",
// "spec.disks[1].name"). Decoding and semantic validation collect every problem as a list of
// these, so a user sees all of them at once instead of fixing one per round trip.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"

namespace hvo::k8s {

struct FieldError {
  std::string field;    // dotted path with [index] for list items; empty for the whole object
  std::string message;  // "must not exceed spec.memory.startup"

  std::string to_string() const { return field.empty() ? message : field + ": " + message; }
};

using FieldErrors = std::vector<FieldError>;

// "a: x; b: y" — every error on one line, in the order found.
std::string join(const FieldErrors& errors);

// An InvalidArgument error: "<context>: a: x; b: y". Precondition: `errors` is not empty.
Error to_error(const std::string& context, const FieldErrors& errors);

// Joins a parent path and a key: ("spec", "cpu") → "spec.cpu"; ("", "spec") → "spec".
std::string field_path(const std::string& parent, const std::string& key);

// Appends a list index: ("spec.disks", 1) → "spec.disks[1]".
std::string index_path(const std::string& parent, std::size_t index);

}  // namespace hvo::k8s

// YAML to JSON as Kubernetes decodes it (sigs.k8s.io/yaml over go-yaml v2): manifests, server-side
// apply bodies and agent configuration all arrive as YAML and are handled as JSON afterwards.
#pragma once

#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/status.h"

namespace hvo::schema {

// Converts every document of a YAML stream ("---" separated) to JSON, in order. Empty documents
// (nothing but comments, or a bare "---") are skipped, as kubectl skips them.
//
// Plain scalars are typed the way go-yaml v2 resolves them: ~, null and empty are null; true,
// false, yes, no, on, off, y, n (any of their usual capitalisations) are booleans; decimal, 0x,
// 0o, 0b and leading-zero octal integers (underscores allowed) are integers; other numeric forms
// (1.5, 1e3, .5) are floats, and a float with an integral value becomes a JSON integer, as it
// does after Kubernetes' JSON round trip. Timestamps stay strings. Quoted and block scalars and
// !!str values are always strings. Non-string mapping keys are turned into their string form.
// Merge keys (<<) are honoured; a key defined twice in one mapping is an error.
//
// Errors are kInvalidArgument and name the line ("line 4, column 7: ..."); nothing in the input
// makes this crash: deep nesting and alias bombs are refused with an error.
Result<std::vector<nlohmann::json>> yaml_to_json_documents(std::string_view yaml);

// The single document of `yaml`; an error when the stream holds none or more than one.
Result<nlohmann::json> yaml_to_json(std::string_view yaml);

}  // namespace hvo::schema

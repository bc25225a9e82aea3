// Loading the repository's manifests for the CRD and example tests: every YAML document of the
// top-level .yaml files of crds/ and examples/, converted to JSON as Kubernetes would.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace hvo::testing {

struct Manifest {
  std::string file;  // file name inside its folder, e.g. "10-hosts.yaml"
  size_t index;      // position of the document in the file
  nlohmann::json object;

  // "10-hosts.yaml#1 (HyperVHost hv-01)", for test messages.
  std::string label() const;
};

// Every document of every *.yaml file directly in `dir` (not in subfolders), files in name
// order. Fails the calling test (ADD_FAILURE) for unreadable files or invalid YAML.
std::vector<Manifest> load_manifests(const std::string& dir);

// The CRDs of crds/, keyed by spec.names.kind.
std::map<std::string, nlohmann::json> crds_by_kind();

// The openAPIV3Schema of the CRD's single version.
const nlohmann::json& openapi_schema(const nlohmann::json& crd);

std::string crds_dir();
std::string examples_dir();

}  // namespace hvo::testing

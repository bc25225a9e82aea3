#include "tests/crds/manifest_files.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "api/schema/yaml_json.h"

namespace hvo::testing {

std::string Manifest::label() const {
  const std::string kind = object.value("kind", "?");
  const std::string name =
      object.contains("metadata") ? object["metadata"].value("name", "?") : "?";
  return file + "#" + std::to_string(index) + " (" + kind + " " + name + ")";
}

std::vector<Manifest> load_manifests(const std::string& dir) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.is_regular_file() && entry.path().extension() == ".yaml")
      files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<Manifest> manifests;
  for (const auto& path : files) {
    std::ifstream in(path);
    if (!in) {
      ADD_FAILURE() << "cannot read " << path;
      continue;
    }
    std::stringstream text;
    text << in.rdbuf();
    auto documents = schema::yaml_to_json_documents(text.str());
    if (!documents.ok()) {
      ADD_FAILURE() << path << ": " << documents.error().message();
      continue;
    }
    for (size_t i = 0; i < documents->size(); ++i) {
      manifests.push_back({path.filename().string(), i, std::move((*documents)[i])});
    }
  }
  return manifests;
}

std::map<std::string, nlohmann::json> crds_by_kind() {
  std::map<std::string, nlohmann::json> crds;
  for (Manifest& m : load_manifests(crds_dir())) {
    const std::string kind = m.object["spec"]["names"]["kind"].get<std::string>();
    crds[kind] = std::move(m.object);
  }
  return crds;
}

const nlohmann::json& openapi_schema(const nlohmann::json& crd) {
  return crd.at("spec").at("versions").at(0).at("schema").at("openAPIV3Schema");
}

std::string crds_dir() {
  return std::string(HVO_SOURCE_DIR) + "/crds";
}
std::string examples_dir() {
  return std::string(HVO_SOURCE_DIR) + "/examples";
}

}  // namespace hvo::testing

// LogSecrets::add_manifests and add_key_files: what a fixture hands to its processes that must
// stay out of their logs. Apart from log_secrets.cpp because it needs YAML and base64.
#include <filesystem>
#include <fstream>
#include <iterator>

#include <openssl/evp.h>
#include <nlohmann/json.hpp>

#include <optional>

#include "api/schema/yaml_json.h"
#include "tests/support/log_secrets.h"

namespace hvo::testing {

namespace {

// A Secret's data value (standard base64, as the API server requires); nullopt when malformed.
std::optional<std::string> base64_decode(const std::string& text) {
  if (text.size() % 4 != 0)
    return std::nullopt;
  std::string out(text.size() / 4 * 3, '\0');
  const int length = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                     reinterpret_cast<const unsigned char*>(text.data()),
                                     static_cast<int>(text.size()));
  if (length < 0)
    return std::nullopt;
  // EVP_DecodeBlock counts the bytes the padding stands for.
  std::size_t padding = 0;
  for (auto it = text.rbegin(); it != text.rend() && *it == '=' && padding < 2; ++it)
    ++padding;
  out.resize(static_cast<std::size_t>(length) - padding);
  return out;
}

std::string name_of(const nlohmann::json& object) {
  const auto& metadata = object.value("metadata", nlohmann::json::object());
  return metadata.is_object() ? metadata.value("namespace", "") + "/" + metadata.value("name", "")
                              : "";
}

void add_manifest(LogSecrets& secrets, const nlohmann::json& object) {
  if (!object.is_object())
    return;
  const std::string kind = object.value("kind", "");
  if (kind == "List") {
    for (const auto& item : object.value("items", nlohmann::json::array()))
      add_manifest(secrets, item);
    return;
  }
  if (kind == "Secret") {
    const std::string label = "Secret " + name_of(object);
    const auto data = object.value("data", nlohmann::json::object());
    for (const auto& [key, value] : data.items()) {
      if (!value.is_string())
        continue;
      if (auto decoded = base64_decode(value.get<std::string>()))
        secrets.add(label + " data." + key, *decoded);
    }
    const auto string_data = object.value("stringData", nlohmann::json::object());
    for (const auto& [key, value] : string_data.items()) {
      if (value.is_string())
        secrets.add(label + " stringData." + key, value.get<std::string>());
    }
    return;
  }
  if (kind == "VirtualMachine") {
    const auto pointer = nlohmann::json::json_pointer("/spec/cloudInit/userData");
    if (object.contains(pointer) && object.at(pointer).is_string())
      secrets.add("VirtualMachine " + name_of(object) + " userData",
                  object.at(pointer).get<std::string>());
  }
}

}  // namespace

void LogSecrets::add_manifests(const std::string& manifests) {
  auto documents = schema::yaml_to_json_documents(manifests);
  if (!documents.ok())
    return;
  for (const auto& document : *documents)
    add_manifest(*this, document);
}

void LogSecrets::add_key_files(const std::string& dir) {
  std::error_code error;
  for (std::filesystem::recursive_directory_iterator it(dir, error), end; !error && it != end;
       it.increment(error)) {
    const auto& path = it->path();
    if (!it->is_regular_file(error) || !(path.extension() == ".key" || path.filename() == "token"))
      continue;
    std::ifstream in(path, std::ios::binary);
    const std::string content((std::istreambuf_iterator<char>(in)),
                              std::istreambuf_iterator<char>());
    add(path.filename().string() + " (" + path.parent_path().filename().string() + ")", content);
  }
}

}  // namespace hvo::testing

// YAML → JSON as the emulator and the agent's configuration read it (api/schema/yaml_json):
// manifests and server-side apply bodies arrive as YAML from any client. The result is dumped,
// as every caller eventually does (etcd values, responses): it must be valid JSON text.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string_view>

#include "api/schema/yaml_json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const std::string_view yaml(reinterpret_cast<const char*>(data), size);
  auto documents = hvo::schema::yaml_to_json_documents(yaml);
  if (documents.ok()) {
    for (const auto& document : *documents)
      (void)document.dump();
  }
  auto single = hvo::schema::yaml_to_json(yaml);
  if (single.ok())
    (void)single->dump();
  return 0;
}

#include "tools/apiserver-lite/storage/key_layout.h"

namespace hvo::apiserver {

std::string object_key(const ResourceType& type, const std::string& ns, const std::string& name) {
  return collection_prefix(type, type.namespaced ? ns : std::string()) + name;
}

std::string collection_prefix(const ResourceType& type, const std::string& ns) {
  if (!type.namespaced || ns.empty())
    return type.storage_prefix + "/";
  return type.storage_prefix + "/" + ns + "/";
}

}  // namespace hvo::apiserver

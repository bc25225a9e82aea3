#include "api/v1alpha1/resources.h"

namespace hvo::api {

void decode(const k8s::Json& value, const std::string& path, k8s::FieldErrors& errors,
            ResourceAmounts& out) {
  const k8s::ObjectReader reader(value, path, errors);
  reader.optional("cpu", out.cpu);
  reader.optional("memory", out.memory);
  reader.optional("storage", out.storage);
}

void decode(const k8s::Json& value, const std::string& path, k8s::FieldErrors& errors,
            QuotaAmounts& out) {
  const k8s::ObjectReader reader(value, path, errors);
  reader.optional("vcpus", out.vcpus);
  reader.optional("memory", out.memory);
  reader.optional("storage", out.storage);
  reader.optional("vms", out.vms);
}

void encode(k8s::Json& target, const ResourceAmounts& amounts) {
  k8s::ensure_object(target);
  k8s::put(target, "cpu", amounts.cpu);
  k8s::put(target, "memory", amounts.memory);
  k8s::put(target, "storage", amounts.storage);
}

void encode(k8s::Json& target, const QuotaAmounts& amounts) {
  k8s::ensure_object(target);
  k8s::put(target, "vcpus", amounts.vcpus);
  k8s::put(target, "memory", amounts.memory);
  k8s::put(target, "storage", amounts.storage);
  k8s::put(target, "vms", amounts.vms);
}

}  // namespace hvo::api

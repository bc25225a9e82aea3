// Quota JSON: field names exactly as the CRD spells them.
#include "api/v1alpha1/object_codec.h"
#include "api/v1alpha1/quota_types.h"

namespace hvo::api {

using k8s::FieldErrors;
using k8s::Json;
using k8s::ObjectReader;
using k8s::put;
using k8s::put_defaulted;

void decode(const Json& value, const std::string& path, FieldErrors& errors, QuotaSpec& out) {
  const ObjectReader reader(value, path, errors);
  reader.required("tenant", out.tenant);
  reader.required("hard", out.hard);
  reader.optional("hostSelector", out.host_selector);
}

void decode(const Json& value, const std::string& path, FieldErrors& errors, QuotaStatus& out) {
  const ObjectReader reader(value, path, errors);
  reader.optional("used", out.used);
  reader.optional("reserved", out.reserved);
  reader.optional("observedGeneration", out.observed_generation);
  reader.optional("conditions", out.conditions);
}

void encode(Json& target, const QuotaSpec& spec) {
  k8s::ensure_object(target);
  put(target, "tenant", spec.tenant);
  // Required by the schema: written even when it limits nothing.
  encode(target["hard"], spec.hard);
  put(target, "hostSelector", spec.host_selector);
}

void encode(Json& target, const QuotaStatus& status) {
  k8s::ensure_object(target);
  put(target, "used", status.used);
  put(target, "reserved", status.reserved);
  put_defaulted(target, "observedGeneration", status.observed_generation, std::int64_t{0});
  put(target, "conditions", status.conditions);
}

Result<Quota> Quota::from_json(const Json& json) {
  return decode_object<Quota>(json);
}

Result<Quota> Quota::parse(std::string_view json_text) {
  return parse_object<Quota>(json_text);
}

Json Quota::to_json() const {
  return encode_object(*this);
}

}  // namespace hvo::api

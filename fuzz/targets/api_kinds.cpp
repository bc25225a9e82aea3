// The operator's view of the four kinds: JSON decoding (from_json), semantic validation, and the
// conversions the controllers make from decoded objects (scheduler request, quota snapshot, host
// snapshot, tenant policy, the agent's spec). The first byte picks the kind, the rest is the
// object's JSON. Encoding must be stable: an object decoded from its own encoding encodes to
// the same JSON (the operator writes status through this path).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "api/k8s/json_codec.h"
#include "api/v1alpha1/hyperv_host_types.h"
#include "api/v1alpha1/quota_types.h"
#include "api/v1alpha1/tenant_types.h"
#include "api/v1alpha1/validation.h"
#include "api/v1alpha1/virtual_machine_types.h"
#include "controllers/api_conversions.h"
#include "controllers/vm_desired_spec.h"
#include "fuzz/fuzz_input.h"

namespace {

constexpr const char* kTarget = "api_kinds";

template <typename Kind>
std::optional<Kind> decode_checked(std::string_view text) {
  auto parsed = Kind::parse(text);
  if (!parsed.ok())
    return std::nullopt;
  const hvo::k8s::Json encoded = parsed->to_json();
  auto again = Kind::from_json(encoded);
  HVO_FUZZ_CHECK(kTarget, again.ok(),
                 std::string(Kind::kKind) + ": its own encoding does not decode: " +
                     encoded.dump() + ": " + (again.ok() ? "" : again.error().message()));
  HVO_FUZZ_CHECK(kTarget, again->to_json() == encoded,
                 std::string(Kind::kKind) + ": encoding is not stable: " + encoded.dump() + " -> " +
                     again->to_json().dump());
  (void)hvo::api::validate(*parsed);
  return std::move(parsed).value();
}

void virtual_machine(std::string_view text) {
  using namespace hvo::controllers;
  auto vm = decode_checked<hvo::api::VirtualMachine>(text);
  if (!vm || !hvo::api::validate(*vm).empty())
    return;
  (void)vm_requested(vm->spec);
  (void)required_capabilities(vm->spec);
  (void)placement_request(*vm, nullptr);
  (void)vm_charge(*vm, "team-a");
  (void)desired_vm_spec(*vm, vm->spec.cloud_init ? vm->spec.cloud_init->user_data : std::nullopt,
                        hvo::agent::PowerIntent::kRunning);
}

void tenant(std::string_view text) {
  auto tenant = decode_checked<hvo::api::Tenant>(text);
  if (!tenant || !hvo::api::validate(*tenant).empty())
    return;
  (void)hvo::controllers::tenant_policy(*tenant);
}

void quota(std::string_view text) {
  auto quota = decode_checked<hvo::api::Quota>(text);
  if (!quota || !hvo::api::validate(*quota).empty())
    return;
  (void)hvo::controllers::quota_snapshot(*quota);
}

void host(std::string_view text) {
  auto host = decode_checked<hvo::api::HyperVHost>(text);
  if (!host || !hvo::api::validate(*host).empty())
    return;
  (void)hvo::controllers::host_snapshot(*host, {}, {});
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  hvo::fuzz::FuzzInput input(data, size);
  const uint8_t which = input.take_byte();
  const std::string_view text = input.rest();
  switch (which % 4) {
    case 0:
      virtual_machine(text);
      break;
    case 1:
      tenant(text);
      break;
    case 2:
      quota(text);
      break;
    default:
      host(text);
      break;
  }
  return 0;
}

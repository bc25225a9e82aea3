// The agent's PUT /v1/vms/{uid} body: decoding (parse_vm_spec) and validation (validate_vm_spec).
// Besides not crashing, a spec the agent accepts must survive its own wire form: encoding it and
// decoding that again gives the same spec, which validates again (the operator and the agent
// exchange specs in this form, and the agent keeps them in its state file).
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string_view>

#include "fuzz/fuzz_input.h"
#include "hostagent/protocol/vm_spec.h"
#include "hostagent/protocol/vm_spec_validation.h"

namespace {
constexpr const char* kTarget = "agent_vm_spec";
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  using namespace hvo::agent;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  auto parsed = parse_vm_spec(body);
  if (!parsed.ok())
    return 0;
  auto valid = validate_vm_spec(*parsed);
  if (!valid.ok())
    return 0;
  (void)valid->host_vm_name();

  nlohmann::json wire;
  to_json(wire, *valid);
  const std::string text = wire.dump();
  auto again = parse_vm_spec(text);
  HVO_FUZZ_CHECK(kTarget, again.ok(), "a validated spec's wire form does not decode: " + text);
  auto revalidated = validate_vm_spec(*again);
  HVO_FUZZ_CHECK(kTarget, revalidated.ok(),
                 "a validated spec's wire form does not validate: " + text);
  nlohmann::json wire_again;
  to_json(wire_again, *revalidated);
  HVO_FUZZ_CHECK(kTarget, wire_again == wire,
                 "the wire form changed on a round trip: " + text + " -> " + wire_again.dump());
  return 0;
}

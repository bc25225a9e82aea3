// The cloud-init seed ISO the agent writes for a VM. Mode 0 builds an image from a volume id and
// files taken from the input (name '\n' content '\0', repeated); mode 1 takes the path the agent
// takes: a PUT /v1/vms body, validated, turned into the NoCloud seed. An image must be whole
// sectors and hold each file's bytes as they were given (cloud-init reads them verbatim).
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz/fuzz_input.h"
#include "hostagent/iso/cloud_init_seed.h"
#include "hostagent/iso/iso9660_writer.h"
#include "hostagent/protocol/vm_spec.h"
#include "hostagent/protocol/vm_spec_validation.h"

namespace {

constexpr const char* kTarget = "iso_writer";
constexpr std::time_t kRecordedAt = 1796670000;  // 2026-12-07, fixed: same input, same bytes

void check_image(const hvo::agent::IsoImageSpec& spec) {
  auto image = hvo::agent::build_iso9660(spec);
  if (!image.ok())
    return;
  HVO_FUZZ_CHECK(kTarget, image->size() % hvo::agent::kIsoSectorBytes == 0,
                 "image of " + std::to_string(image->size()) + " bytes is not whole sectors");
  for (const auto& file : spec.files) {
    HVO_FUZZ_CHECK(kTarget, image->find(file.content) != std::string::npos,
                   "the content of " + file.name + " is not in the image");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  using namespace hvo::agent;
  hvo::fuzz::FuzzInput input(data, size);
  if (input.take_byte() % 2 == 0) {
    IsoImageSpec spec;
    spec.volume_id = std::string(input.take_until('\n'));
    spec.recorded_at = kRecordedAt;
    while (!input.empty() && spec.files.size() < 16) {
      IsoFile file;
      file.name = std::string(input.take_until('\n'));
      file.content = std::string(input.take_until('\0'));
      spec.files.push_back(std::move(file));
    }
    check_image(spec);
    return 0;
  }
  auto parsed = parse_vm_spec(input.rest());
  if (!parsed.ok())
    return 0;
  auto valid = validate_vm_spec(*parsed);
  if (!valid.ok() || !valid->cloud_init)
    return 0;
  check_image(cloud_init_seed(*valid, kRecordedAt));
  return 0;
}
